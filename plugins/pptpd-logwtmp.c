/*
 * pptpd-logwtmp.so: a pppd plugin that records PPTP sessions in wtmp, so
 * last(1) shows who was connected, on which ppp interface, from where.
 *
 * pptpd (with "logwtmp") starts pppd with
 *	plugin .../pptpd-logwtmp.so pptpd-original-ip CLIENTIP
 * On ip-up a login record is written: line = the ppp interface, user =
 * the name the peer authenticated as, host = CLIENTIP (the client's public
 * address, which pppd itself never sees behind the pty).  On ip-down a
 * logout record for the same line.  "pptpd-logwtmp-strip-domain" logs
 * "DOMAIN\user" as "user" (Windows clients send the domain).
 *
 * pppd refuses a plugin built for another pppd version, hence
 * pppd_version below and the installation directory named after it.
 * Builds against pppd 2.4.x headers and, untested here, 2.5's API.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1		/* updwtmpx */
#endif

#include <sys/time.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <paths.h>
#include <string.h>
#include <unistd.h>
#include <utmpx.h>

#include <pppd/pppd.h>

#ifdef PPPD_VERSION		/* pppd >= 2.5: pppdconf.h, accessor API */
#include <pppd/options.h>
#define LW_VERSION		PPPD_VERSION
#define LW_DEBUG		debug_on()
#else				/* pppd 2.4.x: patchlevel.h, globals */
#define LW_VERSION		VERSION
#define LW_DEBUG		debug
#endif

#ifndef _PATH_WTMP
#define _PATH_WTMP		"/var/log/wtmp"
#endif

void	plugin_init(void);

/* pppd compares this with its own version before calling plugin_init. */
char pppd_version[] = LW_VERSION;

static char	*lw_original_ip;	/* the client's public address */
static bool	 lw_strip_domain;
static int	 lw_logged_in;		/* a login record is open */

static option_t lw_options[] = {
	{ .name = "pptpd-original-ip", .type = o_string,
	  .addr = &lw_original_ip,
	  .description = "Original IP address of the PPTP connection" },
	{ .name = "pptpd-logwtmp-strip-domain", .type = o_bool,
	  .addr = &lw_strip_domain, .flags = 1,
	  .description = "Strip domain from username before logging" },
	{ .name = NULL }
};

/* Copy into a fixed utmp field: zero-padded, terminated only if it fits. */
static void
lw_field(char *dst, size_t dstlen, const char *src)
{
	memcpy(dst, src, strnlen(src, dstlen));
}

/*
 * Append one record to wtmp, as logwtmp(3) does: a user name makes it a
 * login (USER_PROCESS), an empty one a logout (DEAD_PROCESS) of the line.
 * A missing wtmp file is not created: that is how admins turn wtmp off.
 */
static void
lw_write(const char *line, const char *who, const char *host)
{
	struct utmpx ut;
	struct timeval tv;
	struct in_addr in;

	memset(&ut, 0, sizeof(ut));
	ut.ut_type = who[0] != '\0' ? USER_PROCESS : DEAD_PROCESS;
	ut.ut_pid = getpid();
	lw_field(ut.ut_line, sizeof(ut.ut_line), line);
	lw_field(ut.ut_user, sizeof(ut.ut_user), who);
	lw_field(ut.ut_host, sizeof(ut.ut_host), host);
	if (host[0] != '\0' && inet_pton(AF_INET, host, &in) == 1)
		memcpy(ut.ut_addr_v6, &in, sizeof(in));
	gettimeofday(&tv, NULL);
	ut.ut_tv.tv_sec = tv.tv_sec;
	ut.ut_tv.tv_usec = tv.tv_usec;
	updwtmpx(_PATH_WTMP, &ut);
}

static const char *
lw_ifname(void)
{
#ifdef PPPD_VERSION
	static char name[64];

	if (ppp_get_ifname(name, sizeof(name)) <= 0)
		name[0] = '\0';
	return name;
#else
	return ifname;
#endif
}

static const char *
lw_user(void)
{
	const char *name_out, *bs;
#ifdef PPPD_VERSION
	static char name[MAXNAMELEN];

	name_out = ppp_peer_authname(name, sizeof(name));
	if (name_out == NULL)
		name_out = "";
#else
	name_out = peer_authname;
#endif
	if (lw_strip_domain && (bs = strchr(name_out, '\\')) != NULL)
		name_out = bs + 1;
	return name_out;
}

static void
lw_ip_up(void *arg, int unused)
{
	const char *line = lw_ifname(), *who = lw_user();
	const char *host = lw_original_ip != NULL ? lw_original_ip : "";

	(void)arg;
	(void)unused;
	/* Nobody authenticated (noauth): no who to log in. */
	if (who[0] == '\0') {
		if (LW_DEBUG)
			dbglog("pptpd-logwtmp: ip-up %s: no peer name, "
			    "no wtmp record", line);
		return;
	}
	if (LW_DEBUG)
		dbglog("pptpd-logwtmp: ip-up %s %q %s", line, who, host);
	lw_write(line, who, host);
	lw_logged_in = 1;
}

static void
lw_ip_down(void *arg, int unused)
{
	const char *line = lw_ifname();

	(void)arg;
	(void)unused;
	if (!lw_logged_in)
		return;
	if (LW_DEBUG)
		dbglog("pptpd-logwtmp: ip-down %s", line);
	lw_write(line, "", "");
	lw_logged_in = 0;
}

void
plugin_init(void)
{
#ifdef PPPD_VERSION
	ppp_add_options(lw_options);
	ppp_add_notify(NF_IP_UP, lw_ip_up, NULL);
	ppp_add_notify(NF_IP_DOWN, lw_ip_down, NULL);
#else
	add_options(lw_options);
	add_notifier(&ip_up_notifier, lw_ip_up, NULL);
	add_notifier(&ip_down_notifier, lw_ip_down, NULL);
#endif
}
