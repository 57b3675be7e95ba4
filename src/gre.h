/*
 * Enhanced GRE header (RFC 2637 section 4.1) and the IPv4 header that a raw
 * socket delivers in front of it.  Pure codec.
 */
#ifndef GRE_H
#define GRE_H

#include <stddef.h>
#include <stdint.h>

#include "pptp_proto.h"

struct gre_hdr {
	uint16_t	flags;		/* flags and version octets */
	uint16_t	paylen;		/* key high half: payload length */
	uint16_t	call_id;	/* key low half: the receiver's call id */
	uint8_t		has_seq;
	uint8_t		has_ack;
	uint32_t	seq;
	uint32_t	ack;
	size_t		hdrlen;
};

/*
 * Strip the IPv4 header of a datagram read from a raw socket: checks the
 * version, header length, total length against the bytes read, and the
 * protocol.  Sets *src (network order) and the GRE bytes.
 */
int	gre_strip_ip(const uint8_t *, size_t, uint32_t *src,
	    const uint8_t **gre, size_t *grelen);
/*
 * Decode and validate an enhanced GRE header: version 1, protocol 0x880B,
 * K set, C/R/s/recursion/flag bits clear (RFC 2637 4.1), and a payload
 * length that matches exactly the bytes present (a payload only with S).
 */
int	gre_decode(const uint8_t *, size_t, struct gre_hdr *);
/* Write a header for paylen bytes; seq/ack NULL when absent. */
size_t	gre_encode(uint8_t *out, size_t cap, uint16_t call_id,
	    const uint32_t *seq, const uint32_t *ack, uint16_t paylen);

#endif
