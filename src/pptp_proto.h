/*
 * RFC 2637 (PPTP) wire constants. Sizes and codes are from the RFC's
 * section 2 (control messages) and section 4 (enhanced GRE).
 */
#ifndef PPTP_PROTO_H
#define PPTP_PROTO_H

#define PPTP_PORT		1723
#define PPTP_MAGIC		0x1A2B3C4DU
#define PPTP_VERSION		0x0100	/* RFC 2637 1.4: version 1, revision 0 */
#define PPTP_MSG_CONTROL	1	/* PPTP Message Type (RFC 2637 1.4) */
#define PPTP_HDR_LEN		12	/* length, type, cookie, ctrl type, reserved */
#define PPTP_MAX_MSG_LEN	220	/* Incoming-Call-Request is the longest */
#define PPTP_HOSTNAME_LEN	64
#define PPTP_VENDOR_LEN		64
#define PPTP_PHONE_LEN		64
#define PPTP_SUBADDR_LEN	64
#define PPTP_STATS_LEN		128

/* Control Message Types (RFC 2637 1.4). */
enum pptp_ctrl_type {
	PPTP_SCCRQ = 1,		/* Start-Control-Connection-Request */
	PPTP_SCCRP = 2,		/* Start-Control-Connection-Reply */
	PPTP_STOPCCRQ = 3,	/* Stop-Control-Connection-Request */
	PPTP_STOPCCRP = 4,	/* Stop-Control-Connection-Reply */
	PPTP_ECHORQ = 5,	/* Echo-Request */
	PPTP_ECHORP = 6,	/* Echo-Reply */
	PPTP_OCRQ = 7,		/* Outgoing-Call-Request */
	PPTP_OCRP = 8,		/* Outgoing-Call-Reply */
	PPTP_ICRQ = 9,		/* Incoming-Call-Request */
	PPTP_ICRP = 10,		/* Incoming-Call-Reply */
	PPTP_ICCN = 11,		/* Incoming-Call-Connected */
	PPTP_CCRQ = 12,		/* Call-Clear-Request */
	PPTP_CDN = 13,		/* Call-Disconnect-Notify */
	PPTP_WEN = 14,		/* WAN-Error-Notify */
	PPTP_SLI = 15,		/* Set-Link-Info */
	PPTP_CTRL_TYPE_MAX = 15
};

/* Result codes (RFC 2637 2.2, 2.4, 2.6, 2.8, 2.10, 2.13). */
#define PPTP_SCCRP_OK		1
#define PPTP_SCCRP_GENERAL	2
#define PPTP_SCCRP_EXISTS	3
#define PPTP_SCCRP_NOTAUTH	4
#define PPTP_SCCRP_VERSION	5
#define PPTP_STOPCCRP_OK	1
#define PPTP_STOPCCRP_GENERAL	2
#define PPTP_ECHORP_OK		1
#define PPTP_ECHORP_GENERAL	2
#define PPTP_OCRP_CONNECTED	1
#define PPTP_OCRP_GENERAL	2
#define PPTP_OCRP_NOCARRIER	3
#define PPTP_OCRP_BUSY		4
#define PPTP_OCRP_NODIALTONE	5
#define PPTP_OCRP_TIMEOUT	6
#define PPTP_OCRP_DONOTACCEPT	7
#define PPTP_ICRP_CONNECT	1
#define PPTP_ICRP_GENERAL	2
#define PPTP_ICRP_DONOTACCEPT	3
#define PPTP_CDN_LOSTCARRIER	1
#define PPTP_CDN_GENERAL	2
#define PPTP_CDN_ADMIN		3
#define PPTP_CDN_REQUEST	4

/* Stop-Control-Connection-Request reasons (RFC 2637 2.3). */
#define PPTP_STOP_NONE		1
#define PPTP_STOP_PROTOCOL	2
#define PPTP_STOP_LOCAL		3

/* General error codes (RFC 2637 2.16). */
#define PPTP_ERR_NONE		0
#define PPTP_ERR_NOTCONNECTED	1
#define PPTP_ERR_BADFORMAT	2
#define PPTP_ERR_BADVALUE	3
#define PPTP_ERR_NORESOURCE	4
#define PPTP_ERR_BADCALLID	5
#define PPTP_ERR_PACERROR	6

/* Enhanced GRE (RFC 2637 4.1). */
#define GRE_PROTO_PPP		0x880B
#define GRE_FLAG_C		0x8000
#define GRE_FLAG_R		0x4000
#define GRE_FLAG_K		0x2000
#define GRE_FLAG_S		0x1000
#define GRE_FLAG_SSR		0x0800	/* strict source route */
#define GRE_RECUR_MASK		0x0700
#define GRE_FLAG_A		0x0080
#define GRE_FLAGS_MASK		0x0078
#define GRE_VER_MASK		0x0007
#define GRE_VERSION		1
#define GRE_HDR_MIN		8	/* flags, proto, key */
#define GRE_HDR_MAX		16	/* + seq + ack */
#define PPTP_MAX_PPP		1532	/* RFC 2637 1.4: MTU of the PPP payload */

#endif
