/* markdown_pictures.c: the site's pictures in a body become markers
 * (picture.h) when the body is rendered. */
#include <string.h>

#include "lib/buf.h"
#include "lib/media.h"
#include "render/markdown_cmark.h"
#include "render/picture.h"

/* An image's text, as cmark gives it for alt. */
static void S_plain(cmark_node *img, struct buf *out)
{
	cmark_iter *it = cmark_iter_new(img);
	cmark_event_type ev;
	cmark_node *n;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (cmark_node_get_literal(n) != NULL)
			buf_puts(out, cmark_node_get_literal(n));
		else if (n != img && cmark_node_first_child(n) == NULL)
			buf_putc(out, ' ');	/* a break */
	}
	cmark_iter_free(it);
}

/* One of the site's pictures (![alt](/media/NAME)) becomes a marker that
 * the page replaces by its sizes when drawn (picture.h): they change
 * without the body changing.  cmark emits a custom inline as it is.  Last
 * first: an image in another's text goes before the one freeing it. */
void md_mark_pictures(cmark_node **pics, size_t npics)
{
	struct buf alt = BUF_INIT, m = BUF_INIT;
	cmark_node *node;
	size_t i;

	for (i = npics; i-- > 0;) {
		buf_reset(&alt);
		buf_reset(&m);
		S_plain(pics[i], &alt);
		picture_marker(&m, media_url_name(cmark_node_get_url(pics[i])),
		    alt.data ? alt.data : "", alt.len);
		node = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_INLINE, md_mem());
		cmark_node_set_on_enter(node, buf_cstr(&m));
		cmark_node_insert_before(pics[i], node);
		cmark_node_free(pics[i]);
	}
	buf_free(&alt);
	buf_free(&m);
}
