/*
 * pptpctrl's one poll loop: the control connection, the pty to pppd, the
 * GRE socket, signals and timers.  The pty and GRE sides never block each
 * other: both descriptors are non-blocking and each direction has a bounded
 * queue that drops (and counts) rather than waits.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctrl.h"
#include "ctrlmsg.h"
#include "gre.h"
#include "gresock.h"
#include "grewin.h"
#include "hdlc.h"
#include "log.h"
#include "master.h"
#include "relay.h"
#include "util.h"

#define RX_BATCH	16		/* GRE packets per recvmmsg */
#define RX_PKT		2048		/* IP + GRE + PPP, with room */
#define TX_BATCH	16
#define PTY_RBUF	8192
#define PTYQ_SIZE	32768		/* HDLC bytes waiting for pppd */
#define CIN_SIZE	512		/* > the longest message, 220 */
#define COUT_SIZE	1024		/* replies are small and few */
#define STOP_WAIT_MS	5000		/* for our StopCCRQ's reply */
#define DRAIN_MS	2000		/* after our FIN, for the peer's */
#define PPPD_WAIT_MS	3000		/* after hangup, for pppd to exit */
#define PPPD_HOLD_MS	1500		/* longest GRE waits for pppd to speak */

enum { EV_TCP, EV_SIG, EV_GRE, EV_PTY, EV_PERR, EV_N };

struct relay {
	const struct relay_params *p;
	struct ctrl	 ctrl;
	int		 tcp, gre, pty, sfd, perr, ep;
	int		 evfd[EV_N];	/* what epoll watches, per slot */
	uint32_t	 evmask[EV_N];
	int		 call_up, closing, tcp_eof, wr_shut, pppd_alive;
	int		 started;	/* a call came up (pppd started) */
	int		 pppd_spoke;	/* pppd has written to the pty */
	int		 hung;		/* we hung up on pppd */
	uint64_t	 t_start, t_rx, t_echo, t_stop, t_drain, t_pppd;
	uint64_t	 t_call;
	uint64_t	 now;		/* read once per wake-up, after epoll */
	size_t		 cinlen, coutlen, ptyqlen;
	size_t		 ptyqoff;	/* ptyq holds [ptyqoff, +ptyqlen) */
	struct grewin	 win;
	struct hdlc_dec	 dec;
	struct hdlc_enc	 enc;
	unsigned long	 gre_rx, gre_bad, gre_tx, gre_txerr, pty_drop;
	char		 errline[256];
	size_t		 errlen;
	uint8_t		 cin[CIN_SIZE];
	uint8_t		 cout[COUT_SIZE];
	uint8_t		 ptyq[PTYQ_SIZE];
};

/* Big buffers live outside struct relay; untouched pages stay clean. */
static struct grewin_slot	reorder[GREWIN_SLOTS];
static uint8_t			rxbuf[RX_BATCH][RX_PKT];
static uint8_t			txhdr[TX_BATCH][GRE_HDR_MAX];
static uint8_t			txdata[TX_BATCH][PPTP_MAX_PPP];

static void	relay_apply(struct relay *, struct ctrl_out *);
static void	ev_want(struct relay *, int, int, uint32_t);

/* ---- control connection ---- */

static void
cout_flush(struct relay *r)
{
	ssize_t n;

	while (r->coutlen > 0) {
		n = send(r->tcp, r->cout, r->coutlen, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			log_debug("control send: %s", strerror(errno));
			r->coutlen = 0;
			r->tcp_eof = 1;
			return;
		}
		memmove(r->cout, r->cout + n, r->coutlen - (size_t)n);
		r->coutlen -= (size_t)n;
	}
}

static void
ctrl_send(struct relay *r, const struct ctrlmsg *m)
{
	int n;

	n = ctrlmsg_encode(m, r->cout + r->coutlen, sizeof(r->cout) -
	    r->coutlen);
	if (n < 0) {
		/* The peer does not read its replies: give up on it. */
		log_warnx("control output full; closing");
		r->closing = 1;
		return;
	}
	log_debug("sending %s", ctrlmsg_name(m->type));
	r->coutlen += (size_t)n;
}

static void
status_report(struct relay *r, int32_t ev)
{
	int32_t msg[2] = { (int32_t)getpid(), ev };

	if (r->p->status >= 0 && write(r->p->status, msg, sizeof(msg)) == -1)
		log_debug("status pipe: %s", strerror(errno));
}

static void
hangup(struct relay *r, const char *why)
{
	if (!r->hung && (r->pty >= 0 || r->pppd_alive)) {
		/* pppd sees the hangup (SIGHUP, EIO) and exits: we have no
		 * right to signal it once we are no longer root.  With the
		 * kernel's data path there is no pty: the launcher, told by
		 * pppd_hangup, stops it for us. */
		log_info("hanging up pppd: %s", why ? why : "call ended");
		if (r->pty >= 0) {
			ev_want(r, EV_PTY, -1, 0);
			close(r->pty);
			r->pty = -1;
			r->ptyqlen = r->ptyqoff = 0;
		}
		if (r->pppd_alive)
			pppd_hangup(r->p->ppp);
		r->hung = 1;
		r->t_pppd = r->now + PPPD_WAIT_MS;
	}
	r->call_up = 0;
}

static int
call_start(struct relay *r)
{
	/* GRE state exists before the OCRP is written (CLIENT-QUIRKS 24). */
	grewin_init(&r->win, reorder);
	hdlc_dec_init(&r->dec);
	hdlc_enc_init(&r->enc, 0xffffffff);
	r->t_call = r->now;
	if (pppd_go(r->p->ppp, r->ctrl.peer_call_id) != 0) {
		/* The launcher is gone, or could not make the kernel's
		 * socket (its stderr says why); one still waiting for its
		 * word stops what it started once "go" closes. */
		log_warnx("call %u/%u: starting pppd failed; refusing the call",
		    r->ctrl.call_id, r->ctrl.peer_call_id);
		pppd_hangup(r->p->ppp);
		return -1;
	}
	r->call_up = r->started = 1;
	r->pppd_alive = 1;
	/* No pty to wait on with the kernel's data path. */
	r->pppd_spoke = r->p->kernel;
	status_report(r, STATUS_CALL_UP);
	proctitle_call(r->ctrl.peer_call_id, r->ctrl.call_id);
	log_info("call %u/%u up (client window %u, %u bps)", r->ctrl.call_id,
	    r->ctrl.peer_call_id, r->ctrl.peer_window, r->ctrl.maxbps);
	if (!r->p->kernel)
		log_debug("HDLC on the pty: %s loops",
		    hdlc_accel_str(hdlc_accel(-1)));
	return 0;
}

static void
relay_apply(struct relay *r, struct ctrl_out *o)
{
	int i;

	if ((o->act & CTRL_ACT_START) && call_start(r) != 0)
		ctrl_call_failed(&r->ctrl, o);
	if (o->act & CTRL_ACT_ACCM)
		/* Escape what either direction's ACCM asks for: always
		 * safe for pppd's receiver (RFC 1662 7.1). */
		hdlc_enc_init(&r->enc, r->ctrl.send_accm | r->ctrl.recv_accm);
	if (o->act & CTRL_ACT_HANGUP)
		hangup(r, o->why);
	for (i = 0; i < o->n; i++)
		ctrl_send(r, &o->msg[i]);
	if (r->ctrl.state == CTRL_WAIT_STOP_REPLY && r->t_stop == 0)
		r->t_stop = r->now + STOP_WAIT_MS;
	if (o->act & CTRL_ACT_CLOSE) {
		if (o->why)
			log_info("closing: %s", o->why);
		r->closing = 1;
	} else if (o->why && o->n > 0)
		log_info("%s", o->why);
	cout_flush(r);
}

static void
tcp_read(struct relay *r)
{
	struct ctrl_out o;
	size_t len, off = 0;
	ssize_t n;
	int f;

	n = recv(r->tcp, r->cin + r->cinlen, sizeof(r->cin) - r->cinlen, 0);
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
		r->tcp_eof = 1;
		return;
	}
	if (n <= 0)
		return;
	if (r->closing)
		return;		/* draining after our FIN: discard */
	r->cinlen += (size_t)n;
	r->t_rx = r->now;
	while (!r->closing) {
		f = ctrlmsg_frame(r->cin + off, r->cinlen - off, &len);
		if (f == 0)
			break;
		if (f < 0) {
			log_warnx("closing: bad control stream: %s",
			    err_str(f));
			r->ctrl.state = CTRL_CLOSED;
			hangup(r, "bad control stream");
			r->closing = 1;
			break;
		}
		ctrl_input(&r->ctrl, r->cin + off, len, &o);
		if (o.act & CTRL_ACT_ECHOED)
			r->t_echo = 0;
		relay_apply(r, &o);
		off += len;
	}
	memmove(r->cin, r->cin + off, r->cinlen - off);
	r->cinlen -= off;
}

/* ---- GRE to pppd ---- */

static void
pty_queue(struct relay *r, const uint8_t *p, size_t len)
{
	size_t n;

	if (r->pty < 0)
		return;
	if (sizeof(r->ptyq) - r->ptyqlen < HDLC_ENC_MAX(len)) {
		r->pty_drop++;		/* pppd is slow: drop, never block */
		return;
	}
	/* Move what pppd has not taken yet only when the tail is short. */
	if (sizeof(r->ptyq) - r->ptyqoff - r->ptyqlen < HDLC_ENC_MAX(len)) {
		memmove(r->ptyq, r->ptyq + r->ptyqoff, r->ptyqlen);
		r->ptyqoff = 0;
	}
	n = hdlc_encode(&r->enc, p, len, r->ptyq + r->ptyqoff + r->ptyqlen,
	    sizeof(r->ptyq) - r->ptyqoff - r->ptyqlen);
	r->ptyqlen += n;
}

static void
pty_flush(struct relay *r)
{
	ssize_t n;

	if (r->pty < 0 || r->ptyqlen == 0)
		return;
	n = write(r->pty, r->ptyq + r->ptyqoff, r->ptyqlen);
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR)
			r->ptyqlen = r->ptyqoff = 0;
		return;
	}
	/* A partial write (the pty takes what fits) moves no bytes. */
	r->ptyqlen -= (size_t)n;
	r->ptyqoff = r->ptyqlen ? r->ptyqoff + (size_t)n : 0;
}

/*
 * GRE is left in the socket buffer until pppd first writes to the pty:
 * pppd flushes the tty when it takes the line over, so a client's LCP
 * Configure-Request written before that would be lost and the client would
 * wait out its 3 s restart timer.  Bounded, for a pppd told to be passive.
 */
static int
gre_ready(const struct relay *r, uint64_t now)
{
	return r->call_up && (r->pppd_spoke || now - r->t_call >= PPPD_HOLD_MS);
}

/* How many worst-case packets the pty queue can take now (0..RX_BATCH). */
static int
pty_room(const struct relay *r)
{
	size_t n = (sizeof(r->ptyq) - r->ptyqlen) / HDLC_ENC_MAX(PPTP_MAX_PPP);

	return n > RX_BATCH ? RX_BATCH : (int)n;
}

static void
gre_deliver(struct relay *r, uint32_t seq, const uint8_t *p, size_t len,
    uint64_t now)
{
	const uint8_t *q;
	size_t qlen;

	switch (grewin_rx(&r->win, seq, p, len, now)) {
	case GREWIN_FLUSH:
		while (grewin_pop(&r->win, 1, now, &q, &qlen))
			pty_queue(r, q, qlen);
		grewin_rx_jump(&r->win, seq);
		__attribute__((fallthrough));
	case GREWIN_DELIVER:
		pty_queue(r, p, len);
		while (grewin_pop(&r->win, 0, now, &q, &qlen))
			pty_queue(r, q, qlen);
		break;
	default:
		break;
	}
}

static void
gre_packet(struct relay *r, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct gre_hdr h;
	const uint8_t *g;
	size_t glen;
	uint32_t src;

	if (gre_strip_ip(pkt, len, &src, &g, &glen) != 0 ||
	    src != r->p->peer || gre_decode(g, glen, &h) != 0 ||
	    h.call_id != r->ctrl.call_id) {
		r->gre_bad++;
		return;
	}
	r->gre_rx++;
	if (h.has_ack)
		grewin_rx_ack(&r->win, h.ack);
	if (h.has_seq && h.paylen > 0)
		gre_deliver(r, h.seq, g + h.hdrlen, h.paylen, now);
}

static void
gre_read(struct relay *r)
{
	static struct mmsghdr mm[RX_BATCH];
	static struct iovec iov[RX_BATCH];
	uint64_t now = r->now;
	int i, n, rounds, want;

	/* recvmmsg only writes msg_len and msg_flags: set the rest once. */
	if (mm[0].msg_hdr.msg_iov == NULL) {
		for (i = 0; i < RX_BATCH; i++) {
			iov[i].iov_base = rxbuf[i];
			iov[i].iov_len = RX_PKT;
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
	}
	for (rounds = 0; rounds < 4; rounds++) {
		/* Take only what pppd's queue can surely hold; the rest waits
		 * in the socket buffer instead of being dropped here. */
		if ((want = pty_room(r)) == 0)
			break;
		n = recvmmsg(r->gre, mm, (unsigned int)want, MSG_DONTWAIT, NULL);
		if (n == -1) {
			/* ICMP errors surface here (ECONNREFUSED, ...): an
			 * error report is not the end of the call. */
			if (errno != EAGAIN && errno != EINTR)
				log_debug("GRE receive: %s", strerror(errno));
			if (errno == EAGAIN)
				break;
			continue;
		}
		for (i = 0; i < n; i++) {
			if (mm[i].msg_hdr.msg_flags & MSG_TRUNC)
				r->gre_bad++;
			else
				gre_packet(r, rxbuf[i], mm[i].msg_len, now);
		}
		pty_flush(r);
		if (n < want)
			break;
	}
}

/* ---- pppd to GRE ---- */

static void
gre_send_batch(struct relay *r, struct mmsghdr *mm, int n)
{
	int off = 0, k;

	while (off < n) {
		k = gresock_sendmmsg(r->gre, mm + off, (unsigned int)(n - off));
		if (k <= 0) {
			/* ENOBUFS, EMSGSIZE, ICMP-reported errors: drop
			 * this packet, keep the call (POPTOP-NOTES 5.2.4). */
			r->gre_txerr++;
			if (k == -1 && errno != EAGAIN && errno != ENOBUFS)
				log_debug("GRE send: %s", strerror(errno));
			off++;
			continue;
		}
		off += k;
		r->gre_tx += (unsigned long)k;
	}
}

static void
gre_ack_only(struct relay *r, uint32_t ack)
{
	uint8_t hdr[GRE_HDR_MAX];
	size_t n;

	/* RFC 2637 4.1: S=0, A=1, the ack where the seq would be. */
	n = gre_encode(hdr, sizeof(hdr), r->ctrl.peer_call_id, NULL, &ack, 0);
	if (send(r->gre, hdr, n, 0) == -1)
		r->gre_txerr++;
}

static void
pty_read(struct relay *r)
{
	static struct mmsghdr mm[TX_BATCH];
	static struct iovec iov[TX_BATCH][2];
	static uint8_t in[PTY_RBUF];
	const uint8_t *f;
	size_t flen, off = 0;
	uint32_t seq, ack;
	ssize_t n;
	int has_ack, k = 0;

	/* Header and payload buffers per slot never move: set them once. */
	if (mm[0].msg_hdr.msg_iov == NULL) {
		for (k = 0; k < TX_BATCH; k++) {
			iov[k][0].iov_base = txhdr[k];
			iov[k][1].iov_base = txdata[k];
			mm[k].msg_hdr.msg_iov = iov[k];
			mm[k].msg_hdr.msg_iovlen = 2;
		}
		k = 0;
	}
	n = read(r->pty, in, sizeof(in));
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			hangup(r, "pppd closed the pty");
		return;
	}
	r->pppd_spoke = 1;
	while (off < (size_t)n) {
		off += hdlc_decode(&r->dec, in + off, (size_t)n - off, &f, &flen);
		if (f == NULL || !r->call_up)
			continue;
		seq = grewin_tx(&r->win, &ack, &has_ack);
		iov[k][0].iov_len = gre_encode(txhdr[k], GRE_HDR_MAX,
		    r->ctrl.peer_call_id, &seq, has_ack ? &ack : NULL,
		    (uint16_t)flen);
		memcpy(txdata[k], f, flen);
		iov[k][1].iov_len = flen;
		if (++k == TX_BATCH) {
			gre_send_batch(r, mm, k);
			k = 0;
		}
	}
	if (k > 0)
		gre_send_batch(r, mm, k);
}

/* pppd's stderr, line by line, into our log (POPTOP-NOTES 5.2.11). */
static void
perr_read(struct relay *r)
{
	char buf[512], esc[1100];
	ssize_t n;
	int i;

	n = read(r->perr, buf, sizeof(buf));
	if (n <= 0) {
		if (n == 0 || errno != EAGAIN) {
			ev_want(r, EV_PERR, -1, 0);
			close(r->perr);
			r->perr = -1;
		}
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' || r->errlen == sizeof(r->errline) - 1) {
			log_warnx("pppd: %s", log_escape(esc, sizeof(esc),
			    r->errline, r->errlen));
			r->errlen = 0;
			if (buf[i] == '\n')
				continue;
		}
		r->errline[r->errlen++] = buf[i];
	}
}

/* ---- signals and timers ---- */

static void
pppd_reap(struct relay *r)
{
	struct ctrl_out o;
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (r->p->ppp == NULL || pid != r->p->ppp->pid)
			continue;
		r->pppd_alive = 0;
		if (WIFEXITED(st))
			log_info("pppd exited with status %d", WEXITSTATUS(st));
		else if (WIFSIGNALED(st))
			log_info("pppd killed by signal %d", WTERMSIG(st));
		hangup(r, NULL);
		ctrl_pppd_exited(&r->ctrl, &o);
		relay_apply(r, &o);
	}
}

static int
signals(struct relay *r)
{
	struct signalfd_siginfo si;
	struct ctrl_out o;

	while (read(r->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			pppd_reap(r);
		else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			ctrl_shutdown(&r->ctrl, &o);
			relay_apply(r, &o);
		}
	}
	return 0;
}

static void
timers(struct relay *r, uint64_t now)
{
	struct ctrl_out o;
	uint32_t ack;
	const uint8_t *q;
	size_t qlen;
	int ka = r->p->keepalive * 1000;
	enum ctrl_state s = r->ctrl.state;

	if (r->call_up) {
		while (grewin_pop(&r->win, 0, now, &q, &qlen))
			pty_queue(r, q, qlen);
		pty_flush(r);
		if (grewin_ack_due(&r->win, now, &ack))
			gre_ack_only(r, ack);
	}
	if (r->closing)
		return;
	if ((s == CTRL_IDLE || s == CTRL_ESTABLISHED) &&
	    now - r->t_start >= (uint64_t)r->p->stimeout * 1000) {
		/* stimeout: the call must be set up by now. */
		memset(&o, 0, sizeof(o));
		o.act = CTRL_ACT_CLOSE;
		o.why = "call not set up within stimeout";
		if (s == CTRL_ESTABLISHED) {
			o.n = 1;
			o.msg[0].type = PPTP_STOPCCRQ;
			o.msg[0].u.stop.code = PPTP_STOP_NONE;
		}
		r->ctrl.state = CTRL_CLOSED;
		relay_apply(r, &o);
	} else if (s == CTRL_WAIT_STOP_REPLY && now >= r->t_stop) {
		r->closing = 1;
		log_info("closing: no Stop-Control-Connection-Reply");
	} else if (s == CTRL_CALL_DONE &&
	    now - r->t_rx >= (uint64_t)r->p->stimeout * 1000) {
		r->closing = 1;
		log_info("closing: call cleared and the client went quiet");
	} else if (s == CTRL_CALL && r->t_echo == 0 &&
	    now - r->t_rx >= (uint64_t)ka) {
		/* RFC 2637 3.1.4: Echo-Request after 60 s of silence. */
		ctrl_echo(&r->ctrl, &o);
		r->t_echo = now;
		relay_apply(r, &o);
	} else if (s == CTRL_CALL && r->t_echo != 0 &&
	    now - r->t_echo >= (uint64_t)ka) {
		hangup(r, "no Echo-Reply");
		r->ctrl.state = CTRL_CLOSED;
		r->closing = 1;
		log_info("closing: no Echo-Reply within %d s",
		    r->p->keepalive);
	}
}

static int
next_timeout(struct relay *r, uint64_t now)
{
	uint64_t t = now + 60000, g;
	uint64_t ka = (uint64_t)r->p->keepalive * 1000;
	uint64_t st = (uint64_t)r->p->stimeout * 1000;

#define MIN_T(x) do { if ((x) < t) t = (x); } while (0)
	if (r->call_up && (g = grewin_next_timer(&r->win)) != 0)
		MIN_T(g);
	if (r->closing) {
		MIN_T(r->t_drain);
	} else if (r->ctrl.state == CTRL_IDLE ||
	    r->ctrl.state == CTRL_ESTABLISHED || r->ctrl.state == CTRL_CALL_DONE)
		MIN_T((r->ctrl.state == CTRL_CALL_DONE ? r->t_rx : r->t_start) +
		    st);
	else if (r->ctrl.state == CTRL_WAIT_STOP_REPLY)
		MIN_T(r->t_stop);
	else if (r->ctrl.state == CTRL_CALL)
		MIN_T(r->t_echo ? r->t_echo + ka : r->t_rx + ka);
	if (r->hung && r->pppd_alive)
		MIN_T(r->t_pppd);
	if (r->call_up && !r->pppd_spoke)
		MIN_T(r->t_call + PPPD_HOLD_MS);
#undef MIN_T
	return t <= now ? 0 : (int)(t - now);
}

/* ---- the loop ---- */

static int
finished(struct relay *r, uint64_t now)
{
	if (r->closing && r->t_drain == 0)
		r->t_drain = now + DRAIN_MS;	/* bounds a stuck flush */
	if (r->closing && !r->wr_shut && (r->coutlen == 0 || r->tcp_eof)) {
		/* RFC 2637 3.1.2: make sure the final message is pushed;
		 * FIN first, then drain so close() does not reset it. */
		shutdown(r->tcp, SHUT_WR);
		r->wr_shut = 1;
		r->t_drain = now + DRAIN_MS;
	}
	if (r->tcp_eof && !r->closing) {
		log_info("control connection closed by the client");
		hangup(r, "control connection closed");
		r->closing = 1;
		r->wr_shut = 1;
	}
	if (!r->closing || !(r->tcp_eof || now >= r->t_drain))
		return 0;
	/* Give pppd a moment to leave, so its exit status is logged. */
	return !r->pppd_alive || now >= r->t_pppd;
}

/*
 * epoll, with interest changed only when it changes: a wake-up costs the
 * ready descriptors, not a registration of all five (poll's cost showed
 * at a thousand calls).
 */
static void
ev_want(struct relay *r, int slot, int fd, uint32_t mask)
{
	struct epoll_event ev;

	if (fd < 0)
		mask = 0;
	if (r->evfd[slot] == fd && r->evmask[slot] == mask)
		return;
	if (r->evmask[slot] != 0 && (r->evfd[slot] != fd || mask == 0)) {
		epoll_ctl(r->ep, EPOLL_CTL_DEL, r->evfd[slot], NULL);
		r->evmask[slot] = 0;
	}
	if (mask != 0) {
		memset(&ev, 0, sizeof(ev));
		ev.events = mask;
		ev.data.u32 = (uint32_t)slot;
		if (epoll_ctl(r->ep, r->evmask[slot] ? EPOLL_CTL_MOD :
		    EPOLL_CTL_ADD, fd, &ev) == -1)
			log_warn("epoll_ctl");
	}
	r->evfd[slot] = fd;
	r->evmask[slot] = mask;
}

static void
relay_poll(struct relay *r)
{
	uint64_t now = r->now;
	struct epoll_event evs[EV_N];
	uint32_t rev[EV_N] = { 0 };
	int i, n;

	ev_want(r, EV_TCP, r->tcp_eof ? -1 : r->tcp,
	    EPOLLIN | (r->coutlen ? EPOLLOUT : 0));
	ev_want(r, EV_SIG, r->sfd, EPOLLIN);
	ev_want(r, EV_GRE, r->gre,
	    gre_ready(r, now) && pty_room(r) > 0 ? EPOLLIN : 0);
	ev_want(r, EV_PTY, r->pty, EPOLLIN | (r->ptyqlen ? EPOLLOUT : 0));
	ev_want(r, EV_PERR, r->perr, EPOLLIN);
	n = epoll_wait(r->ep, evs, EV_N, next_timeout(r, now));
	/* The one clock read of a wake-up (a real system call where there
	 * is no vDSO, as under user-mode-linux): the handlers and the next
	 * round's timers use it. */
	r->now = now_ms();
	for (i = 0; i < n; i++)
		rev[evs[i].data.u32 % EV_N] |= evs[i].events;
	if (rev[EV_SIG])
		signals(r);
	if (rev[EV_TCP] & (EPOLLIN | EPOLLHUP | EPOLLERR))
		tcp_read(r);
	if (rev[EV_TCP] & EPOLLOUT)
		cout_flush(r);
	if (rev[EV_GRE] && r->call_up)
		gre_read(r);
	if (r->pty >= 0 && (rev[EV_PTY] & EPOLLOUT))
		pty_flush(r);
	if (r->pty >= 0 && (rev[EV_PTY] & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		pty_read(r);
	if (r->perr >= 0 && rev[EV_PERR])
		perr_read(r);
}

static int
relay_setup(struct relay *r, const struct relay_params *p)
{
	sigset_t set;
	int i;

	/* r is static and so already zero: no memset, which would dirty
	 * every page of the queues of a call that never uses them. */
	r->p = p;
	r->tcp = p->tcp;
	r->gre = p->gre;
	r->pty = p->pty;
	r->perr = p->ppp ? p->ppp->err : -1;
	r->now = r->t_start = r->t_rx = now_ms();
	for (i = 0; i < EV_N; i++)
		r->evfd[i] = -1;
	if ((r->ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		log_warn("epoll");
		return -1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1 ||
	    (r->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
		log_warn("signalfd");
		return -1;
	}
	return 0;
}

int
relay_run(const struct relay_params *p)
{
	static struct relay r;
	char host[PPTP_HOSTNAME_LEN + 1];

	if (relay_setup(&r, p) != 0)
		return 1;
	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "pptpd");
	host[PPTP_HOSTNAME_LEN] = '\0';
	ctrl_init(&r.ctrl, p->call_id, p->noresource, host);
	for (;;) {
		timers(&r, r.now);
		if (finished(&r, r.now))
			break;
		relay_poll(&r);
	}
	if (r.started && p->kernel)
		log_info("call %u/%u ended (the kernel carried its data)",
		    r.ctrl.call_id, r.ctrl.peer_call_id);
	else if (r.started)
		log_info("call %u/%u ended: GRE in %lu (%lu bad), out %lu "
		    "(%lu errors); to pppd dropped %lu; reordered %lu, lost "
		    "%lu, duplicates %lu; from pppd bad FCS %lu",
		    r.ctrl.call_id, r.ctrl.peer_call_id, r.gre_rx, r.gre_bad,
		    r.gre_tx, r.gre_txerr, r.pty_drop, r.win.rx_reordered,
		    r.win.rx_lost, r.win.rx_dups, r.dec.bad_fcs);
	close(r.tcp);
	return 0;
}
