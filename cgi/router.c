/* router.c: path to page (see router.h for the URL space). */
#include <stdio.h>
#include <string.h>

#include "router.h"

typedef void (*route_fn)(const char *rest, struct route *rt);

static void S_list(const char *rest, struct route *rt)
{
	if (*rest != '\0')
		return;
	rt->kind = ROUTE_LIST;
	rt->page = 1;
}

/* Page numbers are written one way only: no sign, no leading zero, no
 * overflow; page 1 lives at /blog. */
static void S_list_page(const char *rest, struct route *rt)
{
	unsigned long n = 0;
	const char *p;

	if (rest[0] < '1' || rest[0] > '9' || strlen(rest) > 9)
		return;
	for (p = rest; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return;
		n = n * 10 + (unsigned long)(*p - '0');
	}
	if (n == 1) {
		rt->kind = ROUTE_REDIRECT;
		snprintf(rt->location, sizeof(rt->location), "/blog");
		return;
	}
	rt->kind = ROUTE_LIST;
	rt->page = n;
}

/* A slug that only differs by case is redirected to its lower-case
 * form, since links typed by hand often capitalise. */
static void S_post(const char *rest, struct route *rt)
{
	size_t i, n = strlen(rest);
	int upper = 0;
	char c;

	if (n == 0 || n > ROUTE_SLUG_MAX)
		return;
	for (i = 0; i < n; i++) {
		c = rest[i];
		if (c >= 'A' && c <= 'Z') {
			upper = 1;
			c = (char)(c - 'A' + 'a');
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-')) {
			return;
		}
		rt->slug[i] = c;
	}
	rt->slug[n] = '\0';
	if (upper) {
		rt->kind = ROUTE_REDIRECT;
		snprintf(rt->location, sizeof(rt->location), "/post/%s",
		    rt->slug);
		return;
	}
	rt->kind = ROUTE_POST;
}

static const struct {
	const char	*prefix;
	int		 exact;	/* the prefix is the whole path */
	route_fn	 fn;
} S_routes[] = {
	{ "/", 1, S_list },
	{ "/blog", 1, S_list },
	{ "/blog/page/", 0, S_list_page },
	{ "/post/", 0, S_post },
};

void route_path(const char *path, struct route *rt)
{
	size_t i, n;

	memset(rt, 0, sizeof(*rt));
	rt->kind = ROUTE_NOTFOUND;
	for (i = 0; i < sizeof(S_routes) / sizeof(S_routes[0]); i++) {
		n = strlen(S_routes[i].prefix);
		if (S_routes[i].exact ? strcmp(path, S_routes[i].prefix) != 0 :
		    strncmp(path, S_routes[i].prefix, n) != 0)
			continue;
		S_routes[i].fn(S_routes[i].exact ? "" : path + n, rt);
		return;
	}
}
