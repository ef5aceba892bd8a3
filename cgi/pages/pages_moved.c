/* pages_moved.c: addresses that are not, or no longer, a page's own.  A
 * slug the owner changed answers 301 to the article's address now, for
 * good; a deleted article's answers 410 Gone, in the site's layout
 * (slug_history, kept by triggers in schema.sql); an address written
 * another way than the page's one (router.c) answers 301 to it; any
 * other address 404. */
#include <stdio.h>
#include <string.h>

#include "lib/address.h"
#include "pages/handler.h"
#include "pages/handlers.h"
#include "pages/pages_int.h"
#include "pages/site.h"
#include "store/store.h"

void pages_old_slug(struct pages *p, const struct page_req *q,
    const char *slug)
{
	char now[ROUTE_SLUG_MAX + 8], path[ROUTE_SLUG_MAX + 16];
	enum store_rc rc;

	rc = store_slug_moved(p->site.store, slug, now, sizeof(now));
	if (rc == STORE_NOTFOUND || (rc == STORE_OK && strcmp(now, slug) == 0)) {
		pages_error(p, q, 404, NULL);
		return;
	}
	if (rc != STORE_OK) {
		pages_failed(p, q);
		return;
	}
	if (now[0] == '\0') {
		pages_error(p, q, 410, NULL);
		return;
	}
	address_post(path, sizeof(path), "", now);
	pages_redirect(p, q, path);
}

/* 301 to rt->location: the page's one address. */
void pages_moved(struct pages *p, const struct page_req *q)
{
	pages_redirect(p, q, q->rt->location);
}

/* 404: no page at this address, whether the database is up or not. */
void pages_not_found(struct pages *p, const struct page_req *q)
{
	pages_error(p, q, 404, NULL);
}
