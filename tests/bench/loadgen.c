/*
 * loadgen: PPTP load generator (the PNS side) for tests/bench.
 *
 * Opens N control connections to a PPTP server (SCCRQ then OCRQ each), each
 * from a chosen 127.x.y.z source address, then keeps W enhanced-GRE data
 * packets (RFC 2637 section 4.1) in flight per call and counts what the
 * server sends back.  The server runs a stand-in pppd (echoppp) that echoes
 * every frame, so each packet crosses the server's data path twice.
 *
 * Phases: setup (connects, paced by -c), warmup, measurement window, drain,
 * memory snapshot, teardown.  With -P the server's process tree is sampled
 * for CPU time at the window's edges and for memory (lgproc.c).  Results are
 * printed as key=value lines for run-bench; see README.
 *
 * The GRE data path is lggre.c, the control connections lgctrl.c.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "loadgen.h"

static volatile sig_atomic_t lg_stop;

uint64_t
lg_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * LG_NS + (uint64_t)ts.tv_nsec;
}

static uint64_t
lg_selfcpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) *
	    LG_NS + ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) *
	    1000;
}

static void
lg_usage(void)
{
	fprintf(stderr,
	    "usage: loadgen [-s SERVER] [-p PORT] [-n CALLS] [-a SRCBASE] [-A NSRC]\n"
	    "               [-w WINDOW] [-S SIZE] [-W WARMUP] [-d DURATION] [-D DRAIN]\n"
	    "               [-c CONCURRENCY] [-T SETUP_TIMEOUT] [-L LOSS_TIMEOUT]\n"
	    "               [-M MAX_RUNTIME] [-X TEARDOWN_TIMEOUT] [-P SERVER_PID]\n"
	    "               [-x STUB_COMM]\n"
	    "  -d 0 only sets calls up (setup rate, memory); -c 0 connects all at once\n");
	exit(2);
}

static double
lg_num(const char *s, double lo, double hi)
{
	char	*end;
	double	 v;

	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "loadgen: bad number '%s' (%g..%g)\n", s, lo, hi);
		exit(2);
	}
	return v;
}

static void
lg_addr(const char *s, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1) {
		fprintf(stderr, "loadgen: bad IPv4 address '%s'\n", s);
		exit(2);
	}
}

static void
lg_defaults(struct lg_opts *o)
{
	memset(o, 0, sizeof(*o));
	lg_addr("127.0.0.1", &o->server);
	lg_addr("127.1.0.1", &o->src);
	o->port = 1723;
	o->n = 1;
	o->nsrc = 0;			/* 0: one address per connection */
	o->window = 8;
	o->size = 1400;
	o->conc = 3;
	o->warmup = 1;
	o->duration = 5;
	o->drain = 2;
	o->setup_to = 30;
	o->loss_to = 1;
	o->maxrun = 900;
	o->teardown_to = 0;		/* 0: derived from n */
	o->stub = "echoppp";
}

static void
lg_options(struct lg_opts *o, int argc, char **argv)
{
	int	 ch;

	lg_defaults(o);
	while ((ch = getopt(argc, argv, "a:A:c:d:D:L:M:n:p:P:s:S:T:w:W:x:X:")) != -1) {
		switch (ch) {
		case 'a': lg_addr(optarg, &o->src); break;
		case 'A': o->nsrc = (int)lg_num(optarg, 0, 65535); break;
		case 'c': o->conc = (int)lg_num(optarg, 0, 65535); break;
		case 'd': o->duration = lg_num(optarg, 0, 3600); break;
		case 'D': o->drain = lg_num(optarg, 0, 60); break;
		case 'L': o->loss_to = lg_num(optarg, 0.01, 60); break;
		case 'M': o->maxrun = lg_num(optarg, 1, 86400); break;
		case 'n': o->n = (int)lg_num(optarg, 1, 65535); break;
		case 'p': o->port = (uint16_t)lg_num(optarg, 1, 65535); break;
		case 'P': o->pid = (pid_t)lg_num(optarg, 1, 1 << 22); break;
		case 's': lg_addr(optarg, &o->server); break;
		case 'S': o->size = (int)lg_num(optarg, LG_MINSIZE, LG_MAXSIZE); break;
		case 'T': o->setup_to = lg_num(optarg, 0.1, 3600); break;
		case 'w': o->window = (int)lg_num(optarg, 1, 4096); break;
		case 'W': o->warmup = lg_num(optarg, 0, 3600); break;
		case 'x': o->stub = optarg; break;
		case 'X': o->teardown_to = lg_num(optarg, 0, 3600); break;
		default: lg_usage();
		}
	}
	if (optind != argc)
		lg_usage();
	if (o->nsrc == 0 || o->nsrc > o->n)
		o->nsrc = o->n;
	if (o->teardown_to == 0)
		o->teardown_to = 10 + o->n / 50.0;
}

static void
lg_nofile(int n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 64) {
		rl.rlim_cur = (rlim_t)n + 64;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			perror("loadgen: setrlimit(RLIMIT_NOFILE)");
	}
}

static int
lg_init(struct lg *lg)
{
	uint32_t base = ntohl(lg->o.src.s_addr);
	int	 i;

	lg->c = calloc((size_t)lg->o.n, sizeof(*lg->c));
	lg->slots = calloc((size_t)lg->o.n * (size_t)lg->o.window,
	    sizeof(*lg->slots));
	lg->hist = calloc(LG_HIST, sizeof(*lg->hist));
	if (lg->c == NULL || lg->slots == NULL || lg->hist == NULL)
		return -1;
	for (i = 0; i < lg->o.n; i++) {
		lg->c[i].fd = -1;
		lg->c[i].idx = i;
		lg->c[i].cid = (uint16_t)(i + 1);
		lg->c[i].src.s_addr = htonl(base + (uint32_t)(i % lg->o.nsrc));
		lg->c[i].slots = lg->slots + (size_t)i * (size_t)lg->o.window;
	}
	lg->tx.dst.sin_family = AF_INET;
	lg->tx.dst.sin_addr = lg->o.server;
	lg->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (lg->epfd == -1 || lggre_open(lg) == -1)
		return -1;
	return 0;
}

static void
lg_conn_state(struct lg *lg, struct lg_conn *c, enum lg_cstate st)
{
	enum lg_cstate old = c->state;
	int	 i;

	if (st == old)
		return;
	c->state = st;
	if (st == LG_C_UP) {
		lg->cs.insetup--;
		lg->cs.nup++;
		lg->cs.t_last_up = c->t_up;
	} else if (st == LG_C_FAILED) {
		lg->cs.insetup--;
		lg->cs.nfailed++;
		if (old == LG_C_CONNECTING)
			lg->cs.conn_err++;
		else if (old == LG_C_WAIT_SCCRP)
			lg->cs.sccrp_err++;
		else if (old == LG_C_WAIT_OCRP)
			lg->cs.ocrp_err++;
		lgctrl_close(c);
	} else if (st == LG_C_DOWN) {
		lg->cs.nup--;
		lg->cs.ndropped++;
		for (i = 0; i < lg->o.window; i++)
			c->slots[i].busy = 0;
		lg->k.lost += (uint64_t)c->busy;
		c->busy = 0;
		c->sending = 0;
		lgctrl_close(c);
	}
}

static void
lg_connect_more(struct lg *lg)
{
	struct lg_conn *c;

	while (lg->cs.nstarted < lg->o.n &&
	    (lg->o.conc == 0 || lg->cs.insetup < lg->o.conc)) {
		c = &lg->c[lg->cs.nstarted++];
		if (lg->cs.t_first == 0)
			lg->cs.t_first = lg->now;
		lg->cs.insetup++;
		if (lgctrl_start(c, lg->o.server, lg->o.port, lg->epfd,
		    lg->now) == -1) {
			c->state = LG_C_CONNECTING;
			lg_conn_state(lg, c, LG_C_FAILED);
		}
	}
}

static void
lg_setup_timeouts(struct lg *lg)
{
	uint64_t to = (uint64_t)(lg->o.setup_to * LG_NS);
	struct lg_conn *c;
	int	 i;

	for (i = 0; i < lg->cs.nstarted; i++) {
		c = &lg->c[i];
		if ((c->state == LG_C_CONNECTING || c->state == LG_C_WAIT_SCCRP ||
		    c->state == LG_C_WAIT_OCRP) && lg->now - c->t_start > to) {
			lg->cs.timeouts++;
			lg_conn_state(lg, c, LG_C_FAILED);
		}
	}
}

/* Start calls whose first GRE arrived (PoPToP reads GRE only after that). */
static int
lg_start_ready(struct lg *lg)
{
	int	 i, waiting = 0, late;

	late = lg->now - lg->t_phase > (uint64_t)(LG_READY_WAIT * LG_NS);
	for (i = 0; i < lg->o.n; i++) {
		if (lg->c[i].state != LG_C_UP || lg->c[i].sending)
			continue;
		if (lg->c[i].got_gre || late)
			lggre_start(lg, &lg->c[i]);
		else
			waiting++;
	}
	return waiting;
}

static void
lg_window_edge(struct lg *lg, int start)
{
	if (start) {
		lg->k0 = lg->k;
		lg->self0 = lg_selfcpu();
		if (lg->o.pid)
			lgproc_cpu(lg->o.pid, lg->o.stub, &lg->cpu0);
		lg->t0 = lg_clock();
	} else {
		lg->t1 = lg_clock();
		lg->k1 = lg->k;
		lg->self1 = lg_selfcpu();
		if (lg->o.pid)
			lgproc_cpu(lg->o.pid, lg->o.stub, &lg->cpu1);
	}
	lg->now = lg_clock();
}

static void
lg_phase(struct lg *lg, enum lg_phase p)
{
	lg->phase = p;
	lg->t_phase = lg->now;
}

static int
lg_outstanding(const struct lg *lg)
{
	int	 i, n = 0;

	for (i = 0; i < lg->o.n; i++)
		n += lg->c[i].busy;
	return n;
}

static void
lg_tick_setup(struct lg *lg)
{
	lg_setup_timeouts(lg);
	lg_connect_more(lg);
	if (lg->cs.nstarted < lg->o.n || lg->cs.insetup > 0)
		return;
	if (lg->cs.nup == 0 || lg->o.duration == 0)
		lg_phase(lg, LG_P_DONE);
	else
		lg_phase(lg, LG_P_WARMUP);
}

static void
lg_tick(struct lg *lg)
{
	double	 in = (double)(lg->now - lg->t_phase) / LG_NS;
	int	 out;

	if (lg->phase == LG_P_SETUP) {
		lg_tick_setup(lg);
		return;
	}
	if (lg->now - lg->t_scan >= LG_SCAN_NS) {
		lg->t_scan = lg->now;
		lggre_loss_scan(lg);
	}
	if (lg->phase == LG_P_WARMUP) {
		if (lg_start_ready(lg) == 0 && in >= lg->o.warmup) {
			lg_window_edge(lg, 1);
			lg_phase(lg, LG_P_WINDOW);
		}
	} else if (lg->phase == LG_P_WINDOW) {
		if (in >= lg->o.duration) {
			lg_window_edge(lg, 0);
			lg_phase(lg, LG_P_DRAIN);
		}
	} else if (lg->phase == LG_P_DRAIN) {
		out = lg_outstanding(lg);
		if (out == 0 || in >= lg->o.drain) {
			lg->k.lost += (uint64_t)out;
			lg_phase(lg, LG_P_DONE);
		}
	}
}

static void
lg_loop(struct lg *lg)
{
	struct epoll_event ev[256];
	uint64_t limit;
	int	 i, n;

	lg->now = lg->t_begin = lg_clock();
	limit = lg->t_begin + (uint64_t)(lg->o.maxrun * LG_NS);
	lg_phase(lg, LG_P_SETUP);
	while (lg->phase != LG_P_DONE) {
		if (lg->now > limit || lg_stop) {
			lg->aborted = 1;
			break;
		}
		n = epoll_wait(lg->epfd, ev, 256, lg->phase == LG_P_SETUP ? 5 : 2);
		lg->now = lg_clock();
		for (i = 0; i < n; i++) {
			if (ev[i].data.ptr == NULL)
				lggre_read(lg);
			else
				lg_conn_state(lg, ev[i].data.ptr,
				    lgctrl_event(ev[i].data.ptr, lg->epfd,
				    ev[i].events, lg->now));
		}
		lg_tick(lg);
		lggre_flush(lg);
	}
	lggre_flush(lg);
}

static int
lg_raw_watch(struct lg *lg)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	return epoll_ctl(lg->epfd, EPOLL_CTL_ADD, lg->raw, &ev);
}

static void
lg_teardown(struct lg *lg)
{
	uint64_t t, limit;
	int	 i;

	for (i = 0; i < lg->o.n; i++)
		lgctrl_close(&lg->c[i]);
	t = lg_clock();
	limit = t + (uint64_t)(lg->o.teardown_to * LG_NS);
	if (!lg->o.pid)
		return;
	for (;;) {
		lgproc_mem(lg->o.pid, lg->o.stub, &lg->mem_after);
		if (!lg->mem_after.alive ||
		    (lg->mem_after.nctrl == 0 && lg->mem_after.nstub == 0))
			break;
		if (lg_clock() > limit) {
			lg->teardown_s = -1;
			return;
		}
		usleep(50000);
	}
	lg->teardown_s = (double)(lg_clock() - t) / LG_NS;
}

static double
lg_pct(const struct lg *lg, double p)
{
	uint64_t want, sum = 0;
	int	 i;

	if (lg->hist_n == 0)
		return 0;
	want = (uint64_t)(p * (double)lg->hist_n + 0.999999);
	if (want == 0)
		want = 1;
	for (i = 0; i < LG_HIST; i++) {
		sum += lg->hist[i];
		if (sum < want)
			continue;
		if (i < LG_HIST_FINE)
			return i;
		return LG_HIST_FINE + (double)(i - LG_HIST_FINE) * 1000;
	}
	return (double)lg->hist_max;
}

static int
lg_cmpd(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
lg_report_setup(const struct lg *lg)
{
	double	*v, span;
	int	 i, n = 0;

	v = calloc((size_t)lg->o.n, sizeof(*v));
	for (i = 0; v != NULL && i < lg->o.n; i++)
		if (lg->c[i].t_up)
			v[n++] = (double)(lg->c[i].t_up - lg->c[i].t_start) / 1e6;
	span = lg->cs.t_last_up > lg->cs.t_first ?
	    (double)(lg->cs.t_last_up - lg->cs.t_first) / LG_NS : 0;
	printf("calls=%d\ncalls_up=%d\ncalls_failed=%d\n", lg->o.n,
	    lg->cs.nup + lg->cs.ndropped, lg->cs.nfailed);
	printf("fail_connect=%d\nfail_sccrp=%d\nfail_ocrp=%d\nfail_timeout=%d\n",
	    lg->cs.conn_err, lg->cs.sccrp_err, lg->cs.ocrp_err, lg->cs.timeouts);
	printf("calls_dropped=%d\n", lg->cs.ndropped);
	printf("setup_s=%.3f\nsetup_rate=%.1f\n", span,
	    span > 0 ? (lg->cs.nup + lg->cs.ndropped) / span : 0);
	/* "Time until all up" exists only if all came up (-T bounds it). */
	if (n == lg->o.n)
		printf("all_up_s=%.3f\n", span);
	else
		printf("all_up_s=timeout\n");
	if (n > 0) {
		qsort(v, (size_t)n, sizeof(*v), lg_cmpd);
		printf("setup_p50_ms=%.2f\nsetup_p99_ms=%.2f\nsetup_max_ms=%.2f\n",
		    v[(n - 1) / 2], v[(n * 99 + 99) / 100 - 1], v[n - 1]);
	}
	free(v);
}

static void
lg_report_data(const struct lg *lg)
{
	double	 secs = (double)(lg->t1 - lg->t0) / LG_NS;
	double	 sent = (double)(lg->k1.sent - lg->k0.sent);
	double	 echo = (double)(lg->k1.echoed - lg->k0.echoed);
	double	 bytes = (double)(lg->k1.bytes - lg->k0.bytes);
	double	 srv = (double)(lg->cpu1.server_ns - lg->cpu0.server_ns) / 1e3;
	double	 stub = (double)(lg->cpu1.stub_ns - lg->cpu0.stub_ns) / 1e3;
	double	 self = (double)(lg->self1 - lg->self0) / 1e3;

	if (lg->t1 == 0 || secs <= 0)
		return;
	printf("window_s=%.3f\nsize=%d\nwindow=%d\n", secs, lg->o.size,
	    lg->o.window);
	printf("sent=%.0f\nechoed=%.0f\n", sent, echo);
	printf("pps=%.0f\nmbps=%.2f\n", echo / secs, bytes * 8 / secs / 1e6);
	printf("rtt_p50_us=%.0f\nrtt_p99_us=%.0f\nrtt_max_us=%llu\n",
	    lg_pct(lg, 0.50), lg_pct(lg, 0.99), (unsigned long long)lg->hist_max);
	printf("lost=%llu\nlate=%llu\nmisrouted=%llu\nother=%llu\nackonly=%llu\n"
	    "stray=%llu\nown=%llu\ntxerr=%llu\n", (unsigned long long)lg->k.lost,
	    (unsigned long long)lg->k.late, (unsigned long long)lg->k.misrouted,
	    (unsigned long long)lg->k.other, (unsigned long long)lg->k.ackonly,
	    (unsigned long long)lg->k.stray, (unsigned long long)lg->k.own,
	    (unsigned long long)lg->k.txerr);
	printf("total_sent=%llu\ntotal_echoed=%llu\n",
	    (unsigned long long)lg->k.sent, (unsigned long long)lg->k.echoed);
	if (echo > 0)
		printf("client_cpu_per_echo_us=%.3f\n", self / echo);
	if (!lg->o.pid || !lg->cpu0.alive || !lg->cpu1.alive || echo <= 0)
		return;
	printf("cpu_source=%s\nserver_cpu_s=%.3f\nserver_procs=%d\n",
	    lgproc_cpu_source(), srv / 1e6, lg->cpu1.nserver);
	/* A forwarded packet: one relay direction (GRE->pty or pty->GRE). */
	printf("cpu_per_fwd_us=%.3f\ncpu_per_echo_us=%.3f\n",
	    srv / (sent + echo), srv / echo);
	printf("stub_cpu_per_echo_us=%.3f\n", stub / echo);
}

static void
lg_report_mem(const struct lg *lg)
{
	const struct lgproc_mem *b = &lg->mem_before, *u = &lg->mem_up;
	const struct lgproc_mem *a = &lg->mem_after;
	int	 calls = lg->cs.nup;

	if (!lg->o.pid)
		return;
	printf("master_rss_kb_before=%ld\nmaster_pd_kb_before=%ld\n",
	    b->master_rss_kb, b->master_pd_kb);
	if (u->alive) {
		printf("master_rss_kb_up=%ld\nmaster_pd_kb_up=%ld\n",
		    u->master_rss_kb, u->master_pd_kb);
		printf("ctrl_procs=%d\nstub_procs=%d\n", u->nctrl, u->nstub);
	}
	if (u->alive && u->nctrl > 0)
		printf("ctrl_rss_kb=%ld\nctrl_pd_kb=%ld\n",
		    u->ctrl_rss_kb / u->nctrl, u->ctrl_pd_kb / u->nctrl);
	/* Per call, whatever the architecture: growth of the whole server. */
	if (u->alive && calls > 0)
		printf("percall_rss_kb=%.0f\npercall_pd_kb=%.0f\n",
		    (double)(u->master_rss_kb + u->ctrl_rss_kb - b->master_rss_kb) /
		    calls, (double)(u->master_pd_kb + u->ctrl_pd_kb -
		    b->master_pd_kb) / calls);
	if (a->alive)
		printf("master_rss_kb_after=%ld\nmaster_pd_kb_after=%ld\n",
		    a->master_rss_kb, a->master_pd_kb);
	printf("teardown_s=%.2f\n", lg->teardown_s);
	printf("server_alive=%d\n", a->alive);
}

static void
lg_onsig(int sig)
{
	(void)sig;
	lg_stop = 1;
}

int
main(int argc, char **argv)
{
	static struct lg lg;

	lg_options(&lg.o, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, lg_onsig);
	signal(SIGTERM, lg_onsig);
	lg_nofile(lg.o.n);
	if (lg_init(&lg) == -1 || lg_raw_watch(&lg) == -1) {
		fprintf(stderr, "loadgen: initialisation failed\n");
		return 1;
	}
	if (lg.o.pid)
		lgproc_mem(lg.o.pid, lg.o.stub, &lg.mem_before);
	lg_loop(&lg);
	if (lg.o.pid)
		lgproc_mem(lg.o.pid, lg.o.stub, &lg.mem_up);
	lg_teardown(&lg);
	printf("aborted=%d\n", lg.aborted);
	lg_report_setup(&lg);
	lg_report_data(&lg);
	lg_report_mem(&lg);
	return lg.cs.nup + lg.cs.ndropped > 0 ? 0 : 1;
}
