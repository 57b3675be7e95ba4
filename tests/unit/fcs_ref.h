/*
 * The FCS-16 of RFC 1662 C.1 one bit at a time (P = 0x8408): the model
 * that src/fcs.c's tables and carry-less multiplication are checked
 * against, by t_hdlc and fuzz_hdlc.
 */
#ifndef FCS_REF_H
#define FCS_REF_H

#include <stddef.h>
#include <stdint.h>

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

#endif
