/* store.c: the database.  Every statement articled runs is in the table
 * below, prepared once when the connection opens.  Workers only read;
 * the one writer is store_fold, in the master (or a CGI run). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "alloc.h"
#include "counter.h"
#include "store.h"

enum stmt {
	STMT_SITE_REV,
	STMT_SETTINGS,
	STMT_ARTICLE,
	STMT_NEXT_PUBLISH,
	STMT_LIST_KEYS,
	STMT_LIST_FIRST,
	STMT_LIST_FROM,
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_GENERATION,
	STMT_GENERATION_SET,
	STMT_FOLD_RESET,
	STMT_FOLD_GET,
	STMT_FOLD_ADD,
	STMT_FOLD_REBASE,
	STMT_FOLD_DAY,
	STMT_FOLD_MARK,
	STMT_FOLD_UNMARK,
	STMT_REPAIR_GENERATION,
	STMT_REPAIR_SITE_VERSION,
	STMT__MAX
};

/* The live count of an article is base + the counter: base is
 * total - folded while the counter file is the one last folded, and
 * total alone when the file is new (its counters start from 0). */
#define BASE_SQL \
	"v.total - CASE WHEN (SELECT generation FROM counter_state) = ?1 " \
	"THEN v.folded ELSE 0 END"

#define LIST_COLUMNS \
	"SELECT a.id, a.rev, v.key, " BASE_SQL ", a.slug, a.title, a.body, " \
	"a.published_at, a.updated_at FROM articles a " \
	"JOIN views v ON v.article_id = a.id "

static const char *const S_sql[STMT__MAX] = {
	/* STMT_SITE_REV */
	"SELECT rev FROM site_version WHERE id = 1",
	/* STMT_SETTINGS */
	"SELECT key, value FROM settings ORDER BY rowid",
	/* STMT_ARTICLE */
	LIST_COLUMNS "WHERE a.slug = ?2 AND a.draft = 0 "
	"AND a.published_at <= ?3",
	/* STMT_NEXT_PUBLISH */
	"SELECT min(published_at) FROM articles WHERE draft = 0 "
	"AND published_at > ?1",
	/* STMT_LIST_KEYS */
	"SELECT published_at, id FROM articles WHERE draft = 0 "
	"AND published_at <= ?1 ORDER BY published_at DESC, id DESC",
	/* STMT_LIST_FIRST */
	LIST_COLUMNS "WHERE a.draft = 0 AND a.published_at <= ?2 "
	"ORDER BY a.published_at DESC, a.id DESC LIMIT ?3",
	/* STMT_LIST_FROM: the unary + keeps SQLite from using "<= now" as
	 * the index range, so that the row value starts the scan at the
	 * page's first key; otherwise it starts at the newest article and
	 * skips N*10 rows, like OFFSET (0.56 ms for page 1000 of 10,000
	 * articles instead of 0.01 ms). */
	LIST_COLUMNS "WHERE a.draft = 0 AND +a.published_at <= ?2 "
	"AND (a.published_at, a.id) <= (?4, ?5) "
	"ORDER BY a.published_at DESC, a.id DESC LIMIT ?3",
	/* STMT_BEGIN */
	"BEGIN IMMEDIATE",
	/* STMT_COMMIT */
	"COMMIT",
	/* STMT_ROLLBACK */
	"ROLLBACK",
	/* STMT_GENERATION */
	"SELECT generation FROM counter_state WHERE id = 1",
	/* STMT_GENERATION_SET */
	"UPDATE counter_state SET generation = ?1 WHERE id = 1",
	/* STMT_FOLD_RESET */
	"UPDATE views SET folded = 0",
	/* STMT_FOLD_GET */
	"SELECT article_id, folded FROM views WHERE key = ?1",
	/* STMT_FOLD_ADD */
	"UPDATE views SET total = total + ?2, folded = folded + ?2 "
	"WHERE article_id = ?1",
	/* STMT_FOLD_REBASE */
	"UPDATE views SET folded = ?2 WHERE article_id = ?1",
	/* STMT_FOLD_DAY */
	"INSERT INTO view_days (article_id, day, views) VALUES (?1, ?2, ?3) "
	"ON CONFLICT (article_id, day) DO UPDATE "
	"SET views = views + excluded.views",
	/* STMT_FOLD_MARK: the tables articled owns refuse writes unless
	 * articled_writing holds a row (schema.sql); inserted after BEGIN
	 * and deleted before COMMIT, no other connection ever sees it.
	 * A row someone left there must neither stop every fold (OR
	 * REPLACE) nor keep the guards open (the fold empties the table). */
	"INSERT OR REPLACE INTO articled_writing(who) VALUES ('fold')",
	/* STMT_FOLD_UNMARK */
	"DELETE FROM articled_writing",
	/* STMT_REPAIR_GENERATION: a lost row (the owner dropped a guard):
	 * the folded marks still refer to the file in use, so resetting them
	 * (generation 0) would count every view of it twice. */
	"INSERT INTO counter_state(id, generation) SELECT 1, ?1 "
	"WHERE NOT EXISTS (SELECT 1 FROM counter_state)",
	/* STMT_REPAIR_SITE_VERSION */
	"INSERT INTO site_version(id, rev) "
	"SELECT 1, random() & 9223372036854775807 "
	"WHERE NOT EXISTS (SELECT 1 FROM site_version)",
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*stmt[STMT__MAX];
	char		*path;
	dev_t		 dev;		/* the file the connection has open */
	ino_t		 ino;
	int		 broken;	/* an I/O error: reopen at the next probe */
	uint64_t	*fold_seen;	/* counts already folded, per slot */
	size_t		 fold_nseen;
	uint64_t	 fold_generation;
	/* The WAL-index header (the first 48 bytes of DB-shm) as it was just
	 * before site_version.rev was last read: while it is unchanged no
	 * connection has committed anything, so rev has not moved either. */
	const volatile unsigned char *shm;
	unsigned char	 shm_seen[48];
	int64_t		 rev_seen;
	int		 rev_valid;
	int		 wal;		/* journal_mode is WAL */
	int		 rev_missing;	/* site_version had no row (logged) */
	unsigned long	 connects;	/* successful S_connect calls */
	char		 fold_err[256];	/* why the last fold failed */
};

static enum store_rc S_rc(struct store *s, int rc)
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
	size_t i;

	for (i = 0; i < STMT__MAX; i++) {
		sqlite3_finalize(s->stmt[i]);
		s->stmt[i] = NULL;
	}
	sqlite3_close(s->db);
	s->db = NULL;
	s->shm = NULL;
	s->rev_valid = 0;
}

static int S_schema_version(struct store *s, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", s->path,
		    sqlite3_errmsg(s->db));
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		snprintf(err, errlen, "%s: %s", s->path,
		    sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	if (v < 0)
		return -1;
	if (v == 0) {
		snprintf(err, errlen, "%s is not an articled database "
		    "(schema version 0): create it with 'make db' or "
		    "'sqlite3 %s < schema.sql'", s->path, s->path);
		return -1;
	}
	if (v != STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s has schema version %d, but this "
		    "articled knows version %d: %s", s->path, v,
		    STORE_SCHEMA_VERSION, v > STORE_SCHEMA_VERSION ?
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
static void S_map_shm(struct store *s)
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
	size_t i;

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
	sqlite3_busy_timeout(s->db, 2000);
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
	if (S_schema_version(s, err, errlen) != 0) {
		S_finalize(s);
		return -1;
	}
	s->wal = S_is_wal(s);
	for (i = 0; i < STMT__MAX; i++) {
		if (sqlite3_prepare_v3(s->db, S_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL) ==
		    SQLITE_OK)
			continue;
		snprintf(err, errlen, "%s: preparing statement %zu: %s "
		    "(is the schema damaged?)", s->path, i,
		    sqlite3_errmsg(s->db));
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
		fprintf(stderr, "articled: %s had journal_mode=%s; set it back "
		    "to WAL (with any other mode pages wait for every write)\n",
		    s->path, was);
	else
		fprintf(stderr, "articled: %s has journal_mode=%s and cannot be "
		    "set back to WAL now (%s): pages will wait while anyone "
		    "writes; run: sqlite3 %s 'PRAGMA journal_mode=WAL'\n",
		    s->path, was, sqlite3_errmsg(s->db), s->path);
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

static sqlite3_stmt *S_stmt(struct store *s, enum stmt which)
{
	sqlite3_stmt *st = s->stmt[which];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

static char *S_dup_column(sqlite3_stmt *st, int col, size_t *len)
{
	const unsigned char *p = sqlite3_column_text(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);

	if (len != NULL)
		*len = n;
	return xstrndup(p ? (const char *)p : "", p ? n : 0);
}

/* site_version lost its row (the owner dropped its guard and deleted
 * it): pages are still served, from a rev of 0, with one line per
 * process; the next fold puts a fresh row back, whose new rev drops
 * whatever was cached meanwhile. */
static enum store_rc S_rev_missing(struct store *s, int64_t *rev)
{
	if (!s->rev_missing)
		fprintf(stderr, "articled[%d]: %s: site_version has no row; "
		    "serving on, and articled's next fold puts it back\n",
		    (int)getpid(), s->path);
	s->rev_missing = 1;
	*rev = 0;
	return STORE_OK;
}

/* A read of site_version costs a read transaction (two fcntl locks on
 * DB-shm and ~4,500 instructions); most requests skip it, since nothing
 * can have changed while the WAL-index header has not.  The header is
 * copied before the read, so a commit racing with it shows next time. */
enum store_rc store_site_rev(struct store *s, int64_t *rev)
{
	unsigned char hdr[48];
	sqlite3_stmt *st;
	size_t i;
	int rc;

	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	if (s->shm != NULL) {
		for (i = 0; i < sizeof(hdr); i++)
			hdr[i] = s->shm[i];
		if (s->rev_valid && memcmp(hdr, s->shm_seen, sizeof(hdr)) == 0) {
			*rev = s->rev_seen;
			return STORE_OK;
		}
	}
	st = S_stmt(s, STMT_SITE_REV);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*rev = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW && s->shm != NULL) {
		memcpy(s->shm_seen, hdr, sizeof(hdr));
		s->rev_seen = *rev;
		s->rev_valid = 1;
	} else if (rc == SQLITE_ROW && s->wal) {
		S_map_shm(s);	/* from the next request on */
	}
	if (rc == SQLITE_DONE)
		return S_rev_missing(s, rev);
	if (rc == SQLITE_ROW)
		s->rev_missing = 0;
	return rc == SQLITE_ROW ? STORE_OK : S_rc(s, rc);
}

static void S_site_set(struct site *site, const char *key, char *value)
{
	char **field = NULL;

	if (strcmp(key, "site_name") == 0)
		field = &site->name;
	else if (strcmp(key, "tagline") == 0)
		field = &site->tagline;
	else if (strcmp(key, "base_url") == 0)
		field = &site->base_url;
	else if (strcmp(key, "description") == 0)
		field = &site->description;
	else if (strcmp(key, "lang") == 0)
		field = &site->lang;
	if (field != NULL) {
		free(*field);
		*field = value;
		return;
	}
	if (strncmp(key, "contact:", 8) == 0 && key[8] != '\0') {
		site->contacts = xrealloc(site->contacts,
		    (site->ncontacts + 1) * sizeof(*site->contacts));
		site->contacts[site->ncontacts].name = xstrdup(key + 8);
		site->contacts[site->ncontacts].phone = value;
		site->ncontacts++;
		return;
	}
	free(value);	/* a key of a later version: ignore */
}

static void S_site_defaults(struct site *site)
{
	if (site->name == NULL)
		site->name = xstrdup("Articles");
	if (site->tagline == NULL)
		site->tagline = xstrdup("");
	if (site->base_url == NULL)
		site->base_url = xstrdup("");
	if (site->description == NULL)
		site->description = xstrdup("");
	if (site->lang == NULL || site->lang[0] == '\0') {
		free(site->lang);
		site->lang = xstrdup("en");
	}
}

enum store_rc store_site(struct store *s, struct site *site)
{
	sqlite3_stmt *st;
	int rc;

	memset(site, 0, sizeof(*site));
	if (s->db == NULL) {
		/* A worker started while the database is away still shows
		 * its 503 page in the layout, which needs every field. */
		S_site_defaults(site);
		return STORE_UNAVAILABLE;
	}
	st = S_stmt(s, STMT_SETTINGS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		S_site_set(site, (const char *)sqlite3_column_text(st, 0) ?
		    (const char *)sqlite3_column_text(st, 0) : "",
		    S_dup_column(st, 1, NULL));
	sqlite3_reset(st);
	S_site_defaults(site);
	if (rc != SQLITE_DONE) {
		store_site_free(site);
		S_site_defaults(site);
		return S_rc(s, rc);
	}
	return STORE_OK;
}

void store_site_free(struct site *site)
{
	size_t i;

	free(site->name);
	free(site->tagline);
	free(site->base_url);
	free(site->description);
	free(site->lang);
	for (i = 0; i < site->ncontacts; i++) {
		free(site->contacts[i].name);
		free(site->contacts[i].phone);
	}
	free(site->contacts);
	memset(site, 0, sizeof(*site));
}

static void S_article_from_row(sqlite3_stmt *st, struct article *a)
{
	a->id = sqlite3_column_int64(st, 0);
	a->rev = sqlite3_column_int64(st, 1);
	a->key = sqlite3_column_int64(st, 2);
	a->base = sqlite3_column_int64(st, 3);
	a->slug = S_dup_column(st, 4, NULL);
	a->title = S_dup_column(st, 5, NULL);
	a->body = S_dup_column(st, 6, &a->body_len);
	a->published_at = S_dup_column(st, 7, NULL);
	a->updated_at = S_dup_column(st, 8, NULL);
}

void store_article_free(struct article *a)
{
	free(a->slug);
	free(a->title);
	free(a->body);
	free(a->published_at);
	free(a->updated_at);
	memset(a, 0, sizeof(*a));
}

enum store_rc store_article(struct store *s, const char *slug,
    const char *now, uint64_t generation, struct article *a)
{
	sqlite3_stmt *st;
	int rc;

	memset(a, 0, sizeof(*a));
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = S_stmt(s, STMT_ARTICLE);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)generation);
	sqlite3_bind_text(st, 2, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		S_article_from_row(st, a);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : S_rc(s, rc);
}

enum store_rc store_next_publish(struct store *s, const char *now,
    char *out, size_t outlen)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	int rc;

	out[0] = '\0';
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = S_stmt(s, STMT_NEXT_PUBLISH);
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (t = sqlite3_column_text(st, 0)) != NULL)
		snprintf(out, outlen, "%s", (const char *)t);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : S_rc(s, rc);
}

enum store_rc store_list_keys(struct store *s, const char *now,
    struct list_key **keys, size_t *nkeys)
{
	sqlite3_stmt *st;
	struct list_key *k = NULL;
	size_t n = 0, cap = 0;
	const unsigned char *p;
	int rc;

	*keys = NULL;
	*nkeys = 0;
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = S_stmt(s, STMT_LIST_KEYS);
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			k = xrealloc(k, cap * sizeof(*k));
		}
		p = sqlite3_column_text(st, 0);
		snprintf(k[n].published_at, sizeof(k[n].published_at), "%s",
		    p ? (const char *)p : "");
		k[n].id = sqlite3_column_int64(st, 1);
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(k);
		return S_rc(s, rc);
	}
	*keys = k;
	*nkeys = n;
	return STORE_OK;
}

enum store_rc store_list(struct store *s, const char *now,
    const struct list_key *from, uint64_t generation, struct article *out,
    size_t max, size_t *n)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE;	/* max == 0: no step */

	*n = 0;
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = S_stmt(s, from ? STMT_LIST_FROM : STMT_LIST_FIRST);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)generation);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	if (from != NULL) {
		sqlite3_bind_text(st, 4, from->published_at, -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, from->id);
	}
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		S_article_from_row(st, &out[(*n)++]);
	if (*n == max)
		rc = SQLITE_DONE;
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		while (*n > 0)
			store_article_free(&out[--(*n)]);
		return S_rc(s, rc);
	}
	return STORE_OK;
}

/* Steps a statement that returns no rows, then resets it. */
static int S_exec(struct store *s, enum stmt which)
{
	sqlite3_stmt *st = s->stmt[which];
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int S_repair_generation(struct store *s, uint64_t generation)
{
	sqlite3_stmt *st = S_stmt(s, STMT_REPAIR_GENERATION);
	int rc;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)generation);
	if ((rc = S_exec(s, STMT_REPAIR_GENERATION)) == SQLITE_OK)
		fprintf(stderr, "articled[%d]: %s: counter_state had lost its "
		    "row; put it back\n", (int)getpid(), s->path);
	return rc;
}

/* A new counter file starts every counter from 0: nothing of it has
 * been folded yet. */
static int S_fold_generation(struct store *s, uint64_t generation)
{
	sqlite3_stmt *st = S_stmt(s, STMT_GENERATION);
	int64_t stored = 0;
	int rc;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		stored = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return S_repair_generation(s, generation);
	if (rc != SQLITE_ROW)
		return rc;
	if ((uint64_t)stored == generation)
		return SQLITE_OK;
	if ((rc = S_exec(s, STMT_FOLD_RESET)) != SQLITE_OK)
		return rc;
	st = S_stmt(s, STMT_GENERATION_SET);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)generation);
	return S_exec(s, STMT_GENERATION_SET);
}

/* Folds one counter.  A counter below folded means the file lost
 * writes (a power cut before the kernel wrote it back): rebase on it, so
 * counting resumes from there instead of waiting to pass the old mark. */
static int S_fold_one(struct store *s, int64_t key, uint64_t count,
    const char *today, uint64_t *moved)
{
	sqlite3_stmt *st = S_stmt(s, STMT_FOLD_GET);
	int64_t id, folded;
	int rc;

	sqlite3_bind_int64(st, 1, key);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? SQLITE_OK : rc; /* deleted */
	}
	id = sqlite3_column_int64(st, 0);
	folded = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	if ((uint64_t)folded == count)
		return SQLITE_OK;
	if ((uint64_t)folded > count) {
		st = S_stmt(s, STMT_FOLD_REBASE);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)count);
		return S_exec(s, STMT_FOLD_REBASE);
	}
	st = S_stmt(s, STMT_FOLD_ADD);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(count - (uint64_t)folded));
	if ((rc = S_exec(s, STMT_FOLD_ADD)) != SQLITE_OK)
		return rc;
	st = S_stmt(s, STMT_FOLD_DAY);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)(count - (uint64_t)folded));
	*moved += count - (uint64_t)folded;
	return S_exec(s, STMT_FOLD_DAY);
}

static int S_fold_all(struct store *s, const struct counter *c,
    const char *today, uint64_t *snapshot, uint64_t *moved)
{
	size_t i, cap = counter_capacity(c);
	uint64_t count;
	int64_t key;
	int rc;

	if ((rc = S_fold_generation(s, counter_generation(c))) != SQLITE_OK)
		return rc;
	if ((rc = S_exec(s, STMT_REPAIR_SITE_VERSION)) != SQLITE_OK)
		return rc;
	if (sqlite3_changes(s->db) > 0)
		fprintf(stderr, "articled[%d]: %s: site_version had lost its "
		    "row; put it back\n", (int)getpid(), s->path);
	for (i = 0; i < cap; i++) {
		snapshot[i] = s->fold_seen[i];
		if (!counter_at(c, i, &key, &count) || count == s->fold_seen[i])
			continue;
		if ((rc = S_fold_one(s, key, count, today, moved)) !=
		    SQLITE_OK)
			return rc;
		snapshot[i] = count;
	}
	return SQLITE_OK;
}

enum store_rc store_fold(struct store *s, const struct counter *c,
    const char *today, int busy_ms, uint64_t *moved)
{
	size_t cap = counter_capacity(c);
	uint64_t *snapshot;
	int rc;

	*moved = 0;
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	/* What this connection folded is only a shortcut past unchanged
	 * slots; a new counter file invalidates it.  It starts as "not
	 * known" (all ones), not 0: a counter that a power cut took back to
	 * 0 must be rebased now, not after its next view (which the rebase
	 * would then swallow). */
	if (s->fold_seen == NULL || s->fold_nseen != cap ||
	    s->fold_generation != counter_generation(c)) {
		free(s->fold_seen);
		s->fold_seen = xmalloc(cap * sizeof(uint64_t));
		memset(s->fold_seen, 0xff, cap * sizeof(uint64_t));
		s->fold_nseen = cap;
		s->fold_generation = counter_generation(c);
	}
	sqlite3_busy_timeout(s->db, busy_ms);
	rc = S_exec(s, STMT_BEGIN);
	sqlite3_busy_timeout(s->db, 2000);
	if (rc != SQLITE_OK) {
		snprintf(s->fold_err, sizeof(s->fold_err), "%s",
		    sqlite3_errmsg(s->db));
		return S_rc(s, rc);
	}
	snapshot = xmalloc(cap * sizeof(uint64_t));
	rc = S_exec(s, STMT_FOLD_MARK);
	if (rc == SQLITE_OK)
		rc = S_fold_all(s, c, today, snapshot, moved);
	if (rc == SQLITE_OK)
		rc = S_exec(s, STMT_FOLD_UNMARK);
	if (rc == SQLITE_OK)
		rc = S_exec(s, STMT_COMMIT);
	if (rc != SQLITE_OK) {
		/* Keep the reason: a ROLLBACK replaces SQLite's message, and
		 * after SQLITE_FULL or an I/O error SQLite has already rolled
		 * back, so ours would only say "no transaction is active". */
		snprintf(s->fold_err, sizeof(s->fold_err), "%s",
		    sqlite3_errmsg(s->db));
		if (!sqlite3_get_autocommit(s->db))
			S_exec(s, STMT_ROLLBACK);
		free(snapshot);
		*moved = 0;
		return S_rc(s, rc);
	}
	free(s->fold_seen);
	s->fold_seen = snapshot;
	return STORE_OK;
}
