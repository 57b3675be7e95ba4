/*
 * The HDLC loops of hdlc.c, 32 and 64 octets a step, on x86-64 CPUs with
 * AVX-512 VBMI2 (byte compress and expand) and BMI2; chosen at run time,
 * else hdlc.c's scalar loops do all the work.  Both forms give the same
 * octets: t_hdlc and fuzz_hdlc run each against the octet-at-a-time models
 * of RFC 1662.
 *
 * Why: every octet of every packet passes here.  In MPPE data 1 octet in
 * 8 is escaped at random under the default ACCM, so a scalar loop either
 * branches on each (and mispredicts) or does a store per octet; here a
 * whole block is escaped or unescaped with one permute, with no branch
 * but the flag's.
 */
#include "autoconf.h"

#include <stddef.h>
#include <stdint.h>

#include "hdlc.h"
#include "hdlcx.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define HDLCX_TARGET \
	__attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi," \
	    "avx512vbmi2,bmi2,popcnt")))

static void
cpuid(unsigned int leaf, unsigned int sub, unsigned int r[4])
{
	__asm__("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	    : "a"(leaf), "c"(sub));
}

int
hdlcx_available(void)
{
	static int have = -1;
	unsigned int r[4], lo, hi;

	if (have >= 0)
		return have;
	have = 0;
	cpuid(0, 0, r);
	if (r[0] < 7)
		return have;
	cpuid(1, 0, r);
	if (!((r[2] >> 27) & 1) || !((r[2] >> 23) & 1))	/* OSXSAVE, POPCNT */
		return have;
	/* The kernel must save the opmask and ZMM state (XCR0 bits 1,2,5-7). */
	__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	if ((lo & 0xe6) != 0xe6)
		return have;
	cpuid(7, 0, r);
	have = ((r[1] >> 16) & 1) &&	/* AVX512F */
	    ((r[1] >> 30) & 1) &&	/* AVX512BW */
	    ((r[1] >> 31) & 1) &&	/* AVX512VL */
	    ((r[1] >> 8) & 1) &&	/* BMI2 */
	    ((r[2] >> 1) & 1) &&	/* AVX512_VBMI */
	    ((r[2] >> 6) & 1);		/* AVX512_VBMI2 */
	return have;
}

/*
 * 64 octets a step while no flag is among them and the step's output
 * surely fits: every 0x7d is dropped and the octet after it XORed with
 * 0x20 (RFC 1662 4.2), exactly as hdlc.c's UNESC.  *x carries "the last
 * octet was 0x7d" in and out.  m bounds the input; since output never
 * outruns input, 64-octet stores stay within out[0, o + m).
 */
HDLCX_TARGET size_t
hdlcx_unescape(uint8_t *out, size_t *o, const uint8_t *in, size_t m,
    unsigned int *x)
{
	const __m512i flag = _mm512_set1_epi8(HDLC_FLAG);
	const __m512i esc = _mm512_set1_epi8(HDLC_ESC);
	const __m512i trans = _mm512_set1_epi8(HDLC_TRANS);
	uint64_t e, after, carry = *x != 0;
	size_t i, p = *o;
	__m512i v;

	for (i = 0; i + 64 <= m; i += 64) {
		v = _mm512_loadu_si512(in + i);
		if (_mm512_cmpeq_epi8_mask(v, flag) != 0)
			break;
		e = _mm512_cmpeq_epi8_mask(v, esc);
		after = e << 1 | carry;
		carry = e >> 63;
		v = _mm512_xor_si512(v, _mm512_maskz_mov_epi8(after, trans));
		_mm512_storeu_si512(out + p, _mm512_maskz_compress_epi8(~e, v));
		p += 64 - (size_t)_mm_popcnt_u64(e);
	}
	*o = p;
	*x = carry ? HDLC_TRANS : 0;
	return i;
}

/*
 * 32 octets a step: each octet the table e->esc marks becomes 0x7d and
 * the octet XOR 0x20 (RFC 1662 4.2).  In a 64-slot space every input
 * octet has two slots, an escape slot (used only if it is escaped) and a
 * data slot; pext squeezes out the unused escape slots, giving where each
 * data octet and each 0x7d lands.  The caller's room is at least
 * HDLC_ENC_MAX(n), so o + 64 <= 1 + 2 * (i + 32) stays inside it.
 */
HDLCX_TARGET size_t
hdlcx_escape(const struct hdlc_enc *enc, const uint8_t *in, size_t n,
    uint8_t *out, size_t *o)
{
	const __m512i lo = _mm512_loadu_si512(enc->esc);
	const __m512i hi = _mm512_loadu_si512(enc->esc + 64);
	const __m256i high = _mm256_set1_epi8((char)0x80);
	const __m256i trans = _mm256_set1_epi8(HDLC_TRANS);
	const __m512i escv = _mm512_set1_epi8(HDLC_ESC);
	const uint64_t odd = 0xaaaaaaaaaaaaaaaaULL, even = odd >> 1;
	uint64_t slots, eslot, used;
	uint32_t m;
	size_t i, p = *o;
	__m256i v, t;
	__m512i w;

	for (i = 0; i + 32 <= n; i += 32) {
		v = _mm256_loadu_si256((const __m256i *)(in + i));
		/* e->esc[v] for v < 0x80; no octet above is ever escaped. */
		t = _mm512_castsi512_si256(_mm512_permutex2var_epi8(lo,
		    _mm512_castsi256_si512(v), hi));
		m = _mm256_mask_test_epi8_mask(_mm256_cmplt_epu8_mask(v, high),
		    t, t);
		eslot = _pdep_u64(m, even);
		slots = odd | eslot;
		used = _pext_u64(odd, slots);
		v = _mm256_mask_blend_epi8(m, v, _mm256_xor_si256(v, trans));
		w = _mm512_maskz_expand_epi8(used, _mm512_zextsi256_si512(v));
		w = _mm512_mask_mov_epi8(w, _pext_u64(eslot, slots), escv);
		_mm512_storeu_si512(out + p, w);
		p += 32 + (size_t)_mm_popcnt_u32(m);
	}
	*o = p;
	return i;
}

#else

int
hdlcx_available(void)
{
	return 0;
}

size_t
hdlcx_unescape(uint8_t *out, size_t *o, const uint8_t *in, size_t m,
    unsigned int *x)
{
	return 0;
}

size_t
hdlcx_escape(const struct hdlc_enc *enc, const uint8_t *in, size_t n,
    uint8_t *out, size_t *o)
{
	return 0;
}

#endif
