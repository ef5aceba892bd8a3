/* store_readers.c: readers and sources into SQLite (see
 * store_readers.h), inside the views' fold transaction (store_fold.c),
 * which marks articled_writing so the tables' guards let it write;
 * readers_taken records them as folded only after it committed. */
#include <stdio.h>
#include <stdlib.h>

#include "lib/readers.h"
#include "store/store_db.h"
#include "store/store_readers.h"

static int S_site(struct store *s, const struct readers_delta *d)
{
	sqlite3_stmt *st = store_stmt(s, STMT_READERS_SITE);

	if (!d->new_key && d->site == 0 && !d->lower_bound)
		return SQLITE_OK;	/* a CGI run: no readers */
	sqlite3_bind_text(st, 1, d->day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)d->site);
	sqlite3_bind_int(st, 3, d->new_key);
	sqlite3_bind_int(st, 4, d->lower_bound);
	return store_exec(s, STMT_READERS_SITE);
}

static int S_arts(struct store *s, const struct readers_delta *d)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	for (i = 0; i < d->narts; i++) {
		st = store_stmt(s, STMT_READERS_DAY);
		sqlite3_bind_int64(st, 1, d->arts[i].article);
		sqlite3_bind_text(st, 2, d->day, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)d->arts[i].readers);
		if ((rc = store_exec(s, STMT_READERS_DAY)) != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

static int S_srcs(struct store *s, const struct readers_delta *d)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	for (i = 0; i < d->nsrcs; i++) {
		st = store_stmt(s, STMT_SOURCES_DAY);
		sqlite3_bind_int64(st, 1, d->srcs[i].article);
		sqlite3_bind_text(st, 2, d->day, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, d->srcs[i].source, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)d->srcs[i].views);
		if ((rc = store_exec(s, STMT_SOURCES_DAY)) != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

int store_readers_write(struct store *s, const struct readers_delta *d,
    size_t n)
{
	size_t i;
	int rc = SQLITE_OK;

	for (i = 0; i < n && rc == SQLITE_OK; i++)
		if ((rc = S_site(s, &d[i])) == SQLITE_OK &&
		    (rc = S_arts(s, &d[i])) == SQLITE_OK)
			rc = S_srcs(s, &d[i]);
	return rc;
}

enum store_rc store_setting(struct store *s, const char *key, char **out)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if (s == NULL || s->db == NULL)
		return STORE_UNAVAILABLE;
	st = store_stmt(s, STMT_SETTING_VALUE);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*out = store_column_dup(st, 0, NULL);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_rc_of(s, rc);
}
