/* search_query.h: a patient's search text, from the query string to the
 * FTS5 query articled runs, and the marks SQLite puts around matched
 * words turned into <mark> after escaping.  Whatever the text holds
 * (FTS5 syntax, quotes, %00, invalid UTF-8), the query built is a plain
 * AND of quoted words: the text is never FTS5 syntax. */
#ifndef ARTICLED_SEARCH_QUERY_H
#define ARTICLED_SEARCH_QUERY_H

#include <stddef.h>

#include "lib/buf.h"

#define SEARCH_TERMS_MAX	32	/* words searched; the rest ignored */
#define SEARCH_PAGES_MAX	10
#define SEARCH_TEXT_MAX		256	/* bytes of the text kept */

struct search_args {
	struct buf	 text;		/* q, decoded, clean UTF-8 */
	unsigned	 page;		/* p: 1..SEARCH_PAGES_MAX, 0 when bad */
};

/* Reads q and p from a raw query string ("q=back+pain&p=2", no '?').
 * Lenient, since any text gets a page: '+' is a space, a broken %-escape
 * is kept as typed, NUL and control characters become spaces, invalid
 * UTF-8 becomes U+FFFD, and the text is cut at SEARCH_TEXT_MAX bytes
 * and trimmed of spaces.  Parameters are split at '&' only. */
void	search_args_parse(struct search_args *a, const char *query);
void	search_args_free(struct search_args *a);

/* Appends the FTS5 query for text: each word (a run without white space
 * holding a letter or digit) as an FTS5 string, "" doubled.  Returns the
 * number of words; 0 means nothing to search for. */
size_t	search_fts_query(struct buf *out, const char *text);

/* The words of a post's title for its related articles: '"w" "w" ...'
 * (FTS5 strings, one space between them), those of three letters or
 * more, common English words (and, the, what, ...) left out; "" when
 * none.  store_related.c makes the queries. */
void	search_title_query(struct buf *out, const char *title);

/* Appends s escaped for HTML, with each \1 ... \2 pair (from SQLite's
 * highlight() and snippet()) as <mark> ... </mark>; a stray \2 or an
 * unclosed \1 is dropped, so the marks always balance. */
void	search_marked_html(struct buf *out, const char *s);


#endif
