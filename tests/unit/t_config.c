/*
 * Unit tests for src/config.c: every keyword valid and invalid, defaults,
 * comments and whitespace, FILE:LINE errors, the command line, merge
 * precedence (the command line wins for every keyword, including the two
 * PoPToP got wrong), dump/parse round trips, Debian's stock pptpd.conf.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static int failures;

#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: failed: %s\n", __FILE__,	\
		    __LINE__, #c);					\
		failures++;						\
	}								\
} while (0)

/* Compare strings, printing both on a mismatch. */
#define CHECK_STR(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (g_ == NULL || w_ == NULL ? g_ != w_ : strcmp(g_, w_) != 0) { \
		fprintf(stderr, "%s:%d: got \"%s\"\n%*swant \"%s\"\n",	\
		    __FILE__, __LINE__, g_ ? g_ : "(null)",		\
		    (int)strlen(__FILE__) + 3, "", w_ ? w_ : "(null)");	\
		failures++;						\
	}								\
} while (0)

static struct pptpd_config cfg;
static char err[512];

/* Parse text over fresh defaults, as pptpd does with the file. */
static int
parse(const char *text)
{
	config_free(&cfg);
	config_defaults(&cfg);
	err[0] = '\0';
	return config_parse_buf(&cfg, "t.conf", text, strlen(text), err,
	    sizeof(err));
}

/* The error text for a file that must not parse ("" if it did). */
static const char *
bad(const char *text)
{
	if (parse(text) == 0)
		return "";
	return err;
}

/* config_dump into a string the caller frees. */
static char *
dump(const struct pptpd_config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		abort();
	if (config_dump(c, fp) != 0)
		abort();
	fclose(fp);
	return buf;
}

/* parse(dump(c)) == c, and dumping again gives the same text. */
static int
round_trip(const struct pptpd_config *c)
{
	struct pptpd_config again;
	char *text, *text2;
	char e[256];
	int ok;

	text = dump(c);
	config_defaults(&again);
	ok = config_parse_buf(&again, "dump", text, strlen(text), e,
	    sizeof(e)) == 0;
	if (!ok)
		fprintf(stderr, "  dump does not parse: %s\n%s", e, text);
	ok = ok && config_equal(c, &again);
	text2 = dump(&again);
	ok = ok && strcmp(text, text2) == 0;
	if (!ok)
		fprintf(stderr, "  round trip differs:\n%s---\n%s", text,
		    text2);
	free(text);
	free(text2);
	config_free(&again);
	return ok;
}

#define DEFAULT_DUMP							\
	"connections 100\n"						\
	"datapath user\n"						\
	"keepalive 60\n"						\
	"localip 192.168.0.1-100\n"					\
	"maxhalfopen 8\n"						\
	"pidfile " PPTPD_PID_PATH "\n"					\
	"ppp " PPPD_PATH "\n"						\
	"remoteip 192.168.1.1-100\n"					\
	"speed 115200\n"						\
	"stimeout 10\n"							\
	"user nobody\n"

static void
test_defaults(void)
{
	char *d;

	config_defaults(&cfg);
	CHECK(cfg.set == 0);
	CHECK(cfg.connections == 100 && cfg.stimeout == 10);
	CHECK(cfg.keepalive == 60 && cfg.maxhalfopen == 8);
	CHECK(!cfg.debug && !cfg.delegate && !cfg.logwtmp && !cfg.noipparam);
	CHECK_STR(cfg.pidfile, "/var/run/pptpd.pid");
	CHECK_STR(cfg.speed, "115200");
	CHECK_STR(cfg.user, "nobody");
	CHECK_STR(cfg.ppp, "/usr/sbin/pppd");
	CHECK_STR(cfg.datapath, "user");
	CHECK(cfg.localip == NULL && cfg.remoteip == NULL);
	CHECK(cfg.option == NULL && cfg.listen == NULL);
	CHECK(cfg.bcrelay == NULL && cfg.vrf == NULL);
	CHECK(config_check(&cfg, err, sizeof(err)) == 0);
	d = dump(&cfg);
	CHECK_STR(d, DEFAULT_DUMP);
	free(d);
	CHECK(round_trip(&cfg));
	/* an empty file and a file of comments change nothing */
	CHECK(parse("") == 0 && cfg.set == 0);
	CHECK(parse("\n\n# comment\n   # indented comment\n\t\n") == 0);
	CHECK(cfg.set == 0);
	config_free(&cfg);
	config_free(&cfg);	/* twice is fine */
}

#define FULL								\
	"bcrelay eth1\n"						\
	"connections 7\n"						\
	"datapath user\n"						\
	"debug\n"							\
	"delegate\n"							\
	"keepalive 30\n"						\
	"listen 192.0.2.1\n"						\
	"localip 10.0.0.1\n"						\
	"logwtmp\n"							\
	"maxhalfopen 3\n"						\
	"noipparam\n"							\
	"option /etc/ppp/pptpd-options\n"				\
	"pidfile /run/pptpd.pid\n"					\
	"ppp /usr/local/sbin/pppd\n"					\
	"remoteip 10.0.0.2-8,10.0.1.9\n"				\
	"speed 9600\n"							\
	"stimeout 20\n"							\
	"user pptp\n"							\
	"vrf blue\n"

static void
test_keywords(void)
{
	char *d;

	CHECK(parse(FULL) == 0);
	CHECK(cfg.set == (1u << CK_MAX) - 1);
	CHECK_STR(cfg.bcrelay, "eth1");
	CHECK(cfg.connections == 7);
	CHECK(cfg.debug == 1 && cfg.delegate == 1);
	CHECK(cfg.keepalive == 30);
	CHECK_STR(cfg.listen, "192.0.2.1");
	CHECK_STR(cfg.localip, "10.0.0.1");
	CHECK(cfg.logwtmp == 1);
	CHECK(cfg.maxhalfopen == 3);
	CHECK(cfg.noipparam == 1);
	CHECK_STR(cfg.option, "/etc/ppp/pptpd-options");
	CHECK_STR(cfg.pidfile, "/run/pptpd.pid");
	CHECK_STR(cfg.ppp, "/usr/local/sbin/pppd");
	CHECK_STR(cfg.remoteip, "10.0.0.2-8,10.0.1.9");
	CHECK_STR(cfg.speed, "9600");
	CHECK(cfg.stimeout == 20);
	CHECK_STR(cfg.user, "pptp");
	CHECK_STR(cfg.vrf, "blue");
	CHECK_STR(cfg.datapath, "user");
	CHECK(config_check(&cfg, err, sizeof(err)) == 0);
	/* the dump of a full file is that file (the table is sorted) */
	d = dump(&cfg);
	CHECK_STR(d, FULL);
	free(d);
	CHECK(round_trip(&cfg));

	/* datapath kernel, but not with a VRF (pptpd.conf(5)) */
	CHECK(parse("datapath kernel\n") == 0);
	CHECK_STR(cfg.datapath, "kernel");
	CHECK(config_check(&cfg, err, sizeof(err)) == 0);
	CHECK(parse("vrf blue\ndatapath kernel\n") == 0);
	CHECK(config_check(&cfg, err, sizeof(err)) != 0);
	CHECK(strstr(err, "datapath kernel cannot be used with vrf") != NULL);

	/* range ends and other valid spellings */
	CHECK(parse("connections 1\nstimeout 3600\nkeepalive 1\n"
	    "maxhalfopen 65535\n") == 0);
	CHECK(cfg.connections == 1 && cfg.stimeout == 3600);
	CHECK(cfg.keepalive == 1 && cfg.maxhalfopen == 65535);
	CHECK(parse("connections 65535\nstimeout 1\nkeepalive 3600\n"
	    "maxhalfopen 1\n") == 0);
	CHECK(cfg.connections == 65535 && cfg.stimeout == 1);
	CHECK(parse("connections 007\n") == 0 && cfg.connections == 7);
	CHECK(parse("listen vpn.example.org\n") == 0);
	CHECK_STR(cfg.listen, "vpn.example.org");
	CHECK(parse("listen localhost\n") == 0);
	CHECK(parse("bcrelay br-lan.10\nvrf vrf_red-1\n") == 0);
	CHECK(parse("bcrelay abcdefghijklmno\n") == 0);	/* 15 bytes */
	CHECK(parse("user www-data\n") == 0);
	CHECK(parse("user HOST$\n") == 0);
	CHECK(parse("option relative/path\n") == 0);
	CHECK(parse("option /a#b\n") == 0);	/* '#' inside a word */
	CHECK_STR(cfg.option, "/a#b");
	CHECK(parse("ppp /opt/\xc3\xa9/pppd\n") == 0);	/* UTF-8 path */
	CHECK(parse("localip 192.168.0.234-238,192.168.0.245\n") == 0);
	CHECK(round_trip(&cfg));
	CHECK(parse("remoteip 10.0-3.0.1\n") == 0);
	CHECK_STR(cfg.remoteip, "10.0-3.0.1");
	config_free(&cfg);
}

static void
test_bad_values(void)
{
	static const struct {
		const char *text, *want;
	} t[] = {
	{ "connections 0\n",
	  "t.conf:1: connections: '0' is out of range (1..65535)" },
	{ "datapath fast\n",
	  "t.conf:1: datapath: 'fast' is not user or kernel" },
	{ "datapath\n", "t.conf:1: datapath: missing value" },
	{ "connections 65536\n",
	  "t.conf:1: connections: '65536' is out of range (1..65535)" },
	{ "connections 99999999999999999999999\n",
	  "t.conf:1: connections: '99999999999999999999999' is out of range"
	  " (1..65535)" },
	{ "connections -1\n",
	  "t.conf:1: connections: '-1' is not a number" },
	{ "connections +5\n",
	  "t.conf:1: connections: '+5' is not a number" },
	{ "connections 5x\n",
	  "t.conf:1: connections: '5x' is not a number" },
	{ "connections 0x10\n",
	  "t.conf:1: connections: '0x10' is not a number" },
	{ "connections\n", "t.conf:1: connections: missing value" },
	{ "connections 5 6\n",
	  "t.conf:1: connections: unexpected '6' after the value" },
	{ "stimeout 0\n",
	  "t.conf:1: stimeout: '0' is out of range (1..3600)" },
	{ "stimeout 3601\n",
	  "t.conf:1: stimeout: '3601' is out of range (1..3600)" },
	{ "stimeout ten\n", "t.conf:1: stimeout: 'ten' is not a number" },
	{ "keepalive 0\n",
	  "t.conf:1: keepalive: '0' is out of range (1..3600)" },
	{ "keepalive 3601\n",
	  "t.conf:1: keepalive: '3601' is out of range (1..3600)" },
	{ "maxhalfopen 0\n",
	  "t.conf:1: maxhalfopen: '0' is out of range (1..65535)" },
	{ "maxhalfopen 65536\n",
	  "t.conf:1: maxhalfopen: '65536' is out of range (1..65535)" },
	{ "speed fast\n", "t.conf:1: speed: 'fast' is not a speed (digits)" },
	{ "speed 12345678901\n",
	  "t.conf:1: speed: '12345678901' is not a speed (digits)" },
	{ "speed\n", "t.conf:1: speed: missing value" },
	{ "option\n", "t.conf:1: option: missing value" },
	{ "option   # comment\n", "t.conf:1: option: missing value" },
	{ "option /a /b\n", "t.conf:1: option: unexpected '/b' after the value" },
	{ "pidfile\n", "t.conf:1: pidfile: missing value" },
	{ "ppp\n", "t.conf:1: ppp: missing value" },
	{ "bcrelay\n", "t.conf:1: bcrelay: missing value" },
	{ "bcrelay eth/0\n",
	  "t.conf:1: bcrelay: 'eth/0' is not an interface name" },
	{ "bcrelay eth0:1\n",
	  "t.conf:1: bcrelay: 'eth0:1' is not an interface name" },
	{ "bcrelay abcdefghijklmnop\n",
	  "t.conf:1: bcrelay: 'abcdefghijklmnop' is not an interface name" },
	{ "vrf ..\n", "t.conf:1: vrf: '..' is not an interface name" },
	{ "vrf\n", "t.conf:1: vrf: missing value" },
	{ "listen 192.168.0.256\n",
	  "t.conf:1: listen: '192.168.0.256' is not an IPv4 address or host "
	  "name" },
	{ "listen 10.0.0.1-2\n",
	  "t.conf:1: listen: '10.0.0.1-2' is not an IPv4 address or host "
	  "name" },
	{ "listen a_b\n",
	  "t.conf:1: listen: 'a_b' is not an IPv4 address or host name" },
	{ "listen\n", "t.conf:1: listen: missing value" },
	{ "user -x\n", "t.conf:1: user: '-x' is not a user name" },
	{ "user a/b\n", "t.conf:1: user: 'a/b' is not a user name" },
	{ "user\n", "t.conf:1: user: missing value" },
	{ "localip\n", "t.conf:1: localip: missing value" },
	{ "localip 192.168.0.300\n",
	  "t.conf:1: localip: bad address '192.168.0.300'" },
	{ "localip 192.168.0.1, 192.168.0.2\n",
	  "t.conf:1: localip: unexpected '192.168.0.2' after the value" },
	{ "remoteip 192.168.0.238-234\n",
	  "t.conf:1: remoteip: bad range (upper below lower) "
	  "'192.168.0.238-234'" },
	{ "remoteip 192.168.0.234-238,192.168.0.236\n",
	  "t.conf:1: remoteip: duplicate address 192.168.0.236" },
	{ "remoteip vpn.example.org\n",
	  "t.conf:1: remoteip: bad address 'vpn.example.org'" },
	{ "remoteip 10.0.0.1,\n",
	  "t.conf:1: remoteip: empty item in address list" },
	/* boolean keywords take no value */
	{ "debug yes\n", "t.conf:1: debug: takes no value (got 'yes')" },
	{ "delegate 1\n", "t.conf:1: delegate: takes no value (got '1')" },
	{ "logwtmp on\n", "t.conf:1: logwtmp: takes no value (got 'on')" },
	{ "noipparam x\n", "t.conf:1: noipparam: takes no value (got 'x')" },
	/* keywords */
	{ "frobnicate 1\n", "t.conf:1: unknown keyword 'frobnicate'" },
	{ "Debug\n", "t.conf:1: unknown keyword 'Debug'" },
	{ "debug#\n", "t.conf:1: unknown keyword 'debug#'" },
	{ "averyveryverylongkeyword\n",
	  "t.conf:1: unknown keyword 'averyveryverylongkeyword'" },
	{ "\x01\x7f\xff x\n", "t.conf:1: unknown keyword '\\x01\\x7f\\xff'" },
	{ "option a\x01z\n", "t.conf:1: option: 'a\\x01z' is not one word" },
	{ "debug\nlogwtmp\ndebug\n",
	  "t.conf:3: duplicate keyword 'debug' (first at line 1)" },
	{ "connections 5\n\n# x\nconnections 5\n",
	  "t.conf:4: duplicate keyword 'connections' (first at line 1)" },
	{ "localip 10.0.0.1\nlocalip 10.0.0.2\n",
	  "t.conf:2: duplicate keyword 'localip' (first at line 1)" },
	/* line numbers count every line, blank and comment too */
	{ "# a\n\n  debug\n\tlogwtmp  # c\nbogus\n",
	  "t.conf:5: unknown keyword 'bogus'" },
	{ "debug\r\nbogus\r\n", "t.conf:2: unknown keyword 'bogus'" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *got = bad(t[i].text);

		if (strcmp(got, t[i].want) != 0) {
			fprintf(stderr, "%s:%d: case %zu: got \"%s\"\n"
			    "    want \"%s\"\n", __FILE__, __LINE__, i, got,
			    t[i].want);
			failures++;
		}
	}
	config_free(&cfg);
}

static void
test_syntax(void)
{
	static const char nul[] = "debug\nlog\0wtmp\n";
	char *big;
	size_t n;

	/* leading whitespace, trailing comments, CRLF, no final newline */
	CHECK(parse("   option /etc/ppp/x   # the options\n"
	    "\tlogwtmp\t#wtmp\r\n"
	    "connections 5\r\n"
	    "speed 38400") == 0);
	CHECK_STR(cfg.option, "/etc/ppp/x");
	CHECK(cfg.logwtmp && cfg.connections == 5);
	CHECK_STR(cfg.speed, "38400");
	CHECK(parse("debug # on\n") == 0 && cfg.debug);
	CHECK(parse("debug\t#\n") == 0 && cfg.debug);
	/* a NUL byte inside the buffer is an error, not the end */
	CHECK(config_parse_buf(&cfg, "n.conf", nul, sizeof(nul) - 1, err,
	    sizeof(err)) == -1);
	CHECK_STR(err, "n.conf:2: NUL byte in line");
	/* only len bytes are read: no terminator needed */
	config_free(&cfg);
	config_defaults(&cfg);
	CHECK(config_parse_buf(&cfg, "x", "debugXXX", 5, err,
	    sizeof(err)) == 0 && cfg.debug);
	/* a huge value is refused, not truncated */
	n = 5000;
	if ((big = malloc(n + 16)) == NULL)
		abort();
	memcpy(big, "option /", 8);
	memset(big + 8, 'a', n);
	big[8 + n] = '\0';
	CHECK_STR(bad(big), "t.conf:1: option: value too long (at most 1023 "
	    "bytes)");
	big[8 + 1014] = '\0';	/* "/" + 1014 = 1015 bytes: fine */
	CHECK(parse(big) == 0 && strlen(cfg.option) == 1015);
	CHECK(round_trip(&cfg));
	free(big);
	config_free(&cfg);
}

/* Debian's stock /etc/pptpd.conf: its non-comment lines and their shape. */
static void
test_debian(void)
{
	static const char stock[] =
	    "###############################################################"
	    "################\n"
	    "# $Id$\n"
	    "#\n"
	    "# Sample Poptop configuration file /etc/pptpd.conf\n"
	    "#\n"
	    "# TAG: ppp\n"
	    "#\tPath to the pppd program, default '/usr/sbin/pppd' on Linux\n"
	    "#\n"
	    "#ppp /usr/sbin/pppd\n"
	    "\n"
	    "# TAG: option\n"
	    "option /etc/ppp/pptpd-options\n"
	    "\n"
	    "# TAG: stimeout\n"
	    "# stimeout 10\n"
	    "\n"
	    "# TAG: logwtmp\n"
	    "logwtmp\n"
	    "\n"
	    "#bcrelay eth1\n"
	    "#connections 100\n"
	    "#\t\t192.168.0.234,192.168.0.245-249,192.168.0.254\n"
	    "#localip 192.168.0.1\n"
	    "#remoteip 192.168.0.234-238,192.168.0.245\n";
	struct pptpd_config c;

	CHECK(parse(stock) == 0);
	CHECK(cfg.set == (1u << CK_OPTION | 1u << CK_LOGWTMP));
	CHECK_STR(cfg.option, "/etc/ppp/pptpd-options");
	CHECK(cfg.logwtmp);
	CHECK(config_check(&cfg, err, sizeof(err)) == 0);
	CHECK(round_trip(&cfg));

	/* the documented address examples, uncommented */
	CHECK(parse("option /etc/ppp/pptpd-options\nlogwtmp\n"
	    "localip 192.168.0.1\n"
	    "remoteip 192.168.0.234-238,192.168.0.245\n") == 0);
	CHECK(config_check(&cfg, err, sizeof(err)) == 0);
	CHECK(round_trip(&cfg));
	CHECK(parse("localip 192.168.0.234-238,192.168.0.245\n"
	    "remoteip 192.168.1.234-238,192.168.1.245\n") == 0);
	CHECK(config_check(&cfg, err, sizeof(err)) == 0);

	/* the real file, when this host has it */
	config_defaults(&c);
	if (access("/etc/pptpd.conf", R_OK) == 0)
		CHECK(config_parse_file(&c, "/etc/pptpd.conf", err,
		    sizeof(err)) == 0);
	config_free(&c);
	config_free(&cfg);
}

static int
argv_parse(struct pptpd_config *c, struct config_cmdline *cmd, char **av)
{
	int ac = 0;

	while (av[ac] != NULL)
		ac++;
	config_free(c);
	config_defaults(c);
	memset(cmd, 0, sizeof(*cmd));
	err[0] = '\0';
	return config_parse_argv(c, cmd, ac, av, err, sizeof(err));
}

static void
test_argv(void)
{
	struct pptpd_config c = { 0 };
	struct config_cmdline cmd;
	char *all_short[] = { "pptpd", "-b", "eth2", "-c", "/x.conf", "-d",
	    "-e", "/bin/ppp", "-f", "-h", "-i", "-l", "127.0.0.1", "-o",
	    "/opt", "-p", "/p.pid", "-s", "57600", "-t", "3", "-v", "-w",
	    "-C", "5", "-D", "-V", "red", "-n", "-T", NULL };
	char *all_long[] = { "pptpd", "--bcrelay", "eth2", "--conf=/x.conf",
	    "--debug", "--ppp", "/bin/ppp", "--fg", "--help", "--noipparam",
	    "--listen", "127.0.0.1", "--option", "/opt", "--pidfile",
	    "/p.pid", "--speed", "57600", "--stimeout", "3", "--version",
	    "--logwtmp", "--connections", "5", "--delegate", "--vrf", "red",
	    "--check", "--dump-config", "--user", "daemon", "--keepalive",
	    "9", "--maxhalfopen=2", NULL };
	char *cluster[] = { "pptpd", "-dwC5", "-fn", NULL };
	char *none[] = { "pptpd", NULL };
	char **av;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		av = pass ? all_long : all_short;
		CHECK(argv_parse(&c, &cmd, av) == 0);
		CHECK_STR(err, "");
		CHECK_STR(cmd.conffile, "/x.conf");
		CHECK(cmd.foreground && cmd.help && cmd.version);
		CHECK(cmd.check && cmd.dump);
		CHECK_STR(c.bcrelay, "eth2");
		CHECK(c.debug && c.noipparam && c.logwtmp && c.delegate);
		CHECK_STR(c.ppp, "/bin/ppp");
		CHECK_STR(c.listen, "127.0.0.1");
		CHECK_STR(c.option, "/opt");
		CHECK_STR(c.pidfile, "/p.pid");
		CHECK_STR(c.speed, "57600");
		CHECK(c.stimeout == 3 && c.connections == 5);
		CHECK_STR(c.vrf, "red");
		if (pass) {
			CHECK_STR(c.user, "daemon");
			CHECK(c.keepalive == 9 && c.maxhalfopen == 2);
		}
		CHECK(!(c.set & (1u << CK_LOCALIP | 1u << CK_REMOTEIP)));
	}
	CHECK(argv_parse(&c, &cmd, cluster) == 0);
	CHECK(c.debug && c.logwtmp && c.connections == 5);
	CHECK(cmd.foreground && cmd.check && !cmd.dump);
	CHECK(argv_parse(&c, &cmd, none) == 0);
	CHECK(c.set == 0 && cmd.conffile == NULL && !cmd.check);
	/* re-callable: a second parse starts from the first argument */
	CHECK(argv_parse(&c, &cmd, cluster) == 0 && c.connections == 5);

	{
		static const struct {
			char *av[4];
			const char *want;
		} t[] = {
		{ { "pptpd", "-x", NULL }, "unknown option -x" },
		{ { "pptpd", "-dx", NULL }, "unknown option -x" },
		{ { "pptpd", "--frob", NULL },
		  "unknown or ambiguous option --frob" },
		{ { "pptpd", "--d", NULL },
		  "unknown or ambiguous option --d" },
		{ { "pptpd", "--debug=1", NULL },
		  "option --debug takes no value" },
		{ { "pptpd", "-C", NULL }, "option -C needs a value" },
		{ { "pptpd", "-dC", NULL }, "option -C needs a value" },
		{ { "pptpd", "--connections", NULL },
		  "option --connections needs a value" },
		{ { "pptpd", "-C", "0", NULL },
		  "command line: connections: '0' is out of range (1..65535)" },
		{ { "pptpd", "--stimeout=abc", NULL },
		  "command line: stimeout: 'abc' is not a number" },
		{ { "pptpd", "-l", "1.2.3", NULL },
		  "command line: listen: '1.2.3' is not an IPv4 address or "
		  "host name" },
		{ { "pptpd", "-o", "", NULL },
		  "command line: option: missing value" },
		{ { "pptpd", "-o", "a b", NULL },
		  "command line: option: 'a b' is not one word" },
		{ { "pptpd", "-o", "#x", NULL },
		  "command line: option: '#x' is not one word" },
		{ { "pptpd", "-p", "x\n", NULL },
		  "command line: pidfile: 'x\\x0a' is not one word" },
		{ { "pptpd", "-c", "", NULL }, "--conf: missing value" },
		{ { "pptpd", "extra", NULL }, "unexpected argument 'extra'" },
		{ { "pptpd", "-d", "extra", NULL },
		  "unexpected argument 'extra'" },
		};
		size_t i;

		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			if (argv_parse(&c, &cmd, (char **)t[i].av) == 0 ||
			    strcmp(err, t[i].want) != 0) {
				fprintf(stderr, "%s:%d: argv case %zu: got "
				    "\"%s\"\n    want \"%s\"\n", __FILE__,
				    __LINE__, i, err, t[i].want);
				failures++;
			}
		}
	}
	/* "--" ends the options; a later "-x" is then an argument */
	{
		char *dd[] = { "pptpd", "-d", "--", NULL };
		char *dx[] = { "pptpd", "--", "-x", NULL };

		CHECK(argv_parse(&c, &cmd, dd) == 0 && c.debug);
		CHECK(argv_parse(&c, &cmd, dx) == -1);
		CHECK_STR(err, "unexpected argument '-x'");
	}
	config_free(&c);
}

/* What pptpd does: defaults <- file <- command line. */
static int
load(struct pptpd_config *out, const char *file, char **av)
{
	struct pptpd_config cli;
	struct config_cmdline cmd;
	int ac = 0, r;

	while (av[ac] != NULL)
		ac++;
	config_defaults(&cli);
	memset(&cmd, 0, sizeof(cmd));
	config_defaults(out);
	r = config_parse_argv(&cli, &cmd, ac, av, err, sizeof(err));
	if (r == 0)
		r = config_parse_buf(out, "f.conf", file, strlen(file), err,
		    sizeof(err));
	if (r == 0)
		r = config_merge(out, &cli);
	if (r == 0)
		r = config_check(out, err, sizeof(err));
	config_free(&cli);
	return r;
}

static void
test_merge(void)
{
	struct pptpd_config c;
	char *av_ct[] = { "pptpd", "-C", "5", "-t", "3", NULL };
	char *av_all[] = { "pptpd", "-b", "eth9", "-e", "/cli/ppp", "-l",
	    "10.9.9.9", "-o", "/cli/options", "-p", "/cli/pid", "-s", "300",
	    "-t", "4", "-C", "6", "-V", "green", "--user", "cliuser",
	    "--keepalive", "11", "--maxhalfopen", "12", "-d", "-i", "-w",
	    "-D", NULL };
	char *av_none[] = { "pptpd", NULL };
	char *av_flags[] = { "pptpd", "-d", "-w", NULL };
	const char *file =
	    "bcrelay eth1\nconnections 7\nkeepalive 30\nlisten 192.0.2.1\n"
	    "localip 10.0.0.1\nmaxhalfopen 3\noption /file/options\n"
	    "pidfile /file/pid\nppp /file/ppp\nremoteip 10.0.0.2-9\n"
	    "speed 9600\nstimeout 20\nuser fileuser\nvrf blue\n";
	char *d;

	/* PoPToP let the file's connections beat -C, and ignored stimeout */
	CHECK(load(&c, "connections 7\nstimeout 20\n", av_ct) == 0);
	CHECK(c.connections == 5 && c.stimeout == 3);
	config_free(&c);
	CHECK(load(&c, "connections 7\nstimeout 20\n", av_none) == 0);
	CHECK(c.connections == 7 && c.stimeout == 20);
	config_free(&c);

	/* the command line wins for every keyword it can set */
	CHECK(load(&c, file, av_all) == 0);
	d = dump(&c);
	CHECK_STR(d,
	    "bcrelay eth9\nconnections 6\ndatapath user\ndebug\ndelegate\n"
	    "keepalive 11\n"
	    "listen 10.9.9.9\nlocalip 10.0.0.1\nlogwtmp\nmaxhalfopen 12\n"
	    "noipparam\noption /cli/options\npidfile /cli/pid\n"
	    "ppp /cli/ppp\nremoteip 10.0.0.2-9\nspeed 300\nstimeout 4\n"
	    "user cliuser\nvrf green\n");
	free(d);
	CHECK(round_trip(&c));
	config_free(&c);

	/* flags: either source turns them on */
	CHECK(load(&c, "noipparam\ndebug\n", av_flags) == 0);
	CHECK(c.debug && c.logwtmp && c.noipparam && !c.delegate);
	config_free(&c);

	/* merge copies: the source can go away */
	{
		struct pptpd_config a, b;

		config_defaults(&a);
		config_defaults(&b);
		CHECK(config_set(&b, "option", "/o", err, sizeof(err)) == 0);
		CHECK(config_set(&a, "option", "/old", err, sizeof(err)) == 0);
		CHECK(config_merge(&a, &b) == 0);
		config_free(&b);
		CHECK_STR(a.option, "/o");
		CHECK(a.set == 1u << CK_OPTION);
		config_free(&a);
	}
}

static void
test_set_check_equal(void)
{
	struct pptpd_config a, b;

	config_defaults(&a);
	CHECK(config_set(&a, "debug", NULL, err, sizeof(err)) == 0 && a.debug);
	CHECK(config_set(&a, "debug", "x", err, sizeof(err)) == -1);
	CHECK_STR(err, "debug: takes no value (got 'x')");
	CHECK(config_set(&a, "nope", "x", err, sizeof(err)) == -1);
	CHECK_STR(err, "unknown keyword 'nope'");
	CHECK(config_set(&a, "speed", NULL, err, sizeof(err)) == -1);
	CHECK_STR(err, "speed: missing value");
	/* a later config_set replaces (and frees) the earlier value */
	CHECK(config_set(&a, "user", "a", err, sizeof(err)) == 0);
	CHECK(config_set(&a, "user", "b", err, sizeof(err)) == 0);
	CHECK_STR(a.user, "b");
	/* every keyword is found by the sorted table */
	{
		static const char *const kw[] = { "bcrelay", "connections",
		    "debug", "delegate", "keepalive", "listen", "localip",
		    "logwtmp", "maxhalfopen", "noipparam", "option",
		    "pidfile", "ppp", "remoteip", "speed", "stimeout", "user",
		    "vrf" };
		size_t i;

		for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
			config_set(&a, kw[i], "\x01", err, sizeof(err));
			CHECK(strstr(err, "unknown") == NULL);
		}
	}
	config_free(&a);

	/* config_check catches what was put in the struct by hand */
	config_defaults(&a);
	a.connections = 0;
	CHECK(config_check(&a, err, sizeof(err)) == -1);
	CHECK_STR(err, "connections: 0 is out of range (1..65535)");
	a.connections = 1;
	a.keepalive = 4000;
	CHECK(config_check(&a, err, sizeof(err)) == -1);
	config_free(&a);

	/* unset address lists mean PoPToP's defaults, unless delegating */
	config_defaults(&a);
	config_defaults(&b);
	CHECK(config_equal(&a, &b));
	CHECK(config_set(&b, "localip", "192.168.0.1-100", err,
	    sizeof(err)) == 0);
	CHECK(config_equal(&a, &b));
	CHECK(config_set(&b, "remoteip", "192.168.1.1-99", err,
	    sizeof(err)) == 0);
	CHECK(!config_equal(&a, &b));
	config_free(&b);
	config_defaults(&b);
	CHECK(config_set(&a, "delegate", NULL, err, sizeof(err)) == 0);
	CHECK(config_set(&b, "delegate", NULL, err, sizeof(err)) == 0);
	CHECK(config_equal(&a, &b));
	{
		char *d = dump(&a);

		CHECK(strstr(d, "localip") == NULL);
		CHECK(strstr(d, "delegate\n") != NULL);
		free(d);
	}
	CHECK(round_trip(&a));
	CHECK(config_set(&b, "localip", "10.0.0.1", err, sizeof(err)) == 0);
	CHECK(!config_equal(&a, &b));
	CHECK(round_trip(&b));
	config_free(&a);
	config_free(&b);
}

static void
test_file(void)
{
	struct pptpd_config c;
	char path[] = "/tmp/t_config.XXXXXX";
	FILE *fp;
	int fd;

	config_defaults(&c);
	CHECK(config_parse_file(&c, "/nonexistent/pptpd.conf", err,
	    sizeof(err)) == -1);
	CHECK_STR(err, "/nonexistent/pptpd.conf: No such file or directory");
	CHECK(config_parse_file(&c, "/", err, sizeof(err)) == -1);
	CHECK_STR(err, "/: Is a directory");

	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w")) == NULL)
		abort();
	fprintf(fp, "logwtmp\n\n  connections 12 # twelve\nbogus\n");
	fclose(fp);
	CHECK(config_parse_file(&c, path, err, sizeof(err)) == -1);
	CHECK(strncmp(err, path, strlen(path)) == 0);
	CHECK_STR(err + strlen(path), ":4: unknown keyword 'bogus'");
	config_free(&c);
	unlink(path);
}

static void
test_usage(void)
{
	static const char *const opts[] = { "--bcrelay", "--conf",
	    "--connections", "--debug", "--delegate", "--ppp", "--fg",
	    "--help", "--noipparam", "--listen", "--check", "--option",
	    "--pidfile", "--speed", "--stimeout", "--dump-config",
	    "--version", "--vrf", "--logwtmp", "--keepalive",
	    "--maxhalfopen", "--user" };
	char *buf = NULL;
	size_t len = 0, i;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		abort();
	config_usage(fp);
	fclose(fp);
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		CHECK(strstr(buf, opts[i]) != NULL);
	free(buf);
}

int
main(void)
{
	test_defaults();
	test_keywords();
	test_bad_values();
	test_syntax();
	test_debian();
	test_argv();
	test_merge();
	test_set_check_equal();
	test_file();
	test_usage();
	config_free(&cfg);
	if (failures) {
		printf("t_config: %d checks failed\n", failures);
		return 1;
	}
	printf("t_config: ok\n");
	return 0;
}
