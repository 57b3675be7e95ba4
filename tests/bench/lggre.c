/*
 * lggre: the load generator's GRE data path (enhanced GRE, RFC 2637 4.1).
 *
 * One raw socket, unbound, for all calls: per-address sockets would lengthen
 * the kernel's walk over raw GRE sockets, a cost charged to the server when
 * it sends.  The source address of each packet is chosen with IP_PKTINFO;
 * returning packets are told apart by the key's call ID (ours, unique per
 * connection); a socket filter drops our own outgoing packets, which
 * loopback also shows to an unbound raw socket.
 *
 * Each call keeps W slots in flight.  A data packet's PPP payload carries
 * 0xff 0x03 0x00 0x21 (IPv4), a magic, the connection index, the slot, a
 * tag and the send time; the rest is incompressible filler.  An echo frees
 * its slot, records the round trip and refills the slot; a slot not
 * answered within the loss timeout is counted lost and refilled.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "loadgen.h"

static const uint8_t lggre_magic[4] = { 'P', 'B', 'L', 'G' };

/* RFC 1982-style serial comparison: a after b (RFC 2637 4.1 wraps at 2^32). */
static int
lggre_seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static int
lggre_raw_filter(int fd, struct in_addr server)
{
	/* Drop packets addressed to the server: those are our own. */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 16),		/* IPv4 daddr */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl(server.s_addr), 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
	};
	struct sock_fprog prog = { sizeof(code) / sizeof(code[0]), code };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

static void
lggre_template(struct lg *lg)
{
	uint32_t x = 0x9e3779b9U;
	int	 i;

	/* PPP header for IPv4, then incompressible bytes, as MPPE would give. */
	for (i = 0; i < LG_MAXSIZE; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		lg->tmpl[i] = (uint8_t)x;
	}
	lg->tmpl[0] = 0xff;
	lg->tmpl[1] = 0x03;
	lg->tmpl[2] = 0x00;
	lg->tmpl[3] = 0x21;
	memcpy(lg->tmpl + 4, lggre_magic, 4);
}

/*
 * The batch's message headers, once: sendmmsg writes back only msg_len,
 * so per packet just the length and the source address change.
 */
static void
lggre_tx_init(struct lg_tx *tx)
{
	struct cmsghdr *cm;
	struct msghdr *mh;
	int	 i;

	memset(tx->mh, 0, sizeof(tx->mh));
	for (i = 0; i < LG_BATCH; i++) {
		tx->iov[i].iov_base = tx->buf[i];
		mh = &tx->mh[i].msg_hdr;
		mh->msg_name = &tx->dst;
		mh->msg_namelen = sizeof(tx->dst);
		mh->msg_iov = &tx->iov[i];
		mh->msg_iovlen = 1;
		mh->msg_control = tx->cm[i].b;
		mh->msg_controllen = sizeof(tx->cm[i].b);
		memset(tx->cm[i].b, 0, sizeof(tx->cm[i].b));
		cm = CMSG_FIRSTHDR(mh);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
	}
}

int
lggre_open(struct lg *lg)
{
	int	 sz = 32 * 1024 * 1024, one = 1;

	lggre_template(lg);
	lggre_tx_init(&lg->tx);
	lg->raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_GRE);
	if (lg->raw == -1) {
		perror("loadgen: raw GRE socket (needs root)");
		return -1;
	}
	if (setsockopt(lg->raw, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(lg->raw, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	sz = 4 * 1024 * 1024;
	if (setsockopt(lg->raw, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(lg->raw, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	(void)setsockopt(lg->raw, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lggre_raw_filter(lg->raw, lg->o.server) == -1) {
		perror("loadgen: SO_ATTACH_FILTER");
		return -1;
	}
	return 0;
}

void
lggre_flush(struct lg *lg)
{
	int	 off = 0, r;

	while (off < lg->tx.n) {
		r = sendmmsg(lg->raw, lg->tx.mh + off, (unsigned)(lg->tx.n - off), 0);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			/* ENOBUFS and the like: these are lost, the scan says so. */
			lg->k.txerr += (uint64_t)(lg->tx.n - off);
			break;
		}
		off += r;
	}
	lg->tx.n = 0;
}

static size_t
lggre_header(struct lg_conn *c, uint8_t *h, uint16_t plen)
{
	h[0] = 0x30;				/* K, S */
	h[1] = c->have_ack ? 0x81 : 0x01;	/* A, version 1 */
	lg_put16(h + 2, LG_GRE_PROTO);
	lg_put16(h + 4, plen);
	lg_put16(h + 6, c->peer_cid);
	lg_put32(h + 8, c->seq++);
	if (!c->have_ack)
		return 12;
	lg_put32(h + 12, c->ack);
	return 16;
}

static void
lggre_tx_prepare(struct lg *lg, struct lg_conn *c, size_t len)
{
	struct lg_tx *tx = &lg->tx;
	struct in_pktinfo *pi;

	tx->iov[tx->n].iov_len = len;
	pi = (struct in_pktinfo *)(void *)CMSG_DATA(&tx->cm[tx->n].align);
	pi->ipi_spec_dst = c->src;		/* our source address */
	if (++tx->n == LG_BATCH)
		lggre_flush(lg);
}

/* (Re)fill one slot: a data packet stamped with slot, tag and send time. */
static void
lggre_send(struct lg *lg, struct lg_conn *c, int slot)
{
	struct lg_slot *s = &c->slots[slot];
	uint16_t size = (uint16_t)lg->o.size;
	uint8_t	*p = lg->tx.buf[lg->tx.n];
	size_t	 hl;

	hl = lggre_header(c, p, size);
	memcpy(p + hl, lg->tmpl, size);
	s->tag = ++c->next_tag;
	s->sent_ns = lg->now;
	s->busy = 1;
	c->busy++;
	lg_put32(p + hl + 8, (uint32_t)c->idx);
	lg_put16(p + hl + 12, (uint16_t)slot);
	lg_put32(p + hl + 16, s->tag);
	lg_put32(p + hl + 24, (uint32_t)(lg->now >> 32));
	lg_put32(p + hl + 28, (uint32_t)lg->now);
	lg->k.sent++;
	lggre_tx_prepare(lg, c, hl + size);
}

static int
lggre_sending_phase(const struct lg *lg)
{
	return lg->phase == LG_P_WARMUP || lg->phase == LG_P_WINDOW;
}

void
lggre_start(struct lg *lg, struct lg_conn *c)
{
	int	 i;

	c->sending = 1;
	for (i = 0; i < lg->o.window; i++)
		lggre_send(lg, c, i);
}

static void
lggre_rtt(struct lg *lg, uint64_t sent)
{
	uint64_t us = lg->now > sent ? (lg->now - sent) / 1000 : 0;

	if (us > lg->hist_max)
		lg->hist_max = us;
	if (us < LG_HIST_FINE)
		lg->hist[us]++;
	else if ((us - LG_HIST_FINE) / 1000 < LG_HIST - LG_HIST_FINE)
		lg->hist[LG_HIST_FINE + (us - LG_HIST_FINE) / 1000]++;
	else
		lg->hist_over++;
	lg->hist_n++;
}

static void
lggre_payload(struct lg *lg, struct lg_conn *c, const uint8_t *p, uint16_t plen)
{
	struct lg_slot *s;
	uint32_t idx, tag;
	uint16_t slot;

	if (plen < LG_MINSIZE || memcmp(p + 4, lggre_magic, 4) != 0) {
		lg->k.other++;		/* echoppp's LCP frame, or anything else */
		return;
	}
	idx = lg_get32(p + 8);
	slot = lg_get16(p + 12);
	tag = lg_get32(p + 16);
	if (idx != (uint32_t)c->idx) {
		lg->k.misrouted++;	/* another call's packet under our key */
		return;
	}
	s = slot < lg->o.window ? &c->slots[slot] : NULL;
	if (s == NULL || !s->busy || s->tag != tag) {
		lg->k.late++;		/* after its loss timeout, or a duplicate */
		return;
	}
	s->busy = 0;
	c->busy--;
	lg->k.echoed++;
	lg->k.bytes += plen;
	if (lg->phase == LG_P_WINDOW)
		lggre_rtt(lg, (uint64_t)lg_get32(p + 24) << 32 | lg_get32(p + 28));
	if (lggre_sending_phase(lg) && c->sending)
		lggre_send(lg, c, slot);
}

/* One packet from the raw socket: IPv4 header, enhanced GRE (RFC 2637 4.1). */
static void
lggre_rx(struct lg *lg, const uint8_t *pkt, size_t len)
{
	struct lg_conn *c;
	size_t	 ihl, off;
	uint16_t plen, cid;
	uint32_t seq = 0;
	int	 has_seq;

	if (len < 20 || (pkt[0] >> 4) != 4)
		return;
	if (memcmp(pkt + 16, &lg->o.server.s_addr, 4) == 0) {
		lg->k.own++;		/* our own, past the socket filter */
		return;
	}
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	if (ihl < 20 || len < ihl + 8)
		return;
	pkt += ihl;
	len -= ihl;
	if (!(pkt[0] & 0x20) || (pkt[1] & 0x07) != 1 ||
	    lg_get16(pkt + 2) != LG_GRE_PROTO) {
		lg->k.stray++;
		return;
	}
	plen = lg_get16(pkt + 4);
	cid = lg_get16(pkt + 6);
	has_seq = pkt[0] & 0x10;
	off = 8 + (has_seq ? 4 : 0) + ((pkt[1] & 0x80) ? 4 : 0);
	if (cid == 0 || cid > lg->o.n || len < off + plen) {
		lg->k.stray++;
		return;
	}
	c = &lg->c[cid - 1];
	if (c->state == LG_C_WAIT_OCRP)
		c->got_gre = 1;		/* the server's GRE overtook its OCRP */
	if (c->state != LG_C_UP) {
		lg->k.stray++;
		return;
	}
	c->got_gre = 1;
	if (has_seq) {
		seq = lg_get32(pkt + 8);
		if (!c->have_ack || lggre_seq_after(seq, c->ack))
			c->ack = seq;
		c->have_ack = 1;
	}
	if (!has_seq || plen == 0) {
		lg->k.ackonly++;
		return;
	}
	lggre_payload(lg, c, pkt + off, plen);
}

void
lggre_read(struct lg *lg)
{
	static uint8_t bufs[LG_BATCH][LG_PKTSZ];
	static struct mmsghdr mh[LG_BATCH];
	static struct iovec iov[LG_BATCH];
	int	 i, n, rounds;

	/* Once: recvmmsg changes only msg_len and msg_flags. */
	if (iov[0].iov_base == NULL)
		for (i = 0; i < LG_BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			mh[i].msg_hdr.msg_iov = &iov[i];
			mh[i].msg_hdr.msg_iovlen = 1;
		}
	for (rounds = 0; rounds < 16; rounds++) {
		n = recvmmsg(lg->raw, mh, LG_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		lg->now = lg_clock();
		for (i = 0; i < n; i++)
			lggre_rx(lg, bufs[i], mh[i].msg_len);
		if (n < LG_BATCH)
			return;
	}
}

void
lggre_loss_scan(struct lg *lg)
{
	uint64_t to = (uint64_t)(lg->o.loss_to * LG_NS);
	struct lg_conn *c;
	int	 i, j;

	for (i = 0; i < lg->o.n; i++) {
		c = &lg->c[i];
		if (!c->sending || c->busy == 0)
			continue;
		for (j = 0; j < lg->o.window; j++) {
			if (!c->slots[j].busy || lg->now - c->slots[j].sent_ns <= to)
				continue;
			c->slots[j].busy = 0;
			c->busy--;
			lg->k.lost++;
			if (lggre_sending_phase(lg))
				lggre_send(lg, c, j);
		}
	}
}
