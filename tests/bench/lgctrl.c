/*
 * lgctrl: the load generator's PPTP control connections (the PNS side):
 * TCP connect from a chosen source address, SCCRQ, OCRQ, then answer
 * Echo-Requests while the call is held.  Message layouts: RFC 2637
 * section 2 (see RFC2637-CHECKLIST.md section B).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loadgen.h"

#define LGC_MAGIC	0x1a2b3c4dU
#define LGC_SCCRQ	1
#define LGC_SCCRP	2
#define LGC_STOPCCRQ	3
#define LGC_ECHORQ	5
#define LGC_ECHORP	6
#define LGC_OCRQ	7
#define LGC_OCRP	8
#define LGC_CDN		13
#define LGC_WINDOW	64	/* our Packet Recv. Window Size */

static void
lgc_header(uint8_t *m, uint16_t len, uint16_t type)
{
	memset(m, 0, len);
	lg_put16(m, len);
	lg_put16(m + 2, 1);		/* Control Message */
	lg_put32(m + 4, LGC_MAGIC);
	lg_put16(m + 8, type);
}

static int
lgc_send(struct lg_conn *c, const uint8_t *m, size_t len)
{
	ssize_t	 n;

	/* Tiny messages on an idle socket: a short write means trouble. */
	n = send(c->fd, m, len, MSG_NOSIGNAL);
	return n == (ssize_t)len ? 0 : -1;
}

static int
lgc_send_sccrq(struct lg_conn *c)
{
	uint8_t	 m[156];

	lgc_header(m, sizeof(m), LGC_SCCRQ);
	lg_put16(m + 12, 0x0100);	/* protocol version 1.0 */
	lg_put32(m + 16, 1);		/* framing: async */
	lg_put32(m + 20, 1);		/* bearer: analog */
	memcpy(m + 28, "loadgen", 7);
	memcpy(m + 92, "pptpd bench", 11);
	return lgc_send(c, m, sizeof(m));
}

static int
lgc_send_ocrq(struct lg_conn *c)
{
	uint8_t	 m[168];

	lgc_header(m, sizeof(m), LGC_OCRQ);
	lg_put16(m + 12, c->cid);
	lg_put16(m + 14, c->cid);		/* call serial number */
	lg_put32(m + 16, 300);			/* minimum bps */
	lg_put32(m + 20, 100000000);		/* maximum bps */
	lg_put32(m + 24, 3);			/* bearer: any */
	lg_put32(m + 28, 3);			/* framing: any */
	lg_put16(m + 32, LGC_WINDOW);
	return lgc_send(c, m, sizeof(m));
}

static int
lgc_send_echorp(struct lg_conn *c, const uint8_t *req)
{
	uint8_t	 m[20];

	lgc_header(m, sizeof(m), LGC_ECHORP);
	memcpy(m + 12, req + 12, 4);		/* identifier, copied (RFC 2.6) */
	m[16] = 1;				/* OK */
	return lgc_send(c, m, sizeof(m));
}

int
lgctrl_start(struct lg_conn *c, struct in_addr server, uint16_t port,
    int epfd, uint64_t now)
{
	struct sockaddr_in sin;
	struct epoll_event ev;
	int	 one = 1;

	c->t_start = now;
	c->state = LG_C_FAILED;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd == -1)
		return -1;
	(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	(void)setsockopt(c->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = c->src;
	if (bind(c->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		goto fail;
	sin.sin_addr = server;
	sin.sin_port = htons(port);
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno != EINPROGRESS)
		goto fail;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLOUT;
	ev.data.ptr = c;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) == -1)
		goto fail;
	c->state = LG_C_CONNECTING;
	return 0;
fail:
	lgctrl_close(c);
	return -1;
}

void
lgctrl_close(struct lg_conn *c)
{
	if (c->fd != -1)
		close(c->fd);		/* also leaves the epoll set */
	c->fd = -1;
}

static enum lg_cstate
lgc_connected(struct lg_conn *c, int epfd)
{
	struct epoll_event ev;
	int	 err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 || err)
		return LG_C_FAILED;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = c;
	if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) == -1)
		return LG_C_FAILED;
	if (lgc_send_sccrq(c) == -1)
		return LG_C_FAILED;
	return LG_C_WAIT_SCCRP;
}

/* One complete control message: returns the new state. */
static enum lg_cstate
lgc_message(struct lg_conn *c, const uint8_t *m, size_t len, uint64_t now)
{
	uint16_t type = lg_get16(m + 8);

	switch (type) {
	case LGC_SCCRP:
		if (c->state != LG_C_WAIT_SCCRP)
			return c->state;
		if (len < 16 || m[14] != 1 || lgc_send_ocrq(c) == -1)
			return LG_C_FAILED;
		return LG_C_WAIT_OCRP;
	case LGC_OCRP:
		if (c->state != LG_C_WAIT_OCRP)
			return c->state;
		if (len < 32 || m[16] != 1 || lg_get16(m + 14) != c->cid)
			return LG_C_FAILED;
		c->peer_cid = lg_get16(m + 12);
		c->t_up = now;
		return LG_C_UP;
	case LGC_ECHORQ:
		if (len >= 16 && lgc_send_echorp(c, m) == -1)
			return c->state == LG_C_UP ? LG_C_DOWN : LG_C_FAILED;
		return c->state;
	case LGC_CDN:
	case LGC_STOPCCRQ:
		return c->state == LG_C_UP ? LG_C_DOWN : LG_C_FAILED;
	default:
		return c->state;	/* SLI, StopCCRP, ...: nothing to do */
	}
}

static enum lg_cstate
lgc_read(struct lg_conn *c, uint64_t now)
{
	enum lg_cstate st = c->state;
	size_t	 off = 0, mlen;
	ssize_t	 n;

	n = recv(c->fd, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen, 0);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return st == LG_C_UP ? LG_C_DOWN : LG_C_FAILED;
	if (n < 0)
		return st;
	c->rlen += (size_t)n;
	while (c->rlen - off >= 12 && st != LG_C_FAILED && st != LG_C_DOWN) {
		mlen = lg_get16(c->rbuf + off);
		if (mlen < 12 || mlen > sizeof(c->rbuf))
			return st == LG_C_UP ? LG_C_DOWN : LG_C_FAILED;
		if (c->rlen - off < mlen)
			break;
		c->state = st;
		st = lgc_message(c, c->rbuf + off, mlen, now);
		off += mlen;
	}
	memmove(c->rbuf, c->rbuf + off, c->rlen - off);
	c->rlen -= off;
	return st;
}

enum lg_cstate
lgctrl_event(struct lg_conn *c, int epfd, uint32_t events, uint64_t now)
{
	enum lg_cstate st = c->state;

	if (c->fd == -1)
		return st;
	if (st == LG_C_CONNECTING) {
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return st;
		st = lgc_connected(c, epfd);
		if (st == LG_C_FAILED)
			return st;
		c->state = st;
	}
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		st = lgc_read(c, now);
	return st;
}
