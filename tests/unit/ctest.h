/*
 * Shared by the codec unit tests (t_buf, t_ctrlmsg, t_gre, t_grewin,
 * t_hdlc, t_ctrl) and the codec fuzz targets: check macros that report
 * file:line and keep going, and the RFC 2637 section 2 layout of every
 * control message (which octets are reserved or free-form strings), so a
 * re-encoded message can be compared with the original octet by octet.
 */
#ifndef CTEST_H
#define CTEST_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int ct_failures;
static int ct_checks;
static const char *ct_ctx = "";	/* printed with every failure */

#define CHECK(c) do {							\
	ct_checks++;							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: FAIL%s%s: %s\n", __FILE__,	\
		    __LINE__, ct_ctx[0] ? " " : "", ct_ctx, #c);	\
		ct_failures++;						\
	}								\
} while (0)

/* Integer equality that prints both sides. */
#define CHECK_EQ(a, b) do {						\
	long long ct_a_ = (long long)(a), ct_b_ = (long long)(b);	\
	ct_checks++;							\
	if (ct_a_ != ct_b_) {						\
		fprintf(stderr, "%s:%d: FAIL%s%s: %s == %s "		\
		    "(%lld != %lld, 0x%llx != 0x%llx)\n", __FILE__,	\
		    __LINE__, ct_ctx[0] ? " " : "", ct_ctx, #a, #b,	\
		    ct_a_, ct_b_, (unsigned long long)ct_a_,		\
		    (unsigned long long)ct_b_);				\
		ct_failures++;						\
	}								\
} while (0)

#define CHECK_MEM(a, b, n) do {						\
	ct_checks++;							\
	if (memcmp((a), (b), (n)) != 0) {				\
		fprintf(stderr, "%s:%d: FAIL%s%s: %s and %s differ "	\
		    "in %zu octets\n", __FILE__, __LINE__,		\
		    ct_ctx[0] ? " " : "", ct_ctx, #a, #b, (size_t)(n));	\
		ct_failures++;						\
	}								\
} while (0)

static inline int
ct_done(const char *prog)
{
	printf("%s: %d checks, %d failed%s%s\n", prog, ct_checks, ct_failures,
	    ct_ctx[0] ? ", last context " : "", ct_ctx);
	return ct_failures ? 1 : 0;
}

/*
 * What an octet of a control message is, by message type and offset
 * (RFC 2637 2.1-2.15).  Reserved octets may carry anything on input
 * (MS-PTPT 2.2, Windows RRAS sends SLI Reserved1 0xa196) and are sent as
 * zero; string octets after the first NUL are padding garbage on input
 * (Windows 2000) and zero on output.  Everything else must survive a
 * decode/encode round trip unchanged.
 */
enum ct_octet { CT_FIELD, CT_RESERVED, CT_STRING };

struct ct_span {
	uint16_t	type, off, len;
	enum ct_octet	kind;
};

static const struct ct_span ct_spans[] = {
	/* Reserved0 of every message is handled in ct_octet_kind(). */
	{ 1, 28, 64, CT_STRING }, { 1, 92, 64, CT_STRING },	/* SCCRQ */
	{ 2, 28, 64, CT_STRING }, { 2, 92, 64, CT_STRING },	/* SCCRP */
	{ 3, 14, 2, CT_RESERVED },				/* StopCCRQ */
	{ 4, 14, 2, CT_RESERVED },				/* StopCCRP */
	{ 6, 18, 2, CT_RESERVED },				/* Echo-Reply */
	{ 7, 38, 2, CT_RESERVED }, { 7, 40, 64, CT_STRING },	/* OCRQ */
	{ 9, 28, 64, CT_STRING }, { 9, 92, 64, CT_STRING },	/* ICRQ */
	{ 10, 22, 2, CT_RESERVED },				/* ICRP */
	{ 11, 14, 2, CT_RESERVED },				/* ICCN */
	{ 12, 14, 2, CT_RESERVED },				/* CCRQ */
	{ 13, 18, 2, CT_RESERVED }, { 13, 20, 128, CT_STRING },	/* CDN */
	{ 14, 14, 2, CT_RESERVED },				/* WEN */
	{ 15, 14, 2, CT_RESERVED },				/* SLI */
};

/* Kind of octet off of a message of the given type; *start and *len give
 * the span it belongs to (for strings). */
static inline enum ct_octet
ct_octet_kind(unsigned int type, size_t off, size_t *start, size_t *len)
{
	size_t i;

	if (off == 10 || off == 11) {
		*start = 10;
		*len = 2;
		return CT_RESERVED;
	}
	for (i = 0; i < sizeof(ct_spans) / sizeof(ct_spans[0]); i++) {
		const struct ct_span *s = &ct_spans[i];

		if (s->type == type && off >= s->off && off < s->off + s->len) {
			*start = s->off;
			*len = s->len;
			return s->kind;
		}
	}
	*start = off;
	*len = 1;
	return CT_FIELD;
}

/*
 * Compare an original message with its re-encoding.  Returns the offset
 * of the first octet that differs where it must not, or -1 if they agree:
 * fields equal, reserved octets zero in the re-encoding, strings equal up
 * to and including the first NUL (or the whole field) and zero after it.
 */
static inline long
ct_compare_reencoded(unsigned int type, const uint8_t *orig,
    const uint8_t *enc, size_t len)
{
	size_t off, start, slen, j;
	int nul;

	for (off = 0; off < len; ) {
		switch (ct_octet_kind(type, off, &start, &slen)) {
		case CT_FIELD:
			if (orig[off] != enc[off])
				return (long)off;
			off++;
			break;
		case CT_RESERVED:
			for (j = start; j < start + slen; j++)
				if (enc[j] != 0)
					return (long)j;
			off = start + slen;
			break;
		case CT_STRING:
			nul = 0;
			for (j = start; j < start + slen; j++) {
				if (nul) {
					if (enc[j] != 0)
						return (long)j;
				} else if (orig[j] != enc[j])
					return (long)j;
				else if (orig[j] == 0)
					nul = 1;
			}
			off = start + slen;
			break;
		}
	}
	return -1;
}

#endif
