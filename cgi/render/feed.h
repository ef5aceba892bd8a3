/* feed.h: the Atom 1.0 feed (RFC 4287) of the newest articles, with each
 * article's whole rendered body, and the XML escaping the sitemap shares. */
#ifndef ARTICLED_FEED_H
#define ARTICLED_FEED_H

#include <stddef.h>

#include "store/store.h"

struct buf;
struct store;

#define FEED_ENTRIES	20

/* Writes the feed of arts (newest first, read by store_list) into out,
 * each body through the guarded render of st (render.h): one past the
 * render bound is left out.  stamp is when the site last changed
 * (store_feed_stamp): the feed's updated.  0, or -1 when an article
 * cannot be rendered. */
int	feed_atom(struct store *st, const struct site *site,
	    const struct article *arts, size_t n, const char *stamp,
	    struct buf *out);

/* Appends s as XML character data or a quoted attribute value: escaped,
 * invalid UTF-8 and characters XML 1.0 forbids replaced. */
void	feed_xml_escape(struct buf *out, const char *s, size_t n);

/* 1 if iso is an xsd:dateTime articled writes (2024-05-01T09:00:00Z,
 * year 0001 or later). */
int	feed_date_ok(const char *iso);

#endif
