#ifndef RELAY_H
#define RELAY_H

#include <stdint.h>
#include <sys/types.h>

#include "pppd.h"

struct relay_params {
	int			 tcp;		/* control connection */
	int			 gre;		/* -1 when refusing calls */
	int			 pty;		/* pty master, -1 when refusing */
	int			 status;	/* pipe to the master, or -1 */
	struct pppd_launcher	*ppp;		/* NULL when refusing */
	uint32_t		 peer;		/* network order */
	uint16_t		 call_id;
	int			 noresource;
	int			 kernel;	/* datapath kernel: no gre, pty */
	int			 keepalive;	/* seconds */
	int			 stimeout;	/* seconds */
};

/* Set the process title once the call is up (pptpctrl.c). */
void	proctitle_call(uint16_t pns, uint16_t pac);

/* Runs the connection to its end; returns the exit status. */
int	relay_run(const struct relay_params *);

#endif
