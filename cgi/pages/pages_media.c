/* pages_media.c: pictures' addresses (issue 9).
 *   /media/v/<version hex>-<width>.<ext>: one size, immutable; nginx
 *     serves the file articled's picture maker wrote, and this answers
 *     when there is none, from media_variants.
 *   /media/<name>: the owner's address, as written in Markdown: the widest
 *     JPEG or PNG of the picture as it is now, revalidated every time
 *     (its ETag names the version, so a replaced picture shows at once).
 * Never the original bytes.  Statuses: 200, 304 (If-None-Match), 404 in
 * the site's layout (no such picture or size, a refused picture, an
 * address written any other way), 503 (while the sizes are being made,
 * with Retry-After; or the database cannot be read).  Not views. */
#include <stdio.h>
#include <string.h>

#include "http/conditional.h"
#include "lib/media.h"
#include "pages/handler.h"
#include "pages/handlers.h"
#include "pages/pages_int.h"
#include "http/request.h"
#include "http/response.h"
#include "store/store_media_read.h"

#define MEDIA_IMMUTABLE	"public, max-age=31536000, immutable"
#define MEDIA_V_PREFIX	"/media/v/"
#define MEDIA_PREFIX	"/media/"

#define MEDIA_NOT_READY	"This picture is being prepared. " \
	"Please try again in a moment."

/* A size's validator: its address, which names the version. */
static void S_etag(const struct media_key *k, char *out, size_t outlen)
{
	snprintf(out, outlen, "\"%016llx-%d.%s\"",
	    (unsigned long long)k->version, k->width,
	    media_format_ext(k->format));
}

/* Size k's bytes with its validators, or 304 when the client has them. */
static void S_send(struct pages *p, const struct page_req *q,
    const struct media_key *k, const char *cache)
{
	struct response *resp = q->resp;
	char etag[MEDIA_PATH_MAX + 8];
	enum store_rc rc;

	buf_reset(&resp->body);
	rc = store_media_variant(p->site.store, k, &resp->body);
	if (rc == STORE_NOTFOUND) {
		pages_error(p, q, 404, NULL);
		return;
	}
	if (rc != STORE_OK) {
		pages_failed(p, q);
		return;
	}
	S_etag(k, etag, sizeof(etag));
	response_header(resp, "ETag", etag);
	resp->content_type = media_format_type(k->format);
	resp->cache_control = cache;
	resp->status = 200;
	if (cond_not_modified(q->r->if_none_match, NULL, etag, NULL)) {
		resp->status = 304;
		buf_reset(&resp->body);
	}
}

void pages_media_variant(struct pages *p, const struct page_req *q)
{
	const struct request *r = q->r;
	struct media_key k;

	if (pages_down(p, q))
		return;
	if (strncmp(r->path, MEDIA_V_PREFIX, strlen(MEDIA_V_PREFIX)) != 0 ||
	    !media_key_parse(r->path + strlen(MEDIA_V_PREFIX), &k)) {
		pages_error(p, q, 404, NULL);
		return;
	}
	S_send(p, q, &k, MEDIA_IMMUTABLE);
}

/* The widest of the fallback's sizes (PNG when there are PNGs). */
static const struct media_size *S_widest(const struct media_info *m)
{
	const struct media_size *best = NULL;
	enum media_format f = MEDIA_JPEG;
	size_t i;

	for (i = 0; i < m->nv; i++)
		if (m->v[i].format == MEDIA_PNG)
			f = MEDIA_PNG;
	for (i = 0; i < m->nv; i++)
		if (m->v[i].format == f &&
		    (best == NULL || m->v[i].width > best->width))
			best = &m->v[i];
	return best;
}

void pages_media_name(struct pages *p, const struct page_req *q)
{
	const struct request *r = q->r;
	const struct media_size *v;
	struct media_info m;
	struct media_key k;
	enum store_rc rc;

	if (pages_down(p, q))
		return;
	rc = store_media_info(p->site.store, r->path +
	    strlen(MEDIA_PREFIX), &m);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		pages_failed(p, q);
		return;
	}
	if (rc == STORE_NOTFOUND || m.status == MEDIA_REFUSED) {
		pages_error(p, q, 404, NULL);
		return;
	}
	if (m.status != MEDIA_READY || (v = S_widest(&m)) == NULL) {
		pages_error(p, q, 503, MEDIA_NOT_READY);
		return;
	}
	k = (struct media_key){ m.version, v->width, v->format };
	S_send(p, q, &k, NULL);
}

int pages_media_path(const char *rest, struct route *rt)
{
	struct media_key k;

	(void)rt;
	return media_key_parse(rest, &k);
}

int pages_media_name_path(const char *rest, struct route *rt)
{
	(void)rt;
	return media_name_valid(rest);
}
