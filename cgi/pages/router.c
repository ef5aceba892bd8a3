/* router.c: path to handler (see router.h for the URL space).  Adding a
 * page is one line in S_routes: a prefix, how the rest of the path is
 * read, and the handler that answers. */
#include <stdio.h>
#include <string.h>

#include "lib/address.h"
#include "pages/handler.h"
#include "pages/handlers.h"
#include "pages/router.h"

/* Reads the rest of the path after a route's prefix into rt: 1 when it
 * is written as the route expects, 0 when not (a 404).  A rest written
 * another way that means the same page (upper case, page 1) also sets
 * rt->location, the one address the request then moves to. */
typedef int (*route_args)(const char *rest, struct route *rt);

/* An exact route: nothing follows the prefix (for the blog list, that
 * is page 1). */
static int S_exact(const char *rest, struct route *rt)
{
	(void)rest;
	rt->page = 1;
	return 1;
}

/* Page numbers are written one way only: no sign, no leading zero, no
 * overflow; page 1 lives at /blog. */
static int S_page_number(const char *rest, struct route *rt)
{
	unsigned long n = 0;
	const char *p;

	if (rest[0] < '1' || rest[0] > '9' || strlen(rest) > 9)
		return 0;
	for (p = rest; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		n = n * 10 + (unsigned long)(*p - '0');
	}
	if (n == 1)
		snprintf(rt->location, sizeof(rt->location), "/blog");
	rt->page = n;
	return 1;
}

/* A slug that only differs by case is redirected to its lower-case
 * form, since links typed by hand often capitalise. */
static int S_slug(const char *rest, struct route *rt)
{
	size_t i, n = strlen(rest);
	int upper = 0;
	char c;

	if (n == 0 || n > ROUTE_SLUG_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		c = rest[i];
		if (c >= 'A' && c <= 'Z') {
			upper = 1;
			c = (char)(c - 'A' + 'a');
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-')) {
			return 0;
		}
		rt->slug[i] = c;
	}
	rt->slug[n] = '\0';
	if (upper)
		address_post(rt->location, sizeof(rt->location), "",
		    rt->slug);
	return 1;
}

/* "NAME" or "NAME/page/N", NAME written like a slug of at most max
 * characters (schema.sql); upper case and page 1 move to the one
 * address, base + NAME. */
static int S_named(const char *rest, struct route *rt, size_t max,
    const char *base)
{
	char name[ROUTE_SLUG_MAX + 1];
	const char *slash = strchr(rest, '/');
	size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
	int moved;

	if (n == 0 || n > max)
		return 0;
	memcpy(name, rest, n);
	name[n] = '\0';
	if (!S_slug(name, rt))
		return 0;
	moved = rt->location[0] != '\0';
	rt->page = 1;
	if (slash != NULL && (strncmp(slash, "/page/", 6) != 0 ||
	    !S_page_number(slash + 6, rt)))
		return 0;
	if (moved || rt->location[0] != '\0')
		snprintf(rt->location, sizeof(rt->location), rt->page > 1 ?
		    "%s%s/page/%lu" : "%s%s", base, rt->slug, rt->page);
	return 1;
}

/* A tag: /blog/tag/TAG[/page/N], in rt->tag. */
static int S_tag(const char *rest, struct route *rt)
{
	if (!S_named(rest, rt, ROUTE_TAG_MAX, "/blog/tag/"))
		return 0;
	memcpy(rt->tag, rt->slug, strlen(rt->slug) + 1);
	memset(rt->slug, 0, sizeof(rt->slug));
	return 1;
}

/* One of the clinic's people: /people/SLUG[/page/N], in rt->slug. */
static int S_person(const char *rest, struct route *rt)
{
	return S_named(rest, rt, ROUTE_SLUG_MAX, "/people/");
}

static const struct {
	const char	*prefix;
	int		 exact;	/* the prefix is the whole path */
	route_args	 args;
	route_handler	*handler;
} S_routes[] = {
	{ "/", 1, S_exact, pages_blog },
	{ "/blog", 1, S_exact, pages_blog },
	{ "/blog/page/", 0, S_page_number, pages_blog },
	{ ADDRESS_POST, 0, S_slug, pages_article },
	{ "/comment/", 0, S_slug, pages_comment },
	{ "/blog/tag/", 0, S_tag, pages_tag },
	{ "/search", 1, S_exact, pages_search },
	{ "/feed.xml", 1, S_exact, pages_feed },
	{ "/sitemap.xml", 1, S_exact, pages_sitemap },
	{ "/robots.txt", 1, S_exact, pages_robots },
	{ "/media/v/", 0, pages_media_path, pages_media_variant },
	{ "/media/", 0, pages_media_name_path, pages_media_name },
	{ "/people/", 0, S_person, pages_person },
	{ "/contact", 1, S_exact, pages_contact },
};

void route_path(const char *path, struct route *rt)
{
	size_t i, n;

	memset(rt, 0, sizeof(*rt));
	rt->handler = pages_not_found;
	for (i = 0; i < sizeof(S_routes) / sizeof(S_routes[0]); i++) {
		n = strlen(S_routes[i].prefix);
		if (S_routes[i].exact ? strcmp(path, S_routes[i].prefix) != 0 :
		    strncmp(path, S_routes[i].prefix, n) != 0)
			continue;
		if (!S_routes[i].args(S_routes[i].exact ? "" : path + n, rt)) {
			memset(rt->slug, 0, sizeof(rt->slug));
			memset(rt->tag, 0, sizeof(rt->tag));
			rt->page = 0;
			return;
		}
		rt->handler = rt->location[0] != '\0' ? pages_moved :
		    S_routes[i].handler;
		return;
	}
}
