/*
 * The libFuzzer entry point every tests/fuzz/fuzz_NAME.c defines.  The
 * same file links with replay.c (gcc, make check) or with -fsanitize=fuzzer
 * (clang, --enable-fuzzing).  A target aborts when a property fails.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A property that must hold; a violation aborts with file and line. */
#define FUZZ_CHECK(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: property failed: %s\n",	\
		    __FILE__, __LINE__, #c);				\
		abort();						\
	}								\
} while (0)

#endif
