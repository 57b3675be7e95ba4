/*
 * bcrelay's sockets, opened while it is still root, and the drop of root
 * once they are: AF_PACKET rebinds and raw sends are not checked again,
 * so nothing after needs privilege.
 */
#include "autoconf.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "bcrsock.h"
#include "log.h"
#include "util.h"

int
bcrsock_rx(void)
{
	/*
	 * Classic BPF over the network header (SOCK_DGRAM): accept IPv4
	 * packets whose protocol is UDP, so the rest of the LAN's traffic
	 * never wakes us up.  Everything else is checked in bcr_parse().
	 */
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x40, 0, 3),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0x40000),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { (unsigned short)nitems(code), code };
	int fd, on = 1;

	/* Protocol 0: nothing is queued before the filter and the bind. */
	if ((fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		fatal("packet socket");
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1)
		fatal("SO_ATTACH_FILTER");
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &on, sizeof(on)) == -1)
		fatal("PACKET_AUXDATA");
	return fd;
}

int
bcrsock_tx(void)
{
	int fd, on = 1;

	/* IPPROTO_RAW implies IP_HDRINCL: we write the whole IP header. */
	if ((fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW)) == -1)
		fatal("raw socket");
	if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) == -1)
		fatal("SO_BROADCAST");
	return fd;
}

int
bcrsock_nl(const char **what)
{
	struct sockaddr_nl snl;
	int fd, sz = 1 << 20, e;

	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) == -1) {
		*what = "netlink socket";
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	memset(&snl, 0, sizeof(snl));
	snl.nl_family = AF_NETLINK;
	snl.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR;
	if (bind(fd, (struct sockaddr *)&snl, sizeof(snl)) == -1) {
		e = errno;
		close(fd);
		errno = e;
		*what = "netlink bind";
		return -1;
	}
	return fd;
}

int
bcrsock_drop_root(const char *user)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	if ((pw = getpwnam(user)) == NULL)
		return 1;
	if (setgroups(0, NULL) == -1 || setresgid(pw->pw_gid, pw->pw_gid,
	    pw->pw_gid) == -1 || setresuid(pw->pw_uid, pw->pw_uid,
	    pw->pw_uid) == -1)
		fatal("dropping root to %s", user);
	/* Not ptrace-able by other processes of that user (pptpctrl). */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return 0;
}
