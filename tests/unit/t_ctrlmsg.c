/*
 * Unit tests for src/ctrlmsg.c, the PPTP control message codec (RFC 2637
 * section 2), against every control message of the real captures
 * (vectors.h): framing, decoding (checked against tshark's dissector),
 * the quirks the capture README documents, and byte-exact re-encoding.
 * Then every malformed header the checklist names.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ctrlmsg.h"
#include "pptp_proto.h"
#include "util.h"

#include "ctest.h"
#include "vectors.h"

/* RFC 2637 section 2 (and CHECKLIST B): message lengths by type 1..15. */
static const size_t rfc_sizes[16] = {
	0, 156, 156, 16, 16, 16, 20, 168, 32, 220, 24, 28, 16, 148, 40, 24
};

static const struct vctrl *
vec(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(vctrl); i++)
		if (strcmp(vctrl[i].name, name) == 0)
			return &vctrl[i];
	fprintf(stderr, "no vector %s\n", name);
	ct_failures++;
	return &vctrl[0];
}

/* The decoded value tshark calls f, or -1 if this type has no such field. */
static long long
field_value(const struct ctrlmsg *m, enum vfield f)
{
	const struct ctrl_sccr *s = &m->u.sccr;

	switch (m->type) {
	case PPTP_SCCRQ:
	case PPTP_SCCRP:
		switch (f) {
		case V_VERSION:		return s->version;
		case V_FRAMING:		return s->framing;
		case V_BEARER:		return s->bearer;
		case V_MAXCHAN:		return s->maxchan;
		case V_FIRMWARE:	return s->firmware;
		case V_RESULT:		return s->result;
		case V_ERROR:		return s->error;
		default:		return -1;
		}
	case PPTP_STOPCCRQ:
	case PPTP_STOPCCRP:
		if (f == V_RESULT)
			return m->u.stop.code;
		if (f == V_ERROR)
			return m->u.stop.error;
		return -1;
	case PPTP_ECHORQ:
	case PPTP_ECHORP:
		if (f == V_ECHOID)
			return m->u.echo.id;
		if (f == V_RESULT)
			return m->u.echo.result;
		if (f == V_ERROR)
			return m->u.echo.error;
		return -1;
	case PPTP_OCRQ:
		switch (f) {
		case V_CALLID:		return m->u.ocrq.call_id;
		case V_SERIAL:		return m->u.ocrq.serial;
		case V_MINBPS:		return m->u.ocrq.minbps;
		case V_MAXBPS:		return m->u.ocrq.maxbps;
		case V_BEARER:		return m->u.ocrq.bearer;
		case V_FRAMING:		return m->u.ocrq.framing;
		case V_WINDOW:		return m->u.ocrq.window;
		case V_DELAY:		return m->u.ocrq.delay;
		case V_PHONELEN:	return m->u.ocrq.phonelen;
		default:		return -1;
		}
	case PPTP_OCRP:
		switch (f) {
		case V_CALLID:		return m->u.ocrp.call_id;
		case V_PEERCALLID:	return m->u.ocrp.peer_call_id;
		case V_RESULT:		return m->u.ocrp.result;
		case V_ERROR:		return m->u.ocrp.error;
		case V_CAUSE:		return m->u.ocrp.cause;
		case V_SPEED:		return m->u.ocrp.speed;
		case V_WINDOW:		return m->u.ocrp.window;
		case V_DELAY:		return m->u.ocrp.delay;
		case V_CHANNEL:		return m->u.ocrp.channel;
		default:		return -1;
		}
	case PPTP_CCRQ:
		return f == V_CALLID ? m->u.ccrq.call_id : -1;
	case PPTP_CDN:
		switch (f) {
		case V_CALLID:		return m->u.cdn.call_id;
		case V_RESULT:		return m->u.cdn.result;
		case V_ERROR:		return m->u.cdn.error;
		case V_CAUSE:		return m->u.cdn.cause;
		default:		return -1;
		}
	case PPTP_SLI:
		switch (f) {
		case V_PEERCALLID:	return m->u.sli.peer_call_id;
		case V_SENDACCM:	return m->u.sli.send_accm;
		case V_RECVACCM:	return m->u.sli.recv_accm;
		default:		return -1;
		}
	default:
		return -1;
	}
}

/* Decode, compare with tshark, re-encode, compare octets. */
static void
check_vector(const struct vctrl *v)
{
	struct ctrlmsg m, m2;
	uint8_t enc[PPTP_MAX_MSG_LEN + 8], enc2[PPTP_MAX_MSG_LEN + 8];
	const struct vfieldval *f;
	size_t msglen = 0, k;
	long bad;
	int r;

	ct_ctx = v->name;
	CHECK_EQ(v->len, rfc_sizes[v->type]);
	CHECK_EQ(ctrlmsg_frame(v->p, v->len, &msglen), 1);
	CHECK_EQ(msglen, v->len);
	/* Every proper prefix of a valid message means "need more". */
	for (k = 0; k < v->len; k++) {
		size_t dummy = 12345;

		r = ctrlmsg_frame(v->p, k, &dummy);
		if (r != 0) {
			CHECK_EQ(r, 0);
			fprintf(stderr, "  prefix length %zu\n", k);
			break;
		}
		CHECK_EQ(dummy, 12345);
	}
	r = ctrlmsg_decode(v->p, v->len, &m);
	CHECK_EQ(r, 0);
	if (r != 0)
		goto out;
	CHECK_EQ(m.type, v->type);
	for (f = v->fields; f->f != V_END; f++) {
		long long got = field_value(&m, f->f);

		if (got != (long long)f->v) {
			CHECK_EQ(got, f->v);
			fprintf(stderr, "  tshark field %d\n", (int)f->f);
		}
	}
	/* Decode of a truncated or padded buffer fails. */
	CHECK_EQ(ctrlmsg_decode(v->p, v->len - 1, &m2), E_SHORT);
	{
		uint8_t pad[PPTP_MAX_MSG_LEN + 1];

		memcpy(pad, v->p, v->len);
		pad[v->len] = 0;
		CHECK_EQ(ctrlmsg_decode(pad, v->len + 1, &m2), E_LENGTH);
	}
	/* Re-encode: identical except reserved octets and string padding. */
	r = ctrlmsg_encode(&m, enc, sizeof(enc));
	CHECK_EQ(r, (int)v->len);
	if (r != (int)v->len)
		goto out;
	bad = ct_compare_reencoded(v->type, v->p, enc, v->len);
	if (bad >= 0) {
		CHECK_EQ(bad, -1);
		fprintf(stderr, "  octet %ld: captured 0x%02x, encoded 0x%02x\n",
		    bad, v->p[bad], enc[bad]);
	}
	/* And the re-encoding is a fixed point. */
	CHECK_EQ(ctrlmsg_decode(enc, v->len, &m2), 0);
	CHECK_EQ(ctrlmsg_encode(&m2, enc2, sizeof(enc2)), (int)v->len);
	CHECK_MEM(enc, enc2, v->len);
out:
	ct_ctx = "";
}

static void
test_vectors(void)
{
	size_t i;
	int seen[16] = { 0 };

	for (i = 0; i < nitems(vctrl); i++) {
		check_vector(&vctrl[i]);
		seen[vctrl[i].type]++;
	}
	/* The captures cover these types (no Echo, ICRQ/ICRP/ICCN, WEN). */
	CHECK(seen[PPTP_SCCRQ] == 5 && seen[PPTP_SCCRP] == 5);
	CHECK(seen[PPTP_OCRQ] == 5 && seen[PPTP_OCRP] == 5);
	CHECK(seen[PPTP_SLI] == 8);
	CHECK(seen[PPTP_CCRQ] == 2 && seen[PPTP_CDN] == 1);
	CHECK(seen[PPTP_STOPCCRQ] == 1 && seen[PPTP_STOPCCRP] == 1);
	CHECK_EQ(nitems(vctrl), 33);
}

static void
decode_vec(const char *name, struct ctrlmsg *m)
{
	const struct vctrl *v = vec(name);

	memset(m, 0xa5, sizeof(*m));
	if (ctrlmsg_decode(v->p, v->len, m) != 0) {
		fprintf(stderr, "%s: does not decode\n", name);
		ct_failures++;
	}
}

/* What captures/README.md documents for each client. */
static void
test_readme_fields(void)
{
	struct ctrlmsg m;
	uint8_t enc[PPTP_MAX_MSG_LEN];
	const struct vctrl *v;
	static const uint8_t guid[16] = {
		0x96, 0x15, 0x71, 0x21, 0xfd, 0xb7, 0x8f, 0x47,
		0xb5, 0xd0, 0xbe, 0x36, 0xd2, 0xe9, 0x7e, 0x50
	};
	static const uint8_t zero[64];
	size_t i;

	/* Windows NT/2000 era: firmware 2160, vendor, empty host. */
	decode_vec("nt-5-sccrq", &m);
	CHECK_EQ(m.u.sccr.firmware, 2160);
	CHECK(strcmp(m.u.sccr.vendor, "Microsoft Windows NT") == 0);
	CHECK(strcmp(m.u.sccr.host, "") == 0);
	CHECK_EQ(m.u.sccr.maxchan, 0);
	decode_vec("nt-10-ocrq", &m);
	CHECK_EQ(m.u.ocrq.call_id, 0);		/* Call ID 0 is normal */
	CHECK_EQ(m.u.ocrq.serial, 30760);
	CHECK_EQ(m.u.ocrq.window, 64);		/* Windows OCRQ window 64 */
	CHECK_EQ(m.u.ocrq.minbps, 300);
	CHECK_EQ(m.u.ocrq.maxbps, 100000000);
	CHECK_EQ(m.u.ocrq.bearer, 3);
	CHECK_EQ(m.u.ocrq.framing, 3);
	CHECK(strcmp(m.u.ocrq.phone, "") == 0);
	decode_vec("nt-15-sli", &m);
	CHECK_EQ(m.u.sli.peer_call_id, 0);
	CHECK_EQ(m.u.sli.send_accm, 0xffffffffU);
	CHECK_EQ(m.u.sli.recv_accm, 0xffffffffU);

	/* Windows 2000: host = 33 NULs then garbage; vendor = 64 octets of
	 * garbage with no NUL, which the decoder must terminate itself. */
	v = vec("w2k-30-sccrq");
	decode_vec("w2k-30-sccrq", &m);
	CHECK_EQ(m.u.sccr.firmware, 2195);
	CHECK_EQ(strlen(m.u.sccr.host), 0);
	CHECK_EQ(m.u.sccr.host[PPTP_HOSTNAME_LEN], 0);
	CHECK_MEM(v->p + 28, zero, 33);
	CHECK(v->p[28 + 33] != 0);			/* garbage in the vector */
	for (i = 0; i < 64; i++)
		CHECK(v->p[92 + i] != 0);		/* no NUL at all */
	CHECK_EQ(strlen(m.u.sccr.vendor), 64);
	CHECK_EQ(m.u.sccr.vendor[PPTP_VENDOR_LEN], 0);
	CHECK_MEM(m.u.sccr.vendor, v->p + 92, 64);
	CHECK_EQ(ctrlmsg_encode(&m, enc, sizeof(enc)), 156);
	CHECK_MEM(enc + 92, v->p + 92, 64);		/* vendor kept whole */
	CHECK_MEM(enc + 28, zero, 64);			/* host garbage dropped */
	decode_vec("w2k-38-ocrq", &m);
	CHECK_EQ(m.u.ocrq.serial, 49611);
	CHECK_EQ(m.u.ocrq.window, 64);
	decode_vec("w2k-104-sli", &m);			/* SLI #2 after LCP */
	CHECK_EQ(m.u.sli.peer_call_id, 4);
	CHECK_EQ(m.u.sli.send_accm, 0);
	CHECK_EQ(m.u.sli.recv_accm, 0xffffffffU);
	decode_vec("w2k-41-ocrp", &m);			/* PoPToP 2004 */
	CHECK_EQ(m.u.ocrp.call_id, 4);
	CHECK_EQ(m.u.ocrp.window, 64);

	/* Windows Vista+: vendor "Microsoft", firmware 0, random call id,
	 * Correlation GUID in the Subaddress. */
	decode_vec("w10-31-sccrq", &m);
	CHECK(strcmp(m.u.sccr.vendor, "Microsoft") == 0);
	CHECK_EQ(m.u.sccr.firmware, 0);
	decode_vec("w10-33-ocrq", &m);
	CHECK_EQ(m.u.ocrq.call_id, 40265);
	CHECK_EQ(m.u.ocrq.serial, 19);
	CHECK_EQ(m.u.ocrq.window, 64);
	CHECK_EQ(m.u.ocrq.phonelen, 0);
	CHECK_MEM(m.u.ocrq.subaddr, guid, 16);
	CHECK_MEM(m.u.ocrq.subaddr + 16, zero, 48);
	decode_vec("w10-34-ocrp", &m);			/* RRAS */
	CHECK_EQ(m.u.ocrp.call_id, 29546);
	CHECK_EQ(m.u.ocrp.peer_call_id, 40265);
	CHECK_EQ(m.u.ocrp.window, 16384);
	CHECK_EQ(m.u.ocrp.speed, 13277755);
	decode_vec("w10-20-ccrq", &m);			/* its own call id */
	CHECK_EQ(m.u.ccrq.call_id, 64688);
	decode_vec("w10-21-cdn", &m);			/* RRAS: result 0 */
	CHECK_EQ(m.u.cdn.result, 0);
	CHECK_EQ(m.u.cdn.call_id, 15159);
	CHECK(strcmp(m.u.cdn.stats, "") == 0);
	decode_vec("w10-22-stopccrq", &m);
	CHECK_EQ(m.u.stop.code, PPTP_STOP_NONE);
	decode_vec("w10-23-stopccrp", &m);
	CHECK_EQ(m.u.stop.code, PPTP_STOPCCRP_OK);
	decode_vec("w10-35-sli", &m);
	CHECK_EQ(m.u.sli.peer_call_id, 29546);

	/* pptp-linux */
	decode_vec("lnx-4-sccrq", &m);
	CHECK_EQ(m.u.sccr.maxchan, 65535);
	CHECK_EQ(m.u.sccr.framing, 3);
	CHECK(strcmp(m.u.sccr.host, "local") == 0);
	CHECK(strcmp(m.u.sccr.vendor, "cananian") == 0);
	decode_vec("lnx-8-ocrq", &m);
	CHECK_EQ(m.u.ocrq.call_id, 0);
	CHECK_EQ(m.u.ocrq.window, 3);
	CHECK_EQ(m.u.ocrq.minbps, 2400);
	CHECK_EQ(m.u.ocrq.maxbps, 10000000);
	decode_vec("lnx-6-sccrp", &m);
	CHECK(strcmp(m.u.sccr.vendor, "linux") == 0);
	decode_vec("lnx-128-ccrq", &m);
	CHECK_EQ(m.u.ccrq.call_id, 0);

	/* Ixia against Cisco IOS */
	decode_vec("ixia-6-sccrq", &m);
	CHECK_EQ(m.u.sccr.maxchan, 65535);
	CHECK_EQ(m.u.sccr.firmware, 256);
	CHECK(strcmp(m.u.sccr.vendor, "ixia") == 0);
	decode_vec("ixia-7-sccrp", &m);
	CHECK_EQ(m.u.sccr.firmware, 4608);
	CHECK(strcmp(m.u.sccr.host, "ixro-smdev-r1") == 0);
	CHECK(strcmp(m.u.sccr.vendor, "Cisco Systems, Inc.") == 0);
	decode_vec("ixia-9-ocrq", &m);
	CHECK_EQ(m.u.ocrq.call_id, 1);
	CHECK_EQ(m.u.ocrq.minbps, 32768);
	CHECK_EQ(m.u.ocrq.maxbps, 2147483648U);
	CHECK_EQ(m.u.ocrq.bearer, 1);
	CHECK_EQ(m.u.ocrq.framing, 1);
	CHECK_EQ(m.u.ocrq.window, 10);
	decode_vec("ixia-10-ocrp", &m);
	CHECK_EQ(m.u.ocrp.call_id, 24);
	CHECK_EQ(m.u.ocrp.speed, 64000);
	CHECK_EQ(m.u.ocrp.window, 16);
}

/* Non-zero reserved fields are accepted and sent back as zero. */
static void
test_reserved_nonzero(void)
{
	const struct vctrl *v = vec("w10-35-sli");
	uint8_t b[PPTP_MAX_MSG_LEN], enc[PPTP_MAX_MSG_LEN];
	struct ctrlmsg m;
	size_t i, n;

	/* RRAS's SLI Reserved1 0xa196 (nDPI trace, CLIENT-QUIRKS 14). */
	memcpy(b, v->p, v->len);
	b[14] = 0xa1;
	b[15] = 0x96;
	CHECK_EQ(ctrlmsg_frame(b, v->len, &n), 1);
	CHECK_EQ(ctrlmsg_decode(b, v->len, &m), 0);
	CHECK_EQ(m.u.sli.peer_call_id, 29546);
	CHECK_EQ(m.u.sli.send_accm, 0xffffffffU);
	CHECK_EQ(ctrlmsg_encode(&m, enc, sizeof(enc)), 24);
	CHECK_EQ(enc[14], 0);
	CHECK_EQ(enc[15], 0);
	CHECK_MEM(enc, v->p, v->len);

	/* Reserved0 (offset 10) of every captured message. */
	for (i = 0; i < nitems(vctrl); i++) {
		v = &vctrl[i];
		memcpy(b, v->p, v->len);
		b[10] = 0xff;
		b[11] = 0x01;
		ct_ctx = v->name;
		CHECK_EQ(ctrlmsg_decode(b, v->len, &m), 0);
		CHECK_EQ(ctrlmsg_encode(&m, enc, sizeof(enc)), (int)v->len);
		CHECK_EQ(enc[10], 0);
		CHECK_EQ(enc[11], 0);
		ct_ctx = "";
	}

	/* Every reserved octet of every type, set to 0xff. */
	for (i = 1; i <= 15; i++) {
		struct ctrlmsg z;
		size_t off, start, len;
		int r;

		memset(&z, 0, sizeof(z));
		z.type = (uint16_t)i;
		r = ctrlmsg_encode(&z, b, sizeof(b));
		CHECK_EQ(r, (int)rfc_sizes[i]);
		if (r <= 0)
			continue;
		for (off = 0; off < (size_t)r; off++)
			if (ct_octet_kind((unsigned int)i, off, &start, &len) ==
			    CT_RESERVED)
				b[off] = 0xff;
		CHECK_EQ(ctrlmsg_decode(b, (size_t)r, &m), 0);
		CHECK_EQ(ctrlmsg_encode(&m, enc, sizeof(enc)), r);
		for (off = 0; off < (size_t)r; off++)
			if (ct_octet_kind((unsigned int)i, off, &start, &len) ==
			    CT_RESERVED && enc[off] != 0) {
				CHECK_EQ(enc[off], 0);
				fprintf(stderr, "  type %zu octet %zu\n", i, off);
			}
	}
}

/* A header for type with the given length field. */
static void
mkhdr(uint8_t *b, uint16_t len, uint16_t msgtype, uint32_t magic,
    uint16_t ctype)
{
	b[0] = (uint8_t)(len >> 8);
	b[1] = (uint8_t)len;
	b[2] = (uint8_t)(msgtype >> 8);
	b[3] = (uint8_t)msgtype;
	b[4] = (uint8_t)(magic >> 24);
	b[5] = (uint8_t)(magic >> 16);
	b[6] = (uint8_t)(magic >> 8);
	b[7] = (uint8_t)magic;
	b[8] = (uint8_t)(ctype >> 8);
	b[9] = (uint8_t)ctype;
	b[10] = b[11] = 0;
}

static void
test_malformed(void)
{
	uint8_t b[512];
	struct ctrlmsg m;
	size_t n, t;
	unsigned int lens[] = { 0, 1, 11, 12, 13, 221, 256, 0x7fff, 65535 };
	unsigned int types[] = { 0, 16, 17, 255, 256, 0x7fff, 0xffff };
	size_t i;

	memset(b, 0, sizeof(b));
	for (t = 1; t <= 15; t++) {
		size_t sz = rfc_sizes[t];
		char ctx[32];

		snprintf(ctx, sizeof(ctx), "type %zu", t);
		ct_ctx = ctx;
		CHECK_EQ(ctrlmsg_size((unsigned int)t), sz);
		CHECK(ctrlmsg_name((unsigned int)t) != NULL);
		CHECK(strcmp(ctrlmsg_name((unsigned int)t), "unknown") != 0);
		memset(b, 0, sizeof(b));
		mkhdr(b, (uint16_t)sz, 1, PPTP_MAGIC, (uint16_t)t);
		CHECK_EQ(ctrlmsg_frame(b, sz, &n), 1);
		CHECK_EQ(n, sz);
		CHECK_EQ(ctrlmsg_decode(b, sz, &m), 0);
		CHECK_EQ(m.type, t);
		/* more bytes than the message: framed to its length */
		CHECK_EQ(ctrlmsg_frame(b, sizeof(b), &n), 1);
		CHECK_EQ(n, sz);
		/* one byte short / long in the length field */
		mkhdr(b, (uint16_t)(sz - 1), 1, PPTP_MAGIC, (uint16_t)t);
		CHECK_EQ(ctrlmsg_frame(b, sizeof(b), &n), E_LENGTH);
		CHECK_EQ(ctrlmsg_frame(b, 10, &n), E_LENGTH);
		CHECK(ctrlmsg_decode(b, sz - 1, &m) < 0);
		CHECK(ctrlmsg_decode(b, sz, &m) < 0);
		mkhdr(b, (uint16_t)(sz + 1), 1, PPTP_MAGIC, (uint16_t)t);
		CHECK_EQ(ctrlmsg_frame(b, sizeof(b), &n), E_LENGTH);
		CHECK_EQ(ctrlmsg_frame(b, 10, &n), E_LENGTH);
		CHECK(ctrlmsg_decode(b, sz + 1, &m) < 0);
		CHECK(ctrlmsg_decode(b, sz, &m) < 0);
		/* right length field, buffer one byte short: need more */
		mkhdr(b, (uint16_t)sz, 1, PPTP_MAGIC, (uint16_t)t);
		CHECK_EQ(ctrlmsg_frame(b, sz - 1, &n), 0);
		CHECK_EQ(ctrlmsg_decode(b, sz - 1, &m), E_SHORT);
		/* bad magic, PPTP message type 2 (management) and 0 */
		mkhdr(b, (uint16_t)sz, 1, 0x1a2b3c4e, (uint16_t)t);
		CHECK_EQ(ctrlmsg_frame(b, sz, &n), E_MAGIC);
		CHECK_EQ(ctrlmsg_frame(b, 8, &n), E_MAGIC);
		CHECK_EQ(ctrlmsg_decode(b, sz, &m), E_MAGIC);
		mkhdr(b, (uint16_t)sz, 1, 0x4d3c2b1a, (uint16_t)t);
		CHECK_EQ(ctrlmsg_frame(b, sz, &n), E_MAGIC);
		mkhdr(b, (uint16_t)sz, 2, PPTP_MAGIC, (uint16_t)t);
		CHECK_EQ(ctrlmsg_frame(b, sz, &n), E_MSGTYPE);
		CHECK_EQ(ctrlmsg_frame(b, 4, &n), E_MSGTYPE);
		CHECK_EQ(ctrlmsg_decode(b, sz, &m), E_MSGTYPE);
		mkhdr(b, (uint16_t)sz, 0, PPTP_MAGIC, (uint16_t)t);
		CHECK_EQ(ctrlmsg_frame(b, sz, &n), E_MSGTYPE);
		mkhdr(b, (uint16_t)sz, 0x0101, PPTP_MAGIC, (uint16_t)t);
		CHECK_EQ(ctrlmsg_frame(b, sz, &n), E_MSGTYPE);
	}
	ct_ctx = "";

	/* Unknown control message types, with any length. */
	for (i = 0; i < nitems(types); i++) {
		CHECK_EQ(ctrlmsg_size(types[i]), 0);
		CHECK(strcmp(ctrlmsg_name(types[i]), "unknown") == 0);
		for (t = 12; t <= PPTP_MAX_MSG_LEN; t += 4) {
			mkhdr(b, (uint16_t)t, 1, PPTP_MAGIC, (uint16_t)types[i]);
			CHECK_EQ(ctrlmsg_frame(b, t, &n), E_CTRLTYPE);
			CHECK_EQ(ctrlmsg_decode(b, t, &m), E_CTRLTYPE);
		}
		mkhdr(b, 16, 1, PPTP_MAGIC, (uint16_t)types[i]);
		CHECK_EQ(ctrlmsg_frame(b, 10, &n), E_CTRLTYPE);
		m.type = (uint16_t)types[i];
		CHECK_EQ(ctrlmsg_encode(&m, b, sizeof(b)), E_CTRLTYPE);
	}

	/* Length fields that no message has; caught from the first two
	 * octets, without waiting for more. */
	for (i = 0; i < nitems(lens); i++) {
		char ctx[32];

		snprintf(ctx, sizeof(ctx), "length %u", lens[i]);
		ct_ctx = ctx;
		mkhdr(b, (uint16_t)lens[i], 1, PPTP_MAGIC, PPTP_SCCRQ);
		CHECK_EQ(ctrlmsg_frame(b, sizeof(b), &n), E_LENGTH);
		if (lens[i] < 12 || lens[i] > PPTP_MAX_MSG_LEN)
			CHECK_EQ(ctrlmsg_frame(b, 2, &n), E_LENGTH);
		CHECK(ctrlmsg_decode(b, lens[i] < sizeof(b) ? lens[i] :
		    sizeof(b), &m) < 0);
		/* 12 octets is a header alone: no type is that short */
		mkhdr(b, (uint16_t)lens[i], 1, PPTP_MAGIC, PPTP_STOPCCRQ);
		CHECK_EQ(ctrlmsg_frame(b, sizeof(b), &n), E_LENGTH);
	}
	ct_ctx = "";

	/* Less than a length field: need more; nothing at all: need more. */
	b[0] = 0;
	CHECK_EQ(ctrlmsg_frame(b, 0, &n), 0);
	CHECK_EQ(ctrlmsg_frame(b, 1, &n), 0);
	CHECK_EQ(ctrlmsg_decode(b, 0, &m), E_SHORT);
	CHECK_EQ(ctrlmsg_decode(b, 1, &m), E_SHORT);
	/* Header complete but for the control type. */
	mkhdr(b, 156, 1, PPTP_MAGIC, PPTP_SCCRQ);
	CHECK_EQ(ctrlmsg_frame(b, 8, &n), 0);
	CHECK_EQ(ctrlmsg_frame(b, 9, &n), 0);
	CHECK_EQ(ctrlmsg_frame(b, 10, &n), 0);
}

/* Reassembly the way relay.c does it: append, frame, consume. */
struct stream {
	uint8_t		buf[4096];
	size_t		len;
	size_t		got;		/* messages framed so far */
	int		err;
};

static void
stream_feed(struct stream *s, const uint8_t *p, size_t n,
    const struct vctrl *const *want, size_t nwant)
{
	size_t off = 0, len;
	int r;

	if (s->err)
		return;
	if (n > sizeof(s->buf) - s->len) {
		s->err = E_SPACE;
		return;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	while ((r = ctrlmsg_frame(s->buf + off, s->len - off, &len)) == 1) {
		if (s->got >= nwant || len != want[s->got]->len ||
		    memcmp(s->buf + off, want[s->got]->p, len) != 0) {
			s->err = E_LENGTH;
			return;
		}
		s->got++;
		off += len;
	}
	if (r < 0) {
		s->err = r;
		return;
	}
	memmove(s->buf, s->buf + off, s->len - off);
	s->len -= off;
}

static void
test_streams(void)
{
	const struct vctrl *want[40];
	uint8_t all[4096];
	size_t n = 0, total = 0, i, chunk, off;
	struct stream s;

	/* Every client message of every capture, back to back. */
	for (i = 0; i < nitems(vctrl); i++) {
		if (!vctrl[i].from_client)
			continue;
		want[n++] = &vctrl[i];
		memcpy(all + total, vctrl[i].p, vctrl[i].len);
		total += vctrl[i].len;
	}
	CHECK(n >= 15);
	/* Whole, in chunks of every size, and one octet at a time. */
	for (chunk = 1; chunk <= total; chunk++) {
		memset(&s, 0, sizeof(s));
		for (off = 0; off < total; off += chunk)
			stream_feed(&s, all + off,
			    total - off < chunk ? total - off : chunk, want, n);
		if (s.err != 0 || s.got != n || s.len != 0) {
			CHECK_EQ(s.err, 0);
			CHECK_EQ(s.got, n);
			CHECK_EQ(s.len, 0);
			fprintf(stderr, "  chunk size %zu\n", chunk);
			break;
		}
		if (chunk == 300)
			chunk = total - 2;	/* the rest says nothing new */
	}

	/* Split at every octet between two messages of one segment. */
	for (off = 0; off <= vctrl[0].len + vctrl[2].len; off++) {
		const struct vctrl *w2[2] = { &vctrl[0], &vctrl[2] };
		uint8_t two[512];
		size_t tl = vctrl[0].len + vctrl[2].len;

		memcpy(two, vctrl[0].p, vctrl[0].len);
		memcpy(two + vctrl[0].len, vctrl[2].p, vctrl[2].len);
		memset(&s, 0, sizeof(s));
		stream_feed(&s, two, off, w2, 2);
		stream_feed(&s, two + off, tl - off, w2, 2);
		CHECK(s.err == 0 && s.got == 2 && s.len == 0);
	}

	/* A bad message after good ones: the good ones come out first,
	 * then the stream is dead (RFC 2637 1.4: never resynchronise). */
	{
		const struct vctrl *w1[1] = { &vctrl[0] };
		uint8_t two[512];

		memcpy(two, vctrl[0].p, vctrl[0].len);
		memcpy(two + vctrl[0].len, vctrl[0].p, vctrl[0].len);
		two[vctrl[0].len + 7] ^= 1;		/* magic */
		memset(&s, 0, sizeof(s));
		stream_feed(&s, two, 2 * vctrl[0].len, w1, 1);
		CHECK_EQ(s.got, 1);
		CHECK_EQ(s.err, E_MAGIC);
	}
}

/*
 * Every octet of every type set to a distinct non-zero value (strings to
 * printable characters without a NUL): decode then encode gives every
 * field octet back, so no field is dropped, truncated or misplaced.
 */
static void
test_every_octet(void)
{
	uint8_t b[PPTP_MAX_MSG_LEN], enc[PPTP_MAX_MSG_LEN];
	struct ctrlmsg m;
	size_t t, off, start, len;
	long bad;
	int pass;

	for (t = 1; t <= 15; t++)
		for (pass = 0; pass < 2; pass++) {
			char ctx[32];

			snprintf(ctx, sizeof(ctx), "type %zu pass %d", t, pass);
			ct_ctx = ctx;
			mkhdr(b, (uint16_t)rfc_sizes[t], 1, PPTP_MAGIC,
			    (uint16_t)t);
			for (off = PPTP_HDR_LEN; off < rfc_sizes[t]; off++) {
				enum ct_octet k = ct_octet_kind((unsigned int)t,
				    off, &start, &len);

				if (k == CT_STRING)
					b[off] = (uint8_t)(0x21 + (off * 5 +
					    (size_t)pass) % 90);
				else
					b[off] = (uint8_t)(pass ? 0xff - off :
					    off * 37 + 1);
			}
			CHECK_EQ(ctrlmsg_decode(b, rfc_sizes[t], &m), 0);
			CHECK_EQ(ctrlmsg_encode(&m, enc, sizeof(enc)),
			    (int)rfc_sizes[t]);
			bad = ct_compare_reencoded((unsigned int)t, b, enc,
			    rfc_sizes[t]);
			if (bad >= 0) {
				CHECK_EQ(bad, -1);
				fprintf(stderr, "  octet %ld: 0x%02x became "
				    "0x%02x\n", bad, b[bad], enc[bad]);
			}
		}
	ct_ctx = "";
}

static void
test_encode(void)
{
	struct ctrlmsg m, d;
	uint8_t b[PPTP_MAX_MSG_LEN + 16];
	size_t t, cap;
	int r;

	for (t = 1; t <= 15; t++) {
		char ctx[32];

		snprintf(ctx, sizeof(ctx), "type %zu", t);
		ct_ctx = ctx;
		memset(&m, 0, sizeof(m));
		m.type = (uint16_t)t;
		memset(b, 0xee, sizeof(b));
		r = ctrlmsg_encode(&m, b, sizeof(b));
		CHECK_EQ(r, (int)rfc_sizes[t]);
		CHECK_EQ(b[0] << 8 | b[1], rfc_sizes[t]);
		CHECK_EQ(b[2] << 8 | b[3], PPTP_MSG_CONTROL);
		CHECK_EQ((uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 |
		    (uint32_t)b[6] << 8 | b[7], PPTP_MAGIC);
		CHECK_EQ(b[8] << 8 | b[9], t);
		CHECK_EQ(b[rfc_sizes[t]], 0xee);	/* nothing past it */
		/* Every capacity below the size fails, writing nothing past
		 * the capacity. */
		for (cap = 0; cap < rfc_sizes[t]; cap++) {
			memset(b, 0xee, sizeof(b));
			r = ctrlmsg_encode(&m, b, cap);
			if (r != E_SPACE) {
				CHECK_EQ(r, E_SPACE);
				break;
			}
			CHECK_EQ(b[cap], 0xee);
		}
		CHECK_EQ(ctrlmsg_encode(&m, b, rfc_sizes[t]), (int)rfc_sizes[t]);
	}
	ct_ctx = "";

	/* Strings: zero padded; a full 64-octet field kept whole. */
	memset(&m, 0, sizeof(m));
	m.type = PPTP_SCCRP;
	m.u.sccr.version = PPTP_VERSION;
	m.u.sccr.result = 1;
	strcpy(m.u.sccr.host, "host");
	memset(m.u.sccr.vendor, 'v', PPTP_VENDOR_LEN);
	m.u.sccr.vendor[PPTP_VENDOR_LEN] = '\0';
	memset(b, 0xee, sizeof(b));
	CHECK_EQ(ctrlmsg_encode(&m, b, sizeof(b)), 156);
	CHECK_MEM(b + 28, "host\0\0\0\0", 8);
	CHECK_EQ(b[91], 0);
	CHECK_EQ(b[92], 'v');
	CHECK_EQ(b[155], 'v');
	CHECK_EQ(b[156], 0xee);
	CHECK_EQ(ctrlmsg_decode(b, 156, &d), 0);
	CHECK(strcmp(d.u.sccr.host, "host") == 0);
	CHECK_EQ(strlen(d.u.sccr.vendor), 64);

	/* All numeric fields at their maximum survive. */
	memset(&m, 0, sizeof(m));
	m.type = PPTP_OCRP;
	m.u.ocrp.call_id = 0xffff;
	m.u.ocrp.peer_call_id = 0xfffe;
	m.u.ocrp.result = 0xff;
	m.u.ocrp.error = 0xfe;
	m.u.ocrp.cause = 0xfffd;
	m.u.ocrp.speed = 0xfffffffc;
	m.u.ocrp.window = 0xfffb;
	m.u.ocrp.delay = 0xfffa;
	m.u.ocrp.channel = 0xfffffff9;
	CHECK_EQ(ctrlmsg_encode(&m, b, sizeof(b)), 32);
	CHECK_EQ(ctrlmsg_decode(b, 32, &d), 0);
	CHECK_EQ(d.u.ocrp.call_id, 0xffff);
	CHECK_EQ(d.u.ocrp.peer_call_id, 0xfffe);
	CHECK_EQ(d.u.ocrp.result, 0xff);
	CHECK_EQ(d.u.ocrp.error, 0xfe);
	CHECK_EQ(d.u.ocrp.cause, 0xfffd);
	CHECK_EQ(d.u.ocrp.speed, 0xfffffffcU);
	CHECK_EQ(d.u.ocrp.window, 0xfffb);
	CHECK_EQ(d.u.ocrp.delay, 0xfffa);
	CHECK_EQ(d.u.ocrp.channel, 0xfffffff9U);

	/* Types with fields nobody sent in the captures: round trip. */
	memset(&m, 0, sizeof(m));
	m.type = PPTP_WEN;
	m.u.wen.peer_call_id = 7;
	m.u.wen.crc = 1;
	m.u.wen.framing = 2;
	m.u.wen.hw_overrun = 3;
	m.u.wen.buf_overrun = 4;
	m.u.wen.timeout = 5;
	m.u.wen.align = 6;
	CHECK_EQ(ctrlmsg_encode(&m, b, sizeof(b)), 40);
	CHECK_EQ(ctrlmsg_decode(b, 40, &d), 0);
	CHECK(d.u.wen.peer_call_id == 7 && d.u.wen.crc == 1 &&
	    d.u.wen.framing == 2 && d.u.wen.hw_overrun == 3 &&
	    d.u.wen.buf_overrun == 4 && d.u.wen.timeout == 5 &&
	    d.u.wen.align == 6);
	memset(&m, 0, sizeof(m));
	m.type = PPTP_ICRQ;
	m.u.icrq.call_id = 9;
	m.u.icrq.serial = 10;
	m.u.icrq.bearer = 2;
	m.u.icrq.channel = 11;
	m.u.icrq.dialedlen = 3;
	m.u.icrq.dialinglen = 4;
	strcpy(m.u.icrq.dialed, "123");
	strcpy(m.u.icrq.dialing, "4567");
	m.u.icrq.subaddr[63] = 0x5a;
	CHECK_EQ(ctrlmsg_encode(&m, b, sizeof(b)), 220);
	CHECK_EQ(ctrlmsg_decode(b, 220, &d), 0);
	CHECK(d.u.icrq.call_id == 9 && d.u.icrq.serial == 10 &&
	    d.u.icrq.bearer == 2 && d.u.icrq.channel == 11 &&
	    d.u.icrq.dialedlen == 3 && d.u.icrq.dialinglen == 4);
	CHECK(strcmp(d.u.icrq.dialed, "123") == 0);
	CHECK(strcmp(d.u.icrq.dialing, "4567") == 0);
	CHECK_EQ(d.u.icrq.subaddr[63], 0x5a);
	CHECK_EQ(b[219], 0x5a);
	memset(&m, 0, sizeof(m));
	m.type = PPTP_ICCN;
	m.u.iccn.peer_call_id = 12;
	m.u.iccn.speed = 13;
	m.u.iccn.window = 14;
	m.u.iccn.delay = 15;
	m.u.iccn.framing = 1;
	CHECK_EQ(ctrlmsg_encode(&m, b, sizeof(b)), 28);
	CHECK_EQ(ctrlmsg_decode(b, 28, &d), 0);
	CHECK(d.u.iccn.peer_call_id == 12 && d.u.iccn.speed == 13 &&
	    d.u.iccn.window == 14 && d.u.iccn.delay == 15 &&
	    d.u.iccn.framing == 1);
	memset(&m, 0, sizeof(m));
	m.type = PPTP_ICRP;
	m.u.icrp.call_id = 16;
	m.u.icrp.peer_call_id = 17;
	m.u.icrp.result = 3;
	m.u.icrp.error = 0;
	m.u.icrp.window = 18;
	m.u.icrp.delay = 19;
	CHECK_EQ(ctrlmsg_encode(&m, b, sizeof(b)), 24);
	CHECK_EQ(ctrlmsg_decode(b, 24, &d), 0);
	CHECK(d.u.icrp.call_id == 16 && d.u.icrp.peer_call_id == 17 &&
	    d.u.icrp.result == 3 && d.u.icrp.window == 18 &&
	    d.u.icrp.delay == 19);
	memset(&m, 0, sizeof(m));
	m.type = PPTP_ECHORP;
	m.u.echo.id = 0xdeadbeef;
	m.u.echo.result = 1;
	m.u.echo.error = 6;
	CHECK_EQ(ctrlmsg_encode(&m, b, sizeof(b)), 20);
	CHECK_MEM(b + 12, "\xde\xad\xbe\xef\x01\x06\x00\x00", 8);
	memset(&m, 0, sizeof(m));
	m.type = PPTP_CDN;
	m.u.cdn.call_id = 5;
	m.u.cdn.result = 4;
	memset(m.u.cdn.stats, 's', PPTP_STATS_LEN);
	CHECK_EQ(ctrlmsg_encode(&m, b, sizeof(b)), 148);
	CHECK_EQ(b[147], 's');
	CHECK_EQ(ctrlmsg_decode(b, 148, &d), 0);
	CHECK_EQ(strlen(d.u.cdn.stats), 128);
}

int
main(void)
{
	test_vectors();
	test_readme_fields();
	test_reserved_nonzero();
	test_malformed();
	test_streams();
	test_every_octet();
	test_encode();
	return ct_done("t_ctrlmsg");
}
