/* pages_more.c: what leads a reader on: under a post its tags, the older
 * and newer article and up to three related ones (rendered into the
 * post's cached page, so read once per change of the site, not per
 * view), and the most read articles on the no-results and 404 pages. */
#include <stdio.h>
#include <string.h>

#include "lib/address.h"
#include "lib/buf.h"
#include "pages/layout.h"
#include "lib/log.h"
#include "pages/pages_int.h"
#include "render/search_query.h"
#include "store/store_search.h"

static void S_link(struct pages *p, const struct link *l, char *url,
    size_t len, struct tval *v, struct tctx *item)
{
	address_post(url, len, p->look.root, l->slug);
	v[0] = tv_text("url", url);
	v[1] = tv_text("title", l->title ? l->title : "");
	item->vals = v;
	item->nvals = 2;
	item->parent = NULL;
}

static void S_post_urls(struct pages *p, struct post_values *pv)
{
	size_t i;

	for (i = 0; i < pv->m.ntags; i++) {
		snprintf(pv->tag_urls[i], sizeof(pv->tag_urls[i]),
		    "%s/blog/tag/%s", p->look.root, pv->m.tags[i]);
		pv->tag_vals[i][0] = tv_text("url", pv->tag_urls[i]);
		pv->tag_vals[i][1] = tv_text("tag", pv->m.tags[i]);
		pv->tag_items[i].vals = pv->tag_vals[i];
		pv->tag_items[i].nvals = 2;
		pv->tag_items[i].parent = NULL;
	}
	if (pv->m.older.slug != NULL)
		address_post(pv->older_url, sizeof(pv->older_url),
		    p->look.root, pv->m.older.slug);
	if (pv->m.newer.slug != NULL)
		address_post(pv->newer_url, sizeof(pv->newer_url),
		    p->look.root, pv->m.newer.slug);
	for (i = 0; i < pv->m.nrelated; i++)
		S_link(p, &pv->m.related[i], pv->rel_urls[i],
		    sizeof(pv->rel_urls[i]), pv->rel_vals[i], &pv->rel_items[i]);
}

int post_values_load(struct pages *p, const struct article *a,
    struct post_values *pv)
{
	struct buf titles = BUF_INIT;
	enum store_rc rc;

	search_title_query(&titles, a->title);
	rc = store_post_more(p->site.store, a, buf_cstr(&titles),
	    p->site.now_iso, &pv->m);
	buf_free(&titles);
	if (rc != STORE_OK) {
		log_line("reading what goes under article %s failed: %s",
		    a->slug, store_errmsg(p->site.store));
		return -1;
	}
	S_post_urls(p, pv);
	return 0;
}

size_t post_values_add(const struct post_values *pv, struct tval *v)
{
	size_t n = 0;

	v[n++] = tv_list("tags", pv->tag_items, pv->m.ntags);
	v[n++] = tv_bool("has_tags", pv->m.ntags > 0);
	v[n++] = tv_text("older_url", pv->older_url);
	v[n++] = tv_text("older_title", pv->m.older.title ? pv->m.older.title : "");
	v[n++] = tv_text("newer_url", pv->newer_url);
	v[n++] = tv_text("newer_title", pv->m.newer.title ? pv->m.newer.title : "");
	v[n++] = tv_list("related", pv->rel_items, pv->m.nrelated);
	v[n++] = tv_bool("has_related", pv->m.nrelated > 0);
	return n;
}

void post_values_free(struct post_values *pv)
{
	store_post_more_free(&pv->m);
}

void pages_most_read_drop(struct pages *p)
{
	struct most_read *mr = &p->most_read;
	size_t i;

	for (i = 0; i < mr->n; i++)
		store_link_free(&mr->links[i]);
	mr->n = 0;
	mr->loaded = 0;
	p->look.most_read = NULL;
	p->look.nmost_read = 0;
}

void pages_most_read(struct pages *p)
{
	struct most_read *mr = &p->most_read;
	size_t i;

	if (mr->loaded && p->site.now - mr->at < MOST_READ_TTL)
		return;
	pages_most_read_drop(p);
	if (store_most_read(p->site.store, p->site.now_iso, mr->links,
	    MOST_READ_MAX, &mr->n) != STORE_OK)
		return;		/* the page is still drawn, without them */
	for (i = 0; i < mr->n; i++)
		S_link(p, &mr->links[i], mr->urls[i], sizeof(mr->urls[i]),
		    mr->vals[i], &mr->items[i]);
	mr->loaded = 1;
	mr->at = p->site.now;
	p->look.most_read = mr->items;
	p->look.nmost_read = mr->n;
}
