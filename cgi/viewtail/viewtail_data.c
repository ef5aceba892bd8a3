/* viewtail_data.c: viewtail's reading: the database read-only, with its
 * statements prepared at open so a database without our tables is refused
 * before anything is shown, and the live counter file as it is. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "lib/alloc.h"
#include "lib/counter.h"
#include "lib/schema.h"
#include "viewtail/viewtail_data.h"

#define VT_BUSY_MS	5000

/* Every statement viewtail runs, prepared when the database is opened so
 * a database without our tables is refused before anything is shown. */
enum stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_GENERATION,
	STMT_ARTICLES,
	STMT_DAYS,
	STMT_PENDING,
	STMT__MAX
};

_Static_assert(STMT__MAX == VT_STMTS, "VT_STMTS is the number of statements");

static const char *const S_sql[STMT__MAX] = {
	/* STMT_BEGIN */
	"BEGIN",
	/* STMT_COMMIT */
	"COMMIT",
	/* STMT_ROLLBACK */
	"ROLLBACK",
	/* STMT_GENERATION */
	SCHEMA_SQL_GENERATION,
	/* STMT_ARTICLES */
	("SELECT a.id, a.slug, a.title, a.draft, v.key, v.total, v.folded, "
	"v.imported FROM articles AS a LEFT JOIN views AS v "
	"ON v.article_id = a.id ORDER BY a.id"),
	/* STMT_DAYS */
	("SELECT article_id, day, views FROM view_days "
	"WHERE day BETWEEN ?1 AND ?2"),
	/* STMT_PENDING: never the form's secret (comment_keys) */
	"SELECT article_id, count(*), "
	"CAST(strftime('%s', min(created_at)) AS INTEGER), max(id) "
	"FROM comments WHERE status = 'pending' AND parent_id IS NULL "
	"GROUP BY article_id",
};

static int S_fail(struct tail *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int S_fail(struct tail *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->err, sizeof(t->err), fmt, ap);
	va_end(ap);
	return -1;
}

static int S_fail_sql(struct tail *t)
{
	return S_fail(t, "cannot read %s: %s", t->db_path,
	    sqlite3_errmsg(t->db));
}

/* Counts are the owner's numbers (views.imported is typed by hand), so
 * sums saturate rather than overflow. */
int64_t vtdata_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

int64_t vtdata_sub(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/* -- the database ----------------------------------------------------- */

void vtdata_close(struct tail *t)
{
	size_t i;

	for (i = 0; i < STMT__MAX; i++) {
		sqlite3_finalize(t->stmt[i]);
		t->stmt[i] = NULL;
	}
	sqlite3_close(t->db);
	t->db = NULL;
}

static int S_fail_open(struct tail *t)
{
	if (sqlite3_errcode(t->db) == SQLITE_NOTADB)
		return S_fail(t, "%s is not an articled database", t->db_path);
	return S_fail_sql(t);
}

/* Runs a statement that returns one integer (or none: *found = 0). */
static int S_query_int(struct tail *t, const char *sql, int64_t *v,
    int *found)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(t->db, sql, -1, &st, NULL) != SQLITE_OK)
		return S_fail_open(t);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (*found)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return S_fail_open(t);
	return 0;
}

/* Refuses, with a message that says what to do, anything but a database
 * made from our schema.sql at the version we know (fail closed). */
static int S_db_check(struct tail *t)
{
	int64_t n = 0, version = 0;
	int found;

	if (S_query_int(t, "SELECT count(*) FROM sqlite_schema WHERE "
	    "type = 'table' AND name IN ('articles', 'views')", &n,
	    &found) != 0)
		return -1;
	if (n != 2)
		return S_fail(t, "%s is not an articled database",
		    t->db_path);
	if (S_query_int(t, SCHEMA_SQL_VERSION, &version, &found) != 0)
		return -1;
	if (version > SCHEMA_VERSION)
		return S_fail(t, "%s has schema version %" PRId64 "; this "
		    "viewtail knows %d — upgrade viewtail", t->db_path,
		    version, SCHEMA_VERSION);
	if (version < SCHEMA_VERSION)
		return S_fail(t, "%s has schema version %" PRId64 "; this "
		    "viewtail knows %d — upgrade it: articled --upgrade --db PATH",
		    t->db_path, version, SCHEMA_VERSION);
	return 0;
}

int vtdata_open(struct tail *t)
{
	struct stat st;
	size_t i;

	/* stat before open: if the file is replaced in between, the inode
	 * we keep is the old one and the next poll reopens. */
	if (stat(t->db_path, &st) != 0) {
		if (errno == ENOENT)
			return S_fail(t, "no database at %s — pass --db or "
			    "run make", t->db_path);
		return S_fail(t, "cannot open %s: %s", t->db_path,
		    strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return S_fail(t, "%s is not an articled database",
		    t->db_path);
	if (access(t->db_path, R_OK) != 0)
		return S_fail(t, "cannot read %s: %s", t->db_path,
		    strerror(errno));
	if (sqlite3_open_v2(t->db_path, &t->db, SQLITE_OPEN_READONLY,
	    NULL) != SQLITE_OK) {
		S_fail(t, "cannot open %s: %s", t->db_path, t->db == NULL ?
		    "out of memory" : sqlite3_errmsg(t->db));
		vtdata_close(t);
		return -1;
	}
	sqlite3_busy_timeout(t->db, VT_BUSY_MS);
	if (S_db_check(t) != 0) {
		vtdata_close(t);
		return -1;
	}
	for (i = 0; i < STMT__MAX; i++) {
		if (sqlite3_prepare_v3(t->db, S_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &t->stmt[i], NULL) ==
		    SQLITE_OK)
			continue;
		S_fail(t, "%s is not an articled database: %s", t->db_path,
		    sqlite3_errmsg(t->db));
		vtdata_close(t);
		return -1;
	}
	t->db_dev = st.st_dev;
	t->db_ino = st.st_ino;
	return 0;
}

/* True when the path no longer names the file the connection reads. */
int vtdata_replaced(const struct tail *t)
{
	struct stat st;

	if (stat(t->db_path, &st) != 0)
		return 1;
	return st.st_dev != t->db_dev || st.st_ino != t->db_ino;
}

static int S_exec(struct tail *t, enum stmt which)
{
	sqlite3_stmt *st = t->stmt[which];
	int rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return S_fail_sql(t);
	return 0;
}

/* -- the counter file --------------------------------------------------- */

/* Maps the counter file when it has appeared or been replaced since the
 * last call, and lets it go when it has gone.  A file that is not a
 * counter file is reported once per inode and then counted as absent. */
static void S_counter_refresh(struct tail *t)
{
	struct stat st;
	char err[1024];

	if (stat(t->counter_path, &st) != 0) {
		counter_close(t->counter);
		t->counter = NULL;
		t->counter_bad = 0;
		return;
	}
	if ((t->counter != NULL || t->counter_bad) &&
	    st.st_dev == t->counter_dev && st.st_ino == t->counter_ino)
		return;
	counter_close(t->counter);
	t->counter = counter_open(t->db_path, COUNTER_READONLY, err,
	    sizeof(err));
	t->counter_dev = st.st_dev;
	t->counter_ino = st.st_ino;
	t->counter_bad = t->counter == NULL && err[0] != '\0';
	if (t->counter_bad)
		fprintf(stderr, "viewtail: warning: %s; showing views as of "
		    "the last fold\n", err);
}

static uint64_t S_counter_count(struct tail *t, int64_t key)
{
	struct counter_slot *slot;

	if (t->counter == NULL || key <= 0)
		return 0;
	slot = counter_slot(t->counter, key);
	return slot == NULL ? 0 : counter_get(slot);
}

/* -- one snapshot ------------------------------------------------------- */

void vtdata_free(struct snapshot *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->art[i].slug);
		free(s->art[i].title);
	}
	free(s->art);
	memset(s, 0, sizeof(*s));
}

static char *S_column_text(sqlite3_stmt *st, int col, size_t *len)
{
	const unsigned char *p = sqlite3_column_text(st, col);

	*len = p == NULL ? 0 : (size_t)sqlite3_column_bytes(st, col);
	return xstrndup(p == NULL ? "" : (const char *)p, *len);
}

static int S_load_articles(struct tail *t, struct snapshot *s)
{
	sqlite3_stmt *st = t->stmt[STMT_ARTICLES];
	struct vt_article *a;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 64;
			s->art = xrealloc(s->art, s->cap * sizeof(*s->art));
		}
		a = &s->art[s->n++];
		memset(a, 0, sizeof(*a));
		a->id = sqlite3_column_int64(st, 0);
		a->slug = S_column_text(st, 1, &a->slug_len);
		a->title = S_column_text(st, 2, &a->title_len);
		a->draft = sqlite3_column_int64(st, 3) != 0;
		a->key = sqlite3_column_int64(st, 4);
		a->total = sqlite3_column_int64(st, 5);
		a->folded = sqlite3_column_int64(st, 6);
		a->imported = sqlite3_column_int64(st, 7);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : S_fail_sql(t);
}

static int S_by_id(const void *key, const void *elem)
{
	int64_t id = *(const int64_t *)key;
	const struct vt_article *a = elem;

	return id < a->id ? -1 : id > a->id;
}

struct vt_article *vtdata_find(const struct snapshot *s, int64_t id)
{
	return s->n == 0 ? NULL :
	    bsearch(&id, s->art, s->n, sizeof(*s->art), S_by_id);
}

/* day[i] is the UTC date i days before today counted from the oldest:
 * day[0] is 13 days ago, day[VT_DAYS - 1] today. */
static void S_day_names(time_t now, char day[VT_DAYS][11])
{
	struct tm tm;
	time_t when;
	int i;

	for (i = 0; i < VT_DAYS; i++) {
		when = now - (time_t)(VT_DAYS - 1 - i) * 86400;
		gmtime_r(&when, &tm);
		strftime(day[i], sizeof(day[i]), "%Y-%m-%d", &tm);
	}
}

static int S_load_days(struct tail *t, struct snapshot *s,
    char day[VT_DAYS][11])
{
	sqlite3_stmt *st = t->stmt[STMT_DAYS];
	const char *name;
	struct vt_article *a;
	int rc, i;

	sqlite3_bind_text(st, 1, day[0], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, day[VT_DAYS - 1], -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a = vtdata_find(s, sqlite3_column_int64(st, 0));
		name = (const char *)sqlite3_column_text(st, 1);
		if (a == NULL || name == NULL)
			continue;
		for (i = 0; i < VT_DAYS; i++)
			if (strcmp(name, day[i]) == 0)
				a->days[i] = vtdata_add(a->days[i],
				    sqlite3_column_int64(st, 2));
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : S_fail_sql(t);
}

/* live = counter_base + counter, as on the page.  The counter is read
 * after the snapshot: a fold in between moves total and folded
 * together, and the counter never shrinks, so live comes out the same. */
static void S_apply_counter(struct tail *t, struct snapshot *s,
    int have_generation, int64_t generation)
{
	struct vt_article *a;
	uint64_t count;
	int same;
	size_t i;

	S_counter_refresh(t);
	same = t->counter != NULL && have_generation &&
	    counter_generation(t->counter) == (uint64_t)generation;
	for (i = 0; i < s->n; i++) {
		a = &s->art[i];
		count = S_counter_count(t, a->key);
		a->live = counter_live(counter_base(a->total, a->folded, same),
		    count);
		if (a->live > a->total)	/* unfolded views are today's */
			a->days[VT_DAYS - 1] = vtdata_add(a->days[VT_DAYS - 1],
			    vtdata_sub(a->live, a->total));
	}
}

/* The generation of the counter file last folded; none before the first
 * fold. */
static int S_load_generation(struct tail *t, int64_t *generation,
    int *have)
{
	sqlite3_stmt *st = t->stmt[STMT_GENERATION];
	int rc;

	rc = sqlite3_step(st);
	*have = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	*generation = *have ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : S_fail_sql(t);
}

/* Reads every article (and, for the table, its last days) in one read
 * transaction, so totals and days agree with each other. */
/* Patients' questions waiting for the owner, by article (schema 8). */
static int S_load_pending(struct tail *t, struct snapshot *s)
{
	sqlite3_stmt *st = t->stmt[STMT_PENDING];
	struct vt_article *a;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((a = vtdata_find(s, sqlite3_column_int64(st, 0))) == NULL)
			continue;
		a->pending = sqlite3_column_int64(st, 1);
		a->oldest = sqlite3_column_int64(st, 2);
		s->pending = vtdata_add(s->pending, a->pending);
		if (s->oldest == 0 || a->oldest < s->oldest)
			s->oldest = a->oldest;
		if (sqlite3_column_int64(st, 3) > s->newest)
			s->newest = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : S_fail_sql(t);
}

int vtdata_load(struct tail *t, struct snapshot *s,
    int with_days, time_t now)
{
	char day[VT_DAYS][11];
	int64_t generation;
	int have_generation;

	memset(s, 0, sizeof(*s));
	S_day_names(now, day);
	if (S_exec(t, STMT_BEGIN) != 0)
		return -1;
	if (S_load_generation(t, &generation, &have_generation) != 0 ||
	    S_load_articles(t, s) != 0 || S_load_pending(t, s) != 0 ||
	    (with_days && S_load_days(t, s, day) != 0) ||
	    S_exec(t, STMT_COMMIT) != 0) {
		sqlite3_step(t->stmt[STMT_ROLLBACK]);
		sqlite3_reset(t->stmt[STMT_ROLLBACK]);
		vtdata_free(s);
		return -1;
	}
	S_apply_counter(t, s, have_generation, generation);
	return 0;
}
