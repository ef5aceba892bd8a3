/* store_db.h: the store's insides (the connection, the statement table
 * of store_sql.c, the row readers), shared by the files of store/ and by
 * nothing else (tools/code-shape checks it).  The only header of
 * articled that includes sqlite3.h. */
#ifndef ARTICLED_STORE_DB_H
#define ARTICLED_STORE_DB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <sqlite3.h>

#include "store/store.h"

enum stmt {
	STMT_SITE_REV,
	STMT_SETTINGS,
	STMT_ARTICLE,
	STMT_NEXT_PUBLISH,
	STMT_LIST_KEYS,
	STMT_LIST_FIRST,
	STMT_LIST_FROM,
	STMT_BEGIN,
	STMT_BEGIN_READ,
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
	STMT_RENDER_MARK,
	STMT_RENDER_PUT,
	STMT_REPAIR_GENERATION,
	STMT_REPAIR_SITE_VERSION,
	STMT_SEARCH,
	STMT_TAG_KEYS,
	STMT_TAG_FROM,
	STMT_POST_TAGS,
	STMT_POST_OLDER,
	STMT_POST_NEWER,
	STMT_RELATED_TAGS,
	STMT_RELATED_TITLES,
	STMT_RELATED_COUNT,
	STMT_RELATED_NEWEST,
	STMT_RELATED_STORED,
	STMT_RELATED_PUT,
	STMT_MOST_READ,
	STMT_SLUG_MOVED,
	STMT_FEED_STAMP,
	STMT_SITEMAP_URLS,
	STMT_MEDIA_INFO,
	STMT_MEDIA_VARIANT,
	STMT_SETTING_VALUE,
	STMT_READERS_DAY,
	STMT_READERS_SITE,
	STMT_SOURCES_DAY,
	STMT_COMMENT_ARTICLE,
	STMT_COMMENT_SETTINGS,
	STMT_COMMENT_LIST,
	STMT_COMMENT_KEY,
	STMT_COMMENT_KEY_MAKE,
	STMT_COMMENT_KEY_OLD,
	STMT_COMMENT_MARK,
	STMT_COMMENT_RECENT,
	STMT_COMMENT_PENDING,
	STMT_COMMENT_SAME,
	STMT_COMMENT_PUT,
	STMT_COMMENT_PURGE,
	STMT_CLINIC_SETTINGS,
	STMT_ARTICLE_PEOPLE,
	STMT_PERSON,
	STMT_PERSON_ARTICLES,
	STMT_SITEMAP_PEOPLE,
	STMT_CLOSURES,
	STMT_CHECK_ARTICLES,
	STMT_CHECK_NAMES,
	STMT__MAX
};

/* The SQL of each statement, by enum stmt (store_sql.c). */
extern const char *const store_sql[STMT__MAX];

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
	int		 render_err_logged;	/* store_render.c */
	int		 in_request;	/* reads share a transaction (store_stmt) */
	int		 related_err_logged;	/* store_related_keep.c */
};

/* SQLite's result as ours; an error other than a busy lock marks the
 * connection broken, to be reopened at the next probe. */
enum store_rc	 store_rc_of(struct store *s, int rc);
/* site_version.rev by a plain read: SQLITE_ROW (set), SQLITE_DONE, or an error. */
int		 store_read_rev(struct store *s, int64_t *rev);
/* Every statement table (store_sql, the picture maker's) goes through
 * these: n statements of sql prepared into out, or -1 with a message
 * naming what they are; a statement reset with its bindings cleared;
 * a statement returning no rows stepped and reset (SQLITE_OK or the
 * error); a row step that stops, SQLITE_DONE, once n rows of max are
 * read (a page's worth: what is left is not an error). */
int		 store_prepare(struct store *s, const char *const *sql,
		    size_t n, sqlite3_stmt **out, const char *what, char *err,
		    size_t errlen);
sqlite3_stmt	*store_ready(sqlite3_stmt *st);
int		 store_run(sqlite3_stmt *st);
int		 store_step_upto(sqlite3_stmt *st, size_t n, size_t max);
/* The statement, ready (store_ready); within a request, outside any
 * transaction, a read transaction is begun first. */
sqlite3_stmt	*store_stmt(struct store *s, enum stmt which);
/* store_run of store_sql's statement which. */
int		 store_exec(struct store *s, enum stmt which);
/* Ends the request's read transaction, if one is open (before a write,
 * and after the handler: store_request_end). */
void		 store_read_end(struct store *s);
/* One short write transaction, tried once, waiting up to wait_ms for the
 * lock: BEGIN IMMEDIATE, articled_writing's marker, put(s, arg), the
 * marker gone, COMMIT; rolled back on failure.  SQLite's code
 * (store_render.c). */
int		 store_write_once(struct store *s, int wait_ms,
		    int (*put)(struct store *, const void *), const void *arg);
/* A column as an owned string (len: its length, if not NULL). */
char		*store_column_dup(sqlite3_stmt *st, int col, size_t *len);
/* An article from a row of LIST_COLUMNS (store_sql.c). */
void		 store_article_from_row(sqlite3_stmt *st, struct article *a);
/* The one text column of statement which, bound to ?1 = now, into out
 * ("" for no row or NULL) (store_read.c). */
enum store_rc	 store_text_at(struct store *s, enum stmt which,
		    const char *now, char *out, size_t outlen);
/* How long a statement waits for a lock before it reports SQLITE_BUSY:
 * a reader meets one only while another connection recovers the WAL or
 * checkpoints, briefly; a writer that must not wait that long asks for
 * less (store_begin_within). */
#define STORE_BUSY_MS	2000

/* The schema version db records (SCHEMA_SQL_VERSION) into v: 0, or -1
 * when it cannot be read (store.c). */
int		 store_schema_version(sqlite3 *db, int *v);
/* Ends the request's read transaction, if one is open (it cannot become
 * a write), sets SQLite's wait for a lock to wait_ms, runs BEGIN and sets
 * it back to STORE_BUSY_MS: a writer that must not make a reader's page
 * wait (store.c).  SQLite's code. */
int		 store_begin_within(struct store *s, int wait_ms);
/* Maps the WAL-index header once a read has made it (store.c). */
void		 store_map_shm(struct store *s);

struct link;
/* Steps st for (slug, title) rows into out (up to max, *n so far),
 * skipping self and slugs already there; SQLite's last code
 * (store_link.c). */
int		 store_links(sqlite3_stmt *st, const char *self,
		    struct link *out, size_t max, size_t *n);
/* Adds to out the articles whose titles share words with a's; words is
 * '"w" "w" ...' (search_title_query); SQLite's last code
 * (store_related.c). */
int		 store_related_titles(struct store *s, const struct article *a,
		    const char *words, const char *now, struct link *out,
		    size_t max, size_t *n);
/* a's stored related links, if still valid at now, into out (*n of
 * them): 1 when found, 0 when they must be computed, -SQLite's code on
 * an error (store_related_keep.c). */
int		 store_related_stored(struct store *s, const struct article *a,
		    const char *now, struct link *out, size_t max, size_t *n);
/* Stores a's related links as just computed, if nothing changed since
 * (one try; a busy lock or a failure leaves them to the next miss). */
void		 store_related_keep(struct store *s, const struct article *a,
		    const char *now, const struct link *links, size_t n);

#endif
