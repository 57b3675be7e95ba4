#ifndef PPPD_H
#define PPPD_H

#include <sys/types.h>

struct pppd_args {
	const char	*ppp;		/* program */
	const char	*option;	/* options file or NULL */
	const char	*speed;
	const char	*localip;	/* NULL with delegate */
	const char	*remoteip;
	const char	*client;	/* the peer's address, dotted quad */
	int		 noipparam;
	int		 logwtmp;
};

struct pppd_launcher {
	pid_t	pid;		/* the launcher, later pppd itself */
	int	go;		/* write 'g' to exec pppd; close to cancel */
	int	err;		/* read end of pppd's stderr */
};

#define PPPD_ARGV_MAX	24
/* PoPToP's pppd command line, so options files and ip-up keep working. */
int	pppd_argv(const struct pppd_args *, char **av, char *buf, size_t buflen);
/*
 * Fork the launcher: it keeps root and the pty slave, closes everything
 * else, and waits for the word to exec pppd with a clean environment, the
 * slave as fds 0 and 1 and its controlling tty, and fd 2 a pipe to us.
 * The parent may then drop root: it never needs to start anything again.
 */
int	pppd_launcher(struct pppd_launcher *, int slave, char **av);
int	pppd_go(struct pppd_launcher *);

#endif
