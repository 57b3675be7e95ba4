/*
 * The control connection and its one call, as the PAC (RFC 2637 section
 * 3.1.2 and 3.2.4).  Pure: a framed message or an event in, the replies to
 * send and the actions to take out.  relay.c does the I/O.
 */
#ifndef CTRL_H
#define CTRL_H

#include <stdint.h>

#include "ctrlmsg.h"

enum ctrl_state {
	CTRL_IDLE,		/* waiting for Start-Control-Connection-Request */
	CTRL_ESTABLISHED,	/* control connection up, no call yet */
	CTRL_CALL,		/* call up: pppd running, GRE flowing */
	CTRL_CALL_DONE,		/* call cleared; the connection lingers */
	CTRL_WAIT_STOP_REPLY,	/* we sent Stop-Control-Connection-Request */
	CTRL_CLOSED
};

#define CTRL_ACT_START	0x01	/* start the call before sending the replies */
#define CTRL_ACT_HANGUP	0x02	/* stop pppd */
#define CTRL_ACT_CLOSE	0x04	/* close the connection after sending */
#define CTRL_ACT_ACCM	0x08	/* Set-Link-Info changed the ACCMs */
#define CTRL_ACT_ECHOED	0x10	/* our Echo-Request was answered */

#define CTRL_OUT_MAX	3

struct ctrl_out {
	struct ctrlmsg	msg[CTRL_OUT_MAX];
	int		n;
	unsigned int	act;
	const char	*why;	/* reason for CLOSE/HANGUP, for the log */
};

struct ctrl {
	enum ctrl_state	state;
	uint16_t	call_id;	/* ours, unique across the server */
	uint16_t	peer_call_id;
	uint8_t		had_call;	/* one call per connection */
	uint8_t		noresource;	/* answer every call with No-Resource */
	uint8_t		echo_out;
	uint32_t	echo_id;
	uint32_t	send_accm;
	uint32_t	recv_accm;
	uint32_t	maxbps;
	uint16_t	peer_window;
	char		hostname[PPTP_HOSTNAME_LEN + 1];
	char		peer_host[PPTP_HOSTNAME_LEN + 1];
	char		peer_vendor[PPTP_VENDOR_LEN + 1];
};

void		 ctrl_init(struct ctrl *, uint16_t call_id, int noresource,
		    const char *hostname);
/* One framed message from the peer; malformed input closes. */
void		 ctrl_input(struct ctrl *, const uint8_t *, size_t,
		    struct ctrl_out *);
void		 ctrl_pppd_exited(struct ctrl *, struct ctrl_out *);
/* The relay could not start the call ctrl_input's START asked for: turn
 * its Connected reply into an error and close. */
void		 ctrl_call_failed(struct ctrl *, struct ctrl_out *);
void		 ctrl_shutdown(struct ctrl *, struct ctrl_out *);
void		 ctrl_echo(struct ctrl *, struct ctrl_out *);
const char	*ctrl_state_str(enum ctrl_state);

#endif
