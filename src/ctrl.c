/*
 * PPTP control connection state machine for the PAC (RFC 2637 3.1.2, 3.2.4).
 * Every state x message pair is decided here.  The PNS-only replies that a
 * client sends us out of role (OCRP, ICRP, ICCN, CDN, WEN) are logged and
 * ignored (CHECKLIST 43); anything malformed closes the connection
 * (RFC 2637 3.0).
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "ctrl.h"
#include "log.h"
#include "util.h"

#define OUR_FIRMWARE	0x0200
#define OUR_VENDOR	"pptpd"
#define OUR_WINDOW	64	/* grewin.h GREWIN_SLOTS; macOS uses it */

static const char *const state_names[] = {
	"idle", "established", "call", "call-done", "wait-stop-reply", "closed"
};

const char *
ctrl_state_str(enum ctrl_state s)
{
	return (unsigned int)s < nitems(state_names) ? state_names[s] : "?";
}

void
ctrl_init(struct ctrl *c, uint16_t call_id, int noresource,
    const char *hostname)
{
	memset(c, 0, sizeof(*c));
	c->call_id = call_id;
	c->noresource = (uint8_t)noresource;
	c->send_accm = c->recv_accm = 0xffffffff;	/* RFC 2637 2.15 */
	snprintf(c->hostname, sizeof(c->hostname), "%s", hostname);
}

static struct ctrlmsg *
out_msg(struct ctrl_out *o, uint16_t type)
{
	struct ctrlmsg *m = &o->msg[o->n++];

	memset(m, 0, sizeof(*m));
	m->type = type;
	return m;
}

static void
out_close(struct ctrl *c, struct ctrl_out *o, const char *why)
{
	o->act |= CTRL_ACT_CLOSE;
	o->why = why;
	if (c->state == CTRL_CALL)
		o->act |= CTRL_ACT_HANGUP;
	c->state = CTRL_CLOSED;
}

static void
send_sccrp(struct ctrl *c, struct ctrl_out *o, uint8_t result)
{
	struct ctrl_sccr *r = &out_msg(o, PPTP_SCCRP)->u.sccr;

	r->version = PPTP_VERSION;
	r->result = result;
	r->framing = 1;		/* asynchronous: what the pty gives pppd */
	r->bearer = 1;
	r->maxchan = 1;		/* one call per control connection */
	r->firmware = OUR_FIRMWARE;
	memcpy(r->host, c->hostname, sizeof(r->host));
	snprintf(r->vendor, sizeof(r->vendor), "%s", OUR_VENDOR);
}

static void
on_sccrq(struct ctrl *c, const struct ctrl_sccr *q, struct ctrl_out *o)
{
	if (c->state != CTRL_IDLE) {
		/* CHECKLIST 36: "Command channel already exists". */
		send_sccrp(c, o, PPTP_SCCRP_EXISTS);
		return;
	}
	memcpy(c->peer_host, q->host, sizeof(c->peer_host));
	memcpy(c->peer_vendor, q->vendor, sizeof(c->peer_vendor));
	if (q->version != PPTP_VERSION) {
		/* RFC 2637 3.1.2: reply with our version, then close. */
		send_sccrp(c, o, PPTP_SCCRP_VERSION);
		out_close(c, o, "unsupported protocol version");
		return;
	}
	send_sccrp(c, o, PPTP_SCCRP_OK);
	c->state = CTRL_ESTABLISHED;
}

static void
send_ocrp(struct ctrl_out *o, uint16_t call_id, uint16_t peer, uint8_t result,
    uint8_t error, uint32_t speed)
{
	struct ctrl_ocrp *r = &out_msg(o, PPTP_OCRP)->u.ocrp;

	r->call_id = call_id;
	r->peer_call_id = peer;		/* RFC 2637 2.8: the OCRQ's Call ID */
	r->result = result;
	r->error = error;
	if (result == PPTP_OCRP_CONNECTED) {
		r->speed = speed;
		r->window = OUR_WINDOW;
		r->channel = call_id;
	}
}

static void
on_ocrq(struct ctrl *c, const struct ctrl_ocrq *q, struct ctrl_out *o)
{
	if (c->state == CTRL_IDLE) {
		/* CHECKLIST 35: never start a call before SCCRQ. */
		send_ocrp(o, 0, q->call_id, PPTP_OCRP_GENERAL,
		    PPTP_ERR_NOTCONNECTED, 0);
		out_close(c, o, "Outgoing-Call-Request before "
		    "Start-Control-Connection-Request");
		return;
	}
	if (c->state != CTRL_ESTABLISHED || c->had_call || c->noresource) {
		/* RFC 2637 2.16 error 4: no resource for another call now. */
		send_ocrp(o, 0, q->call_id, PPTP_OCRP_GENERAL,
		    PPTP_ERR_NORESOURCE, 0);
		if (c->noresource)
			o->why = "no free address or connection slot";
		else
			o->why = "one call per control connection";
		return;
	}
	c->peer_call_id = q->call_id;
	c->maxbps = q->maxbps;
	c->peer_window = q->window;
	c->had_call = 1;
	c->state = CTRL_CALL;
	o->act |= CTRL_ACT_START;
	send_ocrp(o, c->call_id, q->call_id, PPTP_OCRP_CONNECTED, 0,
	    q->maxbps ? q->maxbps : 10000000);
}

static void
send_cdn(struct ctrl *c, struct ctrl_out *o, uint8_t result)
{
	struct ctrl_cdn *r = &out_msg(o, PPTP_CDN)->u.cdn;

	r->call_id = c->call_id;	/* RFC 2637 2.13: the PAC's id */
	r->result = result;
}

static void
send_stopccrq(struct ctrl *c, struct ctrl_out *o, uint8_t reason)
{
	out_msg(o, PPTP_STOPCCRQ)->u.stop.code = reason;
	c->state = CTRL_WAIT_STOP_REPLY;
}

static void
on_ccrq(struct ctrl *c, const struct ctrl_ccrq *q, struct ctrl_out *o)
{
	/* RFC 2637 2.12: named by the PNS's own call id. */
	if (c->state != CTRL_CALL || q->call_id != c->peer_call_id) {
		log_debug("ignoring Call-Clear-Request for call %u", q->call_id);
		return;
	}
	o->act |= CTRL_ACT_HANGUP;
	o->why = "Call-Clear-Request";
	send_cdn(c, o, PPTP_CDN_REQUEST);
	c->state = CTRL_CALL_DONE;
}

static void
on_sli(struct ctrl *c, const struct ctrl_sli *q, struct ctrl_out *o)
{
	/* RFC 2637 2.15: named by the PAC's call id. */
	if (c->state != CTRL_CALL || q->peer_call_id != c->call_id) {
		log_debug("ignoring Set-Link-Info for call %u",
		    q->peer_call_id);
		return;
	}
	c->send_accm = q->send_accm;
	c->recv_accm = q->recv_accm;
	o->act |= CTRL_ACT_ACCM;
}

static void
on_stopccrq(struct ctrl *c, struct ctrl_out *o)
{
	/* RFC 2637 2.3: all calls are cleared implicitly; no CDN needed. */
	out_msg(o, PPTP_STOPCCRP)->u.stop.code = PPTP_STOPCCRP_OK;
	out_close(c, o, "Stop-Control-Connection-Request");
}

static void
on_echorq(struct ctrl_out *o, uint32_t id)
{
	struct ctrl_echo *r = &out_msg(o, PPTP_ECHORP)->u.echo;

	r->id = id;		/* RFC 2637 2.6: copied from the request */
	r->result = PPTP_ECHORP_OK;
}

static void
on_icrq(const struct ctrl_icrq *q, struct ctrl_out *o)
{
	struct ctrl_icrp *r = &out_msg(o, PPTP_ICRP)->u.icrp;

	/* We are the PAC: a PNS cannot offer us an incoming call. */
	r->peer_call_id = q->call_id;
	r->result = PPTP_ICRP_DONOTACCEPT;
}

static void
on_wen(const struct ctrl_wen *q)
{
	log_info("WAN-Error-Notify: crc %u framing %u hw-overrun %u "
	    "buf-overrun %u timeout %u alignment %u", q->crc, q->framing,
	    q->hw_overrun, q->buf_overrun, q->timeout, q->align);
}

static void
dispatch(struct ctrl *c, const struct ctrlmsg *m, struct ctrl_out *o)
{
	switch (m->type) {
	case PPTP_SCCRQ:
		on_sccrq(c, &m->u.sccr, o);
		break;
	case PPTP_OCRQ:
		on_ocrq(c, &m->u.ocrq, o);
		break;
	case PPTP_STOPCCRQ:
		on_stopccrq(c, o);
		break;
	case PPTP_STOPCCRP:
		if (c->state == CTRL_WAIT_STOP_REPLY)
			out_close(c, o, "Stop-Control-Connection-Reply");
		break;
	case PPTP_ECHORQ:
		on_echorq(o, m->u.echo.id);
		break;
	case PPTP_ECHORP:
		if (c->echo_out && m->u.echo.id == c->echo_id) {
			c->echo_out = 0;
			o->act |= CTRL_ACT_ECHOED;
		}
		break;
	case PPTP_CCRQ:
		on_ccrq(c, &m->u.ccrq, o);
		break;
	case PPTP_SLI:
		on_sli(c, &m->u.sli, o);
		break;
	case PPTP_ICRQ:
		on_icrq(&m->u.icrq, o);
		break;
	case PPTP_WEN:
		on_wen(&m->u.wen);
		break;
	default:	/* OCRP, ICRP, ICCN, CDN, SCCRP: PAC-to-PNS messages */
		log_info("ignoring %s from the client", ctrlmsg_name(m->type));
		break;
	}
}

void
ctrl_input(struct ctrl *c, const uint8_t *p, size_t len, struct ctrl_out *o)
{
	struct ctrlmsg m;

	memset(o, 0, sizeof(*o));
	if (c->state == CTRL_CLOSED)
		return;
	if (ctrlmsg_decode(p, len, &m) != 0) {
		out_close(c, o, "malformed control message");
		return;
	}
	log_debug("received %s in state %s", ctrlmsg_name(m.type),
	    ctrl_state_str(c->state));
	if (c->state == CTRL_IDLE && m.type != PPTP_SCCRQ &&
	    m.type != PPTP_OCRQ) {
		/* RFC 2637 2.1: nothing before the control connection. */
		out_close(c, o, "message before "
		    "Start-Control-Connection-Request");
		return;
	}
	dispatch(c, &m, o);
}

void
ctrl_pppd_exited(struct ctrl *c, struct ctrl_out *o)
{
	memset(o, 0, sizeof(*o));
	if (c->state != CTRL_CALL)
		return;
	/* RFC 2637 3.2.4.1 and MS-PTPT 3.2.4: tell the client the call is
	 * gone, then that the control connection is closing. */
	send_cdn(c, o, PPTP_CDN_LOSTCARRIER);
	send_stopccrq(c, o, PPTP_STOP_NONE);
}

void
ctrl_call_failed(struct ctrl *c, struct ctrl_out *o)
{
	struct ctrl_ocrp *r;
	int i;

	if (c->state != CTRL_CALL || !(o->act & CTRL_ACT_START))
		return;
	/* Retract the "Connected" built with the START: the call never
	 * existed (RFC 2637 2.8 result 2, 2.16 error 6, PAC-Error). */
	for (i = 0; i < o->n; i++) {
		if (o->msg[i].type != PPTP_OCRP)
			continue;
		r = &o->msg[i].u.ocrp;
		memset(r, 0, sizeof(*r));
		r->peer_call_id = c->peer_call_id;
		r->result = PPTP_OCRP_GENERAL;
		r->error = PPTP_ERR_PACERROR;
	}
	o->act = (o->act & ~CTRL_ACT_START) | CTRL_ACT_HANGUP;
	o->why = "pppd could not be started";
	/* One call per connection: nothing more can happen on this one. */
	if (o->n < CTRL_OUT_MAX)
		send_stopccrq(c, o, PPTP_STOP_NONE);
	else
		out_close(c, o, o->why);
}

void
ctrl_shutdown(struct ctrl *c, struct ctrl_out *o)
{
	memset(o, 0, sizeof(*o));
	switch (c->state) {
	case CTRL_CALL:
		o->act |= CTRL_ACT_HANGUP;
		send_cdn(c, o, PPTP_CDN_ADMIN);
		send_stopccrq(c, o, PPTP_STOP_LOCAL);
		break;
	case CTRL_ESTABLISHED:
	case CTRL_CALL_DONE:
		send_stopccrq(c, o, PPTP_STOP_LOCAL);
		break;
	case CTRL_IDLE:
		out_close(c, o, "shutting down");
		break;
	case CTRL_WAIT_STOP_REPLY:
	case CTRL_CLOSED:
		break;
	}
	o->why = "shutting down";
}

void
ctrl_echo(struct ctrl *c, struct ctrl_out *o)
{
	memset(o, 0, sizeof(*o));
	/* Keep-alive only once a call is up: macOS allows nothing but the
	 * replies between SCCRQ and OCRP (CLIENT-QUIRKS 8). */
	if (c->state != CTRL_CALL && c->state != CTRL_CALL_DONE)
		return;
	c->echo_id++;
	c->echo_out = 1;
	out_msg(o, PPTP_ECHORQ)->u.echo.id = c->echo_id;
}
