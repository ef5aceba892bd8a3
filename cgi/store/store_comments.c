/* store_comments.c: patients' questions' SQL (see store_comments.h):
 * the form's article, the settings of the comments group, the published
 * comments, the day's key, and a question stored in one transaction with
 * the site-wide limits checked inside it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/log.h"
#include "store/store_comments.h"
#include "store/store_db.h"

/* How long a question waits for a lock the owner or the fold holds:
 * a POST holds one worker, never the readers, and beyond this the
 * patient is asked to try again in a minute with their text kept. */
#define COMMENT_BUSY_MS	250

static void S_copy(char *out, size_t outlen, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, outlen, "%s", t ? (const char *)t : "");
}

enum store_rc store_comment_article(struct store *s, const char *slug,
    const char *now, struct comment_article *a)
{
	sqlite3_stmt *st;
	int rc;

	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = store_stmt(s, STMT_COMMENT_ARTICLE);
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a->id = sqlite3_column_int64(st, 0);
		S_copy(a->title, sizeof(a->title), st, 1);
		a->closed = sqlite3_column_text(st, 2) != NULL &&
		    strcmp((const char *)sqlite3_column_text(st, 2), "closed") == 0;
		S_copy(a->published_at, sizeof(a->published_at), st, 3);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	return rc == SQLITE_ROW ? STORE_OK : store_rc_of(s, rc);
}

static void S_defaults(struct comment_settings *cs)
{
	memset(cs, 0, sizeof(*cs));
	cs->open = 1;
	cs->max_length = 2000;
	cs->pending_cap = 200;
	cs->per_minute = 30;
	cs->gap_seconds = 15;
	cs->per_hour = 5;
	cs->purge_after_days = 30;
}

static void S_setting(struct comment_settings *cs, const char *k,
    const char *v)
{
	static const struct {
		const char	*key;
		size_t		 off;
	} nums[] = {
		{ "comments.max_length", offsetof(struct comment_settings, max_length) },
		{ "comments.close_after_days", offsetof(struct comment_settings, close_after_days) },
		{ "comments.pending_cap", offsetof(struct comment_settings, pending_cap) },
		{ "comments.per_minute", offsetof(struct comment_settings, per_minute) },
		{ "comments.gap_seconds", offsetof(struct comment_settings, gap_seconds) },
		{ "comments.per_hour", offsetof(struct comment_settings, per_hour) },
		{ "comments.purge_after_days", offsetof(struct comment_settings, purge_after_days) },
	};
	size_t i;

	if (strcmp(k, "comments.open") == 0)
		cs->open = strcmp(v, "no") != 0;
	else if (strcmp(k, "comments.notice") == 0)
		snprintf(cs->notice, sizeof(cs->notice), "%s", v);
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		if (strcmp(k, nums[i].key) == 0)
			*(long *)((char *)cs + nums[i].off) = strtol(v, NULL, 10);
}

enum store_rc store_comment_settings(struct store *s,
    struct comment_settings *cs)
{
	sqlite3_stmt *st;
	const unsigned char *k, *v;
	int rc;

	S_defaults(cs);
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = store_stmt(s, STMT_COMMENT_SETTINGS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		k = sqlite3_column_text(st, 0);
		v = sqlite3_column_text(st, 1);
		if (k != NULL && v != NULL)
			S_setting(cs, (const char *)k, (const char *)v);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(s, rc);
}

enum store_rc store_comments(struct store *s, int64_t article,
    struct comment **out, size_t *n)
{
	sqlite3_stmt *st;
	struct comment *c;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = store_stmt(s, STMT_COMMENT_LIST);
	sqlite3_bind_int64(st, 1, article);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		c = &(*out)[(*n)++];
		c->id = sqlite3_column_int64(st, 0);
		c->parent = sqlite3_column_int64(st, 1);
		c->name = store_column_dup(st, 2, NULL);
		c->body = store_column_dup(st, 3, NULL);
		c->created_at = store_column_dup(st, 4, NULL);
		c->by_clinic = sqlite3_column_int(st, 5) != 0;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_comments_free(*out, *n);
		*out = NULL;
		*n = 0;
		return store_rc_of(s, rc);
	}
	return STORE_OK;
}

void store_comments_free(struct comment *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].name);
		free(c[i].body);
		free(c[i].created_at);
	}
	free(c);
}

static int S_read_key(struct store *s, const char *day, unsigned char key[16])
{
	sqlite3_stmt *st = store_stmt(s, STMT_COMMENT_KEY);
	int rc;

	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)	/* 16 bytes: CHECK */
		memcpy(key, sqlite3_column_blob(st, 0), 16);
	sqlite3_reset(st);
	return rc;
}

/* Runs the statements of steps in one transaction with the marker row,
 * waiting at most busy_ms for the lock. */
static int S_write(struct store *s, int busy_ms, int (*steps)(struct store *,
    void *), void *arg)
{
	int rc;

	if ((rc = store_begin_within(s, busy_ms)) != SQLITE_OK)
		return rc;
	rc = store_exec(s, STMT_COMMENT_MARK);
	if (rc == SQLITE_OK)
		rc = steps(s, arg);
	if (rc == SQLITE_OK)
		rc = store_exec(s, STMT_FOLD_UNMARK);
	if (rc == SQLITE_OK)
		rc = store_exec(s, STMT_COMMIT);
	if (rc != SQLITE_OK && !sqlite3_get_autocommit(s->db))
		store_exec(s, STMT_ROLLBACK);
	return rc;
}

/* Runs which with ?1 = text. */
static int S_exec_text(struct store *s, enum stmt which, const char *text)
{
	sqlite3_bind_text(store_stmt(s, which), 1, text, -1, SQLITE_STATIC);
	return store_exec(s, which);
}

struct key_days {
	const char	*day, *next, *drop;
};

static int S_make_key(struct store *s, void *arg)
{
	const struct key_days *d = arg;
	int rc = S_exec_text(s, STMT_COMMENT_KEY_MAKE, d->day);

	if (rc == SQLITE_OK)
		rc = S_exec_text(s, STMT_COMMENT_KEY_MAKE, d->next);
	return rc != SQLITE_OK ? rc : S_exec_text(s, STMT_COMMENT_KEY_OLD,
	    d->drop);
}

enum store_rc store_comment_key(struct store *s, const char *day,
    const char *next, const char *drop, int make, unsigned char key[16])
{
	struct key_days d = { day, next, drop };
	int rc;

	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	if ((rc = S_read_key(s, day, key)) == SQLITE_ROW)
		return STORE_OK;
	if (rc != SQLITE_DONE)
		return store_rc_of(s, rc);
	if (!make)
		return STORE_NOTFOUND;
	if ((rc = S_write(s, 0, S_make_key, &d)) != SQLITE_OK) {
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			return STORE_BUSY;	/* the next answer tries */
		log_line("%s: cannot make the question form's key: %s",
		    s->path, sqlite3_errmsg(s->db));
		return STORE_UNAVAILABLE;
	}
	rc = S_read_key(s, day, key);
	return rc == SQLITE_ROW ? STORE_OK : STORE_NOTFOUND;
}

struct put {
	int64_t				 article;
	const char			*name, *body, *since, *purge;
	const struct comment_settings	*cs;
	enum comment_put		 result;
	int64_t				 id;
};

static int64_t S_count(struct store *s, enum stmt which, const char *arg)
{
	sqlite3_stmt *st = store_stmt(s, which);
	int64_t n = -1;

	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/* The site-wide limits, read inside the write transaction so that two
 * workers cannot both pass them. */
static int S_refused(struct store *s, struct put *p)
{
	sqlite3_stmt *st;
	int same;

	if (S_count(s, STMT_COMMENT_RECENT, p->since) >= p->cs->per_minute)
		return p->result = COMMENT_TOO_MANY, 1;
	if (S_count(s, STMT_COMMENT_PENDING, NULL) >= p->cs->pending_cap)
		return p->result = COMMENT_PAUSED, 1;
	st = store_stmt(s, STMT_COMMENT_SAME);
	sqlite3_bind_int64(st, 1, p->article);
	sqlite3_bind_text(st, 2, p->body, -1, SQLITE_STATIC);
	same = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (same)
		return p->result = COMMENT_DUPLICATE, 1;
	return 0;
}

static int S_put(struct store *s, void *arg)
{
	struct put *p = arg;
	sqlite3_stmt *st;
	int rc;

	if (S_refused(s, p))
		return SQLITE_OK;	/* nothing written: commit the mark's undo */
	st = store_stmt(s, STMT_COMMENT_PUT);
	sqlite3_bind_int64(st, 1, p->article);
	sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->body, -1, SQLITE_STATIC);
	if ((rc = store_exec(s, STMT_COMMENT_PUT)) != SQLITE_OK)
		return rc;
	p->id = sqlite3_last_insert_rowid(s->db);
	p->result = COMMENT_STORED;
	return S_exec_text(s, STMT_COMMENT_PURGE, p->purge);
}

enum comment_put store_comment_put(struct store *s, int64_t article,
    const char *name, const char *body, const char *since,
    const char *purge, const struct comment_settings *cs, int64_t *id)
{
	struct put p = { article, name, body, since, purge, cs,
	    COMMENT_FAILED, 0 };
	int rc;

	if (s->db == NULL)
		return COMMENT_BUSY;
	/* The purged questions' bytes are overwritten, not left in free
	 * pages of the file (nor in the WAL once it is checkpointed). */
	sqlite3_exec(s->db, "PRAGMA secure_delete = ON", NULL, NULL, NULL);
	rc = S_write(s, COMMENT_BUSY_MS, S_put, &p);
	sqlite3_exec(s->db, "PRAGMA secure_delete = OFF", NULL, NULL, NULL);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return COMMENT_BUSY;
	if (rc != SQLITE_OK) {
		log_line("%s: cannot store a question: %s", s->path,
		    sqlite3_errmsg(s->db));
		return COMMENT_FAILED;
	}
	*id = p.id;
	return p.result;
}

