/*
 * pptpd: the master daemon.  Reads the configuration (defaults <- file <-
 * command line), binds TCP 1723, daemonizes with a pipe back to the parent
 * so start-up errors reach the exit status, writes the pidfile, and runs
 * the accept loop in master.c.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "master.h"

static int
load_config(struct pptpd_config *cfg, const struct pptpd_config *cli,
    const char *conffile, char *err, size_t errlen)
{
	config_defaults(cfg);
	if (config_parse_file(cfg, conffile, err, errlen) != 0)
		return -1;
	if (config_merge(cfg, cli) != 0) {
		snprintf(err, errlen, "cannot merge the command line");
		return -1;
	}
	if (config_check(cfg, err, errlen) != 0)
		return -1;
	return master_check_env(cfg, err, errlen);
}

/* Fork; the parent waits for the child's one-byte verdict and exits. */
static int
daemonize(void)
{
	int p[2], fd;
	char c = 1;
	pid_t pid;

	if (pipe(p) == -1)
		fatal("pipe");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(1);
		_exit(c);
	}
	close(p[0]);
	if (setsid() == -1)
		fatal("setsid");
	if (chdir("/") == -1)
		fatal("chdir /");
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return p[1];
}

static void
daemon_ready(int fd, int status)
{
	char c = (char)status;

	if (fd == -1)
		return;
	if (write(fd, &c, 1) != 1)
		log_warn("start-up pipe");
	close(fd);
}

static int
write_pidfile(const char *path)
{
	char buf[32];
	int fd, n;

	if (path == NULL || *path == '\0')
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0644);
	if (fd == -1) {
		log_warn("pidfile %s", path);
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		log_warn("pidfile %s", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Bind, daemonize, write the pidfile, and run until SIGTERM. */
static int
serve(struct pptpd_config *cfg, struct pptpd_config *cli,
    const struct config_cmdline *cmd, const char *conffile)
{
	char err[512], pidfile[PATH_MAX];
	int lfd, rfd = -1, status;
	sigset_t set;

	/* Blocked from here on (master.c reads them from a signalfd): a
	 * SIGTERM during start-up must not kill us and leave a pidfile. */
	master_sigset(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	log_init("pptpd", cmd->foreground, cfg->debug);
	if ((lfd = master_listen(cfg, err, sizeof(err))) == -1) {
		log_warnx("%s", err);
		if (!cmd->foreground)
			fprintf(stderr, "pptpd: %s\n", err);
		return 1;
	}
	if (!cmd->foreground)
		rfd = daemonize();
	/* The pidfile written now is the one removed at exit, whatever a
	 * reload says later. */
	snprintf(pidfile, sizeof(pidfile), "%s", cfg->pidfile ? cfg->pidfile :
	    "");
	if (write_pidfile(pidfile) != 0) {
		daemon_ready(rfd, 1);
		return 1;
	}
	daemon_ready(rfd, 0);
	status = master_run(cfg, cli, conffile, lfd, cmd->foreground);
	if (*pidfile != '\0')
		unlink(pidfile);
	return status;
}

int
main(int argc, char **argv)
{
	struct pptpd_config cli, cfg;
	struct config_cmdline cmd;
	char err[512];
	const char *conffile;
	int status;

	memset(&cmd, 0, sizeof(cmd));
	memset(&cfg, 0, sizeof(cfg));
	config_defaults(&cli);
	cli.set = 0;
	if (config_parse_argv(&cli, &cmd, argc, argv, err, sizeof(err)) != 0) {
		fprintf(stderr, "pptpd: %s\n", err);
		config_usage(stderr);
		config_free(&cli);
		return 2;
	}
	if (cmd.help || cmd.version) {
		if (cmd.help)
			config_usage(stdout);
		else
			printf("pptpd %s\n", PACKAGE_VERSION);
		config_free(&cli);
		return 0;
	}
	conffile = cmd.conffile ? cmd.conffile : PPTPD_CONF_PATH;
	if (load_config(&cfg, &cli, conffile, err, sizeof(err)) != 0) {
		fprintf(stderr, "pptpd: %s\n", err);
		status = 1;
	} else if (cmd.check)
		status = 0;
	else if (cmd.dump)
		status = config_dump(&cfg, stdout) == 0 ? 0 : 1;
	else
		status = serve(&cfg, &cli, &cmd, conffile);
	config_free(&cfg);
	config_free(&cli);
	return status;
}
