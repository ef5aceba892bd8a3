/* pages_picture.c: the pictures of the pages pages_article.c and
 * pages_list.c draw: a post's cover at its top (the page's first
 * picture) and its body's pictures (picture.h), the cover as the post's
 * link preview, and a list item's cover, small. */
#include <string.h>

#include "pages/pages_int.h"
#include "render/alerts.h"
#include "render/picture.h"

void post_pictures_draw(struct pages *p, const struct article *a,
    const struct md_page *md, struct post_pictures *pp)
{
	struct picture_page pg = { p->site.store, p->look.root, NULL, 0, 0 };
	const char *headings[ALERT__MAX];
	struct buf boxed = BUF_INIT;

	buf_init(&pp->cover);
	buf_init(&pp->body);
	if (a->cover[0] != '\0') {
		buf_puts(&pp->cover, "<div class=\"cover\">");
		picture_draw(&pg, a->cover, "", PICTURE_COVER, &pp->cover);
		buf_puts(&pp->cover, "</div>\n");
	}
	alerts_headings(&p->site.settings, headings);
	alerts_compose(md->html.data ? md->html.data : "", md->html.len,
	    headings, ALERT_PAGE, &boxed);
	picture_compose(&pg, boxed.data ? boxed.data : "", boxed.len,
	    PICTURE_BODY, &pp->body);
	buf_free(&boxed);
	pp->has_preview = picture_preview(p->site.store,
	    p->site.settings.base_url, p->look.root, a->cover, &pp->preview) == 0;
	pp->failed = pg.failed;
}

void post_pictures_free(struct post_pictures *pp)
{
	buf_free(&pp->cover);
	buf_free(&pp->body);
}

void pages_item_cover(struct pages *p, const struct article *a,
    struct buf *out)
{
	struct picture_page pg = { p->site.store, p->look.root, NULL, 0, 0 };

	if (a->cover[0] == '\0')
		return;
	buf_puts(out, "<div class=\"thumb\">");
	picture_draw(&pg, a->cover, "", PICTURE_THUMB, out);
	buf_puts(out, "</div>\n");
}
