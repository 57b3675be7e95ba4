/*
 * hdlc.c's loops in vector form (hdlcx.c), for the CPUs that have it.
 * Internal to hdlc.c; callers use hdlc.h.
 */
#ifndef HDLCX_H
#define HDLCX_H

#include <stddef.h>
#include <stdint.h>

struct hdlc_enc;

/* Both return how many input octets they took: whole blocks only.  The
 * level is HDLC_AVX2 or HDLC_AVX512, one the CPU has (hdlc_accel). */
size_t	hdlcx_unescape(int level, uint8_t *out, size_t *o, const uint8_t *in,
	    size_t m, unsigned int *x);
size_t	hdlcx_escape(int level, const struct hdlc_enc *, const uint8_t *in,
	    size_t n, uint8_t *out, size_t *o);

#endif
