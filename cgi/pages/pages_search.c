/* pages_search.c: /search?q=...&p=N, a patient's search over the
 * published articles (FTS5, see search_query.h for how the text becomes
 * a query).  Never cached (each query is its own page, and would push
 * articles out of the cache), never counted as a view, and marked
 * noindex.  Statuses: 200 (with results, with none, or the empty box),
 * 404 for a page number past the results or not 1..10, 503. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/buf.h"
#include "lib/text.h"
#include "pages/layout.h"
#include "lib/address.h"
#include "pages/handler.h"
#include "pages/handlers.h"
#include "pages/pages_int.h"
#include "http/request.h"
#include "http/response.h"
#include "render/plain.h"
#include "render/search_query.h"
#include "store/store_search.h"

/* One result as template values; html holds the marked title and the
 * snippet, escaped, each ending in a NUL. */
struct result {
	struct tval	 v[6];
	char		 url[384];
	char		 published[48];
	struct buf	 title;
	struct buf	 snippet;
};

static void S_result(const char *root, const struct hit *h, struct result *r)
{
	struct buf plain = BUF_INIT;	/* the snippet of Markdown, as text */

	buf_init(&r->title);
	buf_init(&r->snippet);
	search_marked_html(&r->title, h->title ? h->title : "");
	plain_markdown(&plain, h->snippet ? h->snippet : "");
	search_marked_html(&r->snippet, buf_cstr(&plain));
	buf_free(&plain);
	address_post(r->url, sizeof(r->url), root, h->slug);
	layout_human_date(h->published_at ? h->published_at : "",
	    r->published, sizeof(r->published));
	r->v[0] = tv_html("title_html", buf_cstr(&r->title), r->title.len);
	r->v[1] = tv_text("url", r->url);
	r->v[2] = tv_text("published", r->published);
	r->v[3] = tv_text("published_iso", h->published_at ? h->published_at : "");
	r->v[4] = tv_html("snippet", buf_cstr(&r->snippet), r->snippet.len);
	r->v[5] = tv_text("title", h->title ? h->title : "");
}

/* A link to page n of the same search. */
static void S_page_url(const char *root, const char *text, unsigned n,
    struct buf *out)
{
	buf_printf(out, "%s/search?q=", root);
	text_url_encode(out, text, strlen(text), TEXT_URL_FORM);
	if (n > 1)
		buf_printf(out, "&p=%u", n);
	buf_cstr(out);
}

struct search_page {
	const char	*text;
	unsigned	 page;
	const char	*root;		/* the request's, before every link */
	struct hit	 hits[PAGES_PER_PAGE + 1];
	size_t		 nhits;		/* PAGES_PER_PAGE + 1: there is a next page */
	int		 searched;	/* the text held a word */
};

static int S_render(struct pages *p, const struct search_page *sp,
    struct buf *out)
{
	struct result res[PAGES_PER_PAGE];
	struct tctx items[PAGES_PER_PAGE];
	struct buf newer = BUF_INIT, older = BUF_INIT;
	struct page_head head = { 0 };
	char num[16];
	size_t i, n = sp->nhits > PAGES_PER_PAGE ? PAGES_PER_PAGE : sp->nhits;
	struct tval v[12];
	size_t nv = 0;
	int rc;

	for (i = 0; i < n; i++) {
		S_result(sp->root, &sp->hits[i], &res[i]);
		items[i] = (struct tctx){ res[i].v, 6, NULL };
	}
	if (sp->page > 1)
		S_page_url(sp->root, sp->text, sp->page - 1, &newer);
	if (sp->nhits > PAGES_PER_PAGE && sp->page < SEARCH_PAGES_MAX)
		S_page_url(sp->root, sp->text, sp->page + 1, &older);
	snprintf(num, sizeof(num), "%u", sp->page);
	v[nv++] = tv_bool("has_query", sp->text[0] != '\0');
	v[nv++] = tv_list("results", items, n);
	v[nv++] = tv_bool("has_results", n > 0);
	v[nv++] = tv_bool("no_results", n == 0 && sp->text[0] != '\0');
	v[nv++] = tv_text("page", num);
	v[nv++] = tv_text("newer_url", newer.len ? buf_cstr(&newer) : "");
	v[nv++] = tv_text("older_url", older.len ? buf_cstr(&older) : "");
	v[nv++] = tv_bool("has_pager", newer.len > 0 || older.len > 0);
	v[nv++] = tv_list("most_read", p->look.most_read,
	    n == 0 ? p->look.nmost_read : 0);
	v[nv++] = tv_bool("has_most_read", n == 0 && p->look.nmost_read > 0);
	head.title = sp->text[0] != '\0' ? "Search results" : "Search";
	head.description = p->site.settings.description;
	head.query = sp->text;
	head.noindex = 1;
	rc = layout_render(&p->look, p->tmpl->search, v, nv, &head, out,
	    NULL, 0);
	for (i = 0; i < n; i++) {
		buf_free(&res[i].title);
		buf_free(&res[i].snippet);
	}
	buf_free(&newer);
	buf_free(&older);
	return rc;
}

/* Runs the search; STORE_OK also when nothing was searched for. */
static enum store_rc S_search(struct pages *p, struct search_page *sp)
{
	struct buf fts = BUF_INIT;
	enum store_rc rc = STORE_OK;

	if (search_fts_query(&fts, sp->text) > 0) {
		sp->searched = 1;
		rc = store_search(p->site.store, buf_cstr(&fts),
		    p->site.now_iso, (size_t)(sp->page - 1) * PAGES_PER_PAGE,
		    sp->hits, PAGES_PER_PAGE + 1, &sp->nhits);
		if (rc == STORE_NOTFOUND)	/* FTS5 refused: no match */
			rc = STORE_OK;
	}
	buf_free(&fts);
	return rc;
}

/* The status the search answers: 404 for a page not 1..10 or past the
 * results, 503 when the database failed, else 200. */
static int S_status(struct pages *p, struct search_page *sp)
{
	if (sp->page == 0)
		return 404;
	if (S_search(p, sp) != STORE_OK) {
		pages_unavailable(p);
		return 503;
	}
	if (sp->page > 1 && sp->nhits == 0)
		return 404;
	return 200;
}

void pages_search(struct pages *p, const struct page_req *q)
{
	struct response *resp = q->resp;
	struct search_args args;
	struct search_page *sp;
	int status;

	if (pages_down(p, q))
		return;
	search_args_parse(&args, q->r->query);
	sp = xcalloc(1, sizeof(*sp));
	sp->text = buf_cstr(&args.text);
	sp->page = args.page;
	sp->root = q->root;
	if ((status = S_status(p, sp)) != 200) {
		pages_error(p, q, status, NULL);
	} else {
		if (sp->nhits == 0 && sp->text[0] != '\0')
			pages_most_read(p);
		resp->status = 200;
		buf_reset(&resp->body);
		if (S_render(p, sp, &resp->body) != 0)
			pages_error(p, q, 500, NULL);
	}
	while (sp->nhits > 0)
		store_hit_free(&sp->hits[--sp->nhits]);
	free(sp);
	search_args_free(&args);
}
