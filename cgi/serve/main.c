/* main.c: options and start-up.  Checks, before anything is served,
 * that the templates parse and the database and its view counters open,
 * writes the error pages for nginx, binds the socket (or takes fd 0 from
 * spawn-fcgi), drops privileges and hands over to the master (master.c).
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
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "check/check.h"
#include "lib/counter.h"
#include "lib/readers.h"
#include "serve/fold.h"
#include "pages/layout.h"
#include "maker/maker.h"
#include "maker/maker_cgi.h"
#include "maker/maker_files.h"
#include "serve/master.h"
#include "serve/sandbox.h"
#include "pages/pages.h"
#include "lib/schema.h"
#include "store/store.h"
#include "store/store_media.h"
#include "store/store_migrate.h"
#include "serve/transport.h"

#ifndef DEFAULT_DB
#define DEFAULT_DB		"/var/lib/articled/site.db"
#endif
#ifndef DEFAULT_TEMPLATES
#define DEFAULT_TEMPLATES	"/usr/local/share/articled/templates"
#endif

static void S_usage(FILE *f)
{
	fprintf(f,
	    "usage: articled [--db PATH] [--socket PATH|HOST:PORT] "
	    "[--templates DIR]\n"
	    "                [--workers N] [--error-pages DIR] "
	    "[--socket-mode MODE] [--user NAME]\n"
	    "                [--no-views] [--no-readers] [--media-dir DIR] "
	    "[--picture-maker PATH]\n"
	    "       articled --upgrade [--db PATH] [--user NAME]\n"
	    "       articled check [--db PATH] [--json]\n"
	    "       articled --make-pictures [--db PATH] [--media-dir DIR] "
	    "[--picture-maker PATH]\n"
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
	    "CPUs, at least 2)\n"
	    "  --error-pages DIR   write NNN.html error pages there for "
	    "nginx's error_page\n"
	    "  --socket-mode MODE  octal mode of a Unix socket (default "
	    "0660)\n"
	    "  --user NAME         after binding, run as this user (when "
	    "started as root)\n"
	    "  --no-readers        count views only: no readers, no sources\n"
	    "  --no-views          count no views (benchmarks, read-only "
	    "mirrors)\n"
	    "  --media-dir DIR     the folder of picture files nginx serves "
	    "(default: the\n"
	    "                      database's folder + /media, or "
	    "$ARTICLED_MEDIA_DIR)\n"
	    "  --picture-maker PATH  the decoder (default: articled-picture "
	    "beside articled,\n"
	    "                      or $ARTICLED_PICTURE_MAKER)\n"
	    "  --make-pictures     make every pending picture, rebuild the "
	    "folder, and exit\n"
	    "  --upgrade           bring the database to this version's "
	    "schema (a copy\n"
	    "                      PATH.vN-backup first) and exit; articled "
	    "also does it\n"
	    "                      on start\n"
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
		{ "no-readers", no_argument, NULL, 'R' },
		{ "upgrade", no_argument, NULL, 'U' },
		{ "media-dir", required_argument, NULL, 'M' },
		{ "picture-maker", required_argument, NULL, 'P' },
		{ "make-pictures", no_argument, NULL, 'K' },
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
	/* One worker per two CPUs (nginx spends about twice a worker's CPU
	 * on each request, docs/benchmarks.md), but at least two: with one,
	 * a slow request (a render running to its bound, a common-word
	 * search, a first view after an edit) holds every reader queued
	 * behind it; with two, the other worker answers them meanwhile. */
	n = (sysconf(_SC_NPROCESSORS_ONLN) + 1) / 2;
	o->workers = n < DEFAULT_MIN_WORKERS ? DEFAULT_MIN_WORKERS :
	    n > MAX_WORKERS ? MAX_WORKERS : (int)n;
	while ((c = getopt_long(argc, argv, "d:s:t:w:e:m:u:nh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 's': o->socket = optarg; break;
		case 't': o->templates = optarg; break;
		case 'e': o->error_pages = optarg; break;
		case 'u': o->user = optarg; break;
		case 'n': o->no_views = 1; break;
		case 'R': o->no_readers = 1; break;
		case 'U': o->upgrade = 1; break;
		case 'M': o->media_dir = optarg; break;
		case 'P': o->picture_maker = optarg; break;
		case 'K': o->make_pictures = 1; break;
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
	/* Owned by the options, for the whole run.  The environment, for a
	 * CGI server, whose configuration gives no arguments. */
	if (o->media_dir == NULL)
		o->media_dir = getenv("ARTICLED_MEDIA_DIR");
	if (o->media_dir == NULL)
		o->media_dir = maker_files_default(o->db);
	if (o->picture_maker == NULL)
		o->picture_maker = getenv("ARTICLED_PICTURE_MAKER");
	if (o->picture_maker == NULL)
		o->picture_maker = maker_default_decoder();
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

/* A database made by an older articled is upgraded before anything
 * opens it (store_migrate.c); its copy belongs to --user's user. */
static int S_upgrade(const struct options *o)
{
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	struct passwd *pw;
	char err[2048];
	int from;

	if (o->user != NULL && geteuid() == 0) {
		if ((pw = getpwnam(o->user)) == NULL) {
			fprintf(stderr, "articled: no user '%s'\n", o->user);
			return -1;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	if (store_upgrade(o->db, uid, gid, &from, err, sizeof(err)) != 0) {
		fprintf(stderr, "articled: %s\n", err);
		return -1;
	}
	if (o->upgrade && from == 0) {
		fprintf(stderr, "articled: %s is not an articled database "
		    "(no such file, or schema version 0): nothing to "
		    "upgrade\n", o->db);
		return -1;
	}
	if (o->upgrade && from == SCHEMA_VERSION)
		printf("%s is at schema version %d: nothing to do\n", o->db,
		    from);
	return 0;
}

/* Opens the database and its view counters once, so that a missing or
 * unreadable database, an unknown schema or a counter file that cannot
 * be made stops the start with a message. */
static int S_check_site(const char *db)
{
	struct store *st;
	struct counter *c;
	char err[1024];

	if ((st = store_open(db, err, sizeof(err))) == NULL ||
	    (c = counter_open(db, COUNTER_WRITE, err, sizeof(err))) == NULL) {
		fprintf(stderr, "articled: %s\n", err);
		store_close(st);
		return -1;
	}
	counter_close(c);
	store_close(st);
	return 0;
}

/* The CGI server shows stderr in its log; the visitor gets a plain 503
 * rather than the server's generic 500. */
static int S_cgi_unavailable(const char *err)
{
	fprintf(stderr, "articled: %s\n", err);
	fputs("Status: 503 Service Unavailable\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Retry-After: 30\r\n\r\n"
	    "The site cannot show this page just now.\n", stdout);
	return 1;
}

static void S_maker_opts(const struct options *o, struct maker_opts *mo)
{
	mo->db = o->db;
	mo->media_dir = o->media_dir;
	mo->decoder = o->picture_maker;
	maker_limits_default(&mo->lim);
}

static int S_cgi(const struct options *o, struct templates *t)
{
	struct readers *rd;
	struct maker_opts mo;
	struct counter *c;
	struct fold f;
	struct pages *p;
	int64_t rev;
	char err[1024];
	int rc;

	signal(SIGPIPE, SIG_IGN);
	/* The database first: a missing one must not leave a new DB-views
	 * behind, and its message is the one that says what to do. */
	if ((p = pages_open(o->db, t, NULL, 0, err, sizeof(err))) == NULL)
		return S_cgi_unavailable(err);
	if ((c = counter_open(o->db, COUNTER_WRITE, err, sizeof(err))) ==
	    NULL) {
		pages_close(p);
		return S_cgi_unavailable(err);
	}
	pages_set_counter(p, c);
	fold_init(&f, o->db, c);
	/* Sources only: a reader's key would have to outlive the run, on
	 * disk (readers.h).  Without the memory, the page is still served. */
	if ((rd = readers_new(0, time(NULL), err, sizeof(err))) != NULL) {
		pages_set_readers(p, rd);
		fold_set_readers(&f, rd);
	}
	rc = cgi_serve(p, &f);
	if (media_site_rev(f.store, &rev) != STORE_OK)
		rev = -1;
	fold_release(&f);
	pages_close(p);
	counter_close(c);
	readers_free(rd);
	/* Answered, and no connection left open: pictures now. */
	S_maker_opts(o, &mo);
	maker_cgi_kick(&mo, rev);
	return rc == 0 ? 0 : 1;
}

/* The picture folder, made at start so that nginx finds it; with --user
 * as root, made before privileges go and given to the user.  A folder
 * that cannot be made is said but does not stop the start: articled
 * serves the pictures itself meanwhile. */
static void S_media_dir(const struct options *o)
{
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	struct passwd *pw;
	char err[1024];

	if (o->user != NULL && geteuid() == 0 &&
	    (pw = getpwnam(o->user)) != NULL) {
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	if (maker_files_prepare(o->media_dir, uid, gid, err, sizeof(err)) != 0)
		fprintf(stderr, "articled: picture folder: %s (pictures are "
		    "served by articled until it can be made)\n", err);
}

static void S_unlink_socket(const struct options *o)
{
	if (o->socket != NULL && strchr(o->socket, '/') != NULL)
		unlink(o->socket);
}

static int S_listen(struct master *m)
{
	char err[1024];

	if (m->opt.socket == NULL) {
		m->fd = 0;	/* spawn-fcgi's */
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

/* Root with --user binds first (a socket in a root-owned folder or a low
 * port may need root), then becomes the user before anything else, so
 * that every file articled creates (error pages, site.db-views,
 * -wal/-shm) is the user's and the database is known to open for the
 * workers.  Otherwise the error pages are written before the socket
 * appears, since whoever waits for the socket (make run, the tests)
 * starts sending nginx requests whose errors use them.  Either way a
 * start that cannot serve is refused, saying why, rather than forking
 * workers that die; a socket just made goes with it, or nginx would
 * keep finding a socket file nobody listens on. */
static int S_start(struct master *m)
{
	int early = m->opt.user != NULL && geteuid() == 0;

	S_media_dir(&m->opt);

	if (early && (S_listen(m) != 0 ||
	    S_drop_privileges(m->opt.user, m->opt.socket) != 0)) {
		S_unlink_socket(&m->opt);
		return 1;
	}
	if (S_check_site(m->opt.db) != 0 ||
	    master_write_error_pages(&m->opt) != 0 ||
	    (!early && S_listen(m) != 0)) {
		if (early)
			S_unlink_socket(&m->opt);
		return 1;
	}
	return master_run(m);
}

/* Under the maker's filter (serve/sandbox.c) from its first step. */
static int S_make_pictures(const struct options *o)
{
	struct maker_opts mo;
	char err[1024];

	S_maker_opts(o, &mo);
	if (sandbox_enter_maker(err, sizeof(err)) != 0) {
		log_line("picture maker: %s", err);
		return 1;
	}
	return maker_cgi_run(&mo);
}

/* Descriptors 0, 1 and 2 stay taken, on /dev/null if whoever started
 * articled left one closed: a free one is the next file opened, and
 * SQLite closes a database it gets there at once, which drops every lock
 * this process holds on it (cgi.c, S_end_answer). */
static void S_std_fds(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= STDERR_FILENO)
		;
	if (fd > STDERR_FILENO)
		close(fd);
}

int main(int argc, char **argv)
{
	struct master m;
	char err[1024];

	S_std_fds();
	memset(&m, 0, sizeof(m));
	m.fd = -1;
	m.pid = getpid();
	if (argc > 1 && strcmp(argv[1], "check") == 0)	/* check.h */
		return check_main(argc - 1, argv + 1, getenv("ARTICLED_DB") ?
		    getenv("ARTICLED_DB") : DEFAULT_DB);
	if (S_options(argc, argv, &m.opt) != 0)
		return 2;
	if (m.opt.upgrade)
		return S_upgrade(&m.opt) == 0 ? 0 : 1;
	if (m.opt.make_pictures)
		return S_make_pictures(&m.opt);
	if ((m.tmpl = templates_load(m.opt.templates, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "articled: %s\n", err);
		return 1;
	}
	/* A CGI run whose upgrade failed answers 503 (S_cgi). */
	if (S_upgrade(&m.opt) != 0 && (m.opt.socket != NULL ||
	    fastcgi_is_socket(0)))
		return 1;
	if (m.opt.socket == NULL && !fastcgi_is_socket(0))
		return S_cgi(&m.opt, m.tmpl);
	return S_start(&m);
}
