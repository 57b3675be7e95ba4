/*
 * lgproc: CPU time and memory of a server's process tree, from /proc.
 *
 * The tree is the server pid and all its descendants.  Processes whose comm
 * equals the "stub" name (the stand-in pppd) are accounted separately, so
 * the server's numbers cover only the master and its per-call processes,
 * whatever their architecture.  Zombies are skipped.
 */
#ifndef LGPROC_H
#define LGPROC_H

#include <stdint.h>
#include <sys/types.h>

struct lgproc_cpu {
	uint64_t	server_ns;	/* master + every non-stub descendant */
	uint64_t	stub_ns;	/* stand-in pppd processes */
	int		nserver;	/* processes counted in server_ns */
	int		nstub;
	int		alive;		/* the root pid exists */
};

struct lgproc_mem {
	long		master_rss_kb;
	long		master_pd_kb;	/* Private_Dirty */
	long		ctrl_rss_kb;	/* sum over non-master, non-stub */
	long		ctrl_pd_kb;
	int		nctrl;
	int		nstub;
	int		alive;
};

/* Precise CPU time (schedstat, ns) when the kernel has it, else stat ticks. */
const char	*lgproc_cpu_source(void);
int		 lgproc_cpu(pid_t root, const char *stub, struct lgproc_cpu *);
int		 lgproc_mem(pid_t root, const char *stub, struct lgproc_mem *);

#endif
