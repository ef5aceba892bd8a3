/* address.h: the site's addresses that more than one file builds.  An
 * article lives at /post/SLUG (router.c routes it; the pages, the feed,
 * the sitemap and the redirects write it). */
#ifndef ARTICLED_ADDRESS_H
#define ARTICLED_ADDRESS_H

#include <stddef.h>

#define ADDRESS_POST	"/post/"

/* root, "/post/" and slug into out (len bytes, truncated if need be):
 * root is "" under FastCGI, the script's path under CGI, or the site's
 * base URL in a feed. */
void	address_post(char *out, size_t len, const char *root,
	    const char *slug);

#endif
