/*
 * bcrelay: relay IPv4 UDP broadcasts received on one interface (the LAN)
 * to every interface whose name matches a regular expression (the PPTP
 * clients' ppp interfaces), so that NetBIOS name and datagram service
 * (UDP 137/138) browsing works over the VPN.
 *
 * Command line compatible with PoPToP's bcrelay (-D and -e are ours):
 *	bcrelay [-dDehnv] -i IFIN -o IFOUT_REGEX [-s IF:ADDR]...
 * Logs go to syslog (LOG_DAEMON) as PoPToP's did, to stderr with -e.
 *
 * How it works:
 *  - An AF_PACKET socket bound to IFIN with a BPF filter (IPv4 + UDP)
 *    sees every received frame there, whatever the routing tables say.
 *  - A packet is relayed only when it is an unfragmented UDP datagram to
 *    255.255.255.255 or to one of IFIN's broadcast addresses, with a TTL
 *    above 1.  Every length is checked before it is used.
 *  - Each copy is rebuilt from the parsed fields (IP options dropped),
 *    keeps the original source address and ports, gets TTL 1, and is sent
 *    to the outgoing interface's peer (point-to-point, e.g. ppp) or
 *    broadcast address, with the UDP checksum recomputed (or left zero
 *    when the sender sent none).  TTL 1 on the copies and "never relay
 *    TTL <= 1" make relay loops between two bcrelays impossible.
 *  - The set of outgoing interfaces is rescanned on rtnetlink link and
 *    address events (ppp interfaces come and go with the calls) and every
 *    BCR_RESCAN_MS as a fallback.
 *  - After the sockets are open, root is dropped (to "nobody").
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1		/* struct in_pktinfo, setresuid */
#endif

#include "autoconf.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bcrelay.h"
#include "bcrsock.h"
#include "buf.h"
#include "log.h"
#include "util.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION		"unknown"
#endif

#define BCR_RESCAN_MS		30000	/* fallback rescan with netlink */
#define BCR_RESCAN_NONL_MS	2000	/* rescan when netlink is missing */
#define BCR_MAX_IPSEC		8	/* -s arguments */
#define BCR_MAX_INBCAST		16	/* broadcast addresses of IFIN */
#define BCR_MAX_OUT		4096	/* outgoing interfaces */
#define BCR_NOBODY		"nobody"


struct bcr_ipsec {
	char		 name[IF_NAMESIZE];
	uint32_t	 dst;		/* host order */
};

struct bcr_out {
	char		 name[IF_NAMESIZE];
	unsigned int	 ifindex;
	uint32_t	 dst;		/* host order: peer or broadcast */
};

static struct {
	const char	*ifin;
	const char	*ifout;		/* regex source text, or NULL */
	regex_t		 re;
	struct bcr_ipsec ipsec[BCR_MAX_IPSEC];
	size_t		 nipsec;
	int		 nolog;

	unsigned int	 inidx;		/* IFIN's ifindex, 0 while absent */
	uint32_t	 inbcast[BCR_MAX_INBCAST];
	size_t		 ninbcast;
	struct bcr_out	*out;
	size_t		 nout;

	int		 rxfd;		/* AF_PACKET on IFIN */
	int		 txfd;		/* raw IPv4, IP_HDRINCL */
	int		 nlfd;		/* rtnetlink events, or -1 */
	int		 dirty;		/* rescan before the next packet */
	uint64_t	 next_scan;

	unsigned long	 rx;
	unsigned long	 relayed;
	unsigned long	 sent;
	unsigned long	 senderr;
	unsigned long	 drops[BCR_D_MAX_];
} bcr;

static volatile sig_atomic_t bcr_quit;
static volatile sig_atomic_t bcr_hup;

static uint8_t bcr_rxbuf[BCR_PKT_MAX];
static uint8_t bcr_txbuf[BCR_PKT_MAX];

/* -n: "no logging except fatal errors" (PoPToP's meaning). */
#define bcr_info(...)	do { if (!bcr.nolog) log_info(__VA_ARGS__); } while (0)
#define bcr_warnx(...)	do { if (!bcr.nolog) log_warnx(__VA_ARGS__); } while (0)
#define bcr_warn(...)	do { if (!bcr.nolog) log_warn(__VA_ARGS__); } while (0)


static const char *
bcr_ntoa(uint32_t a, char *buf, size_t len)
{
	struct in_addr in;

	in.s_addr = htonl(a);
	if (inet_ntop(AF_INET, &in, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}





/* Is dst a broadcast address of IFIN (or the limited broadcast)? */
static int
bcr_is_inbcast(uint32_t dst)
{
	size_t i;

	if (dst == INADDR_BROADCAST)
		return 1;
	for (i = 0; i < bcr.ninbcast; i++)
		if (bcr.inbcast[i] == dst)
			return 1;
	return 0;
}


/* ---- interfaces ---- */

static void
bcr_base_name(const char *name, char *out)
{
	size_t n = strcspn(name, ":");	/* "eth0:1" is a label of eth0 */

	if (n >= IF_NAMESIZE)
		n = IF_NAMESIZE - 1;
	memcpy(out, name, n);
	out[n] = '\0';
}

static uint32_t
bcr_sa4(const struct sockaddr *sa)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;

	if (sa == NULL || sa->sa_family != AF_INET)
		return 0;
	return ntohl(sin->sin_addr.s_addr);
}

static const struct bcr_ipsec *
bcr_ipsec_find(const char *name)
{
	size_t i;

	for (i = 0; i < bcr.nipsec; i++)
		if (strcmp(bcr.ipsec[i].name, name) == 0)
			return &bcr.ipsec[i];
	return NULL;
}

/*
 * Where the copy for this address of an outgoing interface goes: the -s
 * address, else the peer of a point-to-point link (a ppp client), else
 * the subnet broadcast.  0 = do not relay to this address.
 */
static uint32_t
bcr_out_dst(const struct ifaddrs *ifa, const char *base)
{
	const struct bcr_ipsec *ip;
	uint32_t local, peer;

	if ((ip = bcr_ipsec_find(base)) != NULL)
		return ip->dst;
	if (bcr.ifout == NULL || regexec(&bcr.re, base, 0, NULL, 0) != 0)
		return 0;
	local = bcr_sa4(ifa->ifa_addr);
	if (ifa->ifa_flags & IFF_POINTOPOINT) {
		peer = bcr_sa4(ifa->ifa_dstaddr);
		/* No peer address configured: limited broadcast on the link. */
		if (peer == 0 || peer == local)
			return INADDR_BROADCAST;
		return peer;
	}
	if (ifa->ifa_flags & IFF_BROADCAST)
		return bcr_sa4(ifa->ifa_broadaddr);
	return 0;
}

static int
bcr_out_cmp(const void *a, const void *b)
{
	const struct bcr_out *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static void
bcr_log_outs(void)
{
	char line[1024], addr[INET_ADDRSTRLEN], name[4 * IF_NAMESIZE];
	size_t i, off = 0;
	int n;

	line[0] = '\0';
	for (i = 0; i < bcr.nout && off < sizeof(line); i++) {
		/* Interface names may hold control characters. */
		log_escape(name, sizeof(name), bcr.out[i].name,
		    sizeof(bcr.out[i].name));
		n = snprintf(line + off, sizeof(line) - off, " %s(%s)",
		    name, bcr_ntoa(bcr.out[i].dst, addr, sizeof(addr)));
		if (n < 0)
			break;
		off += (size_t)n;
	}
	bcr_info("relaying from %s to %zu interface%s:%s%s", bcr.ifin, bcr.nout,
	    bcr.nout == 1 ? "" : "s", bcr.nout ? line : " none",
	    off >= sizeof(line) ? " ..." : "");
}

/* Rebind the receive socket when IFIN appears or its ifindex changes. */
static void
bcr_bind_in(unsigned int idx)
{
	struct sockaddr_ll sll;

	if (idx == bcr.inidx)
		return;
	if (idx == 0) {
		bcr_warnx("incoming interface %s is gone; waiting for it", bcr.ifin);
		bcr.inidx = 0;
		return;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = (int)idx;
	if (bind(bcr.rxfd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		bcr_warn("bind to %s", bcr.ifin);
		bcr.inidx = 0;
		return;
	}
	if (bcr.inidx != 0)
		bcr_info("incoming interface %s is back (index %u)", bcr.ifin, idx);
	bcr.inidx = idx;
}

/*
 * Rebuild the outgoing interface list and IFIN's broadcast addresses.
 * An interface is used once (its first IPv4 address), only when up and
 * running, never when it is IFIN itself or a loopback.
 */
static void
bcr_scan(void)
{
	struct ifaddrs *ifap, *ifa;
	struct bcr_out *nout, *o;
	char base[IF_NAMESIZE];
	size_t n = 0, i;
	uint32_t dst;
	unsigned int idx;
	int changed;

	bcr.dirty = 0;
	bcr.next_scan = now_ms() + (bcr.nlfd == -1 ? BCR_RESCAN_NONL_MS :
	    BCR_RESCAN_MS);
	if (getifaddrs(&ifap) == -1) {
		bcr_warn("getifaddrs");
		return;
	}
	nout = calloc(BCR_MAX_OUT, sizeof(*nout));
	if (nout == NULL) {
		bcr_warn("calloc");
		freeifaddrs(ifap);
		return;
	}
	bcr.ninbcast = 0;
	for (ifa = ifap; ifa != NULL; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET)
			continue;
		bcr_base_name(ifa->ifa_name, base);
		if (strcmp(base, bcr.ifin) == 0) {
			dst = (ifa->ifa_flags & IFF_BROADCAST) ?
			    bcr_sa4(ifa->ifa_broadaddr) : 0;
			if (dst != 0 && bcr.ninbcast < BCR_MAX_INBCAST)
				bcr.inbcast[bcr.ninbcast++] = dst;
			continue;
		}
		if ((ifa->ifa_flags & (IFF_UP | IFF_RUNNING)) !=
		    (IFF_UP | IFF_RUNNING) || (ifa->ifa_flags & IFF_LOOPBACK))
			continue;
		if ((dst = bcr_out_dst(ifa, base)) == 0)
			continue;
		for (i = 0; i < n; i++)
			if (strcmp(nout[i].name, base) == 0)
				break;
		if (i < n)
			continue;	/* one copy per interface */
		if (n == BCR_MAX_OUT) {
			bcr_warnx("more than %d outgoing interfaces; ignoring %s",
			    BCR_MAX_OUT, base);
			continue;
		}
		if ((idx = if_nametoindex(base)) == 0)
			continue;	/* vanished meanwhile */
		o = &nout[n++];
		memcpy(o->name, base, sizeof(o->name));
		o->ifindex = idx;
		o->dst = dst;
	}
	freeifaddrs(ifap);
	bcr_bind_in(if_nametoindex(bcr.ifin));

	qsort(nout, n, sizeof(*nout), bcr_out_cmp);
	changed = n != bcr.nout || (n > 0 && bcr.out == NULL) ||
	    (n > 0 && memcmp(nout, bcr.out, n * sizeof(*nout)) != 0);
	free(bcr.out);
	bcr.out = nout;
	bcr.nout = n;
	if (changed)
		bcr_log_outs();
}

/* ---- relaying ---- */

static void
bcr_send(const struct bcr_udp *u, const struct bcr_out *o)
{
	struct sockaddr_in sin;
	struct in_pktinfo *pi;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	union {
		struct cmsghdr	hdr;
		uint8_t		buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} cbuf;
	size_t len;

	if ((len = bcr_build(u, o->dst, bcr_txbuf, sizeof(bcr_txbuf))) == 0)
		return;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(o->dst);
	iov.iov_base = bcr_txbuf;
	iov.iov_len = len;
	memset(&cbuf, 0, sizeof(cbuf));
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &sin;
	msg.msg_namelen = sizeof(sin);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	/* IP_PKTINFO pins the output interface, whatever the routes say. */
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
	pi = (struct in_pktinfo *)(void *)CMSG_DATA(cm);
	pi->ipi_ifindex = (int)o->ifindex;
	if (sendmsg(bcr.txfd, &msg, 0) == -1) {
		bcr.senderr++;
		/* An interface going down under us is routine (ppp hangup). */
		if (errno == ENETDOWN || errno == ENXIO || errno == ENODEV ||
		    errno == ENOBUFS || errno == EMSGSIZE) {
			log_debug("send to %s: %s", o->name, strerror(errno));
			if (errno != ENOBUFS && errno != EMSGSIZE)
				bcr.dirty = 1;
		} else
			bcr_warn("send to %s", o->name);
		return;
	}
	bcr.sent++;
}

/*
 * One received packet.  csum_ready is 0 when the kernel says the UDP
 * checksum is not filled in yet (a locally sent packet with checksum
 * offload, e.g. over veth); only then is the received checksum not
 * verified before the copies get a fresh one.
 */
static void
bcr_relay(const uint8_t *pkt, size_t len, int csum_ready)
{
	struct bcr_udp u;
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
	size_t i;
	int e;

	bcr.rx++;
	memset(&u, 0, sizeof(u));
	if ((e = bcr_parse(pkt, len, &u)) == 0) {
		if (!bcr_is_inbcast(u.dst))
			e = -BCR_D_NOTBCAST;
		else if (u.ttl <= 1)
			e = -BCR_D_TTL;
		else if (csum_ready && u.csum != 0 && bcr_udp_sum(u.src, u.dst,
		    u.sport, u.dport, u.csum, u.data, u.datalen) != 0xffff)
			e = -BCR_D_UDPSUM;
	}
	if (e != 0) {
		bcr.drops[-e]++;
		if (e != -BCR_D_NOTBCAST)
			log_debug("dropped a %zu byte packet: %s", len,
			    bcr_drop_str(e));
		return;
	}
	if (bcr.dirty)
		bcr_scan();
	bcr.relayed++;
	log_debug("UDP broadcast %s:%u -> %s:%u, %zu bytes, to %zu interfaces",
	    bcr_ntoa(u.src, s, sizeof(s)), u.sport, bcr_ntoa(u.dst, d, sizeof(d)),
	    u.dport, u.datalen, bcr.nout);
	for (i = 0; i < bcr.nout; i++)
		bcr_send(&u, &bcr.out[i]);
}

/*
 * Read what is queued on the packet socket (bounded per wakeup so netlink
 * events and signals are not starved).  PACKET_AUXDATA carries the
 * kernel's checksum status of each packet.
 */
static void
bcr_rx(void)
{
	struct sockaddr_ll sll;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	struct tpacket_auxdata aux;
	union {
		struct cmsghdr	hdr;
		uint8_t		buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} cbuf;
	ssize_t n;
	int i, csum_ready;

	for (i = 0; i < 64; i++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = bcr_rxbuf;
		iov.iov_len = sizeof(bcr_rxbuf);
		msg.msg_name = &sll;
		msg.msg_namelen = sizeof(sll);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = sizeof(cbuf.buf);
		n = recvmsg(bcr.rxfd, &msg, MSG_DONTWAIT | MSG_TRUNC);
		if (n == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ENETDOWN)
				bcr_warn("recvmsg");
			return;
		}
		if ((size_t)n > sizeof(bcr_rxbuf) || (msg.msg_flags & MSG_TRUNC))
			continue;	/* cannot be a valid IPv4 datagram */
		if (msg.msg_namelen < offsetof(struct sockaddr_ll, sll_addr) ||
		    sll.sll_pkttype == PACKET_OUTGOING ||
		    (unsigned int)sll.sll_ifindex != bcr.inidx)
			continue;	/* only what IFIN received */
		csum_ready = 1;
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level != SOL_PACKET ||
			    cm->cmsg_type != PACKET_AUXDATA ||
			    cm->cmsg_len < CMSG_LEN(sizeof(aux)))
				continue;
			memcpy(&aux, CMSG_DATA(cm), sizeof(aux));
			if (aux.tp_status & TP_STATUS_CSUMNOTREADY)
				csum_ready = 0;
		}
		bcr_relay(bcr_rxbuf, (size_t)n, csum_ready);
	}
}

static void
bcr_nl_drain(void)
{
	uint8_t buf[8192];
	ssize_t n;
	int i;

	/* Any link or address event means "rescan"; the contents do not matter. */
	for (i = 0; i < 256; i++) {
		n = recv(bcr.nlfd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == -1) {
			if (errno == ENOBUFS)	/* lost events: rescan anyway */
				bcr.dirty = 1;
			else if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				bcr_warn("netlink recv");
			return;
		}
		bcr.dirty = 1;
	}
}

/* ---- setup ---- */

static void
bcr_sig(int sig)
{
	if (sig == SIGHUP)
		bcr_hup = 1;
	else
		bcr_quit = 1;
}

static int
bcr_add_ipsec(const char *arg)
{
	struct bcr_ipsec *ip;
	struct in_addr in;
	const char *colon = strrchr(arg, ':');
	size_t n;

	if (colon == NULL || bcr.nipsec == BCR_MAX_IPSEC)
		return -1;
	n = (size_t)(colon - arg);
	if (n == 0 || n >= IF_NAMESIZE || inet_pton(AF_INET, colon + 1, &in) != 1)
		return -1;
	ip = &bcr.ipsec[bcr.nipsec++];
	memcpy(ip->name, arg, n);
	ip->name[n] = '\0';
	ip->dst = ntohl(in.s_addr);
	return 0;
}

static void
bcr_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: bcrelay [-dDehnv] -i ifin -o ifout-regex [-s ifname:addr]\n"
	    "  -d, --daemon            run in the background\n"
	    "  -D, --debug             log every relayed and dropped packet\n"
	    "  -e, --stderr            log to stderr instead of syslog\n"
	    "  -h, --help              show this help\n"
	    "  -i, --incoming IFIN     interface whose broadcasts are relayed\n"
	    "  -n, --nolog             log nothing but fatal errors\n"
	    "  -o, --outgoing REGEX    relay to interfaces whose name matches\n"
	    "                          this extended regex, e.g. ^ppp[0-9]+$\n"
	    "  -s, --ipsec IF:ADDR     also relay to interface IF, to ADDR\n"
	    "                          (e.g. ipsec0:10.1.2.255); repeatable\n"
	    "  -v, --version           show the version\n");
}

/*
 * Like PoPToP, a name "matches" when the regex matches anywhere in it
 * (regexec semantics): "ppp[0-9].*" also picks "xppp0"; write
 * "^ppp[0-9]+$" to pin the whole name.
 */
static void
bcr_compile(const char *pat)
{
	char errbuf[128];
	int e;

	if ((e = regcomp(&bcr.re, pat, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(e, &bcr.re, errbuf, sizeof(errbuf));
		fatalx("bad outgoing interface regex \"%s\": %s", pat, errbuf);
	}
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "daemon",	no_argument,		NULL, 'd' },
		{ "debug",	no_argument,		NULL, 'D' },
		{ "stderr",	no_argument,		NULL, 'e' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "incoming",	required_argument,	NULL, 'i' },
		{ "nolog",	no_argument,		NULL, 'n' },
		{ "outgoing",	required_argument,	NULL, 'o' },
		{ "ipsec",	required_argument,	NULL, 's' },
		{ "version",	no_argument,		NULL, 'v' },
		{ NULL,		0,			NULL, 0 }
	};
	struct sigaction sa;
	struct pollfd pfd[2];
	const char *what;
	uint64_t now;
	int ch, daemonize = 0, debug = 0, to_stderr = 0, nfds, timeout;

	bcr.rxfd = bcr.txfd = bcr.nlfd = -1;
	log_init("bcrelay", 1, 0);
	while ((ch = getopt_long(argc, argv, "dDehi:no:s:v", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			daemonize = 1;
			break;
		case 'D':
			debug = 1;
			break;
		case 'e':
			to_stderr = 1;
			break;
		case 'h':
			bcr_usage(stdout);
			return 0;
		case 'i':
			bcr.ifin = optarg;
			break;
		case 'n':
			bcr.nolog = 1;
			break;
		case 'o':
			bcr.ifout = optarg;
			break;
		case 's':
			if (bcr_add_ipsec(optarg) == -1)
				fatalx("bad --ipsec argument \"%s\" (want IF:ADDR, "
				    "at most %d)", optarg, BCR_MAX_IPSEC);
			break;
		case 'v':
			printf("bcrelay (pptpd) %s\n", PACKAGE_VERSION);
			return 0;
		default:
			bcr_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		bcr_usage(stderr);
		return 2;
	}
	if (bcr.ifin == NULL || bcr.ifin[0] == '\0')
		fatalx("an incoming interface (-i) is required");
	if (strlen(bcr.ifin) >= IF_NAMESIZE)
		fatalx("incoming interface name too long: %s", bcr.ifin);
	if (bcr.ifout == NULL && bcr.nipsec == 0)
		fatalx("an outgoing interface regex (-o) or -s is required");
	if (bcr.ifout != NULL)
		bcr_compile(bcr.ifout);
	if (if_nametoindex(bcr.ifin) == 0)
		fatalx("incoming interface %s does not exist", bcr.ifin);

	bcr.rxfd = bcrsock_rx();
	bcr.txfd = bcrsock_tx();
	if ((bcr.nlfd = bcrsock_nl(&what)) == -1)
		bcr_warn("%s; rescanning every %d ms", what,
		    BCR_RESCAN_NONL_MS);

	/* Errors above reach the exit status; from here on we run. */
	if (daemonize && daemon(0, 0) == -1)
		fatal("daemon");
	log_init("bcrelay", to_stderr, debug);
	if (bcrsock_drop_root(BCR_NOBODY) != 0)
		bcr_warnx("no user %s; keeping root", BCR_NOBODY);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = bcr_sig;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	bcr_info("bcrelay %s started: from %s to /%s/%s", PACKAGE_VERSION,
	    bcr.ifin, bcr.ifout ? bcr.ifout : "", bcr.nipsec ? " and -s" : "");
	bcr_scan();
	while (!bcr_quit) {
		if (bcr_hup) {
			bcr_hup = 0;
			bcr.dirty = 1;
		}
		now = now_ms();
		if (bcr.dirty || now >= bcr.next_scan)
			bcr_scan();
		timeout = (int)(bcr.next_scan > now ? bcr.next_scan - now : 0);
		nfds = 0;
		/* Netlink first, so a new interface is known before a packet. */
		if (bcr.nlfd != -1) {
			pfd[nfds].fd = bcr.nlfd;
			pfd[nfds++].events = POLLIN;
		}
		pfd[nfds].fd = bcr.rxfd;
		pfd[nfds++].events = POLLIN;
		if (poll(pfd, (nfds_t)nfds, timeout) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (bcr.nlfd != -1 && (pfd[0].revents & POLLIN))
			bcr_nl_drain();
		if (pfd[nfds - 1].revents & (POLLIN | POLLERR))
			bcr_rx();
	}
	bcr_info("exiting: %lu received, %lu relayed, %lu copies sent, "
	    "%lu send errors, %lu not broadcast, %lu TTL <= 1, %lu malformed",
	    bcr.rx, bcr.relayed, bcr.sent, bcr.senderr,
	    bcr.drops[BCR_D_NOTBCAST], bcr.drops[BCR_D_TTL],
	    bcr.rx - bcr.relayed - bcr.drops[BCR_D_NOTBCAST] -
	    bcr.drops[BCR_D_TTL]);
	return 0;
}
