/* check_article.c: the rules articled check applies to each article
 * (check_int.h): its review, its author, its title and description, the
 * links and pictures its stored render names, its questions waiting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check_int.h"
#include "lib/alloc.h"
#include "pages/layout.h"
#include "pages/byline.h"

static int S_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

const char *check_name_status(const struct check_ctx *c,
    enum check_name kind, const char *name, size_t len)
{
	const struct check_names *l = &c->names[kind];
	char key[256], *k = key, **hit;

	if (len >= sizeof(key))
		return NULL;
	memcpy(key, name, len);
	key[len] = '\0';
	hit = bsearch(&k, l->v, l->n, sizeof(*l->v), S_cmp);
	return hit != NULL ? l->status[hit - l->v] : NULL;
}

static size_t S_code_points(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void S_review(struct check_ctx *c, const struct check_row *r)
{
	char human[40], iso[16], when[48];

	if (r->reviewed_on[0] == '\0') {
		check_flag(c, "never-reviewed", "never reviewed: when a "
		    "clinician has checked it, set reviewed_on (and reviewer)");
		return;
	}
	byline_next_review(r->reviewed_on, c->review_months, human,
	    sizeof(human), iso, sizeof(iso));
	layout_human_date(r->reviewed_on, when, sizeof(when));
	if (iso[0] != '\0' && strncmp(c->today, iso, 7) >= 0)
		check_flag(c, "review-overdue", "review overdue: last reviewed "
		    "%s, next review due %s", when, human);
}

static void S_basics(struct check_ctx *c, const struct check_row *r,
    const char *excerpt)
{
	size_t n;

	if (r->author[0] == '\0')
		check_flag(c, "no-author", "no author: UPDATE articles SET "
		    "author = '<slug>' (SELECT slug, name FROM people)");
	if ((n = S_code_points(r->title)) > CHECK_TITLE_MAX)
		check_flag(c, "title-long", "the title has %zu characters; "
		    "search results show about %d", n, CHECK_TITLE_MAX);
	if ((n = S_code_points(excerpt)) > CHECK_DESCRIPTION_MAX)
		check_flag(c, "description-long", "the description (the first "
		    "paragraph) has %zu characters; search results show about "
		    "%d", n, CHECK_DESCRIPTION_MAX);
}

/* The cover: a picture that exists, is not refused, and has alt text. */
static void S_cover(struct check_ctx *c, const struct check_row *r)
{
	const char *st;

	if (r->cover[0] == '\0')
		return;
	st = check_name_status(c, CHECK_PICTURE, r->cover, strlen(r->cover));
	if (st != NULL && strcmp(st, "refused") == 0)
		check_flag(c, "picture-refused", "the cover %s was refused "
		    "(SELECT problem FROM media WHERE name = '%s')", r->cover,
		    r->cover);
	if (r->cover_alt != NULL && r->cover_alt[strspn(r->cover_alt,
	    " \t\n")] == '\0')
		check_flag(c, "cover-no-alt", "the cover %s has no alt text: "
		    "UPDATE media SET alt = '...' WHERE name = '%s'", r->cover,
		    r->cover);
}

/* One link's slug (n bytes at s), to /post/ on this site. */
static void S_link(struct check_ctx *c, const char *s, size_t n)
{
	if (check_name_status(c, CHECK_SLUG, s, n) != NULL)
		return;
	if (check_name_status(c, CHECK_OLD_SLUG, s, n) != NULL)
		check_flag(c, "link-redirects", "a link to /post/%.*s only "
		    "redirects: link to the article's address now", (int)n, s);
	else
		check_flag(c, "link-broken", "a link to /post/%.*s, which no "
		    "published article has", (int)n, s);
}

static void S_links(struct check_ctx *c, const char *html)
{
	const char *p = html, *v;
	size_t base = strlen(c->site->base_url), n;

	while ((p = strstr(p, " href=\"")) != NULL) {
		v = p += 7;
		if (base > 0 && strncmp(v, c->site->base_url, base) == 0)
			v += base;
		if (strncmp(v, "/post/", 6) != 0)
			continue;
		v += 6;
		n = strcspn(v, "\"#?/");
		if (n > 0)
			S_link(c, v, n);
	}
}

/* The pictures' markers (picture.h: \1NAME\2ALT\3). */
static void S_pictures(struct check_ctx *c, const char *html, size_t len)
{
	const char *p = html, *end = html + len, *a, *st;

	while ((p = memchr(p, '\001', (size_t)(end - p))) != NULL &&
	    (a = memchr(p, '\002', (size_t)(end - p))) != NULL) {
		st = check_name_status(c, CHECK_PICTURE, p + 1,
		    (size_t)(a - p - 1));
		if (st == NULL)
			check_flag(c, "picture-missing", "a picture /media/%.*s "
			    "that media does not hold", (int)(a - p - 1), p + 1);
		else if (strcmp(st, "refused") == 0)
			check_flag(c, "picture-refused", "the picture %.*s was "
			    "refused (see media.problem)", (int)(a - p - 1),
			    p + 1);
		p = a;
	}
}

static void S_waiting(struct check_ctx *c, const struct check_row *r)
{
	size_t i;

	for (i = 0; i < c->nwaiting; i++)
		if (c->waiting[i].id == r->id && c->waiting[i].count > 0)
			check_flag(c, "questions-waiting", "%d question(s) "
			    "waiting for moderation for more than %d days",
			    c->waiting[i].count, CHECK_WAITING_DAYS);
}

void check_article(struct check_ctx *c, const struct check_row *row,
    const char *html, size_t html_len, const char *excerpt)
{
	S_review(c, row);
	S_basics(c, row, excerpt);
	S_cover(c, row);
	S_links(c, html);
	S_pictures(c, html, html_len);
	check_markdown(c, row->body, row->body_len);
	check_claims(c, html, html_len);
	S_waiting(c, row);
}
