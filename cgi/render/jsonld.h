/* jsonld.h: the pages' structured data for search engines, written to
 * sit inside <script type="application/ld+json">.  A post is one @graph:
 * a MedicalWebPage (for patients, when last reviewed and by whom) whose
 * mainEntity is the BlogPosting (by a Person of the clinic, with their
 * credentials and registration), both published by the MedicalClinic
 * (its address, hours, phones, place: jsonld_clinic.c). */
#ifndef ARTICLED_JSONLD_H
#define ARTICLED_JSONLD_H

#include <stddef.h>

#include "store/store.h"

struct buf;

/* Who wrote and reviewed a post (either NULL or slug NULL: nobody). */
struct jsonld_people {
	const struct person	*author;
	const struct person	*reviewer;
};

/* The graph of post a, whose address is base_url + path, into out;
 * image: its picture's absolute address, NULL for the site's. */
void	jsonld_post(const struct site *site, const struct article *a,
	    const char *description, const char *path, const char *image,
	    const struct jsonld_people *people, struct buf *out);

/* A person of the clinic as a schema.org Person. */
void	jsonld_person(const struct site *site, const struct person *p,
	    struct buf *out);

/* The clinic as a MedicalClinic node, @id base_url + "/#clinic", from
 * its settings (jsonld_clinic.c). */
void	jsonld_clinic(const struct site *site, struct buf *out);

/* ,"key":"value" (value escaped as jsonld_string does). */
void	jsonld_key(struct buf *out, const char *key, const char *value);

/* Appends s as a JSON string that cannot end a script element or an HTML
 * comment: < > & ' and U+2028/2029 as \u escapes, invalid UTF-8 as U+FFFD. */
void	jsonld_string(struct buf *out, const char *s, size_t n);

/* The site's picture (settings 'image') as an absolute URL into out
 * (nothing when there is none). */
void	jsonld_image_url(const struct site *site, struct buf *out);

#endif
