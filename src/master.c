/*
 * The master's accept loop.  It never reads a byte from a peer: it accepts,
 * applies the limits (connections, pool, per-address half-open), leases an
 * address and a server-wide unique call id, and spawns pptpctrl with the
 * socket on fd 0.  It reaps children and returns their leases, reloads on
 * SIGHUP, and on SIGTERM asks every call to stop.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
/* After <net/if.h>: it and <linux/if.h> only agree in this order. */
#include <linux/if_pppox.h>

#include "ippool.h"
#include "log.h"
#include "master.h"
#include "pptp_proto.h"
#include "util.h"

#define MAX_REFUSERS	16	/* concurrent pptpctrl -x answering "full" */
#define ACCEPT_BURST	64	/* accepts per wake-up, so reaping keeps up */
#define BACKOFF_MS	1000	/* after EMFILE and friends */
#define STOP_WAIT_MS	6000	/* SIGTERM: how long calls get to say bye */

struct child {
	pid_t		pid;
	uint32_t	peer;		/* network order */
	uint16_t	call_id;
	int		slot;		/* ippool slot, -1 = none */
	uint32_t	remote;		/* leased address (host order), 0 = none */
	uint8_t		refuser;	/* spawned with -x */
	uint8_t		up;		/* call set up: no longer half-open */
};

struct master {
	struct pptpd_config	*cfg;
	const struct pptpd_config *cli;
	const char		*conffile;
	int			 foreground;
	int			 lfd, sfd, status_rd, status_wr, devnull;
	struct ippool		 pool;
	struct child		*kids;
	size_t			 nkids, capkids, nrefusers;
	uint8_t			 callids[65536 / 8];
	uint16_t		 next_call_id;
	char			 ctrl_path[PATH_MAX];
	char			 kplugin[PATH_MAX];	/* datapath kernel */
	char			 bcrelay_path[PATH_MAX];
	char			 user_ids[32];	/* "uid:gid" for pptpctrl -u */
	pid_t			 bcrelay_pid;
	uint64_t		 backoff_until;
	uint64_t		 log_window;
	unsigned int		 log_count, log_dropped;
};

/*
 * Look for NAME at REL (a path ending in "/", or "") beside our own binary,
 * so that a build tree runs its own programs and plugins, else in DIR.
 */
static void
find_beside(const char *rel, const char *dir, const char *name, int mode,
    char *out, size_t len)
{
	char self[PATH_MAX - 64], *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(out, len, "%s/%s%s", self, rel, name);
			if (access(out, mode) == 0)
				return;
		}
	}
	snprintf(out, len, "%s/%s", dir, name);
}

static void
find_program(const char *name, char *out, size_t len)
{
	find_beside("", SBINDIR, name, X_OK, out, len);
}

/* datapath kernel's pppd plugin */
static void
find_kernel_plugin(char *out, size_t len)
{
	find_beside("../plugins/.libs/", PPPD_PLUGIN_DIR, "pptpd-kernel.so",
	    R_OK, out, len);
}

/* datapath kernel needs PPP, the pptp module and our plugin. */
static int
check_kernel_datapath(char *err, size_t errlen)
{
	char plugin[PATH_MAX];
	int fd;

	find_kernel_plugin(plugin, sizeof(plugin));
	if (access("/dev/ppp", F_OK) == -1) {
		snprintf(err, errlen, "datapath kernel: /dev/ppp: %s (no PPP "
		    "in this kernel?)", strerror(errno));
		return -1;
	}
	if ((fd = socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP)) == -1) {
		snprintf(err, errlen, "datapath kernel: no PPTP sockets in "
		    "this kernel (modprobe pptp): %s", strerror(errno));
		return -1;
	}
	close(fd);
	if (access(plugin, R_OK) == -1) {
		snprintf(err, errlen, "datapath kernel: plugin %s: %s", plugin,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * What the file cannot tell: the options file is readable, the ppp program
 * executable, the user exists and is not root, the VRF device exists.
 * Checked by -n, at start and at reload, so mistakes show up at once and
 * not as a failed call later (POPTOP-NOTES 5.2.11).
 */
int
master_check_env(const struct pptpd_config *cfg, char *err, size_t errlen)
{
	const char *ppp = cfg->ppp ? cfg->ppp : PPPD_PATH;
	const char *user = cfg->user ? cfg->user : CONFIG_DEF_USER;
	struct passwd *pw;

	if (cfg->option != NULL && access(cfg->option, R_OK) == -1) {
		snprintf(err, errlen, "option %s: %s", cfg->option,
		    strerror(errno));
		return -1;
	}
	if (access(ppp, X_OK) == -1) {
		snprintf(err, errlen, "ppp %s: %s", ppp, strerror(errno));
		return -1;
	}
	if ((pw = getpwnam(user)) == NULL || pw->pw_uid == 0) {
		snprintf(err, errlen, "user %s: %s", user,
		    pw == NULL ? "no such user" : "must not be root");
		return -1;
	}
	if (cfg->vrf != NULL && if_nametoindex(cfg->vrf) == 0) {
		snprintf(err, errlen, "vrf %s: no such device", cfg->vrf);
		return -1;
	}
	if (config_datapath_kernel(cfg))
		return check_kernel_datapath(err, errlen);
	return 0;
}

int
master_listen(const struct pptpd_config *cfg, char *err, size_t errlen)
{
	struct sockaddr_in sin;
	struct addrinfo hints, *res;
	int fd, on = 1, r;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(PPTP_PORT);
	if (cfg->listen != NULL && *cfg->listen != '\0') {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_INET;
		hints.ai_socktype = SOCK_STREAM;
		if ((r = getaddrinfo(cfg->listen, NULL, &hints, &res)) != 0) {
			snprintf(err, errlen, "listen %s: %s", cfg->listen,
			    gai_strerror(r));
			return -1;
		}
		memcpy(&sin.sin_addr,
		    &((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr,
		    sizeof(sin.sin_addr));
		freeaddrinfo(res);
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (cfg->vrf != NULL && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE,
	    cfg->vrf, (socklen_t)strlen(cfg->vrf)) == -1) {
		snprintf(err, errlen, "vrf %s: %s", cfg->vrf, strerror(errno));
		close(fd);
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, SOMAXCONN) == -1) {
		snprintf(err, errlen, "bind %s:%d: %s", inet_ntoa(sin.sin_addr),
		    PPTP_PORT, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Resolve the unprivileged user once, here, not in every pptpctrl. */
static int
user_resolve(struct master *m)
{
	const char *user = m->cfg->user ? m->cfg->user : CONFIG_DEF_USER;
	struct passwd *pw;

	if ((pw = getpwnam(user)) == NULL || pw->pw_uid == 0) {
		log_warnx("user %s: %s", user, pw ? "must not be root" :
		    "no such user");
		return -1;
	}
	snprintf(m->user_ids, sizeof(m->user_ids), "%lu:%lu",
	    (unsigned long)pw->pw_uid, (unsigned long)pw->pw_gid);
	return 0;
}

static int
pool_build(struct master *m, const struct pptpd_config *cfg)
{
	struct iplist local = { 0 }, remote = { 0 };
	char err[256];
	int r = -1;

	memset(&m->pool, 0, sizeof(m->pool));
	if (cfg->delegate)
		return 0;
	if (iplist_parse(cfg->localip ? cfg->localip : CONFIG_DEF_LOCALIP,
	    &local, err, sizeof(err)) != 0 ||
	    iplist_parse(cfg->remoteip ? cfg->remoteip : CONFIG_DEF_REMOTEIP,
	    &remote, err, sizeof(err)) != 0 ||
	    ippool_init(&m->pool, &local, &remote, (size_t)cfg->connections,
	    err, sizeof(err)) != 0)
		log_warnx("address pool: %s", err);
	else
		r = 0;
	iplist_free(&local);
	iplist_free(&remote);
	return r;
}

static void
callid_set(struct master *m, uint16_t id, int used)
{
	if (used)
		m->callids[id >> 3] |= (uint8_t)(1u << (id & 7));
	else
		m->callids[id >> 3] &= (uint8_t)~(1u << (id & 7));
}

/*
 * A call id unique among all live calls of this server (RFC 2637 3.2.2;
 * clients behind one NAT are told apart only by it).  Ids advance round
 * robin so a just-released one is not reused while stray GRE may still
 * carry it; 0 is never used (CHECKLIST 65).
 */
static uint16_t
callid_alloc(struct master *m)
{
	unsigned int i;
	uint16_t id;

	for (i = 0; i < 65536; i++) {
		id = m->next_call_id++;
		if (id == 0)
			continue;
		if (!(m->callids[id >> 3] & (1u << (id & 7)))) {
			callid_set(m, id, 1);
			return id;
		}
	}
	return 0;
}

/* Refusal logging is rate limited: a flood must not flood syslog. */
static void
log_refused(struct master *m, uint32_t peer, const char *why)
{
	struct in_addr a = { .s_addr = peer };
	uint64_t now = now_ms();

	if (now - m->log_window >= 1000) {
		if (m->log_dropped)
			log_warnx("%u more connections refused", m->log_dropped);
		m->log_window = now;
		m->log_count = 0;
		m->log_dropped = 0;
	}
	if (m->log_count++ < 10)
		log_warnx("refused connection from %s: %s", inet_ntoa(a), why);
	else
		m->log_dropped++;
}

static size_t
halfopen_count(const struct master *m, uint32_t peer)
{
	size_t i, n = 0;

	for (i = 0; i < m->nkids; i++)
		if (m->kids[i].peer == peer && !m->kids[i].up)
			n++;
	return n;
}

static size_t
calls_count(const struct master *m)
{
	return m->nkids - m->nrefusers;
}

#define ARGV_MAX 40

static void
build_argv(struct master *m, struct child *c, char **av, char bufs[][64])
{
	const struct pptpd_config *cfg = m->cfg;
	struct in_addr a;
	int n = 0, b = 0;

	av[n++] = "pptpctrl";
	if (m->foreground)
		av[n++] = "-f";
	if (cfg->debug)
		av[n++] = "-d";
	if (cfg->noipparam)
		av[n++] = "-i";
	if (cfg->logwtmp)
		av[n++] = "-w";
	if (cfg->delegate)
		av[n++] = "-D";
	if (config_datapath_kernel(cfg) && !c->refuser) {
		av[n++] = "-K";
		av[n++] = m->kplugin;
	}
	if (c->refuser)
		av[n++] = "-x";
	if (!c->refuser) {
		snprintf(bufs[b], 64, "%u", c->call_id);
		av[n++] = "-c";
		av[n++] = bufs[b++];
	}
	if (cfg->option) {
		av[n++] = "-o";
		av[n++] = cfg->option;
	}
	av[n++] = "-s";
	av[n++] = cfg->speed ? cfg->speed : CONFIG_DEF_SPEED;
	if (c->slot >= 0) {
		a.s_addr = htonl(m->pool.slot[c->slot].local);
		snprintf(bufs[b], 64, "%s", inet_ntoa(a));
		av[n++] = "-l";
		av[n++] = bufs[b++];
		a.s_addr = htonl(m->pool.slot[c->slot].remote);
		snprintf(bufs[b], 64, "%s", inet_ntoa(a));
		av[n++] = "-r";
		av[n++] = bufs[b++];
	}
	av[n++] = "-e";
	av[n++] = cfg->ppp ? cfg->ppp : PPPD_PATH;
	av[n++] = "-u";
	av[n++] = m->user_ids;
	snprintf(bufs[b], 64, "%d", cfg->keepalive);
	av[n++] = "-k";
	av[n++] = bufs[b++];
	snprintf(bufs[b], 64, "%d", cfg->stimeout);
	av[n++] = "-t";
	av[n++] = bufs[b++];
	if (cfg->vrf) {
		av[n++] = "-V";
		av[n++] = cfg->vrf;
	}
	av[n] = NULL;
}

/*
 * vfork and exec.  The child borrows the master's memory until it execs,
 * so a spawn costs the same however large the master grows (a fork copies
 * its page tables: 130 us against 45 us per spawn on the development VM).
 * The child touches nothing of the master's but spawn_errno, read once it
 * has exec'd or died.  Not posix_spawn: glibc's leaves its internal
 * signals (32, 33) ignored in the child, and an ignored signal survives
 * exec all the way into pppd.
 */
static volatile int spawn_errno;

static pid_t
spawn(struct master *m, const char *path, char **av, int fd0)
{
	extern char **environ;
	sigset_t none;
	pid_t pid;
	int i;

	spawn_errno = 0;
	if ((pid = vfork()) == -1) {
		log_warn("fork for %s", path);
		return -1;
	}
	if (pid > 0) {
		if (spawn_errno != 0)
			log_warnx("exec %s: %s", path, strerror(spawn_errno));
		return pid;
	}
	/* Handlers first: the mask comes down only once none is left. */
	for (i = 1; i < 32; i++)
		signal(i, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(fd0, 0) == -1 || dup2(m->devnull, 1) == -1 ||
	    (m->status_wr == STATUS_FD ? fcntl(STATUS_FD, F_SETFD, 0) :
	    dup2(m->status_wr, STATUS_FD)) == -1) {
		spawn_errno = errno;
		_exit(126);
	}
	execve(path, av, environ);
	spawn_errno = errno;
	_exit(127);
}

static struct child *
child_new(struct master *m)
{
	struct child *k;

	if (m->nkids == m->capkids) {
		size_t cap = m->capkids ? m->capkids * 2 : 64;

		if ((k = reallocarray(m->kids, cap, sizeof(*k))) == NULL)
			return NULL;
		m->kids = k;
		m->capkids = cap;
	}
	k = &m->kids[m->nkids];
	memset(k, 0, sizeof(*k));
	k->slot = -1;
	return k;
}

/* Decide what a new connection gets: a call, a "full" answer, or nothing. */
static const char *
admit(struct master *m, uint32_t peer, int *refuse)
{
	*refuse = 0;
	if (halfopen_count(m, peer) >= (size_t)m->cfg->maxhalfopen)
		return "too many connections in setup from this address";
	if (calls_count(m) >= (size_t)m->cfg->connections ||
	    (!m->cfg->delegate && m->pool.used >= m->pool.n)) {
		if (m->nrefusers >= MAX_REFUSERS)
			return "server full";
		*refuse = 1;
	}
	return NULL;
}

static void
start_child(struct master *m, int fd, uint32_t peer)
{
	char *av[ARGV_MAX], bufs[6][64];
	const char *why;
	struct child *c;
	int refuse;

	if ((why = admit(m, peer, &refuse)) != NULL) {
		log_refused(m, peer, why);
		return;
	}
	if ((c = child_new(m)) == NULL) {
		log_refused(m, peer, "out of memory");
		return;
	}
	c->peer = peer;
	c->refuser = (uint8_t)refuse;
	if (refuse)
		log_refused(m, peer, "no free address or connection slot; "
		    "answering No-Resource");
	else if ((c->call_id = callid_alloc(m)) == 0) {
		log_refused(m, peer, "no free call id");
		return;
	}
	if (!refuse && !m->cfg->delegate)
		c->slot = ippool_lease(&m->pool, 1);
	build_argv(m, c, av, bufs);
	if ((c->pid = spawn(m, m->ctrl_path, av, fd)) == -1) {
		if (c->slot >= 0)
			ippool_release(&m->pool, c->slot);
		if (c->call_id)
			callid_set(m, c->call_id, 0);
		return;
	}
	if (c->slot >= 0) {
		m->pool.slot[c->slot].owner = c->pid;
		c->remote = m->pool.slot[c->slot].remote;
	}
	m->nkids++;
	m->nrefusers += c->refuser;
	log_debug("connection from %s: pptpctrl pid %ld, call id %u",
	    inet_ntoa((struct in_addr){ .s_addr = peer }), (long)c->pid,
	    c->call_id);
}

static void	read_status(struct master *);

static void
do_accept(struct master *m)
{
	struct sockaddr_in sin;
	socklen_t slen;
	int i, fd;

	for (i = 0; i < ACCEPT_BURST; i++) {
		/* pptpctrl reports "call up" before it sends the Outgoing-
		 * Call-Reply, so reading the pipe before each admission keeps
		 * the half-open counts exact for any client that waited for
		 * its reply before connecting again, however long this burst
		 * has been running (calls come up while we spawn). */
		read_status(m);
		slen = sizeof(sin);
		fd = accept4(m->lfd, (struct sockaddr *)&sin, &slen,
		    SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EAGAIN || errno == EINTR ||
			    errno == ECONNABORTED)
				return;
			/* EMFILE, ENFILE, ENOBUFS, ENOMEM: back off rather
			 * than spin on a socket that stays readable. */
			log_warn("accept (pausing %d ms)", BACKOFF_MS);
			m->backoff_until = now_ms() + BACKOFF_MS;
			return;
		}
		start_child(m, fd, sin.sin_addr.s_addr);
		close(fd);
	}
}

static void
child_gone(struct master *m, pid_t pid, int status)
{
	size_t i;
	struct child *c;

	if (pid == m->bcrelay_pid) {
		log_warnx("bcrelay exited (status %d)", status);
		m->bcrelay_pid = 0;
		return;
	}
	for (i = 0; i < m->nkids; i++) {
		c = &m->kids[i];
		if (c->pid != pid)
			continue;
		if (c->slot >= 0)
			ippool_release(&m->pool, c->slot);
		if (c->call_id)
			callid_set(m, c->call_id, 0);
		m->nrefusers -= c->refuser;
		if (WIFSIGNALED(status))
			log_warnx("pptpctrl %ld killed by signal %d", (long)pid,
			    WTERMSIG(status));
		else
			log_debug("pptpctrl %ld exited %d", (long)pid,
			    WEXITSTATUS(status));
		m->kids[i] = m->kids[--m->nkids];
		return;
	}
}

static void
reap(struct master *m)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		child_gone(m, pid, status);
}

static void
read_status(struct master *m)
{
	int32_t ev[2];
	size_t i;

	while (read(m->status_rd, ev, sizeof(ev)) == (ssize_t)sizeof(ev)) {
		for (i = 0; i < m->nkids; i++) {
			if (m->kids[i].pid != ev[0])
				continue;
			if (ev[1] == STATUS_CALL_UP)
				m->kids[i].up = 1;
			break;
		}
	}
}

static void
start_bcrelay(struct master *m)
{
	char *av[8];
	int n = 0;

	if (m->cfg->bcrelay == NULL || m->bcrelay_pid != 0)
		return;
	av[n++] = "bcrelay";
	av[n++] = "-i";
	av[n++] = m->cfg->bcrelay;
	av[n++] = "-o";
	av[n++] = "^ppp[0-9]+$";
	if (m->foreground)
		av[n++] = "-e";		/* our stderr, like our own log */
	if (m->cfg->debug)
		av[n++] = "-D";
	av[n] = NULL;
	m->bcrelay_pid = spawn(m, m->bcrelay_path, av, m->devnull);
	if (m->bcrelay_pid == -1)
		m->bcrelay_pid = 0;
}

/* After a reload: a changed or removed bcrelay interface restarts it. */
static void
bcrelay_follow(struct master *m, const char *old)
{
	const char *now = m->cfg->bcrelay;
	int i;

	if (m->bcrelay_pid <= 0 ||
	    (old != NULL && now != NULL && strcmp(old, now) == 0))
		return;
	kill(m->bcrelay_pid, SIGTERM);
	/* Bounded: a bcrelay that ignores SIGTERM must not wedge us. */
	for (i = 0; i < 100; i++) {
		if (waitpid(m->bcrelay_pid, NULL, WNOHANG) != 0)
			break;
		if (i == 50)
			kill(m->bcrelay_pid, SIGKILL);
		poll(NULL, 0, 20);
	}
	m->bcrelay_pid = 0;
}

/* SIGHUP: new calls get the new settings; live calls keep their leases. */
static void
reload(struct master *m)
{
	struct pptpd_config *n;
	struct ippool old = m->pool;
	char err[512], *oldbc;
	size_t i;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return;
	config_defaults(n);
	if (config_parse_file(n, m->conffile, err, sizeof(err)) != 0 ||
	    config_merge(n, m->cli) != 0 ||
	    config_check(n, err, sizeof(err)) != 0 ||
	    master_check_env(n, err, sizeof(err)) != 0) {
		log_warnx("reload failed, keeping the old configuration: %s",
		    err);
		config_free(n);
		free(n);
		return;
	}
	oldbc = m->cfg->bcrelay ? strdup(m->cfg->bcrelay) : NULL;
	config_free(m->cfg);
	*m->cfg = *n;
	free(n);
	log_set_debug(m->cfg->debug);
	bcrelay_follow(m, oldbc);
	free(oldbc);
	user_resolve(m);
	if (pool_build(m, m->cfg) != 0)
		memset(&m->pool, 0, sizeof(m->pool));
	/* A live call keeps its address even through several reloads: it
	 * is never handed out again while the call lives. */
	for (i = 0; i < m->nkids; i++) {
		struct child *c = &m->kids[i];

		if (c->remote != 0)
			c->slot = ippool_adopt(&m->pool, c->remote, c->pid);
	}
	ippool_free(&old);
	log_info("configuration reloaded from %s", m->conffile);
}

/* SIGTERM: every pptpctrl sends Stop-Control-Connection-Request and goes. */
static void
shutdown_all(struct master *m)
{
	uint64_t deadline = now_ms() + STOP_WAIT_MS;
	size_t i;

	log_info("shutting down %zu connections", m->nkids);
	for (i = 0; i < m->nkids; i++)
		kill(m->kids[i].pid, SIGTERM);
	if (m->bcrelay_pid > 0)
		kill(m->bcrelay_pid, SIGTERM);
	while (m->nkids > 0 && now_ms() < deadline) {
		reap(m);
		if (m->nkids > 0)
			poll(NULL, 0, 20);
	}
	for (i = 0; i < m->nkids; i++) {
		log_warnx("pptpctrl %ld did not stop; killing it",
		    (long)m->kids[i].pid);
		kill(m->kids[i].pid, SIGKILL);
	}
	while (m->nkids > 0 && waitpid(-1, NULL, 0) > 0)
		reap(m);
	if (m->bcrelay_pid > 0)
		waitpid(m->bcrelay_pid, NULL, 0);
}

static int
handle_signals(struct master *m)
{
	struct signalfd_siginfo si;

	while (read(m->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap(m);
			break;
		case SIGHUP:
			reload(m);
			start_bcrelay(m);
			break;
		case SIGTERM:
		case SIGINT:
			return 1;
		}
	}
	return 0;
}

/* The signals the master takes from its signalfd (blocked otherwise). */
void
master_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

static int
setup(struct master *m)
{
	sigset_t set;
	int p[2];

	master_sigset(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1 ||
	    (m->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
		log_warn("signalfd");
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	if (pipe2(p, O_CLOEXEC) == -1 ||
	    fcntl(p[0], F_SETFL, O_NONBLOCK) == -1) {
		log_warn("pipe");
		return -1;
	}
	m->status_rd = p[0];
	m->status_wr = p[1];
	if ((m->devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1) {
		log_warn("/dev/null");
		return -1;
	}
	find_program("pptpctrl", m->ctrl_path, sizeof(m->ctrl_path));
	find_kernel_plugin(m->kplugin, sizeof(m->kplugin));
	find_program("bcrelay", m->bcrelay_path, sizeof(m->bcrelay_path));
	m->next_call_id = (uint16_t)(getpid() * 2654435761u >> 16);
	if (user_resolve(m) != 0)
		return -1;
	return pool_build(m, m->cfg);
}

int
master_run(struct pptpd_config *cfg, const struct pptpd_config *cli,
    const char *conffile, int lfd, int foreground)
{
	static struct master m;
	struct pollfd pfd[3];
	uint64_t now;
	int timeout;

	m.cfg = cfg;
	m.cli = cli;
	m.conffile = conffile;
	m.foreground = foreground;
	m.lfd = lfd;
	if (setup(&m) != 0)
		return 1;
	start_bcrelay(&m);
	log_info("pptpd %s listening, pptpctrl %s", PACKAGE_VERSION,
	    m.ctrl_path);
	for (;;) {
		now = now_ms();
		timeout = -1;
		pfd[0].fd = m.sfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = m.status_rd;
		pfd[1].events = POLLIN;
		pfd[2].fd = now < m.backoff_until ? -1 : m.lfd;
		pfd[2].events = POLLIN;
		if (now < m.backoff_until)
			timeout = (int)(m.backoff_until - now);
		if (poll(pfd, 3, timeout) == -1 && errno != EINTR) {
			log_warn("poll");
			continue;
		}
		if (pfd[0].revents && handle_signals(&m))
			break;
		if (pfd[1].revents)
			read_status(&m);
		if (pfd[2].revents)
			do_accept(&m);
	}
	shutdown_all(&m);
	ippool_free(&m.pool);
	free(m.kids);
	return 0;
}
