/* pages_feeds.c: the handlers of /feed.xml, /sitemap.xml and /robots.txt.
 * Each document is built once per change of the site (site_view.changes:
 * an owner's edit of an article or a setting, or a scheduled article
 * going live) and kept by the worker with its ETag and Last-Modified;
 * a conditional GET or HEAD that matches gets 304 and no body. */
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/buf.h"
#include "http/conditional.h"
#include "render/feed.h"
#include "pages/handler.h"
#include "pages/handlers.h"
#include "pages/pages_int.h"
#include "http/request.h"
#include "http/response.h"
#include "pages/site.h"
#include "render/sitemap.h"

enum doc { DOC_FEED, DOC_SITEMAP, DOC_ROBOTS, DOC__MAX };

struct feed_doc {
	int		 valid;
	unsigned long	 changes;	/* site_view.changes it was built at */
	struct buf	 body;
	char		 etag[COND_ETAG_MAX];
	char		 modified[COND_DATE_MAX];
};

struct feed_cache {
	struct feed_doc	 doc[DOC__MAX];
};

static const char *const S_types[DOC__MAX] = {
	"application/atom+xml; charset=utf-8",
	"application/xml; charset=utf-8",
	"text/plain; charset=utf-8",
};

void pages_feeds_free(struct feed_cache *fc)
{
	size_t i;

	if (fc == NULL)
		return;
	for (i = 0; i < DOC__MAX; i++)
		buf_free(&fc->doc[i].body);
	free(fc);
}

static enum store_rc S_build_feed(struct site_view *sv, const char *stamp,
    struct buf *out)
{
	struct article arts[FEED_ENTRIES];
	size_t n = 0;
	enum store_rc rc;
	int bad;

	rc = store_list(sv->store, sv->now_iso, NULL, 0, arts, FEED_ENTRIES,
	    &n);
	if (rc != STORE_OK)
		return rc;
	bad = feed_atom(sv->store, &sv->settings, arts, n, stamp, out);
	while (n > 0)
		store_article_free(&arts[--n]);
	return bad ? STORE_UNAVAILABLE : STORE_OK;
}

static enum store_rc S_build(struct site_view *sv, enum doc which,
    struct feed_doc *d)
{
	char stamp[32];
	enum store_rc rc;

	buf_reset(&d->body);
	if ((rc = store_feed_stamp(sv->store, sv->now_iso, stamp,
	    sizeof(stamp))) != STORE_OK)
		return rc;
	if (which == DOC_FEED)
		rc = S_build_feed(sv, stamp, &d->body);
	else if (which == DOC_SITEMAP)
		rc = sitemap_xml(sv->store, &sv->settings, sv->now_iso, stamp,
		    PAGES_PER_PAGE, &d->body);
	else
		sitemap_robots(&sv->settings, &d->body);
	if (rc != STORE_OK)
		return rc;
	cond_etag(d->body.data ? d->body.data : "", d->body.len, d->etag);
	cond_http_date(stamp, d->modified);
	d->changes = sv->changes;
	d->valid = 1;
	return STORE_OK;
}

static void S_answer(const struct request *r, const struct feed_doc *d,
    enum doc which, struct response *resp)
{
	response_header(resp, "ETag", d->etag);
	if (d->modified[0] != '\0')
		response_header(resp, "Last-Modified", d->modified);
	resp->content_type = S_types[which];
	buf_reset(&resp->body);
	if (cond_not_modified(r->if_none_match, r->if_modified_since,
	    d->etag, d->modified[0] != '\0' ? d->modified : NULL)) {
		resp->status = 304;
		return;
	}
	resp->status = 200;
	buf_put(&resp->body, d->body.data ? d->body.data : "", d->body.len);
}

static void S_serve(struct pages *p, const struct page_req *q,
    enum doc which)
{
	struct feed_cache **fc = &p->feeds;
	struct site_view *sv = &p->site;
	struct feed_doc *d;

	if (pages_down(p, q))
		return;
	if (*fc == NULL)
		*fc = xcalloc(1, sizeof(**fc));
	d = &(*fc)->doc[which];
	if ((!d->valid || d->changes != sv->changes) &&
	    S_build(sv, which, d) != STORE_OK) {
		d->valid = 0;
		pages_failed(p, q);
		return;
	}
	S_answer(q->r, d, which, q->resp);
}

void pages_feed(struct pages *p, const struct page_req *q)
{
	S_serve(p, q, DOC_FEED);
}

void pages_sitemap(struct pages *p, const struct page_req *q)
{
	S_serve(p, q, DOC_SITEMAP);
}

void pages_robots(struct pages *p, const struct page_req *q)
{
	S_serve(p, q, DOC_ROBOTS);
}
