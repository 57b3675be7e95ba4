/*
 * t_pptp_fd.so: a test-only pppd channel plugin for tests/e2e/kclient.py,
 * the bed's kernel-mode PPTP client.  kclient.py makes a PPTP socket
 * (AF_PPPOX, PX_PROTO_PPTP: Linux's pptp module carries the PPP frames in
 * enhanced GRE itself) connected to the server's call, and starts
 *	pppd ... plugin .../t_pptp_fd.so pptp-fd 3
 * This plugin only hands that descriptor to pppd as its channel; pppd's
 * own plugins cannot (pppol2tp.so refuses any socket that is not L2TP).
 * Not installed.
 */
#include <sys/types.h>

#include <string.h>
#include <unistd.h>

#include <pppd/pppd.h>

void	plugin_init(void);

/* pppd compares this with its own version before calling plugin_init. */
char pppd_version[] = VERSION;

static int	pf_fd = -1;

static option_t pf_options[] = {
	{ .name = "pptp-fd", .type = o_int, .addr = &pf_fd,
	  .description = "descriptor of a connected PPTP socket",
	  .flags = OPT_PRIV },
	{ .name = NULL }
};

static void
pf_check_options(void)
{
	if (pf_fd < 3)
		fatal("t_pptp_fd: no pptp-fd given");
}

/* The socket is connected already: it is the channel. */
static int
pf_connect(void)
{
	strlcpy(devnam, "pptp", sizeof(devnam));
	return pf_fd;
}

static void
pf_disconnect(void)
{
	if (pf_fd >= 0)
		close(pf_fd);
	pf_fd = -1;
}

/* A PPTP channel has no async map to set (RFC 2637 4: no HDLC framing). */
static void
pf_config(int unit, u_int32_t accm, int pcomp, int accomp)
{
	(void)unit;
	(void)accm;
	(void)pcomp;
	(void)accomp;
}

static struct channel pf_channel = {
	.options = pf_options,
	.check_options = pf_check_options,
	.connect = pf_connect,
	.disconnect = pf_disconnect,
	.establish_ppp = generic_establish_ppp,
	.disestablish_ppp = generic_disestablish_ppp,
	.send_config = pf_config,
	.recv_config = pf_config,
};

void
plugin_init(void)
{
	add_options(pf_options);
	the_channel = &pf_channel;
	modem = 0;
}
