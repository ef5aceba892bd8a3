/* viewtail.c: the admin's view of article views.  A table of every
 * article by live total (today, last 7 days, a 14-day sparkline), or with
 * -f one line per article whose count moved, like tail -f.  It reads the
 * database read-only and the live counter file (counter.h) as it is, and
 * never writes either, so it is safe beside a running articled. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "alloc.h"
#include "buf.h"
#include "counter.h"
#include "text.h"

#define VT_SCHEMA	1	/* the PRAGMA user_version we know */
#define VT_DAYS		14	/* days in the sparkline, today last */
#define VT_WEEK		7	/* days in the "7 DAYS" column */
#define VT_BUSY_MS	5000
#define VT_DEFAULT_DB	"db/site.db"
#define VT_COLUMNS	80	/* width when neither COLUMNS nor a tty says */
#define VT_MIN_TEXT	20	/* columns kept for slug and title */

static const char S_replacement[] = "\xEF\xBF\xBD";	/* U+FFFD */
static const char S_ellipsis[] = "\xE2\x80\xA6";	/* U+2026 */
static const char *const S_bars[8] = {
	"\xE2\x96\x81", "\xE2\x96\x82", "\xE2\x96\x83", "\xE2\x96\x84",
	"\xE2\x96\x85", "\xE2\x96\x86", "\xE2\x96\x87", "\xE2\x96\x88",
};

static volatile sig_atomic_t S_stop_requested;

/* Every statement viewtail runs, prepared when the database is opened so
 * a database without our tables is refused before anything is shown. */
enum stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_GENERATION,
	STMT_ARTICLES,
	STMT_DAYS,
	STMT__MAX
};

static const char *const S_sql[STMT__MAX] = {
	/* STMT_BEGIN */
	"BEGIN",
	/* STMT_COMMIT */
	"COMMIT",
	/* STMT_ROLLBACK */
	"ROLLBACK",
	/* STMT_GENERATION */
	"SELECT generation FROM counter_state WHERE id = 1",
	/* STMT_ARTICLES */
	("SELECT a.id, a.slug, a.title, a.draft, v.key, v.total, v.folded, "
	"v.imported FROM articles AS a LEFT JOIN views AS v "
	"ON v.article_id = a.id ORDER BY a.id"),
	/* STMT_DAYS */
	("SELECT article_id, day, views FROM view_days "
	"WHERE day BETWEEN ?1 AND ?2"),
};

struct article {
	int64_t	 id;
	char	*slug;		/* owned, slug_len bytes */
	size_t	 slug_len;
	char	*title;		/* owned, title_len bytes */
	size_t	 title_len;
	int	 draft;
	int64_t	 key;		/* views.key, the counter slot; 0: none */
	int64_t	 total;		/* views.total as of the last fold */
	int64_t	 folded;	/* views.folded: counter folded so far */
	int64_t	 imported;	/* views.imported: from before the site */
	int64_t	 live;		/* total plus the unfolded counter */
	int64_t	 days[VT_DAYS];	/* oldest first; today (last) is live */
};

/* The articles at one instant, by id ascending; owns its articles. */
struct snapshot {
	struct article	*art;
	size_t		 n;
	size_t		 cap;
};

/* What one run holds: the connection with its statements and the counter
 * file, each with the inode it was opened from, so that a file replaced
 * under a follower is noticed and reopened. */
struct tail {
	const char	*db_path;
	char		 counter_path[4096];
	sqlite3		*db;
	sqlite3_stmt	*stmt[STMT__MAX];
	dev_t		 db_dev;
	ino_t		 db_ino;
	struct counter	*counter;
	dev_t		 counter_dev;
	ino_t		 counter_ino;
	int		 counter_bad;	/* counter_ino is no counter file */
	int		 json;
	int		 follow;
	char		 err[1024];	/* why the last call failed */
	char		 said[1024];	/* last problem told while following */
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
static int64_t S_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static int64_t S_sub(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/* -- the database ----------------------------------------------------- */

static void S_db_close(struct tail *t)
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
	if (S_query_int(t, "PRAGMA user_version", &version, &found) != 0)
		return -1;
	if (version > VT_SCHEMA)
		return S_fail(t, "%s has schema version %" PRId64 "; this "
		    "viewtail knows %d — upgrade viewtail", t->db_path,
		    version, VT_SCHEMA);
	if (version < VT_SCHEMA)
		return S_fail(t, "%s has schema version %" PRId64 "; this "
		    "viewtail knows %d — make the database from schema.sql",
		    t->db_path, version, VT_SCHEMA);
	return 0;
}

static int S_db_open(struct tail *t)
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
		S_db_close(t);
		return -1;
	}
	sqlite3_busy_timeout(t->db, VT_BUSY_MS);
	if (S_db_check(t) != 0) {
		S_db_close(t);
		return -1;
	}
	for (i = 0; i < STMT__MAX; i++) {
		if (sqlite3_prepare_v3(t->db, S_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &t->stmt[i], NULL) ==
		    SQLITE_OK)
			continue;
		S_fail(t, "%s is not an articled database: %s", t->db_path,
		    sqlite3_errmsg(t->db));
		S_db_close(t);
		return -1;
	}
	t->db_dev = st.st_dev;
	t->db_ino = st.st_ino;
	return 0;
}

/* True when the path no longer names the file the connection reads. */
static int S_db_replaced(const struct tail *t)
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

static void S_snapshot_free(struct snapshot *s)
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
	struct article *a;
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
	const struct article *a = elem;

	return id < a->id ? -1 : id > a->id;
}

static struct article *S_find(const struct snapshot *s, int64_t id)
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
	struct article *a;
	int rc, i;

	sqlite3_bind_text(st, 1, day[0], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, day[VT_DAYS - 1], -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a = S_find(s, sqlite3_column_int64(st, 0));
		name = (const char *)sqlite3_column_text(st, 1);
		if (a == NULL || name == NULL)
			continue;
		for (i = 0; i < VT_DAYS; i++)
			if (strcmp(name, day[i]) == 0)
				a->days[i] = S_add(a->days[i],
				    sqlite3_column_int64(st, 2));
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : S_fail_sql(t);
}

/* live = total - (same generation ? folded : 0) + counter.  The counter
 * is read after the snapshot: a fold in between moves total and folded
 * together, and the counter never shrinks, so live comes out the same. */
static void S_apply_counter(struct tail *t, struct snapshot *s,
    int have_generation, int64_t generation)
{
	struct article *a;
	uint64_t count;
	int same;
	size_t i;

	S_counter_refresh(t);
	same = t->counter != NULL && have_generation &&
	    counter_generation(t->counter) == (uint64_t)generation;
	for (i = 0; i < s->n; i++) {
		a = &s->art[i];
		count = S_counter_count(t, a->key);
		if (count > INT64_MAX)
			count = INT64_MAX;
		a->live = S_add(S_sub(a->total, same ? a->folded : 0),
		    (int64_t)count);
		if (a->live > a->total)	/* unfolded views are today's */
			a->days[VT_DAYS - 1] = S_add(a->days[VT_DAYS - 1],
			    S_sub(a->live, a->total));
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
static int S_snapshot_load(struct tail *t, struct snapshot *s,
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
	    S_load_articles(t, s) != 0 ||
	    (with_days && S_load_days(t, s, day) != 0) ||
	    S_exec(t, STMT_COMMIT) != 0) {
		sqlite3_step(t->stmt[STMT_ROLLBACK]);
		sqlite3_reset(t->stmt[STMT_ROLLBACK]);
		S_snapshot_free(s);
		return -1;
	}
	S_apply_counter(t, s, have_generation, generation);
	return 0;
}

/* -- text for a terminal and for JSON --------------------------------- */

/* Bytes of an invalid sequence replaced by one U+FFFD: the lead byte and
 * the continuation bytes after it (the rule text.c uses). */
static size_t S_invalid_len(const unsigned char *s, size_t n)
{
	size_t i = 1;

	if (s[0] < 0x80)
		return 1;
	while (i < n && i < 4 && (s[i] & 0xC0) == 0x80)
		i++;
	return i;
}

/* One code point of s as a terminal should get it: NULL to copy its *len
 * bytes, or the text to show instead.  White space becomes a space and
 * controls and invalid UTF-8 become U+FFFD, so no title can move the
 * cursor or send an escape sequence. */
static const char *S_term_char(const unsigned char *s, size_t n,
    size_t *len)
{
	unsigned cp;

	if (s[0] == '\t' || s[0] == '\n' || s[0] == '\r' || s[0] == '\f') {
		*len = 1;
		return " ";
	}
	if ((*len = text_utf8_next(s, n, &cp)) != 0)
		return NULL;
	*len = S_invalid_len(s, n);
	return S_replacement;
}

/* Width in columns, one a code point (wide characters are not
 * measured). */
static size_t S_term_width(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, len, w = 0;

	for (; i < n; i += len, w++)
		S_term_char(s + i, n - i, &len);
	return w;
}

/* Appends s in width columns: cut with an ellipsis when longer, padded
 * with spaces when pad is set. */
static void S_put_cell(struct buf *out, const char *str, size_t n,
    size_t width, int pad)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, len, used = 0;
	int cut = S_term_width(str, n) > width;
	const char *shown;

	for (; i < n && used < width; i += len, used++) {
		if (cut && used + 1 == width) {
			buf_puts(out, S_ellipsis);
			used++;
			break;
		}
		shown = S_term_char(s + i, n - i, &len);
		if (shown != NULL)
			buf_puts(out, shown);
		else
			buf_put(out, s + i, len);
	}
	for (; pad && used < width; used++)
		buf_putc(out, ' ');
}

/* Appends s as a JSON string.  Controls are escaped (C1 included),
 * invalid UTF-8 and noncharacters become U+FFFD. */
static void S_json_string(struct buf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, len;
	unsigned cp;

	buf_putc(out, '"');
	while (i < n) {
		if (s[i] == '"' || s[i] == '\\') {
			buf_putc(out, '\\');
			buf_putc(out, (char)s[i++]);
		} else if (s[i] == '\n') {
			buf_puts(out, "\\n"), i++;
		} else if (s[i] == '\t') {
			buf_puts(out, "\\t"), i++;
		} else if (s[i] == '\r') {
			buf_puts(out, "\\r"), i++;
		} else if (s[i] < 0x20 || s[i] == 0x7F) {
			buf_printf(out, "\\u%04x", s[i++]);
		} else if (s[i] < 0x80) {
			buf_putc(out, (char)s[i++]);
		} else if (s[i] == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 &&
		    s[i + 1] <= 0x9F) {
			buf_printf(out, "\\u%04x", s[i + 1]);
			i += 2;
		} else if ((len = text_utf8_next(s + i, n - i, &cp)) != 0) {
			buf_put(out, s + i, len);
			i += len;
		} else {
			buf_puts(out, S_replacement);
			i += S_invalid_len(s + i, n - i);
		}
	}
	buf_putc(out, '"');
}

/* -- the table ---------------------------------------------------------- */

static int S_by_views(const void *pa, const void *pb)
{
	const struct article *a = pa, *b = pb;
	size_t n = a->slug_len < b->slug_len ? a->slug_len : b->slug_len;
	int c;

	if (a->live != b->live)
		return a->live > b->live ? -1 : 1;
	if ((c = memcmp(a->slug, b->slug, n)) != 0)
		return c;
	return a->slug_len < b->slug_len ? -1 : a->slug_len > b->slug_len;
}

static int64_t S_last7(const struct article *a)
{
	int64_t sum = 0;
	int i;

	for (i = VT_DAYS - VT_WEEK; i < VT_DAYS; i++)
		sum = S_add(sum, a->days[i]);
	return sum;
}

static size_t S_max(size_t a, size_t b)
{
	return a > b ? a : b;
}

static size_t S_digits(int64_t v)
{
	char tmp[32];

	return (size_t)snprintf(tmp, sizeof(tmp), "%" PRId64, v);
}

/* A day with no views is a blank; any other gets at least the lowest bar,
 * the article's best day the full one. */
static void S_put_spark(struct buf *out, const int64_t *days)
{
	int64_t max = 0;
	double scaled;
	int i, level;

	for (i = 0; i < VT_DAYS; i++)
		if (days[i] > max)
			max = days[i];
	for (i = 0; i < VT_DAYS; i++) {
		if (days[i] <= 0) {
			buf_putc(out, ' ');
			continue;
		}
		scaled = (double)days[i] * 8.0 / (double)max;
		level = (int)scaled;
		if (level < scaled)
			level++;
		level = level < 1 ? 1 : level > 8 ? 8 : level;
		buf_puts(out, S_bars[level - 1]);
	}
}

static size_t S_columns(void)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	long n;

	if (env != NULL && (n = strtol(env, NULL, 10)) > 0 && n < 10000)
		return (size_t)n;
	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return VT_COLUMNS;
}

/* The title as shown: drafts say so first.  Into tmp, which is reset. */
static void S_shown_title(struct buf *tmp, const struct article *a)
{
	buf_reset(tmp);
	if (a->draft)
		buf_puts(tmp, "(draft) ");
	buf_put(tmp, a->title, a->title_len);
}

struct widths {
	size_t	slug, title, total, today, week;
};

/* Numbers are never cut.  Slug and title share what is left; when both
 * do not fit, the title keeps at least half of it (or all it needs) and
 * each is cut with an ellipsis. */
static void S_table_widths(const struct snapshot *s, size_t columns,
    struct widths *w)
{
	struct buf tmp = BUF_INIT;
	const struct article *a;
	size_t i, slugs = 4, titles = 5, fixed, left;

	w->total = 5, w->today = 5, w->week = 6;
	for (i = 0; i < s->n; i++) {
		a = &s->art[i];
		S_shown_title(&tmp, a);
		titles = S_max(titles, S_term_width(tmp.data, tmp.len));
		slugs = S_max(slugs, S_term_width(a->slug, a->slug_len));
		w->total = S_max(w->total, S_digits(a->live));
		w->today = S_max(w->today, S_digits(a->days[VT_DAYS - 1]));
		w->week = S_max(w->week, S_digits(S_last7(a)));
	}
	buf_free(&tmp);
	fixed = w->total + w->today + w->week + VT_DAYS + 5 * 2;
	left = columns > fixed + VT_MIN_TEXT ? columns - fixed : VT_MIN_TEXT;
	if (slugs + titles <= left) {
		w->slug = slugs, w->title = titles;
		return;
	}
	w->title = titles < left / 2 ? titles : left / 2;
	if (left - w->title > slugs)
		w->title = left - slugs;
	w->slug = left - w->title;
}

static void S_render_table(struct buf *out, const struct snapshot *s,
    size_t columns)
{
	struct buf tmp = BUF_INIT;
	const struct article *a;
	struct widths w;
	size_t i;

	S_table_widths(s, columns, &w);
	buf_printf(out, "%-*s  %-*s  %*s  %*s  %*s  %s\n", (int)w.slug, "SLUG",
	    (int)w.title, "TITLE", (int)w.total, "TOTAL", (int)w.today,
	    "TODAY", (int)w.week, "7 DAYS", "LAST 14 DAYS");
	for (i = 0; i < s->n; i++) {
		a = &s->art[i];
		S_put_cell(out, a->slug, a->slug_len, w.slug, 1);
		buf_puts(out, "  ");
		S_shown_title(&tmp, a);
		S_put_cell(out, tmp.data, tmp.len, w.title, 1);
		buf_printf(out, "  %*" PRId64 "  %*" PRId64 "  %*" PRId64 "  ",
		    (int)w.total, a->live, (int)w.today, a->days[VT_DAYS - 1],
		    (int)w.week, S_last7(a));
		S_put_spark(out, a->days);
		buf_putc(out, '\n');
	}
	buf_free(&tmp);
}

static void S_render_json(struct buf *out, const struct snapshot *s)
{
	const struct article *a;
	size_t i;
	int d;

	buf_putc(out, '[');
	for (i = 0; i < s->n; i++) {
		a = &s->art[i];
		buf_puts(out, i == 0 ? "\n{\"slug\":" : ",\n{\"slug\":");
		S_json_string(out, a->slug, a->slug_len);
		buf_puts(out, ",\"title\":");
		S_json_string(out, a->title, a->title_len);
		buf_printf(out, ",\"draft\":%s,\"total\":%" PRId64 ",\"today\":%"
		    PRId64 ",\"last7\":%" PRId64 ",\"days\":[",
		    a->draft ? "true" : "false", a->live,
		    a->days[VT_DAYS - 1], S_last7(a));
		for (d = 0; d < VT_DAYS; d++)
			buf_printf(out, "%s%" PRId64, d ? "," : "", a->days[d]);
		buf_puts(out, "]}");
	}
	buf_puts(out, s->n ? "\n]\n" : "]\n");
}

static int S_write(const struct buf *out)
{
	if ((out->len > 0 && fwrite(out->data, 1, out->len, stdout) !=
	    out->len) || fflush(stdout) != 0) {
		fprintf(stderr, "viewtail: write: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* The table (or its JSON) of every article, once.  Exit status 0 or 1. */
static int S_show(struct tail *t)
{
	struct snapshot s;
	struct buf out = BUF_INIT;
	int rc;

	if (S_snapshot_load(t, &s, 1, time(NULL)) != 0) {
		fprintf(stderr, "viewtail: %s\n", t->err);
		return 1;
	}
	if (s.n > 0)
		qsort(s.art, s.n, sizeof(*s.art), S_by_views);
	if (t->json)
		S_render_json(&out, &s);
	else
		S_render_table(&out, &s, S_columns());
	rc = S_write(&out) == 0 ? 0 : 1;
	buf_free(&out);
	S_snapshot_free(&s);
	return rc;
}

/* -- following ---------------------------------------------------------- */

struct change {
	const struct article	*art;
	int64_t			 delta;
};

static int S_change_by_slug(const void *pa, const void *pb)
{
	const struct change *a = pa, *b = pb;
	size_t n = a->art->slug_len < b->art->slug_len ?
	    a->art->slug_len : b->art->slug_len;
	int c;

	if ((c = memcmp(a->art->slug, b->art->slug, n)) != 0)
		return c;
	return a->art->slug_len < b->art->slug_len ? -1 :
	    a->art->slug_len > b->art->slug_len;
}

static void S_render_change(struct buf *out, const struct change *c,
    time_t now, int json)
{
	char when[32];
	struct tm tm;

	gmtime_r(&now, &tm);
	if (json) {
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		buf_printf(out, "{\"time\":\"%s\",\"slug\":", when);
		S_json_string(out, c->art->slug, c->art->slug_len);
		buf_printf(out, ",\"delta\":%" PRId64 ",\"total\":%" PRId64
		    "}\n", c->delta, c->art->live);
		return;
	}
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	buf_printf(out, "%s  %+" PRId64 "  %" PRId64 "  ", when, c->delta,
	    c->art->live);
	S_put_cell(out, c->art->slug, c->art->slug_len,
	    S_term_width(c->art->slug, c->art->slug_len), 0);
	buf_putc(out, '\n');
}

/* One line per article whose live total moved since prev, by slug.  An
 * article new since prev starts from its imported views, so the views it
 * got in its first second are shown too. */
static int S_print_changes(const struct snapshot *prev,
    const struct snapshot *cur, time_t now, int json)
{
	struct buf out = BUF_INIT;
	struct change *ch;
	const struct article *old;
	size_t i, n = 0;
	int64_t before;
	int rc = 0;

	ch = xcalloc(cur->n, sizeof(*ch));
	for (i = 0; i < cur->n; i++) {
		old = S_find(prev, cur->art[i].id);
		before = old != NULL ? old->live : cur->art[i].imported;
		if (cur->art[i].live == before)
			continue;
		ch[n].art = &cur->art[i];
		ch[n++].delta = S_sub(cur->art[i].live, before);
	}
	if (n > 0)
		qsort(ch, n, sizeof(*ch), S_change_by_slug);
	for (i = 0; i < n && rc == 0; i++) {
		buf_reset(&out);
		S_render_change(&out, &ch[i], now, json);
		rc = S_write(&out);
	}
	buf_free(&out);
	free(ch);
	return rc;
}

/* Reports a problem met while following once, not every second. */
static void S_follow_warn(struct tail *t)
{
	if (strcmp(t->err, t->said) == 0)
		return;
	fprintf(stderr, "viewtail: %s\n", t->err);
	memcpy(t->said, t->err, sizeof(t->said));
}

/* One poll: reopen a database that was replaced (counting from its
 * state, printing nothing for the switch), then print what moved. */
static int S_follow_poll(struct tail *t, struct snapshot *prev)
{
	struct snapshot cur;
	time_t now = time(NULL);
	int reopened = 0;

	if (t->db != NULL && S_db_replaced(t)) {
		S_db_close(t);
		fprintf(stderr, "viewtail: %s was replaced or removed; "
		    "following the file at that path\n", t->db_path);
	}
	if (t->db == NULL) {
		if (S_db_open(t) != 0) {
			S_follow_warn(t);
			return 0;
		}
		reopened = 1;
	}
	if (S_snapshot_load(t, &cur, 0, now) != 0) {
		S_follow_warn(t);
		return 0;
	}
	t->said[0] = '\0';
	if (!reopened && S_print_changes(prev, &cur, now, t->json) != 0) {
		S_snapshot_free(&cur);
		return -1;
	}
	S_snapshot_free(prev);
	*prev = cur;
	return 0;
}

static void S_on_stop(int sig)
{
	(void)sig;
	S_stop_requested = 1;
}

/* No SA_RESTART: the signal also cuts the sleep short. */
static void S_catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = S_on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Sleeps to the next whole second after *next on the monotonic clock,
 * so polls do not drift; after a suspend it starts again from now. */
static void S_sleep_tick(struct timespec *next)
{
	struct timespec now;

	next->tv_sec++;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > next->tv_sec + 1)
		*next = now;
	while (!S_stop_requested && clock_nanosleep(CLOCK_MONOTONIC,
	    TIMER_ABSTIME, next, NULL) == EINTR)
		;
}

/* Until SIGINT or SIGTERM (status 0); 1 if the first read fails or
 * stdout goes away. */
static int S_follow(struct tail *t)
{
	struct snapshot prev;
	struct timespec next;
	int rc = 0;

	S_catch_stop();
	if (S_snapshot_load(t, &prev, 0, time(NULL)) != 0) {
		fprintf(stderr, "viewtail: %s\n", t->err);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (rc == 0) {
		S_sleep_tick(&next);
		if (S_stop_requested)
			break;
		rc = S_follow_poll(t, &prev);
	}
	S_snapshot_free(&prev);
	return rc == 0 ? 0 : 1;
}

/* -- options ------------------------------------------------------------ */

static void S_usage(FILE *f)
{
	fputs("usage: viewtail [--db PATH] [--json] [-f | --follow]\n"
	    "       viewtail --help\n"
	    "\n"
	    "Shows every article's views, most viewed first: total, today,\n"
	    "the last 7 days and a sparkline of the last 14 (UTC days).\n"
	    "\n"
	    "  --db PATH     the database (default " VT_DEFAULT_DB ");\n"
	    "                its live counter file is PATH-views\n"
	    "  -f, --follow  every second, print a line for each article\n"
	    "                whose views changed: HH:MM:SS(UTC) +N TOTAL SLUG\n"
	    "  --json        JSON instead of text (with -f, a line each)\n"
	    "  -h, --help    print this help and exit\n", f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "follow", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tail t;
	int c, rc;

	memset(&t, 0, sizeof(t));
	t.db_path = VT_DEFAULT_DB;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			t.db_path = optarg;
			break;
		case 'f':
			t.follow = 1;
			break;
		case 'j':
			t.json = 1;
			break;
		case 'h':
			S_usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "viewtail: %s needs an argument\n",
			    argv[optind - 1]);
			S_usage(stderr);
			return 2;
		default:
			if (optopt != 0)
				fprintf(stderr, "viewtail: unknown option "
				    "-%c\n", optopt);
			else
				fprintf(stderr, "viewtail: unknown option "
				    "%s\n", argv[optind - 1]);
			S_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "viewtail: unexpected argument %s\n",
		    argv[optind]);
		S_usage(stderr);
		return 2;
	}
	if ((size_t)snprintf(t.counter_path, sizeof(t.counter_path),
	    "%s-views", t.db_path) >= sizeof(t.counter_path)) {
		fprintf(stderr, "viewtail: %s: path too long\n", t.db_path);
		return 1;
	}
	if (S_db_open(&t) != 0) {
		fprintf(stderr, "viewtail: %s\n", t.err);
		return 1;
	}
	rc = t.follow ? S_follow(&t) : S_show(&t);
	counter_close(t.counter);
	S_db_close(&t);
	return rc;
}
