/* sitemap.h: /sitemap.xml (sitemaps.org 0.9) and /robots.txt, which
 * names it.  Every address is absolute, from base_url. */
#ifndef ARTICLED_SITEMAP_H
#define ARTICLED_SITEMAP_H

#include <stddef.h>

#include "store/store.h"

struct buf;

/* The blog, its list pages (per_page articles each), and what
 * store_sitemap_urls gives (articles, tag pages), into out. */
enum store_rc	sitemap_xml(struct store *s, const struct site *site,
		    const char *now, const char *stamp, size_t per_page,
		    struct buf *out);

/* robots.txt: everything may be crawled; the sitemap's address. */
void		sitemap_robots(const struct site *site, struct buf *out);

#endif
