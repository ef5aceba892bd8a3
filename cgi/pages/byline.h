/* byline.h: the line under a post's title (byline.c) that says who
 * wrote it and who reviewed it when, and until when that review holds;
 * the people of its JSON-LD.  The article handler draws it; articled
 * check reads when the next review is due. */
#ifndef ARTICLED_BYLINE_H
#define ARTICLED_BYLINE_H

#include <stddef.h>

#include "pages/layout.h"
#include "render/jsonld.h"
#include "store/store.h"

struct pages;

struct byline {
	struct person		 author;	/* slug NULL: none */
	struct person		 reviewer;
	char			 author_url[384];
	char			 reviewer_url[384];
	char			 reviewed[48];		/* "3 March 2025" */
	char			 next_review[40];	/* "March 2026" */
	char			 next_review_iso[16];	/* "2026-03" */
	struct jsonld_people	 jsonld;
};
#define BYLINE_VALS	10	/* values byline_values writes */

/* Reads who wrote and reviewed a: 0, or -1 when the database failed. */
int	byline_load(struct pages *p, const struct article *a,
	    struct byline *b);
/* Appends the post template's values (BYLINE_VALS of them). */
size_t	byline_values(const struct byline *b, const struct article *a,
	    struct tval *v);
void	byline_free(struct byline *b);

/* "2025-03-03" plus months, as "March 2026" and "2026-03"; "" when the
 * date is not one. */
void	byline_next_review(const char *reviewed_on, int months, char *human,
	    size_t humanlen, char *iso, size_t isolen);

#endif
