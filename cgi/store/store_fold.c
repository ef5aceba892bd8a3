/* store_fold.c: the fold: the live counters into views.total,
 * views.folded and today's view_days row, in one transaction that never
 * waits long for the write lock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/counter.h"
#include "lib/log.h"
#include "store/store_db.h"

static int S_repair_generation(struct store *s, uint64_t generation)
{
	sqlite3_stmt *st = store_stmt(s, STMT_REPAIR_GENERATION);
	int rc;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)generation);
	if ((rc = store_exec(s, STMT_REPAIR_GENERATION)) == SQLITE_OK)
		log_line("%s: counter_state had lost its row; put it back",
		    s->path);
	return rc;
}

/* A new counter file starts every counter from 0: nothing of it has
 * been folded yet. */
static int S_fold_generation(struct store *s, uint64_t generation)
{
	sqlite3_stmt *st = store_stmt(s, STMT_GENERATION);
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
	if ((rc = store_exec(s, STMT_FOLD_RESET)) != SQLITE_OK)
		return rc;
	st = store_stmt(s, STMT_GENERATION_SET);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)generation);
	return store_exec(s, STMT_GENERATION_SET);
}

/* Folds one counter.  A counter below folded means the file lost
 * writes (a power cut before the kernel wrote it back): rebase on it, so
 * counting resumes from there instead of waiting to pass the old mark. */
static int S_fold_one(struct store *s, int64_t key, uint64_t count,
    const char *today, uint64_t *moved)
{
	sqlite3_stmt *st = store_stmt(s, STMT_FOLD_GET);
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
		st = store_stmt(s, STMT_FOLD_REBASE);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)count);
		return store_exec(s, STMT_FOLD_REBASE);
	}
	st = store_stmt(s, STMT_FOLD_ADD);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(count - (uint64_t)folded));
	if ((rc = store_exec(s, STMT_FOLD_ADD)) != SQLITE_OK)
		return rc;
	st = store_stmt(s, STMT_FOLD_DAY);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)(count - (uint64_t)folded));
	*moved += count - (uint64_t)folded;
	return store_exec(s, STMT_FOLD_DAY);
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
	if ((rc = store_exec(s, STMT_REPAIR_SITE_VERSION)) != SQLITE_OK)
		return rc;
	if (sqlite3_changes(s->db) > 0)
		log_line("%s: site_version had lost its row; put it back",
		    s->path);
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
	rc = store_begin_within(s, busy_ms);
	if (rc != SQLITE_OK) {
		snprintf(s->fold_err, sizeof(s->fold_err), "%s",
		    sqlite3_errmsg(s->db));
		return store_rc_of(s, rc);
	}
	snapshot = xmalloc(cap * sizeof(uint64_t));
	rc = store_exec(s, STMT_FOLD_MARK);
	if (rc == SQLITE_OK)
		rc = S_fold_all(s, c, today, snapshot, moved);
	if (rc == SQLITE_OK)
		rc = store_exec(s, STMT_FOLD_UNMARK);
	if (rc == SQLITE_OK)
		rc = store_exec(s, STMT_COMMIT);
	if (rc != SQLITE_OK) {
		/* Keep the reason: a ROLLBACK replaces SQLite's message, and
		 * after SQLITE_FULL or an I/O error SQLite has already rolled
		 * back, so ours would only say "no transaction is active". */
		snprintf(s->fold_err, sizeof(s->fold_err), "%s",
		    sqlite3_errmsg(s->db));
		if (!sqlite3_get_autocommit(s->db))
			store_exec(s, STMT_ROLLBACK);
		free(snapshot);
		*moved = 0;
		return store_rc_of(s, rc);
	}
	free(s->fold_seen);
	s->fold_seen = snapshot;
	return STORE_OK;
}
