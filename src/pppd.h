#ifndef PPPD_H
#define PPPD_H

#include <stdint.h>
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
	const char	*kernel;	/* datapath kernel: our plugin, or NULL */
};

/* datapath kernel: what the launcher needs to make the PPTP socket. */
struct pppd_kernel {
	uint32_t	 local, peer;	/* network order */
	uint16_t	 call_id;	/* ours */
};

struct pppd_launcher {
	pid_t	pid;		/* the launcher, later pppd itself */
	int	go;		/* write 'g' to exec pppd; close to cancel */
	int	err;		/* read end of pppd's stderr */
	int	kernel;		/* datapath kernel (below) */
	int	ready;		/* kernel: 'r' once the PPTP socket exists */
};

#define PPPD_ARGV_MAX	32
/* PoPToP's pppd command line, so options files and ip-up keep working. */
int	pppd_argv(const struct pppd_args *, char **av, char *buf, size_t buflen);
/*
 * Fork the launcher: it keeps root and the pty slave, closes everything
 * else, and waits for the word to exec pppd with a clean environment, the
 * slave as fds 0 and 1 and its controlling tty, and fd 2 a pipe to us.
 * The parent may then drop root: it never needs to start anything again.
 *
 * With k (datapath kernel) there is no pty (slave -1): the launcher is
 * told the peer's call id with the word to go, makes the call's PPTP
 * socket as root, says so, and starts pppd with it on fd 3
 * (plugins/pptpd-kernel.c).  It stays as pppd's parent, since we may not
 * signal pppd: closing our end of "go" (pppd_hangup) makes it stop pppd,
 * and it exits as pppd did.
 */
int	pppd_launcher(struct pppd_launcher *, int slave, char **av,
	    const struct pppd_kernel *k);
int	pppd_go(struct pppd_launcher *, uint16_t peer_call_id);
/* Launchers' helpers (pppd.c, pppdk.c). */
void	pppd_kernel_main(int go, int ready, int errw, char **av,
	    const struct pppd_kernel *) __attribute__((noreturn));
int	pppd_kernel_ready(struct pppd_launcher *);
void	pppd_close_from(int lowfd);
/* Signals to their defaults, none blocked, a clean environment: exec. */
void	pppd_exec(char **av) __attribute__((noreturn));
/* datapath kernel: tell the launcher to stop pppd. */
void	pppd_hangup(struct pppd_launcher *);

#endif
