/* jsonld.h: the post's structured data for search engines: a schema.org
 * BlogPosting whose publisher is the clinic (MedicalClinic, with its
 * phone numbers), written to sit inside <script type="application/ld+json">. */
#ifndef ARTICLED_JSONLD_H
#define ARTICLED_JSONLD_H

#include <stddef.h>

#include "store/store.h"

struct buf;

/* The BlogPosting of a, whose address is base_url + path, into out;
 * image: its picture's absolute address, NULL for the site's; more:
 * members to add (",\"commentCount\":2,..."), NULL for none. */
void	jsonld_post(const struct site *site, const struct article *a,
	    const char *description, const char *path, const char *image,
	    const char *more, struct buf *out);

/* Appends s as a JSON string that cannot end a script element or an HTML
 * comment: < > & ' and U+2028/2029 as \u escapes, invalid UTF-8 as U+FFFD. */
void	jsonld_string(struct buf *out, const char *s, size_t n);

/* The site's picture (settings 'image') as an absolute URL into out
 * (nothing when there is none). */
void	jsonld_image_url(const struct site *site, struct buf *out);

#endif
