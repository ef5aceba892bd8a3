/* store_media.c: the picture maker's reads and writes (store_media.h).
 * Its statements are its own, prepared only by the maker's connection:
 * the workers, which never write pictures, do not carry them.  Every
 * write is one transaction marked in articled_writing, like the fold's,
 * and checks media.version, so the result of bytes the owner has since
 * replaced is never stored as the new picture. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "store/store_db.h"
#include "store/store_media.h"

/* A busy lock (the owner's shell in a transaction) is waited for this
 * long before the maker tries again at its next round. */
#define MEDIA_BUSY_MS	10000

enum mstmt {
	MS_PENDING,
	MS_ORIGINAL,
	MS_MARK,
	MS_READY,
	MS_REFUSED,
	MS_DROP,
	MS_PUT,
	MS_ROWS,
	MS_VARIANT,
	MS__MAX
};

static const char *const S_sql[MS__MAX] = {
	/* MS_PENDING: id and name come before data in the row, so this
	 * reads no picture's bytes; version and status after it do. */
	"SELECT id, version, name FROM media WHERE status = 'pending' "
	"ORDER BY id",
	/* MS_ORIGINAL */
	"SELECT data FROM media WHERE id = ?1 AND version = ?2 "
	"AND status = 'pending'",
	/* MS_MARK: the guards of media and media_variants let articled
	 * write while this row exists (see STMT_FOLD_MARK). */
	"INSERT OR REPLACE INTO articled_writing(who) VALUES ('maker')",
	/* MS_READY */
	"UPDATE media SET status = 'ready', problem = NULL, width = ?3, "
	"height = ?4 WHERE id = ?1 AND version = ?2 AND status = 'pending'",
	/* MS_REFUSED */
	"UPDATE media SET status = 'refused', problem = ?3, width = NULL, "
	"height = NULL WHERE id = ?1 AND version = ?2 AND status = 'pending'",
	/* MS_DROP: every older version's rows, and this one's if the owner
	 * asked for it to be made again (status set back to 'pending'). */
	"DELETE FROM media_variants WHERE media_id = ?1",
	/* MS_PUT */
	"INSERT INTO media_variants(media_id, version, format, width, height, "
	"data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* MS_ROWS: length() of a blob is read from the record's header,
	 * not from the bytes. */
	"SELECT media_id, version, format, width, length(data) "
	"FROM media_variants",
	/* MS_VARIANT */
	"SELECT data FROM media_variants WHERE media_id = ?1 AND version = ?2 "
	"AND format = ?3 AND width = ?4",
};

struct media_store {
	struct store	*s;
	sqlite3_stmt	*stmt[MS__MAX];
};

static sqlite3_stmt *S_stmt(struct media_store *ms, enum mstmt which)
{
	return store_ready(ms->stmt[which]);
}

static int S_exec(struct media_store *ms, enum mstmt which)
{
	return store_run(ms->stmt[which]);
}

struct media_store *media_store_open(const char *db, char *err, size_t errlen)
{
	struct media_store *ms = xcalloc(1, sizeof(*ms));

	if ((ms->s = store_open(db, err, errlen)) == NULL ||
	    store_prepare(ms->s, S_sql, MS__MAX, ms->stmt,
	    "the picture maker's statement", err, errlen) != 0) {
		media_store_close(ms);
		return NULL;
	}
	/* Closing as the last connection would checkpoint under the write
	 * lock: a CGI run's fold, which never waits for it, would miss its
	 * turn (its view then waits for the next run).  The next run's own
	 * close checkpoints instead. */
	sqlite3_db_config(ms->s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
	    (int *)NULL);
	return ms;
}

void media_store_close(struct media_store *ms)
{
	size_t i;

	if (ms == NULL)
		return;
	for (i = 0; i < MS__MAX; i++)
		sqlite3_finalize(ms->stmt[i]);
	store_close(ms->s);
	free(ms);
}

const char *media_store_errmsg(const struct media_store *ms)
{
	return store_errmsg(ms->s);
}

enum store_rc media_site_rev(struct store *s, int64_t *rev)
{
	int rc;

	if (s == NULL || s->db == NULL)
		return STORE_UNAVAILABLE;
	rc = store_read_rev(s, rev);
	return rc == SQLITE_DONE ? STORE_NOTFOUND : store_rc_of(s, rc);
}

enum store_rc media_store_rev(struct media_store *ms, int64_t *rev)
{
	return media_site_rev(ms->s, rev);
}

enum store_rc media_store_pending(struct media_store *ms,
    struct media_pending **out, size_t *n)
{
	sqlite3_stmt *st = S_stmt(ms, MS_PENDING);
	struct media_pending *p;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		p = &(*out)[(*n)++];
		p->id = sqlite3_column_int64(st, 0);
		p->version = sqlite3_column_int64(st, 1);
		snprintf(p->name, sizeof(p->name), "%s",
		    (const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_reset(st);
	return store_rc_of(ms->s, rc);
}

/* The one blob column of a row just stepped, copied. */
static void S_blob_dup(sqlite3_stmt *st, unsigned char **data, size_t *len)
{
	const void *p = sqlite3_column_blob(st, 0);

	*len = (size_t)sqlite3_column_bytes(st, 0);
	*data = xmalloc(*len ? *len : 1);
	if (*len > 0)
		memcpy(*data, p, *len);
}

/* Steps st for one blob: STORE_NOTFOUND for no row. */
static enum store_rc S_blob(struct media_store *ms, sqlite3_stmt *st,
    unsigned char **data, size_t *len)
{
	int rc = sqlite3_step(st);

	*data = NULL;
	*len = 0;
	if (rc == SQLITE_ROW)
		S_blob_dup(st, data, len);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	return store_rc_of(ms->s, rc);
}

enum store_rc media_store_original(struct media_store *ms,
    const struct media_pending *p, unsigned char **data, size_t *len)
{
	sqlite3_stmt *st = S_stmt(ms, MS_ORIGINAL);

	sqlite3_bind_int64(st, 1, p->id);
	sqlite3_bind_int64(st, 2, p->version);
	return S_blob(ms, st, data, len);
}

enum store_rc media_store_variant(struct media_store *ms,
    const struct media_row *row, unsigned char **data, size_t *len)
{
	sqlite3_stmt *st = S_stmt(ms, MS_VARIANT);

	sqlite3_bind_int64(st, 1, row->media_id);
	sqlite3_bind_int64(st, 2, row->version);
	sqlite3_bind_text(st, 3, row->format, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, row->width);
	return S_blob(ms, st, data, len);
}

enum store_rc media_store_rows(struct media_store *ms, media_row_fn *each,
    void *arg)
{
	sqlite3_stmt *st = S_stmt(ms, MS_ROWS);
	struct media_row row;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row.media_id = sqlite3_column_int64(st, 0);
		row.version = sqlite3_column_int64(st, 1);
		snprintf(row.format, sizeof(row.format), "%s",
		    (const char *)sqlite3_column_text(st, 2));
		row.width = sqlite3_column_int(st, 3);
		row.len = sqlite3_column_int64(st, 4);
		each(&row, arg);
	}
	sqlite3_reset(st);
	return store_rc_of(ms->s, rc);
}

/* ---- the one transaction ------------------------------------------- */

static int S_put_one(struct media_store *ms, const struct media_pending *p,
    const struct media_variant *v)
{
	sqlite3_stmt *st = S_stmt(ms, MS_PUT);

	sqlite3_bind_int64(st, 1, p->id);
	sqlite3_bind_int64(st, 2, p->version);
	sqlite3_bind_text(st, 3, v->format, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, v->width);
	sqlite3_bind_int(st, 5, v->height);
	sqlite3_bind_blob64(st, 6, v->data, v->len, SQLITE_STATIC);
	return S_exec(ms, MS_PUT);
}

/* Drops the picture's rows and puts the new ones. */
static int S_put_all(struct media_store *ms, const struct media_pending *p,
    const struct media_made *m)
{
	sqlite3_stmt *st = S_stmt(ms, MS_DROP);
	size_t i;
	int rc;

	sqlite3_bind_int64(st, 1, p->id);
	if ((rc = S_exec(ms, MS_DROP)) != SQLITE_OK)
		return rc;
	for (i = 0; i < m->n; i++)
		if ((rc = S_put_one(ms, p, &m->v[i])) != SQLITE_OK)
			return rc;
	return SQLITE_OK;
}

/* Runs the status update (already bound); SQLITE_DONE stands for "no
 * such pending version": the caller rolls back and calls it stale. */
static int S_status(struct media_store *ms, enum mstmt which)
{
	int rc = S_exec(ms, which);

	if (rc == SQLITE_OK && sqlite3_changes(ms->s->db) != 1)
		return SQLITE_DONE;
	return rc;
}

static enum store_rc S_end(struct media_store *ms, int rc, int *stale)
{
	if (rc == SQLITE_OK)
		rc = store_exec(ms->s, STMT_FOLD_UNMARK);
	if (rc == SQLITE_OK)
		rc = store_exec(ms->s, STMT_COMMIT);
	if (rc == SQLITE_OK)
		return STORE_OK;
	if (!sqlite3_get_autocommit(ms->s->db))
		store_exec(ms->s, STMT_ROLLBACK);
	if (rc == SQLITE_DONE) {
		*stale = 1;
		return STORE_OK;
	}
	return store_rc_of(ms->s, rc);
}

static int S_begin(struct media_store *ms)
{
	int rc;

	if (ms->s->db == NULL)
		return SQLITE_CANTOPEN;
	rc = store_begin_within(ms->s, MEDIA_BUSY_MS);
	if (rc == SQLITE_OK)
		rc = S_exec(ms, MS_MARK);
	return rc;
}

enum store_rc media_store_made(struct media_store *ms,
    const struct media_pending *p, const struct media_made *m, int *stale)
{
	sqlite3_stmt *st;
	int rc;

	*stale = 0;
	if ((rc = S_begin(ms)) != SQLITE_OK)
		return S_end(ms, rc, stale);
	st = S_stmt(ms, MS_READY);
	sqlite3_bind_int64(st, 1, p->id);
	sqlite3_bind_int64(st, 2, p->version);
	sqlite3_bind_int(st, 3, m->width);
	sqlite3_bind_int(st, 4, m->height);
	if ((rc = S_status(ms, MS_READY)) == SQLITE_OK)
		rc = S_put_all(ms, p, m);
	return S_end(ms, rc, stale);
}

enum store_rc media_store_refused(struct media_store *ms,
    const struct media_pending *p, const char *problem, int *stale)
{
	static const struct media_made none = { 0, 0, NULL, 0 };
	sqlite3_stmt *st;
	int rc;

	*stale = 0;
	if ((rc = S_begin(ms)) != SQLITE_OK)
		return S_end(ms, rc, stale);
	st = S_stmt(ms, MS_REFUSED);
	sqlite3_bind_int64(st, 1, p->id);
	sqlite3_bind_int64(st, 2, p->version);
	sqlite3_bind_text(st, 3, problem, -1, SQLITE_STATIC);
	if ((rc = S_status(ms, MS_REFUSED)) == SQLITE_OK)
		rc = S_put_all(ms, p, &none);
	return S_end(ms, rc, stale);
}
