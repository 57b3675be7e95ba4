/*
 * Asynchronous HDLC-like framing for PPP on the pty (RFC 1662 section 4):
 * 0x7e flags, 0x7d escapes, FCS-16.  The decoder is streaming (frames span
 * reads; several frames per read) and bounded; the encoder escapes per an
 * ACCM through a 256-entry table.
 */
#ifndef HDLC_H
#define HDLC_H

#include <stddef.h>
#include <stdint.h>

#include "pptp_proto.h"

#define HDLC_FLAG	0x7e
#define HDLC_ESC	0x7d
#define HDLC_TRANS	0x20
#define HDLC_FCS_INIT	0xffff
#define HDLC_FCS_GOOD	0xf0b8		/* RFC 1662 C.2: good final residue */
#define HDLC_MAX_FRAME	(PPTP_MAX_PPP + 2)	/* payload + FCS */
/* Worst case on the wire: flags, every octet and the FCS escaped. */
#define HDLC_ENC_MAX(n)	(2 * ((n) + 2) + 2)

struct hdlc_dec {
	uint8_t		buf[HDLC_MAX_FRAME];
	size_t		len;
	uint8_t		esc;		/* the previous octet was 0x7d */
	uint8_t		toolong;	/* discarding until the next flag */
	uint8_t		hunt;		/* no flag seen yet: octets are noise */
	unsigned long	frames;		/* good frames returned */
	unsigned long	bad_fcs;	/* dropped: FCS wrong */
	unsigned long	runts;		/* dropped: shorter than 4 octets */
	unsigned long	giants;		/* dropped: longer than HDLC_MAX_FRAME */
};

struct hdlc_enc {
	uint32_t	accm;
	uint8_t		esc[256];	/* 1 = octet must be escaped */
	uint8_t		out[256][2];	/* what the octet becomes, 1 or 2 */
};

/*
 * Which loops escape and unescape (the vector ones are in hdlcx.c).
 * hdlc_accel: want = the most to use, capped at what the CPU has (the
 * default is the best), or -1 to only ask; returns the loops in use.
 */
#define HDLC_SCALAR	0
#define HDLC_AVX2	1
#define HDLC_AVX512	2
int		hdlc_accel(int want);
const char	*hdlc_accel_str(int);
uint16_t	hdlc_fcs(uint16_t fcs, const uint8_t *, size_t);
void		hdlc_dec_init(struct hdlc_dec *);
/*
 * Consume input up to and including the end of the next good frame.
 * Returns the number of octets consumed; when a frame completed, *frame
 * and *flen give its contents without the FCS (valid until the next call),
 * else *frame is NULL.
 */
size_t		hdlc_decode(struct hdlc_dec *, const uint8_t *, size_t,
		    const uint8_t **frame, size_t *flen);
void		hdlc_enc_init(struct hdlc_enc *, uint32_t accm);
/* Encode one frame; returns its length, or 0 if cap is too small. */
size_t		hdlc_encode(const struct hdlc_enc *, const uint8_t *, size_t,
		    uint8_t *out, size_t cap);

#endif
