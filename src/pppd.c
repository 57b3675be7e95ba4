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

int
pppd_launcher(struct pppd_launcher *l, int slave, char **av)
{
	int gp[2], ep[2];

	if (pipe2(gp, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(ep, O_CLOEXEC) == -1) {
		close(gp[0]);
		close(gp[1]);
		return -1;
	}
	if ((l->pid = fork()) == -1) {
		close(gp[0]);
		close(gp[1]);
		close(ep[0]);
		close(ep[1]);
		return -1;
	}
	if (l->pid == 0) {
		close(gp[1]);
		close(ep[0]);
		launcher_main(slave, gp[0], ep[1], av);
	}
	close(gp[0]);
	close(ep[1]);
	l->go = gp[1];
	l->err = ep[0];
	l->kernel = 0;
	l->ready = -1;
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
