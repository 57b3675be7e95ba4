/*
 * The per-call raw GRE socket.
 */
#include "autoconf.h"

#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gresock.h"

#define GRE_SOCK_BUF	(512 * 1024)	/* bursts of a fast link */

static int
gresock_filter(int fd, uint16_t call_id)
{
	/*
	 * The raw socket sees the IPv4 header first.  X = header length;
	 * the GRE key's low half (the receiver's call id, RFC 2637 4.1) sits
	 * at X + 6.  Accept only our call id; user space checks the rest.
	 */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 6),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, call_id, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]),
	    .filter = code };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog));
}

int
gresock_open(uint32_t local, uint32_t peer, uint16_t call_id,
    const char *vrf, char *err, size_t errlen)
{
	struct sockaddr_in sin;
	int fd, sz = GRE_SOCK_BUF;

	fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_GRE);
	if (fd == -1) {
		snprintf(err, errlen, "GRE socket: %s", strerror(errno));
		return -1;
	}
	/* Filter before bind/connect so no foreign packet is ever queued. */
	if (gresock_filter(fd, call_id) == -1) {
		snprintf(err, errlen, "GRE filter: %s", strerror(errno));
		goto fail;
	}
	if (vrf != NULL && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, vrf,
	    (socklen_t)strlen(vrf)) == -1) {
		snprintf(err, errlen, "vrf %s: %s", vrf, strerror(errno));
		goto fail;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = local;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		snprintf(err, errlen, "GRE bind: %s", strerror(errno));
		goto fail;
	}
	sin.sin_addr.s_addr = peer;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		snprintf(err, errlen, "GRE connect: %s", strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/*
 * musl's sendmmsg on 64-bit sends one message per sendmsg call (its
 * msghdr has padding the kernel's lacks, and it will not write into the
 * caller's vector to clear it): the very per-packet system call batching
 * is for, and under user-mode-linux each one is a trip through ptrace.
 * Our vectors are static and set once, so their padding is zero, as the
 * kernel expects; glibc's layout is the kernel's.
 */
int
gresock_sendmmsg(int fd, struct mmsghdr *mm, unsigned int n)
{
	return (int)syscall(SYS_sendmmsg, fd, mm, n, 0);
}
