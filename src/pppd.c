/*
 * Starting pppd on the pty, the way PoPToP did, so existing options files,
 * ip-up scripts (ipparam) and the logwtmp plugin keep working:
 *   pppd local [file OPTS] SPEED [LOCAL:REMOTE] [ipparam CLIENT]
 *        [plugin .../pptpd-logwtmp.so pptpd-original-ip CLIENT]
 *        remotenumber CLIENT
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "pppd.h"

#ifndef PPPD_PLUGIN_DIR
#define PPPD_PLUGIN_DIR "/usr/lib/pppd"
#endif

int
pppd_argv(const struct pppd_args *a, char **av, char *buf, size_t buflen)
{
	int n = 0, len;
	size_t off = 0;

	av[n++] = (char *)a->ppp;
	av[n++] = "local";
	if (a->option != NULL) {
		av[n++] = "file";
		av[n++] = (char *)a->option;
	}
	av[n++] = (char *)a->speed;
	if (a->localip != NULL && a->remoteip != NULL) {
		len = snprintf(buf + off, buflen - off, "%s:%s", a->localip,
		    a->remoteip);
		if (len < 0 || (size_t)len >= buflen - off)
			return -1;
		av[n++] = buf + off;
		off += (size_t)len + 1;
	}
	if (!a->noipparam) {
		av[n++] = "ipparam";
		av[n++] = (char *)a->client;
	}
	if (a->logwtmp) {
		len = snprintf(buf + off, buflen - off, "%s/pptpd-logwtmp.so",
		    PPPD_PLUGIN_DIR);
		if (len < 0 || (size_t)len >= buflen - off)
			return -1;
		av[n++] = "plugin";
		av[n++] = buf + off;
		av[n++] = "pptpd-original-ip";
		av[n++] = (char *)a->client;
	}
	av[n++] = "remotenumber";
	av[n++] = (char *)a->client;
	if (a->kernel != NULL) {
		/* pppd would detach, with no tty to keep it in front. */
		av[n++] = "nodetach";
		av[n++] = "plugin";
		av[n++] = (char *)a->kernel;
		av[n++] = "pptpd-kernel-fd";
		av[n++] = "3";
	}
	av[n] = NULL;
	return n;
}

/* In the launchers: close every descriptor from lowfd on. */
void
pppd_close_from(int lowfd)
{
	long max = sysconf(_SC_OPEN_MAX);
	int fd;

	if (max < 0 || max > 65536)
		max = 65536;
#ifdef SYS_close_range
	if (syscall(SYS_close_range, lowfd, ~0U, 0) == 0)
		return;
#endif
	for (fd = lowfd; fd < max; fd++)
		close(fd);
}

static void __attribute__((noreturn))
launcher_main(int slave, int go, int errw, char **av)
{
	ssize_t n;
	char c = 0;

	/* Wait for the call to be accepted; EOF means never. */
	while ((n = read(go, &c, 1)) == -1 && errno == EINTR)
		;
	if (n != 1 || c != 'g')
		_exit(0);
	if (setsid() == -1 || ioctl(slave, TIOCSCTTY, 0) == -1)
		_exit(126);
	if (dup2(slave, 0) == -1 || dup2(slave, 1) == -1 ||
	    dup2(errw, 2) == -1)
		_exit(126);
	pppd_close_from(3);
	pppd_exec(av);
}

void
pppd_exec(char **av)
{
	char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	sigset_t none;
	int i;

	for (i = 1; i < NSIG; i++)
		signal(i, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(av[0], av, envp);
	dprintf(2, "cannot execute %s: %s\n", av[0], strerror(errno));
	_exit(127);
}

/* Close the descriptors of n that are open. */
static void
close_fds(const int *fd, int n)
{
	while (n-- > 0)
		if (fd[n] >= 0)
			close(fd[n]);
}

int
pppd_launcher(struct pppd_launcher *l, int slave, char **av,
    const struct pppd_kernel *k)
{
	/* pipes: "go" to the launcher, pppd's stderr from it, and with the
	 * kernel's data path its "ready"; read ends first */
	int p[6] = { -1, -1, -1, -1, -1, -1 };
	int mine[3], theirs[3];

	if (pipe2(p, O_CLOEXEC) == -1 || pipe2(p + 2, O_CLOEXEC) == -1 ||
	    (k != NULL && pipe2(p + 4, O_CLOEXEC) == -1) ||
	    (l->pid = fork()) == -1) {
		close_fds(p, 6);
		return -1;
	}
	mine[0] = p[1], mine[1] = p[2], mine[2] = p[4];
	theirs[0] = p[0], theirs[1] = p[3], theirs[2] = p[5];
	if (l->pid == 0) {
		close_fds(mine, 3);
		if (k != NULL)
			pppd_kernel_main(p[0], p[5], p[3], av, k);
		launcher_main(slave, p[0], p[3], av);
	}
	close_fds(theirs, 3);
	l->go = p[1];
	l->err = p[2];
	l->ready = p[4];
	l->kernel = k != NULL;
	fcntl(l->err, F_SETFL, O_NONBLOCK);
	return 0;
}

int
pppd_go(struct pppd_launcher *l, uint16_t peer_call_id)
{
	uint8_t msg[3] = { 'k', peer_call_id >> 8, peer_call_id & 0xff };
	char c = 'g';
	int r;

	if (l->kernel)
		return write(l->go, msg, sizeof(msg)) == (ssize_t)sizeof(msg) ?
		    pppd_kernel_ready(l) : -1;
	r = write(l->go, &c, 1) == 1 ? 0 : -1;
	close(l->go);
	l->go = -1;
	return r;
}

void
pppd_hangup(struct pppd_launcher *l)
{
	if (l->go >= 0)
		close(l->go);
	l->go = -1;
}
