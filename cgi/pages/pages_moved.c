/* pages_moved.c: addresses that once led to an article.  A slug the
 * owner changed answers 301 to the article's address now, for good; a
 * deleted article's answers 410 Gone, in the site's layout (slug_history,
 * kept by triggers in schema.sql). */
#include <stdio.h>
#include <string.h>

#include "pages/pages_int.h"
#include "http/response.h"
#include "pages/router.h"
#include "pages/site.h"
#include "store/store.h"

void pages_old_slug(struct pages *p, const char *slug, struct response *resp)
{
	char now[ROUTE_SLUG_MAX + 8], path[ROUTE_SLUG_MAX + 16];
	enum store_rc rc;

	rc = store_slug_moved(pages_site(p)->store, slug, now, sizeof(now));
	if (rc == STORE_NOTFOUND || (rc == STORE_OK && strcmp(now, slug) == 0)) {
		pages_error(p, resp, 404, NULL);
		return;
	}
	if (rc != STORE_OK) {
		pages_failed(p, resp);
		return;
	}
	if (now[0] == '\0') {
		pages_error(p, resp, 410, NULL);
		return;
	}
	snprintf(path, sizeof(path), "/post/%s", now);
	pages_redirect(p, resp, path);
}
