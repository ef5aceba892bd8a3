/* handlers.h: the page handlers the route table (router.c) names, each
 * answering one kind of address (handler.h for what they are given).
 * Each is defined in the file its comment names; none calls another. */
#ifndef ARTICLED_HANDLERS_H
#define ARTICLED_HANDLERS_H

#include "pages/handler.h"

/* The blog list, / and /blog/page/N (pages_blog.c). */
route_handler	pages_blog;
/* An article, /post/SLUG (pages_article.c). */
route_handler	pages_article;
/* /comment/SLUG (pages_comments.c): the question form's POST (303 to
 * the thank-you page, or the form again with the text and why), the
 * thank-you page on GET.  The one handler that takes a POST. */
route_handler	pages_comment;
/* A tag's list, /blog/tag/TAG[/page/N] (pages_tag.c). */
route_handler	pages_tag;
/* /search?q=...&p=N (pages_search.c). */
route_handler	pages_search;
/* One of the clinic's people and their articles, /people/SLUG[/page/N]
 * (pages_people.c); the clinic's address, hours and map, /contact
 * (pages_contact.c). */
route_handler	pages_person;
route_handler	pages_contact;
/* /feed.xml, /sitemap.xml, /robots.txt (pages_feeds.c): cached per
 * worker, with ETag and Last-Modified, 304 to a conditional request. */
route_handler	pages_feed;
route_handler	pages_sitemap;
route_handler	pages_robots;
/* /media/v/<hex>-<width>.<ext> and /media/<name> (pages_media.c): a
 * picture's sizes, when nginx has no file; the owner's address. */
route_handler	pages_media_variant;
route_handler	pages_media_name;
/* A page's other spelling: 301 to its one address; any other address:
 * 404 (pages_moved.c). */
route_handler	pages_moved;
route_handler	pages_not_found;

/* The router's readers of what follows /media/v/ and /media/: 1 when it
 * is written as an address of one (media.h), else 0 (a 404)
 * (pages_media.c). */
int	pages_media_path(const char *rest, struct route *rt);
int	pages_media_name_path(const char *rest, struct route *rt);

#endif
