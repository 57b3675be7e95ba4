/*
 * pptpd.conf and the pptpd command line: one description of the effective
 * configuration, built as defaults <- file <- command line (the command line
 * wins, as the man pages have always said).  Pure: no I/O except reading
 * the named file, no logging, no globals.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>
#include <stdio.h>

#ifndef PPTPD_CONF_PATH
#define PPTPD_CONF_PATH		"/etc/pptpd.conf"
#endif
#ifndef PPTPD_PID_PATH
#define PPTPD_PID_PATH		"/var/run/pptpd.pid"
#endif
#ifndef PPPD_PATH
#define PPPD_PATH		"/usr/sbin/pppd"
#endif
#define CONFIG_DEF_SPEED	"115200"
#define CONFIG_DEF_STIMEOUT	10
#define CONFIG_DEF_CONNECTIONS	100
#define CONFIG_DEF_USER		"nobody"
#define CONFIG_DEF_KEEPALIVE	60
#define CONFIG_DEF_MAXHALFOPEN	8
#define CONFIG_DEF_LOCALIP	"192.168.0.1-100"	/* PoPToP's defaults */
#define CONFIG_DEF_REMOTEIP	"192.168.1.1-100"
#define CONFIG_DEF_DATAPATH	"user"

/*
 * One bit per keyword; cfg->set records which were given explicitly.  A
 * string field is heap memory owned by the struct (freed by config_free)
 * exactly when its bit is set; otherwise it is NULL or a static default
 * (config_defaults sets pidfile, ppp, speed and user), so never free or
 * assign the fields directly: use config_set.  NULL localip/remoteip mean
 * CONFIG_DEF_LOCALIP/REMOTEIP unless delegating.
 */
enum config_key {
	CK_BCRELAY, CK_CONNECTIONS, CK_DATAPATH, CK_DEBUG, CK_DELEGATE,
	CK_KEEPALIVE,
	CK_LISTEN, CK_LOCALIP, CK_LOGWTMP, CK_MAXHALFOPEN, CK_NOIPPARAM,
	CK_OPTION, CK_PIDFILE, CK_PPP, CK_REMOTEIP, CK_SPEED, CK_STIMEOUT,
	CK_USER, CK_VRF,
	CK_MAX
};

struct pptpd_config {
	unsigned int	 set;		/* 1u << enum config_key */
	char		*bcrelay;	/* interface to relay broadcasts from */
	int		 connections;	/* max concurrent connections/calls */
	char		*datapath;	/* "user" (pty, pptpctrl) or "kernel" */
	int		 debug;
	int		 delegate;	/* pppd allocates addresses */
	int		 keepalive;	/* s idle before Echo-Request, and reply wait */
	char		*listen;	/* address to bind, NULL = any */
	char		*localip;	/* address spec as written, NULL = unset */
	int		 logwtmp;
	int		 maxhalfopen;	/* per source address, before call is up */
	int		 noipparam;
	char		*option;	/* pppd options file */
	char		*pidfile;
	char		*ppp;		/* program run instead of pppd */
	char		*remoteip;
	char		*speed;
	int		 stimeout;	/* s to wait for the call to be set up */
	char		*user;		/* pptpctrl drops root to this user */
	char		*vrf;
};

/* What the command line asked for besides configuration. */
struct config_cmdline {
	const char	*conffile;	/* -c */
	int		 foreground;	/* -f */
	int		 check;		/* -n: check the configuration, exit */
	int		 dump;		/* -T: print the effective configuration */
	int		 help;		/* -h */
	int		 version;	/* -v */
};

/* Codes of the long-only options (config_cli.c) in the keyword table. */
enum { CONFIG_OPT_USER = 256, CONFIG_OPT_KEEPALIVE, CONFIG_OPT_MAXHALFOPEN };

/* Overwrites the struct: call it on a fresh or config_free'd one. */
void	config_defaults(struct pptpd_config *);
/* Frees what the struct owns and zeroes it; safe to call twice. */
void	config_free(struct pptpd_config *);
/* Set one keyword from its text value; err gets a message without location. */
int	config_set(struct pptpd_config *, const char *keyword, const char *value,
	    char *err, size_t errlen);
/* Set the keyword a command line option (getopt code) stands for. */
int	config_set_opt(struct pptpd_config *, int opt, const char *arg,
	    char *err, size_t errlen);
/* Parse a whole file's text; errors name "NAME:LINE: message". */
int	config_parse_buf(struct pptpd_config *, const char *name,
	    const char *text, size_t len, char *err, size_t errlen);
int	config_parse_file(struct pptpd_config *, const char *path,
	    char *err, size_t errlen);
/*
 * Parse argv (getopt_long, PoPToP's options plus -n and -T): keywords go
 * into the struct with their set bits (so config_merge makes the command
 * line win), the rest into the cmdline.  Re-callable (resets optind);
 * stops at the first non-option and calls it an error.
 */
int	config_parse_argv(struct pptpd_config *, struct config_cmdline *,
	    int argc, char **argv, char *err, size_t errlen);
/* Copy into dst every keyword that src has set (src wins). */
int	config_merge(struct pptpd_config *dst, const struct pptpd_config *src);
/* Semantic checks: address specs parse, limits sane, etc. */
int	config_check(const struct pptpd_config *, char *err, size_t errlen);
/* 1 with "datapath kernel". */
int	config_datapath_kernel(const struct pptpd_config *);
/* One keyword a line; parses back to the same configuration. */
int	config_dump(const struct pptpd_config *, FILE *);
/* 1 if both have the same effective value for every keyword. */
int	config_equal(const struct pptpd_config *, const struct pptpd_config *);
void	config_usage(FILE *);

#endif
