/* store_render.c: stored renders (table article_renders, render.h): one
 * short write transaction per render, tried once.  A page view never
 * waits for the write lock to store a render: while the owner's shell or
 * the fold holds it, the view serves the render it made and the next miss
 * tries again.  Only a slow marker waits, briefly (store_render_put). */
#include <stdio.h>

#include "lib/log.h"
#include "store/store_db.h"

/* How long a slow marker may wait for the write lock (see store_render_put). */
#define RENDER_SLOW_MARK_WAIT_MS	200

static int S_bind_put(struct store *s, int64_t id,
    const struct stored_render *r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_RENDER_PUT);

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, r->hash);
	sqlite3_bind_int64(st, 3, r->len);
	sqlite3_bind_text(st, 4, r->rules, -1, SQLITE_STATIC);
	if (r->html != NULL)
		sqlite3_bind_text(st, 5, r->html, (int)r->html_len,
		    SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->excerpt ? r->excerpt : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, r->words);
	sqlite3_bind_int(st, 8, r->slow);
	return store_exec(s, STMT_RENDER_PUT);
}

/* Any failure but a busy lock is logged once per connection and leaves
 * the connection alone: a read-only file or a full disk must not make
 * every page view reconnect; pages then render on every miss. */
static enum store_rc S_failed(struct store *s, int rc)
{
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return STORE_BUSY;
	if (!s->render_err_logged)
		log_line("%s: cannot store rendered articles (%s); pages are "
		    "rendered at each miss until it can", s->path,
		    sqlite3_errmsg(s->db));
	s->render_err_logged = 1;
	return STORE_UNAVAILABLE;
}

int store_write_once(struct store *s, int wait_ms,
    int (*put)(struct store *, const void *), const void *arg)
{
	int rc;

	if ((rc = store_begin_within(s, wait_ms)) != SQLITE_OK)
		return rc;
	rc = store_exec(s, STMT_RENDER_MARK);
	if (rc == SQLITE_OK)
		rc = put(s, arg);
	if (rc == SQLITE_OK)
		rc = store_exec(s, STMT_FOLD_UNMARK);
	if (rc == SQLITE_OK)
		rc = store_exec(s, STMT_COMMIT);
	if (rc != SQLITE_OK && !sqlite3_get_autocommit(s->db))
		store_exec(s, STMT_ROLLBACK);
	return rc;
}

struct put {
	int64_t				 id;
	const struct stored_render	*r;
	int				*changed;
};

static int S_put(struct store *s, const void *arg)
{
	const struct put *p = arg;
	int rc = S_bind_put(s, p->id, p->r);

	if (rc == SQLITE_OK)
		*p->changed = sqlite3_changes(s->db) > 0;
	return rc;
}

enum store_rc store_render_put(struct store *s, int64_t id,
    const struct stored_render *r, int *changed)
{
	struct put p = { id, r, changed };
	int rc;

	*changed = 0;
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	/* A render: one try, a page view never waits to store it.  A slow
	 * marker may wait a little: its answer has already spent the render
	 * bound, and the marker spares every other worker that much CPU;
	 * two workers passing the bound together meet here, and the second
	 * must see the first's marker, not log the article a second time. */
	rc = store_write_once(s, r->slow ? RENDER_SLOW_MARK_WAIT_MS : 0, S_put,
	    &p);
	if (rc != SQLITE_OK) {
		*changed = 0;
		return S_failed(s, rc);
	}
	return STORE_OK;
}
