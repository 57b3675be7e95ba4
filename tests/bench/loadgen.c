/*
 * loadgen: PPTP load generator (the PNS side) for tests/bench.
 *
 * Opens N control connections to a PPTP server (SCCRQ then OCRQ each), each
 * from a chosen 127.x.y.z source address, then keeps W enhanced-GRE data
 * packets (RFC 2637 section 4.1) in flight per call and counts what the
 * server sends back.  The server runs a stand-in pppd (echoppp) that echoes
 * every frame, so each packet crosses the server's data path twice.
 *
 * Phases: setup (connects, paced by -c), warmup, measurement window, drain,
 * memory snapshot, teardown.  With -P the server's process tree is sampled
 * for CPU time at the window's edges and for memory (lgproc.c).  Results are
 * printed as key=value lines for run-bench; see README.
 *
 * GRE: one raw socket, unbound, for all calls (per-address sockets would
 * lengthen the kernel's walk over raw GRE sockets, a cost charged to the
 * server when it sends); the source address of each packet is chosen with
 * IP_PKTINFO, returning packets are told apart by the key's call ID (ours,
 * unique per connection), and a socket filter drops our own outgoing
 * packets, which loopback also shows to an unbound raw socket.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lgproc.h"
#include "loadgen.h"

#define LG_BATCH	64
#define LG_PKTSZ	(20 + 16 + LG_MAXSIZE + 64)
#define LG_HIST		100000		/* RTT histogram: 1 us buckets */
#define LG_GRE_PROTO	0x880b
#define LG_READY_WAIT	2.0		/* start data without the first GRE */
#define LG_SCAN_NS	100000000ULL	/* loss scan period */
#define NS		1000000000ULL

static const uint8_t lg_magic[4] = { 'P', 'B', 'L', 'G' };

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

static volatile sig_atomic_t lg_stop;

static uint64_t
lg_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

static uint64_t
lg_selfcpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) *
	    NS + ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) *
	    1000;
}

static void
lg_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
lg_put32(uint8_t *p, uint32_t v)
{
	lg_put16(p, (uint16_t)(v >> 16));
	lg_put16(p + 2, (uint16_t)v);
}

static uint16_t
lg_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
lg_get32(const uint8_t *p)
{
	return (uint32_t)lg_get16(p) << 16 | lg_get16(p + 2);
}

/* RFC 1982-style serial comparison: a after b (RFC 2637 4.1 wraps at 2^32). */
static int
lg_seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* ---- usage and options ---- */

static void
lg_usage(void)
{
	fprintf(stderr,
	    "usage: loadgen [-s SERVER] [-p PORT] [-n CALLS] [-a SRCBASE] [-A NSRC]\n"
	    "               [-w WINDOW] [-S SIZE] [-W WARMUP] [-d DURATION] [-D DRAIN]\n"
	    "               [-c CONCURRENCY] [-T SETUP_TIMEOUT] [-L LOSS_TIMEOUT]\n"
	    "               [-M MAX_RUNTIME] [-X TEARDOWN_TIMEOUT] [-P SERVER_PID]\n"
	    "               [-x STUB_COMM]\n"
	    "  -d 0 only sets calls up (setup rate, memory); -c 0 connects all at once\n");
	exit(2);
}

static double
lg_num(const char *s, double lo, double hi)
{
	char	*end;
	double	 v;

	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "loadgen: bad number '%s' (%g..%g)\n", s, lo, hi);
		exit(2);
	}
	return v;
}

static void
lg_addr(const char *s, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1) {
		fprintf(stderr, "loadgen: bad IPv4 address '%s'\n", s);
		exit(2);
	}
}

static void
lg_defaults(struct lg_opts *o)
{
	memset(o, 0, sizeof(*o));
	lg_addr("127.0.0.1", &o->server);
	lg_addr("127.1.0.1", &o->src);
	o->port = 1723;
	o->n = 1;
	o->nsrc = 0;			/* 0: one address per connection */
	o->window = 8;
	o->size = 1400;
	o->conc = 3;
	o->warmup = 1;
	o->duration = 5;
	o->drain = 2;
	o->setup_to = 30;
	o->loss_to = 1;
	o->maxrun = 900;
	o->teardown_to = 0;		/* 0: derived from n */
	o->stub = "echoppp";
}

static void
lg_options(struct lg_opts *o, int argc, char **argv)
{
	int	 ch;

	lg_defaults(o);
	while ((ch = getopt(argc, argv, "a:A:c:d:D:L:M:n:p:P:s:S:T:w:W:x:X:")) != -1) {
		switch (ch) {
		case 'a': lg_addr(optarg, &o->src); break;
		case 'A': o->nsrc = (int)lg_num(optarg, 0, 65535); break;
		case 'c': o->conc = (int)lg_num(optarg, 0, 65535); break;
		case 'd': o->duration = lg_num(optarg, 0, 3600); break;
		case 'D': o->drain = lg_num(optarg, 0, 60); break;
		case 'L': o->loss_to = lg_num(optarg, 0.01, 60); break;
		case 'M': o->maxrun = lg_num(optarg, 1, 86400); break;
		case 'n': o->n = (int)lg_num(optarg, 1, 65535); break;
		case 'p': o->port = (uint16_t)lg_num(optarg, 1, 65535); break;
		case 'P': o->pid = (pid_t)lg_num(optarg, 1, 1 << 22); break;
		case 's': lg_addr(optarg, &o->server); break;
		case 'S': o->size = (int)lg_num(optarg, LG_MINSIZE, LG_MAXSIZE); break;
		case 'T': o->setup_to = lg_num(optarg, 0.1, 3600); break;
		case 'w': o->window = (int)lg_num(optarg, 1, 4096); break;
		case 'W': o->warmup = lg_num(optarg, 0, 3600); break;
		case 'x': o->stub = optarg; break;
		case 'X': o->teardown_to = lg_num(optarg, 0, 3600); break;
		default: lg_usage();
		}
	}
	if (optind != argc)
		lg_usage();
	if (o->nsrc == 0 || o->nsrc > o->n)
		o->nsrc = o->n;
	if (o->teardown_to == 0)
		o->teardown_to = 10 + o->n / 50.0;
}

/* ---- setup of sockets and state ---- */

static int
lg_raw_filter(int fd, struct in_addr server)
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

static int
lg_raw_open(struct lg *lg)
{
	int	 sz = 32 * 1024 * 1024, one = 1;

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
	if (lg_raw_filter(lg->raw, lg->o.server) == -1) {
		perror("loadgen: SO_ATTACH_FILTER");
		return -1;
	}
	return 0;
}

static void
lg_nofile(int n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 64) {
		rl.rlim_cur = (rlim_t)n + 64;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			perror("loadgen: setrlimit(RLIMIT_NOFILE)");
	}
}

static void
lg_template(struct lg *lg)
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
	memcpy(lg->tmpl + 4, lg_magic, 4);
}

static int
lg_init(struct lg *lg)
{
	uint32_t base = ntohl(lg->o.src.s_addr);
	int	 i;

	lg->c = calloc((size_t)lg->o.n, sizeof(*lg->c));
	lg->slots = calloc((size_t)lg->o.n * (size_t)lg->o.window,
	    sizeof(*lg->slots));
	lg->hist = calloc(LG_HIST, sizeof(*lg->hist));
	if (lg->c == NULL || lg->slots == NULL || lg->hist == NULL)
		return -1;
	for (i = 0; i < lg->o.n; i++) {
		lg->c[i].fd = -1;
		lg->c[i].idx = i;
		lg->c[i].cid = (uint16_t)(i + 1);
		lg->c[i].src.s_addr = htonl(base + (uint32_t)(i % lg->o.nsrc));
		lg->c[i].slots = lg->slots + (size_t)i * (size_t)lg->o.window;
	}
	lg_template(lg);
	lg->tx.dst.sin_family = AF_INET;
	lg->tx.dst.sin_addr = lg->o.server;
	lg->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (lg->epfd == -1 || lg_raw_open(lg) == -1)
		return -1;
	return 0;
}

/* ---- GRE transmit ---- */

static void
lg_tx_flush(struct lg *lg)
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
lg_gre_header(struct lg_conn *c, uint8_t *h, uint16_t plen)
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
lg_tx_prepare(struct lg *lg, struct lg_conn *c, size_t len)
{
	struct lg_tx *tx = &lg->tx;
	struct in_pktinfo *pi;
	struct cmsghdr *cm;
	struct msghdr *mh = &tx->mh[tx->n].msg_hdr;

	tx->iov[tx->n].iov_base = tx->buf[tx->n];
	tx->iov[tx->n].iov_len = len;
	memset(mh, 0, sizeof(*mh));
	mh->msg_name = &tx->dst;
	mh->msg_namelen = sizeof(tx->dst);
	mh->msg_iov = &tx->iov[tx->n];
	mh->msg_iovlen = 1;
	mh->msg_control = tx->cm[tx->n].b;
	mh->msg_controllen = sizeof(tx->cm[tx->n].b);
	cm = CMSG_FIRSTHDR(mh);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(*pi));
	pi = (struct in_pktinfo *)(void *)CMSG_DATA(cm);
	memset(pi, 0, sizeof(*pi));
	pi->ipi_spec_dst = c->src;		/* our source address */
	if (++tx->n == LG_BATCH)
		lg_tx_flush(lg);
}

/* (Re)fill one slot: a data packet stamped with slot, tag and send time. */
static void
lg_send(struct lg *lg, struct lg_conn *c, int slot)
{
	struct lg_slot *s = &c->slots[slot];
	uint16_t size = (uint16_t)lg->o.size;
	uint8_t	*p = lg->tx.buf[lg->tx.n];
	size_t	 hl;

	hl = lg_gre_header(c, p, size);
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
	lg_tx_prepare(lg, c, hl + size);
}

static int
lg_sending_phase(const struct lg *lg)
{
	return lg->phase == LG_P_WARMUP || lg->phase == LG_P_WINDOW;
}

static void
lg_start_data(struct lg *lg, struct lg_conn *c)
{
	int	 i;

	c->sending = 1;
	for (i = 0; i < lg->o.window; i++)
		lg_send(lg, c, i);
}

/* ---- GRE receive ---- */

static void
lg_rtt(struct lg *lg, uint64_t sent)
{
	uint64_t us = lg->now > sent ? (lg->now - sent) / 1000 : 0;

	if (us > lg->hist_max)
		lg->hist_max = us;
	if (us < LG_HIST)
		lg->hist[us]++;
	else
		lg->hist_over++;
	lg->hist_n++;
}

static void
lg_payload(struct lg *lg, struct lg_conn *c, const uint8_t *p, uint16_t plen)
{
	struct lg_slot *s;
	uint32_t idx, tag;
	uint16_t slot;

	if (plen < LG_MINSIZE || memcmp(p + 4, lg_magic, 4) != 0) {
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
		lg_rtt(lg, (uint64_t)lg_get32(p + 24) << 32 | lg_get32(p + 28));
	if (lg_sending_phase(lg) && c->sending)
		lg_send(lg, c, slot);
}

/* One packet from the raw socket: IPv4 header, enhanced GRE (RFC 2637 4.1). */
static void
lg_gre_rx(struct lg *lg, const uint8_t *pkt, size_t len)
{
	struct lg_conn *c;
	size_t	 ihl, off;
	uint16_t plen, cid;
	uint32_t seq = 0;
	int	 has_seq;

	if (len < 20 || (pkt[0] >> 4) != 4)
		return;
	if (memcmp(pkt + 16, &lg->o.server.s_addr, 4) == 0) {
		lg->k.own++;		/* the socket filter should have */
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
		if (!c->have_ack || lg_seq_after(seq, c->ack))
			c->ack = seq;
		c->have_ack = 1;
	}
	if (!has_seq || plen == 0) {
		lg->k.ackonly++;
		return;
	}
	lg_payload(lg, c, pkt + off, plen);
}

static void
lg_raw_read(struct lg *lg)
{
	static uint8_t bufs[LG_BATCH][LG_PKTSZ];
	struct mmsghdr mh[LG_BATCH];
	struct iovec iov[LG_BATCH];
	int	 i, n, rounds;

	for (rounds = 0; rounds < 16; rounds++) {
		memset(mh, 0, sizeof(mh));
		for (i = 0; i < LG_BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			mh[i].msg_hdr.msg_iov = &iov[i];
			mh[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(lg->raw, mh, LG_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		lg->now = lg_clock();
		for (i = 0; i < n; i++)
			lg_gre_rx(lg, bufs[i], mh[i].msg_len);
		if (n < LG_BATCH)
			return;
	}
}

/* ---- control connections ---- */

static void
lg_conn_state(struct lg *lg, struct lg_conn *c, enum lg_cstate st)
{
	enum lg_cstate old = c->state;
	int	 i;

	if (st == old)
		return;
	c->state = st;
	if (st == LG_C_UP) {
		lg->cs.insetup--;
		lg->cs.nup++;
		lg->cs.t_last_up = c->t_up;
	} else if (st == LG_C_FAILED) {
		lg->cs.insetup--;
		lg->cs.nfailed++;
		if (old == LG_C_CONNECTING)
			lg->cs.conn_err++;
		else if (old == LG_C_WAIT_SCCRP)
			lg->cs.sccrp_err++;
		else if (old == LG_C_WAIT_OCRP)
			lg->cs.ocrp_err++;
		lgctrl_close(c);
	} else if (st == LG_C_DOWN) {
		lg->cs.nup--;
		lg->cs.ndropped++;
		for (i = 0; i < lg->o.window; i++)
			c->slots[i].busy = 0;
		lg->k.lost += (uint64_t)c->busy;
		c->busy = 0;
		c->sending = 0;
		lgctrl_close(c);
	}
}

static void
lg_connect_more(struct lg *lg)
{
	struct lg_conn *c;

	while (lg->cs.nstarted < lg->o.n &&
	    (lg->o.conc == 0 || lg->cs.insetup < lg->o.conc)) {
		c = &lg->c[lg->cs.nstarted++];
		if (lg->cs.t_first == 0)
			lg->cs.t_first = lg->now;
		lg->cs.insetup++;
		if (lgctrl_start(c, lg->o.server, lg->o.port, lg->epfd,
		    lg->now) == -1) {
			c->state = LG_C_CONNECTING;
			lg_conn_state(lg, c, LG_C_FAILED);
		}
	}
}

static void
lg_setup_timeouts(struct lg *lg)
{
	uint64_t to = (uint64_t)(lg->o.setup_to * NS);
	struct lg_conn *c;
	int	 i;

	for (i = 0; i < lg->cs.nstarted; i++) {
		c = &lg->c[i];
		if ((c->state == LG_C_CONNECTING || c->state == LG_C_WAIT_SCCRP ||
		    c->state == LG_C_WAIT_OCRP) && lg->now - c->t_start > to) {
			lg->cs.timeouts++;
			lg_conn_state(lg, c, LG_C_FAILED);
		}
	}
}

/* ---- timers: loss scan, phase changes ---- */

static void
lg_loss_scan(struct lg *lg)
{
	uint64_t to = (uint64_t)(lg->o.loss_to * NS);
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
			if (lg_sending_phase(lg))
				lg_send(lg, c, j);
		}
	}
}

/* Start calls whose first GRE arrived (PoPToP reads GRE only after that). */
static int
lg_start_ready(struct lg *lg)
{
	int	 i, waiting = 0, late;

	late = lg->now - lg->t_phase > (uint64_t)(LG_READY_WAIT * NS);
	for (i = 0; i < lg->o.n; i++) {
		if (lg->c[i].state != LG_C_UP || lg->c[i].sending)
			continue;
		if (lg->c[i].got_gre || late)
			lg_start_data(lg, &lg->c[i]);
		else
			waiting++;
	}
	return waiting;
}

static void
lg_window_edge(struct lg *lg, int start)
{
	if (start) {
		lg->k0 = lg->k;
		lg->self0 = lg_selfcpu();
		if (lg->o.pid)
			lgproc_cpu(lg->o.pid, lg->o.stub, &lg->cpu0);
		lg->t0 = lg_clock();
	} else {
		lg->t1 = lg_clock();
		lg->k1 = lg->k;
		lg->self1 = lg_selfcpu();
		if (lg->o.pid)
			lgproc_cpu(lg->o.pid, lg->o.stub, &lg->cpu1);
	}
	lg->now = lg_clock();
}

static void
lg_phase(struct lg *lg, enum lg_phase p)
{
	lg->phase = p;
	lg->t_phase = lg->now;
}

static int
lg_outstanding(const struct lg *lg)
{
	int	 i, n = 0;

	for (i = 0; i < lg->o.n; i++)
		n += lg->c[i].busy;
	return n;
}

static void
lg_tick_setup(struct lg *lg)
{
	lg_setup_timeouts(lg);
	lg_connect_more(lg);
	if (lg->cs.nstarted < lg->o.n || lg->cs.insetup > 0)
		return;
	if (lg->cs.nup == 0 || lg->o.duration == 0)
		lg_phase(lg, LG_P_DONE);
	else
		lg_phase(lg, LG_P_WARMUP);
}

static void
lg_tick(struct lg *lg)
{
	double	 in = (double)(lg->now - lg->t_phase) / NS;

	if (lg->phase == LG_P_SETUP) {
		lg_tick_setup(lg);
		return;
	}
	if (lg->now - lg->t_scan >= LG_SCAN_NS) {
		lg->t_scan = lg->now;
		lg_loss_scan(lg);
	}
	if (lg->phase == LG_P_WARMUP) {
		if (lg_start_ready(lg) == 0 && in >= lg->o.warmup) {
			lg_window_edge(lg, 1);
			lg_phase(lg, LG_P_WINDOW);
		}
	} else if (lg->phase == LG_P_WINDOW) {
		if (in >= lg->o.duration) {
			lg_window_edge(lg, 0);
			lg_phase(lg, LG_P_DRAIN);
		}
	} else if (lg->phase == LG_P_DRAIN) {
		if (lg_outstanding(lg) == 0 || in >= lg->o.drain) {
			lg->k.lost += (uint64_t)lg_outstanding(lg);
			lg_phase(lg, LG_P_DONE);
		}
	}
}

/* ---- the loop ---- */

static void
lg_loop(struct lg *lg)
{
	struct epoll_event ev[256];
	uint64_t limit;
	int	 i, n;

	lg->now = lg->t_begin = lg_clock();
	limit = lg->t_begin + (uint64_t)(lg->o.maxrun * NS);
	lg_phase(lg, LG_P_SETUP);
	while (lg->phase != LG_P_DONE) {
		if (lg->now > limit || lg_stop) {
			lg->aborted = 1;
			break;
		}
		n = epoll_wait(lg->epfd, ev, 256, lg->phase == LG_P_SETUP ? 5 : 2);
		lg->now = lg_clock();
		for (i = 0; i < n; i++) {
			if (ev[i].data.ptr == NULL)
				lg_raw_read(lg);
			else
				lg_conn_state(lg, ev[i].data.ptr,
				    lgctrl_event(ev[i].data.ptr, lg->epfd,
				    ev[i].events, lg->now));
		}
		lg_tick(lg);
		lg_tx_flush(lg);
	}
	lg_tx_flush(lg);
}

static int
lg_raw_watch(struct lg *lg)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	return epoll_ctl(lg->epfd, EPOLL_CTL_ADD, lg->raw, &ev);
}

/* ---- teardown ---- */

static void
lg_teardown(struct lg *lg)
{
	uint64_t t, limit;
	int	 i;

	for (i = 0; i < lg->o.n; i++)
		lgctrl_close(&lg->c[i]);
	t = lg_clock();
	limit = t + (uint64_t)(lg->o.teardown_to * NS);
	if (!lg->o.pid)
		return;
	for (;;) {
		lgproc_mem(lg->o.pid, lg->o.stub, &lg->mem_after);
		if (!lg->mem_after.alive ||
		    (lg->mem_after.nctrl == 0 && lg->mem_after.nstub == 0))
			break;
		if (lg_clock() > limit) {
			lg->teardown_s = -1;
			return;
		}
		usleep(50000);
	}
	lg->teardown_s = (double)(lg_clock() - t) / NS;
}

/* ---- report ---- */

static double
lg_pct(const struct lg *lg, double p)
{
	uint64_t want, sum = 0;
	int	 i;

	if (lg->hist_n == 0)
		return 0;
	want = (uint64_t)(p * (double)lg->hist_n + 0.999999);
	if (want == 0)
		want = 1;
	for (i = 0; i < LG_HIST; i++) {
		sum += lg->hist[i];
		if (sum >= want)
			return i;
	}
	return (double)lg->hist_max;
}

static int
lg_cmpd(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
lg_report_setup(const struct lg *lg)
{
	double	*v, span;
	int	 i, n = 0;

	v = calloc((size_t)lg->o.n, sizeof(*v));
	for (i = 0; v != NULL && i < lg->o.n; i++)
		if (lg->c[i].t_up)
			v[n++] = (double)(lg->c[i].t_up - lg->c[i].t_start) / 1e6;
	span = lg->cs.t_last_up > lg->cs.t_first ?
	    (double)(lg->cs.t_last_up - lg->cs.t_first) / NS : 0;
	printf("calls=%d\ncalls_up=%d\ncalls_failed=%d\n", lg->o.n,
	    lg->cs.nup + lg->cs.ndropped, lg->cs.nfailed);
	printf("fail_connect=%d\nfail_sccrp=%d\nfail_ocrp=%d\nfail_timeout=%d\n",
	    lg->cs.conn_err, lg->cs.sccrp_err, lg->cs.ocrp_err, lg->cs.timeouts);
	printf("calls_dropped=%d\n", lg->cs.ndropped);
	printf("setup_s=%.3f\nsetup_rate=%.1f\n", span,
	    span > 0 ? (lg->cs.nup + lg->cs.ndropped) / span : 0);
	if (n > 0) {
		qsort(v, (size_t)n, sizeof(*v), lg_cmpd);
		printf("setup_p50_ms=%.2f\nsetup_p99_ms=%.2f\nsetup_max_ms=%.2f\n",
		    v[(n - 1) / 2], v[(n * 99 + 99) / 100 - 1], v[n - 1]);
	}
	free(v);
}

static void
lg_report_data(const struct lg *lg)
{
	double	 secs = (double)(lg->t1 - lg->t0) / NS;
	double	 sent = (double)(lg->k1.sent - lg->k0.sent);
	double	 echo = (double)(lg->k1.echoed - lg->k0.echoed);
	double	 bytes = (double)(lg->k1.bytes - lg->k0.bytes);
	double	 srv = (double)(lg->cpu1.server_ns - lg->cpu0.server_ns) / 1e3;
	double	 stub = (double)(lg->cpu1.stub_ns - lg->cpu0.stub_ns) / 1e3;
	double	 self = (double)(lg->self1 - lg->self0) / 1e3;

	if (lg->t1 == 0 || secs <= 0)
		return;
	printf("window_s=%.3f\nsize=%d\nwindow=%d\n", secs, lg->o.size,
	    lg->o.window);
	printf("sent=%.0f\nechoed=%.0f\n", sent, echo);
	printf("pps=%.0f\nmbps=%.2f\n", echo / secs, bytes * 8 / secs / 1e6);
	printf("rtt_p50_us=%.0f\nrtt_p99_us=%.0f\nrtt_max_us=%llu\n",
	    lg_pct(lg, 0.50), lg_pct(lg, 0.99), (unsigned long long)lg->hist_max);
	printf("lost=%llu\nlate=%llu\nmisrouted=%llu\nother=%llu\nackonly=%llu\n"
	    "stray=%llu\nown=%llu\ntxerr=%llu\n", (unsigned long long)lg->k.lost,
	    (unsigned long long)lg->k.late, (unsigned long long)lg->k.misrouted,
	    (unsigned long long)lg->k.other, (unsigned long long)lg->k.ackonly,
	    (unsigned long long)lg->k.stray, (unsigned long long)lg->k.own,
	    (unsigned long long)lg->k.txerr);
	printf("total_sent=%llu\ntotal_echoed=%llu\n",
	    (unsigned long long)lg->k.sent, (unsigned long long)lg->k.echoed);
	if (echo > 0)
		printf("client_cpu_per_echo_us=%.3f\n", self / echo);
	if (!lg->o.pid || !lg->cpu0.alive || !lg->cpu1.alive || echo <= 0)
		return;
	printf("cpu_source=%s\nserver_cpu_s=%.3f\nserver_procs=%d\n",
	    lgproc_cpu_source(), srv / 1e6, lg->cpu1.nserver);
	/* A forwarded packet: one relay direction (GRE->pty or pty->GRE). */
	printf("cpu_per_fwd_us=%.3f\ncpu_per_echo_us=%.3f\n",
	    srv / (sent + echo), srv / echo);
	printf("stub_cpu_per_echo_us=%.3f\n", stub / echo);
}

static void
lg_report_mem(const struct lg *lg)
{
	const struct lgproc_mem *b = &lg->mem_before, *u = &lg->mem_up;
	const struct lgproc_mem *a = &lg->mem_after;
	int	 calls = lg->cs.nup;

	if (!lg->o.pid)
		return;
	printf("master_rss_kb_before=%ld\nmaster_pd_kb_before=%ld\n",
	    b->master_rss_kb, b->master_pd_kb);
	if (u->alive) {
		printf("master_rss_kb_up=%ld\nmaster_pd_kb_up=%ld\n",
		    u->master_rss_kb, u->master_pd_kb);
		printf("ctrl_procs=%d\nstub_procs=%d\n", u->nctrl, u->nstub);
	}
	if (u->alive && u->nctrl > 0)
		printf("ctrl_rss_kb=%ld\nctrl_pd_kb=%ld\n",
		    u->ctrl_rss_kb / u->nctrl, u->ctrl_pd_kb / u->nctrl);
	/* Per call, whatever the architecture: growth of the whole server. */
	if (u->alive && calls > 0)
		printf("percall_rss_kb=%.0f\npercall_pd_kb=%.0f\n",
		    (double)(u->master_rss_kb + u->ctrl_rss_kb - b->master_rss_kb) /
		    calls, (double)(u->master_pd_kb + u->ctrl_pd_kb -
		    b->master_pd_kb) / calls);
	if (a->alive)
		printf("master_rss_kb_after=%ld\nmaster_pd_kb_after=%ld\n",
		    a->master_rss_kb, a->master_pd_kb);
	printf("teardown_s=%.2f\n", lg->teardown_s);
	printf("server_alive=%d\n", a->alive);
}

static void
lg_onsig(int sig)
{
	(void)sig;
	lg_stop = 1;
}

int
main(int argc, char **argv)
{
	static struct lg lg;

	lg_options(&lg.o, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, lg_onsig);
	signal(SIGTERM, lg_onsig);
	lg_nofile(lg.o.n);
	if (lg_init(&lg) == -1 || lg_raw_watch(&lg) == -1) {
		fprintf(stderr, "loadgen: initialisation failed\n");
		return 1;
	}
	if (lg.o.pid)
		lgproc_mem(lg.o.pid, lg.o.stub, &lg.mem_before);
	lg_loop(&lg);
	if (lg.o.pid)
		lgproc_mem(lg.o.pid, lg.o.stub, &lg.mem_up);
	lg_teardown(&lg);
	printf("aborted=%d\n", lg.aborted);
	lg_report_setup(&lg);
	lg_report_data(&lg);
	lg_report_mem(&lg);
	return lg.cs.nup + lg.cs.ndropped > 0 ? 0 : 1;
}
