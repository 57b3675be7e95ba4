/*
 * Address lists in PoPToP's syntax ("192.168.0.234-238,192.168.0.245",
 * a range may sit in any one octet) and the table of (local, remote)
 * address slots leased to calls.  Pure: no I/O, no logging.
 */
#ifndef IPPOOL_H
#define IPPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define IPLIST_MAX	65536	/* addresses in one list, to bound memory */

struct iplist {
	uint32_t	*addr;	/* host byte order, in the order written */
	size_t		 n;
};

/*
 * Parse "A.B.C.D[,...]" where one octet of an item may be a range "L-U"
 * (L <= U, decimal, no leading zeros).  Host names are not accepted: the
 * lists are read before the network is up, and a name would hide which
 * addresses are handed out.  Duplicates and more than IPLIST_MAX addresses
 * are errors.  On error the list is left empty and err says why.
 */
int	iplist_parse(const char *spec, struct iplist *, char *err, size_t errlen);
void	iplist_free(struct iplist *);

struct ippool_slot {
	uint32_t	local;	/* host byte order */
	uint32_t	remote;
	pid_t		owner;	/* 0 = free */
	uint32_t	fprev;	/* free list links (private to ippool.c) */
	uint32_t	fnext;
};

/*
 * Free slots sit in a FIFO list: lease takes the head (the slot free the
 * longest), release appends, so a just-freed address rests as long as
 * possible before it is given to someone else.  Both are O(1).
 */
struct ippool {
	struct ippool_slot	*slot;
	uint64_t		*byremote; /* (remote << 32 | slot), sorted: adopt */
	size_t			 n;
	size_t			 used;
	size_t			 next;	/* head of the free list (the round robin) */
	size_t			 tail;	/* where release appends */
};

/*
 * Build slots: slot i = (local[i] or local[0] if one local, remote[i]),
 * at most max slots (PoPToP: the shorter list limits the count).
 */
int	ippool_init(struct ippool *, const struct iplist *local,
	    const struct iplist *remote, size_t max, char *err, size_t errlen);
void	ippool_free(struct ippool *);
/* Lease a free slot to owner (> 0); returns the slot index or -1 when full. */
int	ippool_lease(struct ippool *, pid_t owner);
/* Mark the free slot holding remote as owned (after a reload); -1 if absent. */
int	ippool_adopt(struct ippool *, uint32_t remote, pid_t owner);
/* Return a slot; out of range or already free is ignored. */
void	ippool_release(struct ippool *, int slot);

#endif
