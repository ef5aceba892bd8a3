/* store.c: the connection to the database: opened (the schema version
 * checked, every statement of store_sql.c prepared, the file mapped),
 * probed once a second, reopened when it broke, closed; a request's reads
 * in one read transaction, and the statement helpers every table uses.
 * Workers write only what they compute from what they read (stored
 * renders, related links), one try each (store_write_once); the owner's
 * writes come through the sqlite3 shell, the counts through the fold
 * (store_fold.c), in the master or a CGI run. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/log.h"
#include "lib/schema.h"
#include "store/store_db.h"

/* The part of the database file read through a mapping: 1 GiB, about
 * 100,000 articles of the bench's kind; beyond it SQLite reads by pread. */
#define STORE_MMAP_SIZE	"1073741824"

enum store_rc store_rc_of(struct store *s, int rc)
{
	switch (rc) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	default:
		s->broken = 1;
		return STORE_UNAVAILABLE;
	}
}

static void S_finalize(struct store *s)
{
	for (size_t i = 0; i < STMT__MAX; i++) {
		sqlite3_finalize(s->stmt[i]);
		s->stmt[i] = NULL;
	}
	sqlite3_close(s->db);
	s->db = NULL;
	s->shm = NULL;
	s->rev_valid = 0;
}

int store_schema_version(sqlite3 *db, int *v)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, SCHEMA_SQL_VERSION, -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int S_schema_version(struct store *s, char *err, size_t errlen)
{
	int v = -1;

	if (store_schema_version(s->db, &v) != 0 || v < 0) {
		snprintf(err, errlen, "%s: %s", s->path,
		    sqlite3_errmsg(s->db));
		return -1;
	}
	if (v == 0) {
		snprintf(err, errlen, "%s is not an articled database "
		    "(schema version 0): create it with 'make db' or "
		    "'sqlite3 %s < schema.sql'", s->path, s->path);
		return -1;
	}
	if (v != SCHEMA_VERSION) {
		snprintf(err, errlen, "%s has schema version %d, but this "
		    "articled knows version %d: %s", s->path, v,
		    SCHEMA_VERSION, v > SCHEMA_VERSION ?
		    "install a newer articled" :
		    "upgrade it: articled --upgrade --db PATH");
		return -1;
	}
	return 0;
}

static int S_is_wal(struct store *s)
{
	sqlite3_stmt *st;
	int wal = 0;

	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &st,
	    NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
	    strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0)
		wal = 1;
	sqlite3_finalize(st);
	return wal;
}

/* The connection's own mapping of the WAL-index (DB-shm), once a read
 * has mapped it.  Its header's layout is part of SQLite's file format
 * (https://sqlite.org/walformat.html), shared by every version. */
void store_map_shm(struct store *s)
{
	sqlite3_file *f = NULL;
	volatile void *p = NULL;

	if (!s->wal || sqlite3_file_control(s->db, "main",
	    SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || f == NULL ||
	    f->pMethods == NULL || f->pMethods->iVersion < 2 ||
	    f->pMethods->xShmMap == NULL)
		return;
	if (f->pMethods->xShmMap(f, 0, 32768, 0, &p) == SQLITE_OK && p)
		s->shm = p;
}

/* Opens the connection and prepares every statement. */
static int S_connect(struct store *s, char *err, size_t errlen)
{
	struct stat st;

	if (stat(s->path, &st) != 0) {
		snprintf(err, errlen, "no database at %s (%s): create it "
		    "with 'make db'", s->path, strerror(errno));
		return -1;
	}
	if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "open %s: %s", s->path,
		    s->db ? sqlite3_errmsg(s->db) : "out of memory");
		S_finalize(s);
		return -1;
	}
	/* Before the first statement: even reading the schema can meet a
	 * lock while another connection recovers the WAL. */
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	sqlite3_extended_result_codes(s->db, 0);
	/* A worker's hot pages are few (site_version, an index path); a
	 * page missing from this cache is a read from the kernel's.  The
	 * default 2 MiB would be a quarter of a worker's memory budget. */
	sqlite3_exec(s->db, "PRAGMA cache_size = -512", NULL, NULL, NULL);
	/* The fold commits once a second.  In WAL mode NORMAL never corrupts
	 * and loses at most the last commits on a power cut, which the
	 * counter file (written back by the kernel) would lose anyway;
	 * FULL would fsync the WAL every second for nothing. */
	sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	/* A sort or index too big for the cache stays in memory, never in
	 * a temporary file: fewer system calls under the workers' sandbox,
	 * and nothing of the site's left in /var/tmp. */
	sqlite3_exec(s->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	/* The database file is read through a shared mapping, not pread: a
	 * page outside SQLite's cache costs no system call (pages in the WAL
	 * are still read).  The mapping is the kernel's page cache, counted
	 * in RssFile, not in the worker's own memory. */
	sqlite3_exec(s->db, "PRAGMA mmap_size = " STORE_MMAP_SIZE, NULL, NULL,
	    NULL);
	if (S_schema_version(s, err, errlen) != 0) {
		S_finalize(s);
		return -1;
	}
	s->wal = S_is_wal(s);
	if (store_prepare(s, store_sql, STMT__MAX, s->stmt, "statement", err,
	    errlen) != 0) {
		S_finalize(s);
		return -1;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->broken = 0;
	s->connects++;
	return 0;
}

unsigned long store_connects(const struct store *s)
{
	return s->connects;
}

const char *store_fold_error(const struct store *s)
{
	return s->fold_err;
}

/* schema.sql makes the database WAL, and everything here relies on it:
 * with a rollback journal every write by the owner (or a fold) locks
 * the readers out, so pages wait and then fail.  An owner who set
 * PRAGMA journal_mode=DELETE gets WAL back, with a line saying so; it
 * only works while no other connection is open (at start-up). */
static void S_restore_wal(struct store *s)
{
	sqlite3_stmt *st;
	char was[16] = "?";

	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &st,
	    NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_text(st, 0) != NULL)
			snprintf(was, sizeof(was), "%s",
			    (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	s->wal = S_is_wal(s);
	if (s->wal)
		log_line("%s had journal_mode=%s; set it back to WAL (with any "
		    "other mode pages wait for every write)", s->path, was);
	else
		log_line("%s has journal_mode=%s and cannot be set back to WAL "
		    "now (%s): pages will wait while anyone writes; run: "
		    "sqlite3 %s 'PRAGMA journal_mode=WAL'", s->path, was,
		    sqlite3_errmsg(s->db), s->path);
}

struct store *store_open(const char *path, char *err, size_t errlen)
{
	struct store *s = xcalloc(1, sizeof(*s));

	s->path = xstrdup(path);
	if (S_connect(s, err, errlen) != 0) {
		free(s->path);
		free(s);
		return NULL;
	}
	if (!s->wal)
		S_restore_wal(s);
	return s;
}

struct store *store_new(const char *path)
{
	struct store *s = xcalloc(1, sizeof(*s));
	char err[512];

	s->path = xstrdup(path);
	if (S_connect(s, err, sizeof(err)) != 0)
		s->broken = 1;
	return s;
}

void store_close(struct store *s)
{
	if (s == NULL)
		return;
	S_finalize(s);
	free(s->fold_seen);
	free(s->path);
	free(s);
}

const char *store_path(const struct store *s)
{
	return s->path;
}

const char *store_errmsg(const struct store *s)
{
	return s->db ? sqlite3_errmsg(s->db) : "database closed";
}

/* An open connection keeps reading its inode even after the file is
 * made unreadable or replaced; only the path shows what the owner sees.
 * Called about once a second, never per request.  Never open() and
 * close() the database file here: closing any descriptor of a file drops
 * every POSIX lock this process holds on it, SQLite's included; another
 * process's sqlite3 then believes it is the last connection and deletes
 * the WAL under ours, and later commits vanish. */
enum store_rc store_probe(struct store *s, char *err, size_t errlen)
{
	struct stat st;

	if (stat(s->path, &st) != 0 ||
	    faccessat(AT_FDCWD, s->path, R_OK, AT_EACCESS) != 0) {
		snprintf(err, errlen, "%s: %s", s->path, strerror(errno));
		return STORE_UNAVAILABLE;
	}
	if (s->db != NULL && !s->broken && st.st_dev == s->dev &&
	    st.st_ino == s->ino)
		return STORE_OK;
	/* Replaced under us (mv new.db site.db): the new file would be read
	 * through the old one's -wal and -shm, which other connections still
	 * use, and a last close would checkpoint the old pages into the new
	 * file.  Only once every connection to the old file is closed is the
	 * new one safe: the master restarts all workers for that, and until
	 * then this connection serves the old file. */
	if (s->db != NULL && !s->broken)
		return STORE_OK;	/* the old file, until then */
	S_finalize(s);
	/* Another file may hold other counts: fold every slot afresh. */
	free(s->fold_seen);
	s->fold_seen = NULL;
	if (S_connect(s, err, errlen) != 0)
		return STORE_UNAVAILABLE;
	return STORE_OK;
}

/* One read transaction per request: without it every statement takes
 * and drops the WAL read lock (two fcntl calls), checks the WAL index
 * and stats the files, about eight system calls a statement. */
void store_request_begin(struct store *s)
{
	s->in_request = 1;
}

void store_read_end(struct store *s)
{
	int rc;

	if (s->db == NULL || sqlite3_get_autocommit(s->db))
		return;
	if ((rc = store_exec(s, STMT_COMMIT)) != SQLITE_OK)
		log_line("%s: ending a read transaction: %s", s->path,
		    sqlite3_errstr(rc));
}

void store_request_end(struct store *s)
{
	store_read_end(s);
	s->in_request = 0;
}

int store_prepare(struct store *s, const char *const *sql, size_t n,
    sqlite3_stmt **out, const char *what, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (sqlite3_prepare_v3(s->db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &out[i], NULL) == SQLITE_OK)
			continue;
		snprintf(err, errlen, "%s: preparing %s %zu: %s "
		    "(is the schema damaged?)", s->path, what, i,
		    sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

sqlite3_stmt *store_ready(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

int store_run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int store_step_upto(sqlite3_stmt *st, size_t n, size_t max)
{
	return n < max ? sqlite3_step(st) : SQLITE_DONE;
}

sqlite3_stmt *store_stmt(struct store *s, enum stmt which)
{
	int rc;

	if (s->in_request && s->db != NULL && sqlite3_get_autocommit(s->db) &&
	    (rc = store_exec(s, STMT_BEGIN_READ)) != SQLITE_OK)
		log_line("%s: beginning a read transaction: %s", s->path,
		    sqlite3_errstr(rc));
	return store_ready(s->stmt[which]);
}

char *store_column_dup(sqlite3_stmt *st, int col, size_t *len)
{
	const unsigned char *p = sqlite3_column_text(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);

	if (len != NULL)
		*len = n;
	return xstrndup(p ? (const char *)p : "", p ? n : 0);
}

int store_exec(struct store *s, enum stmt which)
{
	return store_run(s->stmt[which]);
}

int store_begin_within(struct store *s, int wait_ms)
{
	int rc;

	store_read_end(s);	/* a read transaction cannot become a write */
	sqlite3_busy_timeout(s->db, wait_ms);
	rc = store_exec(s, STMT_BEGIN);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	return rc;
}
