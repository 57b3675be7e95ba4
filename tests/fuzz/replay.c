/*
 * replay: main() for the fuzz targets in an ordinary build.  Feeds every
 * file named on the command line (every regular file of a directory, in
 * name order, dot files skipped) to LLVMFuzzerTestOneInput once, in a
 * buffer of exactly the file's size so that sanitizers see overreads.
 * Exit 0 when every input ran, 2 when one could not be read; a property
 * violation aborts.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#define REPLAY_MAX	(16 * 1024 * 1024)	/* bytes in one input */

static int
replay_read(int fd, uint8_t **out, size_t *lenp)
{
	uint8_t *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	ssize_t r;

	for (;;) {
		if (len == cap) {
			if (cap >= REPLAY_MAX) {
				errno = EFBIG;
				goto fail;
			}
			cap = cap ? cap * 2 : 4096;
			if ((nb = realloc(buf, cap)) == NULL)
				goto fail;
			buf = nb;
		}
		if ((r = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	/* Exactly len bytes (at least one allocated): overreads show. */
	if ((*out = malloc(len ? len : 1)) == NULL)
		goto fail;
	if (len)
		memcpy(*out, buf, len);
	free(buf);
	*lenp = len;
	return 0;
fail:
	free(buf);
	return -1;
}

static int
replay_file(const char *path, size_t *count)
{
	uint8_t *data;
	size_t len;
	int fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	r = replay_read(fd, &data, &len);
	close(fd);
	if (r != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* Name the input first, so a crash report says which one. */
	printf("replay: %s (%zu bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	(*count)++;
	return 0;
}

static int
replay_dir(const char *dir, size_t *count)
{
	struct dirent **ents;
	struct stat st;
	char path[4096];
	int i, n, r = 0;

	if ((n = scandir(dir, &ents, NULL, alphasort)) == -1) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' && r == 0) {
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
			    ents[i]->d_name) >= sizeof(path)) {
				fprintf(stderr, "replay: %s/%s: name too "
				    "long\n", dir, ents[i]->d_name);
				r = -1;
			} else if (stat(path, &st) == 0 &&
			    S_ISREG(st.st_mode))
				r = replay_file(path, count);
		}
		free(ents[i]);
	}
	free(ents);
	return r;
}

int
main(int argc, char **argv)
{
	struct stat st;
	size_t count = 0;
	int i, r;

	if (argc < 2) {
		fprintf(stderr, "usage: %s file|directory ...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			return 2;
		}
		r = S_ISDIR(st.st_mode) ? replay_dir(argv[i], &count) :
		    replay_file(argv[i], &count);
		if (r != 0)
			return 2;
	}
	printf("replay: %zu inputs ran\n", count);
	return 0;
}
