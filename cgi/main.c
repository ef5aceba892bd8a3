/* main.c: options, the master process and the workers' lifecycle.
 *
 * The master binds the socket (or takes fd 0 from spawn-fcgi), forks the
 * workers, restarts any that die, folds the live view counters into
 * SQLite every second, reloads templates on SIGHUP (new workers, one by
 * one, only once the new templates parse) and stops on SIGTERM/SIGINT
 * after the workers finish the requests in hand, with a last fold.
 * With no socket at all it is a CGI program: one request, then exit. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
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

#include "alloc.h"
#include "counter.h"
#include "log.h"
#include "pages.h"
#include "transport.h"

#ifndef DEFAULT_DB
#define DEFAULT_DB		"/var/lib/articled/site.db"
#endif
#ifndef DEFAULT_TEMPLATES
#define DEFAULT_TEMPLATES	"/usr/local/share/articled/templates"
#endif
#define MAX_WORKERS		64
#define FOLD_BUSY_MS		50
#define STOP_GRACE_SECONDS	10

struct options {
	const char	*db;
	const char	*socket;
	const char	*templates;
	const char	*error_pages;
	const char	*user;
	unsigned	 socket_mode;
	int		 workers;
	int		 no_views;
};

struct worker_slot {
	pid_t	pid;
	time_t	started;
	time_t	restart_at;	/* backoff after a crash loop */
	int	quick_deaths;
	int	retire;		/* SIGHUP: replace once it exits */
};

struct master {
	struct options		 opt;
	pid_t			 pid;
	int			 fd;
	struct templates	*tmpl;
	struct pages		*folder;	/* the master's connection */
	int			 fold_failing;
	long long		 error_pages_rev;	/* rev they show */
	sigset_t		 waitmask;	/* signals open while waiting */
	dev_t			 db_dev;	/* the file the workers opened */
	ino_t			 db_ino;
	struct worker_slot	 w[MAX_WORKERS];
};

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

static void S_usage(FILE *f)
{
	fprintf(f,
	    "usage: articled [--db PATH] [--socket PATH|HOST:PORT] "
	    "[--templates DIR]\n"
	    "                [--workers N] [--error-pages DIR] "
	    "[--socket-mode MODE] [--user NAME]\n"
	    "                [--no-views]\n"
	    "\n"
	    "Serves a site's articles from SQLite over FastCGI, or answers "
	    "one CGI request.\n"
	    "\n"
	    "  --db PATH           the database (default %s, or $ARTICLED_DB)\n"
	    "  --socket WHERE      listen on a Unix socket path or HOST:PORT;\n"
	    "                      without it a socket on fd 0 is used "
	    "(spawn-fcgi),\n"
	    "                      and with none articled answers one CGI "
	    "request\n"
	    "  --templates DIR     layout.html, list.html, post.html, "
	    "error.html\n"
	    "                      (default %s, or $ARTICLED_TEMPLATES)\n"
	    "  --workers N         worker processes (default: one per two "
	    "CPUs)\n"
	    "  --error-pages DIR   write NNN.html error pages there for "
	    "nginx's error_page\n"
	    "  --socket-mode MODE  octal mode of a Unix socket (default "
	    "0660)\n"
	    "  --user NAME         after binding, run as this user (when "
	    "started as root)\n"
	    "  --no-views          count no views (benchmarks, read-only "
	    "mirrors)\n"
	    "  --help              this text\n"
	    "\n"
	    "Signals: SIGHUP reloads templates, SIGTERM/SIGINT stop "
	    "gracefully.\n", DEFAULT_DB, DEFAULT_TEMPLATES);
}

static int S_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "socket", required_argument, NULL, 's' },
		{ "templates", required_argument, NULL, 't' },
		{ "workers", required_argument, NULL, 'w' },
		{ "error-pages", required_argument, NULL, 'e' },
		{ "socket-mode", required_argument, NULL, 'm' },
		{ "user", required_argument, NULL, 'u' },
		{ "no-views", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	long n;
	int c;

	o->db = getenv("ARTICLED_DB") ? getenv("ARTICLED_DB") : DEFAULT_DB;
	o->templates = getenv("ARTICLED_TEMPLATES") ?
	    getenv("ARTICLED_TEMPLATES") : DEFAULT_TEMPLATES;
	o->socket_mode = 0660;
	/* One worker per two CPUs: nginx spends about twice a worker's CPU
	 * on each request (docs/benchmarks.md), and a worker more than the
	 * CPUs left to it only adds switching. */
	n = (sysconf(_SC_NPROCESSORS_ONLN) + 1) / 2;
	o->workers = n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (int)n;
	while ((c = getopt_long(argc, argv, "d:s:t:w:e:m:u:nh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 's': o->socket = optarg; break;
		case 't': o->templates = optarg; break;
		case 'e': o->error_pages = optarg; break;
		case 'u': o->user = optarg; break;
		case 'n': o->no_views = 1; break;
		case 'w':
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 1 || n > MAX_WORKERS) {
				fprintf(stderr, "articled: --workers takes "
				    "1 to %d\n", MAX_WORKERS);
				return -1;
			}
			o->workers = (int)n;
			break;
		case 'm':
			n = strtol(optarg, &end, 8);
			if (*end != '\0' || n < 0 || n > 0777) {
				fprintf(stderr, "articled: --socket-mode takes "
				    "an octal mode such as 0660\n");
				return -1;
			}
			o->socket_mode = (unsigned)n;
			break;
		case 'h':
			S_usage(stdout);
			exit(0);
		default:
			S_usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "articled: unexpected argument '%s'\n",
		    argv[optind]);
		S_usage(stderr);
		return -1;
	}
	return 0;
}

static int S_drop_privileges(const char *user, const char *socket_path)
{
	struct passwd *pw;

	if (user == NULL || geteuid() != 0)
		return 0;
	if ((pw = getpwnam(user)) == NULL) {
		fprintf(stderr, "articled: no user '%s'\n", user);
		return -1;
	}
	/* The group stays the one it was made with: a set-group-ID folder's
	 * (www-data in the README), so that nginx can still connect. */
	if (socket_path != NULL && strchr(socket_path, '/') != NULL &&
	    chown(socket_path, pw->pw_uid, (gid_t)-1) != 0) {
		fprintf(stderr, "articled: chown %s: %s\n", socket_path,
		    strerror(errno));
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "articled: cannot become %s: %s\n", user,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Opens the site once, so that a missing or unreadable database, an
 * unknown schema or a broken template stops the start with a message. */
static struct pages *S_open_site(struct master *m, struct templates *t)
{
	struct pages *p;
	char err[1024];

	if ((p = pages_open(m->opt.db, t, 0, err, sizeof(err))) == NULL)
		fprintf(stderr, "articled: %s\n", err);
	return p;
}

static int S_write_error_pages(struct master *m)
{
	struct templates *t;
	struct pages *p;
	char err[1024];
	int rc;

	if (m->opt.error_pages == NULL)
		return 0;
	/* The pages take ownership of templates (and free them if they
	 * cannot open): a set of their own, loaded again from disk. */
	if ((t = templates_load(m->opt.templates, err, sizeof(err))) == NULL) {
		fprintf(stderr, "articled: %s\n", err);
		return -1;
	}
	if ((p = S_open_site(m, t)) == NULL)
		return -1;
	rc = pages_write_error_files(p, m->opt.error_pages, err,
	    sizeof(err));
	if (rc != 0)
		fprintf(stderr, "articled: error pages: %s\n", err);
	pages_close(p);
	return rc;
}

/* ---- a worker ------------------------------------------------------- */

static void S_worker(struct master *m)
{
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
	if ((p = pages_open(m->opt.db, m->tmpl, 1, err, sizeof(err))) == NULL) {
		log_line("%s", err);
		_exit(3);
	}
	m->tmpl = NULL;	/* now the worker's pages own them */
	pages_set_counting(p, !m->opt.no_views);
	pages_set_quiet(p, 1);
	rc = fastcgi_serve(p, m->fd, &got_term);
	pages_close(p);
	_exit(rc == 0 ? 0 : 3);
}

/* Forks a worker into slot i.  The master holds no database connection
 * across fork: SQLite's locks and state must not be shared by parent
 * and child. */
static int S_spawn(struct master *m, int i)
{
	pid_t pid;

	pages_close(m->folder);
	m->folder = NULL;
	pid = fork();

	if (pid < 0) {
		log_line("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		S_worker(m);
	m->w[i].pid = pid;
	m->w[i].started = time(NULL);
	m->w[i].retire = 0;
	return 0;
}

static void S_reap(struct master *m)
{
	time_t now = time(NULL);
	int status, i;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < m->opt.workers; i++) {
			if (m->w[i].pid != pid)
				continue;
			m->w[i].pid = 0;
			if (m->w[i].retire || got_term)
				break;
			if (WIFSIGNALED(status))
				log_line("worker %ld killed by signal %d, "
				    "restarting", (long)pid, WTERMSIG(status));
			else
				log_line("worker %ld exited with status %d, "
				    "restarting", (long)pid,
				    WEXITSTATUS(status));
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

static void S_fill(struct master *m)
{
	time_t now = time(NULL);
	int i;

	for (i = 0; i < m->opt.workers; i++)
		if (m->w[i].pid == 0 && now >= m->w[i].restart_at)
			S_spawn(m, i);
}

/* The error pages nginx serves itself show the site's name: write them
 * again when the owner changed anything (site_version.rev moved). */
static void S_refresh_error_pages(struct master *m)
{
	long long rev;

	if (m->opt.error_pages == NULL || m->folder == NULL)
		return;
	rev = pages_site_rev(m->folder);
	if (rev < 0 || rev == m->error_pages_rev)
		return;
	if (S_write_error_pages(m) == 0)
		m->error_pages_rev = rev;
}

static int	 views_file_moved;	/* logged once */

static void S_fold(struct master *m)
{
	unsigned long long moved;
	char err[1024];

	if (m->folder == NULL &&
	    (m->folder = pages_open(m->opt.db, NULL, 0, err, sizeof(err))) ==
	    NULL) {
		if (!m->fold_failing)
			log_line("database unavailable (pages answer 503; "
			    "views are kept and folded when it returns): %s",
			    err);
		m->fold_failing = 1;
		return;
	}
	if (m->fold_failing)
		log_line("database %s available again", m->opt.db);
	m->fold_failing = 0;
	pages_fold(m->folder, FOLD_BUSY_MS, &moved);
	S_refresh_error_pages(m);
	if (!views_file_moved && counter_kept_file_moved()) {
		views_file_moved = 1;
		log_line("%s-views was deleted or replaced: counting goes on "
		    "in the file articled opened at start; a new one is used "
		    "from the next start", m->opt.db);
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
	S_write_error_pages(m);
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
	return n;
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
	while (S_alive(m) > 0 && time(NULL) < deadline) {
		usleep(20000);
		S_reap(m);
	}
	for (i = 0; i < m->opt.workers; i++)
		if (m->w[i].pid > 0)
			kill(m->w[i].pid, SIGKILL);
	while (S_alive(m) > 0) {
		usleep(10000);
		S_reap(m);
	}
}

static void S_stop(struct master *m)
{
	S_stop_workers(m);
	S_fold(m);	/* the views counted by the last requests */
	pages_close(m->folder);
	m->folder = NULL;
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
	pages_close(m->folder);
	m->folder = NULL;
	S_stop_workers(m);
	S_set_aside_wal(m->opt.db);
	m->db_dev = st.st_dev;
	m->db_ino = st.st_ino;
	S_fill(m);
}

static int S_master(struct master *m)
{
	struct timespec second = { 1, 0 };
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
	/* One counter file for the whole run, whatever happens to its path
	 * (see counter_keep); the workers inherit the mapping. */
	{
		char err[1024];

		if (counter_keep(m->opt.db, err, sizeof(err)) != 0)
			log_line("view counters: %s", err);
	}
	S_check_replaced(m);
	S_fill(m);
	while (!got_term) {
		if (!got_chld && !got_hup)	/* a signal cuts it short */
			pselect(0, NULL, NULL, NULL, &second, &m->waitmask);
		if (got_chld) {
			got_chld = 0;
			S_reap(m);
		}
		if (got_hup) {
			got_hup = 0;
			S_reload(m);
			S_reap(m);
		}
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
	log_line("stopped");
	return 0;
}

static int S_cgi(struct master *m)
{
	struct pages *p;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	p = S_open_site(m, m->tmpl);
	m->tmpl = NULL;		/* the pages' now, or freed */
	if (p == NULL) {
		/* The CGI server shows stderr in its log; the visitor gets
		 * a plain 503 rather than the server's generic 500. */
		fputs("Status: 503 Service Unavailable\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Retry-After: 30\r\n\r\n"
		    "The site cannot show this page just now.\n", stdout);
		return 1;
	}
	rc = cgi_serve(p);
	pages_close(p);
	return rc == 0 ? 0 : 1;
}

static void S_unlink_socket(const struct master *m)
{
	if (m->opt.socket != NULL && strchr(m->opt.socket, '/') != NULL)
		unlink(m->opt.socket);
}

/* The listening socket: --socket's, else the one on fd 0. */
static int S_listen(struct master *m)
{
	char err[1024];

	if (m->opt.socket == NULL) {
		m->fd = 0;
		return 0;
	}
	m->fd = fastcgi_listen(m->opt.socket, m->opt.socket_mode, 1024, err,
	    sizeof(err));
	if (m->fd < 0) {
		fprintf(stderr, "articled: %s\n", err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct master m;
	struct pages *p;
	char err[1024];
	int early;

	memset(&m, 0, sizeof(m));
	m.fd = -1;
	m.pid = getpid();
	if (S_options(argc, argv, &m.opt) != 0)
		return 2;
	if ((m.tmpl = templates_load(m.opt.templates, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "articled: %s\n", err);
		return 1;
	}
	if (m.opt.socket == NULL && !fastcgi_is_socket(0))
		return S_cgi(&m);
	/* Root with --user binds first (a socket in a root-owned folder or
	 * a low port may need root), then becomes the user before anything
	 * else, so that every file articled creates (error pages,
	 * site.db-views, -wal/-shm) is the user's and the database is known
	 * to open for the workers.  On refusal the socket just made goes, or
	 * nginx would keep finding a socket file nobody listens on. */
	early = m.opt.user != NULL && geteuid() == 0;
	if (early && (S_listen(&m) != 0 ||
	    S_drop_privileges(m.opt.user, m.opt.socket) != 0)) {
		S_unlink_socket(&m);
		return 1;
	}
	/* Refuse to start, saying why, rather than fork workers that die.
	 * Otherwise the error pages are written before the socket appears,
	 * since whoever waits for the socket (make run, the tests) starts
	 * sending nginx requests whose errors use them. */
	if ((p = S_open_site(&m, NULL)) == NULL) {
		if (early)
			S_unlink_socket(&m);
		return 1;
	}
	pages_close(p);
	if (S_write_error_pages(&m) != 0) {
		if (early)
			S_unlink_socket(&m);
		return 1;
	}
	if (!early && S_listen(&m) != 0)
		return 1;
	return S_master(&m);
}
