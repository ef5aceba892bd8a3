/* store_related.c: the related articles by title, at a bounded cost.
 * Ranking every article that shares any title word by bm25 costs about
 * 1 µs per match: 10-25 ms over 10,000 articles whose titles share a
 * common word, on the first view of every post after any edit.  So the
 * words are split by how many titles hold them (counted up to
 * RELATED_RARE, never further): the rare ones are ranked by bm25 as
 * before (all of them on a small site: the same answer as ranking all),
 * and only if they give fewer than three, the articles holding the first
 * two common words, then any of them, are added, the most recently added
 * first (FTS5 walks its index backwards and stops at the LIMIT). */
#include <string.h>

#include "lib/buf.h"
#include "store/store_db.h"
#include "store/store_link.h"

/* A word in more titles than this is common; the rare words' matches are
 * ranked while their counts add up to at most RELATED_SCAN. */
#define RELATED_RARE	32
#define RELATED_SCAN	96
/* The common words that must all be in a title: each one more makes
 * FTS5's walk to the newest titles holding them all longer. */
#define RELATED_AND	2

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

/* The queries made of a title's words. */
struct split {
	struct buf	rare;		/* 'title : ("w" OR ...)' */
	struct buf	all;		/* the first RELATED_AND common, AND */
	struct buf	any;		/* every common word, OR */
	int		nrare;
	int		scanned;	/* titles the rare words are in */
	int		ncommon;
};

static void S_add(struct buf *q, const char *w, size_t len, const char *op)
{
	buf_puts(q, q->len == 0 ? "title : (" : op);
	buf_put(q, w, len);
}

static void S_word(struct store *s, struct split *sp, const char *w,
    size_t len)
{
	int n = S_count(s, w, len);

	if (n <= 0)
		return;		/* FTS5 refuses it, or it has no token */
	if (n <= RELATED_RARE && sp->scanned + n <= RELATED_SCAN) {
		sp->scanned += n;
		sp->nrare++;
		S_add(&sp->rare, w, len, " OR ");
		return;
	}
	if (sp->ncommon++ < RELATED_AND)
		S_add(&sp->all, w, len, " AND ");
	S_add(&sp->any, w, len, " OR ");
}

/* Closes the queries, leaving out those that would find nothing new:
 * rare words in no title but the post's own, any when it is all. */
static void S_close(struct split *sp)
{
	if (sp->scanned <= sp->nrare)
		buf_reset(&sp->rare);
	if (sp->rare.len > 0)
		buf_putc(&sp->rare, ')');
	if (sp->all.len > 0)
		buf_putc(&sp->all, ')');
	if (sp->ncommon > 1)
		buf_putc(&sp->any, ')');
	else
		buf_reset(&sp->any);
}

/* Splits words ("w" "w" ..., as search_title_query makes them). */
static void S_split(struct store *s, const char *words, struct split *sp)
{
	const char *w = words, *end;

	memset(sp, 0, sizeof(*sp));
	while (*w != '\0') {
		end = strchr(w, ' ');
		if (end == NULL)
			end = w + strlen(w);
		S_word(s, sp, w, (size_t)(end - w));
		w = *end == ' ' ? end + 1 : end;
	}
	S_close(sp);
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
	struct split sp;
	int rc;

	S_split(s, words, &sp);
	if ((rc = S_query(s, STMT_RELATED_TITLES, &sp.rare, a, now, out, max,
	    n)) == SQLITE_DONE &&
	    (rc = S_query(s, STMT_RELATED_NEWEST, &sp.all, a, now, out, max,
	    n)) == SQLITE_DONE)
		rc = S_query(s, STMT_RELATED_NEWEST, &sp.any, a, now, out, max,
		    n);
	buf_free(&sp.rare);
	buf_free(&sp.all);
	buf_free(&sp.any);
	return rc;
}
