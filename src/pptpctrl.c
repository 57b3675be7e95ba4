/*
 * pptpctrl: one per control connection, started by pptpd with the TCP
 * socket on fd 0 (and so also usable from inetd).  While still root it
 * opens the call's raw GRE socket and a pty and forks the small launcher
 * that will exec pppd; then it drops root for good, before it reads a
 * single byte from the peer.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "config.h"
#include "gresock.h"
#include "hdlc.h"
#include "log.h"
#include "master.h"
#include "pppd.h"
#include "relay.h"

struct ctrl_opts {
	int		 foreground, debug, noipparam, logwtmp, delegate;
	int		 noresource, keepalive, stimeout;
	long		 call_id;
	const char	*option, *speed, *localip, *remoteip, *ppp, *user;
	const char	*kplugin;	/* -K: datapath kernel's pppd plugin, or NULL */
	const char	*vrf;
};

/*
 * The process title admins' scripts look for (PoPToP's format): "pptpd
 * [CLIENT]" and, once the call is up, "pptpd [CLIENT:PNSID - PACID]" in
 * hex.  Written over our own argv strings, which nothing reads any more
 * once the call's resources are set up.
 */
static char	*title;
static size_t	 title_len;
static char	 title_client[INET_ADDRSTRLEN];

static void
proctitle_init(int argc, char **argv, const char *client)
{
	char *end = argv[0];
	int i;

	/* The strings are contiguous; use all of them. */
	for (i = 0; i < argc && argv[i] == end; i++)
		end = argv[i] + strlen(argv[i]) + 1;
	title = argv[0];
	title_len = (size_t)(end - argv[0]);
	snprintf(title_client, sizeof(title_client), "%s", client);
	memset(title, 0, title_len);
	snprintf(title, title_len, "pptpd [%s]", client);
}

void
proctitle_call(uint16_t pns, uint16_t pac)
{
	if (title == NULL)
		return;
	memset(title, 0, title_len);
	snprintf(title, title_len, "pptpd [%s:%04X - %04X]", title_client,
	    pns, pac);
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: pptpctrl [-dfiwDx] -c callid [-o optfile] "
	    "[-s speed] [-l localip -r remoteip] [-e ppp] [-K plugin] "
	    "[-u user] [-k keepalive] [-t stimeout] [-V vrf]\n");
	exit(2);
}

static int
num(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < lo || v > hi)
		usage();
	return (int)v;
}

static void
parse_args(struct ctrl_opts *o, int argc, char **argv)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->call_id = -1;
	o->speed = CONFIG_DEF_SPEED;
	o->ppp = PPPD_PATH;
	o->user = CONFIG_DEF_USER;
	o->keepalive = CONFIG_DEF_KEEPALIVE;
	o->stimeout = CONFIG_DEF_STIMEOUT;
	while ((ch = getopt(argc, argv, "c:dDe:fik:K:l:o:r:s:t:u:V:wx")) != -1) {
		switch (ch) {
		case 'c': o->call_id = num(optarg, 1, 65535); break;
		case 'd': o->debug = 1; break;
		case 'D': o->delegate = 1; break;
		case 'e': o->ppp = optarg; break;
		case 'f': o->foreground = 1; break;
		case 'i': o->noipparam = 1; break;
		case 'k': o->keepalive = num(optarg, 1, 3600); break;
		case 'K': o->kplugin = optarg; break;
		case 'l': o->localip = optarg; break;
		case 'o': o->option = optarg; break;
		case 'r': o->remoteip = optarg; break;
		case 's': o->speed = optarg; break;
		case 't': o->stimeout = num(optarg, 1, 3600); break;
		case 'u': o->user = optarg; break;
		case 'V': o->vrf = optarg; break;
		case 'w': o->logwtmp = 1; break;
		case 'x': o->noresource = 1; break;
		default: usage();
		}
	}
	if (o->call_id < 0 && !o->noresource)
		usage();
	if (o->call_id < 0)
		o->call_id = 0;
}

/*
 * A user name from /etc/passwd, read directly: pptpctrl is linked
 * statically where it can be (smaller and quicker to start for every
 * call), and NSS does not work there.  Only the inetd case needs it; pptpd
 * passes "UID:GID", resolved once in the master.
 */
static int
passwd_lookup(const char *user, uid_t *uid, gid_t *gid)
{
	char line[1024], *f[4], *p;
	unsigned long u, g;
	FILE *fp;
	int i, found = 0;

	if ((fp = fopen("/etc/passwd", "re")) == NULL)
		return -1;
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		for (i = 0, p = line; i < 4; i++)
			f[i] = strsep(&p, ":");
		if (f[3] == NULL || strcmp(f[0], user) != 0)
			continue;
		u = strtoul(f[2], NULL, 10);
		g = strtoul(f[3], NULL, 10);
		*uid = (uid_t)u;
		*gid = (gid_t)g;
		found = 1;
	}
	fclose(fp);
	return found ? 0 : -1;
}

/* The user as "UID:GID" (how pptpd passes it) or as a name. */
static void
lookup_user(const char *user, uid_t *uid, gid_t *gid)
{
	unsigned long u, g;
	char *end;

	errno = 0;
	u = strtoul(user, &end, 10);
	if (errno == 0 && end != user && *end == ':') {
		g = strtoul(end + 1, &end, 10);
		if (errno == 0 && *end == '\0' && u < 0xffffffffUL &&
		    g < 0xffffffffUL) {
			*uid = (uid_t)u;
			*gid = (gid_t)g;
			return;
		}
	}
	if (passwd_lookup(user, uid, gid) != 0)
		fatalx("user %s not found in /etc/passwd (the `user' keyword)",
		    user);
}

/* Root no more: the process that parses peer bytes cannot act as root. */
static void
drop_root(const char *user)
{
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0) {
		log_debug("not running as root; nothing to drop");
		return;
	}
	lookup_user(user, &uid, &gid);
	if (uid == 0)
		fatalx("user %s is root; refusing to run as it", user);
	if (setgroups(0, NULL) == -1 || setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1)
		fatal("dropping privileges to %s", user);
	if (setuid(0) != -1)
		fatalx("could still regain root after dropping it");
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

static int
open_pty(int *master, int *slave)
{
	struct termios t;

	if (openpty(master, slave, NULL, NULL, NULL) == -1)
		return -1;
	/* Raw and without echo from the start: GRE frames that arrive
	 * before pppd takes the line must not be echoed back or cooked
	 * (CLIENT-QUIRKS 24). */
	if (tcgetattr(*slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(*slave, TCSANOW, &t);
	}
	fcntl(*master, F_SETFL, O_NONBLOCK);
	fcntl(*master, F_SETFD, FD_CLOEXEC);
	fcntl(*slave, F_SETFD, FD_CLOEXEC);
	return 0;
}

static void
setup_call(const struct ctrl_opts *o, struct relay_params *rp,
    struct pppd_launcher *l, uint32_t local, const char *client)
{
	struct pppd_kernel k = { local, rp->peer, rp->call_id };
	struct pppd_args pa;
	char *av[PPPD_ARGV_MAX], buf[512], err[256];
	int slave = -1;

	if (o->kplugin == NULL) {
		rp->gre = gresock_open(local, rp->peer, rp->call_id, o->vrf,
		    err, sizeof(err));
		if (rp->gre == -1)
			fatalx("%s", err);
		if (open_pty(&rp->pty, &slave) == -1)
			fatal("openpty");
	}
	memset(&pa, 0, sizeof(pa));
	pa.kernel = o->kplugin;
	pa.ppp = o->ppp;
	pa.option = o->option;
	pa.speed = o->speed;
	if (!o->delegate) {
		pa.localip = o->localip;
		pa.remoteip = o->remoteip;
	}
	pa.client = client;
	pa.noipparam = o->noipparam;
	pa.logwtmp = o->logwtmp;
	if (pppd_argv(&pa, av, buf, sizeof(buf)) < 0)
		fatalx("pppd command line too long");
	if (pppd_launcher(l, slave, av, o->kplugin ? &k : NULL) == -1)
		fatal("fork");
	if (slave >= 0)
		close(slave);
	rp->ppp = l;
}

/*
 * The most the vector HDLC loops may use, after GLIBC_TUNABLES
 * (glibc.cpu.hwcaps=-AVX512F,...): where a hypervisor or kernel does not
 * keep a process's AVX state (some user-mode-linux builds), the
 * administrator masks it for glibc, and we follow the same word.
 */
static int
hdlc_allowed(void)
{
	static const char *const word[] = { "-AVX", "-AVX2", "-AVX512F",
	    "-AVX512BW", "-AVX512VL", "-AVX512_VBMI", "-AVX512_VBMI2" };
	static const int cap[] = { HDLC_SCALAR, HDLC_SCALAR, HDLC_AVX2,
	    HDLC_AVX2, HDLC_AVX2, HDLC_AVX2, HDLC_AVX2 };
	const char *t = getenv("GLIBC_TUNABLES"), *p;
	size_t i, n;
	int most = HDLC_AVX512;

	if (t == NULL || (t = strstr(t, "glibc.cpu.hwcaps=")) == NULL)
		return most;
	t += strlen("glibc.cpu.hwcaps=");
	for (; *t != '\0' && *t != ':'; t = *p == ',' ? p + 1 : p) {
		p = t + strcspn(t, ",:");
		for (i = 0; i < sizeof(word) / sizeof(word[0]); i++) {
			n = strlen(word[i]);
			if ((size_t)(p - t) == n &&
			    strncmp(t, word[i], n) == 0 && cap[i] < most)
				most = cap[i];
		}
	}
	return most;
}

int
main(int argc, char **argv)
{
	struct ctrl_opts o;
	struct relay_params rp;
	struct pppd_launcher l;
	struct sockaddr_in peer, local;
	socklen_t len;
	char client[INET_ADDRSTRLEN];
	int on = 1;

	parse_args(&o, argc, argv);
	log_init("pptpctrl", o.foreground, o.debug);
	hdlc_accel(hdlc_allowed());
	signal(SIGPIPE, SIG_IGN);
	len = sizeof(peer);
	if (getpeername(0, (struct sockaddr *)&peer, &len) == -1 ||
	    peer.sin_family != AF_INET)
		fatal("fd 0 is not an IPv4 TCP connection");
	len = sizeof(local);
	if (getsockname(0, (struct sockaddr *)&local, &len) == -1)
		fatal("getsockname");
	inet_ntop(AF_INET, &peer.sin_addr, client, sizeof(client));
	log_set_context("%s call %ld", client, o.call_id);
	fcntl(0, F_SETFL, O_NONBLOCK);
	setsockopt(0, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));

	memset(&rp, 0, sizeof(rp));
	rp.tcp = 0;
	rp.gre = rp.pty = -1;
	rp.status = fcntl(STATUS_FD, F_GETFD) == -1 ? -1 : STATUS_FD;
	if (rp.status >= 0)
		fcntl(rp.status, F_SETFD, FD_CLOEXEC);
	rp.peer = peer.sin_addr.s_addr;
	rp.call_id = (uint16_t)o.call_id;
	rp.noresource = o.noresource;
	rp.kernel = o.kplugin != NULL;
	rp.keepalive = o.keepalive;
	rp.stimeout = o.stimeout;
	if (!o.noresource)
		setup_call(&o, &rp, &l, local.sin_addr.s_addr, client);
	drop_root(o.user);
	proctitle_init(argc, argv, client);
	return relay_run(&rp);
}
