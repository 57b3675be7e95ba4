/*
 * loadgen: PPTP load generator for the benchmark (tests/bench/README).
 * Shared between loadgen.c (phases, GRE data, report) and lgctrl.c (the
 * TCP control connections, RFC 2637 section 2).
 */
#ifndef LOADGEN_H
#define LOADGEN_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LG_RBUF		512		/* control receive buffer per connection */
#define LG_MAXSIZE	1500		/* largest PPP payload we send */
#define LG_MINSIZE	32		/* our payload header */

enum lg_cstate {
	LG_C_IDLE,		/* not started */
	LG_C_CONNECTING,	/* TCP connect in progress */
	LG_C_WAIT_SCCRP,
	LG_C_WAIT_OCRP,
	LG_C_UP,		/* call established */
	LG_C_FAILED,		/* never came up */
	LG_C_DOWN		/* came up, then the server ended it */
};

struct lg_slot {
	uint64_t	 sent_ns;
	uint32_t	 tag;
	uint8_t		 busy;
};

struct lg_conn {
	int		 fd;
	int		 idx;
	enum lg_cstate	 state;
	uint16_t	 cid;		/* our call ID (OCRQ), = idx + 1 */
	uint16_t	 peer_cid;	/* the server's, from the OCRP */
	struct in_addr	 src;
	uint8_t		 rbuf[LG_RBUF];
	size_t		 rlen;
	uint64_t	 t_start, t_up;
	int		 got_gre;	/* the server's first GRE packet arrived */
	int		 sending;
	int		 busy;		/* slots in flight */
	int		 have_ack;
	uint32_t	 seq;		/* next GRE sequence number we send */
	uint32_t	 ack;		/* highest sequence number received */
	uint32_t	 next_tag;
	struct lg_slot	*slots;
};

struct lg_ctrlstats {
	int		 nstarted, insetup, nup, nfailed, ndropped;
	int		 conn_err, sccrp_err, ocrp_err, timeouts;
	uint64_t	 t_first, t_last_up;
};

/* lgctrl.c */
int	lgctrl_start(struct lg_conn *, struct in_addr server, uint16_t port,
	    int epfd, uint64_t now);
/* Handle readiness; returns the connection's new state. */
enum lg_cstate lgctrl_event(struct lg_conn *, int epfd, uint32_t events,
	    uint64_t now);
void	lgctrl_close(struct lg_conn *);

#endif
