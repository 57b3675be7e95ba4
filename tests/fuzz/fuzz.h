/*
 * The libFuzzer entry point every tests/fuzz/fuzz_NAME.c defines.  The
 * same file links with replay.c (gcc, make check) or with -fsanitize=fuzzer
 * (clang, --enable-fuzzing).  A target aborts when a property fails.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#endif
