/*
 * RFC 1662 async HDLC framing between pptpctrl and pppd's pty.
 *
 * Speed matters here: every byte of every packet passes through one of
 * these loops, and through the FCS (fcs.c).
 */
#include "autoconf.h"

#include <string.h>

#include "cpu.h"
#include "hdlc.h"
#include "hdlcx.h"

/* The loops in use: -1 until the first frame or hdlc_accel() asks. */
static int hdlc_vec = -1;

int
hdlc_accel(int want)
{
	int f = cpu_features(), have;

	have = (f & CPU_AVX512) ? HDLC_AVX512 : (f & CPU_AVX2) ? HDLC_AVX2 :
	    HDLC_SCALAR;
	if (want >= 0 && want < have)
		have = want;
	if (want >= 0 || hdlc_vec < 0)
		hdlc_vec = have;
	return hdlc_vec;
}

const char *
hdlc_accel_str(int level)
{
	return level == HDLC_AVX512 ? "AVX-512" : level == HDLC_AVX2 ?
	    "AVX2" : "scalar";
}

/* The loops for this frame; a load and a compare once they are known. */
static inline int
hdlc_level(void)
{
	return hdlc_vec >= 0 ? hdlc_vec : hdlc_accel(-1);
}

void
hdlc_dec_init(struct hdlc_dec *d)
{
	/* Not the frame buffer: its pages stay untouched until used. */
	d->len = 0;
	d->esc = 0;
	d->toolong = 0;
	d->frames = d->bad_fcs = d->runts = d->giants = 0;
	/* Octets before the first flag are line noise (RFC 1662 4.3). */
	d->hunt = 1;
}

/* A flag ended a frame: check it and reset for the next one. */
static int
hdlc_end(struct hdlc_dec *d)
{
	int good = 0;

	if (d->hunt) {
		;			/* noise before the first flag */
	} else if (d->toolong) {
		d->giants++;
	} else if (d->esc) {
		;			/* RFC 1662 4.4: 0x7d then flag aborts */
	} else if (d->len == 0) {
		;			/* back-to-back flags: no frame */
	} else if (d->len < 4) {
		d->runts++;
	} else if (hdlc_fcs(HDLC_FCS_INIT, d->buf, d->len) != HDLC_FCS_GOOD) {
		d->bad_fcs++;
	} else {
		d->frames++;
		good = 1;
	}
	d->esc = 0;
	d->toolong = 0;
	d->hunt = 0;
	return good;
}

/* Whether 8 octets hold a flag (the zero-octet test of 64-bit SWAR). */
static inline int
has_flag(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	w ^= 0x7e7e7e7e7e7e7e7eULL;
	return ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL) != 0;
}

/* One octet of hdlc_unescape's loop. */
#define UNESC(octet) do {						\
	c = (octet);							\
	e = c == HDLC_ESC;						\
	d->buf[o] = (uint8_t)(c ^ x);					\
	o += 1 - e;							\
	x = (0u - e) & HDLC_TRANS;					\
} while (0)

/*
 * Unescape octets into the frame up to the next flag (RFC 1662 4.2);
 * returns how many were consumed, the flag not included.  No branch but
 * the flag's: in MPPE data escapes are random (1 octet in 8 under the
 * default ACCM), and a mispredicted branch on each cost more than the
 * copy.  An escape is written and then overwritten by the next octet.
 */
static size_t
hdlc_unescape(struct hdlc_dec *d, const uint8_t *in, size_t n)
{
	size_t i = 0, o = d->len, room = sizeof(d->buf) - d->len;
	size_t m = n < room ? n : room;
	unsigned int x = d->esc ? HDLC_TRANS : 0, e;
	uint8_t c;

	/* o <= d->len + i < sizeof(d->buf): the first m octets fit. */
	if (m >= 32 && hdlc_level() != HDLC_SCALAR)
		i = hdlcx_unescape(hdlc_vec, d->buf, &o, in, m, &x);
	for (; i + 8 <= m && !has_flag(in + i); i += 8) {
		UNESC(in[i]); UNESC(in[i + 1]); UNESC(in[i + 2]);
		UNESC(in[i + 3]); UNESC(in[i + 4]); UNESC(in[i + 5]);
		UNESC(in[i + 6]); UNESC(in[i + 7]);
	}
	for (; i < m && in[i] != HDLC_FLAG; i++)
		UNESC(in[i]);
	d->len = o;
	d->esc = x != 0;
	/* Past the room only escapes fit: anything else is too long. */
	for (; i < n && (c = in[i]) != HDLC_FLAG; i++) {
		if (c == HDLC_ESC) {
			d->esc = 1;
		} else if (d->len == sizeof(d->buf)) {
			d->toolong = 1;
			break;
		} else {
			d->buf[d->len++] = c ^ (d->esc ? HDLC_TRANS : 0);
			d->esc = 0;
		}
	}
	return i;
}

size_t
hdlc_decode(struct hdlc_dec *d, const uint8_t *in, size_t n,
    const uint8_t **frame, size_t *flen)
{
	const uint8_t *f;
	size_t i = 0, len;
	int good;

	*frame = NULL;
	*flen = 0;
	while (i < n) {
		if (d->toolong || d->hunt) {
			/* Skip to the next flag. */
			if ((f = memchr(in + i, HDLC_FLAG, n - i)) == NULL)
				return n;
			i = (size_t)(f - in);
		} else {
			i += hdlc_unescape(d, in + i, n - i);
			if (i == n)
				return n;
			if (d->toolong)
				continue;
		}
		/* in[i] is a flag: the frame so far ends. */
		len = d->len;
		good = hdlc_end(d);
		d->len = 0;
		i++;
		if (good) {
			*frame = d->buf;
			*flen = len - 2;	/* strip the FCS */
			return i;
		}
	}
	return n;
}

void
hdlc_enc_init(struct hdlc_enc *e, uint32_t accm)
{
	int c;

	e->accm = accm;
	memset(e->esc, 0, sizeof(e->esc));
	for (c = 0; c < 32; c++)
		e->esc[c] = (accm >> c) & 1;
	e->esc[HDLC_FLAG] = 1;
	e->esc[HDLC_ESC] = 1;
	for (c = 0; c < 256; c++) {
		e->out[c][0] = e->esc[c] ? HDLC_ESC : (uint8_t)c;
		e->out[c][1] = (uint8_t)(c ^ HDLC_TRANS);
	}
}

/* What c becomes, 1 or 2 octets: two are stored, the second overwritten
 * unless the first was an escape; one store and no branch per octet. */
static inline size_t
hdlc_put(const struct hdlc_enc *e, uint8_t *out, size_t o, uint8_t c)
{
	memcpy(out + o, e->out[c], 2);
	return o + 1 + e->esc[c];
}

size_t
hdlc_encode(const struct hdlc_enc *e, const uint8_t *in, size_t n,
    uint8_t *out, size_t cap)
{
	uint16_t fcs;
	size_t i = 0, o = 0;

	if (cap < HDLC_ENC_MAX(n))
		return 0;
	/* RFC 1662 C.2: the complemented FCS, least significant octet first. */
	fcs = hdlc_fcs(HDLC_FCS_INIT, in, n) ^ 0xffff;
	out[o++] = HDLC_FLAG;
	if (n >= 16 && hdlc_level() != HDLC_SCALAR)
		i = hdlcx_escape(hdlc_vec, e, in, n, out, &o);
	for (; i < n; i++)
		o = hdlc_put(e, out, o, in[i]);
	o = hdlc_put(e, out, o, (uint8_t)(fcs & 0xff));
	o = hdlc_put(e, out, o, (uint8_t)(fcs >> 8));
	out[o++] = HDLC_FLAG;
	return o;
}
