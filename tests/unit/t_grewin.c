/*
 * Unit tests for src/grewin.c, the GRE sequence/ack window of one call
 * (RFC 2637 4.2-4.4, CHECKLIST 72-81).  Packets are fed the way relay.c
 * feeds them (gre_deliver): DELIVER then drain in-order pops; FLUSH then
 * force-pop everything, jump, deliver, drain.  Times are passed in, so
 * hold and ack timers are tested without sleeping.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "grewin.h"
#include "util.h"

#include "ctest.h"
#include "vectors.h"

#define T0	1000000		/* a plausible CLOCK_MONOTONIC ms */

static struct grewin_slot slots[GREWIN_SLOTS];
static struct grewin w;

/* What reached "pppd", in order. */
static uint32_t out[4096];
static size_t nout;
static int outbad;		/* a payload came out changed */

/* Payloads carry their own sequence number and a pattern. */
static size_t
mkpay(uint8_t *p, uint32_t seq, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i < 4 ? seq >> (24 - 8 * i) : seq + i);
	return len;
}

static void
got(const uint8_t *p, size_t len)
{
	uint8_t want[PPTP_MAX_PPP];
	uint32_t seq;

	if (len < 4) {
		outbad++;
		return;
	}
	seq = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	mkpay(want, seq, len);
	if (memcmp(want, p, len) != 0)
		outbad++;
	if (nout < nitems(out))
		out[nout++] = seq;
}

static void
drain(int force, uint64_t now)
{
	const uint8_t *q;
	size_t qlen;
	uint32_t last = w.rx_last;
	int guard = 0;

	while (grewin_pop(&w, force, now, &q, &qlen)) {
		/* pop returns ascending sequence numbers */
		CHECK((int32_t)(w.rx_last - last) > 0);
		last = w.rx_last;
		got(q, qlen);
		if (++guard > GREWIN_SLOTS) {
			CHECK(!"pop never ends");
			break;
		}
	}
}

/* relay.c gre_deliver() */
static enum grewin_rx
feed(uint32_t seq, size_t len, uint64_t now)
{
	uint8_t p[PPTP_MAX_PPP];
	enum grewin_rx r;

	mkpay(p, seq, len);
	r = grewin_rx(&w, seq, p, len, now);
	switch (r) {
	case GREWIN_FLUSH:
		drain(1, now);
		CHECK_EQ(w.queued, 0);
		grewin_rx_jump(&w, seq);
		got(p, len);
		drain(0, now);
		break;
	case GREWIN_DELIVER:
		got(p, len);
		drain(0, now);
		break;
	default:
		break;
	}
	CHECK(w.queued < GREWIN_SLOTS);
	return r;
}

static void
reset(void)
{
	size_t i;

	memset(slots, 0x5a, sizeof(slots));	/* owner's memory: garbage */
	for (i = 0; i < GREWIN_SLOTS; i++)
		slots[i].used = 0;
	grewin_init(&w, slots);
	nout = 0;
	outbad = 0;
}

/* out[] is exactly the n sequence numbers given. */
static int
out_is(size_t n, const uint32_t *want)
{
	size_t i;

	if (nout != n || outbad)
		goto bad;
	for (i = 0; i < n; i++)
		if (out[i] != want[i])
			goto bad;
	return 1;
bad:
	fprintf(stderr, "  delivered %zu (bad payloads %d):", nout, outbad);
	for (i = 0; i < nout && i < 20; i++)
		fprintf(stderr, " %u", out[i]);
	fprintf(stderr, "\n  wanted %zu:", n);
	for (i = 0; i < n && i < 20; i++)
		fprintf(stderr, " %u", want[i]);
	fprintf(stderr, "\n");
	return 0;
}

static void
test_in_order(uint32_t start)
{
	uint32_t want[100], i;
	char ctx[40];

	snprintf(ctx, sizeof(ctx), "start 0x%08x", start);
	ct_ctx = ctx;
	reset();
	for (i = 0; i < 100; i++) {
		CHECK_EQ(feed(start + i, 20, T0 + i), GREWIN_DELIVER);
		want[i] = start + i;
	}
	CHECK(out_is(100, want));
	CHECK_EQ(w.rx_last, start + 99);
	CHECK_EQ(w.rx_max, start + 99);
	CHECK_EQ(w.rx_dups + w.rx_stale + w.rx_lost + w.rx_reordered, 0);
	CHECK_EQ(w.queued, 0);
	ct_ctx = "";
}

static void
test_dup_stale(void)
{
	uint32_t want[] = { 10, 11, 12 };

	reset();
	CHECK_EQ(feed(10, 8, T0), GREWIN_DELIVER);
	CHECK_EQ(feed(10, 8, T0), GREWIN_DUP);
	CHECK_EQ(feed(11, 8, T0), GREWIN_DELIVER);
	CHECK_EQ(feed(12, 8, T0), GREWIN_DELIVER);
	CHECK_EQ(feed(12, 8, T0), GREWIN_DUP);
	CHECK_EQ(feed(11, 8, T0), GREWIN_STALE);
	CHECK_EQ(feed(10, 8, T0), GREWIN_STALE);
	CHECK_EQ(feed(9, 8, T0), GREWIN_STALE);	/* before the first */
	CHECK_EQ(feed(12 - 0x7fffffffU, 8, T0), GREWIN_STALE);
	CHECK(out_is(3, want));
	CHECK_EQ(w.rx_dups, 2);
	CHECK_EQ(w.rx_stale, 4);
	CHECK_EQ(w.rx_max, 12);

	/* A duplicate of a held packet is dropped once held. */
	CHECK_EQ(feed(15, 8, T0), GREWIN_QUEUED);
	CHECK_EQ(feed(15, 8, T0), GREWIN_DUP);
	CHECK_EQ(w.queued, 1);
	CHECK_EQ(w.rx_dups, 3);
}

/* CHECKLIST 77: 0,1,2,4,3,5 -> 3 before 4, never after. */
static void
test_reorder(void)
{
	uint32_t want[] = { 0, 1, 2, 3, 4, 5 };
	uint32_t i;

	reset();
	CHECK_EQ(feed(0, 10, T0), GREWIN_DELIVER);
	CHECK_EQ(feed(1, 10, T0 + 1), GREWIN_DELIVER);
	CHECK_EQ(feed(2, 10, T0 + 2), GREWIN_DELIVER);
	CHECK_EQ(feed(4, 10, T0 + 3), GREWIN_QUEUED);
	CHECK_EQ(w.queued, 1);
	CHECK_EQ(w.rx_max, 4);			/* the ack covers it */
	CHECK_EQ(feed(3, 10, T0 + 4), GREWIN_DELIVER);
	CHECK_EQ(w.queued, 0);
	CHECK_EQ(feed(5, 10, T0 + 5), GREWIN_DELIVER);
	CHECK(out_is(6, want));
	CHECK_EQ(w.rx_reordered, 1);
	CHECK_EQ(w.rx_lost, 0);
	CHECK_EQ(feed(4, 10, T0 + 6), GREWIN_STALE);

	/* Reverse order within the window: held, then all released. */
	reset();
	CHECK_EQ(feed(6, 10, T0), GREWIN_DELIVER);
	for (i = 14; i >= 8; i--)
		CHECK_EQ(feed(i, 10 + i, T0), GREWIN_QUEUED);
	CHECK_EQ(w.queued, 7);
	CHECK_EQ(w.rx_max, 14);
	CHECK_EQ(feed(7, 10, T0), GREWIN_DELIVER);
	CHECK_EQ(w.queued, 0);
	CHECK(out_is(9, (uint32_t[]){ 6, 7, 8, 9, 10, 11, 12, 13, 14 }));
	CHECK_EQ(w.rx_reordered, 7);
	CHECK_EQ(w.rx_lost, 0);

	/* Gap then late fill-in: 0, 3 (held), 1 -> 1 delivered, 3 still
	 * held, 2 -> 2 then 3. */
	reset();
	CHECK_EQ(feed(0, 10, T0), GREWIN_DELIVER);
	CHECK_EQ(feed(3, 10, T0), GREWIN_QUEUED);
	CHECK_EQ(feed(1, 10, T0), GREWIN_DELIVER);
	CHECK_EQ(w.queued, 1);
	CHECK_EQ(feed(2, 10, T0), GREWIN_DELIVER);
	CHECK_EQ(feed(4, 10, T0), GREWIN_DELIVER);
	CHECK_EQ(feed(5, 10, T0), GREWIN_DELIVER);
	CHECK_EQ(feed(6, 10, T0), GREWIN_DELIVER);
	CHECK(out_is(7, (uint32_t[]){ 0, 1, 2, 3, 4, 5, 6 }));
}

/* Held packets are released by time alone: no new packet is needed. */
static void
test_hold_expiry(void)
{
	uint32_t want[] = { 100, 102, 103, 105 };
	const uint8_t *q;
	size_t qlen;

	reset();
	CHECK_EQ(feed(100, 10, T0), GREWIN_DELIVER);
	CHECK_EQ(grewin_next_timer(&w), T0 + GREWIN_ACK_MS);
	CHECK_EQ(feed(102, 10, T0 + 10), GREWIN_QUEUED);
	CHECK_EQ(feed(103, 10, T0 + 20), GREWIN_QUEUED);
	CHECK_EQ(feed(105, 10, T0 + 60), GREWIN_QUEUED);
	/* the ack (due T0 + 100) comes first, then the hold of 102 */
	CHECK_EQ(grewin_next_timer(&w), T0 + GREWIN_ACK_MS);
	{
		uint32_t a;

		CHECK_EQ(grewin_ack_due(&w, T0 + GREWIN_ACK_MS, &a), 1);
		CHECK_EQ(a, 105);
	}
	CHECK_EQ(grewin_next_timer(&w), T0 + 10 + GREWIN_HOLD_MS);
	/* not yet */
	CHECK_EQ(grewin_pop(&w, 0, T0 + 10 + GREWIN_HOLD_MS - 1, &q, &qlen), 0);
	CHECK_EQ(w.queued, 3);
	/* expired: 102 skips the gap at 101, 103 follows in order; 105
	 * waits for its own hold (arrived T0 + 60) */
	drain(0, T0 + 10 + GREWIN_HOLD_MS);
	CHECK_EQ(w.queued, 1);
	CHECK_EQ(w.rx_last, 103);
	CHECK_EQ(w.rx_lost, 1);
	CHECK_EQ(grewin_next_timer(&w), T0 + 60 + GREWIN_HOLD_MS);
	drain(0, T0 + 60 + GREWIN_HOLD_MS - 1);
	CHECK_EQ(w.queued, 1);
	drain(0, T0 + 60 + GREWIN_HOLD_MS);
	CHECK_EQ(w.queued, 0);
	CHECK_EQ(w.rx_lost, 2);
	CHECK(out_is(4, want));
	CHECK_EQ(grewin_next_timer(&w), 0);
	/* the lost ones are stale now */
	CHECK_EQ(feed(101, 10, T0 + 500), GREWIN_STALE);
	CHECK_EQ(feed(104, 10, T0 + 500), GREWIN_STALE);
	CHECK_EQ(feed(106, 10, T0 + 500), GREWIN_DELIVER);
}

/* Gaps at and beyond the buffer: FLUSH releases what is held first. */
static void
test_flush(void)
{
	uint32_t want[] = { 0, 5, 9, 80, 81 };
	uint32_t want2[] = { 0xfffffff0U, 0x30 };

	reset();
	CHECK_EQ(feed(0, 10, T0), GREWIN_DELIVER);
	CHECK_EQ(feed(GREWIN_SLOTS - 1, 10, T0), GREWIN_QUEUED);  /* 63 */
	CHECK_EQ(w.queued, 1);
	reset();
	CHECK_EQ(feed(0, 10, T0), GREWIN_DELIVER);
	CHECK_EQ(feed(GREWIN_SLOTS, 10, T0), GREWIN_FLUSH);	  /* 64 */
	CHECK_EQ(w.rx_last, GREWIN_SLOTS);
	CHECK_EQ(w.rx_lost, GREWIN_SLOTS - 1);

	reset();
	CHECK_EQ(feed(0, 10, T0), GREWIN_DELIVER);
	CHECK_EQ(feed(9, 10, T0), GREWIN_QUEUED);
	CHECK_EQ(feed(5, 10, T0), GREWIN_QUEUED);
	CHECK_EQ(feed(80, 10, T0 + 1), GREWIN_FLUSH);
	CHECK_EQ(w.queued, 0);
	CHECK_EQ(w.rx_last, 80);
	CHECK_EQ(w.rx_max, 80);
	CHECK_EQ(w.rx_lost, 4 + 3 + 70);
	CHECK_EQ(feed(81, 10, T0 + 2), GREWIN_DELIVER);
	CHECK(out_is(5, want));
	CHECK_EQ(feed(9, 10, T0 + 3), GREWIN_STALE);
	CHECK_EQ(feed(79, 10, T0 + 3), GREWIN_STALE);

	/* Across the wrap. */
	reset();
	CHECK_EQ(feed(0xfffffff0U, 10, T0), GREWIN_DELIVER);
	CHECK_EQ(feed(0x30, 10, T0), GREWIN_FLUSH);
	CHECK(out_is(2, want2));
	CHECK_EQ(w.rx_lost, 0x3f);

	/* Half the sequence space ahead counts as old (serial arithmetic,
	 * RFC 1982 style): dropped, not a jump. */
	reset();
	CHECK_EQ(feed(7, 10, T0), GREWIN_DELIVER);
	CHECK_EQ(feed(7 + 0x80000000U, 10, T0), GREWIN_STALE);
	CHECK_EQ(feed(7 + 0x7fffffffU, 10, T0), GREWIN_FLUSH);
}

/* Reordering across the 2^32 wrap. */
static void
test_wrap_reorder(void)
{
	uint32_t want[] = { 0xfffffffdU, 0xfffffffeU, 0xffffffffU, 0, 1, 2 };

	reset();
	CHECK_EQ(feed(0xfffffffdU, 10, T0), GREWIN_DELIVER);
	CHECK_EQ(feed(0, 10, T0), GREWIN_QUEUED);
	CHECK_EQ(feed(0xffffffffU, 10, T0), GREWIN_QUEUED);
	CHECK_EQ(w.rx_max, 0);
	CHECK_EQ(feed(2, 10, T0), GREWIN_QUEUED);
	CHECK_EQ(feed(0xfffffffeU, 10, T0), GREWIN_DELIVER);
	CHECK_EQ(w.queued, 1);
	CHECK_EQ(feed(1, 10, T0), GREWIN_DELIVER);
	CHECK(out_is(6, want));
	CHECK_EQ(w.queued, 0);
	CHECK_EQ(w.rx_max, 2);
}

static void
test_acks_owed(void)
{
	uint32_t ack = 0, seq;
	int has = -1, i;

	reset();
	/* Nothing received: no ack on data, no ack-only (CHECKLIST 73). */
	seq = grewin_tx(&w, &ack, &has);
	CHECK_EQ(seq, 0);			/* RFC 2637 4.1: from 0 */
	CHECK_EQ(has, 0);
	CHECK_EQ(grewin_ack_due(&w, T0 + 100000, &ack), 0);
	CHECK_EQ(grewin_next_timer(&w), 0);

	/* One packet: ack-only due GREWIN_ACK_MS later, not before. */
	CHECK_EQ(feed(1, 10, T0), GREWIN_DELIVER);	/* starts at 1 */
	CHECK_EQ(grewin_next_timer(&w), T0 + GREWIN_ACK_MS);
	CHECK_EQ(grewin_ack_due(&w, T0 + GREWIN_ACK_MS - 1, &ack), 0);
	CHECK_EQ(feed(2, 10, T0 + 50), GREWIN_DELIVER);
	/* the timer runs from the first unacked packet, not the last */
	CHECK_EQ(grewin_next_timer(&w), T0 + GREWIN_ACK_MS);
	ack = 0;
	CHECK_EQ(grewin_ack_due(&w, T0 + GREWIN_ACK_MS, &ack), 1);
	CHECK_EQ(ack, 2);
	CHECK_EQ(grewin_ack_due(&w, T0 + GREWIN_ACK_MS + 1, &ack), 0);
	CHECK_EQ(grewin_next_timer(&w), 0);

	/* Dups and stale packets owe nothing. */
	CHECK_EQ(feed(2, 10, T0 + 200), GREWIN_DUP);
	CHECK_EQ(feed(1, 10, T0 + 200), GREWIN_STALE);
	CHECK_EQ(grewin_ack_due(&w, T0 + 1000, &ack), 0);

	/* Piggy-backed on data: the ack goes out and is not owed again. */
	CHECK_EQ(feed(3, 10, T0 + 300), GREWIN_DELIVER);
	seq = grewin_tx(&w, &ack, &has);
	CHECK_EQ(seq, 1);
	CHECK_EQ(has, 1);
	CHECK_EQ(ack, 3);
	CHECK_EQ(grewin_ack_due(&w, T0 + 1000, &ack), 0);
	CHECK_EQ(grewin_next_timer(&w), 0);
	/* data packets keep carrying the (same) ack */
	seq = grewin_tx(&w, &ack, &has);
	CHECK_EQ(seq, 2);
	CHECK_EQ(has, 1);
	CHECK_EQ(ack, 3);

	/* Half a window unacked: due at once. */
	for (i = 0; i < GREWIN_SLOTS / 2 - 1; i++)
		CHECK_EQ(feed(4 + (uint32_t)i, 10, T0 + 2000), GREWIN_DELIVER);
	CHECK_EQ(grewin_ack_due(&w, T0 + 2000, &ack), 0);
	CHECK_EQ(feed(4 + (uint32_t)i, 10, T0 + 2000), GREWIN_DELIVER);
	CHECK_EQ(grewin_next_timer(&w), T0 + 2000);
	CHECK_EQ(grewin_ack_due(&w, T0 + 2000, &ack), 1);
	CHECK_EQ(ack, 4 + (uint32_t)i);

	/* A held (queued) packet is acknowledged too: ack = highest. */
	CHECK_EQ(feed(w.rx_last + 5, 10, T0 + 3000), GREWIN_QUEUED);
	CHECK_EQ(grewin_ack_due(&w, T0 + 3000 + GREWIN_ACK_MS, &ack), 1);
	CHECK_EQ(ack, w.rx_last + 5);
	/* and a FLUSH packet */
	CHECK_EQ(feed(1000, 10, T0 + 4000), GREWIN_FLUSH);
	CHECK_EQ(grewin_ack_due(&w, T0 + 4000 + GREWIN_ACK_MS, &ack), 1);
	CHECK_EQ(ack, 1000);
}

static void
test_acks_received(void)
{
	uint32_t ack, seq;
	int has, i;

	reset();
	/* Cisco acks 0xffffffff before anything was sent (QUIRKS 20). */
	grewin_rx_ack(&w, 0xffffffffU);
	grewin_rx_ack(&w, 0);
	CHECK_EQ(w.tx_acked_any, 0);
	for (i = 0; i < 5; i++) {
		seq = grewin_tx(&w, &ack, &has);
		CHECK_EQ(seq, (uint32_t)i);
	}
	CHECK_EQ(w.tx_pkts, 5);
	grewin_rx_ack(&w, 10);			/* never sent */
	CHECK_EQ(w.tx_acked_any, 0);
	grewin_rx_ack(&w, 0xffffffffU);
	CHECK_EQ(w.tx_acked_any, 0);
	grewin_rx_ack(&w, 2);
	CHECK_EQ(w.tx_acked_any, 1);
	CHECK_EQ(w.tx_acked, 2);
	grewin_rx_ack(&w, 1);			/* older: no regression */
	CHECK_EQ(w.tx_acked, 2);
	grewin_rx_ack(&w, 4);
	CHECK_EQ(w.tx_acked, 4);
	grewin_rx_ack(&w, 5);			/* one past: never sent */
	CHECK_EQ(w.tx_acked, 4);

	/* Transmit sequence wraps (set up near the end of the space). */
	reset();
	w.tx_next = 0xfffffffeU;
	CHECK_EQ(grewin_tx(&w, &ack, &has), 0xfffffffeU);
	CHECK_EQ(grewin_tx(&w, &ack, &has), 0xffffffffU);
	CHECK_EQ(grewin_tx(&w, &ack, &has), 0);
	CHECK_EQ(grewin_tx(&w, &ack, &has), 1);
	grewin_rx_ack(&w, 0xffffffffU);
	CHECK_EQ(w.tx_acked, 0xffffffffU);
	grewin_rx_ack(&w, 1);
	CHECK_EQ(w.tx_acked, 1);
	grewin_rx_ack(&w, 0xfffffffeU);
	CHECK_EQ(w.tx_acked, 1);
	grewin_rx_ack(&w, 2);
	CHECK_EQ(w.tx_acked, 1);
}

/* Oversized and empty payloads. */
static void
test_sizes(void)
{
	uint8_t big[PPTP_MAX_PPP + 100];
	const uint8_t *q;
	size_t qlen;

	reset();
	CHECK_EQ(feed(0, 4, T0), GREWIN_DELIVER);
	CHECK_EQ(feed(2, PPTP_MAX_PPP, T0), GREWIN_QUEUED);
	CHECK_EQ(grewin_pop(&w, 1, T0, &q, &qlen), 1);
	CHECK_EQ(qlen, PPTP_MAX_PPP);
	/* A held payload larger than a slot is dropped, never copied. */
	mkpay(big, 4, sizeof(big));
	CHECK(grewin_rx(&w, 4, big, sizeof(big), T0) != GREWIN_QUEUED);
	CHECK_EQ(w.queued, 0);
}

/* Replay every GRE stream of the captures through the window. */
static void
test_capture_streams(void)
{
	size_t i, j, k, ndata, nuniq;

	for (i = 0; i < nitems(vgrestream); i++) {
		const struct vgrestream *s = &vgrestream[i];
		uint32_t last = 0, maxseq = 0;

		ct_ctx = s->name;
		reset();
		ndata = nuniq = 0;
		for (j = 0; j < s->n; j++) {
			const struct vgreseq *p = &s->pkts[j];
			int dup = 0;

			if (!(p->flags & 0x1000) || p->paylen == 0)
				continue;
			for (k = 0; k < j; k++)
				if ((s->pkts[k].flags & 0x1000) &&
				    s->pkts[k].paylen && s->pkts[k].seq == p->seq)
					dup = 1;
			ndata++;
			if (!dup) {
				nuniq++;
				maxseq = p->seq;
			}
			feed(p->seq, p->paylen < 4 ? 4 : p->paylen,
			    T0 + p->t_ms);
		}
		CHECK_EQ(nout, nuniq);
		CHECK_EQ(outbad, 0);
		CHECK_EQ(w.rx_dups, ndata - nuniq);
		CHECK_EQ(w.rx_stale + w.rx_lost + w.rx_reordered, 0);
		for (j = 0; j < nout; j++) {
			if (j > 0)
				CHECK((int32_t)(out[j] - last) > 0);
			last = out[j];
		}
		if (nuniq > 0)
			CHECK_EQ(w.rx_max, maxseq);
	}
	ct_ctx = "";
}

/*
 * pptp-linux against pptpd 1.3 (both directions): pptpd numbered its
 * packets from 0 like grewin_tx, and every ack the client sent is for a
 * packet already sent, so each must be taken.
 */
static void
test_capture_pair(const char *server_name, const char *client_name)
{
	const struct vgrestream *sv = NULL, *cl = NULL;
	size_t i, a = 0, b = 0;
	uint32_t ack, seq;
	int has;

	for (i = 0; i < nitems(vgrestream); i++) {
		if (strcmp(vgrestream[i].name, server_name) == 0)
			sv = &vgrestream[i];
		if (strcmp(vgrestream[i].name, client_name) == 0)
			cl = &vgrestream[i];
	}
	CHECK(sv != NULL && cl != NULL);
	if (sv == NULL || cl == NULL)
		return;
	ct_ctx = server_name;
	reset();
	while (a < sv->n || b < cl->n) {
		if (b >= cl->n || (a < sv->n && sv->pkts[a].t_ms <=
		    cl->pkts[b].t_ms)) {
			const struct vgreseq *p = &sv->pkts[a++];

			if (!(p->flags & 0x1000))
				continue;	/* its ack-only packets */
			seq = grewin_tx(&w, &ack, &has);
			CHECK_EQ(seq, p->seq);
		} else {
			const struct vgreseq *p = &cl->pkts[b++];

			if (p->flags & 0x0080) {
				grewin_rx_ack(&w, p->ack);
				CHECK_EQ(w.tx_acked_any, 1);
				CHECK_EQ(w.tx_acked, p->ack);
			}
			if ((p->flags & 0x1000) && p->paylen > 0)
				CHECK(feed(p->seq, p->paylen < 4 ? 4 :
				    p->paylen, T0 + p->t_ms) == GREWIN_DELIVER);
		}
	}
	ct_ctx = "";
}

int
main(void)
{
	test_in_order(0);
	test_in_order(1);
	test_in_order(0xfffffff0U);
	test_in_order(0xffffffffU);
	test_in_order(0x7fffffffU);
	test_dup_stale();
	test_reorder();
	test_hold_expiry();
	test_flush();
	test_wrap_reorder();
	test_acks_owed();
	test_acks_received();
	test_sizes();
	test_capture_streams();
	test_capture_pair("lnx 198.252.153.26 call 0",
	    "lnx 192.168.1.102 call 30720");
	test_capture_pair("w10 192.168.43.104 call 40265",
	    "w10 192.168.43.39 call 29546");
	return ct_done("t_grewin");
}
