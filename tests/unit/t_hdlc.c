/*
 * Unit tests for src/hdlc.c: RFC 1662 async HDLC-like framing between
 * pptpctrl and pppd (CHECKLIST 88-89).  The FCS is checked against the
 * RFC's table generator (appendix C.1) run bit by bit here, the CRC-16/X.25
 * check value, and the good residue 0xf0b8 (C.2); encodings are checked
 * against an independent bit-level encoder; the streaming decoder is fed
 * split at every octet boundary.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hdlc.h"
#include "util.h"

#include "ctest.h"
#include "hdlc_ref.h"
#include "vectors.h"

/* Collected decoder output. */
struct frames {
	size_t	n;
	size_t	len[64];
	uint8_t	data[64][HDLC_MAX_FRAME];
};

/* Feed in chunks of size chunk (0 = all at once); collect frames. */
static void
decode_all(struct hdlc_dec *d, const uint8_t *in, size_t n, size_t chunk,
    struct frames *f)
{
	size_t off = 0, end, c;
	const uint8_t *fr;
	size_t flen;
	int guard = 0;

	if (chunk == 0)
		chunk = n;
	while (off < n) {
		end = off + chunk < n ? off + chunk : n;
		while (off < end) {
			c = hdlc_decode(d, in + off, end - off, &fr, &flen);
			if (c == 0 || c > end - off) {
				CHECK(c > 0 && c <= end - off);
				return;
			}
			off += c;
			if (fr != NULL) {
				CHECK(flen <= PPTP_MAX_PPP);
				/* the FCS is still behind the frame */
				CHECK_EQ(hdlc_fcs(HDLC_FCS_INIT, fr, flen + 2),
				    HDLC_FCS_GOOD);
				if (f->n < nitems(f->len)) {
					memcpy(f->data[f->n], fr, flen);
					f->len[f->n++] = flen;
				}
			} else
				CHECK_EQ(off, end);	/* all eaten */
			if (++guard > 100000)
				return;
		}
	}
}

static void
test_fcs(void)
{
	uint8_t b[300];
	unsigned int i;
	uint16_t fcs;

	/* Every table entry against the C.1 generator. */
	for (i = 0; i < 256; i++) {
		uint8_t c = (uint8_t)i;

		if (hdlc_fcs(0, &c, 1) != fcs_bitwise(0, &c, 1)) {
			CHECK_EQ(hdlc_fcs(0, &c, 1), fcs_bitwise(0, &c, 1));
			fprintf(stderr, "  table entry %u\n", i);
		}
	}
	/* CRC-16/X.25 check value ("123456789" -> 0x906e). */
	CHECK_EQ(hdlc_fcs(HDLC_FCS_INIT, (const uint8_t *)"123456789", 9) ^
	    0xffff, 0x906e);
	CHECK_EQ(hdlc_fcs(HDLC_FCS_INIT, NULL, 0), 0xffff);
	/* C.2: data + complemented FCS (LSB first) -> 0xf0b8. */
	for (i = 0; i < sizeof(b) - 2; i += 7) {
		size_t k;

		for (k = 0; k < i; k++)
			b[k] = (uint8_t)(k * 31 + i);
		fcs = hdlc_fcs(HDLC_FCS_INIT, b, i) ^ 0xffff;
		b[i] = (uint8_t)fcs;
		b[i + 1] = (uint8_t)(fcs >> 8);
		CHECK_EQ(hdlc_fcs(HDLC_FCS_INIT, b, i + 2), HDLC_FCS_GOOD);
		CHECK_EQ(fcs_bitwise(0xffff, b, i + 2), 0xf0b8);
		/* incremental == one shot */
		CHECK_EQ(hdlc_fcs(hdlc_fcs(HDLC_FCS_INIT, b, i / 2), b + i / 2,
		    i + 2 - i / 2), HDLC_FCS_GOOD);
	}
}

/* Every length a frame can have, at every alignment and from any FCS so
 * far, against the bit-at-a-time generator: frames of 64 bytes and more
 * take the carry-less multiplication path where the CPU has it. */
static void
test_fcs_lengths(void)
{
	static uint8_t b[HDLC_MAX_FRAME + 16];
	uint32_t x = 0x12345678;
	size_t len, off, bad = 0;
	uint16_t init;

	for (len = 0; len < sizeof(b); len++) {
		x = x * 1103515245 + 12345;
		b[len] = (uint8_t)(x >> 16);
	}
	for (len = 0; len + 16 <= sizeof(b); len += len < 300 ? 1 : 37) {
		for (off = 0; off < 16; off += len < 300 ? 5 : 1) {
			init = (uint16_t)(len * 2654435761u >> 13);
			if (hdlc_fcs(init, b + off, len) !=
			    fcs_bitwise(init, b + off, len) && bad++ < 5)
				fprintf(stderr, "  fcs: length %zu offset %zu\n",
				    len, off);
		}
	}
	CHECK_EQ(bad, 0);
}

/* The GRE payload of a captured packet (the PPP frame). */
static const uint8_t *
capture_ppp(const char *name, size_t *len)
{
	size_t i;

	for (i = 0; i < nitems(vgre); i++)
		if (strcmp(vgre[i].name, name) == 0) {
			*len = vgre[i].paylen;
			return vgre[i].ip + vgre[i].iplen - vgre[i].paylen;
		}
	*len = 0;
	return NULL;
}

static void
test_encode(void)
{
	static const uint32_t accms[] = {
		0xffffffffU, 0, 0x000a0000U, 0x80000001U, 0x55555555U
	};
	struct hdlc_enc e;
	uint8_t all[256 + 4], enc[HDLC_ENC_MAX(PPTP_MAX_PPP)];
	uint8_t ref[HDLC_ENC_MAX(PPTP_MAX_PPP)];
	const uint8_t *lcp;
	size_t i, j, n, rn, lcplen;

	for (i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	lcp = capture_ppp("nt-16-3001", &lcplen);	/* Windows LCP */
	CHECK(lcp != NULL && lcplen == 48);
	CHECK(lcp != NULL && lcp[0] == 0xff && lcp[1] == 0x03 &&
	    lcp[2] == 0xc0 && lcp[3] == 0x21);

	for (i = 0; i < nitems(accms); i++) {
		char ctx[32];

		snprintf(ctx, sizeof(ctx), "accm 0x%08x", accms[i]);
		ct_ctx = ctx;
		hdlc_enc_init(&e, accms[i]);
		CHECK_EQ(e.accm, accms[i]);
		/* every octet value, the captured LCP, and the empty frame */
		n = hdlc_encode(&e, all, 256, enc, sizeof(enc));
		rn = ref_encode(accms[i], all, 256, ref);
		CHECK_EQ(n, rn);
		CHECK_MEM(enc, ref, rn);
		CHECK(n <= HDLC_ENC_MAX(256));
		for (j = 1; j + 1 < n; j++)
			CHECK(enc[j] != 0x7e);
		if (lcp != NULL) {
			n = hdlc_encode(&e, lcp, lcplen, enc, sizeof(enc));
			rn = ref_encode(accms[i], lcp, lcplen, ref);
			CHECK_EQ(n, rn);
			CHECK_MEM(enc, ref, rn);
		}
		n = hdlc_encode(&e, all, 0, enc, sizeof(enc));
		rn = ref_encode(accms[i], all, 0, ref);
		CHECK_EQ(n, rn);
		CHECK_MEM(enc, ref, rn);
	}
	ct_ctx = "";

	/* ACCM all ones: every control octet escaped (CHECKLIST 88). */
	hdlc_enc_init(&e, 0xffffffffU);
	n = hdlc_encode(&e, all, 32, enc, sizeof(enc));
	for (j = 1; j + 1 < n; j++)
		CHECK(enc[j] >= 0x20 || enc[j - 1] == 0x7d);
	CHECK(n >= 2 + 64 + 2);
	/* ACCM 0: only flag and escape are escaped. */
	hdlc_enc_init(&e, 0);
	n = hdlc_encode(&e, (const uint8_t *)"\x01\x7e\x7d\x1f", 4, enc,
	    sizeof(enc));
	CHECK(n >= 9);
	CHECK_MEM(enc, "\x7e\x01\x7d\x5e\x7d\x5d\x1f", 7);

	/* Worst case exactly fits; one less does not. */
	memset(ref, 0x7e, sizeof(ref));
	hdlc_enc_init(&e, 0xffffffffU);
	n = hdlc_encode(&e, ref, PPTP_MAX_PPP, enc, HDLC_ENC_MAX(PPTP_MAX_PPP));
	CHECK(n > 0 && n <= HDLC_ENC_MAX(PPTP_MAX_PPP));
	CHECK_EQ(hdlc_encode(&e, ref, 10, enc, HDLC_ENC_MAX(10) - 1), 0);
	CHECK_EQ(hdlc_encode(&e, ref, 0, enc, 0), 0);
	/* empty: FCS 0x0000, both octets escaped under ACCM ~0 */
	CHECK_EQ(hdlc_encode(&e, ref, 0, enc, HDLC_ENC_MAX(0)), 6);
}

static void
test_decode_split(void)
{
	struct hdlc_enc e;
	struct hdlc_dec d;
	struct frames *f;
	static struct frames fs;
	uint8_t stream[4096], p[3][300];
	size_t plen[3] = { 48, 1, 257 }, n = 0, split, i;
	const uint8_t *lcp;
	size_t lcplen;

	f = &fs;
	lcp = capture_ppp("w10-39-3081", &lcplen);
	CHECK(lcp != NULL);
	if (lcp == NULL)
		return;
	memcpy(p[0], lcp, lcplen);
	plen[0] = lcplen;
	p[1][0] = 0x7e;			/* needs escaping */
	p[1][1] = 0x7d;
	plen[1] = 2;
	for (i = 0; i < plen[2]; i++)
		p[2][i] = (uint8_t)(255 - i);
	hdlc_enc_init(&e, 0xffffffffU);
	for (i = 0; i < 3; i++)
		n += hdlc_encode(&e, p[i], plen[i], stream + n,
		    sizeof(stream) - n);

	/* Split into two reads at every octet boundary. */
	for (split = 0; split <= n; split++) {
		hdlc_dec_init(&d);
		memset(f, 0, sizeof(*f));
		decode_all(&d, stream, split, 0, f);
		decode_all(&d, stream + split, n - split, 0, f);
		if (f->n != 3) {
			CHECK_EQ(f->n, 3);
			fprintf(stderr, "  split at %zu\n", split);
			break;
		}
		for (i = 0; i < 3; i++) {
			CHECK_EQ(f->len[i], plen[i]);
			CHECK_MEM(f->data[i], p[i], plen[i]);
		}
	}
	/* Chunks of every size up to 64, then one octet at a time. */
	for (split = 1; split <= 64; split++) {
		hdlc_dec_init(&d);
		memset(f, 0, sizeof(*f));
		decode_all(&d, stream, n, split, f);
		CHECK_EQ(f->n, 3);
		CHECK_EQ(d.frames, 3);
		CHECK_EQ(d.bad_fcs + d.runts + d.giants, 0);
	}

	/* pppd shares flags between frames: 7e A 7e B 7e. */
	{
		uint8_t s2[2048];
		size_t n1, n2;

		n1 = hdlc_encode(&e, p[0], plen[0], s2, sizeof(s2));
		n2 = hdlc_encode(&e, p[2], plen[2], s2 + n1 - 1,
		    sizeof(s2) - n1 + 1);
		hdlc_dec_init(&d);
		memset(f, 0, sizeof(*f));
		decode_all(&d, s2, n1 + n2 - 1, 0, f);
		CHECK_EQ(f->n, 2);
		CHECK_EQ(f->len[1], plen[2]);
	}
}

static void
test_decode_errors(void)
{
	struct hdlc_enc e;
	struct hdlc_dec d;
	static struct frames fs;
	struct frames *f = &fs;
	static uint8_t s[8192];
	uint8_t good[64], big[PPTP_MAX_PPP + 1];
	size_t n, g, i;

	for (i = 0; i < sizeof(good); i++)
		good[i] = (uint8_t)(i + 0x30);
	hdlc_enc_init(&e, 0);
	g = hdlc_encode(&e, good, 40, s, sizeof(s));

	/* Noise before the first flag is ignored, not counted. */
	hdlc_dec_init(&d);
	memset(f, 0, sizeof(*f));
	decode_all(&d, (const uint8_t *)"garbage\x7d\xff\x03", 10, 0, f);
	decode_all(&d, s, g, 0, f);
	CHECK_EQ(f->n, 1);
	CHECK_EQ(d.bad_fcs + d.runts + d.giants, 0);
	CHECK_EQ(f->len[0], 40);

	/* Bad FCS: counted and dropped; the next frame is fine. */
	memcpy(s + g, s, g);
	s[5] ^= 0x01;
	hdlc_dec_init(&d);
	memset(f, 0, sizeof(*f));
	decode_all(&d, s, 2 * g, 0, f);
	CHECK_EQ(d.bad_fcs, 1);
	CHECK_EQ(f->n, 1);
	CHECK_EQ(d.frames, 1);
	/* A wrong FCS octet itself */
	g = hdlc_encode(&e, good, 40, s, sizeof(s));
	s[g - 2] ^= 0x40;
	hdlc_dec_init(&d);
	memset(f, 0, sizeof(*f));
	decode_all(&d, s, g, 0, f);
	CHECK_EQ(d.bad_fcs, 1);
	CHECK_EQ(f->n, 0);

	/* Runts: 1..3 octets between flags; then a good frame. */
	for (i = 1; i < 4; i++) {
		hdlc_dec_init(&d);
		memset(f, 0, sizeof(*f));
		memset(s, 0x41, sizeof(s));
		s[0] = 0x7e;
		s[i + 1] = 0x7e;
		decode_all(&d, s, i + 2, 0, f);
		CHECK_EQ(d.runts, 1);
		CHECK_EQ(f->n, 0);
		n = hdlc_encode(&e, good, 40, s, sizeof(s));
		decode_all(&d, s, n, 0, f);
		CHECK_EQ(f->n, 1);
	}
	/* A 2-octet payload (4 with FCS) is the shortest frame kept; an
	 * empty or 1-octet payload is a runt. */
	hdlc_dec_init(&d);
	memset(f, 0, sizeof(*f));
	n = hdlc_encode(&e, good, 2, s, sizeof(s));
	decode_all(&d, s, n, 0, f);
	CHECK_EQ(f->n, 1);
	n = hdlc_encode(&e, good, 1, s, sizeof(s));
	decode_all(&d, s, n, 0, f);
	n = hdlc_encode(&e, good, 0, s, sizeof(s));
	decode_all(&d, s, n, 0, f);
	CHECK_EQ(f->n, 1);
	CHECK_EQ(d.runts, 2);
	/* Back-to-back flags are not frames and not runts. */
	decode_all(&d, (const uint8_t *)"\x7e\x7e\x7e\x7e", 4, 0, f);
	CHECK_EQ(d.runts, 2);
	CHECK_EQ(f->n, 1);

	/* Largest frame (1532 + FCS) kept; one octet more is a giant, and
	 * the decoder recovers at the next flag. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 0x20);
	hdlc_dec_init(&d);
	memset(f, 0, sizeof(*f));
	n = hdlc_encode(&e, big, PPTP_MAX_PPP, s, sizeof(s));
	decode_all(&d, s, n, 0, f);
	CHECK_EQ(f->n, 1);
	CHECK_EQ(f->len[0], PPTP_MAX_PPP);
	CHECK_MEM(f->data[0], big, PPTP_MAX_PPP);
	n = hdlc_encode(&e, big, PPTP_MAX_PPP + 1, s, sizeof(s));
	n += hdlc_encode(&e, good, 40, s + n, sizeof(s) - n);
	decode_all(&d, s, n, 0, f);
	CHECK_EQ(d.giants, 1);
	CHECK_EQ(f->n, 2);
	CHECK_EQ(f->len[1], 40);
	/* A huge run of non-flag octets (no terminator for a long time). */
	memset(s, 0x55, sizeof(s));
	s[0] = 0x7e;
	decode_all(&d, s, sizeof(s), 97, f);
	n = hdlc_encode(&e, good, 40, s, sizeof(s));
	decode_all(&d, s, n, 0, f);
	CHECK_EQ(d.giants, 2);
	CHECK_EQ(f->n, 3);

	/* RFC 1662 4.4: 0x7d then flag aborts the frame silently. */
	hdlc_dec_init(&d);
	memset(f, 0, sizeof(*f));
	n = hdlc_encode(&e, good, 40, s, sizeof(s));
	s[n - 1] = 0x7d;
	s[n] = 0x7e;
	n++;
	n += hdlc_encode(&e, good, 40, s + n, sizeof(s) - n);
	decode_all(&d, s, n, 0, f);
	CHECK_EQ(f->n, 1);
	CHECK_EQ(d.bad_fcs + d.runts + d.giants, 0);

	/* Escapes are undone whatever the ACCM, including octets the
	 * sender did not need to escape (RFC 1662 4.2). */
	hdlc_dec_init(&d);
	memset(f, 0, sizeof(*f));
	{
		uint8_t raw[64], esc[160];
		uint16_t fcs;
		size_t k, m = 0;

		memcpy(raw, "\xff\x03\xc0\x21\x41\x42", 6);
		fcs = hdlc_fcs(HDLC_FCS_INIT, raw, 6) ^ 0xffff;
		raw[6] = (uint8_t)fcs;
		raw[7] = (uint8_t)(fcs >> 8);
		esc[m++] = 0x7e;
		for (k = 0; k < 8; k++) {
			esc[m++] = 0x7d;		/* escape everything */
			esc[m++] = raw[k] ^ 0x20;
		}
		esc[m++] = 0x7e;
		decode_all(&d, esc, m, 0, f);
		CHECK_EQ(f->n, 1);
		CHECK_EQ(f->len[0], 6);
		CHECK_MEM(f->data[0], raw, 6);
	}
}

/* Encoder and decoder round trip for every ACCM used in practice. */
static void
test_round_trip(void)
{
	static const uint32_t accms[] = { 0xffffffffU, 0, 0x000a0000U };
	struct hdlc_enc e;
	struct hdlc_dec d;
	static struct frames fs;
	static uint8_t s[HDLC_ENC_MAX(PPTP_MAX_PPP)];
	uint8_t p[PPTP_MAX_PPP];
	size_t a, len, n, i;

	for (a = 0; a < nitems(accms); a++) {
		hdlc_enc_init(&e, accms[a]);
		hdlc_dec_init(&d);
		for (len = 2; len <= PPTP_MAX_PPP; len += len < 40 ? 1 : 97) {
			for (i = 0; i < len; i++)
				p[i] = (uint8_t)((i * 13 + len) ^ (i >> 3));
			memset(&fs, 0, sizeof(fs));
			n = hdlc_encode(&e, p, len, s, sizeof(s));
			decode_all(&d, s, n, 0, &fs);
			CHECK_EQ(fs.n, 1);
			CHECK_EQ(fs.len[0], len);
			CHECK_MEM(fs.data[0], p, len);
		}
		CHECK_EQ(d.bad_fcs + d.runts + d.giants, 0);
	}
}

/* xorshift64: the same "random" streams on every run. */
static uint64_t
rnd(void)
{
	static uint64_t s = 0x9e3779b97f4a7c15ULL;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

/* A payload octet: uniform, or mostly octets that must be escaped. */
static uint8_t
rnd_octet(int dense)
{
	static const uint8_t hot[] = { 0x7d, 0x7e, 0x00, 0x11, 0x13, 0x1f,
	    0x20, 0x5d, 0x5e, 0xff };
	uint64_t r = rnd();

	if (dense && (r & 3) != 0)
		return hot[(r >> 8) % sizeof(hot)];
	return (uint8_t)(r >> 16);
}

/* Decode in random cuts with the given loops. */
static void
decode_mode(int accel, const uint8_t *s, size_t n, uint64_t seed,
    struct hdlc_dec *d, struct frames *f)
{
	const uint8_t *fr;
	size_t off = 0, end, c, flen;
	uint64_t cut = seed;

	hdlc_accel(accel);
	hdlc_dec_init(d);
	memset(f, 0, sizeof(*f));
	while (off < n) {
		cut = cut * 6364136223846793005ULL + 1442695040888963407ULL;
		end = off + 1 + (size_t)(cut >> 33) % 3000;
		if (end > n)
			end = n;
		while (off < end) {
			c = hdlc_decode(d, s + off, end - off, &fr, &flen);
			off += c;
			if (fr != NULL && f->n < nitems(f->len)) {
				memcpy(f->data[f->n], fr, flen);
				f->len[f->n++] = flen;
			}
		}
	}
}

/*
 * The vector loops against the scalar ones and the octet-at-a-time
 * encoder: random payloads of every size class, dense in octets that need
 * escaping or not, every ACCM kind, streams with noise, stray and doubled
 * escapes, aborts and giants, cut at random.
 */
static void
test_vector_vs_scalar(int level)
{
	static const uint32_t accms[] = { 0xffffffffU, 0, 0x000a0000U,
	    0x5a5a5a5aU };
	static uint8_t s[40000], ref[HDLC_ENC_MAX(PPTP_MAX_PPP + 64)];
	static struct frames fa, fb;
	struct hdlc_dec da, db;
	struct hdlc_enc e;
	uint8_t p[PPTP_MAX_PPP + 64];
	size_t n, len, k, i, r;
	int round, a, frames = 0;

	for (round = 0; round < 300; round++) {
		a = round % (int)nitems(accms);
		hdlc_enc_init(&e, accms[a]);
		for (n = 0; n + HDLC_ENC_MAX(sizeof(p)) + 8 < sizeof(s); ) {
			len = (size_t)(rnd() % (round & 1 ? 200 : sizeof(p)));
			for (i = 0; i < len; i++)
				p[i] = rnd_octet(round % 3 == 0);
			hdlc_accel(round & 2 ? level : 0);
			k = hdlc_encode(&e, p, len, s + n, sizeof(s) - n);
			r = ref_encode(accms[a], p, len, ref);
			CHECK_EQ(k, r);
			if (k != r || memcmp(s + n, ref, r) != 0) {
				CHECK(memcmp(s + n, ref, r) == 0);
				fprintf(stderr, "  round %d, length %zu, "
				    "vectors %d\n", round, len, hdlc_accel(-1));
				return;
			}
			n += k;
			frames++;
			/* Now and then: noise, "7d 7d", "7d 7e", flags. */
			switch (rnd() % 8) {
			case 0:
				s[n++] = 0x7d;
				s[n++] = 0x7d;
				s[n++] = (uint8_t)rnd();
				break;
			case 1:
				s[n - 1] = 0x7d;
				s[n++] = 0x7e;
				break;
			case 2:
				s[n - 1 - rnd() % 4] ^= 0x04;
				break;
			case 3:
				s[n++] = 0x7e;
				break;
			default:
				break;
			}
		}
		decode_mode(0, s, n, (uint64_t)round, &da, &fa);
		decode_mode(level, s, n, (uint64_t)round * 7 + 1, &db, &fb);
		CHECK_EQ(fa.n, fb.n);
		CHECK_EQ(da.frames, db.frames);
		CHECK_EQ(da.bad_fcs, db.bad_fcs);
		CHECK_EQ(da.runts, db.runts);
		CHECK_EQ(da.giants, db.giants);
		for (i = 0; i < fa.n && i < fb.n; i++) {
			CHECK_EQ(fa.len[i], fb.len[i]);
			CHECK_MEM(fa.data[i], fb.data[i], fa.len[i]);
		}
	}
	/* Giants: a run longer than any frame, with escapes in it. */
	for (round = 0; round < 20; round++) {
		s[0] = 0x7e;
		for (n = 1; n < 5000; n++)
			s[n] = (uint8_t)(rnd_octet(round & 1) | 0x01);
		for (n = 1; n < 5000; n++)
			if (s[n] == 0x7f)
				s[n] = 0x7d;
		s[n++] = 0x7e;
		n += hdlc_encode(&e, p, 100, s + n, sizeof(s) - n);
		decode_mode(0, s, n, (uint64_t)round, &da, &fa);
		decode_mode(level, s, n, (uint64_t)round + 99, &db, &fb);
		CHECK_EQ(da.giants, db.giants);
		CHECK_EQ(fa.n, fb.n);
		CHECK_EQ(fa.n, 1);
	}
	CHECK(frames > 10000);
}

static void
run_all(void)
{
	test_fcs();
	test_fcs_lengths();
	test_encode();
	test_decode_split();
	test_decode_errors();
	test_round_trip();
}

int
main(void)
{
	int level, best = hdlc_accel(HDLC_AVX512);

	for (level = HDLC_SCALAR; level <= best; level++) {
		CHECK_EQ(hdlc_accel(level), level);
		ct_ctx = hdlc_accel_str(level);
		run_all();
		if (level > 0)
			test_vector_vs_scalar(level);
	}
	if (best < HDLC_AVX512)
		printf("t_hdlc: this CPU has no %s: those loops are not tested "
		    "here\n", best == HDLC_SCALAR ? "AVX2 and no AVX-512 VBMI2" :
		    "AVX-512 VBMI2");
	return ct_done("t_hdlc");
}
