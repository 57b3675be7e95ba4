/*
 * The GRE sliding window of one call (RFC 2637 4.2-4.4): receive sequence
 * tracking with serial-number arithmetic (wraps at 2^32), duplicate and
 * stale drops, a bounded reorder buffer whose hold time expires on a timer,
 * and acknowledgement coalescing.  Pure: no I/O; times are passed in (ms).
 *
 * Transmission never waits for acks: Android never sends any and Windows
 * ignores windows (MS-PTPT 3.1.5.7), so acks only feed statistics.
 */
#ifndef GREWIN_H
#define GREWIN_H

#include <stddef.h>
#include <stdint.h>

#include "pptp_proto.h"

#define GREWIN_SLOTS	64	/* reorder capacity, and our advertised window */
#define GREWIN_HOLD_MS	100	/* longest a packet waits for a gap to fill */
#define GREWIN_ACK_MS	100	/* ack-only delay (MS-PTPT 3.1.2: 100 ms) */

enum grewin_rx {
	GREWIN_DELIVER,		/* in order: deliver this payload now */
	GREWIN_FLUSH,		/* far ahead: pop with force, then deliver */
	GREWIN_QUEUED,		/* held for reordering */
	GREWIN_DUP,		/* already received: dropped */
	GREWIN_STALE		/* older than what was delivered: dropped */
};

struct grewin_slot {
	uint64_t	arrived;
	uint32_t	seq;
	uint16_t	len;
	uint8_t		used;
	uint8_t		data[PPTP_MAX_PPP];
};

struct grewin {
	/* receive side */
	uint8_t		rx_started;
	uint32_t	rx_last;	/* last sequence number delivered */
	uint32_t	rx_max;		/* highest accepted: what we ack */
	unsigned int	queued;
	/* acknowledgements we owe */
	uint8_t		ack_pending;
	uint32_t	ack_unsent;	/* packets accepted since our last ack */
	uint64_t	ack_due;
	/* transmit side */
	uint32_t	tx_next;	/* RFC 2637 4.1: starts at 0 */
	uint8_t		tx_sent_any;
	uint32_t	tx_acked;	/* highest of ours the peer acked */
	uint8_t		tx_acked_any;
	/* counters */
	unsigned long	rx_dups, rx_stale, rx_reordered, rx_lost, tx_pkts;
	struct grewin_slot *slot;	/* GREWIN_SLOTS, supplied by the owner */
};

/* slots: GREWIN_SLOTS entries, zeroed by the caller (static storage is). */
void	grewin_init(struct grewin *, struct grewin_slot *slots);
/* A data packet arrived; QUEUED copies the payload into the buffer. */
enum grewin_rx grewin_rx(struct grewin *, uint32_t seq, const uint8_t *,
	    size_t, uint64_t now);
/*
 * Next packet now deliverable from the reorder buffer, if any: the next in
 * sequence, or (force, or the oldest held packet expired) the lowest held
 * one, skipping the gap.  Returns 1 and the payload, else 0.
 */
int	grewin_pop(struct grewin *, int force, uint64_t now,
	    const uint8_t **, size_t *);
/* Deliver a FLUSH packet after the force-pops: it becomes rx_last. */
void	grewin_rx_jump(struct grewin *, uint32_t seq);
/* The peer acknowledged our packets up to ack (ignored if never sent). */
void	grewin_rx_ack(struct grewin *, uint32_t ack);
/* Next sequence number for a data packet; *ack set if one is owed. */
uint32_t grewin_tx(struct grewin *, uint32_t *ack, int *has_ack);
/* Is an ack-only packet due now?  If so, *ack is its number. */
int	grewin_ack_due(struct grewin *, uint64_t now, uint32_t *ack);
/* Earliest time a timer needs us (ack or reorder expiry), 0 = none. */
uint64_t grewin_next_timer(const struct grewin *);

#endif
