/*
 * RFC 1662 one bit and one octet at a time: the models that src/fcs.c
 * (tables, carry-less multiplication) and src/hdlc.c's encoder (tables,
 * one store per octet) are checked against, by t_hdlc and fuzz_hdlc.
 */
#ifndef HDLC_REF_H
#define HDLC_REF_H

#include <stddef.h>
#include <stdint.h>

/* C.1: the FCS-16, bit by bit (P = 0x8408). */
static inline uint16_t
fcs_bitwise(uint16_t fcs, const uint8_t *p, size_t n)
{
	int i;

	while (n--) {
		fcs ^= *p++;
		for (i = 0; i < 8; i++)
			fcs = (fcs & 1) ? (uint16_t)((fcs >> 1) ^ 0x8408) :
			    (uint16_t)(fcs >> 1);
	}
	return fcs;
}

/* 4.2: one octet, escaped if it is a flag, an escape or in the ACCM. */
static inline size_t
ref_put(uint32_t accm, uint8_t *out, size_t o, uint8_t c)
{
	if (c == 0x7e || c == 0x7d || (c < 0x20 && ((accm >> c) & 1))) {
		out[o++] = 0x7d;
		out[o++] = c ^ 0x20;
	} else
		out[o++] = c;
	return o;
}

/* Flag, escaped payload and FCS (C.2: complemented, LSB first), flag. */
static inline size_t
ref_encode(uint32_t accm, const uint8_t *p, size_t n, uint8_t *out)
{
	uint16_t fcs = fcs_bitwise(0xffff, p, n) ^ 0xffff;
	size_t i, o = 0;

	out[o++] = 0x7e;
	for (i = 0; i < n; i++)
		o = ref_put(accm, out, o, p[i]);
	o = ref_put(accm, out, o, (uint8_t)(fcs & 0xff));
	o = ref_put(accm, out, o, (uint8_t)(fcs >> 8));
	out[o++] = 0x7e;
	return o;
}

#endif
