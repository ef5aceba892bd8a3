/* pages_people.c: /people/SLUG[/page/N], one of the clinic's people:
 * their name, credentials, role, photo, bio and registration, and the
 * articles they wrote or reviewed, a page at a time (ProfilePage
 * JSON-LD).  Statuses: 200, 404, 500, 503. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/address.h"
#include "lib/alloc.h"
#include "lib/buf.h"
#include "http/views.h"
#include "pages/cache.h"
#include "pages/handler.h"
#include "pages/handlers.h"
#include "pages/layout.h"
#include "pages/pages_int.h"
#include "render/jsonld.h"
#include "render/markdown.h"
#include "render/picture.h"
#include "store/store.h"

#define PERSON_PER_PAGE	20

/* A person's page as it is drawn: the person and a page of articles. */
struct person_page {
	struct person		 who;
	struct person_article	 arts[PERSON_PER_PAGE + 1];
	size_t			 n;
	int			 more;		/* another page follows */
	char			 urls[PERSON_PER_PAGE][384];
	char			 dates[PERSON_PER_PAGE][48];
	struct tval		 vals[PERSON_PER_PAGE][4];
	struct tctx		 items[PERSON_PER_PAGE];
	char			 newer[400], older[400], path[400];
	struct buf		 bio;		/* HTML */
	struct buf		 photo;
	struct buf		 jsonld;
};

static void S_page_free(struct person_page *pp)
{
	store_person_free(&pp->who);
	while (pp->n > 0)
		store_person_article_free(&pp->arts[--pp->n]);
	buf_free(&pp->bio);
	buf_free(&pp->photo);
	buf_free(&pp->jsonld);
}

/* The status: 200, 404 (no such person, or past their last page), 503. */
static int S_person_read(struct pages *p, const struct route *rt,
    struct person_page *pp)
{
	size_t n = 0;
	enum store_rc rc;

	rc = store_person(p->site.store, rt->slug, &pp->who);
	if (rc != STORE_OK)
		return rc == STORE_NOTFOUND ? 404 : 503;
	if (store_person_articles(p->site.store, rt->slug, p->site.now_iso,
	    (rt->page - 1) * PERSON_PER_PAGE, pp->arts, PERSON_PER_PAGE + 1,
	    &n) != STORE_OK)
		return 503;
	pp->n = n;
	pp->more = n > PERSON_PER_PAGE;
	return n == 0 && rt->page > 1 ? 404 : 200;
}

/* Their bio (Markdown, its pictures drawn), photo and JSON-LD. */
static int S_person_extras(struct pages *p, struct person_page *pp)
{
	struct picture_page pg = { p->site.store, p->look.root, NULL, 0, 0 };
	struct md_page md;

	md_page_init(&md);
	if (pp->who.bio[0] != '\0' &&
	    md_render(pp->who.bio, strlen(pp->who.bio), &md) != 0) {
		md_page_free(&md);
		return -1;
	}
	if (pp->who.photo[0] != '\0') {
		buf_puts(&pp->photo, "<div class=\"photo\">");
		picture_draw(&pg, pp->who.photo, "", PICTURE_THUMB, &pp->photo);
		buf_puts(&pp->photo, "</div>\n");
	}
	picture_compose(&pg, md.html.data ? md.html.data : "", md.html.len,
	    PICTURE_BODY, &pp->bio);
	md_page_free(&md);
	buf_puts(&pp->jsonld, "{\"@context\":\"https://schema.org\","
	    "\"@type\":\"ProfilePage\",\"mainEntity\":");
	jsonld_person(&p->site.settings, &pp->who, &pp->jsonld);
	buf_putc(&pp->jsonld, '}');
	return pg.failed ? -1 : 0;
}

static void S_person_items(struct pages *p, struct person_page *pp)
{
	size_t i;

	for (i = 0; i < pp->n && i < PERSON_PER_PAGE; i++) {
		address_post(pp->urls[i], sizeof(pp->urls[i]), p->look.root,
		    pp->arts[i].slug);
		layout_human_date(pp->arts[i].published_at, pp->dates[i],
		    sizeof(pp->dates[i]));
		pp->vals[i][0] = tv_text("url", pp->urls[i]);
		pp->vals[i][1] = tv_text("title", pp->arts[i].title);
		pp->vals[i][2] = tv_text("published", pp->dates[i]);
		pp->vals[i][3] = tv_text("published_iso",
		    pp->arts[i].published_at);
		pp->items[i].vals = pp->vals[i];
		pp->items[i].nvals = 4;
		pp->items[i].parent = NULL;
	}
}

static void S_person_pager(struct pages *p, const struct route *rt,
    struct person_page *pp)
{
	const char *slug = pp->who.slug, *root = p->look.root;

	pp->newer[0] = pp->older[0] = '\0';
	if (rt->page == 2)
		snprintf(pp->newer, sizeof(pp->newer), "%s/people/%s", root,
		    slug);
	else if (rt->page > 2)
		snprintf(pp->newer, sizeof(pp->newer), "%s/people/%s/page/%lu",
		    root, slug, rt->page - 1);
	if (pp->more)
		snprintf(pp->older, sizeof(pp->older), "%s/people/%s/page/%lu",
		    root, slug, rt->page + 1);
	snprintf(pp->path, sizeof(pp->path), rt->page > 1 ?
	    "/people/%s/page/%lu" : "/people/%s", slug, rt->page);
}

/* The person themselves. */
static size_t S_who_values(struct person_page *pp, struct tval *v)
{
	const struct person *w = &pp->who;
	size_t n = 0;

	v[n++] = tv_text("name", w->name);
	v[n++] = tv_text("credentials", w->credentials);
	v[n++] = tv_text("role", w->role);
	v[n++] = tv_html("photo", buf_cstr(&pp->photo), pp->photo.len);
	v[n++] = tv_html("bio", buf_cstr(&pp->bio), pp->bio.len);
	v[n++] = tv_text("reg_body", w->reg_body);
	v[n++] = tv_text("reg_number", w->reg_number);
	v[n++] = tv_text("reg_url", w->reg_url);
	return n;
}

static size_t S_person_values(struct person_page *pp, struct tval *v)
{
	size_t n = S_who_values(pp, v);

	v[n++] = tv_list("articles", pp->items,
	    pp->n < PERSON_PER_PAGE ? pp->n : PERSON_PER_PAGE);
	v[n++] = tv_bool("empty", pp->n == 0);
	v[n++] = tv_text("newer_url", pp->newer);
	v[n++] = tv_text("older_url", pp->older);
	v[n++] = tv_bool("has_pager", pp->newer[0] != '\0' ||
	    pp->older[0] != '\0');
	return n;
}

/* The status; the page in e when 200. */
static int S_person_render(struct pages *p, const struct route *rt,
    struct person_page *pp, struct cached_page *e)
{
	struct page_head head = { 0 };
	struct tval v[16];
	size_t n, slot = SIZE_MAX;
	int status;

	if ((status = S_person_read(p, rt, pp)) != 200)
		return status;
	if (S_person_extras(p, pp) != 0)
		return 500;
	S_person_items(p, pp);
	S_person_pager(p, rt, pp);
	n = S_person_values(pp, v);
	head.title = pp->who.name;
	head.description = pp->who.role[0] != '\0' ? pp->who.role : "";
	head.path = pp->path;
	head.jsonld = buf_cstr(&pp->jsonld);
	if (layout_render(&p->look, p->tmpl->people, v, n, &head, &e->page,
	    &slot, 1) != 0)
		return 500;
	e->status = 200;
	e->nslots = 0;
	return 200;
}

/* Draws the page into a claimed entry: the status (200: e is done). */
static int S_person_build(struct pages *p, const struct route *rt,
    struct cached_page *e)
{
	struct person_page *pp = xcalloc(1, sizeof(*pp));
	int status = S_person_render(p, rt, pp, e);

	S_page_free(pp);
	free(pp);
	return status;
}

/* 200 with the person and a page of their articles; 404 when there is
 * no such person or page; 500; 503 when the database cannot be read. */
void pages_person(struct pages *p, const struct page_req *q)
{
	const struct route *rt = q->rt;
	struct cached_page *e;
	char key[CACHE_KEY_MAX];
	int status;

	if (pages_down(p, q))
		return;
	snprintf(key, sizeof(key), "p:%s:%lu", rt->slug, rt->page);
	if ((e = cache_get(p->cache, key)) == NULL) {
		e = cache_claim(p->cache, key);
		if ((status = S_person_build(p, rt, e)) != 200) {
			cache_abandon(p->cache, e);
			if (status == 503)
				pages_unavailable(p);
			pages_error(p, q, status, NULL);
			return;
		}
		e = cache_done(p->cache, e);
	}
	pages_answer(q, e, VIEW_NONE);
}
