/* referrer.h: where a view came from, as counted: the referring site's
 * host only (lower case, no port, no "www."), never its path or query,
 * and a few sites grouped under one name. */
#ifndef ARTICLED_REFERRER_H
#define ARTICLED_REFERRER_H

#include <stddef.h>

/* The source of a view with this Referer (NULL or "" when none) on a
 * site whose own host is own_host (lower case, "www." and port already
 * gone: referrer_host of the base URL; NULL or "" for none): "direct"
 * when there is no referrer, a group ("Google", "Bing", "DuckDuckGo",
 * "Facebook", "WhatsApp", "email"), the host, or "other" for what is no
 * host.  NULL for the site's own pages: a reader moving within the site
 * came from nowhere new.  out holds at least 64 bytes. */
const char	*referrer_source(const char *referer, const char *own_host,
		    char *out, size_t outlen);

/* The host of an http(s) URL as referrer_source compares it, into out;
 * "" when there is none. */
void		 referrer_host(const char *url, char *out, size_t outlen);

#endif
