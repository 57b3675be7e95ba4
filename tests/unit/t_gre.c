/*
 * Unit tests for src/gre.c: the enhanced GRE header (RFC 2637 4.1) and
 * the IPv4 header a raw socket delivers in front of it.  Golden packets
 * from the captures (vectors.h; expected values are tshark's), then every
 * header rule of CHECKLIST H.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gre.h"
#include "pptp_proto.h"
#include "util.h"

#include "ctest.h"
#include "vectors.h"

static void
test_vectors(void)
{
	size_t i;
	int seen_ackonly = 0, seen_ffffffff = 0;

	for (i = 0; i < nitems(vgre); i++) {
		const struct vgre *v = &vgre[i];
		const uint8_t *g = NULL;
		size_t glen = 0, ihl = (size_t)(v->ip[0] & 0x0f) * 4;
		uint32_t src = 0;
		struct gre_hdr h;
		uint8_t hdr[GRE_HDR_MAX];
		size_t n;

		ct_ctx = v->name;
		CHECK_EQ(gre_strip_ip(v->ip, v->iplen, &src, &g, &glen), 0);
		CHECK_EQ(ntohl(src), v->src);
		CHECK(g == v->ip + ihl);
		CHECK_EQ(glen, v->iplen - ihl);
		if (g == NULL)
			continue;
		memset(&h, 0xa5, sizeof(h));
		CHECK_EQ(gre_decode(g, glen, &h), 0);
		CHECK_EQ(h.flags, v->flags);
		CHECK_EQ(h.call_id, v->call_id);
		CHECK_EQ(h.paylen, v->paylen);
		CHECK_EQ(h.has_seq, v->has_seq);
		CHECK_EQ(h.has_ack, v->has_ack);
		if (v->has_seq)
			CHECK_EQ(h.seq, v->seq);
		if (v->has_ack)
			CHECK_EQ(h.ack, v->ack);
		CHECK_EQ(h.hdrlen, 8 + 4 * (size_t)v->has_seq +
		    4 * (size_t)v->has_ack);
		CHECK_EQ(h.hdrlen + h.paylen, glen);
		/* Our encoder writes the same header octets. */
		n = gre_encode(hdr, sizeof(hdr), v->call_id,
		    v->has_seq ? &v->seq : NULL, v->has_ack ? &v->ack : NULL,
		    v->paylen);
		CHECK_EQ(n, h.hdrlen);
		CHECK_MEM(hdr, g, h.hdrlen);
		if (v->flags == 0x2081) {
			seen_ackonly++;
			CHECK_EQ(glen, 12);		/* CHECKLIST 74 */
			CHECK_EQ(v->iplen, 32);
		}
		if (v->has_ack && v->ack == 0xffffffffU)
			seen_ffffffff++;		/* Cisco, QUIRKS 20 */
	}
	ct_ctx = "";
	CHECK(seen_ackonly >= 4);
	CHECK_EQ(seen_ffffffff, 1);
}

/* A valid data packet with seq and ack and a 4-octet payload. */
static size_t
mkpkt(uint8_t *b)
{
	uint32_t seq = 0x01020304, ack = 0x05060708;
	size_t n = gre_encode(b, GRE_HDR_MAX, 0x4321, &seq, &ack, 4);

	memcpy(b + n, "\xff\x03\xc0\x21", 4);
	return n + 4;
}

static void
test_encode(void)
{
	uint8_t b[64];
	uint32_t seq = 0, ack = 0xfffffffeU;
	struct gre_hdr h;
	size_t n, cap;

	/* Ack-only: 12 octets, S=0 A=1, ack at offset 8 (CHECKLIST 74). */
	n = gre_encode(b, sizeof(b), 7, NULL, &ack, 0);
	CHECK_EQ(n, 12);
	CHECK_MEM(b, "\x20\x81\x88\x0b\x00\x00\x00\x07\xff\xff\xff\xfe", 12);
	CHECK_EQ(gre_decode(b, n, &h), 0);
	CHECK_EQ(h.has_seq, 0);
	CHECK_EQ(h.has_ack, 1);
	CHECK_EQ(h.ack, 0xfffffffeU);
	CHECK_EQ(h.paylen, 0);
	CHECK_EQ(h.hdrlen, 12);

	/* Data without ack: 0x3001 (the server's first packet). */
	n = gre_encode(b, sizeof(b), 0, &seq, NULL, 3);
	CHECK_EQ(n, 12);
	CHECK_MEM(b, "\x30\x01\x88\x0b\x00\x03\x00\x00\x00\x00\x00\x00", 12);
	memcpy(b + n, "abc", 3);
	CHECK_EQ(gre_decode(b, n + 3, &h), 0);
	CHECK_EQ(h.has_ack, 0);
	CHECK_EQ(h.seq, 0);

	/* Data with ack: 0x3081, seq before ack. */
	n = mkpkt(b);
	CHECK_EQ(n, 20);
	CHECK_MEM(b, "\x30\x81\x88\x0b\x00\x04\x43\x21\x01\x02\x03\x04"
	    "\x05\x06\x07\x08", 16);
	CHECK_EQ(gre_decode(b, n, &h), 0);
	CHECK_EQ(h.seq, 0x01020304);
	CHECK_EQ(h.ack, 0x05060708);
	CHECK_EQ(h.call_id, 0x4321);
	CHECK_EQ(h.hdrlen, 16);

	/* Maximum payload length field. */
	seq = 0xffffffffU;
	n = gre_encode(b, sizeof(b), 0xffff, &seq, NULL, PPTP_MAX_PPP);
	CHECK_EQ(n, 12);
	CHECK_EQ(b[4] << 8 | b[5], PPTP_MAX_PPP);
	CHECK_EQ(b[6] << 8 | b[7], 0xffff);

	/* Too small a buffer: 0, never a partial header. */
	for (cap = 0; cap < 16; cap++) {
		memset(b, 0xee, sizeof(b));
		n = gre_encode(b, cap, 1, &seq, &ack, 0);
		CHECK_EQ(n, 0);
		CHECK_EQ(b[cap], 0xee);
	}
	CHECK_EQ(gre_encode(b, 16, 1, &seq, &ack, 0), 16);
	CHECK_EQ(gre_encode(b, 11, 1, NULL, &ack, 0), 0);
	CHECK_EQ(gre_encode(b, 12, 1, NULL, &ack, 0), 12);

	/* The encoder never sets C, R, s, Recur or Flags (CHECKLIST 68). */
	n = gre_encode(b, sizeof(b), 0xffff, &seq, &ack, 0xffff);
	CHECK_EQ((b[0] << 8 | b[1]) & (GRE_FLAG_C | GRE_FLAG_R |
	    GRE_FLAG_SSR | GRE_RECUR_MASK | GRE_FLAGS_MASK), 0);
	CHECK_EQ(b[1] & GRE_VER_MASK, 1);
}

static void
test_flags(void)
{
	uint8_t b[64], c[64];
	struct gre_hdr h;
	size_t n = mkpkt(b);
	uint16_t bits[] = {
		GRE_FLAG_C, GRE_FLAG_R, GRE_FLAG_SSR, 0x0100, 0x0200, 0x0400,
		0x0700, 0x0008, 0x0010, 0x0020, 0x0040, 0x0078
	};
	size_t i;
	int v;

	for (i = 0; i < nitems(bits); i++) {
		memcpy(c, b, n);
		c[0] |= (uint8_t)(bits[i] >> 8);
		c[1] |= (uint8_t)bits[i];
		CHECK_EQ(gre_decode(c, n, &h), E_FLAGS);
	}
	/* K = 0 */
	memcpy(c, b, n);
	c[0] &= (uint8_t)~(GRE_FLAG_K >> 8);
	CHECK_EQ(gre_decode(c, n, &h), E_FLAGS);
	/* Version 0 (plain GRE) and 2..7 */
	for (v = 0; v < 8; v++) {
		if (v == 1)
			continue;
		memcpy(c, b, n);
		c[1] = (uint8_t)((c[1] & ~GRE_VER_MASK) | v);
		CHECK_EQ(gre_decode(c, n, &h), E_VERSION);
	}
	/* Protocol not 0x880B: IPv4 and 0x880A */
	memcpy(c, b, n);
	c[2] = 0x08;
	c[3] = 0x00;
	CHECK_EQ(gre_decode(c, n, &h), E_PROTO);
	memcpy(c, b, n);
	c[3] = 0x0a;
	CHECK_EQ(gre_decode(c, n, &h), E_PROTO);
	/* S = 0, A = 0: nothing in it */
	memcpy(c, "\x20\x01\x88\x0b\x00\x00\x00\x01", 8);
	CHECK_EQ(gre_decode(c, 8, &h), E_FLAGS);
	/* S = 0 with a payload length: a payload needs S (RFC 2637 4.1) */
	memcpy(c, "\x20\x81\x88\x0b\x00\x02\x00\x01\x00\x00\x00\x05\xab\xcd",
	    14);
	CHECK(gre_decode(c, 14, &h) < 0);
	/* S = 1 with payload length 0: a valid header (relay ignores it) */
	memcpy(c, "\x30\x01\x88\x0b\x00\x00\x00\x01\x00\x00\x00\x05", 12);
	CHECK_EQ(gre_decode(c, 12, &h), 0);
	CHECK_EQ(h.paylen, 0);
}

static void
test_lengths(void)
{
	uint8_t b[64];
	struct gre_hdr h;
	size_t n = mkpkt(b), k;

	/* Payload length larger than the bytes present (truncated). */
	CHECK_EQ(gre_decode(b, n - 1, &h), E_LENGTH);
	b[5] = 5;
	CHECK_EQ(gre_decode(b, n, &h), E_LENGTH);
	/* Smaller than the bytes present (trailing octets). */
	b[5] = 3;
	CHECK_EQ(gre_decode(b, n, &h), E_LENGTH);
	b[5] = 0;
	CHECK_EQ(gre_decode(b, n, &h), E_LENGTH);
	b[4] = 0xff;
	b[5] = 0xff;
	CHECK_EQ(gre_decode(b, n, &h), E_LENGTH);
	b[4] = 0;
	b[5] = 4;
	CHECK_EQ(gre_decode(b, n, &h), 0);
	/* Every truncation inside the header. */
	for (k = 0; k < 16; k++)
		CHECK_EQ(gre_decode(b, k, &h), E_SHORT);
	/* Ack-only cut short. */
	memcpy(b, "\x20\x81\x88\x0b\x00\x00\x00\x01\x00\x00\x00\x05", 12);
	CHECK_EQ(gre_decode(b, 12, &h), 0);
	CHECK_EQ(gre_decode(b, 11, &h), E_SHORT);
	CHECK_EQ(gre_decode(b, 13, &h), E_LENGTH);	/* trailing octet */
	CHECK_EQ(gre_decode(NULL, 0, &h), E_SHORT);
}

/* A 20-octet IPv4 header (IHL given) for a GRE payload of glen octets. */
static size_t
mkip(uint8_t *b, unsigned int ihl, size_t glen)
{
	size_t hl = ihl * 4, total = hl + glen;

	memset(b, 0, hl);
	b[0] = (uint8_t)(0x40 | ihl);
	b[2] = (uint8_t)(total >> 8);
	b[3] = (uint8_t)total;
	b[8] = 64;
	b[9] = 47;
	memcpy(b + 12, "\xc0\x00\x02\x07", 4);		/* 192.0.2.7 */
	memcpy(b + 16, "\xc0\x00\x02\x01", 4);
	return hl;
}

static void
test_strip_ip(void)
{
	uint8_t b[128], pkt[64];
	size_t plen = mkpkt(pkt), hl, k;
	const uint8_t *g;
	size_t glen;
	uint32_t src;
	struct gre_hdr h;

	hl = mkip(b, 5, plen);
	memcpy(b + hl, pkt, plen);
	CHECK_EQ(gre_strip_ip(b, hl + plen, &src, &g, &glen), 0);
	CHECK_EQ(ntohl(src), 0xc0000207U);
	CHECK(g == b + 20);
	CHECK_EQ(glen, plen);
	CHECK_EQ(gre_decode(g, glen, &h), 0);

	/* IP options: IHL 6 and 15. */
	hl = mkip(b, 6, plen);
	memcpy(b + hl, pkt, plen);
	CHECK_EQ(gre_strip_ip(b, hl + plen, &src, &g, &glen), 0);
	CHECK(g == b + 24);
	CHECK_EQ(glen, plen);
	hl = mkip(b, 15, plen);
	memcpy(b + hl, pkt, plen);
	CHECK_EQ(gre_strip_ip(b, hl + plen, &src, &g, &glen), 0);
	CHECK(g == b + 60);
	/* IHL 15 but only 40 octets read. */
	hl = mkip(b, 15, 0);
	b[2] = 0;
	b[3] = 40;
	CHECK(gre_strip_ip(b, 40, &src, &g, &glen) < 0);

	/* Bad IHL: 0..4. */
	for (k = 0; k < 5; k++) {
		hl = mkip(b, 5, plen);
		memcpy(b + hl, pkt, plen);
		b[0] = (uint8_t)(0x40 | k);
		CHECK(gre_strip_ip(b, hl + plen, &src, &g, &glen) < 0);
	}
	/* Not IPv4. */
	hl = mkip(b, 5, plen);
	memcpy(b + hl, pkt, plen);
	b[0] = 0x65;
	CHECK(gre_strip_ip(b, hl + plen, &src, &g, &glen) < 0);
	b[0] = 0x05;
	CHECK(gre_strip_ip(b, hl + plen, &src, &g, &glen) < 0);
	/* Not GRE. */
	hl = mkip(b, 5, plen);
	memcpy(b + hl, pkt, plen);
	b[9] = 17;
	CHECK_EQ(gre_strip_ip(b, hl + plen, &src, &g, &glen), E_PROTO);
	/* Total length: larger, smaller, smaller than the header, zero. */
	hl = mkip(b, 5, plen);
	memcpy(b + hl, pkt, plen);
	b[3] = (uint8_t)(b[3] + 1);
	CHECK_EQ(gre_strip_ip(b, hl + plen, &src, &g, &glen), E_LENGTH);
	b[3] = (uint8_t)(b[3] - 2);
	CHECK_EQ(gre_strip_ip(b, hl + plen, &src, &g, &glen), E_LENGTH);
	b[2] = 0;
	b[3] = 19;
	CHECK(gre_strip_ip(b, hl + plen, &src, &g, &glen) < 0);
	b[3] = 0;
	CHECK(gre_strip_ip(b, hl + plen, &src, &g, &glen) < 0);
	b[2] = 0xff;
	b[3] = 0xff;
	CHECK_EQ(gre_strip_ip(b, hl + plen, &src, &g, &glen), E_LENGTH);
	/* A header alone (no GRE at all) strips to zero octets. */
	hl = mkip(b, 5, 0);
	CHECK_EQ(gre_strip_ip(b, 20, &src, &g, &glen), 0);
	CHECK_EQ(glen, 0);
	CHECK_EQ(gre_decode(g, glen, &h), E_SHORT);
	/* Truncated IPv4 headers: every length below 20. */
	hl = mkip(b, 5, plen);
	memcpy(b + hl, pkt, plen);
	for (k = 0; k < 20; k++)
		CHECK(gre_strip_ip(b, k, &src, &g, &glen) < 0);
}

int
main(void)
{
	test_vectors();
	test_encode();
	test_flags();
	test_lengths();
	test_strip_ip();
	return ct_done("t_gre");
}
