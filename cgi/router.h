/* router.h: the whole URL space in one table.
 *   /                   the blog list, page 1 (also /blog)
 *   /blog/page/N        the list, page N >= 2 (/blog/page/1 redirects)
 *   /post/SLUG          an article; SLUG is [a-z0-9-]{1,80}
 * Anything else is 404. */
#ifndef ARTICLED_ROUTER_H
#define ARTICLED_ROUTER_H

#include <stddef.h>

#define ROUTE_SLUG_MAX	80

enum route_kind {
	ROUTE_NOTFOUND,
	ROUTE_LIST,		/* page in .page */
	ROUTE_POST,		/* slug in .slug */
	ROUTE_REDIRECT,		/* to .location */
};

struct route {
	enum route_kind	 kind;
	unsigned long	 page;
	char		 slug[ROUTE_SLUG_MAX + 1];
	char		 location[ROUTE_SLUG_MAX + 16];
};

/* Routes a canonical, decoded path (see request.c). */
void	route_path(const char *path, struct route *rt);

#endif
