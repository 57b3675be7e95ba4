/*
 * PPTP control messages (RFC 2637 section 2): framing on the TCP stream,
 * decoding into a struct, encoding from one.  Pure: bytes in, struct out.
 * Peer strings are copied at most their field size and terminated here.
 */
#ifndef CTRLMSG_H
#define CTRLMSG_H

#include <stddef.h>
#include <stdint.h>

#include "pptp_proto.h"

struct ctrl_sccr {		/* SCCRQ and SCCRP (RFC 2637 2.1, 2.2) */
	uint16_t	version;
	uint8_t		result;		/* reply only; Reserved1 in the request */
	uint8_t		error;
	uint32_t	framing;
	uint32_t	bearer;
	uint16_t	maxchan;
	uint16_t	firmware;
	char		host[PPTP_HOSTNAME_LEN + 1];	/* raw bytes, terminated */
	char		vendor[PPTP_VENDOR_LEN + 1];
};

struct ctrl_stop {		/* StopCCRQ (reason) and StopCCRP (result) */
	uint8_t		code;
	uint8_t		error;
};

struct ctrl_echo {		/* Echo-Request and Echo-Reply */
	uint32_t	id;
	uint8_t		result;
	uint8_t		error;
};

struct ctrl_ocrq {		/* RFC 2637 2.7 */
	uint16_t	call_id;
	uint16_t	serial;
	uint32_t	minbps;
	uint32_t	maxbps;
	uint32_t	bearer;
	uint32_t	framing;
	uint16_t	window;
	uint16_t	delay;
	uint16_t	phonelen;
	char		phone[PPTP_PHONE_LEN + 1];
	uint8_t		subaddr[PPTP_SUBADDR_LEN];
};

struct ctrl_ocrp {		/* RFC 2637 2.8 */
	uint16_t	call_id;
	uint16_t	peer_call_id;
	uint8_t		result;
	uint8_t		error;
	uint16_t	cause;
	uint32_t	speed;
	uint16_t	window;
	uint16_t	delay;
	uint32_t	channel;
};

struct ctrl_icrq {		/* RFC 2637 2.9 */
	uint16_t	call_id;
	uint16_t	serial;
	uint32_t	bearer;
	uint32_t	channel;
	uint16_t	dialedlen;
	uint16_t	dialinglen;
	char		dialed[PPTP_PHONE_LEN + 1];
	char		dialing[PPTP_PHONE_LEN + 1];
	uint8_t		subaddr[PPTP_SUBADDR_LEN];
};

struct ctrl_icrp {		/* RFC 2637 2.10 */
	uint16_t	call_id;
	uint16_t	peer_call_id;
	uint8_t		result;
	uint8_t		error;
	uint16_t	window;
	uint16_t	delay;
};

struct ctrl_iccn {		/* RFC 2637 2.11 */
	uint16_t	peer_call_id;
	uint32_t	speed;
	uint16_t	window;
	uint16_t	delay;
	uint32_t	framing;
};

struct ctrl_ccrq {		/* RFC 2637 2.12: the PNS's own call id */
	uint16_t	call_id;
};

struct ctrl_cdn {		/* RFC 2637 2.13: the PAC's own call id */
	uint16_t	call_id;
	uint8_t		result;
	uint8_t		error;
	uint16_t	cause;
	char		stats[PPTP_STATS_LEN + 1];
};

struct ctrl_wen {		/* RFC 2637 2.14 */
	uint16_t	peer_call_id;
	uint32_t	crc, framing, hw_overrun, buf_overrun, timeout, align;
};

struct ctrl_sli {		/* RFC 2637 2.15: the PAC's call id */
	uint16_t	peer_call_id;
	uint32_t	send_accm;
	uint32_t	recv_accm;
};

struct ctrlmsg {
	uint16_t	type;		/* enum pptp_ctrl_type */
	union {
		struct ctrl_sccr	sccr;
		struct ctrl_stop	stop;
		struct ctrl_echo	echo;
		struct ctrl_ocrq	ocrq;
		struct ctrl_ocrp	ocrp;
		struct ctrl_icrq	icrq;
		struct ctrl_icrp	icrp;
		struct ctrl_iccn	iccn;
		struct ctrl_ccrq	ccrq;
		struct ctrl_cdn		cdn;
		struct ctrl_wen		wen;
		struct ctrl_sli		sli;
	} u;
};

/* Exact length of a control message type, or 0 if the type is unknown. */
size_t		 ctrlmsg_size(unsigned int type);
const char	*ctrlmsg_name(unsigned int type);
/*
 * Look at the start of the TCP stream.  Returns 1 and sets *msglen when a
 * whole message is present, 0 when more bytes are needed, or a negative
 * err when the bytes seen so far can never become a valid message (so a
 * bad length or cookie is caught without waiting for more input).
 */
int		 ctrlmsg_frame(const uint8_t *, size_t avail, size_t *msglen);
/* Decode exactly one framed message. */
int		 ctrlmsg_decode(const uint8_t *, size_t len, struct ctrlmsg *);
/* Encode into out; returns the length written or a negative err. */
int		 ctrlmsg_encode(const struct ctrlmsg *, uint8_t *out, size_t cap);

#endif
