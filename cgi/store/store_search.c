/* store_search.c: search and the links under a post, read through the
 * statements of store_sql.c. */
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "store/store_db.h"
#include "store/store_search.h"

void store_hit_free(struct hit *h)
{
	free(h->slug);
	free(h->title);
	free(h->published_at);
	free(h->snippet);
	memset(h, 0, sizeof(*h));
}

enum store_rc store_search(struct store *s, const char *fts,
    const char *now, size_t offset, struct hit *out, size_t max, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = store_stmt(s, STMT_SEARCH);
	sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)offset);
	while ((rc = store_step_upto(st, *n, max)) == SQLITE_ROW) {
		out[*n].slug = store_column_dup(st, 0, NULL);
		out[*n].title = store_column_dup(st, 1, NULL);
		out[*n].published_at = store_column_dup(st, 2, NULL);
		out[*n].snippet = store_column_dup(st, 3, NULL);
		(*n)++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		while (*n > 0)
			store_hit_free(&out[--(*n)]);
		/* the query is built to be valid FTS5; still, a refusal by
		 * FTS5 is the patient's text, not a broken database */
		return rc == SQLITE_ERROR ? STORE_NOTFOUND : store_rc_of(s, rc);
	}
	return STORE_OK;
}

static int S_tags(struct store *s, int64_t id, struct post_more *m)
{
	sqlite3_stmt *st = store_stmt(s, STMT_POST_TAGS);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	while ((rc = store_step_upto(st, m->ntags, POST_TAGS_MAX)) == SQLITE_ROW)
		m->tags[m->ntags++] = store_column_dup(st, 0, NULL);
	sqlite3_reset(st);	/* more than are shown: not shown */
	return rc;
}

static int S_neighbour(struct store *s, enum stmt which,
    const struct article *a, const char *now, struct link *out)
{
	sqlite3_stmt *st = store_stmt(s, which);
	size_t n = 0;

	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->published_at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, a->id);
	return store_links(st, NULL, out, 1, &n);
}

/* The stored list while valid (store_related_keep.c); else shared tags
 * first, then titles that share words (store_related.c), stored. */
static int S_related(struct store *s, const struct article *a,
    const char *titles, const char *now, struct post_more *m)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_related_stored(s, a, now, m->related, RELATED_MAX,
	    &m->nrelated)) != 0)
		return rc > 0 ? SQLITE_DONE : -rc;
	st = store_stmt(s, STMT_RELATED_TAGS);
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, RELATED_MAX);
	rc = store_links(st, a->slug, m->related, RELATED_MAX, &m->nrelated);
	if (rc == SQLITE_DONE)
		rc = store_related_titles(s, a, titles, now, m->related,
		    RELATED_MAX, &m->nrelated);
	if (rc == SQLITE_DONE)
		store_related_keep(s, a, now, m->related, m->nrelated);
	return rc;
}

enum store_rc store_post_more(struct store *s, const struct article *a,
    const char *titles, const char *now, struct post_more *m)
{
	int rc;

	memset(m, 0, sizeof(*m));
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	if ((rc = S_tags(s, a->id, m)) != SQLITE_DONE ||
	    (rc = S_neighbour(s, STMT_POST_OLDER, a, now, &m->older)) !=
	    SQLITE_DONE ||
	    (rc = S_neighbour(s, STMT_POST_NEWER, a, now, &m->newer)) !=
	    SQLITE_DONE ||
	    (rc = S_related(s, a, titles, now, m)) != SQLITE_DONE) {
		store_post_more_free(m);
		return store_rc_of(s, rc);
	}
	return STORE_OK;
}

void store_post_more_free(struct post_more *m)
{
	size_t i;

	for (i = 0; i < m->ntags; i++)
		free(m->tags[i]);
	store_link_free(&m->older);
	store_link_free(&m->newer);
	for (i = 0; i < m->nrelated; i++)
		store_link_free(&m->related[i]);
	memset(m, 0, sizeof(*m));
}

enum store_rc store_most_read(struct store *s, const char *now,
    struct link *out, size_t max, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = store_stmt(s, STMT_MOST_READ);
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	rc = store_links(st, NULL, out, max, n);
	if (rc != SQLITE_DONE) {
		while (*n > 0)
			store_link_free(&out[--(*n)]);
		return store_rc_of(s, rc);
	}
	return STORE_OK;
}
