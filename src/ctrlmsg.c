/*
 * PPTP control message codec (RFC 2637 section 2).  Offsets and sizes are
 * the RFC's; every message has a fixed length, and anything else is
 * malformed (RFC 2637 2.16, error 2 "Bad-Format").
 */
#include "autoconf.h"

#include <string.h>

#include "buf.h"
#include "ctrlmsg.h"
#include "util.h"

static const uint16_t ctrlmsg_sizes[PPTP_CTRL_TYPE_MAX + 1] = {
	0, 156, 156, 16, 16, 16, 20, 168, 32, 220, 24, 28, 16, 148, 40, 24
};

static const char *const ctrlmsg_names[PPTP_CTRL_TYPE_MAX + 1] = {
	"unknown", "Start-Control-Connection-Request",
	"Start-Control-Connection-Reply", "Stop-Control-Connection-Request",
	"Stop-Control-Connection-Reply", "Echo-Request", "Echo-Reply",
	"Outgoing-Call-Request", "Outgoing-Call-Reply",
	"Incoming-Call-Request", "Incoming-Call-Reply",
	"Incoming-Call-Connected", "Call-Clear-Request",
	"Call-Disconnect-Notify", "WAN-Error-Notify", "Set-Link-Info"
};

size_t
ctrlmsg_size(unsigned int type)
{
	return type <= PPTP_CTRL_TYPE_MAX ? ctrlmsg_sizes[type] : 0;
}

const char *
ctrlmsg_name(unsigned int type)
{
	return ctrlmsg_names[type <= PPTP_CTRL_TYPE_MAX ? type : 0];
}

int
ctrlmsg_frame(const uint8_t *p, size_t avail, size_t *msglen)
{
	struct rbuf b;
	uint16_t len, msgtype, ctype;
	uint32_t magic;

	rbuf_init(&b, p, avail);
	len = rbuf_get16(&b);
	if (b.err)
		return 0;
	if (len < PPTP_HDR_LEN || len > PPTP_MAX_MSG_LEN)
		return E_LENGTH;
	msgtype = rbuf_get16(&b);
	if (b.err)
		return 0;
	if (msgtype != PPTP_MSG_CONTROL)
		return E_MSGTYPE;
	magic = rbuf_get32(&b);
	if (b.err)
		return 0;
	/* RFC 2637 1.4: the cookie is a sanity check, never resynchronised. */
	if (magic != PPTP_MAGIC)
		return E_MAGIC;
	ctype = rbuf_get16(&b);
	if (b.err)
		return 0;
	if (ctrlmsg_size(ctype) == 0)
		return E_CTRLTYPE;
	if (ctrlmsg_size(ctype) != len)
		return E_LENGTH;
	if (avail < len)
		return 0;
	*msglen = len;
	return 1;
}

/* Copy a fixed-size string field: at most n bytes, always terminated. */
static void
get_str(struct rbuf *b, char *out, size_t n)
{
	rbuf_get(b, out, n);
	out[n] = '\0';
}

static void
dec_sccr(struct rbuf *b, struct ctrl_sccr *m)
{
	m->version = rbuf_get16(b);
	m->result = rbuf_get8(b);
	m->error = rbuf_get8(b);
	m->framing = rbuf_get32(b);
	m->bearer = rbuf_get32(b);
	m->maxchan = rbuf_get16(b);
	m->firmware = rbuf_get16(b);
	get_str(b, m->host, PPTP_HOSTNAME_LEN);
	get_str(b, m->vendor, PPTP_VENDOR_LEN);
}

static void
dec_ocrq(struct rbuf *b, struct ctrl_ocrq *m)
{
	m->call_id = rbuf_get16(b);
	m->serial = rbuf_get16(b);
	m->minbps = rbuf_get32(b);
	m->maxbps = rbuf_get32(b);
	m->bearer = rbuf_get32(b);
	m->framing = rbuf_get32(b);
	m->window = rbuf_get16(b);
	m->delay = rbuf_get16(b);
	m->phonelen = rbuf_get16(b);
	rbuf_skip(b, 2);
	get_str(b, m->phone, PPTP_PHONE_LEN);
	rbuf_get(b, m->subaddr, PPTP_SUBADDR_LEN);
}

static void
dec_ocrp(struct rbuf *b, struct ctrl_ocrp *m)
{
	m->call_id = rbuf_get16(b);
	m->peer_call_id = rbuf_get16(b);
	m->result = rbuf_get8(b);
	m->error = rbuf_get8(b);
	m->cause = rbuf_get16(b);
	m->speed = rbuf_get32(b);
	m->window = rbuf_get16(b);
	m->delay = rbuf_get16(b);
	m->channel = rbuf_get32(b);
}

static void
dec_icrq(struct rbuf *b, struct ctrl_icrq *m)
{
	m->call_id = rbuf_get16(b);
	m->serial = rbuf_get16(b);
	m->bearer = rbuf_get32(b);
	m->channel = rbuf_get32(b);
	m->dialedlen = rbuf_get16(b);
	m->dialinglen = rbuf_get16(b);
	get_str(b, m->dialed, PPTP_PHONE_LEN);
	get_str(b, m->dialing, PPTP_PHONE_LEN);
	rbuf_get(b, m->subaddr, PPTP_SUBADDR_LEN);
}

static void
dec_icrp(struct rbuf *b, struct ctrl_icrp *m)
{
	m->call_id = rbuf_get16(b);
	m->peer_call_id = rbuf_get16(b);
	m->result = rbuf_get8(b);
	m->error = rbuf_get8(b);
	m->window = rbuf_get16(b);
	m->delay = rbuf_get16(b);
	rbuf_skip(b, 2);
}

static void
dec_iccn(struct rbuf *b, struct ctrl_iccn *m)
{
	m->peer_call_id = rbuf_get16(b);
	rbuf_skip(b, 2);
	m->speed = rbuf_get32(b);
	m->window = rbuf_get16(b);
	m->delay = rbuf_get16(b);
	m->framing = rbuf_get32(b);
}

static void
dec_cdn(struct rbuf *b, struct ctrl_cdn *m)
{
	m->call_id = rbuf_get16(b);
	m->result = rbuf_get8(b);
	m->error = rbuf_get8(b);
	m->cause = rbuf_get16(b);
	rbuf_skip(b, 2);
	get_str(b, m->stats, PPTP_STATS_LEN);
}

static void
dec_wen(struct rbuf *b, struct ctrl_wen *m)
{
	m->peer_call_id = rbuf_get16(b);
	rbuf_skip(b, 2);
	m->crc = rbuf_get32(b);
	m->framing = rbuf_get32(b);
	m->hw_overrun = rbuf_get32(b);
	m->buf_overrun = rbuf_get32(b);
	m->timeout = rbuf_get32(b);
	m->align = rbuf_get32(b);
}

static void
dec_body(struct rbuf *b, struct ctrlmsg *m)
{
	switch (m->type) {
	case PPTP_SCCRQ:
	case PPTP_SCCRP:
		dec_sccr(b, &m->u.sccr);
		break;
	case PPTP_STOPCCRQ:
	case PPTP_STOPCCRP:
		m->u.stop.code = rbuf_get8(b);
		m->u.stop.error = rbuf_get8(b);
		rbuf_skip(b, 2);
		break;
	case PPTP_ECHORQ:
		m->u.echo.id = rbuf_get32(b);
		break;
	case PPTP_ECHORP:
		m->u.echo.id = rbuf_get32(b);
		m->u.echo.result = rbuf_get8(b);
		m->u.echo.error = rbuf_get8(b);
		rbuf_skip(b, 2);
		break;
	case PPTP_OCRQ:
		dec_ocrq(b, &m->u.ocrq);
		break;
	case PPTP_OCRP:
		dec_ocrp(b, &m->u.ocrp);
		break;
	case PPTP_ICRQ:
		dec_icrq(b, &m->u.icrq);
		break;
	case PPTP_ICRP:
		dec_icrp(b, &m->u.icrp);
		break;
	case PPTP_ICCN:
		dec_iccn(b, &m->u.iccn);
		break;
	case PPTP_CCRQ:
		m->u.ccrq.call_id = rbuf_get16(b);
		rbuf_skip(b, 2);
		break;
	case PPTP_CDN:
		dec_cdn(b, &m->u.cdn);
		break;
	case PPTP_WEN:
		dec_wen(b, &m->u.wen);
		break;
	case PPTP_SLI:
		m->u.sli.peer_call_id = rbuf_get16(b);
		rbuf_skip(b, 2);
		m->u.sli.send_accm = rbuf_get32(b);
		m->u.sli.recv_accm = rbuf_get32(b);
		break;
	}
}

int
ctrlmsg_decode(const uint8_t *p, size_t len, struct ctrlmsg *m)
{
	struct rbuf b;
	size_t framed;
	int r;

	if ((r = ctrlmsg_frame(p, len, &framed)) < 0)
		return r;
	if (r == 0)
		return E_SHORT;
	if (framed != len)
		return E_LENGTH;
	memset(m, 0, sizeof(*m));
	rbuf_init(&b, p, len);
	rbuf_skip(&b, 8);
	m->type = rbuf_get16(&b);
	rbuf_skip(&b, 2);		/* Reserved0: ignored (MS-PTPT 2.2) */
	dec_body(&b, m);
	/* The size table and the decoders must agree to the byte. */
	if (b.err || rbuf_left(&b) != 0)
		return E_LENGTH;
	return 0;
}

static void
enc_sccr(struct wbuf *b, const struct ctrl_sccr *m)
{
	wbuf_put16(b, m->version);
	wbuf_put8(b, m->result);
	wbuf_put8(b, m->error);
	wbuf_put32(b, m->framing);
	wbuf_put32(b, m->bearer);
	wbuf_put16(b, m->maxchan);
	wbuf_put16(b, m->firmware);
	wbuf_putstr(b, m->host, PPTP_HOSTNAME_LEN);
	wbuf_putstr(b, m->vendor, PPTP_VENDOR_LEN);
}

static void
enc_ocrq(struct wbuf *b, const struct ctrl_ocrq *m)
{
	wbuf_put16(b, m->call_id);
	wbuf_put16(b, m->serial);
	wbuf_put32(b, m->minbps);
	wbuf_put32(b, m->maxbps);
	wbuf_put32(b, m->bearer);
	wbuf_put32(b, m->framing);
	wbuf_put16(b, m->window);
	wbuf_put16(b, m->delay);
	wbuf_put16(b, m->phonelen);
	wbuf_put16(b, 0);
	wbuf_putstr(b, m->phone, PPTP_PHONE_LEN);
	wbuf_put(b, m->subaddr, PPTP_SUBADDR_LEN);
}

static void
enc_ocrp(struct wbuf *b, const struct ctrl_ocrp *m)
{
	wbuf_put16(b, m->call_id);
	wbuf_put16(b, m->peer_call_id);
	wbuf_put8(b, m->result);
	wbuf_put8(b, m->error);
	wbuf_put16(b, m->cause);
	wbuf_put32(b, m->speed);
	wbuf_put16(b, m->window);
	wbuf_put16(b, m->delay);
	wbuf_put32(b, m->channel);
}

static void
enc_icrq(struct wbuf *b, const struct ctrl_icrq *m)
{
	wbuf_put16(b, m->call_id);
	wbuf_put16(b, m->serial);
	wbuf_put32(b, m->bearer);
	wbuf_put32(b, m->channel);
	wbuf_put16(b, m->dialedlen);
	wbuf_put16(b, m->dialinglen);
	wbuf_putstr(b, m->dialed, PPTP_PHONE_LEN);
	wbuf_putstr(b, m->dialing, PPTP_PHONE_LEN);
	wbuf_put(b, m->subaddr, PPTP_SUBADDR_LEN);
}

static void
enc_icrp(struct wbuf *b, const struct ctrl_icrp *m)
{
	wbuf_put16(b, m->call_id);
	wbuf_put16(b, m->peer_call_id);
	wbuf_put8(b, m->result);
	wbuf_put8(b, m->error);
	wbuf_put16(b, m->window);
	wbuf_put16(b, m->delay);
	wbuf_put16(b, 0);
}

static void
enc_iccn(struct wbuf *b, const struct ctrl_iccn *m)
{
	wbuf_put16(b, m->peer_call_id);
	wbuf_put16(b, 0);
	wbuf_put32(b, m->speed);
	wbuf_put16(b, m->window);
	wbuf_put16(b, m->delay);
	wbuf_put32(b, m->framing);
}

static void
enc_cdn(struct wbuf *b, const struct ctrl_cdn *m)
{
	wbuf_put16(b, m->call_id);
	wbuf_put8(b, m->result);
	wbuf_put8(b, m->error);
	wbuf_put16(b, m->cause);
	wbuf_put16(b, 0);
	wbuf_putstr(b, m->stats, PPTP_STATS_LEN);
}

static void
enc_wen(struct wbuf *b, const struct ctrl_wen *m)
{
	wbuf_put16(b, m->peer_call_id);
	wbuf_put16(b, 0);
	wbuf_put32(b, m->crc);
	wbuf_put32(b, m->framing);
	wbuf_put32(b, m->hw_overrun);
	wbuf_put32(b, m->buf_overrun);
	wbuf_put32(b, m->timeout);
	wbuf_put32(b, m->align);
}

static void
enc_body(struct wbuf *b, const struct ctrlmsg *m)
{
	switch (m->type) {
	case PPTP_SCCRQ:
	case PPTP_SCCRP:
		enc_sccr(b, &m->u.sccr);
		break;
	case PPTP_STOPCCRQ:
	case PPTP_STOPCCRP:
		wbuf_put8(b, m->u.stop.code);
		wbuf_put8(b, m->u.stop.error);
		wbuf_put16(b, 0);
		break;
	case PPTP_ECHORQ:
		wbuf_put32(b, m->u.echo.id);
		break;
	case PPTP_ECHORP:
		wbuf_put32(b, m->u.echo.id);
		wbuf_put8(b, m->u.echo.result);
		wbuf_put8(b, m->u.echo.error);
		wbuf_put16(b, 0);
		break;
	case PPTP_OCRQ:
		enc_ocrq(b, &m->u.ocrq);
		break;
	case PPTP_OCRP:
		enc_ocrp(b, &m->u.ocrp);
		break;
	case PPTP_ICRQ:
		enc_icrq(b, &m->u.icrq);
		break;
	case PPTP_ICRP:
		enc_icrp(b, &m->u.icrp);
		break;
	case PPTP_ICCN:
		enc_iccn(b, &m->u.iccn);
		break;
	case PPTP_CCRQ:
		wbuf_put16(b, m->u.ccrq.call_id);
		wbuf_put16(b, 0);
		break;
	case PPTP_CDN:
		enc_cdn(b, &m->u.cdn);
		break;
	case PPTP_WEN:
		enc_wen(b, &m->u.wen);
		break;
	case PPTP_SLI:
		wbuf_put16(b, m->u.sli.peer_call_id);
		wbuf_put16(b, 0);
		wbuf_put32(b, m->u.sli.send_accm);
		wbuf_put32(b, m->u.sli.recv_accm);
		break;
	}
}

int
ctrlmsg_encode(const struct ctrlmsg *m, uint8_t *out, size_t cap)
{
	struct wbuf b;
	size_t size = ctrlmsg_size(m->type);

	if (size == 0)
		return E_CTRLTYPE;
	wbuf_init(&b, out, cap);
	wbuf_put16(&b, 0);		/* length, patched below */
	wbuf_put16(&b, PPTP_MSG_CONTROL);
	wbuf_put32(&b, PPTP_MAGIC);
	wbuf_put16(&b, m->type);
	wbuf_put16(&b, 0);
	enc_body(&b, m);
	if (b.err)
		return E_SPACE;
	if (b.off != size)
		return E_LENGTH;
	wbuf_patch16(&b, 0, (uint16_t)b.off);
	return (int)b.off;
}
