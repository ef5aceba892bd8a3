/* pages_list.c: a list page (/blog, a tag's page) rendered through the
 * list template: each article's title, date, excerpt, cover and a slot
 * for its live count, and the pager.  pages_blog.c and pages_tag.c choose the
 * articles; this file only draws them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/address.h"
#include "lib/buf.h"
#include "pages/cache.h"
#include "pages/layout.h"
#include "render/markdown.h"
#include "pages/handler.h"
#include "pages/pages_int.h"
#include "render/render.h"
#include "store/store.h"

struct list_item {
	struct tval	v[7];
	struct buf	cover;
	char		url[384];	/* root, /post/, slug */
	char		published[48];
	struct md_page	md;
};

/* A body past the render bound shows no excerpt; its title still links. */
static void S_list_item(struct pages *p, struct list_item *it,
    const struct article *a, int slot)
{
	const char *root = p->look.root;

	md_page_init(&it->md);
	if (render_article(p->site.store, a, &it->md) != RENDER_OK)
		buf_reset(&it->md.excerpt);
	address_post(it->url, sizeof(it->url), root, a->slug);
	layout_human_date(a->published_at, it->published, sizeof(it->published));
	it->v[0] = tv_text("title", a->title);
	it->v[1] = tv_text("url", it->url);
	it->v[2] = tv_text("published", it->published);
	it->v[3] = tv_text("published_iso", a->published_at);
	it->v[4] = tv_text("excerpt", buf_cstr(&it->md.excerpt));
	it->v[5] = tv_slot("views", slot);
	buf_init(&it->cover);
	pages_item_cover(p, a, &it->cover);
	it->v[6] = tv_html("cover", buf_cstr(&it->cover), it->cover.len);
}

/* The list's counts in page order, as S_splice needs them: a template
 * may show them in another order than the articles', or not at all. */
static void S_list_slots(struct pages *p, const size_t *offs,
    const struct article *arts, size_t n, struct cached_page *e)
{
	struct cached_slot s;
	size_t i, j;

	e->nslots = 0;
	for (i = 0; i < n; i++) {
		if (offs[i] == SIZE_MAX)
			continue;	/* the template shows no count */
		s.off = offs[i];
		pages_slot_for(p, &s, arts[i].key, arts[i].base);
		for (j = e->nslots++; j > 0 && e->slots[j - 1].off > s.off; j--)
			e->slots[j] = e->slots[j - 1];
		e->slots[j] = s;
	}
}

static void S_list_items(struct pages *p, const struct article *arts,
    size_t n, struct list_item *items, struct tctx *ctx)
{
	size_t i;

	for (i = 0; i < n; i++) {
		S_list_item(p, &items[i], &arts[i], (int)i);
		ctx[i].vals = items[i].v;
		ctx[i].nvals = 7;
		ctx[i].parent = NULL;
	}
}

/* The list template's values; returns how many. */
static size_t S_list_values(struct tval *v, struct tctx *ctx, size_t n,
    const char *newer, const char *older, const char *num,
    const char *pages, const char *heading)
{
	size_t nv = 0;

	v[nv++] = tv_list("articles", ctx, n);
	v[nv++] = tv_text("newer_url", newer);
	v[nv++] = tv_text("older_url", older);
	v[nv++] = tv_text("page", num);
	v[nv++] = tv_text("pages", pages);
	v[nv++] = tv_bool("empty", n == 0);
	v[nv++] = tv_bool("has_pager", newer[0] != '\0' || older[0] != '\0');
	v[nv++] = tv_text("heading", heading);
	return nv;
}

/* The newer and older pages' addresses, for the pager. */
static void S_pager(struct pages *p, const struct list_spec *spec,
    unsigned long page, char *newer, char *older, size_t len)
{
	if (page == 2)
		snprintf(newer, len, "%s%s", p->look.root, spec->base);
	else if (page > 2)
		snprintf(newer, len, "%s%s/page/%lu", p->look.root, spec->base,
		    page - 1);
	if (page < spec->npages)
		snprintf(older, len, "%s%s/page/%lu", p->look.root, spec->base,
		    page + 1);
}

int pages_render_list(struct pages *p, const struct list_spec *spec,
    unsigned long page, const struct article *arts, size_t n,
    struct cached_page *e)
{
	struct list_item items[PAGES_PER_PAGE];
	struct tctx ctx[PAGES_PER_PAGE];
	char newer[320] = "", older[320] = "", num[24], pages[24];
	struct buf title = BUF_INIT;	/* the site's name is any length */
	struct buf path = BUF_INIT;
	struct page_head head = { 0 };
	struct tval v[9];
	size_t slots[PAGES_PER_PAGE];
	size_t i, nv;
	int rc;

	S_list_items(p, arts, n, items, ctx);
	S_pager(p, spec, page, newer, older, sizeof(newer));
	snprintf(num, sizeof(num), "%lu", page);
	snprintf(pages, sizeof(pages), "%zu", spec->npages ? spec->npages : 1);
	buf_puts(&title, spec->title);
	buf_puts(&path, spec->base);
	if (page > 1) {
		buf_printf(&title, ": page %lu", page);
		buf_printf(&path, "/page/%lu", page);
	}
	nv = S_list_values(v, ctx, n, newer, older, num, pages, spec->heading);
	for (i = 0; i < PAGES_PER_PAGE; i++)
		slots[i] = SIZE_MAX;
	head.title = buf_cstr(&title);
	head.description = p->site.settings.description;
	head.path = buf_cstr(&path);
	head.is_home = spec->is_home && page == 1;
	rc = layout_render(&p->look, p->tmpl->list, v, nv, &head, &e->page,
	    slots, PAGES_PER_PAGE);
	buf_free(&title);
	buf_free(&path);
	if (rc == 0)
		S_list_slots(p, slots, arts, n, e);
	for (i = 0; i < n; i++) {
		md_page_free(&items[i].md);
		buf_free(&items[i].cover);
	}
	e->status = 200;
	return rc;
}

