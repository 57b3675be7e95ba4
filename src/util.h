/* Error codes shared by the codecs, and small helpers. */
#ifndef UTIL_H
#define UTIL_H

#include <stdint.h>

enum err {
	E_OK = 0,
	E_SHORT = -1,		/* fewer bytes than the format needs */
	E_LENGTH = -2,		/* a length field disagrees with the bytes */
	E_MAGIC = -3,		/* PPTP magic cookie is wrong (RFC 2637 1.4) */
	E_MSGTYPE = -4,		/* PPTP Message Type is not 1 (control) */
	E_CTRLTYPE = -5,	/* unknown Control Message Type */
	E_VERSION = -6,		/* GRE version is not 1 */
	E_FLAGS = -7,		/* GRE flag bits that enhanced GRE forbids */
	E_PROTO = -8,		/* GRE protocol type is not 0x880B */
	E_CALLID = -9,		/* not our call */
	E_STATE = -10,		/* message not valid in this state */
	E_SPACE = -11,		/* output does not fit */
	E_FCS = -12,		/* HDLC frame check sequence wrong */
	E_TOOBIG = -13,		/* frame or packet over the size limit */
	E_SYS = -14,		/* a system call failed; see errno */
	E_ADDR = -15,		/* wrong source address */
	E_MAX_ = -16
};

const char	*err_str(int);
uint64_t	 now_ms(void);		/* CLOCK_MONOTONIC in milliseconds */

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#endif
