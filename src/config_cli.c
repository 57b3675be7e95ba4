/*
 * pptpd's command line (pptpd(8)): PoPToP's options, each of which but
 * -c, -f, -h, -n, -T and -v stands for a pptpd.conf keyword and is set
 * through config.c's table, so the file and the command line check values
 * the same way; the command line beats the file (config_merge).
 */
#include "autoconf.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "log.h"

static const struct option config_longopts[] = {
	{ "bcrelay",	 required_argument, NULL, 'b' },
	{ "check",	 no_argument,	    NULL, 'n' },
	{ "conf",	 required_argument, NULL, 'c' },
	{ "connections", required_argument, NULL, 'C' },
	{ "debug",	 no_argument,	    NULL, 'd' },
	{ "delegate",	 no_argument,	    NULL, 'D' },
	{ "dump-config", no_argument,	    NULL, 'T' },
	{ "fg",		 no_argument,	    NULL, 'f' },
	{ "help",	 no_argument,	    NULL, 'h' },
	{ "keepalive",	 required_argument, NULL, CONFIG_OPT_KEEPALIVE },
	{ "listen",	 required_argument, NULL, 'l' },
	{ "logwtmp",	 no_argument,	    NULL, 'w' },
	{ "maxhalfopen", required_argument, NULL, CONFIG_OPT_MAXHALFOPEN },
	{ "noipparam",	 no_argument,	    NULL, 'i' },
	{ "option",	 required_argument, NULL, 'o' },
	{ "pidfile",	 required_argument, NULL, 'p' },
	{ "ppp",	 required_argument, NULL, 'e' },
	{ "speed",	 required_argument, NULL, 's' },
	{ "stimeout",	 required_argument, NULL, 't' },
	{ "user",	 required_argument, NULL, CONFIG_OPT_USER },
	{ "version",	 no_argument,	    NULL, 'v' },
	{ "vrf",	 required_argument, NULL, 'V' },
	{ NULL,		 0,		    NULL, 0 }
};

/* "+": stop at the first non-option; ":": report a missing value as ':'. */
#define CONFIG_SHORTOPTS	"+:b:c:de:fhil:o:p:s:t:vwC:DV:nT"

/*
 * A getopt error as a message.  arg is the element getopt was scanning: a
 * long option if it starts with "--", else a cluster of short ones where
 * optopt names the culprit.
 */
static void
config_opterr(char *err, size_t errlen, int opt, const char *arg)
{
	char show[64];

	if (arg != NULL && strncmp(arg, "--", 2) == 0) {
		log_escape(show, sizeof(show), arg, strcspn(arg, "="));
		if (opt == ':')
			snprintf(err, errlen, "option %s needs a value", show);
		else if (optopt != 0)
			snprintf(err, errlen, "option %s takes no value", show);
		else
			snprintf(err, errlen, "unknown or ambiguous option %s",
			    show);
		return;
	}
	if (optopt > ' ' && optopt < 0x7f)
		snprintf(show, sizeof(show), "-%c", optopt);
	else
		snprintf(show, sizeof(show), "-\\x%02x", optopt & 0xff);
	if (opt == ':')
		snprintf(err, errlen, "option %s needs a value", show);
	else
		snprintf(err, errlen, "unknown option %s", show);
}

static int
config_cmdopt(struct pptpd_config *c, struct config_cmdline *cmd, int opt,
    char *arg, char *err, size_t errlen)
{
	char msg[256];

	switch (opt) {
	case 'c':
		if (*arg == '\0') {
			snprintf(err, errlen, "--conf: missing value");
			return -1;
		}
		cmd->conffile = arg;
		return 0;
	case 'f':
		cmd->foreground = 1;
		return 0;
	case 'h':
		cmd->help = 1;
		return 0;
	case 'v':
		cmd->version = 1;
		return 0;
	case 'n':
		cmd->check = 1;
		return 0;
	case 'T':
		cmd->dump = 1;
		return 0;
	}
	if (config_set_opt(c, opt, arg, msg, sizeof(msg)) != 0) {
		snprintf(err, errlen, "command line: %s", msg);
		return -1;
	}
	return 0;
}

int
config_parse_argv(struct pptpd_config *c, struct config_cmdline *cmd,
    int argc, char **argv, char *err, size_t errlen)
{
	char show[96];
	int opt, at;

	optind = 0;		/* glibc: start afresh, so we can be re-called */
	opterr = 0;		/* our messages, not getopt's */
	for (;;) {
		at = optind > 0 ? optind : 1;
		opt = getopt_long(argc, argv, CONFIG_SHORTOPTS,
		    config_longopts, NULL);
		if (opt == -1)
			break;
		if (opt == '?' || opt == ':') {
			config_opterr(err, errlen, opt, at < argc ? argv[at] :
			    NULL);
			return -1;
		}
		if (config_cmdopt(c, cmd, opt, optarg, err, errlen) != 0)
			return -1;
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'",
		    log_escape(show, sizeof(show), argv[optind],
		    strlen(argv[optind])));
		return -1;
	}
	return 0;
}

void
config_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: pptpd [options]\n"
	    "  -b, --bcrelay IFACE     relay broadcasts from IFACE to clients\n"
	    "  -c, --conf FILE         configuration file (default "
	    PPTPD_CONF_PATH ")\n"
	    "  -C, --connections N     at most N concurrent connections "
	    "(default %d)\n"
	    "  -d, --debug             debug logging\n"
	    "  -D, --delegate          let pppd allocate the addresses\n"
	    "  -e, --ppp PROGRAM       run PROGRAM instead of " PPPD_PATH "\n"
	    "  -f, --fg                stay in the foreground, log to stderr\n"
	    "  -h, --help              this text\n"
	    "  -i, --noipparam         do not pass ipparam CLIENTIP to pppd\n"
	    "  -l, --listen ADDR       address to listen on (default all)\n"
	    "  -n, --check             check the configuration and exit\n"
	    "  -o, --option FILE       pppd options file\n"
	    "  -p, --pidfile FILE      pid file (default " PPTPD_PID_PATH ")\n"
	    "  -s, --speed BAUD        speed passed to pppd (default "
	    CONFIG_DEF_SPEED ")\n"
	    "  -t, --stimeout SECONDS  time allowed for call setup "
	    "(default %d)\n"
	    "  -T, --dump-config       print the effective configuration\n"
	    "  -v, --version           print the version\n"
	    "  -V, --vrf NAME          bind sockets to VRF device NAME\n"
	    "  -w, --logwtmp           record connections in wtmp\n"
	    "      --keepalive SECONDS echo interval and wait (default %d)\n"
	    "      --maxhalfopen N     connections per source address in "
	    "setup (default %d)\n"
	    "      --user NAME         user pptpctrl runs as (default "
	    CONFIG_DEF_USER ")\n",
	    CONFIG_DEF_CONNECTIONS, CONFIG_DEF_STIMEOUT, CONFIG_DEF_KEEPALIVE,
	    CONFIG_DEF_MAXHALFOPEN);
}
