/*
 * pptpd.conf (pptpd.conf(5)); the command line is in config_cli.c.
 *
 * One sorted keyword table drives the file parser, the command line, merge,
 * check and dump.  Differences from PoPToP 1.4.0, all towards its manual:
 * every keyword is read (its stimeout never was), the command line beats the
 * file for every keyword (its connections did not), leading whitespace and
 * trailing "# comments" are allowed, and what PoPToP ignored or let the
 * first occurrence win (unknown keywords, duplicates, bad numbers) is an
 * error naming FILE:LINE, so pptpd does not start half configured.
 *
 * A line is: [ws] KEYWORD [ws VALUE] [ws] [# comment].  A value is one word;
 * "#" starts a comment at the start of a line or after whitespace only.
 *
 * Ownership: a string field is heap memory (freed by config_free) exactly
 * when its bit in cfg->set is on; otherwise it is NULL or points at a
 * static default.  So defaults cost no allocation and a struct copy keeps
 * its ownership.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ippool.h"
#include "log.h"
#include "util.h"

#define CONFIG_VALUE_MAX	1023		/* bytes in one value */
#define CONFIG_FILE_MAX		(1024 * 1024)	/* bytes in pptpd.conf */
#define CONFIG_KEYWORD_MAX	16

enum config_type { CT_FLAG, CT_INT, CT_STR };

/* What a string value must look like. */
enum config_syntax { CS_PATH, CS_IFNAME, CS_HOST, CS_ADDRS, CS_SPEED, CS_USER,
	CS_DATAPATH };

struct config_kw {
	const char		*name;
	enum config_key		 key;
	enum config_type	 type;
	enum config_syntax	 syntax;	/* CT_STR */
	int			 min, max;	/* CT_INT */
	size_t			 off;
	const char		*def;		/* static default, CT_STR */
	int			 opt;		/* command line option */
};

#define F(f)	offsetof(struct pptpd_config, f)

/* Sorted by name: bsearch. */
static const struct config_kw config_kws[] = {
	{ "bcrelay", CK_BCRELAY, CT_STR, CS_IFNAME, 0, 0, F(bcrelay), NULL, 'b' },
	{ "connections", CK_CONNECTIONS, CT_INT, 0, 1, 65535, F(connections),
	    NULL, 'C' },
	{ "datapath", CK_DATAPATH, CT_STR, CS_DATAPATH, 0, 0, F(datapath),
	    CONFIG_DEF_DATAPATH, 0 },
	{ "debug", CK_DEBUG, CT_FLAG, 0, 0, 0, F(debug), NULL, 'd' },
	{ "delegate", CK_DELEGATE, CT_FLAG, 0, 0, 0, F(delegate), NULL, 'D' },
	{ "keepalive", CK_KEEPALIVE, CT_INT, 0, 1, 3600, F(keepalive), NULL,
	    CONFIG_OPT_KEEPALIVE },
	{ "listen", CK_LISTEN, CT_STR, CS_HOST, 0, 0, F(listen), NULL, 'l' },
	{ "localip", CK_LOCALIP, CT_STR, CS_ADDRS, 0, 0, F(localip), NULL, 0 },
	{ "logwtmp", CK_LOGWTMP, CT_FLAG, 0, 0, 0, F(logwtmp), NULL, 'w' },
	{ "maxhalfopen", CK_MAXHALFOPEN, CT_INT, 0, 1, 65535, F(maxhalfopen),
	    NULL, CONFIG_OPT_MAXHALFOPEN },
	{ "noipparam", CK_NOIPPARAM, CT_FLAG, 0, 0, 0, F(noipparam), NULL, 'i' },
	{ "option", CK_OPTION, CT_STR, CS_PATH, 0, 0, F(option), NULL, 'o' },
	{ "pidfile", CK_PIDFILE, CT_STR, CS_PATH, 0, 0, F(pidfile),
	    PPTPD_PID_PATH, 'p' },
	{ "ppp", CK_PPP, CT_STR, CS_PATH, 0, 0, F(ppp), PPPD_PATH, 'e' },
	{ "remoteip", CK_REMOTEIP, CT_STR, CS_ADDRS, 0, 0, F(remoteip), NULL, 0 },
	{ "speed", CK_SPEED, CT_STR, CS_SPEED, 0, 0, F(speed), CONFIG_DEF_SPEED,
	    's' },
	{ "stimeout", CK_STIMEOUT, CT_INT, 0, 1, 3600, F(stimeout), NULL, 't' },
	{ "user", CK_USER, CT_STR, CS_USER, 0, 0, F(user), CONFIG_DEF_USER,
	    CONFIG_OPT_USER },
	{ "vrf", CK_VRF, CT_STR, CS_IFNAME, 0, 0, F(vrf), NULL, 'V' },
};

#undef F

static int *
config_int(struct pptpd_config *c, const struct config_kw *k)
{
	return (int *)(void *)((char *)c + k->off);
}

static char **
config_str(struct pptpd_config *c, const struct config_kw *k)
{
	return (char **)(void *)((char *)c + k->off);
}

static int
config_ival(const struct pptpd_config *c, const struct config_kw *k)
{
	return *(const int *)(const void *)((const char *)c + k->off);
}

static int
config_owned(const struct pptpd_config *c, const struct config_kw *k)
{
	return (c->set & (1u << k->key)) != 0;
}

/* The value in effect: what was set, else the default. */
static const char *
config_sval(const struct pptpd_config *c, const struct config_kw *k)
{
	const char *v = *(char *const *)(const void *)((const char *)c + k->off);

	if (v != NULL)
		return v;
	if (k->def != NULL)
		return k->def;
	if (!c->delegate && k->key == CK_LOCALIP)
		return CONFIG_DEF_LOCALIP;
	if (!c->delegate && k->key == CK_REMOTEIP)
		return CONFIG_DEF_REMOTEIP;
	return NULL;
}

static int
config_kwcmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct config_kw *)elem)->name);
}

static const struct config_kw *
config_lookup(const char *name)
{
	return bsearch(name, config_kws, nitems(config_kws),
	    sizeof(config_kws[0]), config_kwcmp);
}

static const struct config_kw *
config_byopt(int opt)
{
	size_t i;

	for (i = 0; i < nitems(config_kws); i++)
		if (config_kws[i].opt == opt)
			return &config_kws[i];
	return NULL;
}

/* A value for a message: quoted by the caller, escaped, cut to ~80 bytes. */
static const char *
config_show(char *out, size_t outlen, const char *s)
{
	return log_escape(out, outlen, s, strlen(s));
}

void
config_defaults(struct pptpd_config *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->connections = CONFIG_DEF_CONNECTIONS;
	c->stimeout = CONFIG_DEF_STIMEOUT;
	c->keepalive = CONFIG_DEF_KEEPALIVE;
	c->maxhalfopen = CONFIG_DEF_MAXHALFOPEN;
	for (i = 0; i < nitems(config_kws); i++)
		if (config_kws[i].type == CT_STR)
			*config_str(c, &config_kws[i]) =
			    (char *)(uintptr_t)config_kws[i].def;
}

void
config_free(struct pptpd_config *c)
{
	size_t i;

	for (i = 0; i < nitems(config_kws); i++)
		if (config_kws[i].type == CT_STR &&
		    config_owned(c, &config_kws[i]))
			free(*config_str(c, &config_kws[i]));
	memset(c, 0, sizeof(*c));
}

static int
config_isdigits(const char *v)
{
	for (; *v != '\0'; v++)
		if (*v < '0' || *v > '9')
			return 0;
	return 1;
}

/* Linux dev_valid_name(): 1..15 bytes, no '/', ':' or space, not . or .. */
static int
config_isifname(const char *v)
{
	return strlen(v) < 16 && strcmp(v, ".") != 0 && strcmp(v, "..") != 0 &&
	    strpbrk(v, "/:") == NULL;
}

static int
config_ishost(const char *v)
{
	struct iplist l;
	char e[8];
	const char *p;

	/* No letters: meant as an address, so it must be one. */
	if (strspn(v, "0123456789.-") == strlen(v)) {
		if (strchr(v, '-') != NULL ||
		    iplist_parse(v, &l, e, sizeof(e)) != 0)
			return 0;
		iplist_free(&l);
		return 1;
	}
	if (strlen(v) > 253 || *v == '-' || *v == '.')
		return 0;
	for (p = v; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			return 0;
	return 1;
}

/* Portable user names, plus a trailing '$' (machine accounts). */
static int
config_isuser(const char *v)
{
	size_t n = strlen(v), i;

	if (n > 32 || *v == '-')
		return 0;
	for (i = 0; i < n; i++) {
		if ((v[i] >= 'a' && v[i] <= 'z') ||
		    (v[i] >= 'A' && v[i] <= 'Z') ||
		    (v[i] >= '0' && v[i] <= '9') ||
		    v[i] == '_' || v[i] == '.' || v[i] == '-' ||
		    (v[i] == '$' && i == n - 1 && n > 1))
			continue;
		return 0;
	}
	return 1;
}

/*
 * What every value obeys, so that it reads back from a dumped file: one
 * word, no control bytes, not starting a comment.
 */
static int
config_check_word(const struct config_kw *k, const char *v, char *err,
    size_t errlen)
{
	char show[96];
	const unsigned char *p;

	if (*v == '\0') {
		snprintf(err, errlen, "%s: missing value", k->name);
		return -1;
	}
	if (strlen(v) > CONFIG_VALUE_MAX) {
		snprintf(err, errlen, "%s: value too long (at most %d bytes)",
		    k->name, CONFIG_VALUE_MAX);
		return -1;
	}
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f)
			break;
	if (*p != '\0' || *v == '#') {
		snprintf(err, errlen, "%s: '%s' is not one word", k->name,
		    config_show(show, sizeof(show), v));
		return -1;
	}
	return 0;
}

static int
config_check_int(const struct config_kw *k, const char *v, int *out,
    char *err, size_t errlen)
{
	char show[96];
	long l;

	if (!config_isdigits(v)) {
		snprintf(err, errlen, "%s: '%s' is not a number", k->name,
		    config_show(show, sizeof(show), v));
		return -1;
	}
	errno = 0;
	l = strtol(v, NULL, 10);
	if (errno == ERANGE || l < k->min || l > k->max) {
		snprintf(err, errlen, "%s: '%s' is out of range (%d..%d)",
		    k->name, config_show(show, sizeof(show), v), k->min, k->max);
		return -1;
	}
	*out = (int)l;
	return 0;
}

static int
config_check_str(const struct config_kw *k, const char *v, char *err,
    size_t errlen)
{
	char show[96], e[160];
	struct iplist l;
	const char *what = NULL;

	switch (k->syntax) {
	case CS_PATH:
		return 0;
	case CS_IFNAME:
		if (!config_isifname(v))
			what = "an interface name";
		break;
	case CS_HOST:
		if (!config_ishost(v))
			what = "an IPv4 address or host name";
		break;
	case CS_SPEED:
		if (!config_isdigits(v) || strlen(v) > 10)
			what = "a speed (digits)";
		break;
	case CS_USER:
		if (!config_isuser(v))
			what = "a user name";
		break;
	case CS_DATAPATH:
		if (strcmp(v, "user") != 0 && strcmp(v, "kernel") != 0)
			what = "user or kernel";
		break;
	case CS_ADDRS:
		if (iplist_parse(v, &l, e, sizeof(e)) != 0) {
			snprintf(err, errlen, "%s: %s", k->name, e);
			return -1;
		}
		iplist_free(&l);
		return 0;
	}
	if (what == NULL)
		return 0;
	snprintf(err, errlen, "%s: '%s' is not %s", k->name,
	    config_show(show, sizeof(show), v), what);
	return -1;
}

static int
config_put_str(struct pptpd_config *c, const struct config_kw *k,
    const char *v, char *err, size_t errlen)
{
	char *dup, **field = config_str(c, k);

	if ((dup = strdup(v)) == NULL) {
		snprintf(err, errlen, "%s: %s", k->name, strerror(errno));
		return -1;
	}
	if (config_owned(c, k))
		free(*field);
	*field = dup;
	c->set |= 1u << k->key;
	return 0;
}

static int
config_set_kw(struct pptpd_config *c, const struct config_kw *k,
    const char *v, char *err, size_t errlen)
{
	char show[96];
	int i;

	if (k->type == CT_FLAG) {
		if (v != NULL) {
			snprintf(err, errlen, "%s: takes no value (got '%s')",
			    k->name, config_show(show, sizeof(show), v));
			return -1;
		}
		*config_int(c, k) = 1;
		c->set |= 1u << k->key;
		return 0;
	}
	if (v == NULL) {
		snprintf(err, errlen, "%s: missing value", k->name);
		return -1;
	}
	if (config_check_word(k, v, err, errlen) != 0)
		return -1;
	if (k->type == CT_INT) {
		if (config_check_int(k, v, &i, err, errlen) != 0)
			return -1;
		*config_int(c, k) = i;
		c->set |= 1u << k->key;
		return 0;
	}
	if (config_check_str(k, v, err, errlen) != 0)
		return -1;
	return config_put_str(c, k, v, err, errlen);
}

int
config_set(struct pptpd_config *c, const char *keyword, const char *value,
    char *err, size_t errlen)
{
	const struct config_kw *k;
	char show[96];

	if ((k = config_lookup(keyword)) == NULL) {
		snprintf(err, errlen, "unknown keyword '%s'",
		    config_show(show, sizeof(show), keyword));
		return -1;
	}
	return config_set_kw(c, k, value, err, errlen);
}

/* A command line option that stands for a keyword (config_cli.c). */
int
config_set_opt(struct pptpd_config *c, int opt, const char *arg, char *err,
    size_t errlen)
{
	const struct config_kw *k;

	if ((k = config_byopt(opt)) == NULL) {
		snprintf(err, errlen, "unknown option");
		return -1;
	}
	return config_set_kw(c, k, k->type == CT_FLAG ? NULL : arg, err,
	    errlen);
}

/* Whitespace between words; '\r' so that CRLF files read as expected. */
static int
config_isspace(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' ||
	    ch == '\v';
}

static size_t
config_skip_space(const char *s, size_t n, size_t i)
{
	while (i < n && config_isspace(s[i]))
		i++;
	return i;
}

static size_t
config_skip_word(const char *s, size_t n, size_t i)
{
	while (i < n && !config_isspace(s[i]))
		i++;
	return i;
}

/* A word of the line into a terminated buffer; -1 if it does not fit. */
static int
config_word(char *out, size_t outlen, const char *s, size_t len)
{
	if (len >= outlen)
		return -1;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

static int
config_line(struct pptpd_config *c, const char *s, size_t n, size_t lineno,
    size_t first[CK_MAX], char *err, size_t errlen)
{
	const struct config_kw *k;
	char kw[CONFIG_KEYWORD_MAX], val[CONFIG_VALUE_MAX + 1], show[96];
	size_t i, kb, ke, vb, ve;

	if (memchr(s, '\0', n) != NULL) {
		snprintf(err, errlen, "NUL byte in line");
		return -1;
	}
	kb = config_skip_space(s, n, 0);
	if (kb == n || s[kb] == '#')
		return 0;
	ke = config_skip_word(s, n, kb);
	vb = config_skip_space(s, n, ke);
	ve = vb;
	if (vb < n && s[vb] != '#')
		ve = config_skip_word(s, n, vb);
	if (config_word(kw, sizeof(kw), s + kb, ke - kb) != 0 ||
	    (k = config_lookup(kw)) == NULL) {
		snprintf(err, errlen, "unknown keyword '%s'",
		    log_escape(show, sizeof(show), s + kb, ke - kb));
		return -1;
	}
	if (first[k->key] != 0) {
		snprintf(err, errlen, "duplicate keyword '%s' (first at line "
		    "%zu)", k->name, first[k->key]);
		return -1;
	}
	i = config_skip_space(s, n, ve);
	if (i < n && s[i] != '#') {
		snprintf(err, errlen, "%s: unexpected '%s' after the value",
		    k->name, log_escape(show, sizeof(show), s + i, n - i));
		return -1;
	}
	if (config_word(val, sizeof(val), s + vb, ve - vb) != 0) {
		snprintf(err, errlen, "%s: value too long (at most %d bytes)",
		    k->name, CONFIG_VALUE_MAX);
		return -1;
	}
	if (config_set_kw(c, k, ve > vb ? val : NULL, err, errlen) != 0)
		return -1;
	first[k->key] = lineno;
	return 0;
}

int
config_parse_buf(struct pptpd_config *c, const char *name, const char *text,
    size_t len, char *err, size_t errlen)
{
	size_t first[CK_MAX] = { 0 };
	size_t pos = 0, end, lineno = 0;
	char msg[256];

	while (pos < len) {
		lineno++;
		for (end = pos; end < len && text[end] != '\n'; end++)
			;
		if (config_line(c, text + pos, end - pos, lineno, first, msg,
		    sizeof(msg)) != 0) {
			snprintf(err, errlen, "%s:%zu: %s", name, lineno, msg);
			return -1;
		}
		pos = end + 1;
	}
	return 0;
}

/* The whole file into memory: it is small, and parse_buf wants it so. */
static char *
config_slurp(int fd, size_t *lenp)
{
	char *buf, *nb;
	size_t len = 0, cap = 4096;
	ssize_t r;

	if ((buf = malloc(cap)) == NULL)
		return NULL;
	for (;;) {
		if (len == cap) {
			if (cap >= CONFIG_FILE_MAX) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			if ((nb = realloc(buf, cap * 2)) == NULL) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	*lenp = len;
	return buf;
}

int
config_parse_file(struct pptpd_config *c, const char *path, char *err,
    size_t errlen)
{
	char *buf;
	size_t len;
	int fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((buf = config_slurp(fd, &len)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	r = config_parse_buf(c, path, buf, len, err, errlen);
	free(buf);
	return r;
}

int
config_merge(struct pptpd_config *dst, const struct pptpd_config *src)
{
	const struct config_kw *k;
	char err[128];
	size_t i;

	for (i = 0; i < nitems(config_kws); i++) {
		k = &config_kws[i];
		if (!config_owned(src, k))
			continue;
		if (k->type == CT_STR) {
			if (config_put_str(dst, k, config_sval(src, k), err,
			    sizeof(err)) != 0)
				return -1;
		} else {
			*config_int(dst, k) = config_ival(src, k);
			dst->set |= 1u << k->key;
		}
	}
	return 0;
}

int
config_datapath_kernel(const struct pptpd_config *c)
{
	return c->datapath != NULL && strcmp(c->datapath, "kernel") == 0;
}

int
config_check(const struct pptpd_config *c, char *err, size_t errlen)
{
	const struct config_kw *k;
	const char *v;
	size_t i;
	int n;

	for (i = 0; i < nitems(config_kws); i++) {
		k = &config_kws[i];
		if (k->type == CT_INT) {
			n = config_ival(c, k);
			if (n < k->min || n > k->max) {
				snprintf(err, errlen, "%s: %d is out of range "
				    "(%d..%d)", k->name, n, k->min, k->max);
				return -1;
			}
		} else if (k->type == CT_STR) {
			/* Also parses the effective address lists. */
			if ((v = config_sval(c, k)) != NULL &&
			    (config_check_word(k, v, err, errlen) != 0 ||
			    config_check_str(k, v, err, errlen) != 0))
				return -1;
		}
	}
	/* The kernel's pptp module finds a call by its ID and peer address
	 * alone, whatever the device: a VRF would not separate its calls. */
	if (c->vrf != NULL && config_datapath_kernel(c)) {
		snprintf(err, errlen, "datapath kernel cannot be used with vrf "
		    "(the kernel finds calls by ID and address, not VRF)");
		return -1;
	}
	return 0;
}

int
config_equal(const struct pptpd_config *a, const struct pptpd_config *b)
{
	const struct config_kw *k;
	const char *x, *y;
	size_t i;

	for (i = 0; i < nitems(config_kws); i++) {
		k = &config_kws[i];
		if (k->type != CT_STR) {
			if (config_ival(a, k) != config_ival(b, k))
				return 0;
			continue;
		}
		x = config_sval(a, k);
		y = config_sval(b, k);
		if ((x == NULL) != (y == NULL) ||
		    (x != NULL && strcmp(x, y) != 0))
			return 0;
	}
	return 1;
}

int
config_dump(const struct pptpd_config *c, FILE *fp)
{
	const struct config_kw *k;
	const char *v;
	size_t i;

	for (i = 0; i < nitems(config_kws); i++) {
		k = &config_kws[i];
		switch (k->type) {
		case CT_FLAG:
			if (config_ival(c, k))
				fprintf(fp, "%s\n", k->name);
			break;
		case CT_INT:
			fprintf(fp, "%s %d\n", k->name, config_ival(c, k));
			break;
		case CT_STR:
			if ((v = config_sval(c, k)) != NULL)
				fprintf(fp, "%s %s\n", k->name, v);
			break;
		}
	}
	return fflush(fp) == 0 && !ferror(fp) ? 0 : -1;
}
