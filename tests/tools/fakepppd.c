/*
 * fakepppd: a stand-in for pppd in the regress tests (the host kernel has no
 * PPP, so the real pppd cannot run).  pptpctrl execs it exactly like pppd:
 *
 *	fakepppd local [file OPTFILE] SPEED [LOCAL:REMOTE] [ipparam IP]
 *	    [plugin ... pptpd-original-ip IP] remotenumber IP
 *
 * with fds 0 and 1 on the pty slave and fd 2 on a pipe to pptpctrl's log.
 * Its behaviour comes from "fake-*" lines of OPTFILE (other lines are
 * ignored, so a real pppd options file also works), or of ARGV0.conf when
 * there is no "file" argument:
 *
 *	fake-mode echo|sink|silent   echo: decode frames and send each good one
 *	                             back; sink: decode and record only; silent:
 *	                             read and discard without decoding
 *	fake-block                   never read the pty (writes to it block)
 *	fake-record DIR              write DIR/fakepppd.<pid> (see below)
 *	fake-log-frames 0|1          record every frame (default 1)
 *	fake-exit-after SECONDS      exit after that long (fractions allowed)
 *	fake-exit-on-frames N        exit after N good frames were received
 *	fake-exit-code N             exit status for timer/frames exits
 *	fake-sleep-start SECONDS     sleep before doing anything else
 *	fake-flush-start             discard pty input at start, as pppd does
 *	fake-stderr TEXT             write TEXT and a newline to fd 2 at start
 *	fake-send-lcp                send one LCP Configure-Request at start
 *	fake-send HEX                send a frame with this payload at start
 *	fake-send-badfcs HEX         send a frame with a corrupted FCS at start
 *	fake-send-raw HEX            write these bytes unframed at start
 *	fake-send-burst COUNT SIZE   send COUNT patterned frames of SIZE octets
 *	fake-send-delay SECONDS      wait before the start-up sends
 *	fake-accm HEX                ACCM for frames we send (default ffffffff)
 *	fake-ignore-hup              ignore SIGHUP
 *
 * Signals: SIGHUP, SIGTERM, SIGINT end it (recorded); SIGUSR1 makes it exit
 * at once as if PPP ended ("usr1", status 0); SIGUSR2 sends one more LCP
 * Configure-Request.
 *
 * The record file holds one event per line, "KEY VALUE"; strings are
 * percent-encoded (bytes <= 0x20, >= 0x7f and '%'), frames are hex:
 *	pid, ppid, uid, euid, gid, egid, sid, pgrp, tty-sid, tty-pgrp, ctty,
 *	isatty0, ttyname0, sigblk, sigign, termios-lflag (before raw),
 *	argc, "argv I STR", "env STR", "fd N TARGET", "opt STR", start,
 *	"in HEX" (good frame payload, FCS removed), "bad-fcs HEX",
 *	"runt HEX", "junk HEX" (octets before the first flag), "out HEX",
 *	"stats good N bad M runt R junk J bytes B", "exit REASON".
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAXFRAME	65536
#define OUTQ_MAX	(4 * 1024 * 1024)
#define MAXSENDS	64

enum mode { MODE_ECHO, MODE_SINK, MODE_SILENT };

struct send_item {
	int		kind;		/* 0 frame, 1 bad fcs, 2 raw, 3 lcp */
	uint8_t		*data;
	size_t		len;
};

static struct {
	enum mode	mode;
	int		block;
	char		record[PATH_MAX];
	int		log_frames;
	double		exit_after;	/* < 0: never */
	long		exit_on_frames;	/* <= 0: never */
	int		exit_code;
	double		sleep_start;
	int		flush_start;	/* discard pending input, as pppd does */
	char		stderr_text[1024];
	int		has_stderr;
	struct send_item sends[MAXSENDS];
	int		nsends;
	long		burst_count, burst_size;
	double		send_delay;
	uint32_t	accm;
	int		ignore_hup;
} opt;

static int rec_fd = -1;
static volatile sig_atomic_t got_sig;
static volatile sig_atomic_t got_usr2;

/* decoder state */
static uint8_t fbuf[MAXFRAME];
static size_t flen;
static int in_esc, seen_flag, too_long;
static unsigned long n_good, n_bad, n_runt, n_junk, n_bytes;
static uint8_t junk[256];
static size_t junk_len;

/* output queue */
static uint8_t *outq;
static size_t outq_len, outq_cap;
static unsigned long n_outdrop;

static uint16_t fcstab[256];

static void
fcs_init(void)
{
	unsigned int b, v;
	int i;

	/* RFC 1662 appendix C.2: table for the reflected polynomial 0x8408. */
	for (b = 0; b < 256; b++) {
		v = b;
		for (i = 8; i--; )
			v = v & 1 ? (v >> 1) ^ 0x8408 : v >> 1;
		fcstab[b] = v & 0xffff;
	}
}

static uint16_t
fcs16(uint16_t fcs, const uint8_t *p, size_t n)
{
	while (n--)
		fcs = (fcs >> 8) ^ fcstab[(fcs ^ *p++) & 0xff];
	return fcs;
}

static void
rec_write(const char *s, size_t n)
{
	ssize_t w;

	if (rec_fd < 0)
		return;
	while (n > 0) {
		w = write(rec_fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

static void __attribute__((format(printf, 1, 2)))
rec(const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	rec_write(line, (size_t)n);
}

/* Percent-encode a string into a fresh buffer (never fails: truncates). */
static const char *
pct(const char *s)
{
	static char out[8192];
	size_t o = 0;
	unsigned char c;

	for (; *s && o + 4 < sizeof(out); s++) {
		c = (unsigned char)*s;
		if (c <= 0x20 || c >= 0x7f || c == '%')
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%%%02X", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

/* Record "KEY HEX" for a byte string (long strings in one line). */
static void
rec_hex(const char *key, const uint8_t *p, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	char *line;
	size_t klen = strlen(key), i, o;

	if (rec_fd < 0)
		return;
	line = malloc(klen + 2 * n + 3);
	if (line == NULL)
		return;
	memcpy(line, key, klen);
	o = klen;
	line[o++] = ' ';
	for (i = 0; i < n; i++) {
		line[o++] = hx[p[i] >> 4];
		line[o++] = hx[p[i] & 15];
	}
	line[o++] = '\n';
	rec_write(line, o);
	free(line);
}

static int
unhex(const char *s, uint8_t **out, size_t *outlen)
{
	size_t n = 0, cap = strlen(s) / 2 + 1;
	uint8_t *b;
	int hi = -1, v;

	b = malloc(cap);
	if (b == NULL)
		return -1;
	for (; *s; s++) {
		if (isspace((unsigned char)*s) || *s == ':')
			continue;
		if (!isxdigit((unsigned char)*s)) {
			free(b);
			return -1;
		}
		v = isdigit((unsigned char)*s) ? *s - '0' :
		    (tolower((unsigned char)*s) - 'a' + 10);
		if (hi < 0)
			hi = v;
		else {
			b[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0) {
		free(b);
		return -1;
	}
	*out = b;
	*outlen = n;
	return 0;
}

static void
add_send(int kind, const char *hex)
{
	struct send_item *it;

	if (opt.nsends >= MAXSENDS)
		return;
	it = &opt.sends[opt.nsends];
	it->kind = kind;
	it->data = NULL;
	it->len = 0;
	if (hex != NULL && unhex(hex, &it->data, &it->len) < 0) {
		fprintf(stderr, "fakepppd: bad hex: %s\n", hex);
		return;
	}
	opt.nsends++;
}

/* Keep the option lines so they can be recorded once the file is open. */
static char optlines[64][512];
static int noptlines;

static void
read_options(const char *path)
{
	static char line[16384];	/* fake-send lines carry big frames */
	char *key, *val, *e;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "fakepppd: %s: %s\n", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		key = line + strspn(line, " \t");
		if (strncmp(key, "fake-", 5) != 0)
			continue;
		if (noptlines < 64)
			snprintf(optlines[noptlines++], sizeof(optlines[0]),
			    "%s", key);
		val = key + strcspn(key, " \t");
		if (*val != '\0') {
			*val++ = '\0';
			val += strspn(val, " \t");
		}
		e = val + strlen(val);
		while (e > val && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';

		if (strcmp(key, "fake-mode") == 0) {
			if (strcmp(val, "sink") == 0)
				opt.mode = MODE_SINK;
			else if (strcmp(val, "silent") == 0)
				opt.mode = MODE_SILENT;
			else
				opt.mode = MODE_ECHO;
		} else if (strcmp(key, "fake-block") == 0)
			opt.block = 1;
		else if (strcmp(key, "fake-record") == 0)
			snprintf(opt.record, sizeof(opt.record), "%s", val);
		else if (strcmp(key, "fake-log-frames") == 0)
			opt.log_frames = atoi(val);
		else if (strcmp(key, "fake-exit-after") == 0)
			opt.exit_after = strtod(val, NULL);
		else if (strcmp(key, "fake-exit-on-frames") == 0)
			opt.exit_on_frames = atol(val);
		else if (strcmp(key, "fake-exit-code") == 0)
			opt.exit_code = atoi(val);
		else if (strcmp(key, "fake-sleep-start") == 0)
			opt.sleep_start = strtod(val, NULL);
		else if (strcmp(key, "fake-flush-start") == 0)
			opt.flush_start = 1;
		else if (strcmp(key, "fake-stderr") == 0) {
			snprintf(opt.stderr_text, sizeof(opt.stderr_text),
			    "%s", val);
			opt.has_stderr = 1;
		} else if (strcmp(key, "fake-send-lcp") == 0)
			add_send(3, NULL);
		else if (strcmp(key, "fake-send") == 0)
			add_send(0, val);
		else if (strcmp(key, "fake-send-badfcs") == 0)
			add_send(1, val);
		else if (strcmp(key, "fake-send-raw") == 0)
			add_send(2, val);
		else if (strcmp(key, "fake-send-burst") == 0) {
			char *sz;

			opt.burst_count = strtol(val, &sz, 10);
			opt.burst_size = strtol(sz, NULL, 10);
			if (opt.burst_size < 8)
				opt.burst_size = 8;
			if (opt.burst_size > 4000)
				opt.burst_size = 4000;
		} else if (strcmp(key, "fake-send-delay") == 0)
			opt.send_delay = strtod(val, NULL);
		else if (strcmp(key, "fake-accm") == 0)
			opt.accm = (uint32_t)strtoul(val, NULL, 16);
		else if (strcmp(key, "fake-ignore-hup") == 0)
			opt.ignore_hup = 1;
	}
	fclose(f);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_for(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !got_sig)
		;
}

static void
outq_add(const uint8_t *p, size_t n)
{
	uint8_t *nb;
	size_t ncap;

	if (outq_len + n > OUTQ_MAX) {
		n_outdrop++;
		return;
	}
	if (outq_len + n > outq_cap) {
		ncap = outq_cap ? outq_cap : 4096;
		while (ncap < outq_len + n)
			ncap *= 2;
		nb = realloc(outq, ncap);
		if (nb == NULL) {
			n_outdrop++;
			return;
		}
		outq = nb;
		outq_cap = ncap;
	}
	memcpy(outq + outq_len, p, n);
	outq_len += n;
}

static void
put_escaped(uint8_t *out, size_t *o, uint8_t c)
{
	if (c == 0x7e || c == 0x7d || (c < 0x20 && (opt.accm >> c) & 1)) {
		out[(*o)++] = 0x7d;
		out[(*o)++] = c ^ 0x20;
	} else
		out[(*o)++] = c;
}

/* Queue one async-HDLC frame (RFC 1662 4.1-4.3): flag, data, FCS, flag. */
static void
send_frame(const uint8_t *p, size_t n, int corrupt)
{
	uint8_t *out;
	uint16_t fcs;
	size_t o = 0, i;

	out = malloc(2 * (n + 2) + 2);
	if (out == NULL)
		return;
	fcs = fcs16(0xffff, p, n) ^ 0xffff;
	if (corrupt)
		fcs ^= 0x5a5a;
	out[o++] = 0x7e;
	for (i = 0; i < n; i++)
		put_escaped(out, &o, p[i]);
	put_escaped(out, &o, fcs & 0xff);
	put_escaped(out, &o, fcs >> 8);
	out[o++] = 0x7e;
	outq_add(out, o);
	free(out);
	if (opt.log_frames)
		rec_hex(corrupt ? "out-badfcs" : "out", p, n);
}

static void
send_lcp(void)
{
	/* LCP Configure-Request id 1: MRU 1500, Magic-Number 0x12345678. */
	static const uint8_t lcp[] = {
		0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x0e,
		0x01, 0x04, 0x05, 0xdc, 0x05, 0x06, 0x12, 0x34, 0x56, 0x78
	};

	send_frame(lcp, sizeof(lcp), 0);
}

/* Pattern for burst frame i: ff 03 00 21, i (32 bits BE), then (i + k). */
static void
send_burst(void)
{
	uint8_t *p;
	long i, k;

	p = malloc((size_t)opt.burst_size);
	if (p == NULL)
		return;
	for (i = 0; i < opt.burst_count; i++) {
		p[0] = 0xff; p[1] = 0x03; p[2] = 0x00; p[3] = 0x21;
		p[4] = (uint8_t)(i >> 24); p[5] = (uint8_t)(i >> 16);
		p[6] = (uint8_t)(i >> 8); p[7] = (uint8_t)i;
		for (k = 8; k < opt.burst_size; k++)
			p[k] = (uint8_t)(i + k);
		send_frame(p, (size_t)opt.burst_size, 0);
	}
	free(p);
}

static void
do_sends(void)
{
	int i;
	struct send_item *it;

	for (i = 0; i < opt.nsends; i++) {
		it = &opt.sends[i];
		switch (it->kind) {
		case 0:
			send_frame(it->data, it->len, 0);
			break;
		case 1:
			send_frame(it->data, it->len, 1);
			break;
		case 2:
			outq_add(it->data, it->len);
			rec_hex("out-raw", it->data, it->len);
			break;
		case 3:
			send_lcp();
			break;
		}
	}
	if (opt.burst_count > 0)
		send_burst();
}

static void
flush_junk(void)
{
	if (junk_len > 0) {
		rec_hex("junk", junk, junk_len);
		junk_len = 0;
	}
}

static void
frame_done(void)
{
	if (too_long) {
		rec("giant");
	} else if (in_esc) {
		n_bad++;
		rec_hex("abort", fbuf, flen);
	} else if (flen < 3) {
		/* Back-to-back flags give empty frames: not an error. */
		if (flen > 0) {
			n_runt++;
			rec_hex("runt", fbuf, flen);
		}
	} else if (fcs16(0xffff, fbuf, flen) != 0xf0b8) {
		n_bad++;
		rec_hex("bad-fcs", fbuf, flen);
	} else {
		n_good++;
		if (opt.log_frames)
			rec_hex("in", fbuf, flen - 2);
		if (opt.mode == MODE_ECHO)
			send_frame(fbuf, flen - 2, 0);
	}
	flen = 0;
	in_esc = 0;
	too_long = 0;
}

/* RFC 1662 4.4: split on flags, undo 0x7d escapes, check FCS-16. */
static void
decode(const uint8_t *p, size_t n)
{
	size_t i;
	uint8_t c;

	for (i = 0; i < n; i++) {
		c = p[i];
		if (c == 0x7e) {
			if (!seen_flag) {
				seen_flag = 1;
				flush_junk();
				flen = 0;
				continue;
			}
			frame_done();
			continue;
		}
		if (!seen_flag) {
			n_junk++;
			if (junk_len < sizeof(junk))
				junk[junk_len++] = c;
			continue;
		}
		if (c == 0x7d) {
			in_esc = 1;
			continue;
		}
		if (in_esc) {
			c ^= 0x20;
			in_esc = 0;
		}
		if (flen >= sizeof(fbuf)) {
			too_long = 1;
			continue;
		}
		fbuf[flen++] = c;
	}
	flush_junk();
}

static void
on_signal(int sig)
{
	if (sig == SIGUSR2)
		got_usr2 = 1;
	else
		got_sig = sig;
}

static void
record_identity(int argc, char **argv)
{
	char path[PATH_MAX], target[PATH_MAX], buf[4096];
	struct dirent *de;
	struct stat st0, stt;
	struct termios tio;
	DIR *d;
	FILE *f;
	ssize_t r;
	int i, fd, dfd;

	rec("pid %d", (int)getpid());
	rec("ppid %d", (int)getppid());
	rec("uid %d", (int)getuid());
	rec("euid %d", (int)geteuid());
	rec("gid %d", (int)getgid());
	rec("egid %d", (int)getegid());
	rec("sid %d", (int)getsid(0));
	rec("pgrp %d", (int)getpgrp());
	rec("tty-sid %d", (int)tcgetsid(0));
	rec("tty-pgrp %d", (int)tcgetpgrp(0));
	rec("isatty0 %d", isatty(0));
	rec("isatty1 %d", isatty(1));
	rec("ttyname0 %s", isatty(0) ? pct(ttyname(0)) : "-");
	/* Is fd 0's terminal our controlling tty?  The kernel's answer is
	 * tty_nr in /proc/self/stat (field 7); /dev/tty must open too. */
	stt.st_rdev = 0;
	f = fopen("/proc/self/stat", "r");
	if (f != NULL) {
		unsigned long long ttynr = 0;
		char *p;

		if (fgets(buf, sizeof(buf), f) != NULL &&
		    (p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 2, "%*c %*d %*d %*d %llu", &ttynr) == 1)
			stt.st_rdev = (dev_t)ttynr;
		fclose(f);
	}
	fd = open("/dev/tty", O_RDONLY | O_NOCTTY);
	if (fd >= 0 && fstat(0, &st0) == 0 && S_ISCHR(st0.st_mode) &&
	    stt.st_rdev == st0.st_rdev)
		rec("ctty 1");
	else
		rec("ctty 0");
	rec("tty-nr %llu", (unsigned long long)stt.st_rdev);
	if (fd >= 0)
		close(fd);
	if (tcgetattr(0, &tio) == 0)
		rec("termios-lflag %lx", (unsigned long)tio.c_lflag);
	f = fopen("/proc/self/status", "r");
	if (f != NULL) {
		while (fgets(buf, sizeof(buf), f) != NULL) {
			buf[strcspn(buf, "\n")] = '\0';
			if (strncmp(buf, "SigBlk:", 7) == 0)
				rec("sigblk %s", buf + 7 + strspn(buf + 7, " \t"));
			else if (strncmp(buf, "SigIgn:", 7) == 0)
				rec("sigign %s", buf + 7 + strspn(buf + 7, " \t"));
		}
		fclose(f);
	}
	rec("argc %d", argc);
	for (i = 0; i < argc; i++)
		rec("argv %d %s", i, pct(argv[i]));
	for (i = 0; environ[i] != NULL; i++)
		rec("env %s", pct(environ[i]));
	for (i = 0; i < noptlines; i++)
		rec("opt %s", pct(optlines[i]));
	d = opendir("/proc/self/fd");
	if (d != NULL) {
		dfd = dirfd(d);
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			fd = atoi(de->d_name);
			if (fd == dfd || fd == rec_fd)
				continue;
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
			r = readlink(path, target, sizeof(target) - 1);
			if (r < 0)
				r = 0;
			target[r] = '\0';
			rec("fd %d %s", fd, pct(target));
		}
		closedir(d);
	}
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	struct pollfd pfd;
	struct termios tio;
	uint8_t buf[16384];
	const char *reason = "unknown";
	char path[PATH_MAX + 64];
	double deadline = -1, t;
	ssize_t r;
	int i, code = 0, timeout, fl;

	/* Record the descriptors we inherited before we open anything. */
	opt.mode = MODE_ECHO;
	opt.log_frames = 1;
	opt.exit_after = -1;
	opt.accm = 0xffffffffU;
	fcs_init();
	for (i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "file") == 0) {
			read_options(argv[i + 1]);
			break;
		}
	/* Without "file OPTFILE" (no `option` configured) use ARGV0.conf. */
	if (i + 1 >= argc && argc > 0) {
		snprintf(path, sizeof(path), "%s.conf", argv[0]);
		if (access(path, R_OK) == 0)
			read_options(path);
	}
	if (opt.record[0] != '\0') {
		snprintf(path, sizeof(path), "%s/fakepppd.%d", opt.record,
		    (int)getpid());
		rec_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		    0644);
		if (rec_fd < 0)
			fprintf(stderr, "fakepppd: %s: %s\n", path,
			    strerror(errno));
	}
	record_identity(argc, argv);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	if (opt.ignore_hup) {
		sa.sa_handler = SIG_IGN;
		sigaction(SIGHUP, &sa, NULL);
		sa.sa_handler = on_signal;
	} else
		sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	sleep_for(opt.sleep_start);
	if (opt.has_stderr) {
		dprintf(2, "%s\n", opt.stderr_text);
	}
	/* pppd puts its tty in raw mode; so do we (before anything is read). */
	if (tcgetattr(0, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(0, TCSANOW, &tio);
	}
	/* pppd's set_up_tty flushes what was typed before it took over. */
	if (opt.flush_start) {
		int pending = 0;

		ioctl(0, FIONREAD, &pending);
		tcflush(0, TCIFLUSH);
		rec("flushed %d", pending);
	}
	fl = fcntl(0, F_GETFL);
	if (fl >= 0)
		fcntl(0, F_SETFL, fl | O_NONBLOCK);
	rec("start");

	if (opt.exit_after >= 0)
		deadline = now() + opt.exit_after;
	if (opt.send_delay > 0)
		sleep_for(opt.send_delay);
	do_sends();

	for (;;) {
		if (got_sig) {
			reason = got_sig == SIGHUP ? "sighup" :
			    got_sig == SIGTERM ? "sigterm" :
			    got_sig == SIGINT ? "sigint" : "usr1";
			code = got_sig == SIGUSR1 ? 0 : 1;
			break;
		}
		if (got_usr2) {
			got_usr2 = 0;
			send_lcp();
		}
		if (opt.exit_on_frames > 0 &&
		    n_good >= (unsigned long)opt.exit_on_frames &&
		    outq_len == 0) {
			reason = "frames";
			code = opt.exit_code;
			break;
		}
		timeout = -1;
		if (deadline >= 0) {
			t = deadline - now();
			if (t <= 0) {
				reason = "timer";
				code = opt.exit_code;
				break;
			}
			timeout = (int)(t * 1000) + 1;
		}
		pfd.fd = 0;
		pfd.events = 0;
		if (!opt.block)
			pfd.events |= POLLIN;
		if (outq_len > 0)
			pfd.events |= POLLOUT;
		pfd.revents = 0;
		if (poll(&pfd, 1, timeout) < 0) {
			if (errno == EINTR)
				continue;
			reason = "poll-error";
			code = 1;
			break;
		}
		if (pfd.revents & POLLOUT && outq_len > 0) {
			r = write(1, outq, outq_len);
			if (r > 0) {
				memmove(outq, outq + r, outq_len - (size_t)r);
				outq_len -= (size_t)r;
			} else if (r < 0 && errno != EAGAIN && errno != EINTR) {
				reason = errno == EIO ? "eio" : "write-error";
				code = 1;
				break;
			}
		}
		if (!opt.block && pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			r = read(0, buf, sizeof(buf));
			if (r == 0) {
				reason = "eof";
				code = 1;
				break;
			}
			if (r < 0) {
				if (errno == EAGAIN || errno == EINTR)
					continue;
				reason = errno == EIO ? "eio" : "read-error";
				code = 1;
				break;
			}
			n_bytes += (unsigned long)r;
			if (opt.mode != MODE_SILENT)
				decode(buf, (size_t)r);
		} else if (opt.block && pfd.revents & (POLLHUP | POLLERR)) {
			reason = "hup";
			code = 1;
			break;
		}
	}
	rec("stats good %lu bad %lu runt %lu junk %lu bytes %lu outdrop %lu",
	    n_good, n_bad, n_runt, n_junk, n_bytes, n_outdrop);
	rec("exit %s", reason);
	return code;
}
