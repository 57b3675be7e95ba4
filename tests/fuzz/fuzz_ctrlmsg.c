/*
 * Fuzz target for src/ctrlmsg.c, the control message codec.
 *
 * Input: a TCP byte stream from the peer.  It is framed the way relay.c
 * frames it, and also taken whole as one message, and also (cycled) as
 * the bytes of a struct ctrlmsg to encode.  Properties, abort() on any
 * violation:
 *  - ctrlmsg_frame() says 1 only for a complete message of the exact RFC
 *    length of its type (12..220); ctrlmsg_decode() then succeeds;
 *  - a verdict is never revised: every prefix of a frameable message says
 *    "need more", and once a prefix is rejected every longer one is, with
 *    the same error;
 *  - decode succeeds only on a frameable buffer of exactly one message;
 *  - decoded strings are terminated within their field;
 *  - re-encoding a decoded message gives the same length and the same
 *    octets except reserved fields (zero) and string padding after the
 *    first NUL (zero); re-encoding is a fixed point;
 *  - any struct encodes to exactly its type's size (or fails for unknown
 *    types), never writing past the capacity given.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctrlmsg.h"
#include "pptp_proto.h"
#include "util.h"

#include "fuzz.h"
#include "../unit/ctest.h"

static void
fuzz_strings(const struct ctrlmsg *m)
{
	switch (m->type) {
	case PPTP_SCCRQ:
	case PPTP_SCCRP:
		FUZZ_CHECK(memchr(m->u.sccr.host, 0,
		    sizeof(m->u.sccr.host)) != NULL);
		FUZZ_CHECK(memchr(m->u.sccr.vendor, 0,
		    sizeof(m->u.sccr.vendor)) != NULL);
		break;
	case PPTP_OCRQ:
		FUZZ_CHECK(memchr(m->u.ocrq.phone, 0,
		    sizeof(m->u.ocrq.phone)) != NULL);
		break;
	case PPTP_ICRQ:
		FUZZ_CHECK(memchr(m->u.icrq.dialed, 0,
		    sizeof(m->u.icrq.dialed)) != NULL);
		FUZZ_CHECK(memchr(m->u.icrq.dialing, 0,
		    sizeof(m->u.icrq.dialing)) != NULL);
		break;
	case PPTP_CDN:
		FUZZ_CHECK(memchr(m->u.cdn.stats, 0,
		    sizeof(m->u.cdn.stats)) != NULL);
		break;
	}
}

/* p[0..len) decoded into m: check the re-encoding. */
static void
fuzz_roundtrip(const uint8_t *p, size_t len, const struct ctrlmsg *m)
{
	uint8_t enc[PPTP_MAX_MSG_LEN], enc2[PPTP_MAX_MSG_LEN];
	struct ctrlmsg m2;
	int r;

	FUZZ_CHECK(len == ctrlmsg_size(m->type));
	fuzz_strings(m);
	r = ctrlmsg_encode(m, enc, sizeof(enc));
	FUZZ_CHECK(r == (int)len);
	FUZZ_CHECK(ct_compare_reencoded(m->type, p, enc, len) == -1);
	FUZZ_CHECK(ctrlmsg_decode(enc, len, &m2) == 0);
	FUZZ_CHECK(m2.type == m->type);
	FUZZ_CHECK(ctrlmsg_encode(&m2, enc2, sizeof(enc2)) == (int)len);
	FUZZ_CHECK(memcmp(enc, enc2, len) == 0);
}

/* The bytes as one message. */
static void
fuzz_whole(const uint8_t *p, size_t n)
{
	struct ctrlmsg m;
	size_t len = 0;
	int f, d;

	f = ctrlmsg_frame(p, n, &len);
	d = ctrlmsg_decode(p, n, &m);
	FUZZ_CHECK(f <= 1);
	FUZZ_CHECK(d <= 0 && d > E_MAX_);
	if (d == 0) {
		FUZZ_CHECK(f == 1 && len == n);
		fuzz_roundtrip(p, n, &m);
	} else if (f == 1) {
		FUZZ_CHECK(len < n);		/* more than one message */
		FUZZ_CHECK(d == E_LENGTH);
	} else if (f < 0)
		FUZZ_CHECK(d == f);
	else
		FUZZ_CHECK(d == E_SHORT);
}

/* The verdict on p[0..avail) must follow from its prefixes. */
static void
fuzz_prefixes(const uint8_t *p, size_t avail, int verdict, size_t msglen)
{
	size_t k, len, lim = avail < 16 ? avail : 16;
	int r, seen = 0;

	for (k = 0; k <= lim; k++) {
		r = ctrlmsg_frame(p, k, &len);
		if (verdict == 1) {
			FUZZ_CHECK(r == (k >= msglen ? 1 : 0));
			continue;
		}
		FUZZ_CHECK(r == 0 || r == verdict);
		if (seen)
			FUZZ_CHECK(r == verdict);
		if (r != 0)
			seen = 1;
	}
	if (verdict == 1 && msglen > 0) {
		FUZZ_CHECK(ctrlmsg_frame(p, msglen - 1, &len) == 0);
		FUZZ_CHECK(ctrlmsg_frame(p, msglen, &len) == 1);
	}
}

/* Frame a stream as relay.c does. */
static void
fuzz_stream(const uint8_t *p, size_t n)
{
	struct ctrlmsg m;
	size_t off = 0, len;
	int r;

	while (off < n) {
		len = 0;
		r = ctrlmsg_frame(p + off, n - off, &len);
		FUZZ_CHECK(r <= 1 && r > E_MAX_);
		fuzz_prefixes(p + off, n - off, r, len);
		if (r <= 0)
			break;
		FUZZ_CHECK(len >= PPTP_HDR_LEN && len <= PPTP_MAX_MSG_LEN);
		FUZZ_CHECK(len <= n - off);
		FUZZ_CHECK(len == ctrlmsg_size((unsigned int)p[off + 8] << 8 |
		    p[off + 9]));
		FUZZ_CHECK(ctrlmsg_decode(p + off, len, &m) == 0);
		fuzz_roundtrip(p + off, len, &m);
		off += len;
	}
}

/* Arbitrary struct contents through the encoder. */
static void
fuzz_encode(const uint8_t *p, size_t n)
{
	struct ctrlmsg m, d;
	uint8_t enc[PPTP_MAX_MSG_LEN + 1], enc2[PPTP_MAX_MSG_LEN];
	uint8_t *mb = (uint8_t *)&m;
	size_t i, cap;
	int r;

	if (n < 3)
		return;
	for (i = 0; i < sizeof(m); i++)
		mb[i] = p[2 + i % (n - 2)];
	m.type = (uint16_t)(p[0] << 8 | p[1]);
	cap = p[1] % 2 ? sizeof(enc) - 1 : (size_t)(p[0] % sizeof(enc));
	memset(enc, 0xee, sizeof(enc));
	r = ctrlmsg_encode(&m, enc, cap);
	FUZZ_CHECK(enc[cap] == 0xee);
	if (ctrlmsg_size(m.type) == 0) {
		FUZZ_CHECK(r == E_CTRLTYPE);
		return;
	}
	if (cap < ctrlmsg_size(m.type)) {
		FUZZ_CHECK(r == E_SPACE);
		return;
	}
	FUZZ_CHECK(r == (int)ctrlmsg_size(m.type));
	FUZZ_CHECK(ctrlmsg_decode(enc, (size_t)r, &d) == 0);
	FUZZ_CHECK(ctrlmsg_encode(&d, enc2, sizeof(enc2)) == r);
	FUZZ_CHECK(memcmp(enc, enc2, (size_t)r) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	fuzz_whole(p, n);
	fuzz_stream(p, n);
	fuzz_encode(p, n);
	return 0;
}
