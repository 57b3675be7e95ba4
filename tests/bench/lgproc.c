/*
 * lgproc: walk /proc for a server's process tree; sum CPU time, read
 * smaps_rollup.  See lgproc.h.
 *
 * CPU time is utime + stime.  /proc/PID/stat gives it in clock ticks (10 ms),
 * which over a few seconds and hundreds of processes is too coarse, so when
 * the kernel has schedstat we read the same quantity in nanoseconds from
 * /proc/PID/task/TID/schedstat (sum_exec_runtime, of which the kernel's
 * utime and stime are a split).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lgproc.h"

#define LGPROC_MAXDEPTH	16

struct lgproc_ent {
	pid_t		pid;
	pid_t		ppid;
	char		comm[32];
	char		state;
	uint64_t	ticks;		/* utime + stime */
	int		intree;
};

struct lgproc_tab {
	struct lgproc_ent *v;
	size_t		n, cap;
};

static int
lgproc_readfile(const char *path, char *buf, size_t cap)
{
	ssize_t	 n;
	int	 fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

static int
lgproc_parse_stat(pid_t pid, struct lgproc_ent *e)
{
	char	 path[64], buf[1024], *open_p, *close_p;
	unsigned long ut, st;
	size_t	 len;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (lgproc_readfile(path, buf, sizeof(buf)) <= 0)
		return -1;
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	if (open_p == NULL || close_p == NULL || close_p < open_p)
		return -1;
	len = (size_t)(close_p - open_p - 1);
	if (len >= sizeof(e->comm))
		len = sizeof(e->comm) - 1;
	memcpy(e->comm, open_p + 1, len);
	e->comm[len] = '\0';
	if (sscanf(close_p + 1, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	    &e->state, &e->ppid, &ut, &st) != 4)
		return -1;
	e->pid = pid;
	e->ticks = (uint64_t)ut + st;
	e->intree = 0;
	return 0;
}

static int
lgproc_push(struct lgproc_tab *t, const struct lgproc_ent *e)
{
	struct lgproc_ent *nv;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		nv = realloc(t->v, t->cap * sizeof(*nv));
		if (nv == NULL)
			return -1;
		t->v = nv;
	}
	t->v[t->n++] = *e;
	return 0;
}

static int
lgproc_cmp(const void *a, const void *b)
{
	const struct lgproc_ent *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static const struct lgproc_ent *
lgproc_find(const struct lgproc_tab *t, pid_t pid)
{
	struct lgproc_ent key;

	key.pid = pid;
	return bsearch(&key, t->v, t->n, sizeof(*t->v), lgproc_cmp);
}

/* Mark root and its descendants: one pass per generation, bounded. */
static void
lgproc_mark(struct lgproc_tab *t, pid_t root)
{
	const struct lgproc_ent *par;
	size_t	 i;
	int	 pass, changed;

	if (t->n == 0)
		return;
	qsort(t->v, t->n, sizeof(*t->v), lgproc_cmp);
	for (i = 0; i < t->n; i++)
		t->v[i].intree = t->v[i].pid == root;
	for (pass = 0; pass < LGPROC_MAXDEPTH; pass++) {
		changed = 0;
		for (i = 0; i < t->n; i++) {
			if (t->v[i].intree)
				continue;
			par = lgproc_find(t, t->v[i].ppid);
			if (par != NULL && par->intree) {
				t->v[i].intree = 1;
				changed = 1;
			}
		}
		if (!changed)
			break;
	}
}

/* The live processes of root's tree (none if root is gone). */
static int
lgproc_scan(pid_t root, struct lgproc_tab *t)
{
	struct lgproc_ent e;
	struct dirent *de;
	DIR	*d;
	size_t	 i, n = 0;

	memset(t, 0, sizeof(*t));
	d = opendir("/proc");
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (lgproc_parse_stat((pid_t)atoi(de->d_name), &e) == -1)
			continue;
		if (e.state == 'Z' || e.state == 'X')
			continue;
		if (lgproc_push(t, &e) == -1) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	lgproc_mark(t, root);
	for (i = 0; i < t->n; i++)
		if (t->v[i].intree)
			t->v[n++] = t->v[i];
	t->n = n;
	return 0;
}

static int
lgproc_is_stub(const struct lgproc_ent *e, const char *stub)
{
	return stub != NULL && strcmp(e->comm, stub) == 0;
}

static int
lgproc_have_schedstat(void)
{
	static int have = -1;
	char	 buf[128];

	if (have == -1)
		have = lgproc_readfile("/proc/self/schedstat", buf, sizeof(buf)) > 0;
	return have;
}

const char *
lgproc_cpu_source(void)
{
	return lgproc_have_schedstat() ? "schedstat" : "stat";
}

static uint64_t
lgproc_ticks_ns(uint64_t ticks)
{
	static long hz;

	if (hz <= 0)
		hz = sysconf(_SC_CLK_TCK);
	if (hz <= 0)
		hz = 100;
	return ticks * (1000000000ULL / (uint64_t)hz);
}

/* Sum of sum_exec_runtime over the threads of pid; 0 and -1 if gone. */
static int
lgproc_task_ns(pid_t pid, uint64_t *ns)
{
	char	 path[96], buf[128];
	struct dirent *de;
	unsigned long long v;
	DIR	*d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (d == NULL)
		return -1;
	*ns = 0;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/schedstat",
		    (int)pid, de->d_name);
		if (lgproc_readfile(path, buf, sizeof(buf)) > 0 &&
		    sscanf(buf, "%llu", &v) == 1)
			*ns += v;
	}
	closedir(d);
	return 0;
}

static uint64_t
lgproc_ent_ns(const struct lgproc_ent *e)
{
	uint64_t ns;

	if (lgproc_have_schedstat() && lgproc_task_ns(e->pid, &ns) == 0)
		return ns;
	return lgproc_ticks_ns(e->ticks);
}

int
lgproc_cpu(pid_t root, const char *stub, struct lgproc_cpu *c)
{
	struct lgproc_tab t;
	size_t	 i;

	memset(c, 0, sizeof(*c));
	if (lgproc_scan(root, &t) == -1)
		return -1;
	for (i = 0; i < t.n; i++) {
		if (t.v[i].pid == root)
			c->alive = 1;
		if (lgproc_is_stub(&t.v[i], stub)) {
			c->stub_ns += lgproc_ent_ns(&t.v[i]);
			c->nstub++;
		} else {
			c->server_ns += lgproc_ent_ns(&t.v[i]);
			c->nserver++;
		}
	}
	free(t.v);
	return 0;
}

/* Rss and Private_Dirty in kB from smaps_rollup; -1 if unreadable. */
static int
lgproc_smaps(pid_t pid, long *rss, long *pd)
{
	char	 path[64], buf[4096], *p;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	if (lgproc_readfile(path, buf, sizeof(buf)) <= 0)
		return -1;
	*rss = *pd = 0;
	if ((p = strstr(buf, "\nRss:")) != NULL)
		*rss = strtol(p + 5, NULL, 10);
	if ((p = strstr(buf, "\nPrivate_Dirty:")) != NULL)
		*pd = strtol(p + 15, NULL, 10);
	return 0;
}

int
lgproc_mem(pid_t root, const char *stub, struct lgproc_mem *m)
{
	struct lgproc_tab t;
	long	 rss, pd;
	size_t	 i;

	memset(m, 0, sizeof(*m));
	if (lgproc_scan(root, &t) == -1)
		return -1;
	for (i = 0; i < t.n; i++) {
		if (lgproc_is_stub(&t.v[i], stub)) {
			m->nstub++;
			continue;
		}
		if (lgproc_smaps(t.v[i].pid, &rss, &pd) == -1)
			continue;
		if (t.v[i].pid == root) {
			m->alive = 1;
			m->master_rss_kb = rss;
			m->master_pd_kb = pd;
		} else {
			m->ctrl_rss_kb += rss;
			m->ctrl_pd_kb += pd;
			m->nctrl++;
		}
	}
	free(t.v);
	return 0;
}
