/*
 * t_logwtmp_host: a stand-in pppd for testing pptpd-logwtmp.so without a
 * kernel with PPP.  It defines the pppd 2.4 globals and functions the
 * plugin uses (exported with --export-dynamic, as pppd exports them),
 * loads the plugin the way pppd does (version check, plugin_init), applies
 * plugin options from the command line through the plugin's option table
 * the way pppd's option parser does, then fires the ip-up / ip-down
 * notifiers.  tests/regress/t_logwtmp drives it.
 *
 *	t_logwtmp_host run PLUGIN IFNAME PEERNAME EVENTS [OPTION [VALUE]]...
 *		EVENTS: a string of 'u' (ip-up) and 'd' (ip-down)
 *	t_logwtmp_host options PLUGIN	list the plugin's options
 *	t_logwtmp_host dump FILE	print wtmp records, one a line:
 *		login|logout|TYPE <TAB> line <TAB> user <TAB> host <TAB> addr
 * Exit 0 ok, 1 failure, 2 usage / unknown option, 77 not testable here.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1		/* utmpxname */
#endif

#include <sys/types.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utmpx.h>

#include <pppd/pppd.h>

#ifdef PPPD_VERSION
int
main(void)
{
	printf("pppd >= 2.5 headers: the stand-in pppd speaks the 2.4 API only\n");
	return 77;
}
#else

/* ---- what pppd 2.4 provides to plugins (the part this plugin uses) ---- */

char		 ifname[MAXIFNAMELEN];
char		 peer_authname[MAXNAMELEN];
int		 debug;
struct notifier	*ip_up_notifier;
struct notifier	*ip_down_notifier;

#define HOST_MAX_TABLES	8
static option_t	*host_tables[HOST_MAX_TABLES];
static int	 host_ntables;

void
add_options(option_t *opt)
{
	if (host_ntables == HOST_MAX_TABLES) {
		fprintf(stderr, "host: too many option tables\n");
		exit(1);
	}
	host_tables[host_ntables++] = opt;
}

void
add_notifier(struct notifier **list, notify_func func, void *arg)
{
	struct notifier *n;

	if ((n = malloc(sizeof(*n))) == NULL) {
		perror("malloc");
		exit(1);
	}
	n->func = func;
	n->arg = arg;
	n->next = *list;
	*list = n;
}

void
notify(struct notifier *list, int val)
{
	struct notifier *n, *next;

	for (n = list; n != NULL; n = next) {
		next = n->next;
		n->func(n->arg, val);
	}
}

/* pppd's logger knows %q (quoted string); print it as %s here. */
static void
host_vlog(const char *level, char *fmt, va_list ap)
{
	char f[512];
	size_t i, o = 0;

	for (i = 0; fmt[i] != '\0' && o + 2 < sizeof(f); i++) {
		if (fmt[i] == '%' && fmt[i + 1] == 'q') {
			f[o++] = '%';
			f[o++] = 's';
			i++;
		} else
			f[o++] = fmt[i];
	}
	f[o] = '\0';
	fprintf(stderr, "%s: ", level);
	vfprintf(stderr, f, ap);
	fputc('\n', stderr);
}

#define HOST_LOGFN(name)					\
void								\
name(char *fmt, ...)						\
{								\
	va_list ap;						\
								\
	va_start(ap, fmt);					\
	host_vlog(#name, fmt, ap);				\
	va_end(ap);						\
}
HOST_LOGFN(dbglog)
HOST_LOGFN(info)
HOST_LOGFN(notice)
HOST_LOGFN(warn)
HOST_LOGFN(error)

/* ---- loading and options, as pppd's plugin.c and options.c do ---- */

static void
host_load(const char *path)
{
	void *h;
	const char *ver;
	void (*init)(void);

	if ((h = dlopen(path, RTLD_GLOBAL | RTLD_NOW)) == NULL) {
		fprintf(stderr, "host: %s\n", dlerror());
		exit(1);
	}
	ver = dlsym(h, "pppd_version");
	if (ver == NULL || strcmp(ver, VERSION) != 0) {
		fprintf(stderr, "host: plugin is for pppd version %s, this is %s\n",
		    ver ? ver : "unknown", VERSION);
		exit(1);
	}
	*(void **)&init = dlsym(h, "plugin_init");
	if (init == NULL) {
		fprintf(stderr, "host: no plugin_init\n");
		exit(1);
	}
	init();
}

static option_t *
host_find(const char *name)
{
	option_t *o;
	int i;

	for (i = 0; i < host_ntables; i++)
		for (o = host_tables[i]; o->name != NULL; o++)
			if (strcmp(o->name, name) == 0)
				return o;
	return NULL;
}

/* Apply "OPTION [VALUE]..." like pppd does for o_bool and o_string. */
static void
host_options(int argc, char **argv)
{
	option_t *o;
	int i;

	for (i = 0; i < argc; i++) {
		if ((o = host_find(argv[i])) == NULL) {
			fprintf(stderr, "host: unrecognized option '%s'\n", argv[i]);
			exit(2);
		}
		switch (o->type) {
		case o_bool:
			*(bool *)o->addr = (bool)(o->flags & OPT_VALUE);
			break;
		case o_string:
			if (++i == argc) {
				fprintf(stderr, "host: %s needs a value\n", o->name);
				exit(2);
			}
			if (o->flags & OPT_STATIC) {
				snprintf(o->addr, (size_t)o->upper_limit, "%s",
				    argv[i]);
			} else if ((*(char **)o->addr = strdup(argv[i])) == NULL) {
				perror("strdup");
				exit(1);
			}
			break;
		default:
			fprintf(stderr, "host: %s: option type %d not emulated\n",
			    o->name, (int)o->type);
			exit(1);
		}
	}
}

static int
host_list(void)
{
	option_t *o;
	int i;

	for (i = 0; i < host_ntables; i++)
		for (o = host_tables[i]; o->name != NULL; o++)
			printf("%s\t%s\n", o->name, o->type == o_bool ? "bool" :
			    o->type == o_string ? "string" : "other");
	return 0;
}

/* ---- reading wtmp back ---- */

static void
host_field(char *out, size_t outlen, const char *f, size_t flen)
{
	size_t n = strnlen(f, flen);

	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, f, n);
	out[n] = '\0';
}

static int
host_dump(const char *file)
{
	struct utmpx *ut;
	char line[sizeof(ut->ut_line) + 1], user[sizeof(ut->ut_user) + 1];
	char host[sizeof(ut->ut_host) + 1], addr[INET_ADDRSTRLEN], type[16];

	if (utmpxname(file) == -1) {
		perror(file);
		return 1;
	}
	setutxent();
	while ((ut = getutxent()) != NULL) {
		host_field(line, sizeof(line), ut->ut_line, sizeof(ut->ut_line));
		host_field(user, sizeof(user), ut->ut_user, sizeof(ut->ut_user));
		host_field(host, sizeof(host), ut->ut_host, sizeof(ut->ut_host));
		if (inet_ntop(AF_INET, ut->ut_addr_v6, addr, sizeof(addr)) == NULL)
			snprintf(addr, sizeof(addr), "?");
		if (ut->ut_type == USER_PROCESS)
			snprintf(type, sizeof(type), "login");
		else if (ut->ut_type == DEAD_PROCESS)
			snprintf(type, sizeof(type), "logout");
		else
			snprintf(type, sizeof(type), "%d", (int)ut->ut_type);
		printf("%s\t%s\t%s\t%s\t%s\n", type, line, user, host, addr);
	}
	endutxent();
	return 0;
}

int
main(int argc, char **argv)
{
	const char *ev;

	if (argc == 3 && strcmp(argv[1], "dump") == 0)
		return host_dump(argv[2]);
	if (argc == 3 && strcmp(argv[1], "options") == 0) {
		host_load(argv[2]);
		return host_list();
	}
	if (argc < 6 || strcmp(argv[1], "run") != 0) {
		fprintf(stderr, "usage: t_logwtmp_host run PLUGIN IFNAME PEERNAME "
		    "EVENTS [OPTION [VALUE]]...\n"
		    "       t_logwtmp_host options PLUGIN\n"
		    "       t_logwtmp_host dump FILE\n");
		return 2;
	}
	debug = getenv("HOST_DEBUG") != NULL;
	host_load(argv[2]);
	host_options(argc - 6, argv + 6);
	snprintf(ifname, sizeof(ifname), "%s", argv[3]);
	snprintf(peer_authname, sizeof(peer_authname), "%s", argv[4]);
	for (ev = argv[5]; *ev != '\0'; ev++) {
		if (*ev == 'u')
			notify(ip_up_notifier, 0);
		else if (*ev == 'd')
			notify(ip_down_notifier, 0);
		else {
			fprintf(stderr, "host: unknown event '%c'\n", *ev);
			return 2;
		}
	}
	return 0;
}
#endif
