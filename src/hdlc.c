/*
 * RFC 1662 async HDLC framing between pptpctrl and pppd's pty.
 *
 * Speed matters here: every byte of every packet passes through one of
 * these loops.  The FCS is computed over contiguous bytes eight at a time
 * (slice-by-8 tables), and the escape loops copy runs of ordinary octets
 * with one table lookup per octet.
 */
#include "autoconf.h"

#include <string.h>

#include "hdlc.h"
#include "fcstab.h"

uint16_t
hdlc_fcs(uint16_t fcs, const uint8_t *p, size_t len)
{
	while (len >= 8) {
		fcs ^= (uint16_t)(p[0] | p[1] << 8);
		fcs = fcstab[7][fcs & 0xff] ^ fcstab[6][fcs >> 8] ^
		    fcstab[5][p[2]] ^ fcstab[4][p[3]] ^ fcstab[3][p[4]] ^
		    fcstab[2][p[5]] ^ fcstab[1][p[6]] ^ fcstab[0][p[7]];
		p += 8;
		len -= 8;
	}
	while (len--)
		fcs = (uint16_t)((fcs >> 8) ^ fcstab[0][(fcs ^ *p++) & 0xff]);
	return fcs;
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

/* Copy ordinary octets until a flag or an escape; returns the count. */
static size_t
hdlc_run(struct hdlc_dec *d, const uint8_t *in, size_t n)
{
	size_t i, room = sizeof(d->buf) - d->len;
	uint8_t *out = d->buf + d->len;

	for (i = 0; i < n; i++) {
		if (in[i] == HDLC_FLAG || in[i] == HDLC_ESC)
			break;
		if (i == room) {
			d->toolong = 1;
			break;
		}
		out[i] = in[i];
	}
	d->len += i < room ? i : room;
	return i;
}

size_t
hdlc_decode(struct hdlc_dec *d, const uint8_t *in, size_t n,
    const uint8_t **frame, size_t *flen)
{
	const uint8_t *f;
	size_t i = 0, len;
	int good;
	uint8_t c;

	*frame = NULL;
	*flen = 0;
	while (i < n) {
		if (d->toolong || d->hunt) {
			/* Skip to the next flag. */
			if ((f = memchr(in + i, HDLC_FLAG, n - i)) == NULL)
				return n;
			i = (size_t)(f - in);
		}
		c = in[i];
		if (c == HDLC_FLAG) {
			len = d->len;
			good = hdlc_end(d);
			d->len = 0;
			i++;
			if (good) {
				*frame = d->buf;
				*flen = len - 2;	/* strip the FCS */
				return i;
			}
			continue;
		}
		if (c == HDLC_ESC) {
			d->esc = 1;
			i++;
			continue;
		}
		if (d->esc) {
			/* RFC 1662 4.2: the octet after 0x7d, XOR 0x20. */
			d->esc = 0;
			if (d->len == sizeof(d->buf)) {
				d->toolong = 1;
				continue;
			}
			d->buf[d->len++] = c ^ HDLC_TRANS;
			i++;
			continue;
		}
		i += hdlc_run(d, in + i, n - i);
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
}

static size_t
hdlc_put(const struct hdlc_enc *e, uint8_t *out, size_t o, uint8_t c)
{
	if (e->esc[c]) {
		out[o++] = HDLC_ESC;
		out[o++] = c ^ HDLC_TRANS;
	} else
		out[o++] = c;
	return o;
}

size_t
hdlc_encode(const struct hdlc_enc *e, const uint8_t *in, size_t n,
    uint8_t *out, size_t cap)
{
	uint16_t fcs;
	size_t i, o = 0;

	if (cap < HDLC_ENC_MAX(n))
		return 0;
	/* RFC 1662 C.2: the complemented FCS, least significant octet first. */
	fcs = hdlc_fcs(HDLC_FCS_INIT, in, n) ^ 0xffff;
	out[o++] = HDLC_FLAG;
	for (i = 0; i < n; i++) {
		uint8_t c = in[i];

		out[o] = HDLC_ESC;
		out[o + e->esc[c]] = c ^ (uint8_t)(e->esc[c] << 5);
		o += 1 + e->esc[c];
	}
	o = hdlc_put(e, out, o, (uint8_t)(fcs & 0xff));
	o = hdlc_put(e, out, o, (uint8_t)(fcs >> 8));
	out[o++] = HDLC_FLAG;
	return o;
}
