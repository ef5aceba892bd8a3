/* markdown.h: an article's Markdown body as a page body, an excerpt and a
 * word count.  The HTML is a valid HTML5 fragment whatever the input:
 * no raw HTML; headings from <h2> down, never skipping a level; only
 * characters HTML allows; links and images only to relative, http(s),
 * mailto: or tel: URLs a validator accepts (others keep just their text). */
#ifndef ARTICLED_MARKDOWN_H
#define ARTICLED_MARKDOWN_H

#include <stddef.h>

#include "lib/buf.h"
#include "render/md_page.h"

/* What the HTML depends on besides the Markdown: bump MD_RULES_VERSION
 * whenever markdown.c, excerpt.c, url.c or text.c's cleaning change
 * what a body renders to, so that stored renders (render.h) made by the
 * old rules are rebuilt, not trusted. */
#define MD_RULES_VERSION	3	/* 2: pictures as markers; 3: urgent-care boxes */
/* "cmark 0.30.2; articled 2": the rules, as stored renders are keyed. */
const char *md_rules(void);

/* The parse passed the render bound (bound.h): nothing was rendered. */
#define MD_SLOW	(-2)

/* Renders Markdown src (any bytes, any length) into p, appending to its
 * bufs and setting words.  The excerpt is the text of the first paragraph
 * (else of the first heading), whitespace collapsed, cut at a space to at
 * most 200 code points plus "…"; it is clean UTF-8 but not escaped.
 * words counts the whitespace-separated words of the text and inline code.
 * Returns 0, MD_SLOW, or -1 if cmark fails. */
int	md_render(const char *src, size_t len, struct md_page *p);

/* Only the excerpt (and words), cheaper than md_render: parse, no HTML. */
int	md_excerpt(const char *src, size_t len, struct md_page *p);

#endif
