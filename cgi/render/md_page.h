/* md_page.h: what an article's Markdown becomes (markdown.h renders
 * into it): its body, its excerpt and its word count, and the reading
 * time drawn from the count.  Plain parts, no cmark (md_page.c). */
#ifndef ARTICLED_MD_PAGE_H
#define ARTICLED_MD_PAGE_H

#include <stddef.h>

#include "lib/buf.h"

struct md_page {
	struct buf	html;		/* the rendered body, valid HTML5 fragment */
	struct buf	excerpt;	/* plain text (NOT escaped), see markdown.h */
	size_t		words;		/* word count of the text, for reading time */
};

void	md_page_init(struct md_page *p);
void	md_page_free(struct md_page *p);

/* Minutes to read at 200 words per minute, rounded up, at least 1. */
unsigned md_reading_minutes(size_t words);

#endif
