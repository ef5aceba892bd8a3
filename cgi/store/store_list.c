/* store_list.c: what the list pages read, /blog and /blog/tag/TAG alike:
 * every visible article's listing key (newest first), then a page of
 * articles from a key on.  A page is read by the row value of its first
 * key, by index, never by OFFSET (see STMT_LIST_FROM). */
#include <stdio.h>
#include <stdlib.h>

#include "lib/alloc.h"
#include "store/store_db.h"
#include "store/store_search.h"

/* Steps st, already bound, for (published_at, id) rows. */
static enum store_rc S_keys(struct store *s, sqlite3_stmt *st,
    struct list_key **keys, size_t *nkeys)
{
	struct list_key *k = NULL;
	size_t n = 0, cap = 0;
	const unsigned char *p;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			k = xrealloc(k, cap * sizeof(*k));
		}
		p = sqlite3_column_text(st, 0);
		snprintf(k[n].published_at, sizeof(k[n].published_at), "%s",
		    p ? (const char *)p : "");
		k[n].id = sqlite3_column_int64(st, 1);
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(k);
		return store_rc_of(s, rc);
	}
	*keys = k;
	*nkeys = n;
	return STORE_OK;
}

enum store_rc store_list_keys(struct store *s, const char *now,
    struct list_key **keys, size_t *nkeys)
{
	sqlite3_stmt *st;

	*keys = NULL;
	*nkeys = 0;
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = store_stmt(s, STMT_LIST_KEYS);
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	return S_keys(s, st, keys, nkeys);
}

enum store_rc store_tag_keys(struct store *s, const char *tag,
    const char *now, struct list_key **keys, size_t *nkeys)
{
	sqlite3_stmt *st;

	*keys = NULL;
	*nkeys = 0;
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = store_stmt(s, STMT_TAG_KEYS);
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	return S_keys(s, st, keys, nkeys);
}

/* Binds what every page statement takes (?1 generation, ?2 now, ?3 max,
 * ?4 ?5 the first key, if any) and steps st for up to max articles. */
static enum store_rc S_page(struct store *s, sqlite3_stmt *st,
    const char *now, const struct list_key *from, uint64_t generation,
    struct article *out, size_t max, size_t *n)
{
	int rc;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)generation);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	if (from != NULL) {
		sqlite3_bind_text(st, 4, from->published_at, -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, from->id);
	}
	while ((rc = store_step_upto(st, *n, max)) == SQLITE_ROW)
		store_article_from_row(st, &out[(*n)++]);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		while (*n > 0)
			store_article_free(&out[--(*n)]);
		return store_rc_of(s, rc);
	}
	return STORE_OK;
}

enum store_rc store_list(struct store *s, const char *now,
    const struct list_key *from, uint64_t generation, struct article *out,
    size_t max, size_t *n)
{
	*n = 0;
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	return S_page(s, store_stmt(s, from ? STMT_LIST_FROM : STMT_LIST_FIRST),
	    now, from, generation, out, max, n);
}

enum store_rc store_tag_list(struct store *s, const char *tag,
    const char *now, const struct list_key *from, uint64_t generation,
    struct article *out, size_t max, size_t *n)
{
	sqlite3_stmt *st;

	*n = 0;
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = store_stmt(s, STMT_TAG_FROM);
	sqlite3_bind_text(st, 6, tag, -1, SQLITE_STATIC);
	return S_page(s, st, now, from, generation, out, max, n);
}
