/*
 * Unit tests for src/ippool.c: PoPToP's address list syntax and the slot
 * table (lease, exhaustion, release, round robin, adopt).
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ippool.h"

static int failures;

#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: failed: %s\n", __FILE__,	\
		    __LINE__, #c);					\
		failures++;						\
	}								\
} while (0)

#define A(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			    (uint32_t)(c) << 8 | (uint32_t)(d))

static char err[256];

/* Parse spec and compare with the n addresses that follow. */
static int
list_is(const char *spec, size_t n, ...)
{
	struct iplist l;
	va_list ap;
	size_t i;
	int ok;

	if (iplist_parse(spec, &l, err, sizeof(err)) != 0) {
		fprintf(stderr, "  '%s': %s\n", spec, err);
		return 0;
	}
	ok = l.n == n;
	va_start(ap, n);
	for (i = 0; ok && i < n; i++)
		ok = l.addr[i] == va_arg(ap, uint32_t);
	va_end(ap);
	if (!ok)
		fprintf(stderr, "  '%s': %zu addresses, not as expected\n",
		    spec, l.n);
	iplist_free(&l);
	return ok;
}

/* Parse must fail with a message containing what. */
static int
list_bad(const char *spec, const char *what)
{
	struct iplist l;

	memset(err, 0, sizeof(err));
	if (iplist_parse(spec, &l, err, sizeof(err)) == 0) {
		fprintf(stderr, "  '%s' parsed (%zu addresses)\n", spec, l.n);
		iplist_free(&l);
		return 0;
	}
	if (l.addr != NULL || l.n != 0 || strstr(err, what) == NULL) {
		fprintf(stderr, "  '%s': got \"%s\", want \"%s\"\n", spec, err,
		    what);
		return 0;
	}
	return 1;
}

static void
test_syntax(void)
{
	struct iplist l;

	CHECK(list_is("192.168.0.1", 1, A(192, 168, 0, 1)));
	CHECK(list_is("0.0.0.0", 1, A(0, 0, 0, 0)));
	CHECK(list_is("255.255.255.255", 1, A(255, 255, 255, 255)));
	/* a range in each octet position */
	CHECK(list_is("192.168.0.234-238", 5, A(192, 168, 0, 234),
	    A(192, 168, 0, 235), A(192, 168, 0, 236), A(192, 168, 0, 237),
	    A(192, 168, 0, 238)));
	CHECK(list_is("192.168.0-3.1", 4, A(192, 168, 0, 1),
	    A(192, 168, 1, 1), A(192, 168, 2, 1), A(192, 168, 3, 1)));
	CHECK(list_is("10.1-2.5.6", 2, A(10, 1, 5, 6), A(10, 2, 5, 6)));
	CHECK(list_is("1-3.0.0.9", 3, A(1, 0, 0, 9), A(2, 0, 0, 9),
	    A(3, 0, 0, 9)));
	CHECK(list_is("10.0.0.7-7", 1, A(10, 0, 0, 7)));
	CHECK(iplist_parse("10.0.0.0-255", &l, err, sizeof(err)) == 0);
	CHECK(l.n == 256 && l.addr[0] == A(10, 0, 0, 0) &&
	    l.addr[255] == A(10, 0, 0, 255));
	iplist_free(&l);
	/* mixes, in the order written */
	CHECK(list_is("192.168.0.234-238,192.168.0.245", 6,
	    A(192, 168, 0, 234), A(192, 168, 0, 235), A(192, 168, 0, 236),
	    A(192, 168, 0, 237), A(192, 168, 0, 238), A(192, 168, 0, 245)));
	CHECK(list_is("192.168.0.234,192.168.0.245-246,192.168.0.254", 4,
	    A(192, 168, 0, 234), A(192, 168, 0, 245), A(192, 168, 0, 246),
	    A(192, 168, 0, 254)));
	CHECK(list_is("10.0.0.9,10.0.0.1", 2, A(10, 0, 0, 9), A(10, 0, 0, 1)));
	CHECK(list_is("10.0-1.0.1,10.0.0.2-3", 4, A(10, 0, 0, 1),
	    A(10, 1, 0, 1), A(10, 0, 0, 2), A(10, 0, 0, 3)));

	CHECK(list_bad("", "empty address list"));
	CHECK(list_bad(NULL, "empty address list"));
	CHECK(list_bad("192.168.0.238-234", "upper below lower"));
	CHECK(list_bad("192.168.3-0.1", "upper below lower"));
	CHECK(list_bad("192.168.0.256", "bad address '192.168.0.256'"));
	CHECK(list_bad("192.168.0.1-256", "bad address"));
	CHECK(list_bad("192.168.0", "bad address '192.168.0'"));
	CHECK(list_bad("192.168.0.", "bad address"));
	CHECK(list_bad(".192.168.0.1", "bad address"));
	CHECK(list_bad("192.168.0.1.", "bad address"));
	CHECK(list_bad("192.168.0.1.5", "bad address"));
	CHECK(list_bad("192.168..1", "bad address"));
	CHECK(list_bad("192.168.0-1.1-2", "bad address"));
	CHECK(list_bad("192.168.0.1-2-3", "bad address"));
	CHECK(list_bad("192.168.0.-3", "bad address"));
	CHECK(list_bad("192.168.0.3-", "bad address"));
	CHECK(list_bad("192.168.010.1", "bad address"));	/* octal? */
	CHECK(list_bad("192.168.0.1-09", "bad address"));
	CHECK(list_bad("192.168.0.1234", "bad address"));
	CHECK(list_bad("192.168.0.+1", "bad address"));
	CHECK(list_bad("192.168.0.0x1", "bad address"));
	CHECK(list_bad("192.168.0.1 ", "bad address"));
	CHECK(list_bad(" 192.168.0.1", "bad address"));
	CHECK(list_bad("192.168.0.1, 192.168.0.2", "bad address"));
	CHECK(list_bad("localhost", "bad address 'localhost'"));
	CHECK(list_bad("234-8", "bad address"));
	CHECK(list_bad("192.168.0.1,", "empty item"));
	CHECK(list_bad(",192.168.0.1", "empty item"));
	CHECK(list_bad("192.168.0.1,,192.168.0.2", "empty item"));
	CHECK(list_bad("10.0.0.1\x01", "bad address '10.0.0.1\\x01'"));
	/* duplicates, plain and hidden in ranges (Debian's 1.5.0 check) */
	CHECK(list_bad("10.0.0.1,10.0.0.1", "duplicate address 10.0.0.1"));
	CHECK(list_bad("10.0.0.1-9,10.0.0.5", "duplicate address 10.0.0.5"));
	CHECK(list_bad("10.0.0-2.7,10.0.1.5-9", "duplicate address 10.0.1.7"));

	/* the list's failure leaves it empty and reusable */
	CHECK(iplist_parse("1.2.3.4-2", &l, err, sizeof(err)) == -1);
	CHECK(l.addr == NULL && l.n == 0);
	iplist_free(&l);
	iplist_free(&l);
}

/* A list of exactly IPLIST_MAX addresses, then one more. */
static void
test_limit(void)
{
	struct iplist l;
	char *spec;
	size_t i, off = 0, len = 256 * 16 + 32;

	if ((spec = malloc(len)) == NULL)
		abort();
	for (i = 0; i < 256; i++)
		off += (size_t)snprintf(spec + off, len - off, "%s10.%zu.0-255.1",
		    i ? "," : "", i);
	CHECK(iplist_parse(spec, &l, err, sizeof(err)) == 0);
	CHECK(l.n == IPLIST_MAX);
	CHECK(l.n == 65536 && l.addr[65535] == A(10, 255, 255, 1));
	iplist_free(&l);
	snprintf(spec + off, len - off, ",11.0.0.1");
	CHECK(iplist_parse(spec, &l, err, sizeof(err)) == -1);
	CHECK(strstr(err, "more than 65536 addresses") != NULL);
	CHECK(l.addr == NULL && l.n == 0);
	free(spec);
}

static int
pool(struct ippool *p, const char *local, const char *remote, size_t max)
{
	struct iplist l, r;
	int rc;

	if (iplist_parse(local, &l, err, sizeof(err)) != 0)
		abort();
	if (iplist_parse(remote, &r, err, sizeof(err)) != 0)
		abort();
	rc = ippool_init(p, &l, &r, max, err, sizeof(err));
	iplist_free(&l);
	iplist_free(&r);
	return rc;
}

static void
test_pairing(void)
{
	struct ippool p;
	size_t i;

	/* one local address is shared by every slot */
	CHECK(pool(&p, "192.168.0.1", "192.168.0.234-238,192.168.0.245",
	    100) == 0);
	CHECK(p.n == 6 && p.used == 0);
	for (i = 0; i < p.n; i++)
		CHECK(p.slot[i].local == A(192, 168, 0, 1));
	CHECK(p.slot[0].remote == A(192, 168, 0, 234));
	CHECK(p.slot[5].remote == A(192, 168, 0, 245));
	ippool_free(&p);

	/* pairs: slot i = (local[i], remote[i]) */
	CHECK(pool(&p, "192.168.0.234-238,192.168.0.245",
	    "192.168.1.234-238,192.168.1.245", 100) == 0);
	CHECK(p.n == 6);
	CHECK(p.slot[3].local == A(192, 168, 0, 237) &&
	    p.slot[3].remote == A(192, 168, 1, 237));
	ippool_free(&p);

	/* the shorter list limits the count, either way */
	CHECK(pool(&p, "10.0.0.1-3", "10.1.0.1-10", 100) == 0);
	CHECK(p.n == 3 && p.slot[2].local == A(10, 0, 0, 3));
	ippool_free(&p);
	CHECK(pool(&p, "10.0.0.1-10", "10.1.0.1-3", 100) == 0);
	CHECK(p.n == 3);
	ippool_free(&p);

	/* connections limits it too */
	CHECK(pool(&p, "192.168.0.1-100", "192.168.1.1-100", 5) == 0);
	CHECK(p.n == 5 && p.slot[4].remote == A(192, 168, 1, 5));
	ippool_free(&p);
	CHECK(pool(&p, "10.0.0.1", "10.1.0.1", 0) == -1);
	CHECK(p.n == 0 && p.slot == NULL);
	ippool_free(&p);
}

static void
test_lease(void)
{
	struct ippool p;
	int s[4], t;

	CHECK(pool(&p, "10.0.0.1", "10.1.0.1-4", 100) == 0);
	s[0] = ippool_lease(&p, 100);
	s[1] = ippool_lease(&p, 101);
	s[2] = ippool_lease(&p, 102);
	s[3] = ippool_lease(&p, 103);
	CHECK(s[0] == 0 && s[1] == 1 && s[2] == 2 && s[3] == 3);
	CHECK(p.used == 4 && p.slot[2].owner == 102);
	/* exhausted */
	CHECK(ippool_lease(&p, 104) == -1);
	CHECK(p.used == 4);
	/* a freed address rests: the one freed longest ago comes first */
	ippool_release(&p, 2);
	ippool_release(&p, 0);
	CHECK(p.used == 2 && p.slot[2].owner == 0);
	CHECK(ippool_lease(&p, 105) == 2);
	ippool_release(&p, 1);
	CHECK(ippool_lease(&p, 106) == 0);
	CHECK(ippool_lease(&p, 107) == 1);
	CHECK(ippool_lease(&p, 108) == -1);
	/* nonsense releases are ignored */
	ippool_release(&p, -1);
	ippool_release(&p, 4);
	ippool_release(&p, 1000);
	CHECK(p.used == 4);
	ippool_release(&p, 3);
	ippool_release(&p, 3);
	CHECK(p.used == 3);
	CHECK(ippool_lease(&p, 0) == -1);
	CHECK(ippool_lease(&p, -5) == -1);
	CHECK(ippool_lease(&p, 109) == 3);
	CHECK(ippool_lease(&p, 110) == -1);
	ippool_free(&p);

	/* round robin across a fresh pool, with releases in between */
	CHECK(pool(&p, "10.0.0.1", "10.1.0.1-3", 100) == 0);
	t = ippool_lease(&p, 1);
	ippool_release(&p, t);
	CHECK(ippool_lease(&p, 1) == 1);	/* not the one just freed */
	CHECK(ippool_lease(&p, 1) == 2);
	CHECK(ippool_lease(&p, 1) == 0);
	ippool_free(&p);

	/* a zeroed or freed pool leases nothing and tolerates calls */
	memset(&p, 0, sizeof(p));
	CHECK(ippool_lease(&p, 1) == -1);
	CHECK(ippool_adopt(&p, A(10, 1, 0, 1), 1) == -1);
	ippool_release(&p, 0);
	ippool_free(&p);
	CHECK(ippool_lease(&p, 1) == -1);
}

static void
test_adopt(void)
{
	struct ippool p;

	CHECK(pool(&p, "10.0.0.1", "10.1.0.9,10.1.0.1-4", 100) == 0);
	/* after a reload, live calls keep their remote address */
	CHECK(ippool_adopt(&p, A(10, 1, 0, 3), 200) == 3);
	CHECK(ippool_adopt(&p, A(10, 1, 0, 9), 201) == 0);
	CHECK(p.used == 2 && p.slot[3].owner == 200);
	CHECK(ippool_adopt(&p, A(10, 1, 0, 3), 202) == -1);	/* taken */
	CHECK(ippool_adopt(&p, A(10, 1, 0, 7), 203) == -1);	/* absent */
	CHECK(ippool_adopt(&p, A(10, 1, 0, 2), 0) == -1);
	/* leases skip adopted slots */
	CHECK(ippool_lease(&p, 1) == 1);
	CHECK(ippool_lease(&p, 1) == 2);
	CHECK(ippool_lease(&p, 1) == 4);
	CHECK(ippool_lease(&p, 1) == -1);
	ippool_release(&p, 3);
	CHECK(ippool_lease(&p, 1) == 3);
	ippool_free(&p);
}

/* Random lease/release/adopt against a model: no slot handed out twice. */
static void
test_random(void)
{
	struct ippool p;
	pid_t model[64];
	size_t used = 0, i;
	unsigned int seed = 1;
	int s, bad = 0, step;

	CHECK(pool(&p, "10.0.0.1", "10.1.0.0-63", 64) == 0);
	memset(model, 0, sizeof(model));
	for (step = 0; step < 100000 && !bad; step++) {
		seed = seed * 1103515245 + 12345;
		i = (seed >> 16) % 64;
		switch ((seed >> 8) % 3) {
		case 0:
			s = ippool_lease(&p, step + 1);
			if (s == -1)
				bad |= used != 64;
			else {
				bad |= model[s] != 0;
				model[s] = step + 1;
				used++;
			}
			break;
		case 1:
			if (model[i] != 0)
				used--;
			model[i] = 0;
			ippool_release(&p, (int)i);
			break;
		default:
			s = ippool_adopt(&p, A(10, 1, 0, i), step + 1);
			bad |= (s == -1) != (model[i] != 0);
			if (s != -1) {
				bad |= (size_t)s != i;
				model[i] = step + 1;
				used++;
			}
			break;
		}
		bad |= p.used != used;
	}
	CHECK(!bad);
	for (i = 0; i < 64; i++)
		CHECK(p.slot[i].owner == model[i]);
	ippool_free(&p);
}

int
main(void)
{
	test_syntax();
	test_limit();
	test_pairing();
	test_lease();
	test_adopt();
	test_random();
	if (failures) {
		printf("t_ippool: %d checks failed\n", failures);
		return 1;
	}
	printf("t_ippool: ok\n");
	return 0;
}
