/* handler.h: what a page handler is given and what it may call back.
 * The router (router.c) reads the path into a struct route; pages_handle
 * (pages.c) puts it, the request, the response and whether the site is
 * readable into one struct page_req, which lives for that request only;
 * the handler answers into q->resp.  The helpers below (handler.c) are
 * the only part of pages.c's world a handler sees besides struct pages
 * (pages_int.h), so handlers depend on them and never on each other. */
#ifndef ARTICLED_HANDLER_H
#define ARTICLED_HANDLER_H

#include <stddef.h>
#include <stdint.h>

#include "http/views.h"

#define ROUTE_SLUG_MAX	80
#define ROUTE_TAG_MAX	40

struct cached_page;
struct cached_slot;
struct page_req;
struct pages;
struct request;
struct response;

/* A page handler (handlers.h): answers q into q->resp. */
typedef void route_handler(struct pages *p, const struct page_req *q);

/* What the router read from the path. */
struct route {
	route_handler	*handler;	/* pages_blog: .page; pages_article:
					 * .slug; pages_tag: .tag and .page;
					 * pages_person: .slug and .page;
					 * pages_moved: .location;
					 * pages_not_found */
	unsigned long	 page;
	char		 slug[ROUTE_SLUG_MAX + 1];
	char		 tag[ROUTE_TAG_MAX + 1];
	/* The longest: /people/SLUG/page/N, N of at most 9 digits. */
	char		 location[ROUTE_SLUG_MAX + 40];
};

/* One request as its handler sees it (pages_handle builds it). */
struct page_req {
	const struct request	*r;
	const struct route	*rt;
	struct response		*resp;
	int			 fresh;	/* the site was readable just now */
	const char		*root;	/* r->root: "" or CGI's SCRIPT_NAME */
};

/* The status page for status (message NULL: the status's own sentence);
 * a 404 while the site is readable offers the most read articles. */
void	pages_error(struct pages *p, const struct page_req *q, int status,
	    const char *message);
/* A query failed: 503, and the site is probed again. */
void	pages_failed(struct pages *p, const struct page_req *q);
/* 1 with a 503 when the site was not readable for this request. */
int	pages_down(struct pages *p, const struct page_req *q);
/* 301 to path (below the root). */
void	pages_redirect(struct pages *p, const struct page_req *q,
	    const char *path);
/* The site cannot be read: probe it again, drop what was built from it. */
void	pages_unavailable(struct pages *p);
/* Drops whatever was built from the site: rendered pages, page keys. */
void	pages_drop(struct pages *p);

/* 200 with cached page e and its live counts; first: what its first
 * count does (views.h: counts the view, or shows it counted). */
void	pages_answer(const struct page_req *q, const struct cached_page *e,
	    enum view first);
/* The same, with token written into the page's token slot, the question
 * form's (cache.h: a slot with token_for; comments.h), made by the
 * article handler for this answer. */
void	pages_answer_token(const struct page_req *q,
	    const struct cached_page *e, enum view first, const char *token);
/* The view counter's slot of article key, with its stored base. */
void	pages_slot_for(struct pages *p, struct cached_slot *s, int64_t key,
	    int64_t base);
/* How many list pages n articles fill (0 for none). */
size_t	pages_count(size_t n);

#endif
