/* master.c: the master process (see master.h) and the workers'
 * lifecycle: fork with back-off, restart, retire on SIGHUP, stop with a
 * grace period, and restart them all when the database file is replaced. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/counter.h"
#include "pages/errors.h"
#include "serve/fold.h"
#include "serve/heartbeat.h"
#include "pages/layout.h"
#include "lib/log.h"
#include "lib/ratelimit.h"
#include "serve/master.h"
#include "serve/master_maker.h"
#include "pages/pages.h"
#include "serve/sandbox.h"
#include "store/store.h"
#include "serve/transport.h"

#define FOLD_BUSY_MS		50
#define STOP_GRACE_SECONDS	10

static volatile sig_atomic_t	 got_term;	/* SIGTERM, SIGINT */
static volatile sig_atomic_t	 got_hup;
static volatile sig_atomic_t	 got_chld;

static void S_on_term(int sig)
{
	(void)sig;
	got_term = 1;
	fastcgi_shutdown();
}

static void S_on_hup(int sig)
{
	(void)sig;
	got_hup = 1;
}

static void S_on_chld(int sig)
{
	(void)sig;
	got_chld = 1;
}

static void S_signal(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: waits return to the loop */
	sigaction(sig, &sa, NULL);
}

static void S_signal_restart(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(sig, &sa, NULL);
}

/* The error pages need the templates and the settings, nothing else: a
 * connection of their own, closed before any fork. */
static int S_error_files(const struct options *o, const struct templates *t,
    char *err, size_t errlen)
{
	struct store *st;
	struct site settings;
	struct layout look = { .tmpl = t, .site = &settings, .root = "" };
	int rc;

	if ((st = store_open(o->db, err, errlen)) == NULL)
		return -1;
	store_site(st, &settings);	/* the defaults when it fails */
	rc = errors_write_files(&look, o->error_pages, err, errlen);
	store_site_free(&settings);
	store_close(st);
	return rc;
}

int master_write_error_pages(const struct options *o)
{
	struct templates *t;
	char err[1024];
	int rc;

	if (o->error_pages == NULL)
		return 0;
	if ((t = templates_load(o->templates, err, sizeof(err))) == NULL) {
		log_line("%s", err);
		return -1;
	}
	if ((rc = S_error_files(o, t, err, sizeof(err))) != 0)
		log_line("error pages: %s", err);
	templates_free(t);
	return rc;
}

/* ---- a worker ------------------------------------------------------- */

/* The worker's last step before serving: the seccomp allow-list, after
 * everything that opens files or sockets at start is done. */
static void S_worker_sandbox(void)
{
	char err[1024];

	if (sandbox_enter(err, sizeof(err)) != 0) {
		log_line("%s", err);
		_exit(3);
	}
}

static void S_worker(struct master *m, int slot)
{
	struct counter *c;
	struct pages *p;
	char err[1024];
	int rc;

	/* Not got_term: the master's SIGTERM may reach this child before
	 * it gets here (the handler is the same), and must not be lost, or
	 * the worker serves on until the master's grace period kills it. */
	got_hup = got_chld = 0;
	/* SA_RESTART here: a stop must not cut a request's reads and
	 * writes short (libfcgi fails them on EINTR); the accept loop
	 * sees it through fastcgi_shutdown's self-pipe. */
	S_signal_restart(SIGTERM, S_on_term);
	S_signal_restart(SIGINT, S_on_term);
	sigprocmask(SIG_SETMASK, &m->waitmask, NULL);	/* the master's, open */
	S_signal(SIGHUP, SIG_IGN);
	S_signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
#ifdef PR_SET_PDEATHSIG
	/* A worker must not outlive its master: it would keep serving on
	 * an old socket and hold counters nobody folds. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
	if (getppid() != m->pid)	/* the master died before prctl */
		_exit(0);
	/* The master's counters, inherited; only if it could not open them
	 * does a worker try by itself (and dies, to be restarted, if not). */
	if ((c = m->counter) == NULL &&
	    (c = counter_open(m->opt.db, COUNTER_WRITE, err, sizeof(err))) ==
	    NULL) {
		log_line("%s", err);
		_exit(3);
	}
	if ((p = pages_open(m->opt.db, m->tmpl, c, 1, err, sizeof(err))) ==
	    NULL) {
		log_line("%s", err);
		_exit(3);
	}
	m->tmpl = NULL;	/* now the worker's pages own them */
	pages_set_limiter(p, m->limit);
	pages_set_counting(p, !m->opt.no_views);
	pages_set_quiet(p, 1);
	if (fastcgi_prepare(m->fd) != 0)
		_exit(3);
	S_worker_sandbox();
	rc = fastcgi_serve(p, m->fd, m->beats ? &m->beats[slot] : NULL,
	    &got_term);
	pages_close(p);
	_exit(rc == 0 ? 0 : 3);
}

/* Forks a worker into slot i.  The master holds no database connection
 * across fork: SQLite's locks and state must not be shared by parent
 * and child. */
static int S_spawn(struct master *m, int i)
{
	pid_t pid;

	fold_release(&m->fold);
	if (m->beats != NULL)	/* a fresh start, not the last one's stamp */
		heartbeat_idle(&m->beats[i]);
	pid = fork();

	if (pid < 0) {
		log_line("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		S_worker(m, i);
	m->w[i].pid = pid;
	m->w[i].started = time(NULL);
	m->w[i].retire = 0;
	m->w[i].stuck = 0;
	return 0;
}

static void S_log_death(pid_t pid, int status)
{
	if (WIFSIGNALED(status))
		log_line("worker %ld killed by signal %d (%s), restarting",
		    (long)pid, WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		log_line("worker %ld exited with status %d, restarting",
		    (long)pid, WEXITSTATUS(status));
}

static void S_reap(struct master *m)
{
	time_t now = time(NULL);
	int status, i;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (master_maker_reaped(m, pid, status, got_term))
			continue;
		for (i = 0; i < m->opt.workers; i++) {
			if (m->w[i].pid != pid)
				continue;
			m->w[i].pid = 0;
			if (m->w[i].retire || got_term)
				break;
			if (!m->w[i].stuck)	/* else S_check_stuck said why */
				S_log_death(pid, status);
			/* Dying within a second of start again and again
			 * (a database that cannot open): back off. */
			if (now - m->w[i].started < 2)
				m->w[i].quick_deaths++;
			else
				m->w[i].quick_deaths = 0;
			/* A crash now and then restarts at once. */
			m->w[i].restart_at = now + (m->w[i].quick_deaths < 3 ?
			    0 : m->w[i].quick_deaths > 7 ? 5 :
			    m->w[i].quick_deaths - 2);
			break;
		}
	}
}

static void S_stop_workers(struct master *m);

/* A worker that held one request, or gave no sign of life, for longer
 * than the bound is killed; S_reap restarts it.  Its request in hand is
 * lost (nginx answers 502); those queued on the socket go to the next. */
static void S_check_stuck(struct master *m)
{
	long long now = heartbeat_now(), stale;
	int i, busy;

	if (m->beats == NULL)
		return;
	for (i = 0; i < m->opt.workers; i++) {
		if (m->w[i].pid <= 0 || m->w[i].stuck ||
		    (stale = heartbeat_stale(&m->beats[i], now, &busy)) == 0)
			continue;
		log_line("worker %ld %s for %lld ms (the bound is %d ms): "
		    "killed, restarting", (long)m->w[i].pid, busy ?
		    "held one request" : "gave no sign of life (stopped?)",
		    stale, HEARTBEAT_STUCK_MS);
		m->w[i].stuck = 1;
		kill(m->w[i].pid, SIGKILL);
	}
}

static void S_fill(struct master *m)
{
	time_t now = time(NULL);
	int i;

	for (i = 0; i < m->opt.workers; i++)
		if (m->w[i].pid == 0 && now >= m->w[i].restart_at)
			S_spawn(m, i);
	master_maker_fill(m);
}

/* The error pages nginx serves itself show the site's name: write them
 * again when the owner changed anything (site_version.rev moved). */
static void S_refresh_error_pages(struct master *m)
{
	long long rev;

	if (m->opt.error_pages == NULL)
		return;
	rev = fold_site_rev(&m->fold);
	if (rev < 0 || rev == m->error_pages_rev)
		return;
	if (master_write_error_pages(&m->opt) == 0)
		m->error_pages_rev = rev;
}

/* One counter file for the whole run, whatever happens to its path: the
 * workers inherit this mapping, so all of them count into, and the master
 * folds, the one file that was there at start.  Opening by path again
 * would give a worker restarted later a new file, which the master would
 * then fold instead of the old one, where the others go on counting. */
static void S_open_counter(struct master *m)
{
	char err[1024];

	if (m->counter != NULL)
		return;
	if ((m->counter = counter_open(m->opt.db, COUNTER_WRITE, err,
	    sizeof(err))) == NULL) {
		if (!m->counter_failing)
			log_line("view counters: %s", err);
		m->counter_failing = 1;
		return;
	}
	m->counter_failing = 0;
	fold_init(&m->fold, m->opt.db, m->counter);
}

/* DB-views was deleted while running: views counted into a file no
 * one can open again would be lost if the master crashed, so counting
 * moves to a new file at once.  The workers stop (requests wait in the
 * socket's queue), the old file's last views are folded, and only then
 * is it let go; the new file's generation resets views.folded in its
 * first fold.  While the fold cannot finish (the owner holds the lock)
 * the old file stays in use and this is tried again at the next fold. */
static void S_take_over_deleted_counter(struct master *m)
{
	uint64_t moved;

	if (!m->views_file_moved)
		log_line("%s-views was deleted: moving counting to a new file",
		    m->opt.db);
	m->views_file_moved = 1;
	S_stop_workers(m);
	if (fold_run(&m->fold, FOLD_BUSY_MS, &moved) == 0) {
		fold_release(&m->fold);
		counter_close(m->counter);
		m->counter = NULL;
		S_open_counter(m);
		if (m->counter != NULL &&
		    fold_run(&m->fold, FOLD_BUSY_MS, &moved) >= 0) {
			log_line("%s-views made anew; counting goes on in it",
			    m->opt.db);
			m->views_file_moved = 0;
		}
	}
	fold_release(&m->fold);	/* no connection across fork */
	S_fill(m);
}

static void S_fold(struct master *m)
{
	uint64_t moved;

	S_open_counter(m);
	if (m->counter == NULL)
		return;
	fold_run(&m->fold, FOLD_BUSY_MS, &moved);
	S_refresh_error_pages(m);
	if (counter_deleted(m->counter)) {
		S_take_over_deleted_counter(m);
	} else if (!m->views_file_moved && counter_moved(m->counter)) {
		/* Replaced by another file (a copy from a backup, say): its
		 * counters are not ours to fold, so the file articled opened
		 * stays in use until the next start. */
		m->views_file_moved = 1;
		log_line("%s-views was replaced: counting goes on in the "
		    "file articled opened at start; the new one is used from "
		    "the next start", m->opt.db);
	}
}

static void S_reload(struct master *m)
{
	struct templates *t;
	char err[1024];
	int i;

	if ((t = templates_load(m->opt.templates, err, sizeof(err))) == NULL) {
		log_line("SIGHUP: templates not reloaded, keeping the old "
		    "ones: %s", err);
		return;
	}
	templates_free(m->tmpl);
	m->tmpl = t;
	master_write_error_pages(&m->opt);
	for (i = 0; i < m->opt.workers; i++) {
		if (m->w[i].pid <= 0)
			continue;
		m->w[i].retire = 1;
		kill(m->w[i].pid, SIGTERM);
	}
	log_line("SIGHUP: templates reloaded from %s", m->opt.templates);
}

static int S_alive(const struct master *m)
{
	int i, n = 0;

	for (i = 0; i < m->opt.workers; i++)
		n += m->w[i].pid > 0;
	return n + (m->maker.pid > 0);
}

/* Asks every worker to finish its request and exit; kills those still
 * there after the grace period. */
static void S_stop_workers(struct master *m)
{
	time_t deadline = time(NULL) + STOP_GRACE_SECONDS;
	int i;

	for (i = 0; i < m->opt.workers; i++) {
		if (m->w[i].pid <= 0)
			continue;
		m->w[i].retire = 1;
		kill(m->w[i].pid, SIGTERM);
	}
	master_maker_stop(m);	/* between two steps, never mid-write */
	while (S_alive(m) > 0 && time(NULL) < deadline) {
		usleep(20000);
		S_reap(m);
	}
	for (i = 0; i < m->opt.workers; i++)
		if (m->w[i].pid > 0)
			kill(m->w[i].pid, SIGKILL);
	if (m->maker.pid > 0)
		kill(m->maker.pid, SIGKILL);
	while (S_alive(m) > 0) {
		usleep(10000);
		S_reap(m);
	}
}

static void S_stop(struct master *m)
{
	S_stop_workers(m);
	S_fold(m);	/* the views counted by the last requests */
	fold_release(&m->fold);
	counter_close(m->counter);
	m->counter = NULL;
}

/* SQLite does not checkpoint a WAL into a file that was moved away, so
 * the old file's -wal outlives it; the new file would take it for its
 * own.  Kept aside, not deleted, in case anyone wants those pages. */
static void S_set_aside_wal(const char *db)
{
	char wal[4096], shm[4096], aside[4200];

	snprintf(wal, sizeof(wal), "%s-wal", db);
	snprintf(shm, sizeof(shm), "%s-shm", db);
	snprintf(aside, sizeof(aside), "%s-wal.replaced", db);
	if (rename(wal, aside) == 0)
		log_line("kept the replaced file's WAL as %s", aside);
	unlink(shm);
}

/* The database file was replaced (mv new.db site.db).  No connection may
 * open the new file while one to the old file lives (they would share
 * the -wal and -shm files), so every worker goes, the old file's last
 * connection checkpoints and removes them, and new workers start on the
 * new file.  Requests wait in the socket's queue meanwhile. */
static void S_check_replaced(struct master *m)
{
	struct stat st;

	if (stat(m->opt.db, &st) != 0)
		return;		/* gone: the workers answer 503 */
	if (m->db_ino == 0) {
		m->db_dev = st.st_dev;
		m->db_ino = st.st_ino;
		return;
	}
	if (st.st_dev == m->db_dev && st.st_ino == m->db_ino)
		return;
	log_line("%s was replaced: restarting the workers on the new file",
	    m->opt.db);
	fold_release(&m->fold);
	S_stop_workers(m);
	S_set_aside_wal(m->opt.db);
	m->db_dev = st.st_dev;
	m->db_ino = st.st_ino;
	S_fill(m);
}

int master_run(struct master *m)
{
	/* Half a second: the fold's second and the stuck workers' bound
	 * are both checked at this pace. */
	struct timespec wait = { 0, 500 * 1000 * 1000 };
	time_t last_fold = 0;
	sigset_t block;

	S_signal(SIGTERM, S_on_term);
	S_signal(SIGINT, S_on_term);
	S_signal(SIGHUP, S_on_hup);
	S_signal(SIGCHLD, S_on_chld);
	signal(SIGPIPE, SIG_IGN);
	/* The master's signals arrive only inside pselect() below, which
	 * unblocks them atomically: one that came just before the wait
	 * would otherwise leave a dead worker unreaped for a second. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &m->waitmask);
	log_line("serving %s on %s with %d worker%s", m->opt.db,
	    m->opt.socket ? m->opt.socket : "fd 0", m->opt.workers,
	    m->opt.workers == 1 ? "" : "s");
	if ((m->beats = heartbeats_open(m->opt.workers)) == NULL)
		log_line("heartbeats: %s: stuck workers will not be "
		    "noticed", strerror(errno));
	/* Made here, before any fork, so every worker shares the one. */
	if ((m->limit = ratelimit_new()) == NULL)
		log_line("question limits: %s: only the site-wide limits "
		    "apply", strerror(errno));
	fold_init(&m->fold, m->opt.db, NULL);
	S_open_counter(m);
	S_check_replaced(m);
	S_fill(m);
	while (!got_term) {
		if (!got_chld && !got_hup)	/* a signal cuts it short */
			pselect(0, NULL, NULL, NULL, &wait, &m->waitmask);
		if (got_chld) {
			got_chld = 0;
			S_reap(m);
		}
		if (got_hup) {
			got_hup = 0;
			S_reload(m);
			S_reap(m);
		}
		S_check_stuck(m);
		if (!got_term)
			S_fill(m);
		if (time(NULL) != last_fold) {
			last_fold = time(NULL);
			S_check_replaced(m);
			S_fold(m);
		}
	}
	log_line("stopping: finishing requests in hand");
	S_stop(m);
	if (m->opt.socket != NULL && strchr(m->opt.socket, '/') != NULL)
		unlink(m->opt.socket);
	heartbeats_free(m->beats, m->opt.workers);
	log_line("stopped");
	return 0;
}

