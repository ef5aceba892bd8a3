/* store_check.c: the reads of articled check (store_check.h).  The
 * comments table comes with another feature: it is looked for when the
 * check runs, and its statement prepared then, not at start-up. */
#include <string.h>

#include "store/store_check.h"
#include "store/store_db.h"

static const char *S_col(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t != NULL ? (const char *)t : "";
}

enum store_rc store_check_begin(struct store *s)
{
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	return store_rc_of(s, sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL));
}

void store_check_end(struct store *s)
{
	if (s->db != NULL)
		(void)sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

enum store_rc store_check_names(struct store *s, check_name_fn *each,
    void *arg)
{
	sqlite3_stmt *st = store_stmt(s, STMT_CHECK_NAMES);
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		each((enum check_name)sqlite3_column_int(st, 1), S_col(st, 0),
		    S_col(st, 2), arg);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(s, rc);
}

/* Columns 9 to 13: the stored render, if any. */
static void S_stored(sqlite3_stmt *st, struct stored_render *r)
{
	memset(r, 0, sizeof(*r));
	if ((r->present = sqlite3_column_type(st, 9) != SQLITE_NULL) == 0)
		return;
	r->hash = sqlite3_column_int64(st, 9);
	r->len = sqlite3_column_int64(st, 10);
	r->rules = (char *)S_col(st, 11);
	r->slow = sqlite3_column_type(st, 12) == SQLITE_NULL;
	r->html = (char *)S_col(st, 12);
	r->html_len = (size_t)sqlite3_column_bytes(st, 12);
	r->excerpt = (char *)S_col(st, 13);
}

static void S_row(sqlite3_stmt *st, struct check_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->slug = S_col(st, 1);
	r->title = S_col(st, 2);
	r->body = S_col(st, 3);
	r->body_len = (size_t)sqlite3_column_bytes(st, 3);
	r->reviewed_on = S_col(st, 4);
	r->author = S_col(st, 5);
	r->cover = S_col(st, 6);
	r->cover_alt = sqlite3_column_type(st, 7) == SQLITE_NULL ? NULL :
	    S_col(st, 7);
	r->draft = sqlite3_column_int(st, 8);
	S_stored(st, &r->stored);
}

enum store_rc store_check_articles(struct store *s, check_row_fn *each,
    void *arg)
{
	sqlite3_stmt *st = store_stmt(s, STMT_CHECK_ARTICLES);
	struct check_row r;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		S_row(st, &r);
		each(&r, arg);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(s, rc);
}

enum store_rc store_check_waiting(struct store *s, int days,
    check_waiting_fn *each, void *arg, int *present)
{
	static const char sql[] = "SELECT article_id, count(*) FROM comments "
	    "WHERE status = 'pending' "
	    "AND julianday(created_at) < julianday('now') - ?1 "
	    "GROUP BY article_id";
	sqlite3_stmt *st;
	int rc;

	*present = 0;
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return STORE_OK;	/* no such table (yet), or not this shape */
	*present = 1;
	sqlite3_bind_int(st, 1, days);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		each(sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1),
		    arg);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(s, rc);
}
