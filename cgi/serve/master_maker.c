/* master_maker.c: the master's picture maker (maker.h): one child
 * process beside the workers, restarted when it dies, stopped with them.
 * It serves nothing: the listening socket is closed in it first. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "maker/maker.h"
#include "maker/maker_cgi.h"
#include "serve/master_maker.h"
#include "serve/master_state.h"
#include "serve/sandbox.h"

/* The listening socket is not the maker's: without it, nginx never
 * hands it a request and a stopping master's socket really closes. */
static void S_close_socket(int fd)
{
	int null;

	if (fd < 0)
		return;
	close(fd);
	if (fd == 0 && (null = open("/dev/null", O_RDONLY)) > 0) {
		dup2(null, 0);
		close(null);
	}
}

/* Another maker (articled --make-pictures by hand) holds the lock: wait
 * for it, so that two never make the same picture. */
static int S_take_lock(const char *db)
{
	int fd;

	while ((fd = maker_lock(db)) < 0 && !maker_stopping())
		sleep(1);	/* SIGTERM cuts it short */
	return fd;
}

/* The maker's own filter (serve/sandbox.c), once set up: without it the
 * maker does not run (the master starts it again, with back-off). */
static void S_sandbox(void)
{
	char err[1024];

	if (sandbox_enter_maker(err, sizeof(err)) != 0) {
		log_line("picture maker: %s", err);
		_exit(3);
	}
}

static void S_child(struct master *m)
{
	struct maker_opts o = { m->opt.db, m->opt.media_dir,
	    m->opt.picture_maker, { 0, 0, 0, 0, 0 } };

	/* Named first: tests and benchmarks tell it from the workers. */
	prctl(PR_SET_NAME, "articled-maker", 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != m->pid)	/* the master died before prctl */
		_exit(0);
	S_close_socket(m->fd);
	maker_process_setup();
	S_sandbox();
	maker_limits_default(&o.lim);
	S_take_lock(m->opt.db);
	_exit(maker_serve(&o));
}

void master_maker_fill(struct master *m)
{
	pid_t pid;

	if (m->maker.pid != 0 || time(NULL) < m->maker.restart_at)
		return;
	fold_release(&m->fold);	/* no connection across fork */
	if ((pid = fork()) < 0) {
		log_line("fork (picture maker): %s", strerror(errno));
		return;
	}
	if (pid == 0)
		S_child(m);
	m->maker.pid = pid;
	m->maker.started = time(NULL);
	m->maker.retire = 0;
}

int master_maker_reaped(struct master *m, pid_t pid, int status,
    int stopping)
{
	time_t now = time(NULL);

	if (pid != m->maker.pid)
		return 0;
	m->maker.pid = 0;
	if (m->maker.retire || stopping)
		return 1;
	if (WIFSIGNALED(status))
		log_line("picture maker %ld killed by signal %d (%s), "
		    "restarting", (long)pid, WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
	else
		log_line("picture maker %ld exited with status %d, restarting",
		    (long)pid, WEXITSTATUS(status));
	/* Dying again and again at start: back off, up to 5 s. */
	m->maker.quick_deaths = now - m->maker.started < 2 ?
	    m->maker.quick_deaths + 1 : 0;
	m->maker.restart_at = now + (m->maker.quick_deaths < 3 ? 0 :
	    m->maker.quick_deaths > 7 ? 5 : m->maker.quick_deaths - 2);
	return 1;
}

void master_maker_stop(struct master *m)
{
	if (m->maker.pid <= 0)
		return;
	m->maker.retire = 1;
	kill(m->maker.pid, SIGTERM);
}
