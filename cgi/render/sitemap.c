/* sitemap.c: /sitemap.xml and /robots.txt.  The addresses below /blog
 * come from one query (store_sitemap_urls), so a new kind of page is one
 * more line of SQL; the list pages are counted from the articles. */
#include <stdio.h>
#include <string.h>

#include "lib/address.h"
#include "lib/buf.h"
#include "render/feed.h"
#include "render/sitemap.h"
#include "lib/text.h"

struct urls {
	struct buf	 xml;
	const char	*base;
	size_t		 posts;
};

static void S_url(struct buf *out, const char *base, const char *path,
    const char *lastmod)
{
	struct buf enc = BUF_INIT;

	text_url_encode(&enc, path, strlen(path), TEXT_URL_PATH);
	buf_puts(out, "<url><loc>");
	feed_xml_escape(out, base, strlen(base));
	feed_xml_escape(out, enc.data ? enc.data : "", enc.len);
	buf_puts(out, "</loc>");
	if (lastmod != NULL && feed_date_ok(lastmod)) {
		buf_puts(out, "<lastmod>");
		buf_puts(out, lastmod);
		buf_puts(out, "</lastmod>");
	}
	buf_puts(out, "</url>\n");
	buf_free(&enc);
}

static void S_each(const char *path, const char *lastmod, void *arg)
{
	struct urls *u = arg;

	if (strncmp(path, ADDRESS_POST, strlen(ADDRESS_POST)) == 0)
		u->posts++;
	S_url(&u->xml, u->base, path, lastmod);
}

enum store_rc sitemap_xml(struct store *s, const struct site *site,
    const char *now, const char *stamp, size_t per_page, struct buf *out)
{
	struct urls u = { BUF_INIT, site->base_url, 0 };
	char path[48];
	size_t page, pages;
	enum store_rc rc;

	if ((rc = store_sitemap_urls(s, now, S_each, &u)) != STORE_OK) {
		buf_free(&u.xml);
		return rc;
	}
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	S_url(out, site->base_url, "/blog", stamp);
	pages = (u.posts + per_page - 1) / per_page;
	for (page = 2; page <= pages; page++) {
		snprintf(path, sizeof(path), "/blog/page/%zu", page);
		S_url(out, site->base_url, path, NULL);
	}
	buf_put(out, u.xml.data ? u.xml.data : "", u.xml.len);
	buf_puts(out, "</urlset>\n");
	buf_free(&u.xml);
	return STORE_OK;
}

void sitemap_robots(const struct site *site, struct buf *out)
{
	buf_puts(out, "User-agent: *\nAllow: /\n\nSitemap: ");
	buf_puts(out, site->base_url);
	buf_puts(out, "/sitemap.xml\n");
}
