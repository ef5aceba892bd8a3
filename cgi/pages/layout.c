/* layout.c: the site's templates with the names each may use, and the
 * layout drawn around every page: site name, tagline, contacts, the
 * canonical link, and the clinic's week in its footer (clinic_week.h,
 * here because the footer draws it, also for /contact).  Pages and error
 * pages build their values here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/alloc.h"
#include "lib/buf.h"
#include "render/jsonld_text.h"
#include "pages/clinic_week.h"
#include "pages/layout.h"
#include "render/phone.h"
#include "render/picture.h"
#include "store/store.h"
#include "render/template.h"

/* Names each template may use: a typo fails at start-up. */
static const char *const S_layout_names[] = {
	"lang", "page_title", "description", "canonical", "site_name",
	"tagline", "contacts", "has_contacts", "name", "phone", "tel",
	"content", "is_home", "root", "home_url", "query", "noindex", "og_type",
	"published_time", "og_image", "og_image_width", "og_image_height",
	"og_image_alt", "twitter_card", "jsonld", "hours", "day", "times",
	"has_hours", "closures", "dates", "note", "has_closures", NULL };
static const char *const S_layout_raw[] = { "content", "jsonld", NULL };
static const char *const S_list_names[] = {
	"articles", "title", "url", "published", "published_iso", "excerpt",
	"views", "cover", "newer_url", "older_url", "page", "pages", "empty",
	"has_pager", "site_name", "tagline", "contacts", "has_contacts",
	"name", "phone", "tel", "root", "home_url", "heading", NULL };
static const char *const S_post_names[] = {
	"title", "published", "published_iso", "updated", "updated_iso",
	"reading", "body", "views", "reviewed", "reviewed_iso", "reviewer",
	"site_name", "contacts", "has_contacts",
	"name", "phone", "tel", "root", "home_url", "tags", "tag", "url",
	"has_tags", "older_url", "older_title", "newer_url", "newer_title",
	"related", "has_related", "cover", "comment_count", "comments",
	"has_byline", "author", "author_url", "author_credentials",
	"reviewer_url", "next_review", "next_review_iso", NULL };
static const char *const S_post_raw[] = { "body", "cover", "comments",
	NULL };
static const char *const S_list_raw[] = { "cover", NULL };
static const char *const S_error_names[] = {
	"status", "heading", "message", "site_name", "root",
	"home_url", "is_404", "most_read", "has_most_read", "title", "url",
	NULL };
static const char *const S_search_names[] = {
	"query", "has_query", "results", "title_html", "url", "published",
	"published_iso", "snippet", "has_results", "no_results", "page",
	"newer_url", "older_url", "has_pager", "most_read", "has_most_read",
	"title", "site_name", "root", "home_url", NULL };
static const char *const S_search_raw[] = { "title_html", "snippet", NULL };
static const char *const S_people_names[] = {
	"name", "credentials", "role", "photo", "bio", "reg_body", "reg_number",
	"reg_url", "articles", "url", "title", "published", "published_iso",
	"empty", "newer_url", "older_url", "has_pager", "site_name", "root",
	"home_url", NULL };
static const char *const S_people_raw[] = { "photo", "bio", NULL };
static const char *const S_contact_names[] = {
	"address", "has_address", "line", "hours", "day", "times", "has_hours",
	"closures", "note", "has_closures", "contacts", "has_contacts", "name",
	"phone", "tel", "email", "mailto", "booking_url", "new_patients",
	"map", "site_name", "root", "home_url", "dates", NULL };
static const char *const S_contact_raw[] = { "map", NULL };

static struct tmpl *S_load_one(const char *dir, const char *file,
    const char *const *names, const char *const *raw, char *err,
    size_t errlen)
{
	char path[4096];
	struct tmpl *t;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((t = tmpl_load(path, err, errlen)) == NULL)
		return NULL;
	if (tmpl_check(t, names, raw, err, errlen) != 0) {
		tmpl_free(t);
		return NULL;
	}
	return t;
}

struct templates *templates_load(const char *dir, char *err, size_t errlen)
{
	struct templates *t = xcalloc(1, sizeof(*t));

	if ((t->layout = S_load_one(dir, "layout.html", S_layout_names,
	    S_layout_raw, err, errlen)) == NULL ||
	    (t->list = S_load_one(dir, "list.html", S_list_names, S_list_raw,
	    err, errlen)) == NULL ||
	    (t->post = S_load_one(dir, "post.html", S_post_names, S_post_raw,
	    err, errlen)) == NULL ||
	    (t->error = S_load_one(dir, "error.html", S_error_names, NULL, err,
	    errlen)) == NULL ||
	    (t->search = S_load_one(dir, "search.html", S_search_names,
	    S_search_raw, err, errlen)) == NULL ||
	    (t->people = S_load_one(dir, "people.html", S_people_names,
	    S_people_raw, err, errlen)) == NULL ||
	    (t->contact = S_load_one(dir, "contact.html", S_contact_names,
	    S_contact_raw, err, errlen)) == NULL) {
		templates_free(t);
		return NULL;
	}
	return t;
}

void templates_free(struct templates *t)
{
	if (t == NULL)
		return;
	tmpl_free(t->layout);
	tmpl_free(t->list);
	tmpl_free(t->post);
	tmpl_free(t->error);
	tmpl_free(t->search);
	tmpl_free(t->people);
	tmpl_free(t->contact);
	free(t);
}

/* "2024-03-12T09:00:00Z" as "12 March 2024". */
void layout_human_date(const char *iso, char *out, size_t outlen)
{
	static const char *const months[] = { "January", "February",
	    "March", "April", "May", "June", "July", "August", "September",
	    "October", "November", "December" };
	int y, m, d;

	if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12) {
		snprintf(out, outlen, "%.10s", iso);
		return;
	}
	snprintf(out, outlen, "%d %s %d", d, months[m - 1], y);
}

/* Every contact the owner entered: a fixed cap would drop the rest
 * without a word. */
struct contacts_ctx {
	struct tval	(*vals)[3];
	struct tctx	*items;
	char		(*tel)[64];
	size_t		n;
};

static void S_contacts(const struct site *site, struct contacts_ctx *cc)
{
	size_t i, n = site->ncontacts ? site->ncontacts : 1;

	cc->n = site->ncontacts;
	cc->vals = xcalloc(n, sizeof(*cc->vals));
	cc->items = xcalloc(n, sizeof(*cc->items));
	cc->tel = xcalloc(n, sizeof(*cc->tel));
	for (i = 0; i < cc->n; i++) {
		phone_tel_uri(site->contacts[i].phone, cc->tel[i],
		    sizeof(cc->tel[i]));
		cc->vals[i][0] = tv_text("name", site->contacts[i].name);
		cc->vals[i][1] = tv_text("phone", site->contacts[i].phone);
		cc->vals[i][2] = tv_text("tel", cc->tel[i]);
		cc->items[i].vals = cc->vals[i];
		cc->items[i].nvals = 3;
		cc->items[i].parent = NULL;
	}
}

static void S_contacts_free(struct contacts_ctx *cc)
{
	free(cc->vals);
	free(cc->items);
	free(cc->tel);
}

/* A shared link's preview (Open Graph, the Twitter card): the post's
 * cover when it has one, else the site's picture. */
static size_t S_preview(const struct layout *l, const struct page_head *h,
    struct buf *image, char sizes[2][16], struct tval *v)
{
	const struct picture_preview *pv = h->image;
	size_t n = 0;

	sizes[0][0] = sizes[1][0] = '\0';
	if (pv != NULL) {
		buf_puts(image, pv->url);
		snprintf(sizes[0], sizeof(sizes[0]), "%d", pv->width);
		snprintf(sizes[1], sizeof(sizes[1]), "%d", pv->height);
	} else {
		jsonld_image_url(l->site, image);
	}
	v[n++] = tv_text("og_image", buf_cstr(image));
	v[n++] = tv_text("og_image_width", sizes[0]);
	v[n++] = tv_text("og_image_height", sizes[1]);
	v[n++] = tv_text("og_image_alt", pv != NULL ? pv->alt : "");
	return n;
}

/* Renders inner inside the layout into out.  The layout is rendered
 * with the inner context, whose parent holds the layout's values, so
 * {{content}} sees both. */
int layout_render(const struct layout *l, const struct tmpl *inner,
    const struct tval *ivals, size_t nivals, const struct page_head *h,
    struct buf *out, size_t *slots, size_t nslots)
{
	struct contacts_ctx cc;
	struct clinic_week week;
	struct buf image = BUF_INIT;
	struct tval lv[22 + CLINIC_WEEK_VALS];
	char sizes[2][16];
	struct tctx lctx = { lv, 0, NULL };
	struct tctx ictx = { ivals, nivals, &lctx };
	char canonical[1024] = "";
	size_t n = 0;
	int rc;

	S_contacts(l->site, &cc);
	if (h->path != NULL && l->site->base_url[0] != '\0')
		snprintf(canonical, sizeof(canonical), "%s%s%s",
		    l->site->base_url, l->root,	/* CGI: SCRIPT_NAME first */
		    l->root[0] != '\0' && strcmp(h->path, "/") == 0 ?
		    "" : h->path);
	lv[n++] = tv_text("lang", l->site->lang);
	lv[n++] = tv_text("root", l->root);
	/* "/cgi-bin/articled", not ".../articled/": CGI servers such as
	 * busybox httpd take a trailing slash for a directory. */
	lv[n++] = tv_text("home_url", l->root[0] != '\0' ? l->root : "/");
	lv[n++] = tv_text("page_title", h->title);
	lv[n++] = tv_text("description", h->description);
	lv[n++] = tv_text("canonical", canonical);
	lv[n++] = tv_text("site_name", l->site->name);
	lv[n++] = tv_text("tagline", l->site->tagline);
	lv[n++] = tv_list("contacts", cc.items, cc.n);
	lv[n++] = tv_bool("has_contacts", cc.n > 0);
	lv[n++] = tv_bool("is_home", h->is_home);
	lv[n++] = tv_text("query", h->query ? h->query : "");
	lv[n++] = tv_bool("noindex", h->noindex);
	lv[n++] = tv_sub("content", inner);
	lv[n++] = tv_text("og_type", h->published ? "article" : "website");
	lv[n++] = tv_text("published_time", h->published ? h->published : "");
	n += S_preview(l, h, &image, sizes, lv + n);
	lv[n++] = tv_text("twitter_card", image.len ? "summary_large_image" :
	    "summary");
	lv[n++] = tv_html("jsonld", h->jsonld ? h->jsonld : "",
	    h->jsonld ? strlen(h->jsonld) : 0);
	/* The footer's week: built with the page, which is dropped at
	 * midnight UTC (site.c), so no page depends on the time of day. */
	clinic_week(l->site, l->today != NULL ? l->today : "", &week);
	n += clinic_week_values(&week, lv + n);
	lctx.nvals = n;
	rc = tmpl_render(l->tmpl->layout, &ictx, out, slots, nslots);
	S_contacts_free(&cc);
	buf_free(&image);
	return rc;
}

/* ---- the clinic's week (clinic_week.h) -------------------------------- */

static const char *const S_days[7][2] = {
	{ "hours.mon", "Monday" }, { "hours.tue", "Tuesday" },
	{ "hours.wed", "Wednesday" }, { "hours.thu", "Thursday" },
	{ "hours.fri", "Friday" }, { "hours.sat", "Saturday" },
	{ "hours.sun", "Sunday" },
};

/* "09:00-12:30,14:00-18:00" as "09:00 to 12:30, 14:00 to 18:00". */
static void S_times(const char *v, char *out, size_t outlen)
{
	size_t at = 0;

	snprintf(out, outlen, "Closed");
	if (v == NULL || strcmp(v, "closed") == 0)
		return;
	for (; strlen(v) >= 11 && at < outlen; v += 12) {
		at += (size_t)snprintf(out + at, outlen - at, "%s%.5s to %.5s",
		    at > 0 ? ", " : "", v, v + 6);
		if (v[11] != ',')
			break;
	}
}

/* day (2025-12-24) plus n days, as a date string into out[11]. */
static void S_add_days(const char *day, int n, char out[11])
{
	struct tm tm = { 0 };
	time_t t;

	out[0] = '\0';
	if (sscanf(day, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday) != 3)
		return;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_mday += n;
	t = timegm(&tm);	/* normalises the day */
	strftime(out, 11, "%Y-%m-%d", gmtime_r(&t, &tm));
}

/* "24 December 2025", "24 to 27 December 2025" or "30 December 2025 to
 * 2 January 2026". */
static void S_dates(const struct closure *c, char *out, size_t outlen)
{
	char a[48], b[48];
	const char *sp;

	layout_human_date(c->starts, a, sizeof(a));
	layout_human_date(c->ends, b, sizeof(b));
	sp = strchr(a, ' ');
	if (strcmp(c->starts, c->ends) == 0)
		snprintf(out, outlen, "%s", a);
	else if (strncmp(c->starts, c->ends, 7) == 0 && sp != NULL)
		snprintf(out, outlen, "%.*s to %s", (int)(sp - a), a, b);
	else
		snprintf(out, outlen, "%s to %s", a, b);
}

static void S_closure(struct clinic_week *w, const struct closure *c)
{
	size_t n = w->nclosures++;

	S_dates(c, w->dates[n], sizeof(w->dates[n]));
	w->cvals[n][0] = tv_text("dates", w->dates[n]);
	w->cvals[n][1] = tv_text("note", c->note);
	w->closures[n].vals = w->cvals[n];
	w->closures[n].nvals = 2;
}

/* Each closure from CLINIC_CLOSURE_LEAD days before it starts until it
 * ends. */
static void S_closures(const struct site *site, const char *today,
    struct clinic_week *w)
{
	char from[11];
	size_t i;

	for (i = 0; i < site->nclosures; i++) {
		S_add_days(site->closures[i].starts, -CLINIC_CLOSURE_LEAD, from);
		if (strcmp(today, from) >= 0 &&
		    strcmp(today, site->closures[i].ends) <= 0 &&
		    w->nclosures < CLINIC_CLOSURES_MAX)
			S_closure(w, &site->closures[i]);
	}
}

static void S_day(struct clinic_week *w, size_t i, const char *hours)
{
	S_times(hours, w->times[i], sizeof(w->times[i]));
	w->vals[i][0] = tv_text("day", S_days[i][1]);
	w->vals[i][1] = tv_text("times", w->times[i]);
	w->days[i].vals = w->vals[i];
	w->days[i].nvals = 2;
}

void clinic_week(const struct site *site, const char *today,
    struct clinic_week *w)
{
	size_t i, set = 0;
	const char *hours;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < 7; i++) {
		hours = store_clinic_get(site, S_days[i][0]);
		set += hours != NULL;
		S_day(w, i, hours);
	}
	w->ndays = set > 0 ? 7 : 0;	/* a day not set is closed */
	S_closures(site, today, w);
}

size_t clinic_week_values(const struct clinic_week *w, struct tval *v)
{
	size_t n = 0;

	v[n++] = tv_list("hours", w->days, w->ndays);
	v[n++] = tv_bool("has_hours", w->ndays > 0);
	v[n++] = tv_list("closures", w->closures, w->nclosures);
	v[n++] = tv_bool("has_closures", w->nclosures > 0);
	return n;
}
