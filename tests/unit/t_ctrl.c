/*
 * Unit tests for src/ctrl.c, the control connection and call state
 * machine of the PAC (RFC 2637 3.1.2, 3.2.4; CHECKLIST D and E; the wire
 * behaviour list of the design notes).  Every state x message pair and
 * every local event, then the captured client sessions replayed.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ctrl.h"
#include "ctrlmsg.h"
#include "log.h"
#include "pptp_proto.h"
#include "util.h"

#include "ctest.h"
#include "vectors.h"

#define OURID	42
#define PEERID	0x1234
#define HOST	"testhost"

static struct ctrl c;
static struct ctrl_out o;

/* Every reply must be a valid message of its exact RFC length that
 * survives our own decoder. */
static void
check_out(void)
{
	uint8_t b[PPTP_MAX_MSG_LEN + 8];
	struct ctrlmsg d;
	int i, n;

	CHECK(o.n >= 0 && o.n <= CTRL_OUT_MAX);
	for (i = 0; i < o.n && i < CTRL_OUT_MAX; i++) {
		n = ctrlmsg_encode(&o.msg[i], b, sizeof(b));
		CHECK_EQ(n, (int)ctrlmsg_size(o.msg[i].type));
		if (n > 0)
			CHECK_EQ(ctrlmsg_decode(b, (size_t)n, &d), 0);
		/* a PAC sends only these */
		switch (o.msg[i].type) {
		case PPTP_SCCRP: case PPTP_STOPCCRQ: case PPTP_STOPCCRP:
		case PPTP_ECHORQ: case PPTP_ECHORP: case PPTP_OCRP:
		case PPTP_ICRP: case PPTP_CDN:
			break;
		default:
			CHECK(!"a PAC never sends this type");
		}
	}
}

static void
input_raw(const uint8_t *p, size_t len)
{
	memset(&o, 0xa5, sizeof(o));
	ctrl_input(&c, p, len, &o);
	check_out();
}

static void
input(const struct ctrlmsg *m)
{
	uint8_t b[PPTP_MAX_MSG_LEN];
	int n = ctrlmsg_encode(m, b, sizeof(b));

	CHECK(n > 0);
	if (n > 0)
		input_raw(b, (size_t)n);
}

static struct ctrlmsg *
msg(uint16_t type)
{
	static struct ctrlmsg m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	return &m;
}

static void
sccrq(uint16_t version)
{
	struct ctrlmsg *m = msg(PPTP_SCCRQ);

	m->u.sccr.version = version;
	m->u.sccr.framing = 3;
	m->u.sccr.bearer = 3;
	m->u.sccr.maxchan = 65535;
	strcpy(m->u.sccr.host, "client");
	strcpy(m->u.sccr.vendor, "tester");
	input(m);
}

static void
ocrq(uint16_t call_id, uint32_t maxbps)
{
	struct ctrlmsg *m = msg(PPTP_OCRQ);

	m->u.ocrq.call_id = call_id;
	m->u.ocrq.serial = 77;
	m->u.ocrq.minbps = 300;
	m->u.ocrq.maxbps = maxbps;
	m->u.ocrq.bearer = 3;
	m->u.ocrq.framing = 3;
	m->u.ocrq.window = 64;
	input(m);
}

static void
ccrq(uint16_t id)
{
	struct ctrlmsg *m = msg(PPTP_CCRQ);

	m->u.ccrq.call_id = id;
	input(m);
}

static void
sli(uint16_t id, uint32_t s, uint32_t r)
{
	struct ctrlmsg *m = msg(PPTP_SLI);

	m->u.sli.peer_call_id = id;
	m->u.sli.send_accm = s;
	m->u.sli.recv_accm = r;
	input(m);
}

static void
echorq(uint32_t id)
{
	struct ctrlmsg *m = msg(PPTP_ECHORQ);

	m->u.echo.id = id;
	input(m);
}

static void
echorp(uint32_t id)
{
	input(&(struct ctrlmsg){ .type = PPTP_ECHORP, .u.echo.id = id,
	    .u.echo.result = 1 });
}

/* Bring a fresh connection into a state. */
static void
setup(enum ctrl_state s)
{
	ctrl_init(&c, OURID, 0, HOST);
	CHECK_EQ(c.state, CTRL_IDLE);
	if (s == CTRL_IDLE)
		return;
	sccrq(PPTP_VERSION);
	CHECK_EQ(c.state, CTRL_ESTABLISHED);
	switch (s) {
	case CTRL_ESTABLISHED:
		return;
	case CTRL_WAIT_STOP_REPLY:
		memset(&o, 0, sizeof(o));
		ctrl_shutdown(&c, &o);
		CHECK_EQ(c.state, CTRL_WAIT_STOP_REPLY);
		return;
	case CTRL_CLOSED:
		input(msg(PPTP_STOPCCRQ));
		CHECK_EQ(c.state, CTRL_CLOSED);
		return;
	default:
		break;
	}
	ocrq(PEERID, 100000000);
	CHECK_EQ(c.state, CTRL_CALL);
	if (s == CTRL_CALL)
		return;
	ccrq(PEERID);
	CHECK_EQ(c.state, CTRL_CALL_DONE);
}

/* Nothing sent, nothing done. */
#define CHECK_IGNORED() do {						\
	CHECK_EQ(o.n, 0);						\
	CHECK_EQ(o.act, 0);						\
} while (0)

static void
check_sccrp(const struct ctrlmsg *m, uint8_t result)
{
	CHECK_EQ(m->type, PPTP_SCCRP);
	CHECK_EQ(m->u.sccr.version, PPTP_VERSION);
	CHECK_EQ(m->u.sccr.result, result);
	CHECK_EQ(m->u.sccr.error, 0);
	CHECK_EQ(m->u.sccr.framing, 1);
	CHECK_EQ(m->u.sccr.bearer, 1);
	CHECK_EQ(m->u.sccr.maxchan, 1);
	CHECK_EQ(m->u.sccr.firmware, 0x0200);
	CHECK(strcmp(m->u.sccr.host, HOST) == 0);
	CHECK(strcmp(m->u.sccr.vendor, "pptpd") == 0);
}

static void
check_ocrp_error(const struct ctrlmsg *m, uint16_t peer, uint8_t error)
{
	CHECK_EQ(m->type, PPTP_OCRP);
	CHECK_EQ(m->u.ocrp.result, PPTP_OCRP_GENERAL);
	CHECK_EQ(m->u.ocrp.error, error);
	CHECK_EQ(m->u.ocrp.peer_call_id, peer);
}

static void
test_idle(void)
{
	static const uint16_t versions[] = { 0x0000, 0x0001, 0x00ff, 0x0101,
	    0x0200, 0xffff };
	size_t i;
	uint16_t t;

	ct_ctx = "idle";
	/* SCCRQ -> SCCRP result 1 (CHECKLIST 33). */
	setup(CTRL_IDLE);
	sccrq(PPTP_VERSION);
	CHECK_EQ(o.n, 1);
	check_sccrp(&o.msg[0], PPTP_SCCRP_OK);
	CHECK_EQ(o.act, 0);
	CHECK_EQ(c.state, CTRL_ESTABLISHED);
	CHECK(strcmp(c.peer_host, "client") == 0);
	CHECK(strcmp(c.peer_vendor, "tester") == 0);

	/* Other versions -> SCCRP 5 with our version, then close (34). */
	for (i = 0; i < nitems(versions); i++) {
		setup(CTRL_IDLE);
		sccrq(versions[i]);
		CHECK_EQ(o.n, 1);
		check_sccrp(&o.msg[0], PPTP_SCCRP_VERSION);
		CHECK_EQ(o.act, CTRL_ACT_CLOSE);
		CHECK_EQ(c.state, CTRL_CLOSED);
	}

	/* OCRQ before SCCRQ -> OCRP 2/1 (Not-Connected) and close, and
	 * never a call (35). */
	setup(CTRL_IDLE);
	ocrq(PEERID, 1000);
	CHECK_EQ(o.n, 1);
	check_ocrp_error(&o.msg[0], PEERID, PPTP_ERR_NOTCONNECTED);
	CHECK_EQ(o.act, CTRL_ACT_CLOSE);
	CHECK_EQ(c.state, CTRL_CLOSED);

	/* Anything else before SCCRQ closes without a reply. */
	for (t = 2; t <= 15; t++) {
		char ctx[32];

		if (t == PPTP_OCRQ)
			continue;
		snprintf(ctx, sizeof(ctx), "idle + type %u", t);
		ct_ctx = ctx;
		setup(CTRL_IDLE);
		input(msg(t));
		CHECK_EQ(o.n, 0);
		CHECK_EQ(o.act, CTRL_ACT_CLOSE);
		CHECK_EQ(c.state, CTRL_CLOSED);
	}
	ct_ctx = "";
}

/* Messages a PAC sends, received from the client: logged and ignored
 * (CHECKLIST 43), in every state after SCCRQ. */
static void
test_ignored_everywhere(void)
{
	static const uint16_t types[] = { PPTP_SCCRP, PPTP_OCRP, PPTP_ICRP,
	    PPTP_ICCN, PPTP_CDN, PPTP_WEN, PPTP_ECHORP };
	static const enum ctrl_state states[] = { CTRL_ESTABLISHED, CTRL_CALL,
	    CTRL_CALL_DONE, CTRL_WAIT_STOP_REPLY };
	size_t i, j;

	for (i = 0; i < nitems(states); i++)
		for (j = 0; j < nitems(types); j++) {
			char ctx[48];

			snprintf(ctx, sizeof(ctx), "%s + type %u",
			    ctrl_state_str(states[i]), types[j]);
			ct_ctx = ctx;
			setup(states[i]);
			input(msg(types[j]));
			CHECK_IGNORED();
			CHECK_EQ(c.state, states[i]);
			/* also with the ids of the call */
			setup(states[i]);
			input(&(struct ctrlmsg){ .type = types[j],
			    .u.ocrp.call_id = PEERID,
			    .u.ocrp.peer_call_id = OURID });
			CHECK_IGNORED();
			CHECK_EQ(c.state, states[i]);
		}
	ct_ctx = "";
}

static void
test_established(void)
{
	ct_ctx = "established";
	/* Second SCCRQ -> SCCRP 3, nothing reset (36). */
	setup(CTRL_ESTABLISHED);
	sccrq(PPTP_VERSION);
	CHECK_EQ(o.n, 1);
	check_sccrp(&o.msg[0], PPTP_SCCRP_EXISTS);
	CHECK_EQ(o.act, 0);
	CHECK_EQ(c.state, CTRL_ESTABLISHED);
	sccrq(0x0200);			/* even with a bad version */
	CHECK_EQ(o.n, 1);
	check_sccrp(&o.msg[0], PPTP_SCCRP_EXISTS);
	CHECK_EQ(c.state, CTRL_ESTABLISHED);

	/* OCRQ -> START, then OCRP 1 with our id and theirs (47). */
	setup(CTRL_ESTABLISHED);
	ocrq(PEERID, 64000);
	CHECK_EQ(o.act, CTRL_ACT_START);
	CHECK_EQ(o.n, 1);
	CHECK_EQ(o.msg[0].type, PPTP_OCRP);
	CHECK_EQ(o.msg[0].u.ocrp.call_id, OURID);
	CHECK_EQ(o.msg[0].u.ocrp.peer_call_id, PEERID);
	CHECK_EQ(o.msg[0].u.ocrp.result, PPTP_OCRP_CONNECTED);
	CHECK_EQ(o.msg[0].u.ocrp.error, 0);
	CHECK_EQ(o.msg[0].u.ocrp.speed, 64000);
	CHECK_EQ(o.msg[0].u.ocrp.window, 64);	/* never 0 (QUIRKS 11) */
	CHECK_EQ(o.msg[0].u.ocrp.delay, 0);
	CHECK_EQ(c.state, CTRL_CALL);
	CHECK_EQ(c.peer_call_id, PEERID);
	CHECK_EQ(c.peer_window, 64);
	CHECK_EQ(c.maxbps, 64000);
	/* Call ID 0 from the client is a normal call id (QUIRKS 4). */
	setup(CTRL_ESTABLISHED);
	ocrq(0, 0);
	CHECK_EQ(o.act, CTRL_ACT_START);
	CHECK_EQ(o.msg[0].u.ocrp.peer_call_id, 0);
	CHECK(o.msg[0].u.ocrp.speed != 0);
	CHECK_EQ(c.peer_call_id, 0);

	/* No resource: OCRP 2/4, no call, connection stays (46). */
	ctrl_init(&c, OURID, 1, HOST);
	sccrq(PPTP_VERSION);
	ocrq(PEERID, 1000);
	CHECK_EQ(o.n, 1);
	check_ocrp_error(&o.msg[0], PEERID, PPTP_ERR_NORESOURCE);
	CHECK_EQ(o.act & (CTRL_ACT_START | CTRL_ACT_CLOSE), 0);
	CHECK_EQ(c.state, CTRL_ESTABLISHED);
	ocrq(PEERID, 1000);
	CHECK_EQ(o.act & CTRL_ACT_START, 0);

	/* ICRQ -> ICRP 3 (Do Not Accept). */
	setup(CTRL_ESTABLISHED);
	input(&(struct ctrlmsg){ .type = PPTP_ICRQ, .u.icrq.call_id = 99 });
	CHECK_EQ(o.n, 1);
	CHECK_EQ(o.msg[0].type, PPTP_ICRP);
	CHECK_EQ(o.msg[0].u.icrp.peer_call_id, 99);
	CHECK_EQ(o.msg[0].u.icrp.result, PPTP_ICRP_DONOTACCEPT);
	CHECK_EQ(o.act, 0);
	CHECK_EQ(c.state, CTRL_ESTABLISHED);

	/* CCRQ and SLI without a call: ignored. */
	setup(CTRL_ESTABLISHED);
	ccrq(0);
	CHECK_IGNORED();
	sli(OURID, 0, 0);
	CHECK_IGNORED();
	CHECK_EQ(c.send_accm, 0xffffffffU);
	CHECK_EQ(c.state, CTRL_ESTABLISHED);

	/* StopCCRP without our StopCCRQ: ignored. */
	input(msg(PPTP_STOPCCRP));
	CHECK_IGNORED();
	CHECK_EQ(c.state, CTRL_ESTABLISHED);

	/* StopCCRQ -> StopCCRP 1 and close; no call to hang up (37). */
	setup(CTRL_ESTABLISHED);
	input(&(struct ctrlmsg){ .type = PPTP_STOPCCRQ, .u.stop.code = 3 });
	CHECK_EQ(o.n, 1);
	CHECK_EQ(o.msg[0].type, PPTP_STOPCCRP);
	CHECK_EQ(o.msg[0].u.stop.code, PPTP_STOPCCRP_OK);
	CHECK_EQ(o.act, CTRL_ACT_CLOSE);
	CHECK_EQ(c.state, CTRL_CLOSED);
	ct_ctx = "";
}

static void
test_call(void)
{
	ct_ctx = "call";
	/* Second OCRQ -> OCRP 2/4, the call continues (53). */
	setup(CTRL_CALL);
	ocrq(PEERID + 1, 1000);
	CHECK_EQ(o.n, 1);
	check_ocrp_error(&o.msg[0], PEERID + 1, PPTP_ERR_NORESOURCE);
	CHECK_EQ(o.act & (CTRL_ACT_START | CTRL_ACT_CLOSE | CTRL_ACT_HANGUP),
	    0);
	CHECK_EQ(c.state, CTRL_CALL);
	CHECK_EQ(c.peer_call_id, PEERID);
	/* same call id again: still no second call */
	ocrq(PEERID, 1000);
	check_ocrp_error(&o.msg[0], PEERID, PPTP_ERR_NORESOURCE);
	CHECK_EQ(o.act & CTRL_ACT_START, 0);

	/* SCCRQ in a call -> 3, the call is untouched. */
	sccrq(PPTP_VERSION);
	check_sccrp(&o.msg[0], PPTP_SCCRP_EXISTS);
	CHECK_EQ(o.act, 0);
	CHECK_EQ(c.state, CTRL_CALL);

	/* SLI for our call id: ACCMs taken (45); another id: ignored. */
	sli(OURID + 1, 0, 0);
	CHECK_IGNORED();
	CHECK_EQ(c.send_accm, 0xffffffffU);
	sli(PEERID, 0, 0);		/* the client's id is the wrong one */
	CHECK_IGNORED();
	sli(OURID, 0x00000000, 0xffffffffU);
	CHECK_EQ(o.n, 0);
	CHECK_EQ(o.act, CTRL_ACT_ACCM);
	CHECK_EQ(c.send_accm, 0);
	CHECK_EQ(c.recv_accm, 0xffffffffU);
	CHECK_EQ(c.state, CTRL_CALL);

	/* Echo-Request -> Echo-Reply, same id, result 1 (44). */
	echorq(0xdeadbeef);
	CHECK_EQ(o.n, 1);
	CHECK_EQ(o.msg[0].type, PPTP_ECHORP);
	CHECK_EQ(o.msg[0].u.echo.id, 0xdeadbeef);
	CHECK_EQ(o.msg[0].u.echo.result, PPTP_ECHORP_OK);
	CHECK_EQ(o.act, 0);

	/* ICRQ -> ICRP 3; the call is untouched. */
	input(&(struct ctrlmsg){ .type = PPTP_ICRQ, .u.icrq.call_id = 5 });
	CHECK_EQ(o.msg[0].type, PPTP_ICRP);
	CHECK_EQ(o.msg[0].u.icrp.result, PPTP_ICRP_DONOTACCEPT);
	CHECK_EQ(c.state, CTRL_CALL);

	/* CCRQ for another id: ignored (50). */
	ccrq(PEERID + 1);
	CHECK_IGNORED();
	ccrq(OURID);			/* CCRQ names the client's id */
	CHECK_IGNORED();
	CHECK_EQ(c.state, CTRL_CALL);

	/* CCRQ for the call -> HANGUP and CDN (our id, result 4) (49). */
	ccrq(PEERID);
	CHECK_EQ(o.n, 1);
	CHECK_EQ(o.msg[0].type, PPTP_CDN);
	CHECK_EQ(o.msg[0].u.cdn.call_id, OURID);
	CHECK_EQ(o.msg[0].u.cdn.result, PPTP_CDN_REQUEST);
	CHECK_EQ(o.act, CTRL_ACT_HANGUP);
	CHECK_EQ(c.state, CTRL_CALL_DONE);

	/* StopCCRQ in a call -> StopCCRP, close and hang up. */
	setup(CTRL_CALL);
	input(msg(PPTP_STOPCCRQ));
	CHECK_EQ(o.n, 1);
	CHECK_EQ(o.msg[0].type, PPTP_STOPCCRP);
	CHECK_EQ(o.msg[0].u.stop.code, PPTP_STOPCCRP_OK);
	CHECK_EQ(o.act, CTRL_ACT_CLOSE | CTRL_ACT_HANGUP);
	CHECK_EQ(c.state, CTRL_CLOSED);
	ct_ctx = "";
}

static void
test_call_done(void)
{
	ct_ctx = "call-done";
	setup(CTRL_CALL_DONE);
	/* the same CCRQ again: no second CDN */
	ccrq(PEERID);
	CHECK_IGNORED();
	/* no second call on this connection */
	ocrq(PEERID, 1000);
	CHECK_EQ(o.n, 1);
	check_ocrp_error(&o.msg[0], PEERID, PPTP_ERR_NORESOURCE);
	CHECK_EQ(o.act & CTRL_ACT_START, 0);
	sli(OURID, 0, 0);
	CHECK_IGNORED();
	echorq(7);
	CHECK_EQ(o.n, 1);
	CHECK_EQ(o.msg[0].u.echo.id, 7);
	CHECK_EQ(c.state, CTRL_CALL_DONE);
	/* pppd going away now is old news */
	memset(&o, 0xa5, sizeof(o));
	ctrl_pppd_exited(&c, &o);
	CHECK_IGNORED();
	CHECK_EQ(c.state, CTRL_CALL_DONE);
	/* StopCCRQ: reply and close, nothing left to hang up */
	input(msg(PPTP_STOPCCRQ));
	CHECK_EQ(o.n, 1);
	CHECK_EQ(o.msg[0].type, PPTP_STOPCCRP);
	CHECK_EQ(o.act, CTRL_ACT_CLOSE);
	CHECK_EQ(c.state, CTRL_CLOSED);
	ct_ctx = "";
}

static void
test_wait_stop_reply(void)
{
	ct_ctx = "wait-stop-reply";
	setup(CTRL_WAIT_STOP_REPLY);
	sccrq(PPTP_VERSION);
	check_sccrp(&o.msg[0], PPTP_SCCRP_EXISTS);
	ocrq(PEERID, 1000);
	check_ocrp_error(&o.msg[0], PEERID, PPTP_ERR_NORESOURCE);
	CHECK_EQ(o.act & CTRL_ACT_START, 0);
	echorq(1);
	CHECK_EQ(o.msg[0].type, PPTP_ECHORP);
	CHECK_EQ(c.state, CTRL_WAIT_STOP_REPLY);
	/* StopCCRP -> close, no reply (39) */
	input(&(struct ctrlmsg){ .type = PPTP_STOPCCRP, .u.stop.code = 1 });
	CHECK_EQ(o.n, 0);
	CHECK_EQ(o.act, CTRL_ACT_CLOSE);
	CHECK_EQ(c.state, CTRL_CLOSED);

	/* Both sides stopping at once: their StopCCRQ is answered. */
	setup(CTRL_WAIT_STOP_REPLY);
	input(msg(PPTP_STOPCCRQ));
	CHECK_EQ(o.n, 1);
	CHECK_EQ(o.msg[0].type, PPTP_STOPCCRP);
	CHECK_EQ(o.act, CTRL_ACT_CLOSE);
	CHECK_EQ(c.state, CTRL_CLOSED);
	ct_ctx = "";
}

/* After CLOSE nothing more is sent, whatever comes. */
static void
test_closed(void)
{
	uint16_t t;
	struct ctrl_out o2;

	ct_ctx = "closed";
	for (t = 0; t <= 16; t++) {
		setup(CTRL_CLOSED);
		if (ctrlmsg_size(t) == 0)
			continue;
		input(msg(t));
		CHECK_IGNORED();
		CHECK_EQ(c.state, CTRL_CLOSED);
	}
	setup(CTRL_CLOSED);
	sccrq(PPTP_VERSION);
	CHECK_IGNORED();
	ocrq(1, 1);
	CHECK_IGNORED();
	input_raw((const uint8_t *)"junk", 4);
	CHECK_IGNORED();
	memset(&o2, 0xa5, sizeof(o2));
	ctrl_pppd_exited(&c, &o2);
	CHECK(o2.n == 0 && o2.act == 0);
	memset(&o2, 0xa5, sizeof(o2));
	ctrl_shutdown(&c, &o2);
	CHECK(o2.n == 0 && o2.act == 0);
	CHECK_EQ(c.state, CTRL_CLOSED);
	ct_ctx = "";
}

/* Malformed input in every state closes (RFC 2637 3.0), hanging up a
 * running call. */
static void
test_malformed(void)
{
	static const enum ctrl_state states[] = { CTRL_IDLE, CTRL_ESTABLISHED,
	    CTRL_CALL, CTRL_CALL_DONE, CTRL_WAIT_STOP_REPLY };
	uint8_t b[PPTP_MAX_MSG_LEN + 4];
	size_t i, k;
	int n;

	for (i = 0; i < nitems(states); i++) {
		for (k = 0; k < 8; k++) {
			char ctx[48];

			snprintf(ctx, sizeof(ctx), "%s malformed %zu",
			    ctrl_state_str(states[i]), k);
			ct_ctx = ctx;
			setup(states[i]);
			memset(b, 0, sizeof(b));
			n = ctrlmsg_encode(&(struct ctrlmsg){
			    .type = PPTP_ECHORQ, .u.echo.id = 1 }, b, sizeof(b));
			CHECK_EQ(n, 16);
			switch (k) {
			case 0:		/* one octet short */
				input_raw(b, 15);
				break;
			case 1:		/* length field one more */
				b[1] = 17;
				b[16] = 0;
				input_raw(b, 17);
				break;
			case 2:		/* bad magic */
				b[4] ^= 0x80;
				input_raw(b, 16);
				break;
			case 3:		/* management message */
				b[3] = 2;
				input_raw(b, 16);
				break;
			case 4:		/* unknown type 0 */
				b[9] = 0;
				input_raw(b, 16);
				break;
			case 5:		/* unknown type 16 */
				b[9] = 16;
				input_raw(b, 16);
				break;
			case 6:		/* nothing */
				input_raw(b, 0);
				break;
			case 7:		/* trailing octets */
				input_raw(b, 20);
				break;
			}
			CHECK_EQ(o.n, 0);
			CHECK_EQ(o.act & CTRL_ACT_CLOSE, CTRL_ACT_CLOSE);
			CHECK_EQ(!!(o.act & CTRL_ACT_HANGUP),
			    states[i] == CTRL_CALL);
			CHECK_EQ(o.act & CTRL_ACT_START, 0);
			CHECK_EQ(c.state, CTRL_CLOSED);
		}
	}
	ct_ctx = "";
}

static void
test_pppd_exit(void)
{
	static const enum ctrl_state others[] = { CTRL_IDLE, CTRL_ESTABLISHED,
	    CTRL_WAIT_STOP_REPLY, CTRL_CLOSED };
	size_t i;

	ct_ctx = "pppd exit";
	/* In a call: CDN 1 (our id) then StopCCRQ 1 (51). */
	setup(CTRL_CALL);
	memset(&o, 0xa5, sizeof(o));
	ctrl_pppd_exited(&c, &o);
	check_out();
	CHECK_EQ(o.n, 2);
	CHECK_EQ(o.msg[0].type, PPTP_CDN);
	CHECK_EQ(o.msg[0].u.cdn.call_id, OURID);
	CHECK_EQ(o.msg[0].u.cdn.result, PPTP_CDN_LOSTCARRIER);
	CHECK_EQ(o.msg[1].type, PPTP_STOPCCRQ);
	CHECK_EQ(o.msg[1].u.stop.code, PPTP_STOP_NONE);
	CHECK_EQ(o.act & (CTRL_ACT_START | CTRL_ACT_CLOSE), 0);
	CHECK_EQ(c.state, CTRL_WAIT_STOP_REPLY);
	/* a second exit report changes nothing */
	memset(&o, 0xa5, sizeof(o));
	ctrl_pppd_exited(&c, &o);
	CHECK_IGNORED();
	/* their StopCCRP closes */
	input(msg(PPTP_STOPCCRP));
	CHECK_EQ(o.act, CTRL_ACT_CLOSE);
	CHECK_EQ(o.n, 0);

	for (i = 0; i < nitems(others); i++) {
		setup(others[i]);
		memset(&o, 0xa5, sizeof(o));
		ctrl_pppd_exited(&c, &o);
		CHECK_IGNORED();
		CHECK_EQ(c.state, others[i]);
	}
	ct_ctx = "";
}

static void
test_call_failed(void)
{
	static const enum ctrl_state others[] = { CTRL_IDLE, CTRL_ESTABLISHED,
	    CTRL_CALL_DONE, CTRL_WAIT_STOP_REPLY, CTRL_CLOSED };
	size_t i;

	ct_ctx = "call failed";
	/* The relay could not start pppd for the OCRQ just taken: the OCRP
	 * becomes General Error / PAC-Error (2.8, 2.16), a StopCCRQ
	 * follows, the pty is hung up, nothing is started. */
	setup(CTRL_ESTABLISHED);
	ocrq(PEERID, 64000);
	CHECK_EQ(o.act, CTRL_ACT_START);
	ctrl_call_failed(&c, &o);
	check_out();
	CHECK_EQ(o.n, 2);
	check_ocrp_error(&o.msg[0], PEERID, PPTP_ERR_PACERROR);
	CHECK_EQ(o.msg[0].u.ocrp.call_id, 0);
	CHECK_EQ(o.msg[0].u.ocrp.speed, 0);
	CHECK_EQ(o.msg[0].u.ocrp.window, 0);
	CHECK_EQ(o.msg[1].type, PPTP_STOPCCRQ);
	CHECK_EQ(o.msg[1].u.stop.code, PPTP_STOP_NONE);
	CHECK_EQ(o.act, CTRL_ACT_HANGUP);
	CHECK(o.why != NULL);
	CHECK_EQ(c.state, CTRL_WAIT_STOP_REPLY);
	/* no second call on this connection */
	ocrq(PEERID + 1, 1000);
	CHECK_EQ(o.act & CTRL_ACT_START, 0);
	/* their StopCCRP closes */
	input(msg(PPTP_STOPCCRP));
	CHECK_EQ(o.act, CTRL_ACT_CLOSE);

	/* Only right after a START: anywhere else it changes nothing. */
	setup(CTRL_CALL);
	memset(&o, 0, sizeof(o));
	ctrl_call_failed(&c, &o);
	CHECK_IGNORED();
	CHECK_EQ(c.state, CTRL_CALL);
	for (i = 0; i < nitems(others); i++) {
		setup(others[i]);
		memset(&o, 0, sizeof(o));
		o.act = CTRL_ACT_START;
		ctrl_call_failed(&c, &o);
		CHECK_EQ(o.n, 0);
		CHECK_EQ(o.act, CTRL_ACT_START);
		CHECK_EQ(c.state, others[i]);
	}
	ct_ctx = "";
}

static void
test_shutdown(void)
{
	ct_ctx = "shutdown";
	/* idle: just close */
	setup(CTRL_IDLE);
	memset(&o, 0xa5, sizeof(o));
	ctrl_shutdown(&c, &o);
	check_out();
	CHECK_EQ(o.n, 0);
	CHECK_EQ(o.act, CTRL_ACT_CLOSE);
	CHECK_EQ(c.state, CTRL_CLOSED);

	/* established: StopCCRQ 3 and wait (38) */
	setup(CTRL_ESTABLISHED);
	memset(&o, 0xa5, sizeof(o));
	ctrl_shutdown(&c, &o);
	check_out();
	CHECK_EQ(o.n, 1);
	CHECK_EQ(o.msg[0].type, PPTP_STOPCCRQ);
	CHECK_EQ(o.msg[0].u.stop.code, PPTP_STOP_LOCAL);
	CHECK_EQ(o.act, 0);
	CHECK_EQ(c.state, CTRL_WAIT_STOP_REPLY);

	/* call: hang up, CDN 3, StopCCRQ 3 */
	setup(CTRL_CALL);
	memset(&o, 0xa5, sizeof(o));
	ctrl_shutdown(&c, &o);
	check_out();
	CHECK_EQ(o.n, 2);
	CHECK_EQ(o.msg[0].type, PPTP_CDN);
	CHECK_EQ(o.msg[0].u.cdn.call_id, OURID);
	CHECK_EQ(o.msg[0].u.cdn.result, PPTP_CDN_ADMIN);
	CHECK_EQ(o.msg[1].type, PPTP_STOPCCRQ);
	CHECK_EQ(o.msg[1].u.stop.code, PPTP_STOP_LOCAL);
	CHECK_EQ(o.act, CTRL_ACT_HANGUP);
	CHECK_EQ(c.state, CTRL_WAIT_STOP_REPLY);
	/* pppd dies of the hangup: no second CDN */
	memset(&o, 0xa5, sizeof(o));
	ctrl_pppd_exited(&c, &o);
	CHECK_IGNORED();

	/* call done: StopCCRQ only */
	setup(CTRL_CALL_DONE);
	memset(&o, 0xa5, sizeof(o));
	ctrl_shutdown(&c, &o);
	check_out();
	CHECK_EQ(o.n, 1);
	CHECK_EQ(o.msg[0].type, PPTP_STOPCCRQ);
	CHECK_EQ(o.act, 0);
	CHECK_EQ(c.state, CTRL_WAIT_STOP_REPLY);

	/* already stopping: nothing more */
	memset(&o, 0xa5, sizeof(o));
	ctrl_shutdown(&c, &o);
	check_out();
	CHECK_EQ(o.n, 0);
	CHECK_EQ(o.act, 0);
	CHECK_EQ(c.state, CTRL_WAIT_STOP_REPLY);
	ct_ctx = "";
}

static void
test_echo(void)
{
	uint32_t id;

	ct_ctx = "echo";
	setup(CTRL_CALL);
	memset(&o, 0xa5, sizeof(o));
	ctrl_echo(&c, &o);
	check_out();
	CHECK_EQ(o.n, 1);
	CHECK_EQ(o.msg[0].type, PPTP_ECHORQ);
	id = o.msg[0].u.echo.id;
	CHECK_EQ(o.act, 0);
	/* a reply with another id does not count */
	echorp(id + 1);
	CHECK_IGNORED();
	echorp(id);
	CHECK_EQ(o.n, 0);
	CHECK_EQ(o.act, CTRL_ACT_ECHOED);
	/* the same reply again: nothing outstanding any more */
	echorp(id);
	CHECK_IGNORED();
	/* the next request has a new id */
	memset(&o, 0xa5, sizeof(o));
	ctrl_echo(&c, &o);
	CHECK(o.n == 1 && o.msg[0].u.echo.id != id);
	CHECK_EQ(c.state, CTRL_CALL);
	ct_ctx = "";
}

/* What a connection did, for the invariants of a whole session. */
struct tally {
	int	start, hangup, close, cdn, sccrp_ok;
};

static void
tally(struct tally *t)
{
	int i;

	t->start += !!(o.act & CTRL_ACT_START);
	t->hangup += !!(o.act & CTRL_ACT_HANGUP);
	t->close += !!(o.act & CTRL_ACT_CLOSE);
	for (i = 0; i < o.n; i++) {
		if (o.msg[i].type == PPTP_CDN)
			t->cdn++;
		if (o.msg[i].type == PPTP_SCCRP &&
		    o.msg[i].u.sccr.result == PPTP_SCCRP_OK)
			t->sccrp_ok++;
	}
}

static const struct vctrl *
vec(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(vctrl); i++)
		if (strcmp(vctrl[i].name, name) == 0)
			return &vctrl[i];
	fprintf(stderr, "no vector %s\n", name);
	ct_failures++;
	return NULL;
}

/* Replay a captured client's messages; our call id is the one the
 * capture's server chose, so the client's SLIs name us. */
static void
replay(const char *name, uint16_t ourid, const char *const *msgs,
    struct tally *t)
{
	size_t i;

	ct_ctx = name;
	ctrl_init(&c, ourid, 0, HOST);
	memset(t, 0, sizeof(*t));
	for (i = 0; msgs[i] != NULL; i++) {
		const struct vctrl *v = vec(msgs[i]);

		if (v == NULL)
			continue;
		CHECK(v->from_client);
		input_raw(v->p, v->len);
		tally(t);
		CHECK_EQ(o.act & CTRL_ACT_CLOSE, 0);
	}
}

static void
test_captures(void)
{
	static const char *const nt[] = { "nt-5-sccrq", "nt-10-ocrq",
	    "nt-15-sli", NULL };
	static const char *const w2k[] = { "w2k-30-sccrq", "w2k-38-ocrq",
	    "w2k-45-sli", "w2k-104-sli", NULL };
	static const char *const w10[] = { "w10-31-sccrq", "w10-33-ocrq",
	    "w10-35-sli", "w10-48-sli", NULL };
	static const char *const lnx[] = { "lnx-4-sccrq", "lnx-8-ocrq",
	    "lnx-128-ccrq", NULL };
	static const char *const ixia[] = { "ixia-6-sccrq", "ixia-9-ocrq",
	    NULL };
	struct tally t;

	replay("nt", 0, nt, &t);
	CHECK(t.start == 1 && t.sccrp_ok == 1 && t.cdn == 0);
	CHECK_EQ(c.state, CTRL_CALL);
	CHECK_EQ(c.peer_call_id, 0);
	CHECK_EQ(c.send_accm, 0xffffffffU);
	CHECK(strcmp(c.peer_vendor, "Microsoft Windows NT") == 0);

	replay("w2k", 4, w2k, &t);
	CHECK(t.start == 1 && t.sccrp_ok == 1);
	CHECK_EQ(o.act, CTRL_ACT_ACCM);		/* the second SLI */
	CHECK_EQ(c.send_accm, 0);
	CHECK_EQ(c.recv_accm, 0xffffffffU);
	CHECK_EQ(strlen(c.peer_vendor), 64);	/* garbage, terminated */
	CHECK_EQ(strlen(c.peer_host), 0);

	replay("w10", 29546, w10, &t);
	CHECK(t.start == 1 && t.sccrp_ok == 1);
	CHECK_EQ(c.peer_call_id, 40265);
	CHECK_EQ(c.state, CTRL_CALL);
	/* Windows' teardown (CCRQ with its own id, then StopCCRQ): the
	 * capture's earlier call, client id 64688, server id 15159. */
	ctrl_init(&c, 15159, 0, HOST);
	input_raw(vec("w10-31-sccrq")->p, 156);
	ocrq(64688, 100000000);
	CHECK_EQ(o.act, CTRL_ACT_START);
	input_raw(vec("w10-16-sli")->p, 24);
	CHECK_EQ(o.act, CTRL_ACT_ACCM);
	input_raw(vec("w10-20-ccrq")->p, 16);
	CHECK_EQ(o.n, 1);
	CHECK_EQ(o.msg[0].type, PPTP_CDN);
	CHECK_EQ(o.msg[0].u.cdn.call_id, 15159);	/* as RRAS's CDN */
	CHECK_EQ(o.act, CTRL_ACT_HANGUP);
	input_raw(vec("w10-22-stopccrq")->p, 16);
	CHECK_EQ(o.n, 1);
	CHECK_EQ(o.msg[0].type, PPTP_STOPCCRP);
	CHECK_EQ(o.msg[0].u.stop.code, 1);		/* as RRAS's */
	CHECK_EQ(o.act, CTRL_ACT_CLOSE);

	replay("lnx", 30720, lnx, &t);
	CHECK(t.start == 1 && t.cdn == 1 && t.hangup == 1);
	CHECK_EQ(c.state, CTRL_CALL_DONE);

	replay("ixia", 24, ixia, &t);
	CHECK(t.start == 1);
	CHECK_EQ(o.msg[0].u.ocrp.call_id, 24);
	CHECK_EQ(o.msg[0].u.ocrp.peer_call_id, 1);
	CHECK_EQ(o.msg[0].u.ocrp.speed, 2147483648U);
	ct_ctx = "";

	/* Every captured client message, in every state: valid replies,
	 * and never a second call. */
	{
		static const enum ctrl_state states[] = { CTRL_IDLE,
		    CTRL_ESTABLISHED, CTRL_CALL, CTRL_CALL_DONE,
		    CTRL_WAIT_STOP_REPLY, CTRL_CLOSED };
		size_t i, j;

		for (i = 0; i < nitems(states); i++)
			for (j = 0; j < nitems(vctrl); j++) {
				setup(states[i]);
				input_raw(vctrl[j].p, vctrl[j].len);
				if (states[i] != CTRL_ESTABLISHED)
					CHECK_EQ(o.act & CTRL_ACT_START, 0);
			}
	}
}

static void
test_names(void)
{
	int s;

	for (s = CTRL_IDLE; s <= CTRL_CLOSED; s++)
		CHECK(strcmp(ctrl_state_str((enum ctrl_state)s), "?") != 0);
	CHECK(strcmp(ctrl_state_str((enum ctrl_state)99), "?") == 0);
	CHECK(strcmp(ctrl_state_str((enum ctrl_state)-1), "?") == 0);
	/* a long host name is cut to the field */
	ctrl_init(&c, 1, 0, "a-very-long-host-name-that-goes-on-and-on-and-on-"
	    "and-on-past-sixty-four-octets.example");
	CHECK_EQ(strlen(c.hostname), PPTP_HOSTNAME_LEN);
	sccrq(PPTP_VERSION);
	CHECK_EQ(strlen(o.msg[0].u.sccr.host), PPTP_HOSTNAME_LEN);
}

int
main(void)
{
	log_init("t_ctrl", 1, 0);
	test_idle();
	test_ignored_everywhere();
	test_established();
	test_call();
	test_call_done();
	test_wait_stop_reply();
	test_closed();
	test_malformed();
	test_pppd_exit();
	test_call_failed();
	test_shutdown();
	test_echo();
	test_captures();
	test_names();
	return ct_done("t_ctrl");
}
