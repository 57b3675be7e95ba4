/*
 * The launcher for "datapath kernel": pppd runs on a PPTP socket of the
 * kernel's pptp module (AF_PPPOX, PX_PROTO_PPTP) instead of our pty, so
 * the call's data never reaches user space.  The socket needs root and
 * the peer's call id, which comes with the Outgoing-Call-Request, long
 * after pptpctrl has dropped root; so this launcher, forked while still
 * root, makes it when told to go, says "ready" (only then may the
 * Outgoing-Call-Reply go out: the client's first packets must find the
 * socket), and stays as pppd's parent so that a hang-up can stop pppd.
 */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_pppox.h>

#include "pppd.h"

#define PK_STOP_WAIT_MS	5000	/* pppd's LCP Terminate, then SIGKILL */
#define PK_READY_MS	3000	/* for the launcher's "ready" */

/* The call's PPTP socket: our call id and address, the peer's. */
static int
pk_socket(const struct pppd_kernel *k, uint16_t peer_call_id)
{
	/* The kernel's sockaddr_pppox is packed: keep it aligned for bind. */
	union {
		struct sockaddr_pppox	px;
		struct sockaddr		sa;
	} u;
	int fd, e;

	if ((fd = socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP)) == -1)
		return -1;
	memset(&u, 0, sizeof(u));
	u.px.sa_family = AF_PPPOX;
	u.px.sa_protocol = PX_PROTO_PPTP;
	u.px.sa_addr.pptp.call_id = k->call_id;		/* host order */
	u.px.sa_addr.pptp.sin_addr.s_addr = k->local;
	if (bind(fd, &u.sa, sizeof(u.px)) == 0) {
		u.px.sa_addr.pptp.call_id = peer_call_id;
		u.px.sa_addr.pptp.sin_addr.s_addr = k->peer;
		if (connect(fd, &u.sa, sizeof(u.px)) == 0)
			return fd;
	}
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

static void __attribute__((noreturn))
pk_exit_as(int st)
{
	if (WIFSIGNALED(st)) {
		signal(WTERMSIG(st), SIG_DFL);
		raise(WTERMSIG(st));
	}
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
}

/* Stop pppd (it sends LCP Terminate-Request first) and leave as it did. */
static void __attribute__((noreturn))
pk_stop(pid_t pid)
{
	int i, st;

	kill(pid, SIGTERM);
	for (i = 0; i < PK_STOP_WAIT_MS / 50; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			pk_exit_as(st);
		usleep(50000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	pk_exit_as(st);
}

/* Until pppd exits (leave as it did) or pptpctrl hangs up (stop it). */
static void __attribute__((noreturn))
pk_watch(pid_t pid, int go)
{
	struct pollfd pfd[2];
	sigset_t set;
	int sfd, st;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	pfd[0].fd = go;
	pfd[0].events = POLLIN;
	pfd[1].fd = sfd;
	pfd[1].events = POLLIN;
	for (;;) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			pk_exit_as(st);
		if (poll(pfd, 2, -1) == -1 && errno != EINTR)
			pk_stop(pid);
		if (pfd[0].revents != 0)
			pk_stop(pid);		/* EOF, or anything: hang up */
		if (pfd[1].revents != 0) {
			struct signalfd_siginfo si;

			(void)read(sfd, &si, sizeof(si));
		}
	}
}

void
pppd_kernel_main(int go, int ready, int errw, char **av,
    const struct pppd_kernel *k)
{
	uint8_t msg[3];
	sigset_t set;
	ssize_t n;
	pid_t pid;
	int fd, nul;

	while ((n = read(go, msg, sizeof(msg))) == -1 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(msg) || msg[0] != 'k')
		_exit(0);
	if ((fd = pk_socket(k, (uint16_t)(msg[1] << 8 | msg[2]))) == -1) {
		dprintf(errw, "cannot make the kernel's PPTP socket for call "
		    "%u: %s\n", k->call_id, strerror(errno));
		_exit(1);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);	/* for pk_watch's signalfd */
	if ((pid = fork()) == -1)
		_exit(1);
	if (pid > 0) {
		close(fd);
		(void)write(ready, "r", 1);
		close(ready);
		pk_watch(pid, go);
	}
	/* pppd: fds 0 and 1 /dev/null, 2 the pipe to pptpctrl, 3 the
	 * socket; a session of its own; nothing else open. */
	if ((nul = open("/dev/null", O_RDWR)) == -1 || setsid() == -1 ||
	    dup2(nul, 0) == -1 || dup2(nul, 1) == -1 || dup2(errw, 2) == -1 ||
	    dup2(fd, 3) == -1)
		_exit(126);
	pppd_close_from(4);
	pppd_exec(av);
}

/* After 'k': wait for the launcher's word that the socket exists. */
int
pppd_kernel_ready(struct pppd_launcher *l)
{
	struct pollfd pfd = { .fd = l->ready, .events = POLLIN };
	char c = 0;
	int r;

	while ((r = poll(&pfd, 1, PK_READY_MS)) == -1 && errno == EINTR)
		;
	r = r == 1 && read(l->ready, &c, 1) == 1 && c == 'r' ? 0 : -1;
	close(l->ready);
	l->ready = -1;
	return r;
}
