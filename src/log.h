/*
 * One logging API for every program of the tree: syslog (LOG_DAEMON) when
 * daemonized, stderr in the foreground.  Every line carries the process
 * role and, once known, the call's context (peer address, call ids).
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include <stddef.h>

void	log_init(const char *role, int to_stderr, int debug);
void	log_set_debug(int);
int	log_get_debug(void);
/* Context prefix for every later line, e.g. "192.0.2.7 call 4/0". */
void	log_set_context(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
/*
 * Copy at most len bytes of a peer-supplied field into out as printable
 * text: stops at NUL, escapes anything outside 0x20..0x7e as \xNN.  The
 * result is always terminated.  Use it for every peer string that is logged.
 */
char	*log_escape(char *out, size_t outlen, const void *in, size_t len);

#endif
