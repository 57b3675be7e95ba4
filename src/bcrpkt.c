/*
 * bcrelay's packet codec (see bcrelay.h).  Every length is checked with
 * buf.c; RFC 791 (IPv4) and RFC 768 (UDP) checksums.
 */
#include "autoconf.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bcrelay.h"
#include "buf.h"
#include "util.h"

static const char *const bcr_drop_names[] = {
	"ok",
	"truncated",
	"not IPv4",
	"not UDP",
	"length field mismatch",
	"fragment",
	"bad IP header checksum",
	"bad UDP checksum",
	"not a broadcast",
	"TTL <= 1",
};

const char *
bcr_drop_str(int e)
{
	if (e > 0 || -e >= BCR_D_MAX_)
		return "unknown";
	return bcr_drop_names[-e];
}

/* RFC 1071 one's complement sum over n bytes, continuing from sum. */
uint32_t
bcr_sum(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

uint16_t
bcr_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * UDP checksum (RFC 768) over the pseudo header, the UDP header with the
 * checksum field taken as csum, and the payload.  Returns the folded sum
 * (0xffff when a packet carrying csum verifies).
 */
uint16_t
bcr_udp_sum(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
    uint16_t csum, const uint8_t *data, size_t datalen)
{
	uint32_t sum = 0;
	size_t ulen = datalen + BCR_UDP_HLEN;

	sum += src >> 16;
	sum += src & 0xffff;
	sum += dst >> 16;
	sum += dst & 0xffff;
	sum += IPPROTO_UDP;
	sum += (uint32_t)ulen;
	sum += sport;
	sum += dport;
	sum += (uint32_t)ulen;
	sum += csum;
	return bcr_fold(bcr_sum(sum, data, datalen));
}

/*
 * Parse one received IPv4 packet (network header first, as an AF_PACKET
 * SOCK_DGRAM socket delivers it).  Everything is hostile: the IHL, total
 * length and UDP length are checked against the bytes actually present;
 * bytes beyond the IP total length (link padding) are ignored.
 */
int
bcr_parse(const uint8_t *pkt, size_t len, struct bcr_udp *u)
{
	struct rbuf b, h;
	const uint8_t *hdr;
	uint8_t vhl, proto;
	size_t hlen, totlen, ulen;

	rbuf_init(&b, pkt, len);
	vhl = rbuf_get8(&b);
	if (b.err)
		return -BCR_D_SHORT;
	hlen = (size_t)(vhl & 0x0f) * 4;
	if ((vhl >> 4) != 4 || hlen < BCR_IP_HLEN)
		return -BCR_D_NOTIP4;
	if (len < hlen)
		return -BCR_D_SHORT;

	/* RFC 791 header checksum: the kernel checks it after we see it. */
	rbuf_init(&h, pkt, len);
	hdr = rbuf_ptr(&h, hlen);
	if (hdr == NULL)
		return -BCR_D_SHORT;
	if (bcr_fold(bcr_sum(0, hdr, hlen)) != 0xffff)
		return -BCR_D_IPSUM;

	u->tos = rbuf_get8(&b);
	totlen = rbuf_get16(&b);
	u->id = rbuf_get16(&b);
	u->frag = rbuf_get16(&b);
	u->ttl = rbuf_get8(&b);
	proto = rbuf_get8(&b);
	rbuf_skip(&b, 2);		/* header checksum, checked above */
	u->src = rbuf_get32(&b);
	u->dst = rbuf_get32(&b);
	rbuf_skip(&b, hlen - BCR_IP_HLEN);	/* options: not relayed */
	if (b.err)
		return -BCR_D_SHORT;
	if (proto != IPPROTO_UDP)
		return -BCR_D_NOTUDP;
	if (totlen < hlen || totlen > len)
		return -BCR_D_LENGTH;
	/* MF set or a non-zero offset: only the first fragment has ports. */
	if (u->frag & 0x3fff)
		return -BCR_D_FRAG;
	if (totlen - hlen < BCR_UDP_HLEN)
		return -BCR_D_SHORT;

	u->sport = rbuf_get16(&b);
	u->dport = rbuf_get16(&b);
	ulen = rbuf_get16(&b);
	u->csum = rbuf_get16(&b);
	if (b.err)
		return -BCR_D_SHORT;
	/* RFC 768: the UDP length covers header and data, within the IP. */
	if (ulen < BCR_UDP_HLEN || ulen > totlen - hlen)
		return -BCR_D_LENGTH;
	u->datalen = ulen - BCR_UDP_HLEN;
	u->data = rbuf_ptr(&b, u->datalen);
	if (u->data == NULL)
		return -BCR_D_SHORT;
	return 0;
}

/*
 * Build the copy for one outgoing interface into out: a fresh
 * 20-byte IP header (no options), TTL 1, the new destination, and a UDP
 * checksum for the new pseudo header.  Returns the length, or 0.
 */
size_t
bcr_build(const struct bcr_udp *u, uint32_t dst, uint8_t *out, size_t cap)
{
	struct wbuf w;
	size_t totlen = BCR_IP_HLEN + BCR_UDP_HLEN + u->datalen;
	uint16_t ipsum, usum;

	if (totlen > 0xffff)
		return 0;
	wbuf_init(&w, out, cap);
	wbuf_put8(&w, 0x45);
	wbuf_put8(&w, u->tos);
	wbuf_put16(&w, (uint16_t)totlen);
	wbuf_put16(&w, u->id);
	wbuf_put16(&w, u->frag & 0x4000);	/* keep DF only */
	wbuf_put8(&w, 1);			/* TTL: never relayed again */
	wbuf_put8(&w, IPPROTO_UDP);
	wbuf_put16(&w, 0);			/* header checksum, below */
	wbuf_put32(&w, u->src);
	wbuf_put32(&w, dst);
	if (w.err)
		return 0;
	ipsum = (uint16_t)~bcr_fold(bcr_sum(0, out, BCR_IP_HLEN));
	wbuf_patch16(&w, 10, ipsum);

	/* RFC 768: zero means "no checksum"; a computed zero is sent as ones. */
	usum = 0;
	if (u->csum != 0) {
		usum = (uint16_t)~bcr_udp_sum(u->src, dst, u->sport, u->dport,
		    0, u->data, u->datalen);
		if (usum == 0)
			usum = 0xffff;
	}
	wbuf_put16(&w, u->sport);
	wbuf_put16(&w, u->dport);
	wbuf_put16(&w, (uint16_t)(BCR_UDP_HLEN + u->datalen));
	wbuf_put16(&w, usum);
	wbuf_put(&w, u->data, u->datalen);
	if (w.err)
		return 0;
	return w.off;
}
