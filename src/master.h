#ifndef MASTER_H
#define MASTER_H

#include <signal.h>

#include "config.h"

/* Runs the accept loop until SIGTERM; returns the exit status. */
int	master_run(struct pptpd_config *cfg, const struct pptpd_config *cli,
	    const char *conffile, int lfd, int foreground);
void	master_sigset(sigset_t *);
int	master_check_env(const struct pptpd_config *, char *err, size_t errlen);
/* Bind the listening socket (before daemonizing, so errors reach the
 * exit status); returns the fd or -1 with a message in err. */
int	master_listen(const struct pptpd_config *, char *err, size_t errlen);

/* Events pptpctrl reports on its status pipe (fd 3). */
#define STATUS_FD		3
#define STATUS_CALL_UP		1	/* setup complete: no longer half-open */
#define STATUS_CALL_DOWN	2

#endif
