/*
 * GRE window for one call (RFC 2637 4.2-4.4).
 */
#include "autoconf.h"

#include <string.h>

#include "grewin.h"

/* Serial-number distance a - b, as a signed 32-bit value (wraps). */
static int32_t
seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

void
grewin_init(struct grewin *w, struct grewin_slot *slots)
{
	memset(w, 0, sizeof(*w));
	w->slot = slots;
	/* Slots are touched only when reordering happens, keeping them
	 * out of the resident set of a quiet call. */
}

static void
grewin_owe_ack(struct grewin *w, uint32_t seq, uint64_t now)
{
	if (!w->rx_started || seq_diff(seq, w->rx_max) > 0)
		w->rx_max = seq;
	w->ack_unsent++;
	if (!w->ack_pending) {
		w->ack_pending = 1;
		w->ack_due = now + GREWIN_ACK_MS;
	}
	/* Ack at once after half a window so a windowing peer (macOS)
	 * never stalls waiting for us. */
	if (w->ack_unsent >= GREWIN_SLOTS / 2)
		w->ack_due = now;
}

static enum grewin_rx
grewin_hold(struct grewin *w, uint32_t seq, const uint8_t *p, size_t len,
    uint64_t now)
{
	struct grewin_slot *s = &w->slot[seq % GREWIN_SLOTS];

	if (s->used)
		return s->seq == seq ? (w->rx_dups++, GREWIN_DUP) : GREWIN_STALE;
	if (len > sizeof(s->data))
		return GREWIN_STALE;
	s->used = 1;
	s->seq = seq;
	s->len = (uint16_t)len;
	s->arrived = now;
	memcpy(s->data, p, len);
	w->queued++;
	w->rx_reordered++;
	return GREWIN_QUEUED;
}

enum grewin_rx
grewin_rx(struct grewin *w, uint32_t seq, const uint8_t *p, size_t len,
    uint64_t now)
{
	int32_t d;

	if (!w->rx_started) {
		/* Accept whatever the peer starts with: pptp-linux, macOS
		 * and Cisco start at 1, the RFC at 0 (CLIENT-QUIRKS 15). */
		grewin_owe_ack(w, seq, now);
		w->rx_started = 1;
		w->rx_last = seq;
		return GREWIN_DELIVER;
	}
	d = seq_diff(seq, w->rx_last);
	if (d <= 0) {
		/* RFC 2637 4.3: never pass an older packet to PPP. */
		if (d == 0)
			w->rx_dups++;
		else
			w->rx_stale++;
		return d == 0 ? GREWIN_DUP : GREWIN_STALE;
	}
	if (d == 1) {
		grewin_owe_ack(w, seq, now);
		w->rx_last = seq;
		return GREWIN_DELIVER;
	}
	if (d < GREWIN_SLOTS) {
		enum grewin_rx r = grewin_hold(w, seq, p, len, now);

		if (r == GREWIN_QUEUED)
			grewin_owe_ack(w, seq, now);
		return r;
	}
	/* Beyond the buffer: what is held is released in order, then this
	 * packet; the gap counts as lost (RFC 2637 4.3: "may assume ...
	 * lost"). */
	grewin_owe_ack(w, seq, now);
	return GREWIN_FLUSH;
}

void
grewin_rx_jump(struct grewin *w, uint32_t seq)
{
	w->rx_lost += (uint32_t)(seq - w->rx_last - 1);
	w->rx_last = seq;
}

/* The lowest held sequence number after rx_last, and its slot. */
static struct grewin_slot *
grewin_lowest(struct grewin *w)
{
	struct grewin_slot *s;
	uint32_t i;

	for (i = 1; i < GREWIN_SLOTS; i++) {
		s = &w->slot[(w->rx_last + i) % GREWIN_SLOTS];
		if (s->used && s->seq == w->rx_last + i)
			return s;
	}
	return NULL;
}

static uint64_t
grewin_oldest(const struct grewin *w)
{
	uint64_t t = 0;
	int i;

	if (w->queued == 0)
		return 0;
	for (i = 0; i < GREWIN_SLOTS; i++)
		if (w->slot[i].used && (t == 0 || w->slot[i].arrived < t))
			t = w->slot[i].arrived;
	return t;
}

int
grewin_pop(struct grewin *w, int force, uint64_t now, const uint8_t **p,
    size_t *len)
{
	struct grewin_slot *s;

	if (w->queued == 0)
		return 0;
	s = &w->slot[(w->rx_last + 1) % GREWIN_SLOTS];
	if (!(s->used && s->seq == w->rx_last + 1)) {
		if (!force && grewin_oldest(w) + GREWIN_HOLD_MS > now)
			return 0;
		if ((s = grewin_lowest(w)) == NULL)
			return 0;
		w->rx_lost += (uint32_t)(s->seq - w->rx_last - 1);
	}
	s->used = 0;
	w->queued--;
	w->rx_last = s->seq;
	*p = s->data;
	*len = s->len;
	return 1;
}

void
grewin_rx_ack(struct grewin *w, uint32_t ack)
{
	uint32_t back = w->tx_next - 1 - ack;	/* how far behind our last */
	unsigned long span = w->tx_pkts < 0x80000000UL ? w->tx_pkts :
	    0x80000000UL;

	/* Only acks for numbers we have sent count: Cisco acks 0xffffffff
	 * before receiving anything (CLIENT-QUIRKS 20), and an ack from
	 * before our first packet or past our last is meaningless. */
	if (!w->tx_sent_any || back >= span)
		return;
	if (!w->tx_acked_any || seq_diff(ack, w->tx_acked) > 0) {
		w->tx_acked = ack;
		w->tx_acked_any = 1;
	}
}

uint32_t
grewin_tx(struct grewin *w, uint32_t *ack, int *has_ack)
{
	*has_ack = w->rx_started;
	*ack = w->rx_max;
	/* Piggy-backed: nothing owed any more (RFC 2637 4.2). */
	w->ack_pending = 0;
	w->ack_unsent = 0;
	w->tx_sent_any = 1;
	w->tx_pkts++;
	return w->tx_next++;
}

int
grewin_ack_due(struct grewin *w, uint64_t now, uint32_t *ack)
{
	if (!w->ack_pending || w->ack_due > now)
		return 0;
	w->ack_pending = 0;
	w->ack_unsent = 0;
	*ack = w->rx_max;
	return 1;
}

uint64_t
grewin_next_timer(const struct grewin *w)
{
	uint64_t t = w->ack_pending ? w->ack_due : 0;
	uint64_t o = grewin_oldest(w);

	if (o != 0 && (t == 0 || o + GREWIN_HOLD_MS < t))
		t = o + GREWIN_HOLD_MS;
	return t;
}
