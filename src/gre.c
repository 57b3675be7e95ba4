/*
 * Enhanced GRE (RFC 2637 4.1).  Layout:
 *   0 flags1 C R K S s Recur | 1 A Flags Ver | 2 protocol 0x880B
 *   4 payload length | 6 call id | 8 seq (if S) | 8 or 12 ack (if A)
 */
#include "autoconf.h"

#include "buf.h"
#include "gre.h"
#include "util.h"

#define IPPROTO_GRE_NUM	47

int
gre_strip_ip(const uint8_t *p, size_t len, uint32_t *src,
    const uint8_t **gre, size_t *grelen)
{
	struct rbuf b;
	uint8_t vihl;
	size_t ihl, total;

	rbuf_init(&b, p, len);
	vihl = rbuf_get8(&b);
	if (b.err)
		return E_SHORT;
	ihl = (size_t)(vihl & 0x0f) * 4;
	if ((vihl >> 4) != 4 || ihl < 20)
		return E_SHORT;
	rbuf_skip(&b, 1);
	total = rbuf_get16(&b);
	rbuf_skip(&b, 5);
	if (rbuf_get8(&b) != IPPROTO_GRE_NUM)
		return E_PROTO;
	rbuf_skip(&b, 2);
	rbuf_get(&b, src, 4);		/* stays in network order */
	if (b.err || len < ihl)
		return E_SHORT;
	/* The kernel hands us the reassembled datagram: lengths must agree. */
	if (total != len || total < ihl)
		return E_LENGTH;
	rbuf_init(&b, p, len);
	rbuf_skip(&b, ihl);
	*grelen = len - ihl;
	*gre = rbuf_ptr(&b, *grelen);
	return *gre == NULL ? E_SHORT : 0;
}

int
gre_decode(const uint8_t *p, size_t len, struct gre_hdr *h)
{
	struct rbuf b;
	uint16_t proto;

	rbuf_init(&b, p, len);
	h->flags = rbuf_get16(&b);
	proto = rbuf_get16(&b);
	h->paylen = rbuf_get16(&b);
	h->call_id = rbuf_get16(&b);
	if (b.err)
		return E_SHORT;
	if ((h->flags & GRE_VER_MASK) != GRE_VERSION)
		return E_VERSION;
	if (proto != GRE_PROTO_PPP)
		return E_PROTO;
	if ((h->flags & (GRE_FLAG_C | GRE_FLAG_R | GRE_FLAG_K | GRE_FLAG_SSR |
	    GRE_RECUR_MASK | GRE_FLAGS_MASK)) != GRE_FLAG_K)
		return E_FLAGS;
	h->has_seq = (h->flags & GRE_FLAG_S) != 0;
	h->has_ack = (h->flags & GRE_FLAG_A) != 0;
	h->seq = h->has_seq ? rbuf_get32(&b) : 0;
	/* RFC 2637 4.1: without S the ack sits where the seq would be. */
	h->ack = h->has_ack ? rbuf_get32(&b) : 0;
	if (b.err)
		return E_SHORT;
	h->hdrlen = b.off;
	/* S=0 means no payload (RFC 2637 4.1); a payload needs S. */
	if (!h->has_seq && h->paylen != 0)
		return E_FLAGS;
	if (!h->has_seq && !h->has_ack)
		return E_FLAGS;
	if (rbuf_left(&b) != h->paylen)
		return E_LENGTH;
	return 0;
}

size_t
gre_encode(uint8_t *out, size_t cap, uint16_t call_id, const uint32_t *seq,
    const uint32_t *ack, uint16_t paylen)
{
	struct wbuf b;
	uint16_t flags = GRE_FLAG_K | GRE_VERSION;

	if (seq)
		flags |= GRE_FLAG_S;
	if (ack)
		flags |= GRE_FLAG_A;
	wbuf_init(&b, out, cap);
	wbuf_put16(&b, flags);
	wbuf_put16(&b, GRE_PROTO_PPP);
	wbuf_put16(&b, paylen);
	wbuf_put16(&b, call_id);
	if (seq)
		wbuf_put32(&b, *seq);
	if (ack)
		wbuf_put32(&b, *ack);
	return b.err ? 0 : b.off;
}
