/* pages_article.c: /post/SLUG, an article: from the page cache, or read
 * from the store and rendered through the post template with its byline
 * (byline.c), what goes under it (pages_more.c) and its pictures
 * (pages_picture.c); the live count is spliced in at the last moment,
 * and a person's GET counts the view.  Statuses: 200; 301, 404 or 410
 * for a slug it no longer has (pages_moved.c); 500; 503. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/address.h"
#include "lib/alloc.h"
#include "lib/buf.h"
#include "lib/counter.h"
#include "lib/log.h"
#include "http/response.h"
#include "http/views.h"
#include "pages/cache.h"
#include "pages/comments.h"
#include "pages/handler.h"
#include "pages/handlers.h"
#include "pages/layout.h"
#include "pages/pages_int.h"
#include "pages/byline.h"
#include "render/jsonld.h"
#include "render/markdown.h"
#include "render/render.h"
#include "store/store.h"

/* The byline, the JSON-LD and the pictures; jsonld is the caller's
 * to free. */
static size_t S_post_extras(struct pages *p, const struct article *a,
    const char *description, const char *path, const struct byline *bl,
    const struct post_pictures *pics, struct buf *jsonld, const char *more,
    struct tval *v)
{
	size_t n = 0;

	n += byline_values(bl, a, v + n);
	jsonld_post(&p->site.settings, a, description, path,
	    pics->has_preview ? pics->preview.url : NULL, &bl->jsonld, more,
	    jsonld);
	v[n++] = tv_html("cover", pics->cover.data ? pics->cover.data : "",
	    pics->cover.len);
	v[n++] = tv_html("body", pics->body.data ? pics->body.data : "",
	    pics->body.len);
	return n;
}

/* The form's token: the hole after the count (comments.h); a template
 * that puts the form above the count gets none (its patients are asked
 * to send again, with a token). */
static void S_token_slot(struct cached_page *e, size_t slot, int64_t id)
{
	size_t token = comments_take_mark(&e->page);

	if (token == SIZE_MAX || (e->nslots != 0 && token < slot))
		return;
	/* Slot 0 when the template shows no count: its counter stays, so
	 * the view still counts (handler.c). */
	e->slots[e->nslots].off = token;
	e->slots[e->nslots].token_for = id;
	e->nslots++;
}

/* 0; -1 when it cannot be rendered; RENDER_SLOW past the render bound. */
static int S_render_post(struct pages *p, const struct article *a,
    struct cached_page *e)
{
	char published[48], updated[48], reading[32], path[128];
	char ncomments[32];
	struct buf jsonld = BUF_INIT, comments = BUF_INIT, more = BUF_INIT;
	struct md_page md;
	struct page_head head = { 0 };
	struct post_values *pv;
	struct post_pictures pics;
	struct byline bl;
	struct tval v[7 + POST_MORE_VALS + BYLINE_VALS + 2 + 2];
	size_t n = 0, slot = SIZE_MAX;
	int rc;

	pv = xcalloc(1, sizeof(*pv));
	md_page_init(&md);
	memset(&bl, 0, sizeof(bl));
	if ((rc = render_article(p->site.store, a, &md)) != RENDER_OK ||
	    post_values_load(p, a, pv) != 0 || byline_load(p, a, &bl) != 0 ||
	    comments_section(p, a, &comments, &more, ncomments,
	    sizeof(ncomments)) != 0) {
		byline_free(&bl);
		buf_free(&comments);
		buf_free(&more);
		md_page_free(&md);
		post_values_free(pv);
		free(pv);
		return rc == RENDER_SLOW ? RENDER_SLOW : -1;
	}
	layout_human_date(a->published_at, published, sizeof(published));
	layout_human_date(a->updated_at, updated, sizeof(updated));
	snprintf(reading, sizeof(reading), "%u min read",
	    md_reading_minutes(md.words));
	address_post(path, sizeof(path), "", a->slug);
	v[n++] = tv_text("title", a->title);
	v[n++] = tv_text("published", published);
	v[n++] = tv_text("published_iso", a->published_at);
	v[n++] = tv_text("updated", updated);
	v[n++] = tv_text("updated_iso", a->updated_at);
	v[n++] = tv_text("reading", reading);
	v[n++] = tv_slot("views", 0);
	v[n++] = tv_text("comment_count", ncomments);
	v[n++] = tv_html("comments", comments.data ? comments.data : "",
	    comments.len);
	n += post_values_add(pv, v + n);
	head.title = a->title;
	head.description = buf_cstr(&md.excerpt);
	head.path = path;
	post_pictures_draw(p, a, &md, &pics);
	n += S_post_extras(p, a, head.description, path, &bl, &pics, &jsonld,
	    buf_cstr(&more), v + n);
	head.published = a->published_at;
	head.jsonld = buf_cstr(&jsonld);
	head.image = pics.has_preview ? &pics.preview : NULL;
	rc = layout_render(&p->look, p->tmpl->post, v, n, &head, &e->page,
	    &slot, 1) || pics.failed ? -1 : 0;
	post_pictures_free(&pics);
	byline_free(&bl);
	md_page_free(&md);
	post_values_free(pv);
	free(pv);
	buf_free(&jsonld);
	buf_free(&comments);
	buf_free(&more);
	if (rc != 0)
		return -1;
	e->status = 200;
	/* A template may omit the count; slots[0] still serves to count. */
	e->nslots = slot == SIZE_MAX ? 0 : 1;
	e->slots[0].off = slot;
	pages_slot_for(p, &e->slots[0], a->key, a->base);
	S_token_slot(e, slot, a->id);
	return 0;
}

/* The question form's token in the answer (comments.h); "" when the
 * page has no form. */
static void S_token(struct pages *p, const struct cached_page *e,
    char out[COMMENTS_TOKEN_MAX])
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < e->nslots; i++)
		if (e->slots[i].token_for > 0)
			comments_token(p, e->slots[i].token_for, out,
			    COMMENTS_TOKEN_MAX);
}

/* 200 with the article; 404 when no published article has the slug;
 * 500 when it cannot be rendered; 503 when the database cannot be read. */
void pages_article(struct pages *p, const struct page_req *q)
{
	const struct route *rt = q->rt;
	struct cached_page *e;
	struct article a;
	char key[CACHE_KEY_MAX], token[COMMENTS_TOKEN_MAX];
	enum view mode;
	int rc;

	if (pages_down(p, q))
		return;
	/* No printf on the hot path: "post:" and a slug of at most 80. */
	_Static_assert(5 + ROUTE_SLUG_MAX + 1 <= CACHE_KEY_MAX, "key fits");
	memcpy(key, "post:", 5);
	memcpy(key + 5, rt->slug, strlen(rt->slug) + 1);
	if ((e = cache_get(p->cache, key)) == NULL) {
		rc = store_article(p->site.store, rt->slug, p->site.now_iso,
		    p->generation, &a);
		if (rc == STORE_NOTFOUND) {
			pages_old_slug(p, q, rt->slug);
			return;
		}
		if (rc != STORE_OK) {
			pages_failed(p, q);
			return;
		}
		e = cache_claim(p->cache, key);
		if ((rc = S_render_post(p, &a, e)) != 0) {
			if (rc != RENDER_SLOW)
				log_line("rendering article %s failed", a.slug);
			store_article_free(&a);
			cache_abandon(p->cache, e);
			pages_error(p, q, rc == RENDER_SLOW ? 503 : 500,
			    rc == RENDER_SLOW ? PAGES_TOO_SLOW : NULL);
			return;
		}
		store_article_free(&a);
		e = cache_done(p->cache, e);
	}
	/* What the first count of the page does (views.h). */
	mode = p->counting ? views_countable(q->r) : VIEW_NONE;
	S_token(p, e, token);
	pages_answer_token(q, e, mode, token);
	/* A post template that shows no count still counts the view. */
	if (mode == VIEW_COUNT && e->nslots == 0 && e->slots[0].ctr != NULL)
		counter_add(e->slots[0].ctr);
}
