/*
 * Logging: syslog when daemonized, stderr with -f.  Peer bytes never reach
 * a format string: callers pass them through log_escape() and "%s".
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char	*log_role = "pptpd";
static int		 log_stderr = 1;
static int		 log_debug_on;
static char		 log_ctx[96];

void
log_init(const char *role, int to_stderr, int debug)
{
	log_role = role;
	log_stderr = to_stderr;
	log_debug_on = debug;
	if (!to_stderr)
		openlog(role, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_debug(int on)
{
	log_debug_on = on;
}

int
log_get_debug(void)
{
	return log_debug_on;
}

void
log_set_context(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(log_ctx, sizeof(log_ctx), fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 3, 0)))
log_vwrite(int pri, const char *errstr, const char *fmt, va_list ap)
{
	char msg[1024];
	int saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_stderr) {
		fprintf(stderr, "%s[%ld]: %s%s%s%s%s\n", log_role, (long)getpid(),
		    log_ctx, log_ctx[0] ? ": " : "", msg,
		    errstr ? ": " : "", errstr ? errstr : "");
		fflush(stderr);
	} else {
		syslog(pri, "%s%s%s%s%s", log_ctx, log_ctx[0] ? ": " : "", msg,
		    errstr ? ": " : "", errstr ? errstr : "");
	}
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, e, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, NULL, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, NULL, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debug_on)
		return;
	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, NULL, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, e, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

char *
log_escape(char *out, size_t outlen, const void *in, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = in;
	size_t i, o = 0;

	if (outlen == 0)
		return out;
	for (i = 0; i < len && p[i] != '\0'; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
			if (o + 1 >= outlen)
				break;
			out[o++] = (char)p[i];
		} else {
			if (o + 4 >= outlen)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[p[i] >> 4];
			out[o++] = hex[p[i] & 15];
		}
	}
	out[o] = '\0';
	return out;
}
