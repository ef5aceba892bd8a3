/* store_related.c: the related articles by title, at a bounded cost.
 * Ranking every article that shares any title word by bm25 costs about
 * 1 µs per match: 10-25 ms over 10,000 articles whose titles share a
 * common word, on the first view of every post after any edit.  So the
 * words are split by how many titles hold them (counted up to
 * RELATED_RARE, never further): the rare ones are ranked by bm25 as
 * before (all of them on a small site: the same answer as ranking all),
 * and only if they give fewer than three, the articles holding all the
 * common words, then any of them, are added, the most recently added
 * first (FTS5 walks its index backwards and stops at the LIMIT). */
#include <string.h>

#include "buf.h"
#include "store_db.h"
#include "store_search.h"

/* A word in more titles than this is common; the rare words' matches are
 * ranked while their counts add up to at most RELATED_SCAN. */
#define RELATED_RARE	32
#define RELATED_SCAN	96

/* How many titles hold phrase, counted up to RELATED_RARE + 1; -1 when
 * FTS5 refuses the phrase (it is the owner's title: not an error). */
static int S_count(struct store *s, const char *phrase, size_t len)
{
	sqlite3_stmt *st = store_stmt(s, STMT_RELATED_COUNT);
	struct buf q = BUF_INIT;
	int n = -1;

	buf_puts(&q, "title : ");
	buf_put(&q, phrase, len);
	sqlite3_bind_text(st, 1, buf_cstr(&q), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, RELATED_RARE + 1);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	buf_free(&q);
	return n;
}

static void S_add(struct buf *q, const char *w, size_t len, const char *op)
{
	buf_puts(q, q->len == 0 ? "title : (" : op);
	buf_put(q, w, len);
}

/* Splits words ("w" "w" ..., as search_title_query makes them) into
 * rare (joined by OR) and common (joined by AND, and by OR when there
 * are two or more); words FTS5 refuses are left out. */
static void S_split(struct store *s, const char *words, struct buf *rare,
    struct buf *all, struct buf *any)
{
	const char *w = words, *end;
	int n, scanned = 0, common = 0;

	while (*w != '\0') {
		end = strchr(w, ' ');
		if (end == NULL)
			end = w + strlen(w);
		n = S_count(s, w, (size_t)(end - w));
		if (n >= 0 && n <= RELATED_RARE && scanned + n <= RELATED_SCAN) {
			scanned += n;
			S_add(rare, w, (size_t)(end - w), " OR ");
		} else if (n >= 0) {
			common++;
			S_add(all, w, (size_t)(end - w), " AND ");
			S_add(any, w, (size_t)(end - w), " OR ");
		}
		w = *end == ' ' ? end + 1 : end;
	}
	if (rare->len > 0)
		buf_putc(rare, ')');
	if (all->len > 0)
		buf_putc(all, ')');
	if (common > 1)
		buf_putc(any, ')');
	else
		buf_reset(any);		/* the same as all */
}

static int S_query(struct store *s, enum stmt which, struct buf *q,
    const struct article *a, const char *now, struct link *out,
    size_t max, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, which);
	int rc;

	if (q->len == 0 || *n >= max)
		return SQLITE_DONE;
	sqlite3_bind_text(st, 1, buf_cstr(q), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, a->id);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)(max + 1));	/* self */
	rc = store_links(st, a->slug, out, max, n);
	return rc == SQLITE_ERROR ? SQLITE_DONE : rc;	/* FTS5 refused */
}

int store_related_titles(struct store *s, const struct article *a,
    const char *words, const char *now, struct link *out, size_t max,
    size_t *n)
{
	struct buf rare = BUF_INIT, all = BUF_INIT, any = BUF_INIT;
	int rc;

	S_split(s, words, &rare, &all, &any);
	if ((rc = S_query(s, STMT_RELATED_TITLES, &rare, a, now, out, max,
	    n)) == SQLITE_DONE &&
	    (rc = S_query(s, STMT_RELATED_NEWEST, &all, a, now, out, max,
	    n)) == SQLITE_DONE)
		rc = S_query(s, STMT_RELATED_NEWEST, &any, a, now, out, max, n);
	buf_free(&rare);
	buf_free(&all);
	buf_free(&any);
	return rc;
}
