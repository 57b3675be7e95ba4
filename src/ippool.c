/*
 * Address lists in PoPToP's syntax and the (local, remote) slot table.
 *
 * The syntax is PoPToP's documented one (pptpd.conf(5)): a comma list of
 * dotted quads, where one octet of an item may be a range "L-U".  Unlike
 * PoPToP we read every octet as decimal (PoPToP used inet_addr for single
 * addresses, where "010" is octal, and atoi for range bounds), so a leading
 * zero is refused rather than silently read one way or the other.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ippool.h"
#include "log.h"

#define IPPOOL_NIL	UINT32_MAX	/* end of the free list */

/* An item as written, escaped for a message. */
static const char *
iplist_show(char *out, size_t outlen, const char *s, size_t len)
{
	return log_escape(out, outlen, s, len);
}

/* One decimal octet: 1 to 3 digits, no leading zero, at most 255. */
static int
iplist_octet(const char *s, size_t len, unsigned int *v)
{
	size_t i;

	if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
		return -1;
	*v = 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (unsigned int)(s[i] - '0');
	}
	return *v <= 255 ? 0 : -1;
}

/*
 * Split an item into four octets; lo[i] == hi[i] except in the one octet
 * written as a range.  Returns 0, -1 for a malformed item, -2 for U < L.
 */
static int
iplist_split(const char *s, size_t len, unsigned int lo[4], unsigned int hi[4])
{
	size_t i = 0, start, dash;
	int oct, ranges = 0;

	for (oct = 0; oct < 4; oct++) {
		start = i;
		dash = SIZE_MAX;
		for (; i < len && s[i] != '.'; i++)
			if (s[i] == '-' && dash == SIZE_MAX)
				dash = i;
		if (oct < 3 && i == len)
			return -1;
		if (dash == SIZE_MAX) {
			if (iplist_octet(s + start, i - start, &lo[oct]) != 0)
				return -1;
			hi[oct] = lo[oct];
		} else {
			if (++ranges > 1 ||
			    iplist_octet(s + start, dash - start, &lo[oct]) != 0 ||
			    iplist_octet(s + dash + 1, i - dash - 1,
			    &hi[oct]) != 0)
				return -1;
		}
		i++;		/* the dot */
	}
	if (i != len + 1)	/* something after the fourth octet */
		return -1;
	for (oct = 0; oct < 4; oct++)
		if (hi[oct] < lo[oct])
			return -2;
	return 0;
}

static int
iplist_grow(struct iplist *l, size_t *cap, size_t want)
{
	uint32_t *na;
	size_t ncap;

	if (want <= *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap < want)
		ncap *= 2;
	if (ncap > IPLIST_MAX)
		ncap = IPLIST_MAX;
	if ((na = reallocarray(l->addr, ncap, sizeof(*na))) == NULL)
		return -1;
	l->addr = na;
	*cap = ncap;
	return 0;
}

static int
iplist_item(struct iplist *l, size_t *cap, const char *s, size_t len,
    char *err, size_t errlen)
{
	unsigned int lo[4], hi[4], a, b, c, d;
	char show[64];
	size_t count;
	int r;

	if (len == 0) {
		snprintf(err, errlen, "empty item in address list");
		return -1;
	}
	if ((r = iplist_split(s, len, lo, hi)) != 0) {
		snprintf(err, errlen, "%s '%s'", r == -2 ?
		    "bad range (upper below lower)" : "bad address",
		    iplist_show(show, sizeof(show), s, len));
		return -1;
	}
	count = (size_t)(hi[0] - lo[0] + 1) * (hi[1] - lo[1] + 1) *
	    (hi[2] - lo[2] + 1) * (hi[3] - lo[3] + 1);
	if (count > IPLIST_MAX - l->n) {
		snprintf(err, errlen, "more than %d addresses", IPLIST_MAX);
		return -1;
	}
	if (iplist_grow(l, cap, l->n + count) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	for (a = lo[0]; a <= hi[0]; a++)
		for (b = lo[1]; b <= hi[1]; b++)
			for (c = lo[2]; c <= hi[2]; c++)
				for (d = lo[3]; d <= hi[3]; d++)
					l->addr[l->n++] = (uint32_t)a << 24 |
					    (uint32_t)b << 16 |
					    (uint32_t)c << 8 | d;
	return 0;
}

static int
iplist_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Duplicates: sort a copy, compare neighbours.  O(n log n), n <= 65536. */
static int
iplist_dups(const struct iplist *l, char *err, size_t errlen)
{
	uint32_t *s, a;
	size_t i;
	int r = 0;

	if (l->n < 2)
		return 0;
	if ((s = reallocarray(NULL, l->n, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	memcpy(s, l->addr, l->n * sizeof(*s));
	qsort(s, l->n, sizeof(*s), iplist_cmp);
	for (i = 1; i < l->n; i++) {
		if (s[i] == s[i - 1]) {
			a = s[i];
			snprintf(err, errlen, "duplicate address %u.%u.%u.%u",
			    a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
			r = -1;
			break;
		}
	}
	free(s);
	return r;
}

int
iplist_parse(const char *spec, struct iplist *l, char *err, size_t errlen)
{
	const char *p, *comma;
	size_t cap = 0;

	memset(l, 0, sizeof(*l));
	if (spec == NULL || *spec == '\0') {
		snprintf(err, errlen, "empty address list");
		return -1;
	}
	for (p = spec;; p = comma + 1) {
		if ((comma = strchr(p, ',')) == NULL)
			comma = p + strlen(p);
		if (iplist_item(l, &cap, p, (size_t)(comma - p), err,
		    errlen) != 0)
			goto fail;
		if (*comma == '\0')
			break;
	}
	if (iplist_dups(l, err, errlen) != 0)
		goto fail;
	return 0;
fail:
	iplist_free(l);
	return -1;
}

void
iplist_free(struct iplist *l)
{
	free(l->addr);
	l->addr = NULL;
	l->n = 0;
}

/* Free list: a doubly linked FIFO threaded through the slots. */
static void
ippool_append(struct ippool *p, size_t i)
{
	struct ippool_slot *s = &p->slot[i];

	s->fnext = IPPOOL_NIL;
	s->fprev = p->tail == SIZE_MAX ? IPPOOL_NIL : (uint32_t)p->tail;
	if (p->tail == SIZE_MAX)
		p->next = i;
	else
		p->slot[p->tail].fnext = (uint32_t)i;
	p->tail = i;
}

static void
ippool_unlink(struct ippool *p, size_t i)
{
	struct ippool_slot *s = &p->slot[i];

	if (s->fprev == IPPOOL_NIL)
		p->next = s->fnext == IPPOOL_NIL ? SIZE_MAX : s->fnext;
	else
		p->slot[s->fprev].fnext = s->fnext;
	if (s->fnext == IPPOOL_NIL)
		p->tail = s->fprev == IPPOOL_NIL ? SIZE_MAX : s->fprev;
	else
		p->slot[s->fnext].fprev = s->fprev;
	s->fprev = s->fnext = IPPOOL_NIL;
}

static int
ippool_keycmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int
ippool_init(struct ippool *p, const struct iplist *local,
    const struct iplist *remote, size_t max, char *err, size_t errlen)
{
	size_t i, n;

	memset(p, 0, sizeof(*p));
	p->next = p->tail = SIZE_MAX;
	if (local->n == 0 || remote->n == 0 || max == 0) {
		snprintf(err, errlen, "no %s", local->n == 0 ?
		    "local address" : remote->n == 0 ? "remote address" :
		    "connections");
		return -1;
	}
	/* PoPToP: one local address is shared, else the shorter list wins. */
	n = remote->n;
	if (local->n > 1 && local->n < n)
		n = local->n;
	if (n > max)
		n = max;
	if (n > IPLIST_MAX)
		n = IPLIST_MAX;
	p->slot = calloc(n, sizeof(*p->slot));
	p->byremote = calloc(n, sizeof(*p->byremote));
	if (p->slot == NULL || p->byremote == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		ippool_free(p);
		return -1;
	}
	p->n = n;
	for (i = 0; i < n; i++) {
		p->slot[i].local = local->addr[local->n == 1 ? 0 : i];
		p->slot[i].remote = remote->addr[i];
		p->byremote[i] = (uint64_t)remote->addr[i] << 32 | i;
		ippool_append(p, i);
	}
	qsort(p->byremote, n, sizeof(*p->byremote), ippool_keycmp);
	return 0;
}

void
ippool_free(struct ippool *p)
{
	free(p->slot);
	free(p->byremote);
	memset(p, 0, sizeof(*p));
	p->next = p->tail = SIZE_MAX;
}

int
ippool_lease(struct ippool *p, pid_t owner)
{
	size_t i;

	if (owner <= 0 || p->used >= p->n || p->next >= p->n)
		return -1;
	i = p->next;
	ippool_unlink(p, i);
	p->slot[i].owner = owner;
	p->used++;
	return (int)i;
}

/* Lower bound of remote in byremote; SIZE_MAX if absent. */
static size_t
ippool_find(const struct ippool *p, uint32_t remote)
{
	size_t lo = 0, hi = p->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((uint32_t)(p->byremote[mid] >> 32) < remote)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < p->n && (uint32_t)(p->byremote[lo] >> 32) == remote)
		return (size_t)(p->byremote[lo] & UINT32_MAX);
	return SIZE_MAX;
}

int
ippool_adopt(struct ippool *p, uint32_t remote, pid_t owner)
{
	size_t i;

	if (owner <= 0 || (i = ippool_find(p, remote)) == SIZE_MAX ||
	    p->slot[i].owner != 0)
		return -1;
	ippool_unlink(p, i);
	p->slot[i].owner = owner;
	p->used++;
	return (int)i;
}

void
ippool_release(struct ippool *p, int slot)
{
	size_t i;

	if (slot < 0 || (size_t)slot >= p->n || p->slot[slot].owner == 0)
		return;
	i = (size_t)slot;
	p->slot[i].owner = 0;
	p->used--;
	ippool_append(p, i);
}
