/*
 * Fuzz target for src/gre.c (header codec, IPv4 strip) and src/grewin.c
 * (the sequence/ack window), driven the way relay.c drives them.
 *
 * Input: the whole input is first taken as one IPv4 datagram and as one
 * GRE packet.  Then octets 0..3 are a base sequence number and the rest
 * is a list of operations, each starting with an op octet:
 *   op & 3 == 0  a raw GRE packet follows: length = next octet +
 *                256 * ((op >> 2) & 7), then that many octets; it goes
 *                through gre_decode() and, when valid, into the window;
 *   op & 3 == 1  a synthesized data packet: next octet is a signed step
 *                from the previous synthesized seq (base at first), the
 *                one after it the payload length; encoded with
 *                gre_encode() and decoded again;
 *   op & 3 == 2  time passes by (op >> 2) * 7 ms; timers run as in
 *                relay.c timers(): pop expired packets, send a due ack;
 *   op & 3 == 3  (op & 4) we send a data packet (grewin_tx), else the
 *                peer acks our newest seq minus the next octet.
 * Properties, abort() on any violation:
 *  - gre_strip_ip/gre_decode: a success points inside the input, lengths
 *    add up, the flags are exactly K|ver 1 plus S/A, and gre_encode()
 *    reproduces the header octets;
 *  - nothing is ever delivered whose seq is not after the last delivered
 *    one (serial arithmetic), and every payload comes out unchanged;
 *  - pops return ascending sequence numbers; no more than GREWIN_SLOTS-1
 *    packets are held; a FLUSH empties the buffer; after the timers ran
 *    at time t no held packet is older than GREWIN_HOLD_MS, and a timer
 *    is armed whenever something is held or an ack is owed;
 *  - acks: owed exactly when a packet was accepted since our last ack,
 *    due GREWIN_ACK_MS after the first such packet or at once after half
 *    a window, always for the highest accepted seq; data carries an ack
 *    iff anything was ever received; our seqs run 0, 1, 2, ...; the
 *    peer's acks are taken only for seqs we sent.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gre.h"
#include "grewin.h"
#include "pptp_proto.h"

#include "fuzz.h"

#define SEQ_GT(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)

static struct grewin_slot fuzz_slots[GREWIN_SLOTS];

/* A model of what the window must do, kept beside it. */
static struct {
	struct grewin	w;
	uint64_t	now;
	int		any_rx;		/* a packet was ever accepted */
	int		any_out;	/* something was delivered */
	uint32_t	last_out;
	uint32_t	max_acc;	/* highest accepted seq */
	int		owed;		/* accepted since our last ack */
	uint64_t	owed_since;
	unsigned int	unacked;
	uint32_t	tx_next;
	int		any_tx;
	uint32_t	acked;		/* highest of ours acked */
	int		any_acked;
	/* payload digests of accepted, undelivered packets, by seq */
	uint32_t	dig_seq[256];
	uint32_t	dig[256];
	uint8_t		dig_used[256];
} F;

static uint32_t
fuzz_digest(const uint8_t *p, size_t len)
{
	uint32_t h = 2166136261U ^ (uint32_t)len;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619U;
	return h;
}

static void
fuzz_out(uint32_t seq, const uint8_t *p, size_t len)
{
	unsigned int k = seq % 256;

	if (F.any_out)
		FUZZ_CHECK(SEQ_GT(seq, F.last_out));
	F.any_out = 1;
	F.last_out = seq;
	FUZZ_CHECK(F.dig_used[k] && F.dig_seq[k] == seq);
	FUZZ_CHECK(F.dig[k] == fuzz_digest(p, len));
	F.dig_used[k] = 0;
}

static void
fuzz_accepted(uint32_t seq, const uint8_t *p, size_t len)
{
	unsigned int k = seq % 256;

	/* Undelivered packets are all held, within a window after the
	 * last delivered one, so their buckets never collide. */
	FUZZ_CHECK(!F.dig_used[k]);
	F.dig_used[k] = 1;
	F.dig_seq[k] = seq;
	F.dig[k] = fuzz_digest(p, len);
	if (!F.any_rx || SEQ_GT(seq, F.max_acc))
		F.max_acc = seq;
	F.any_rx = 1;
	if (!F.owed) {
		F.owed = 1;
		F.owed_since = F.now;
	}
	F.unacked++;
}

/* Pop until nothing comes; returns how many came. */
static int
fuzz_drain(int force)
{
	const uint8_t *q;
	size_t qlen;
	uint32_t prev = F.w.rx_last;
	int n = 0;

	while (grewin_pop(&F.w, force, F.now, &q, &qlen)) {
		FUZZ_CHECK(SEQ_GT(F.w.rx_last, prev));
		prev = F.w.rx_last;
		FUZZ_CHECK(qlen <= PPTP_MAX_PPP);
		fuzz_out(F.w.rx_last, q, qlen);
		FUZZ_CHECK(++n <= GREWIN_SLOTS);
	}
	return n;
}

/* relay.c gre_deliver() */
static void
fuzz_data(uint32_t seq, const uint8_t *p, size_t len)
{
	unsigned int held = F.w.queued;
	enum grewin_rx r;

	r = grewin_rx(&F.w, seq, p, len, F.now);
	switch (r) {
	case GREWIN_FLUSH:
		FUZZ_CHECK(F.any_rx);
		FUZZ_CHECK(SEQ_GT(seq, F.last_out + GREWIN_SLOTS - 1));
		fuzz_drain(1);
		FUZZ_CHECK(F.w.queued == 0);
		fuzz_accepted(seq, p, len);
		grewin_rx_jump(&F.w, seq);
		FUZZ_CHECK(F.w.rx_last == seq);
		fuzz_out(seq, p, len);
		fuzz_drain(0);
		break;
	case GREWIN_DELIVER:
		fuzz_accepted(seq, p, len);
		fuzz_out(seq, p, len);
		fuzz_drain(0);
		break;
	case GREWIN_QUEUED:
		FUZZ_CHECK(F.any_rx && F.any_out);
		FUZZ_CHECK(SEQ_GT(seq, F.last_out + 1));
		FUZZ_CHECK(F.w.queued == held + 1);
		fuzz_accepted(seq, p, len);
		break;
	case GREWIN_DUP:
	case GREWIN_STALE:
		FUZZ_CHECK(F.any_rx);
		FUZZ_CHECK(F.w.queued == held);
		/* only old news is dropped, or a packet too big to hold */
		FUZZ_CHECK(!SEQ_GT(seq, F.last_out) || len > PPTP_MAX_PPP ||
		    r == GREWIN_DUP);
		break;
	default:
		FUZZ_CHECK(!"unknown grewin_rx result");
	}
	FUZZ_CHECK(F.w.queued < GREWIN_SLOTS);
	if (F.any_rx)
		FUZZ_CHECK(F.w.rx_max == F.max_acc);
}

/* relay.c timers(), then the invariants of a quiet moment. */
static void
fuzz_timers(void)
{
	uint32_t ack;
	uint64_t t;
	int i, due;

	fuzz_drain(0);
	due = F.owed && (F.now >= F.owed_since + GREWIN_ACK_MS ||
	    F.unacked >= GREWIN_SLOTS / 2);
	FUZZ_CHECK(grewin_ack_due(&F.w, F.now, &ack) == due);
	if (due) {
		FUZZ_CHECK(ack == F.max_acc);
		F.owed = 0;
		F.unacked = 0;
	}
	for (i = 0; i < GREWIN_SLOTS; i++)
		if (F.w.slot[i].used)
			FUZZ_CHECK(F.w.slot[i].arrived + GREWIN_HOLD_MS >
			    F.now);
	t = grewin_next_timer(&F.w);
	if (F.w.queued > 0 || F.owed)
		FUZZ_CHECK(t != 0);
	FUZZ_CHECK(t == 0 || t > F.now);
}

static void
fuzz_tx(void)
{
	uint32_t ack = 0, seq;
	int has = -1;

	seq = grewin_tx(&F.w, &ack, &has);
	FUZZ_CHECK(seq == F.tx_next);
	F.tx_next++;
	F.any_tx = 1;
	FUZZ_CHECK(has == F.any_rx);
	if (has)
		FUZZ_CHECK(ack == F.max_acc);
	F.owed = 0;
	F.unacked = 0;
	FUZZ_CHECK(grewin_ack_due(&F.w, F.now, &ack) == 0);
}

static void
fuzz_peer_ack(uint32_t ack)
{
	grewin_rx_ack(&F.w, ack);
	/* acks for seqs never sent are ignored */
	if (F.any_tx && !SEQ_GT(ack, F.tx_next - 1) &&
	    (uint32_t)(F.tx_next - 1 - ack) < F.tx_next) {
		if (!F.any_acked || SEQ_GT(ack, F.acked)) {
			F.acked = ack;
			F.any_acked = 1;
		}
	}
	FUZZ_CHECK(F.w.tx_acked_any == F.any_acked);
	if (F.any_acked)
		FUZZ_CHECK(F.w.tx_acked == F.acked);
}

/* One packet as relay.c gre_packet() takes it. */
static void
fuzz_packet(const uint8_t *g, size_t glen)
{
	struct gre_hdr h;
	uint8_t hdr[GRE_HDR_MAX];
	size_t n;
	int r;

	r = gre_decode(g, glen, &h);
	if (r != 0)
		return;
	FUZZ_CHECK(h.hdrlen == 8 + 4 * (size_t)h.has_seq +
	    4 * (size_t)h.has_ack);
	FUZZ_CHECK(h.hdrlen + h.paylen == glen);
	FUZZ_CHECK((h.flags & ~(GRE_FLAG_S | GRE_FLAG_A)) ==
	    (GRE_FLAG_K | GRE_VERSION));
	FUZZ_CHECK(h.has_seq || h.paylen == 0);
	FUZZ_CHECK(h.has_seq || h.has_ack);
	n = gre_encode(hdr, sizeof(hdr), h.call_id, h.has_seq ? &h.seq : NULL,
	    h.has_ack ? &h.ack : NULL, h.paylen);
	FUZZ_CHECK(n == h.hdrlen && memcmp(hdr, g, n) == 0);
	if (h.has_ack)
		fuzz_peer_ack(h.ack);
	if (h.has_seq && h.paylen > 0)
		fuzz_data(h.seq, g + h.hdrlen, h.paylen);
}

/* The input as one datagram. */
static void
fuzz_whole(const uint8_t *p, size_t n)
{
	const uint8_t *g = NULL;
	size_t glen = 0;
	uint32_t src;
	struct gre_hdr h;

	if (gre_strip_ip(p, n, &src, &g, &glen) == 0) {
		FUZZ_CHECK(n >= 20 && (p[0] >> 4) == 4);
		FUZZ_CHECK(g == p + (size_t)(p[0] & 0x0f) * 4);
		FUZZ_CHECK(glen == n - (size_t)(g - p));
		FUZZ_CHECK((size_t)(p[2] << 8 | p[3]) == n);
		FUZZ_CHECK(p[9] == 47);
		FUZZ_CHECK(memcmp(&src, p + 12, 4) == 0);
		if (gre_decode(g, glen, &h) == 0)
			FUZZ_CHECK(h.hdrlen + h.paylen == glen);
	}
	if (gre_decode(p, n, &h) == 0)
		FUZZ_CHECK(h.hdrlen + h.paylen == n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	uint8_t pkt[GRE_HDR_MAX + 256];
	uint32_t cursor;
	size_t off, len, i;
	int first = 1;

	fuzz_whole(p, n);
	if (n < 4)
		return 0;
	memset(&F, 0, sizeof(F));
	memset(fuzz_slots, 0x5a, sizeof(fuzz_slots));
	for (i = 0; i < GREWIN_SLOTS; i++)
		fuzz_slots[i].used = 0;
	grewin_init(&F.w, fuzz_slots);
	F.now = 1000000;
	cursor = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	for (off = 4; off < n; ) {
		uint8_t op = p[off++];

		switch (op & 3) {
		case 0:
			if (off >= n)
				return 0;
			len = p[off++] + 256 * (size_t)((op >> 2) & 7);
			if (len > n - off)
				len = n - off;
			fuzz_packet(p + off, len);
			off += len;
			break;
		case 1: {
			uint32_t seq;
			size_t hl;

			if (n - off < 2)
				return 0;
			seq = first ? cursor : cursor + (uint32_t)(int8_t)p[off];
			first = 0;
			cursor = seq;
			len = p[off + 1];
			off += 2;
			hl = gre_encode(pkt, sizeof(pkt), 1, &seq, NULL,
			    (uint16_t)len);
			FUZZ_CHECK(hl == 12);
			for (i = 0; i < len; i++)
				pkt[hl + i] = (uint8_t)(seq * 7 + i);
			fuzz_packet(pkt, hl + len);
			break;
		}
		case 2:
			F.now += (uint64_t)(op >> 2) * 7;
			fuzz_timers();
			break;
		case 3:
			if (op & 4)
				fuzz_tx();
			else {
				if (off >= n)
					return 0;
				fuzz_peer_ack(F.tx_next - 1 - p[off++]);
			}
			break;
		}
	}
	return 0;
}
