/* router.h: the whole URL space in one table (router.c), each address
 * mapped straight to the handler that answers it (handlers.h):
 *   /                   the blog list, page 1 (also /blog)
 *   /blog/page/N        the list, page N >= 2 (/blog/page/1 redirects)
 *   /post/SLUG          an article; SLUG is [a-z0-9-]{1,80}
 *   /blog/tag/TAG       a tag's articles, page 1; TAG is [a-z0-9-]{1,40}
 *   /blog/tag/TAG/page/N  page N >= 2 (page 1 redirects)
 *   /search             search (?q=...&p=N: pages_search.c)
 *   /feed.xml           the Atom feed; /sitemap.xml; /robots.txt
 *   /media/v/HEX-W.EXT  one size of a picture; /media/NAME a picture
 *   /people/SLUG[/page/N]  one of the clinic's people, their articles
 *   /contact            the clinic's address, hours and map
 * An address written another way (upper case, page 1) goes to
 * pages_moved, a 301 to its one spelling; anything else is 404. */
#ifndef ARTICLED_ROUTER_H
#define ARTICLED_ROUTER_H

struct route;

/* Routes a canonical, decoded path (see request.c) into rt (handler.h). */
void	route_path(const char *path, struct route *rt);

#endif
