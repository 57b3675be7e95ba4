/*
 * loadgen: PPTP load generator for the benchmark (tests/bench/README).
 * Shared between loadgen.c (options, phases, report), lgctrl.c (the TCP
 * control connections, RFC 2637 section 2) and lggre.c (the GRE data path,
 * RFC 2637 section 4).
 */
#ifndef LOADGEN_H
#define LOADGEN_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "lgproc.h"

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

#define LG_BATCH	64
#define LG_PKTSZ	(20 + 16 + LG_MAXSIZE + 64)
/* RTT histogram: 1 us buckets below 100 ms, then 1 ms buckets to 100 s. */
#define LG_HIST_FINE	100000
#define LG_HIST		(2 * LG_HIST_FINE)
#define LG_GRE_PROTO	0x880b
#define LG_READY_WAIT	2.0		/* start data without the first GRE */
#define LG_SCAN_NS	100000000ULL	/* loss scan period */
#define LG_NS		1000000000ULL

enum lg_phase {
	LG_P_SETUP, LG_P_WARMUP, LG_P_WINDOW, LG_P_DRAIN, LG_P_DONE
};

struct lg_opts {
	struct in_addr	 server, src;
	uint16_t	 port;
	int		 n, nsrc, window, size, conc;
	double		 warmup, duration, drain, setup_to, loss_to, maxrun;
	double		 teardown_to;
	pid_t		 pid;
	const char	*stub;
};

struct lg_counts {
	uint64_t	 sent, echoed, lost, late, misrouted, other, ackonly;
	uint64_t	 stray, own, bytes, txerr;
};

struct lg_tx {
	uint8_t		 buf[LG_BATCH][16 + LG_MAXSIZE];
	struct iovec	 iov[LG_BATCH];
	struct mmsghdr	 mh[LG_BATCH];
	union {
		char	 b[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	}		 cm[LG_BATCH];
	struct sockaddr_in dst;
	int		 n;
};

struct lg {
	struct lg_opts	 o;
	struct lg_conn	*c;
	struct lg_slot	*slots;
	int		 epfd, raw;
	enum lg_phase	 phase;
	uint64_t	 now, t_phase, t_scan, t_begin;
	struct lg_ctrlstats cs;
	struct lg_counts k, k0, k1;
	uint64_t	 t0, t1;		/* window edges */
	struct lgproc_cpu cpu0, cpu1;
	uint64_t	 self0, self1;		/* our own CPU, ns */
	uint32_t	*hist;
	uint64_t	 hist_n, hist_over, hist_max;
	uint8_t		 tmpl[LG_MAXSIZE];
	struct lg_tx	 tx;
	struct lgproc_mem mem_before, mem_up, mem_after;
	double		 teardown_s;
	int		 aborted;
};

/* Big-endian (network order) fields of PPTP and GRE headers. */
static inline void
lg_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
lg_put32(uint8_t *p, uint32_t v)
{
	lg_put16(p, (uint16_t)(v >> 16));
	lg_put16(p + 2, (uint16_t)v);
}

static inline uint16_t
lg_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
lg_get32(const uint8_t *p)
{
	return (uint32_t)lg_get16(p) << 16 | lg_get16(p + 2);
}

/* lgctrl.c */
int	lgctrl_start(struct lg_conn *, struct in_addr server, uint16_t port,
	    int epfd, uint64_t now);
/* Handle readiness; returns the connection's new state. */
enum lg_cstate lgctrl_event(struct lg_conn *, int epfd, uint32_t events,
	    uint64_t now);
void	lgctrl_close(struct lg_conn *);

/* lggre.c */
int	lggre_open(struct lg *);
void	lggre_start(struct lg *, struct lg_conn *);
void	lggre_read(struct lg *);
void	lggre_flush(struct lg *);
void	lggre_loss_scan(struct lg *);

/* loadgen.c */
uint64_t lg_clock(void);

#endif
