/*
 * pptpd-kernel.so: a pppd channel plugin for pptpd's "datapath kernel".
 * The call's data then never leaves the kernel: the PPTP socket
 * (AF_PPPOX, PX_PROTO_PPTP; Linux's pptp module) carries PPP frames in
 * enhanced GRE itself, and ppp_generic does the rest, MPPE included.  No
 * pty, no HDLC, no user-space copy.
 *
 * pptpd's launcher makes the socket (bound to our call id and address,
 * connected to the peer's, as root) before the call is accepted, and
 * starts pppd with it on a descriptor:
 *	pppd ... plugin .../pptpd-kernel.so pptpd-kernel-fd 3
 * This plugin only hands that descriptor to pppd as its channel.
 */
#include <sys/types.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <pppd/pppd.h>

#ifdef PPPD_VERSION		/* pppd >= 2.5 has another API: unsupported */
#error "pptpd-kernel.so is written for pppd 2.4"
#endif

void	plugin_init(void);

/* pppd compares this with its own version before calling plugin_init. */
char pppd_version[] = VERSION;

static int	pk_fd = -1;

static option_t pk_options[] = {
	{ .name = "pptpd-kernel-fd", .type = o_int, .addr = &pk_fd,
	  .description = "descriptor of the call's PPTP socket (from pptpd)",
	  .flags = OPT_PRIV },
	{ .name = NULL }
};

static void
pk_check_options(void)
{
	if (pk_fd < 3)
		fatal("pptpd-kernel: no pptpd-kernel-fd given (pptpd starts "
		    "pppd with it)");
}

/* The socket is connected already: it is the channel. */
static int
pk_connect(void)
{
	/* What ip-up gets as its tty argument, and pppd's log line says. */
	strlcpy(devnam, "pptp", sizeof(devnam));
	return pk_fd;
}

static void
pk_disconnect(void)
{
	if (pk_fd >= 0)
		close(pk_fd);
	pk_fd = -1;
}

/* A PPTP channel has no async map to set (RFC 2637 4: no HDLC framing). */
static void
pk_config(int unit, u_int32_t accm, int pcomp, int accomp)
{
	(void)unit;
	(void)accm;
	(void)pcomp;
	(void)accomp;
}

static struct channel pk_channel = {
	.options = pk_options,
	.check_options = pk_check_options,
	.connect = pk_connect,
	.disconnect = pk_disconnect,
	.establish_ppp = generic_establish_ppp,
	.disestablish_ppp = generic_disestablish_ppp,
	.send_config = pk_config,
	.recv_config = pk_config,
};

void
plugin_init(void)
{
	add_options(pk_options);
	the_channel = &pk_channel;
	modem = 0;
}
