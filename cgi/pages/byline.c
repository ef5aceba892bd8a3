/* byline.c: who wrote and reviewed a post, as the line under its title
 * says it and as its JSON-LD names them, and the month the next review
 * is due (also for articled check).  The line reads: "By A Practitioner,
 * MBAcC · Reviewed by Dr Asha Patel on 3 March 2025 · Next review due
 * March 2026". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "pages/byline.h"
#include "pages/layout.h"
#include "pages/pages_int.h"
#include "store/store.h"

/* The review interval when the owner's setting cannot be read. */
#define REVIEW_MONTHS	12

void byline_next_review(const char *reviewed_on, int months, char *human,
    size_t humanlen, char *iso, size_t isolen)
{
	char first[16], day[48];
	const char *sp;
	int y, m, d;

	human[0] = iso[0] = '\0';
	if (sscanf(reviewed_on, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 ||
	    m > 12)
		return;
	m += months;
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	snprintf(iso, isolen, "%04d-%02d", y, m);
	snprintf(first, sizeof(first), "%04d-%02d-01", y, m);
	layout_human_date(first, day, sizeof(day));	/* "1 March 2026" */
	sp = strchr(day, ' ');
	snprintf(human, humanlen, "%s", sp != NULL ? sp + 1 : day);
}

static int S_months(const struct site *site)
{
	const char *v = store_clinic_get(site, "review_months");
	int n = v != NULL ? atoi(v) : 0;

	return n >= 1 && n <= 60 ? n : REVIEW_MONTHS;
}

static void S_url(const struct pages *p, const struct person *who,
    char *out, size_t outlen)
{
	out[0] = '\0';
	if (who->slug != NULL)
		snprintf(out, outlen, "%s/people/%s", p->look.root,
		    who->slug);
}

int byline_load(struct pages *p, const struct article *a, struct byline *b)
{
	memset(b, 0, sizeof(*b));
	if (store_article_people(p->site.store, a->id, &b->author,
	    &b->reviewer) != STORE_OK)
		return -1;
	S_url(p, &b->author, b->author_url, sizeof(b->author_url));
	S_url(p, &b->reviewer, b->reviewer_url, sizeof(b->reviewer_url));
	if (a->reviewed_on[0] != '\0') {
		layout_human_date(a->reviewed_on, b->reviewed,
		    sizeof(b->reviewed));
		byline_next_review(a->reviewed_on, S_months(&p->site.settings),
		    b->next_review, sizeof(b->next_review),
		    b->next_review_iso, sizeof(b->next_review_iso));
	}
	b->jsonld.author = &b->author;
	b->jsonld.reviewer = &b->reviewer;
	return 0;
}

/* Who wrote it: "By A. Practitioner, MBAcC". */
static size_t S_author_values(const struct byline *b, struct tval *v)
{
	const struct person *w = &b->author;

	v[0] = tv_text("author", w->slug ? w->name : "");
	v[1] = tv_text("author_url", b->author_url);
	v[2] = tv_text("author_credentials", w->slug ? w->credentials : "");
	return 3;
}

size_t byline_values(const struct byline *b, const struct article *a,
    struct tval *v)
{
	const char *reviewer = b->reviewer.slug != NULL ? b->reviewer.name :
	    a->reviewed_by;
	size_t n = 0;

	v[n++] = tv_bool("has_byline", b->author.slug != NULL ||
	    b->reviewed[0] != '\0');
	n += S_author_values(b, v + n);
	v[n++] = tv_text("reviewed", b->reviewed);
	v[n++] = tv_text("reviewed_iso", a->reviewed_on);
	v[n++] = tv_text("reviewer", reviewer);
	v[n++] = tv_text("reviewer_url", b->reviewer_url);
	v[n++] = tv_text("next_review", b->next_review);
	v[n++] = tv_text("next_review_iso", b->next_review_iso);
	return n;
}

void byline_free(struct byline *b)
{
	store_person_free(&b->author);
	store_person_free(&b->reviewer);
}
