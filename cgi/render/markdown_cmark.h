/* markdown_cmark.h: what the files that work on cmark's tree share
 * (markdown.c: the body; markdown_pictures.c: its pictures; alerts.c:
 * urgent-care boxes), and nothing else
 * includes: the only header of articled that includes cmark.h. */
#ifndef ARTICLED_MARKDOWN_CMARK_H
#define ARTICLED_MARKDOWN_CMARK_H

#include <cmark.h>

/* The render bound's allocator, which every node must come from
 * (markdown_cmark.c). */
cmark_mem	*md_mem(void);

/* Replaces each of the npics images, pictures of the site's, by its
 * marker (markdown_pictures.c). */
void	md_mark_pictures(cmark_node **pics, size_t npics);

/* The level of the box quote is (alerts.h), or -1 when it is a quote. */
int	alerts_box_level(cmark_node *quote);
/* Turns quote, a box of level, into a custom block holding its blocks
 * less the marker, between the box's markers. */
void	alerts_make_box(cmark_node *quote, int level);

#endif
