/*
 * Fuzz target for src/bcrpkt.c, bcrelay's packet codec.
 *
 * Input: 4 octets of destination address for the copy, then a datagram as
 * bcrelay's packet socket would deliver it.  Properties, abort() on any
 * violation:
 *  - parsing returns 0 or a known drop reason, and a parsed payload lies
 *    inside the input;
 *  - the copy built from a parsed datagram parses again, with TTL 1, the
 *    new destination, the same source, ports and payload, and no fragment
 *    bits; a datagram without a UDP checksum keeps none.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcrelay.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	static uint8_t out[BCR_PKT_MAX];
	struct bcr_udp u, v;
	uint32_t dst;
	size_t len;
	int r;

	if (n < 4)
		return 0;
	dst = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	r = bcr_parse(p + 4, n - 4, &u);
	FUZZ_CHECK(r <= 0 && r > -BCR_D_MAX_);
	FUZZ_CHECK(bcr_drop_str(-r) != NULL);
	if (r != 0)
		return 0;
	FUZZ_CHECK(u.data >= p + 4 && u.datalen <= n - 4 &&
	    (size_t)(u.data - p) + u.datalen <= n);
	len = bcr_build(&u, dst, out, sizeof(out));
	if (len == 0)
		return 0;
	FUZZ_CHECK(len == BCR_IP_HLEN + BCR_UDP_HLEN + u.datalen);
	FUZZ_CHECK(bcr_parse(out, len, &v) == 0);
	FUZZ_CHECK(v.ttl == 1 && v.dst == dst && v.src == u.src);
	FUZZ_CHECK(v.sport == u.sport && v.dport == u.dport);
	FUZZ_CHECK((v.frag & 0x3fff) == 0);
	FUZZ_CHECK(v.datalen == u.datalen &&
	    memcmp(v.data, u.data, u.datalen) == 0);
	if (u.csum == 0)
		FUZZ_CHECK(v.csum == 0);
	return 0;
}
