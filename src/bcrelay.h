/*
 * bcrelay's packet codec: parse a received IPv4 UDP broadcast and build
 * the copy sent to one interface.  Pure (no I/O), so it can be tested and
 * fuzzed on its own.
 */
#ifndef BCRELAY_H
#define BCRELAY_H

#include <stddef.h>
#include <stdint.h>

#define BCR_PKT_MAX		65536	/* largest IPv4 datagram + 1 */
#define BCR_IP_HLEN		20	/* we send no IP options */
#define BCR_UDP_HLEN		8

/* Why a received packet is not relayed (returned negated). */
enum bcr_drop {
	BCR_OK = 0,
	BCR_D_SHORT,		/* shorter than the headers it claims */
	BCR_D_NOTIP4,		/* not IPv4, or IHL < 5 */
	BCR_D_NOTUDP,		/* IP protocol is not UDP */
	BCR_D_LENGTH,		/* IP or UDP length field disagrees */
	BCR_D_FRAG,		/* a fragment: no UDP header to rewrite */
	BCR_D_IPSUM,		/* bad IP header checksum */
	BCR_D_UDPSUM,		/* bad UDP checksum */
	BCR_D_NOTBCAST,		/* not to a broadcast address of IFIN */
	BCR_D_TTL,		/* TTL <= 1: possibly a copy of ours */
	BCR_D_MAX_
};



/* A parsed UDP datagram; addresses and ports in host byte order. */
struct bcr_udp {
	uint8_t		 tos;
	uint16_t	 id;
	uint16_t	 frag;		/* flags and fragment offset */
	uint8_t		 ttl;
	uint32_t	 src;
	uint32_t	 dst;
	uint16_t	 sport;
	uint16_t	 dport;
	uint16_t	 csum;		/* as received; 0 = none */
	const uint8_t	*data;		/* UDP payload */
	size_t		 datalen;
};

const char	*bcr_drop_str(int);
uint32_t	 bcr_sum(uint32_t, const uint8_t *, size_t);
uint16_t	 bcr_fold(uint32_t);
uint16_t	 bcr_udp_sum(uint32_t src, uint32_t dst, uint16_t sport,
		    uint16_t dport, uint16_t csum, const uint8_t *data,
		    size_t datalen);
/* Returns 0 or a negated enum bcr_drop. */
int		 bcr_parse(const uint8_t *, size_t, struct bcr_udp *);
size_t		 bcr_build(const struct bcr_udp *, uint32_t dst, uint8_t *out,
		    size_t cap);

#endif
