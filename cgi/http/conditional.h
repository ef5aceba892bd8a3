/* conditional.h: HTTP validators for documents that change only with the
 * site (the feed, the sitemap, robots.txt): an ETag from the bytes, a
 * Last-Modified from the site's last change, and whether a conditional
 * GET or HEAD may be answered 304 Not Modified (RFC 9110, 13.1). */
#ifndef ARTICLED_CONDITIONAL_H
#define ARTICLED_CONDITIONAL_H

#include <stddef.h>

#define COND_ETAG_MAX	24	/* "0123456789abcdef" and NUL */
#define COND_DATE_MAX	32	/* Sun, 06 Nov 1994 08:49:37 GMT */

/* A strong ETag from the body's bytes: the same in every worker, and new
 * whenever a byte changes. */
void	cond_etag(const char *body, size_t n, char out[COND_ETAG_MAX]);

/* "2024-05-01T09:00:00Z" as an IMF-fixdate; "" when iso is not a date. */
void	cond_http_date(const char *iso, char out[COND_DATE_MAX]);

/* 1 when the client's copy is current: If-None-Match (when sent) lists
 * etag or "*"; otherwise If-Modified-Since is a date at or after
 * last_modified (an IMF-fixdate, as cond_http_date writes).  Any may be
 * NULL (not sent). */
int	cond_not_modified(const char *if_none_match,
	    const char *if_modified_since, const char *etag,
	    const char *last_modified);

#endif
