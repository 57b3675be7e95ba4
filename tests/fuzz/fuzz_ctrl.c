/*
 * Fuzz target for src/ctrl.c, the control connection and call state
 * machine, driven the way relay.c drives it.
 *
 * Input: octet 0 bit 0 = no resource for calls, bit 1 = starting pppd
 * fails (relay.c then calls ctrl_call_failed()); octets 1-2 = our call id.
 * Then records, each starting with an op octet:
 *   0x00-0x7f  op + 1 octets of TCP stream from the peer, framed with
 *              ctrlmsg_frame() (messages may span records; a framing
 *              error closes the connection, as in relay.c tcp_read());
 *   0x80       pppd exited             0x81  shutdown (SIGTERM)
 *   0x82       keep-alive timer: ctrl_echo() if a call is up (relay.c)
 *   0x83       the Echo-Reply to our last Echo-Request, in the stream
 *   0x84 T     a well-formed message of type T (mod 16), its body taken
 *              from the next octets, in the stream
 *   0x85 T M   the same message mutated by M (length +-1, magic, PPTP
 *              message type, control type 0/16/0xffff, truncation),
 *              given to ctrl_input() directly (bypassing the framer)
 *   0x86 L     L raw octets to ctrl_input() directly
 *   others     ignored
 * Properties, abort() on any violation:
 *  - at most CTRL_OUT_MAX replies, each a valid message a PAC may send,
 *    encoding to exactly its RFC size and decoding back;
 *  - START at most once per connection, never with "no resource", only
 *    with an OCRP result 1 carrying our call id and the peer's from the
 *    OCRQ just received, and only after an SCCRP result 1;
 *  - an OCRP result 1 only with START; HANGUP only after START and at
 *    most once; a CDN only for a started call, with our call id, at most
 *    once; SCCRP result 1 at most once; StopCCRQ at most once;
 *  - before SCCRP result 1, only SCCRP or an OCRP error is sent;
 *  - an Echo-Reply carries the request's identifier;
 *  - a failed start turns the OCRP into General Error / PAC-Error, hangs
 *    up and sends a StopCCRQ, and no START is left;
 *  - after CLOSE the state is closed and nothing more is sent or done.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * ctrl.c logs every message it ignores; at fuzzing speed writing that out
 * would be most of the run time.  Compile it in here with its log calls
 * renamed to stubs that still format (so bad format arguments show under
 * the sanitizers) but print nothing.
 */
#define log_info	fuzz_log_info
#define log_debug	fuzz_log_debug
#define log_warn	fuzz_log_warn
#define log_warnx	fuzz_log_warnx
#include "ctrl.c"
#undef log_info
#undef log_debug
#undef log_warn
#undef log_warnx

#include "fuzz.h"

static void __attribute__((format(printf, 1, 0)))
fuzz_vlog(const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
}

void
fuzz_log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fuzz_vlog(fmt, ap);
	va_end(ap);
}

void
fuzz_log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fuzz_vlog(fmt, ap);
	va_end(ap);
}

void
fuzz_log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fuzz_vlog(fmt, ap);
	va_end(ap);
}

void
fuzz_log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fuzz_vlog(fmt, ap);
	va_end(ap);
}

/* One connection: the FSM, relay.c's input buffer, and a tally. */
static struct {
	struct ctrl	c;
	uint8_t		cin[1024];
	size_t		cinlen;
	int		closing;	/* relay.c r->closing */
	int		noresource;
	int		startfail;	/* pppd_go() fails */
	int		started, hangups, cdns, sccrp_ok, stopccrqs;
	int		closed;		/* CLOSE was asked for */
	/* what the message being processed asked for */
	int		in_ocrq;
	uint16_t	in_ocrq_id;
	int		in_echorq;
	uint32_t	in_echo_id;
} F;

static void
fuzz_check_msg(const struct ctrlmsg *m)
{
	uint8_t b[PPTP_MAX_MSG_LEN + 1];
	struct ctrlmsg d;
	int n;

	memset(b, 0xee, sizeof(b));
	n = ctrlmsg_encode(m, b, sizeof(b) - 1);
	FUZZ_CHECK(n > 0 && (size_t)n == ctrlmsg_size(m->type));
	FUZZ_CHECK(b[PPTP_MAX_MSG_LEN] == 0xee);
	FUZZ_CHECK(ctrlmsg_decode(b, (size_t)n, &d) == 0);
	FUZZ_CHECK(d.type == m->type);
}

/* Check one ctrl_out against everything seen so far. */
static void
fuzz_out(const struct ctrl_out *o)
{
	int i, ok_ocrp = 0;

	if (F.closed) {
		FUZZ_CHECK(o->n == 0 && o->act == 0);
		FUZZ_CHECK(F.c.state == CTRL_CLOSED);
		return;
	}
	FUZZ_CHECK(o->n >= 0 && o->n <= CTRL_OUT_MAX);
	FUZZ_CHECK((o->act & ~(CTRL_ACT_START | CTRL_ACT_HANGUP |
	    CTRL_ACT_CLOSE | CTRL_ACT_ACCM | CTRL_ACT_ECHOED)) == 0);
	for (i = 0; i < o->n; i++) {
		const struct ctrlmsg *m = &o->msg[i];

		fuzz_check_msg(m);
		if (!F.sccrp_ok)
			FUZZ_CHECK(m->type == PPTP_SCCRP ||
			    (m->type == PPTP_OCRP &&
			    m->u.ocrp.result != PPTP_OCRP_CONNECTED));
		switch (m->type) {
		case PPTP_SCCRP:
			FUZZ_CHECK(m->u.sccr.version == PPTP_VERSION);
			if (m->u.sccr.result == PPTP_SCCRP_OK) {
				FUZZ_CHECK(!F.sccrp_ok);
				F.sccrp_ok = 1;
			}
			break;
		case PPTP_OCRP:
			FUZZ_CHECK(F.in_ocrq);
			FUZZ_CHECK(m->u.ocrp.peer_call_id == F.in_ocrq_id);
			if (m->u.ocrp.result == PPTP_OCRP_CONNECTED) {
				FUZZ_CHECK(m->u.ocrp.call_id == F.c.call_id);
				FUZZ_CHECK(m->u.ocrp.window != 0);
				ok_ocrp = 1;
			} else
				FUZZ_CHECK(m->u.ocrp.error != 0);
			break;
		case PPTP_CDN:
			FUZZ_CHECK(F.started);
			FUZZ_CHECK(m->u.cdn.call_id == F.c.call_id);
			FUZZ_CHECK(++F.cdns == 1);
			break;
		case PPTP_ECHORP:
			FUZZ_CHECK(F.in_echorq);
			FUZZ_CHECK(m->u.echo.id == F.in_echo_id);
			break;
		case PPTP_STOPCCRQ:
			FUZZ_CHECK(++F.stopccrqs == 1);
			break;
		case PPTP_STOPCCRP:
		case PPTP_ECHORQ:
		case PPTP_ICRP:
			break;
		default:
			FUZZ_CHECK(!"a PAC never sends this message");
		}
	}
	if (o->act & CTRL_ACT_START) {
		FUZZ_CHECK(!F.noresource);
		FUZZ_CHECK(ok_ocrp);
		FUZZ_CHECK(++F.started == 1);
	} else
		FUZZ_CHECK(!ok_ocrp);
	if (o->act & CTRL_ACT_HANGUP) {
		FUZZ_CHECK(F.started && !(o->act & CTRL_ACT_START));
		FUZZ_CHECK(++F.hangups == 1);
	}
	if (o->act & CTRL_ACT_CLOSE) {
		F.closed = 1;
		FUZZ_CHECK(F.c.state == CTRL_CLOSED);
	}
	if (F.c.state == CTRL_CLOSED)
		F.closed = 1;
}

/* What is about to be given to ctrl_input(), for the reply checks. */
static void
fuzz_note_input(const uint8_t *p, size_t len)
{
	struct ctrlmsg m;

	F.in_ocrq = F.in_echorq = 0;
	if (ctrlmsg_decode(p, len, &m) != 0)
		return;
	if (m.type == PPTP_OCRQ) {
		F.in_ocrq = 1;
		F.in_ocrq_id = m.u.ocrq.call_id;
	}
	if (m.type == PPTP_ECHORQ) {
		F.in_echorq = 1;
		F.in_echo_id = m.u.echo.id;
	}
}

static void
fuzz_input(const uint8_t *p, size_t len)
{
	struct ctrl_out o;

	fuzz_note_input(p, len);
	memset(&o, 0xa5, sizeof(o));
	ctrl_input(&F.c, p, len, &o);
	fuzz_out(&o);
	if (F.startfail && (o.act & CTRL_ACT_START)) {
		/* relay.c relay_apply(): call_start() failed */
		ctrl_call_failed(&F.c, &o);
		FUZZ_CHECK(!(o.act & CTRL_ACT_START));
		FUZZ_CHECK(o.act & CTRL_ACT_HANGUP);
		FUZZ_CHECK(o.msg[0].type == PPTP_OCRP &&
		    o.msg[0].u.ocrp.result == PPTP_OCRP_GENERAL &&
		    o.msg[0].u.ocrp.error == PPTP_ERR_PACERROR);
		fuzz_out(&o);
	}
	if (o.act & CTRL_ACT_CLOSE)
		F.closing = 1;
}

/* relay.c tcp_read() */
static void
fuzz_tcp(const uint8_t *p, size_t n)
{
	size_t off = 0, len;
	int f;

	if (F.closing)
		return;
	if (n > sizeof(F.cin) - F.cinlen)
		n = sizeof(F.cin) - F.cinlen;
	memcpy(F.cin + F.cinlen, p, n);
	F.cinlen += n;
	while (!F.closing) {
		f = ctrlmsg_frame(F.cin + off, F.cinlen - off, &len);
		if (f == 0)
			break;
		if (f < 0) {
			/* relay.c closes without asking the FSM */
			F.c.state = CTRL_CLOSED;
			F.closing = 1;
			F.closed = 1;
			break;
		}
		FUZZ_CHECK(len <= F.cinlen - off);
		fuzz_input(F.cin + off, len);
		off += len;
	}
	memmove(F.cin, F.cin + off, F.cinlen - off);
	F.cinlen -= off;
	/* A full buffer without a message cannot happen: 220 < 1024. */
	FUZZ_CHECK(F.closing || F.cinlen < PPTP_MAX_MSG_LEN);
}

static void
fuzz_event(void (*fn)(struct ctrl *, struct ctrl_out *))
{
	struct ctrl_out o;

	F.in_ocrq = F.in_echorq = 0;
	memset(&o, 0xa5, sizeof(o));
	fn(&F.c, &o);
	fuzz_out(&o);
	if (o.act & CTRL_ACT_CLOSE)
		F.closing = 1;
}

/* A well-formed message of type t, body from p (zero-filled). */
static size_t
fuzz_build(uint8_t *b, unsigned int t, const uint8_t *p, size_t n)
{
	size_t sz = ctrlmsg_size(t), body;

	memset(b, 0, PPTP_MAX_MSG_LEN + 4);
	if (sz == 0)
		sz = 16;
	body = sz - PPTP_HDR_LEN;
	memcpy(b + PPTP_HDR_LEN, p, n < body ? n : body);
	b[0] = (uint8_t)(sz >> 8);
	b[1] = (uint8_t)sz;
	b[3] = PPTP_MSG_CONTROL;
	b[4] = 0x1a;
	b[5] = 0x2b;
	b[6] = 0x3c;
	b[7] = 0x4d;
	b[8] = (uint8_t)(t >> 8);
	b[9] = (uint8_t)t;
	return sz;
}

int
LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	uint8_t b[PPTP_MAX_MSG_LEN + 4];
	size_t off, len, body;

	if (n < 3)
		return 0;
	memset(&F, 0, sizeof(F));
	F.noresource = p[0] & 1;
	F.startfail = (p[0] >> 1) & 1;
	ctrl_init(&F.c, (uint16_t)(p[1] << 8 | p[2]), F.noresource,
	    "fuzzhost");
	for (off = 3; off < n; ) {
		uint8_t op = p[off++];

		if (op < 0x80) {
			len = (size_t)op + 1;
			if (len > n - off)
				len = n - off;
			fuzz_tcp(p + off, len);
			off += len;
			continue;
		}
		switch (op) {
		case 0x80:
			fuzz_event(ctrl_pppd_exited);
			break;
		case 0x81:
			fuzz_event(ctrl_shutdown);
			break;
		case 0x82:
			/* relay.c sends keep-alives only during a call */
			if (F.c.state == CTRL_CALL && !F.closing)
				fuzz_event(ctrl_echo);
			break;
		case 0x83: {
			struct ctrlmsg m;

			memset(&m, 0, sizeof(m));
			m.type = PPTP_ECHORP;
			m.u.echo.id = F.c.echo_id;
			m.u.echo.result = 1;
			len = (size_t)ctrlmsg_encode(&m, b, sizeof(b));
			fuzz_tcp(b, len);
			break;
		}
		case 0x84:
		case 0x85:
			if (off >= n)
				return 0;
			{
				unsigned int t = p[off++] % 16;
				unsigned int mut = 0;

				if (op == 0x85) {
					if (off >= n)
						return 0;
					mut = p[off++];
				}
				body = ctrlmsg_size(t) ? ctrlmsg_size(t) -
				    PPTP_HDR_LEN : 4;
				len = fuzz_build(b, t, p + off,
				    n - off < body ? n - off : body);
				off += n - off < body ? n - off : body;
				if (op == 0x84) {
					fuzz_tcp(b, len);
					break;
				}
				switch (mut % 8) {
				case 0:	b[1]++; len++; break;
				case 1:	b[1]--; len--; break;
				case 2:	b[4 + mut / 8 % 4] ^= 0x10; break;
				case 3:	b[3] = 2; break;
				case 4:	b[9] = 0; break;
				case 5:	b[9] = 16; break;
				case 6:	b[8] = b[9] = 0xff; break;
				case 7:	len = mut / 8 % len; break;
				}
				fuzz_input(b, len);
			}
			break;
		case 0x86:
			if (off >= n)
				return 0;
			len = p[off++];
			if (len > n - off)
				len = n - off;
			fuzz_input(p + off, len);
			off += len;
			break;
		default:
			break;
		}
	}
	return 0;
}
