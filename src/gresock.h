#ifndef GRESOCK_H
#define GRESOCK_H

#include <stddef.h>
#include <stdint.h>

/*
 * A raw IP protocol 47 socket for one call: bound to our address,
 * connected to the peer's (so the kernel drops GRE from anyone else), with
 * a classic BPF filter passing only packets whose GRE key carries our call
 * id, so a packet for another call never wakes this process.
 */
int	gresock_open(uint32_t local, uint32_t peer, uint16_t call_id,
	    const char *vrf, char *err, size_t errlen);


struct mmsghdr;

/* sendmmsg(2) as one system call whatever the libc (see gresock.c). */
int	gresock_sendmmsg(int fd, struct mmsghdr *mm, unsigned int n);

#endif
