/* jsonld.h: the pages' structured data for search engines, written to
 * sit inside <script type="application/ld+json">.  A post is one @graph:
 * a MedicalWebPage (for patients, when last reviewed and by whom) whose
 * mainEntity is the BlogPosting (by a Person of the clinic, with their
 * credentials and registration), both published by the MedicalClinic
 * (its address, hours, phones, place: jsonld_clinic.h).  The strings
 * are written by jsonld_text.h. */
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
 * image: its picture's absolute address, NULL for the site's; more:
 * members to add to its BlogPosting (",\"commentCount\":2,..."), NULL
 * for none. */
void	jsonld_post(const struct site *site, const struct article *a,
	    const char *description, const char *path, const char *image,
	    const struct jsonld_people *people, const char *more,
	    struct buf *out);

/* A person of the clinic as a schema.org Person. */
void	jsonld_person(const struct site *site, const struct person *p,
	    struct buf *out);

#endif
