/* jsonld_text.h: the strings of JSON-LD (jsonld_text.c), escaped to sit
 * inside <script type="application/ld+json">; also articled check's JSON
 * output. */
#ifndef ARTICLED_JSONLD_TEXT_H
#define ARTICLED_JSONLD_TEXT_H

#include <stddef.h>

struct buf;
struct site;

/* ,"key":"value" (value escaped as jsonld_string does). */
void	jsonld_key(struct buf *out, const char *key, const char *value);

/* Appends s as a JSON string that cannot end a script element or an HTML
 * comment: < > & ' and U+2028/2029 as \u escapes, invalid UTF-8 as U+FFFD. */
void	jsonld_string(struct buf *out, const char *s, size_t n);

/* The site's picture (settings 'image') as an absolute URL into out
 * (nothing when there is none). */
void	jsonld_image_url(const struct site *site, struct buf *out);

#endif
