/* router.h: the whole URL space in one table (router.c), each address
 * mapped straight to the handler that answers it:
 *   /                   the blog list, page 1 (also /blog)
 *   /blog/page/N        the list, page N >= 2 (/blog/page/1 redirects)
 *   /post/SLUG          an article; SLUG is [a-z0-9-]{1,80}
 *   /blog/tag/TAG       a tag's articles, page 1; TAG is [a-z0-9-]{1,40}
 *   /blog/tag/TAG/page/N  page N >= 2 (page 1 redirects)
 *   /search             search (?q=...&p=N: pages_search.c)
 *   /media/v/HEX-W.EXT  one size of a picture; /media/NAME a picture
 *   /people/SLUG[/page/N]  one of the clinic's people, their articles
 *   /contact            the clinic's address, hours and map
 * Anything else is 404. */
#ifndef ARTICLED_ROUTER_H
#define ARTICLED_ROUTER_H

#include <stddef.h>

#define ROUTE_SLUG_MAX	80
#define ROUTE_TAG_MAX	40

struct pages;
struct request;
struct response;
struct route;

/* A page handler (pages.h): answers the routed request into resp. */
typedef void route_handler(struct pages *p, const struct request *r,
    const struct route *rt, struct response *resp);

struct route {
	route_handler	*handler;	/* pages_list: .page; pages_article:
					 * .slug; pages_tag: .slug (the tag)
					 * and .page; pages_moved: .location;
					 * pages_not_found */
	unsigned long	 page;
	char		 slug[ROUTE_SLUG_MAX + 1];
	char		 location[ROUTE_SLUG_MAX + 40];
};

/* Routes a canonical, decoded path (see request.c). */
void	route_path(const char *path, struct route *rt);

#endif
