/* store_related_keep.c: each article's related links, stored (table
 * article_related, migration 11) so that a page miss and the first view
 * after an edit of a body read them in one indexed row instead of
 * ranking titles through FTS5.  Any change a list depends on empties the
 * table (triggers in schema.sql); a scheduled article going live ends a
 * list's validity (valid_until).  A list is stored by one short write,
 * tried once, and only if site_version.rev has not moved since the reads
 * it was made from: a list made from a snapshot older than an edit is
 * dropped, not kept. */
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "store/store_db.h"
#include "store/store_link.h"

/* "slug\ttitle\n"... into out; the number of links, or -1 when the text
 * is not such lines (then the list is computed again). */
static int S_parse(const char *text, struct link *out, size_t max)
{
	const char *line = text, *tab, *nl;
	size_t n = 0;

	while (*line != '\0') {
		tab = strchr(line, '\t');
		nl = strchr(line, '\n');
		if (tab == NULL || nl == NULL || tab > nl || n == max) {
			while (n > 0)
				store_link_free(&out[--n]);
			return -1;
		}
		out[n].slug = xstrndup(line, (size_t)(tab - line));
		out[n].title = xstrndup(tab + 1, (size_t)(nl - tab - 1));
		n++;
		line = nl + 1;
	}
	return (int)n;
}

int store_related_stored(struct store *s, const struct article *a,
    const char *now, struct link *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, STMT_RELATED_STORED);
	const unsigned char *links;
	int rc, got = -1;

	*n = 0;
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (links = sqlite3_column_text(st, 0)) != NULL)
		got = S_parse((const char *)links, out, max);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : -rc;
	if (got < 0)
		return 0;
	*n = (size_t)got;
	return 1;
}

/* The links as stored; -1 when a slug or title holds a tab or newline
 * (none can, by schema.sql's checks; not stored then, all the same). */
static int S_text(const struct link *links, size_t n, struct buf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strpbrk(links[i].slug, "\t\n") != NULL ||
		    strpbrk(links[i].title, "\t\n") != NULL)
			return -1;
		buf_puts(out, links[i].slug);
		buf_putc(out, '\t');
		buf_puts(out, links[i].title);
		buf_putc(out, '\n');
	}
	return 0;
}

struct keep {
	int64_t		 id;
	int64_t		 rev;
	const char	*valid_until;
	const char	*links;
};

static int S_put(struct store *s, const void *arg)
{
	const struct keep *k = arg;
	sqlite3_stmt *st = store_stmt(s, STMT_RELATED_PUT);

	sqlite3_bind_int64(st, 1, k->id);
	sqlite3_bind_text(st, 2, k->valid_until, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, k->links, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, k->rev);
	return store_exec(s, STMT_RELATED_PUT);
}

void store_related_keep(struct store *s, const struct article *a,
    const char *now, const struct link *links, size_t n)
{
	char until[32];
	struct buf text = BUF_INIT;
	struct keep k;
	int rc;

	/* rev and the next publication, in the snapshot the list came from */
	if (S_text(links, n, &text) != 0 || store_read_rev(s, &k.rev) !=
	    SQLITE_ROW || store_text_at(s, STMT_NEXT_PUBLISH, now, until,
	    sizeof(until)) != STORE_OK) {
		buf_free(&text);
		return;
	}
	k.id = a->id;
	k.valid_until = until;
	k.links = buf_cstr(&text);
	rc = store_write_once(s, 0, S_put, &k);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY && !s->related_err_logged) {
		log_line("%s: cannot store related links (%s); they are "
		    "computed at each miss until it can", s->path,
		    sqlite3_errstr(rc));
		s->related_err_logged = 1;
	}
	buf_free(&text);
}
