/*
 * echoppp: a stand-in for pppd that echoes every byte it reads from the pty
 * slave (fd 0) back to it (fd 1), for the benchmark in tests/bench.
 *
 * Each async-HDLC frame (RFC 1662 section 4) the server writes to the pty
 * comes back verbatim, so its flags, escapes and FCS stay valid and the
 * server relays it back out as GRE: every packet crosses the server's data
 * path twice (GRE -> pty -> GRE).
 *
 * At start it puts the slave into raw mode (PoPToP clears only ECHO and
 * ECHONL, which would leave ICANON and OPOST mangling the bytes) and writes
 * one valid LCP Configure-Request frame, because PoPToP does not read GRE
 * until the pty has become readable once (pppd's first LCP frame).  The load
 * generator discards that frame when it comes back as GRE.
 *
 * The echo is non-blocking with a user-space buffer so that the server is
 * never stuck writing to a full pty while we are stuck writing back to it.
 * Exit on EOF, EIO (pty hung up) or SIGHUP.  The command line (pppd's argv)
 * is ignored.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define ECHO_BUFSZ	(1024 * 1024)	/* far more than any call keeps in flight */
#define ECHO_READSZ	(64 * 1024)

static uint8_t	echo_buf[ECHO_BUFSZ];

/* RFC 1662 C.2, bitwise (no table: it runs once). */
static uint16_t
echo_fcs16(uint16_t fcs, const uint8_t *p, size_t n)
{
	int	 i;

	while (n-- > 0) {
		fcs ^= *p++;
		for (i = 0; i < 8; i++)
			fcs = (fcs & 1) ? (uint16_t)((fcs >> 1) ^ 0x8408) :
			    (uint16_t)(fcs >> 1);
	}
	return fcs;
}

/* Escape with ACCM 0xffffffff (all of 0x00-0x1f), as pppd does before LCP. */
static size_t
echo_put(uint8_t *out, size_t o, uint8_t c)
{
	if (c < 0x20 || c == 0x7d || c == 0x7e) {
		out[o++] = 0x7d;
		out[o++] = c ^ 0x20;
	} else
		out[o++] = c;
	return o;
}

/* One LCP Configure-Request (id 1, Magic-Number option) as an HDLC frame. */
static size_t
echo_lcp_frame(uint8_t *out)
{
	static const uint8_t req[] = {
		0xff, 0x03, 0xc0, 0x21,		/* address, control, LCP */
		0x01, 0x01, 0x00, 0x0a,		/* Configure-Request, id 1, len 10 */
		0x05, 0x06, 0x50, 0x42, 0x4c, 0x47	/* Magic-Number */
	};
	uint16_t fcs;
	size_t	 i, o = 0;

	fcs = echo_fcs16(0xffff, req, sizeof(req)) ^ 0xffff;
	out[o++] = 0x7e;
	for (i = 0; i < sizeof(req); i++)
		o = echo_put(out, o, req[i]);
	o = echo_put(out, o, (uint8_t)(fcs & 0xff));	/* LSB first */
	o = echo_put(out, o, (uint8_t)(fcs >> 8));
	out[o++] = 0x7e;
	return o;
}

static void
echo_setup_tty(void)
{
	struct termios t;
	int	 fl;

	if (tcgetattr(0, &t) == 0) {
		cfmakeraw(&t);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		(void)tcsetattr(0, TCSANOW, &t);
	}
	/* fds 0 and 1 share one open file description: both become non-blocking. */
	fl = fcntl(0, F_GETFL);
	if (fl != -1)
		(void)fcntl(0, F_SETFL, fl | O_NONBLOCK);
	fl = fcntl(1, F_GETFL);
	if (fl != -1)
		(void)fcntl(1, F_SETFL, fl | O_NONBLOCK);
}

static void
echo_signals(void)
{
	struct sigaction sa;

	/* Our parent may have ignored these; pppd dies on hangup, so do we. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	(void)sigaction(SIGHUP, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGPIPE, &sa, NULL);
}

/* Returns 1 on progress, 0 on EAGAIN, -1 when the pty is gone. */
static int
echo_read(size_t *tail)
{
	size_t	 room = sizeof(echo_buf) - *tail;
	ssize_t	 n;

	if (room == 0)
		return 0;
	if (room > ECHO_READSZ)
		room = ECHO_READSZ;
	n = read(0, echo_buf + *tail, room);
	if (n > 0) {
		*tail += (size_t)n;
		return 1;
	}
	if (n == 0)
		return -1;
	return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
}

static int
echo_write(size_t *head, size_t *tail)
{
	ssize_t	 n;

	if (*head == *tail)
		return 0;
	n = write(1, echo_buf + *head, *tail - *head);
	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	*head += (size_t)n;
	if (*head == *tail)
		*head = *tail = 0;
	else if (*tail > sizeof(echo_buf) / 2) {
		memmove(echo_buf, echo_buf + *head, *tail - *head);
		*tail -= *head;
		*head = 0;
	}
	return n > 0;
}

static void
echo_wait(size_t head, size_t tail)
{
	struct pollfd pfd[2];

	pfd[0].fd = 0;
	pfd[0].events = tail < sizeof(echo_buf) ? POLLIN : 0;
	pfd[1].fd = 1;
	pfd[1].events = head != tail ? POLLOUT : 0;
	(void)poll(pfd, 2, 1000);
}

int
main(int argc, char **argv)
{
	size_t	 head = 0, tail = 0;
	int	 r, w;

	(void)argc;
	(void)argv;
	echo_signals();
	echo_setup_tty();
	tail = echo_lcp_frame(echo_buf);
	for (;;) {
		/* Flush first so the LCP frame leaves before any echo. */
		w = echo_write(&head, &tail);
		r = echo_read(&tail);
		if (r < 0 || w < 0)
			break;
		if (r == 0 && w == 0)
			echo_wait(head, tail);
	}
	return 0;
}
