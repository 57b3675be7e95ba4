/*
 * Fuzz target for src/ippool.c.
 *
 * Input: "LOCAL\nREMOTE\n" then operation bytes.  The first byte after the
 * two lines (if any) sets the connections limit; each later byte is one
 * lease, release or adopt, checked against a model of who owns what.
 * Properties, abort() on any violation:
 *  - a list either parses (1..IPLIST_MAX distinct addresses) or fails
 *    with a printable message and an empty list;
 *  - ippool_init pairs the lists as documented;
 *  - a lease never hands out an owned slot, fails only when all are
 *    owned, and used always equals the number of owned slots.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ippool.h"

#define FUZZ_OPS	4096

static int
fuzz_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Parse one line; 0 if it parsed, and then the list obeys the rules. */
static int
fuzz_list(const uint8_t *p, size_t n, struct iplist *l)
{
	char *spec, err[256];
	uint32_t *s;
	size_t i;
	int r;

	if ((spec = malloc(n + 1)) == NULL)
		abort();
	memcpy(spec, p, n);
	spec[n] = '\0';
	err[0] = '\0';
	r = iplist_parse(spec, l, err, sizeof(err));
	free(spec);
	if (r != 0) {
		if (l->addr != NULL || l->n != 0 || err[0] == '\0')
			abort();
		for (i = 0; err[i] != '\0'; i++)
			if (err[i] < 0x20 || err[i] > 0x7e)
				abort();
		return -1;
	}
	if (l->n == 0 || l->n > IPLIST_MAX)
		abort();
	if ((s = malloc(l->n * sizeof(*s))) == NULL)
		abort();
	memcpy(s, l->addr, l->n * sizeof(*s));
	qsort(s, l->n, sizeof(*s), fuzz_cmp);
	for (i = 1; i < l->n; i++)
		if (s[i] == s[i - 1])
			abort();
	free(s);
	return 0;
}

static void
fuzz_pairing(const struct ippool *p, const struct iplist *local,
    const struct iplist *remote, size_t max)
{
	size_t n = remote->n, i;

	if (local->n > 1 && local->n < n)
		n = local->n;
	if (n > max)
		n = max;
	if (p->n != n || p->used != 0)
		abort();
	for (i = 0; i < n; i++)
		if (p->slot[i].remote != remote->addr[i] ||
		    p->slot[i].local != local->addr[local->n == 1 ? 0 : i] ||
		    p->slot[i].owner != 0)
			abort();
}

static void
fuzz_ops(struct ippool *p, const uint8_t *ops, size_t n)
{
	pid_t *model, next = 1;
	size_t used = 0, i, k;
	int s;

	if ((model = calloc(p->n + 1, sizeof(*model))) == NULL)
		abort();
	for (i = 0; i < n && i < FUZZ_OPS; i++) {
		k = p->n ? (size_t)(ops[i] >> 2) % p->n : 0;
		switch (ops[i] & 3) {
		case 0:
		case 3:
			s = ippool_lease(p, next);
			if (s == -1) {
				if (used != p->n)
					abort();
			} else {
				if ((size_t)s >= p->n || model[s] != 0 ||
				    p->slot[s].owner != next)
					abort();
				model[s] = next++;
				used++;
			}
			break;
		case 1:
			/* also out of range: ops[i] >> 2 may exceed n */
			if ((size_t)(ops[i] >> 2) < p->n &&
			    model[ops[i] >> 2] != 0) {
				model[ops[i] >> 2] = 0;
				used--;
			}
			ippool_release(p, (int)(ops[i] >> 2));
			break;
		case 2:
			if (p->n == 0)
				break;
			s = ippool_adopt(p, p->slot[k].remote, next);
			if ((s == -1) != (model[k] != 0) ||
			    (s != -1 && (size_t)s != k))
				abort();
			if (s != -1) {
				model[k] = next++;
				used++;
			}
			break;
		}
		if (p->used != used)
			abort();
	}
	/* Every free slot can still be leased, and no more. */
	while ((s = ippool_lease(p, next)) != -1) {
		if (model[s] != 0)
			abort();
		model[s] = next;
		used++;
	}
	if (used != p->n)
		abort();
	free(model);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iplist local, remote;
	struct ippool p;
	const uint8_t *nl1, *nl2, *ops;
	char err[256];
	size_t max, rest;

	if ((nl1 = memchr(data, '\n', size)) == NULL)
		nl1 = data + size;
	if (fuzz_list(data, (size_t)(nl1 - data), &local) != 0)
		return 0;
	ops = nl1 < data + size ? nl1 + 1 : nl1;
	rest = size - (size_t)(ops - data);
	if ((nl2 = memchr(ops, '\n', rest)) == NULL)
		nl2 = ops + rest;
	if (fuzz_list(ops, (size_t)(nl2 - ops), &remote) != 0) {
		iplist_free(&local);
		return 0;
	}
	ops = nl2 < data + size ? nl2 + 1 : nl2;
	rest = size - (size_t)(ops - data);
	max = 100;
	if (rest > 0) {
		max = ops[0];
		ops++;
		rest--;
	}
	if (ippool_init(&p, &local, &remote, max, err, sizeof(err)) != 0) {
		if (max != 0)
			abort();
	} else {
		fuzz_pairing(&p, &local, &remote, max);
		fuzz_ops(&p, ops, rest);
		ippool_free(&p);
	}
	iplist_free(&local);
	iplist_free(&remote);
	return 0;
}
