/* plain.h: a piece of an article's Markdown as plain text, for what shows
 * the body's words outside its page: the search snippet (SQLite's
 * snippet() of the Markdown source).  Block syntax goes (quote and list
 * markers, heading hashes, urgent-care markers, rules), emphasis and code
 * marks too, a link or image keeps its text; lines become one line.
 * The \1 and \2 marks of a match are kept, for search_marked_html. */
#ifndef ARTICLED_PLAIN_H
#define ARTICLED_PLAIN_H

#include "lib/buf.h"

/* Appends s (NUL-terminated Markdown) to out as plain text, not
 * escaped. */
void	plain_markdown(struct buf *out, const char *s);

#endif
