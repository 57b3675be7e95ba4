/*
 * Fuzz target for src/config.c.
 *
 * Input is a pptpd.conf, or, when the first byte is NUL, a command line
 * (the rest split at '\n' into arguments).  Properties, abort() on any
 * violation:
 *  - an error message names the location and is printable text;
 *  - what parses also passes config_check;
 *  - parse(dump(x)) == x, and dumping that again gives the same text.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"

#define FUZZ_ARGS	32

static void
fuzz_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			abort();
}

static char *
fuzz_dump(const struct pptpd_config *c, size_t *len)
{
	char *text = NULL;
	FILE *fp;

	if ((fp = open_memstream(&text, len)) == NULL)
		abort();
	if (config_dump(c, fp) != 0)
		abort();
	fclose(fp);
	return text;
}

static void
fuzz_round_trip(const struct pptpd_config *c)
{
	struct pptpd_config again;
	char err[512], *text, *text2;
	size_t len, len2;

	if (config_check(c, err, sizeof(err)) != 0)
		abort();
	text = fuzz_dump(c, &len);
	config_defaults(&again);
	if (config_parse_buf(&again, "dump", text, len, err, sizeof(err)) != 0)
		abort();
	if (!config_equal(c, &again))
		abort();
	text2 = fuzz_dump(&again, &len2);
	if (len != len2 || memcmp(text, text2, len) != 0)
		abort();
	free(text);
	free(text2);
	config_free(&again);
}

static void
fuzz_file(const uint8_t *data, size_t size)
{
	struct pptpd_config c;
	char err[512];

	config_defaults(&c);
	err[0] = '\0';
	if (config_parse_buf(&c, "fuzz", (const char *)data, size, err,
	    sizeof(err)) != 0) {
		if (strncmp(err, "fuzz:", 5) != 0)
			abort();
		fuzz_printable(err);
	} else
		fuzz_round_trip(&c);
	config_free(&c);
}

static void
fuzz_argv(const uint8_t *data, size_t size)
{
	struct pptpd_config cli, merged;
	struct config_cmdline cmd;
	char *copy, *start, *argv[FUZZ_ARGS + 2], err[512];
	size_t i;
	int argc = 1;

	if ((copy = malloc(size + 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[0] = "pptpd";
	start = copy;
	for (i = 0; size > 0 && i <= size && argc <= FUZZ_ARGS; i++) {
		if (i == size || copy[i] == '\n') {
			copy[i] = '\0';
			argv[argc++] = start;
			start = copy + i + 1;
		}
	}
	argv[argc] = NULL;

	config_defaults(&cli);
	memset(&cmd, 0, sizeof(cmd));
	if (config_parse_argv(&cli, &cmd, argc, argv, err, sizeof(err)) != 0)
		fuzz_printable(err);
	else {
		fuzz_round_trip(&cli);
		config_defaults(&merged);
		if (config_merge(&merged, &cli) != 0)
			abort();
		fuzz_round_trip(&merged);
		config_free(&merged);
	}
	config_free(&cli);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == '\0')
		fuzz_argv(data + 1, size - 1);
	else
		fuzz_file(data, size);
	return 0;
}
