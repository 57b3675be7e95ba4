/*
 * bcrelay's sockets and its privilege drop: opened as root, once, before
 * the relay runs (bcrsock.c).
 */
#ifndef BCRSOCK_H
#define BCRSOCK_H

/* AF_PACKET, filtered to IPv4 UDP; exits on failure. */
int	bcrsock_rx(void);
/* Raw IPv4 with our own headers, broadcast allowed; exits on failure. */
int	bcrsock_tx(void);
/* rtnetlink link and address events, or -1 with *what saying which step
 * failed (errno is kept): the caller falls back to periodic rescans. */
int	bcrsock_nl(const char **what);
/* Give root up for good; 1 if user does not exist (root is kept). */
int	bcrsock_drop_root(const char *user);

#endif
