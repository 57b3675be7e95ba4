/*
 * The HDLC loops of hdlc.c in vector form on x86-64, chosen at run time:
 * with AVX-512 VBMI2 (byte compress and expand) and BMI2, 64 octets a step
 * unescaping and 32 escaping; with AVX2, 32 and 16, through the shuffle
 * tables of hdlcxtab.h; else hdlc.c's scalar loops do all the work.  All
 * forms give the same octets: t_hdlc and fuzz_hdlc run each against the
 * octet-at-a-time models of RFC 1662.
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

#include "hdlcxtab.h"

#define HDLCX_TARGET \
	__attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi," \
	    "avx512vbmi2,bmi2,popcnt")))
#define HDLCX_AVX2	__attribute__((target("avx2,popcnt")))

/*
 * 64 octets a step while no flag is among them and the step's output
 * surely fits: every 0x7d is dropped and the octet after it XORed with
 * 0x20 (RFC 1662 4.2), exactly as hdlc.c's UNESC.  *x carries "the last
 * octet was 0x7d" in and out.  m bounds the input; since output never
 * outruns input, 64-octet stores stay within out[0, o + m).
 */
HDLCX_TARGET static size_t
unescape512(uint8_t *out, size_t *o, const uint8_t *in, size_t m,
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
HDLCX_TARGET static size_t
escape512(const struct hdlc_enc *enc, const uint8_t *in, size_t n,
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

/*
 * AVX2: as unescape512, 32 octets a step; each 8-octet group is squeezed
 * by a shuffle from hdlcx_compact and stored whole (8 octets), the next
 * group's store overwriting what is not output.
 */
HDLCX_AVX2 static size_t
unescape256(uint8_t *out, size_t *o, const uint8_t *in, size_t m,
    unsigned int *x)
{
	const __m256i flag = _mm256_set1_epi8(HDLC_FLAG);
	const __m256i esc = _mm256_set1_epi8(HDLC_ESC);
	const __m256i trans = _mm256_set1_epi8(HDLC_TRANS);
	uint32_t e, carry = *x != 0, k;
	size_t i, p = *o;
	__m256i v, ev, prev;
	__m128i g[4];

	for (i = 0; i + 32 <= m; i += 32) {
		v = _mm256_loadu_si256((const __m256i *)(in + i));
		if (_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, flag)) != 0)
			break;
		ev = _mm256_cmpeq_epi8(v, esc);
		e = (uint32_t)_mm256_movemask_epi8(ev);
		/* Each octet's predecessor's "is 0x7d", across the lanes. */
		prev = _mm256_alignr_epi8(ev,
		    _mm256_permute2x128_si256(ev, ev, 0x08), 15);
		prev = _mm256_or_si256(prev,
		    _mm256_set_epi64x(0, 0, 0, carry ? 0xff : 0));
		v = _mm256_xor_si256(v, _mm256_and_si256(prev, trans));
		g[0] = _mm256_castsi256_si128(v);
		g[1] = _mm_srli_si128(g[0], 8);
		g[2] = _mm256_extracti128_si256(v, 1);
		g[3] = _mm_srli_si128(g[2], 8);
		for (k = 0; k < 4; k++) {
			uint32_t mk = (e >> (8 * k)) & 0xff;

			_mm_storel_epi64((__m128i *)(out + p),
			    _mm_shuffle_epi8(g[k], _mm_loadl_epi64(
			    (const __m128i *)hdlcx_compact[mk])));
			p += 8 - (size_t)_mm_popcnt_u32(mk);
		}
		carry = e >> 31;
	}
	*o = p;
	*x = carry ? HDLC_TRANS : 0;
	return i;
}

/*
 * AVX2: as escape512, 16 octets a step.  The ACCM test is two table
 * shuffles: the ACCM octet for c >> 3, the bit for c & 7 (RFC 1662 7.1:
 * octets below 0x20 whose bit is set).  Each 8-octet group becomes 8 to 16
 * octets by a shuffle from hdlcx_expand and an XOR with hdlcx_fix; stores
 * are 16 octets, within the caller's HDLC_ENC_MAX(n) as in escape512.
 */
HDLCX_AVX2 static size_t
escape256(const struct hdlc_enc *enc, const uint8_t *in, size_t n,
    uint8_t *out, size_t *o)
{
	const __m128i accm = _mm_cvtsi32_si128((int)enc->accm);
	const __m128i bits = _mm_set_epi8((char)0x80, 0x40, 0x20, 0x10, 8, 4,
	    2, 1, (char)0x80, 0x40, 0x20, 0x10, 8, 4, 2, 1);
	const __m128i c1f = _mm_set1_epi8(0x1f), c07 = _mm_set1_epi8(7);
	const __m128i flag = _mm_set1_epi8(HDLC_FLAG);
	const __m128i esc = _mm_set1_epi8(HDLC_ESC);
	uint32_t m, mk, k;
	size_t i, p = *o;
	__m128i v, a, b, ctl, g;

	for (i = 0; i + 16 <= n; i += 16) {
		v = _mm_loadu_si128((const __m128i *)(in + i));
		a = _mm_shuffle_epi8(accm,
		    _mm_and_si128(_mm_srli_epi16(v, 3), c1f));
		b = _mm_shuffle_epi8(bits, _mm_and_si128(v, c07));
		ctl = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(v, c1f), c1f),
		    _mm_cmpeq_epi8(_mm_and_si128(a, b), b));
		ctl = _mm_or_si128(ctl, _mm_or_si128(_mm_cmpeq_epi8(v, flag),
		    _mm_cmpeq_epi8(v, esc)));
		m = (uint32_t)_mm_movemask_epi8(ctl);
		for (k = 0, g = v; k < 2; k++, g = _mm_srli_si128(v, 8)) {
			mk = (m >> (8 * k)) & 0xff;
			_mm_storeu_si128((__m128i *)(out + p), _mm_xor_si128(
			    _mm_shuffle_epi8(g, _mm_load_si128(
			    (const __m128i *)hdlcx_expand[mk])),
			    _mm_load_si128((const __m128i *)hdlcx_fix[mk])));
			p += 8 + (size_t)_mm_popcnt_u32(mk);
		}
	}
	*o = p;
	return i;
}

size_t
hdlcx_unescape(int level, uint8_t *out, size_t *o, const uint8_t *in,
    size_t m, unsigned int *x)
{
	if (level == HDLC_AVX512)
		return unescape512(out, o, in, m, x);
	return unescape256(out, o, in, m, x);
}

size_t
hdlcx_escape(int level, const struct hdlc_enc *enc, const uint8_t *in,
    size_t n, uint8_t *out, size_t *o)
{
	if (level == HDLC_AVX512)
		return escape512(enc, in, n, out, o);
	return escape256(enc, in, n, out, o);
}

#else

size_t
hdlcx_unescape(int level, uint8_t *out, size_t *o, const uint8_t *in,
    size_t m, unsigned int *x)
{
	return 0;
}

size_t
hdlcx_escape(int level, const struct hdlc_enc *enc, const uint8_t *in,
    size_t n, uint8_t *out, size_t *o)
{
	return 0;
}

#endif
