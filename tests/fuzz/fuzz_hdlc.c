/*
 * Fuzz target for src/hdlc.c, the RFC 1662 framing on pppd's pty.
 *
 * Input: octet 0 picks the ACCM (0: 0xffffffff, 1: 0, 2: the next four
 * octets, else octet * 0x01010101), octet 1 the read size for the
 * streaming decoder (0: everything at once); the rest is what pppd wrote.
 * Properties, abort() on any violation:
 *  - the decoder always makes progress and never consumes more than given;
 *    a call that returns no frame consumed everything;
 *  - every frame returned is 2..PPTP_MAX_PPP octets and its FCS (still
 *    behind it in the buffer) gives the good residue 0xf0b8;
 *  - the frames and the counters do not depend on how the stream is cut
 *    into reads (one read vs the chosen size vs one octet at a time);
 *  - encoding a frame with the ACCM fits HDLC_ENC_MAX, has flags only at
 *    both ends, escapes every octet the ACCM or RFC 1662 requires, and
 *    decodes back to the same frame with a fresh decoder;
 *  - the whole input taken as one payload (when it fits) round-trips, and
 *    a payload shorter than 2 octets comes back as a runt;
 *  - the decoder's frames and counters, the encoder's every octet and the
 *    FCS of the input are those of plain octet-at-a-time models of RFC
 *    1662, with hdlc.c's scalar loops and with each vector form of them
 *    (hdlcx.c) the CPU has (the decoder's here, the others in unit/hdlc_ref.h; the code
 *    under test is tuned: branch-free, several octets a step, carry-less
 *    multiplication).
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdlc.h"

#include "fuzz.h"
#include "../unit/hdlc_ref.h"

#define FUZZ_MAXFRAMES	256

struct fuzz_run {
	struct hdlc_dec	d;
	size_t		nframes;
	uint32_t	fcs[FUZZ_MAXFRAMES];	/* a digest of each frame */
	size_t		len[FUZZ_MAXFRAMES];
};

static struct hdlc_enc fuzz_enc;

static void
fuzz_check_encoding(const uint8_t *f, size_t flen)
{
	static uint8_t out[HDLC_ENC_MAX(HDLC_MAX_FRAME)];
	struct hdlc_dec d;
	const uint8_t *g;
	size_t n, i, c, glen;

	static uint8_t ref[HDLC_ENC_MAX(HDLC_MAX_FRAME)];

	n = hdlc_encode(&fuzz_enc, f, flen, out, sizeof(out));
	FUZZ_CHECK(n >= flen + 4 && n <= HDLC_ENC_MAX(flen));
	FUZZ_CHECK(n == ref_encode(fuzz_enc.accm, f, flen, ref) && memcmp(out, ref, n) == 0);
	FUZZ_CHECK(out[0] == HDLC_FLAG && out[n - 1] == HDLC_FLAG);
	for (i = 1; i < n - 1; i++) {
		FUZZ_CHECK(out[i] != HDLC_FLAG);
		if (out[i] == HDLC_ESC) {
			i++;
			FUZZ_CHECK(i < n - 1);
			continue;
		}
		if (out[i] < 0x20)
			FUZZ_CHECK(!((fuzz_enc.accm >> out[i]) & 1));
	}
	hdlc_dec_init(&d);
	c = hdlc_decode(&d, out, n, &g, &glen);
	FUZZ_CHECK(c == n);
	if (flen < 2) {
		FUZZ_CHECK(g == NULL && d.runts == 1);
		return;
	}
	FUZZ_CHECK(g != NULL && glen == flen);
	FUZZ_CHECK(memcmp(g, f, flen) == 0);
}

static void
fuzz_decode(struct fuzz_run *r, const uint8_t *in, size_t n, size_t chunk,
    int encode)
{
	const uint8_t *f;
	size_t off = 0, end, c, flen;

	hdlc_dec_init(&r->d);
	r->nframes = 0;
	if (chunk == 0)
		chunk = n ? n : 1;
	while (off < n) {
		end = off + chunk < n ? off + chunk : n;
		while (off < end) {
			c = hdlc_decode(&r->d, in + off, end - off, &f, &flen);
			FUZZ_CHECK(c > 0 && c <= end - off);
			off += c;
			if (f == NULL) {
				FUZZ_CHECK(off == end && flen == 0);
				continue;
			}
			FUZZ_CHECK(flen >= 2 && flen <= PPTP_MAX_PPP);
			FUZZ_CHECK(in[off - 1] == HDLC_FLAG);
			FUZZ_CHECK(hdlc_fcs(HDLC_FCS_INIT, f, flen + 2) ==
			    HDLC_FCS_GOOD);
			if (r->nframes < FUZZ_MAXFRAMES) {
				r->len[r->nframes] = flen;
				r->fcs[r->nframes++] =
				    hdlc_fcs(0x1234, f, flen);
			}
			if (encode)
				fuzz_check_encoding(f, flen);
		}
	}
}

static void
ref_frame(struct fuzz_run *r, const uint8_t *buf, size_t len)
{
	if (len == 0 || r->d.esc)
		return;		/* no frame; 0x7d then flag aborts (4.4) */
	if (len < 4)
		r->d.runts++;
	else if (hdlc_fcs(HDLC_FCS_INIT, buf, len) != HDLC_FCS_GOOD)
		r->d.bad_fcs++;
	else {
		r->d.frames++;
		if (r->nframes < FUZZ_MAXFRAMES) {
			r->len[r->nframes] = len - 2;
			r->fcs[r->nframes++] = hdlc_fcs(0x1234, buf, len - 2);
		}
	}
}

/* The model decoder: RFC 1662 4.2-4.4, one octet at a time. */
static void
ref_decode(struct fuzz_run *r, const uint8_t *in, size_t n)
{
	static uint8_t buf[HDLC_MAX_FRAME];
	size_t i, len = 0;
	int hunt = 1, toolong = 0;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++) {
		if (in[i] == HDLC_FLAG) {
			if (toolong && !hunt)
				r->d.giants++;
			else if (!hunt)
				ref_frame(r, buf, len);
			len = 0;
			hunt = toolong = r->d.esc = 0;
		} else if (hunt || toolong)
			;
		else if (in[i] == HDLC_ESC)
			r->d.esc = 1;
		else if (len == sizeof(buf))
			toolong = 1;
		else {
			buf[len++] = r->d.esc ? in[i] ^ HDLC_TRANS : in[i];
			r->d.esc = 0;
		}
	}
}

static void
fuzz_same(const struct fuzz_run *a, const struct fuzz_run *b)
{
	FUZZ_CHECK(a->nframes == b->nframes);
	FUZZ_CHECK(memcmp(a->len, b->len, a->nframes * sizeof(a->len[0])) == 0);
	FUZZ_CHECK(memcmp(a->fcs, b->fcs, a->nframes * sizeof(a->fcs[0])) == 0);
	FUZZ_CHECK(a->d.frames == b->d.frames);
	FUZZ_CHECK(a->d.bad_fcs == b->d.bad_fcs);
	FUZZ_CHECK(a->d.runts == b->d.runts);
	FUZZ_CHECK(a->d.giants == b->d.giants);
	FUZZ_CHECK(a->d.frames == a->nframes ||
	    a->nframes == FUZZ_MAXFRAMES);
}

static void
fuzz_one(const uint8_t *p, size_t n)
{
	static struct fuzz_run whole, cut, bytes;	/* cut: the model first */
	uint32_t accm;
	size_t chunk;

	switch (p[0]) {
	case 0:
		accm = 0xffffffffU;
		break;
	case 1:
		accm = 0;
		break;
	case 2:
		if (n < 6)
			return;
		accm = (uint32_t)p[2] << 24 | (uint32_t)p[3] << 16 |
		    (uint32_t)p[4] << 8 | p[5];
		break;
	default:
		accm = p[0] * 0x01010101U;
		break;
	}
	chunk = p[1];
	hdlc_enc_init(&fuzz_enc, accm);
	p += 2;
	n -= 2;

	fuzz_decode(&whole, p, n, 0, 1);
	ref_decode(&cut, p, n);
	fuzz_same(&whole, &cut);
	fuzz_decode(&cut, p, n, chunk, 0);
	fuzz_same(&whole, &cut);
	if (n <= 4096) {
		fuzz_decode(&bytes, p, n, 1, 0);
		fuzz_same(&whole, &bytes);
	}
	/* The FCS against the bit-at-a-time generator (RFC 1662 C.1). */
	FUZZ_CHECK(hdlc_fcs(HDLC_FCS_INIT, p, n) ==
	    fcs_bitwise(HDLC_FCS_INIT, p, n));
	/* The input as a payload. */
	if (n <= PPTP_MAX_PPP)
		fuzz_check_encoding(p, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	int level, best;

	if (n < 2)
		return 0;
	best = hdlc_accel(HDLC_AVX512);
	/* Every form of the loops the CPU has: scalar, AVX2, AVX-512
	 * (src/hdlcx.c). */
	for (level = HDLC_SCALAR; level <= best; level++) {
		hdlc_accel(level);
		fuzz_one(p, n);
	}
	return 0;
}
