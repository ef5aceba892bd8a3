/* pages.c: the handlers (blog list, article, errors) and the worker's
 * view of the site: settings, templates and the page cache, all checked
 * against site_version.rev on every request so an owner's change shows
 * at once.  Statuses: 200, 301, 400, 404, 405, 414, 500, 503. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "cache.h"
#include "counter.h"
#include "log.h"
#include "markdown.h"
#include "pages.h"
#include "request.h"
#include "router.h"
#include "store.h"
#include "template.h"
#include "text.h"
#include "views.h"

#define PER_PAGE	10
#define CACHE_ENTRIES	128
#define CACHE_MAX_PAGE	(256 * 1024)
#define PROBE_SECONDS	1

_Static_assert(PER_PAGE <= CACHE_SLOTS, "a list page's counts fit an entry");

struct templates {
	struct tmpl	*layout;
	struct tmpl	*list;
	struct tmpl	*post;
	struct tmpl	*error;
};

struct pages {
	struct store		*store;
	struct counter		*counter;
	uint64_t		 generation;
	struct templates	*tmpl;
	struct site		 site;
	int64_t			 rev;		/* what the caches were built from */
	char			 next_publish[32];
	struct list_key		*page_keys;	/* first key of each list page */
	size_t			 npages;
	int			 have_keys;
	struct cache		*cache;
	time_t			 now;
	char			 now_iso[32];	/* 2024-05-01T09:00:00Z */
	char			 today[16];
	time_t			 last_probe;
	int			 db_down;
	int			 counter_full_logged;
	int			 counting;
	int			 quiet;		/* a worker: the master reports */
	int			 fold_failing;	/* logged once per failing spell */
	unsigned long		 connects;	/* store_connects() cached from */
	char			 root[256];	/* CGI: SCRIPT_NAME, before every link */
};

/* Names each template may use: a typo fails at start-up. */
static const char *const S_layout_names[] = {
	"lang", "page_title", "description", "canonical", "site_name",
	"tagline", "contacts", "has_contacts", "name", "phone", "tel",
	"content", "is_home", "root", "home_url", NULL };
static const char *const S_layout_raw[] = { "content", NULL };
static const char *const S_list_names[] = {
	"articles", "title", "url", "published", "published_iso", "excerpt",
	"views", "newer_url", "older_url", "page", "pages", "empty",
	"has_pager", "site_name", "tagline", "contacts", "has_contacts",
	"name", "phone", "tel", "root", "home_url", NULL };
static const char *const S_post_names[] = {
	"title", "published", "published_iso", "updated", "updated_iso",
	"reading", "body", "views", "site_name", "contacts", "has_contacts",
	"name", "phone", "tel", "root", "home_url", NULL };
static const char *const S_post_raw[] = { "body", NULL };
static const char *const S_error_names[] = {
	"status", "heading", "message", "site_name", "root",
	"home_url", NULL };

/* ---- templates -------------------------------------------------------- */

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
	    (t->list = S_load_one(dir, "list.html", S_list_names, NULL, err,
	    errlen)) == NULL ||
	    (t->post = S_load_one(dir, "post.html", S_post_names, S_post_raw,
	    err, errlen)) == NULL ||
	    (t->error = S_load_one(dir, "error.html", S_error_names, NULL, err,
	    errlen)) == NULL) {
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
	free(t);
}

/* ---- worker state ----------------------------------------------------- */

struct pages *pages_open(const char *db_path, struct templates *t,
    int lazy, char *err, size_t errlen)
{
	struct pages *p = xcalloc(1, sizeof(*p));

	p->store = lazy ? store_new(db_path) :
	    store_open(db_path, err, errlen);
	if (p->store == NULL ||
	    (p->counter = counter_open(db_path, COUNTER_WRITE, err,
	    errlen)) == NULL) {
		store_close(p->store);
		templates_free(t);	/* ours, even on failure */
		free(p);
		return NULL;
	}
	p->generation = counter_generation(p->counter);
	p->tmpl = t;
	p->rev = -1;
	p->counting = 1;
	p->cache = cache_new(CACHE_ENTRIES, CACHE_MAX_PAGE);
	store_site(p->store, &p->site);	/* the defaults when it fails */
	return p;
}

void pages_set_counting(struct pages *p, int on)
{
	p->counting = on;
}

void pages_set_quiet(struct pages *p, int quiet)
{
	p->quiet = quiet;
}

void pages_close(struct pages *p)
{
	if (p == NULL)
		return;
	store_close(p->store);
	counter_close(p->counter);
	templates_free(p->tmpl);
	store_site_free(&p->site);
	free(p->page_keys);
	cache_free(p->cache);
	free(p);
}

static void S_clock(struct pages *p)
{
	time_t now = time(NULL);
	struct tm tm;

	if (now == p->now)
		return;
	p->now = now;
	gmtime_r(&now, &tm);
	strftime(p->now_iso, sizeof(p->now_iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(p->today, sizeof(p->today), "%Y-%m-%d", &tm);
}

static void S_forget(struct pages *p)
{
	cache_clear(p->cache);
	free(p->page_keys);
	p->page_keys = NULL;
	p->npages = 0;
	p->have_keys = 0;
	p->rev = -1;
}

/* The open connection keeps reading a file that was made unreadable or
 * replaced; a probe once a second notices.  One log line when service
 * stops and one when it resumes, however many requests come between. */
static int S_database_ok(struct pages *p)
{
	char err[512];

	if (p->now - p->last_probe < PROBE_SECONDS && !p->db_down)
		return 1;
	if (p->now == p->last_probe && p->db_down)
		return 0;
	p->last_probe = p->now;
	if (store_probe(p->store, err, sizeof(err)) != STORE_OK) {
		if (!p->db_down && !p->quiet)
			log_line("database unavailable, answering 503: %s",
			    err);
		p->db_down = 1;
		S_forget(p);
		return 0;
	}
	if (p->db_down && !p->quiet)
		log_line("database %s available again",
		    store_path(p->store));
	p->db_down = 0;
	/* Reopened, perhaps on a file that replaced the old one: its pages,
	 * settings and counter keys may all differ, whatever its rev. */
	if (store_connects(p->store) != p->connects) {
		p->connects = store_connects(p->store);
		S_forget(p);
	}
	return 1;
}

static void S_unavailable(struct pages *p)
{
	p->db_down = 1;
	p->last_probe = 0;	/* probe again at the next request */
	S_forget(p);
	log_line("database error, answering 503: %s",
	    store_errmsg(p->store));
}

/* Everything cached depends on the site's content and on the time (a
 * scheduled article goes live); one small read tells whether it moved. */
static int S_refresh(struct pages *p)
{
	int64_t rev;

	if (!S_database_ok(p))
		return -1;
	if (store_site_rev(p->store, &rev) != STORE_OK) {
		S_unavailable(p);
		return -1;
	}
	if (rev == p->rev && (p->next_publish[0] == '\0' ||
	    strcmp(p->now_iso, p->next_publish) < 0))
		return 0;
	S_forget(p);
	store_site_free(&p->site);
	if (store_site(p->store, &p->site) != STORE_OK ||
	    store_next_publish(p->store, p->now_iso, p->next_publish,
	    sizeof(p->next_publish)) != STORE_OK) {
		S_unavailable(p);
		return -1;
	}
	p->rev = rev;
	return 0;
}

/* ---- helpers to build contexts ----------------------------------------- */

/* One constructor per kind; the fields a kind does not use stay 0. */
static struct tval S_text(const char *name, const char *s)
{
	return (struct tval){ .name = name, .kind = TVAL_TEXT, .s = s,
	    .n = strlen(s) };
}

static struct tval S_html(const char *name, const char *s, size_t n)
{
	return (struct tval){ .name = name, .kind = TVAL_HTML, .s = s,
	    .n = n };
}

static struct tval S_slot(const char *name, int slot)
{
	return (struct tval){ .name = name, .kind = TVAL_SLOT, .slot = slot };
}

static struct tval S_bool(const char *name, int b)
{
	return (struct tval){ .name = name, .kind = TVAL_BOOL, .b = b };
}

static struct tval S_list(const char *name, const struct tctx *items,
    size_t n)
{
	return (struct tval){ .name = name, .kind = TVAL_LIST, .items = items,
	    .nitems = n };
}

static struct tval S_sub(const char *name, const struct tmpl *t)
{
	return (struct tval){ .name = name, .kind = TVAL_TMPL, .tmpl = t };
}

/* "2024-03-12T09:00:00Z" as "12 March 2024". */
static void S_human_date(const char *iso, char *out, size_t outlen)
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

/* A phone number as a tel: URI: its digits, and a leading +. */
static void S_tel(const char *phone, char *out, size_t outlen)
{
	size_t o = 0;

	o = (size_t)snprintf(out, outlen, "tel:");
	for (; *phone != '\0' && o + 1 < outlen; phone++)
		if ((*phone >= '0' && *phone <= '9') ||
		    (*phone == '+' && o == 4))
			out[o++] = *phone;
	out[o] = '\0';
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
		S_tel(site->contacts[i].phone, cc->tel[i], sizeof(cc->tel[i]));
		cc->vals[i][0] = S_text("name", site->contacts[i].name);
		cc->vals[i][1] = S_text("phone", site->contacts[i].phone);
		cc->vals[i][2] = S_text("tel", cc->tel[i]);
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

/* Renders inner inside the layout into out.  The layout is rendered
 * with the inner context, whose parent holds the layout's values, so
 * {{content}} sees both. */
static int S_render_layout(struct pages *p, const struct tmpl *inner,
    const struct tval *ivals, size_t nivals, const char *page_title,
    const char *description, const char *path, int is_home,
    struct buf *out, size_t *slots, size_t nslots)
{
	struct contacts_ctx cc;
	struct tval lv[12];
	struct tctx lctx = { lv, 0, NULL };
	struct tctx ictx = { ivals, nivals, &lctx };
	char canonical[1024] = "";
	size_t n = 0;
	int rc;

	S_contacts(&p->site, &cc);
	if (path != NULL && p->site.base_url[0] != '\0')
		snprintf(canonical, sizeof(canonical), "%s%s%s",
		    p->site.base_url, p->root,	/* CGI: SCRIPT_NAME first */
		    p->root[0] != '\0' && strcmp(path, "/") == 0 ? "" : path);
	lv[n++] = S_text("lang", p->site.lang);
	lv[n++] = S_text("root", p->root);
	/* "/cgi-bin/articled", not ".../articled/": CGI servers such as
	 * busybox httpd take a trailing slash for a directory. */
	lv[n++] = S_text("home_url", p->root[0] != '\0' ? p->root : "/");
	lv[n++] = S_text("page_title", page_title);
	lv[n++] = S_text("description", description);
	lv[n++] = S_text("canonical", canonical);
	lv[n++] = S_text("site_name", p->site.name);
	lv[n++] = S_text("tagline", p->site.tagline);
	lv[n++] = S_list("contacts", cc.items, cc.n);
	lv[n++] = S_bool("has_contacts", cc.n > 0);
	lv[n++] = S_bool("is_home", is_home);
	lv[n++] = S_sub("content", inner);
	lctx.nvals = n;
	rc = tmpl_render(p->tmpl->layout, &ictx, out, slots, nslots);
	S_contacts_free(&cc);
	return rc;
}

/* ---- error pages ------------------------------------------------------ */

static const char *S_error_heading(int status)
{
	switch (status) {
	case 301: return "Moved";
	case 400: return "Bad request";
	case 403: return "Forbidden";
	case 404: return "Page not found";
	case 405: return "Method not allowed";
	case 408: return "Request timed out";
	case 413: return "Request too large";
	case 414: return "Address too long";
	case 429: return "Too many requests";
	case 503: return "Briefly unavailable";
	case 502:
	case 504: return "Briefly unavailable";
	default: return "Something went wrong";
	}
}

static const char *S_error_message(int status)
{
	switch (status) {
	case 301: return "This page has moved to a new address.";
	case 400: return "The address or the request was not understood.";
	case 403: return "This page is not open to visitors.";
	case 404: return "There is no page at this address. The link may be "
	    "mistyped, or the article may have moved.";
	case 405: return "This site only answers GET and HEAD requests.";
	case 408: return "The request took too long to arrive.";
	case 413: return "The request was larger than this site accepts.";
	case 414: return "The address is longer than this site accepts.";
	case 429: return "Too many requests came at once. Please wait a "
	    "moment and try again.";
	case 502:
	case 503:
	case 504: return "The site cannot show this page just now. Please "
	    "try again in a minute.";
	default: return "Something went wrong on our side. Please try again "
	    "later.";
	}
}

/* The last resort when even the error template fails: still valid. */
static void S_bare_error(struct buf *out, int status)
{
	buf_reset(out);
	buf_printf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>%d %s</title></head><body>"
	    "<h1>%d %s</h1></body></html>\n", status,
	    response_reason(status), status, response_reason(status));
}

static void S_render_error(struct pages *p, int status, const char *message,
    struct buf *out)
{
	char code[12];	/* any int: -O1 cannot see status is 3 digits */
	struct tval v[4];
	const char *heading = S_error_heading(status);

	snprintf(code, sizeof(code), "%d", status);
	v[0] = S_text("status", code);
	v[1] = S_text("heading", heading);
	v[2] = S_text("message", message ? message : S_error_message(status));
	v[3] = S_text("site_name", p->site.name);
	if (S_render_layout(p, p->tmpl->error, v, 4, heading, heading, NULL,
	    0, out, NULL, 0) != 0)
		S_bare_error(out, status);
}

static void S_error(struct pages *p, struct response *resp, int status,
    const char *message)
{
	resp->status = status;
	buf_reset(&resp->body);
	S_render_error(p, status, message, &resp->body);
	if (status == 405)
		response_header(resp, "Allow", "GET, HEAD");
	if (status == 503)
		response_header(resp, "Retry-After", "30");
}

int pages_write_error_files(struct pages *p, const char *dir, char *err,
    size_t errlen)
{
	static const int statuses[] = { 400, 403, 404, 405, 408, 413, 414,
	    429, 500, 502, 503, 504 };
	char path[4096], tmp[4200];
	struct buf out = BUF_INIT;
	size_t i;
	FILE *f;
	int ok;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		buf_reset(&out);
		S_render_error(p, statuses[i], NULL, &out);
		snprintf(path, sizeof(path), "%s/%d.html", dir, statuses[i]);
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		if ((f = fopen(tmp, "w")) == NULL) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			buf_free(&out);
			return -1;
		}
		ok = fwrite(out.data, 1, out.len, f) == out.len;
		ok = (fclose(f) == 0) && ok;
		if (!ok || rename(tmp, path) != 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			unlink(tmp);
			buf_free(&out);
			return -1;
		}
	}
	buf_free(&out);
	return 0;
}

/* ---- the article page --------------------------------------------------- */

/* What the first count of a page does: show the count, add this view
 * to it, or (HEAD) show the count a GET would have shown, so that the
 * HEAD's Content-Length is the GET's even from "99 views" to "100 views". */
enum count_mode {
	COUNT_SHOW,
	COUNT_ADD,
	COUNT_AS_GET,
};

static void S_count_text(char *out, const struct cached_slot *s,
    enum count_mode mode)
{
	uint64_t n = 0;

	if (s->ctr != NULL)
		n = mode == COUNT_ADD ? counter_add(s->ctr) :
		    counter_get(s->ctr);
	if (mode == COUNT_AS_GET)
		n++;
	/* Unsigned: no overflow to undefined behaviour, whatever base the
	 * database holds (schema.sql keeps it far below 2^63 anyway). */
	views_format(out, (unsigned long long)s->base + n);
}

/* Builds the body from a cached page and live counts: the counts are
 * read (or the view added) at the last moment, when the answer is
 * complete and about to be sent. */
static void S_splice(const struct cached_page *e, enum count_mode first,
    struct buf *body)
{
	char text[32];
	size_t i, at = 0;

	buf_reset(body);
	for (i = 0; i < e->nslots; i++) {
		buf_put(body, e->page.data + at, e->slots[i].off - at);
		S_count_text(text, &e->slots[i], i == 0 ? first : COUNT_SHOW);
		buf_puts(body, text);
		at = e->slots[i].off;
	}
	buf_put(body, e->page.data + at, e->page.len - at);
}

static void S_slot_for(struct pages *p, struct cached_slot *s, int64_t key,
    int64_t base)
{
	s->base = base;
	s->ctr = counter_slot(p->counter, key);
	if (s->ctr == NULL && !p->counter_full_logged) {
		log_line("view counter file is full: new articles show "
		    "their stored count only; see README");
		p->counter_full_logged = 1;
	}
}

static enum count_mode S_count_mode(const struct pages *p,
    const struct request *r)
{
	if (!p->counting || (r->method != METHOD_GET &&
	    r->method != METHOD_HEAD) || !views_by_person(r))
		return COUNT_SHOW;
	return r->method == METHOD_GET ? COUNT_ADD : COUNT_AS_GET;
}

static int S_render_post(struct pages *p, const struct article *a,
    struct cached_page *e)
{
	char published[48], updated[48], reading[32], path[128];
	struct md_page md;
	struct tval v[11];
	size_t n = 0, slot = SIZE_MAX;
	int rc;

	md_page_init(&md);
	if (md_render(a->body, a->body_len, &md) != 0) {
		md_page_free(&md);
		return -1;
	}
	S_human_date(a->published_at, published, sizeof(published));
	S_human_date(a->updated_at, updated, sizeof(updated));
	snprintf(reading, sizeof(reading), "%u min read",
	    md_reading_minutes(md.words));
	snprintf(path, sizeof(path), "/post/%s", a->slug);
	v[n++] = S_text("title", a->title);
	v[n++] = S_text("published", published);
	v[n++] = S_text("published_iso", a->published_at);
	v[n++] = S_text("updated", updated);
	v[n++] = S_text("updated_iso", a->updated_at);
	v[n++] = S_text("reading", reading);
	v[n++] = S_html("body", md.html.data ? md.html.data : "", md.html.len);
	v[n++] = S_slot("views", 0);
	rc = S_render_layout(p, p->tmpl->post, v, n, a->title,
	    buf_cstr(&md.excerpt), path, 0, &e->page, &slot, 1);
	md_page_free(&md);
	if (rc != 0)
		return -1;
	e->status = 200;
	/* A template may omit the count; slots[0] still serves to count. */
	e->nslots = slot == SIZE_MAX ? 0 : 1;
	e->slots[0].off = slot;
	S_slot_for(p, &e->slots[0], a->key, a->base);
	return 0;
}

static void S_article(struct pages *p, const struct request *r,
    const struct route *rt, struct response *resp)
{
	struct cached_page *e;
	struct article a;
	char key[CACHE_KEY_MAX];
	enum count_mode mode;
	enum store_rc rc;

	/* No printf on the hot path: "post:" and a slug of at most 80. */
	_Static_assert(5 + ROUTE_SLUG_MAX + 1 <= CACHE_KEY_MAX, "key fits");
	memcpy(key, "post:", 5);
	memcpy(key + 5, rt->slug, strlen(rt->slug) + 1);
	if ((e = cache_get(p->cache, key)) == NULL) {
		rc = store_article(p->store, rt->slug, p->now_iso,
		    p->generation, &a);
		if (rc == STORE_NOTFOUND) {
			S_error(p, resp, 404, NULL);
			return;
		}
		if (rc != STORE_OK) {
			S_unavailable(p);
			S_error(p, resp, 503, NULL);
			return;
		}
		e = cache_claim(p->cache, key);
		if (S_render_post(p, &a, e) != 0) {
			log_line("rendering article %s failed", a.slug);
			store_article_free(&a);
			cache_abandon(p->cache, e);
			S_error(p, resp, 500, NULL);
			return;
		}
		store_article_free(&a);
		e = cache_done(p->cache, e);
	}
	resp->status = 200;
	mode = S_count_mode(p, r);
	S_splice(e, mode, &resp->body);
	/* A post template that shows no count still counts the view. */
	if (mode == COUNT_ADD && e->nslots == 0 && e->slots[0].ctr != NULL)
		counter_add(e->slots[0].ctr);
}

/* ---- the blog list ----------------------------------------------------- */

/* The first key of every list page, so page N is read from the index at
 * its first key instead of skipping N*10 rows with OFFSET.  Built once
 * per change of the site. */
static int S_page_keys(struct pages *p)
{
	struct list_key *all;
	size_t n, i;

	if (p->have_keys)
		return 0;
	if (store_list_keys(p->store, p->now_iso, &all, &n) != STORE_OK)
		return -1;
	p->npages = (n + PER_PAGE - 1) / PER_PAGE;
	p->page_keys = xcalloc(p->npages ? p->npages : 1, sizeof(*all));
	for (i = 0; i < p->npages; i++)
		p->page_keys[i] = all[i * PER_PAGE];
	free(all);
	p->have_keys = 1;
	return 0;
}

struct list_item {
	struct tval	v[6];
	char		url[384];	/* root, /post/, slug */
	char		published[48];
	struct md_page	md;
};

static void S_list_item(struct list_item *it, const struct article *a,
    const char *root, int slot)
{
	md_page_init(&it->md);
	md_excerpt(a->body, a->body_len, &it->md);
	snprintf(it->url, sizeof(it->url), "%s/post/%s", root, a->slug);
	S_human_date(a->published_at, it->published, sizeof(it->published));
	it->v[0] = S_text("title", a->title);
	it->v[1] = S_text("url", it->url);
	it->v[2] = S_text("published", it->published);
	it->v[3] = S_text("published_iso", a->published_at);
	it->v[4] = S_text("excerpt", buf_cstr(&it->md.excerpt));
	it->v[5] = S_slot("views", slot);
}

/* The list's counts in page order, as S_splice needs them: a template
 * may show them in another order than the articles', or not at all. */
static void S_list_slots(struct pages *p, const size_t *offs,
    const struct article *arts, size_t n, struct cached_page *e)
{
	struct cached_slot s;
	size_t i, j;

	e->nslots = 0;
	for (i = 0; i < n; i++) {
		if (offs[i] == SIZE_MAX)
			continue;	/* the template shows no count */
		s.off = offs[i];
		S_slot_for(p, &s, arts[i].key, arts[i].base);
		for (j = e->nslots++; j > 0 && e->slots[j - 1].off > s.off; j--)
			e->slots[j] = e->slots[j - 1];
		e->slots[j] = s;
	}
}

static int S_render_list(struct pages *p, unsigned long page,
    const struct article *arts, size_t n, struct cached_page *e)
{
	struct list_item items[PER_PAGE];
	struct tctx ctx[PER_PAGE];
	char newer[320] = "", older[320] = "", num[24], pages[24];
	struct buf title = BUF_INIT;	/* the site's name is any length */
	char path[48];
	struct tval v[8];
	size_t slots[PER_PAGE];
	size_t i, nv = 0;
	int rc;

	for (i = 0; i < n; i++) {
		S_list_item(&items[i], &arts[i], p->root, (int)i);
		ctx[i].vals = items[i].v;
		ctx[i].nvals = 6;
		ctx[i].parent = NULL;
	}
	if (page == 2)
		snprintf(newer, sizeof(newer), "%s/blog", p->root);
	else if (page > 2)
		snprintf(newer, sizeof(newer), "%s/blog/page/%lu", p->root,
		    page - 1);
	if (page < p->npages)
		snprintf(older, sizeof(older), "%s/blog/page/%lu", p->root,
		    page + 1);
	snprintf(num, sizeof(num), "%lu", page);
	snprintf(pages, sizeof(pages), "%zu", p->npages ? p->npages : 1);
	if (page == 1) {
		buf_puts(&title, p->site.name);
		snprintf(path, sizeof(path), "/blog");
	} else {
		buf_printf(&title, "%s: page %lu", p->site.name, page);
		snprintf(path, sizeof(path), "/blog/page/%lu", page);
	}
	v[nv++] = S_list("articles", ctx, n);
	v[nv++] = S_text("newer_url", newer);
	v[nv++] = S_text("older_url", older);
	v[nv++] = S_text("page", num);
	v[nv++] = S_text("pages", pages);
	v[nv++] = S_bool("empty", n == 0);
	v[nv++] = S_bool("has_pager", newer[0] != '\0' || older[0] != '\0');
	for (i = 0; i < PER_PAGE; i++)
		slots[i] = SIZE_MAX;
	rc = S_render_layout(p, p->tmpl->list, v, nv, buf_cstr(&title),
	    p->site.description, path, page == 1, &e->page, slots, PER_PAGE);
	buf_free(&title);
	if (rc == 0)
		S_list_slots(p, slots, arts, n, e);
	for (i = 0; i < n; i++)
		md_page_free(&items[i].md);
	e->status = 200;
	return rc;
}

static void S_blog(struct pages *p, const struct route *rt,
    struct response *resp)
{
	struct article arts[PER_PAGE];
	const struct list_key *from = NULL;
	struct cached_page *e;
	char key[CACHE_KEY_MAX];
	size_t n = 0;

	snprintf(key, sizeof(key), "list:%lu", rt->page);
	if ((e = cache_get(p->cache, key)) == NULL) {
		if (S_page_keys(p) != 0) {
			S_unavailable(p);
			S_error(p, resp, 503, NULL);
			return;
		}
		if (rt->page > 1 && rt->page > p->npages) {
			S_error(p, resp, 404, NULL);
			return;
		}
		if (rt->page > 1)
			from = &p->page_keys[rt->page - 1];
		if (store_list(p->store, p->now_iso, from, p->generation, arts,
		    PER_PAGE, &n) != STORE_OK) {
			S_unavailable(p);
			S_error(p, resp, 503, NULL);
			return;
		}
		e = cache_claim(p->cache, key);
		if (S_render_list(p, rt->page, arts, n, e) != 0) {
			cache_abandon(p->cache, e);
			while (n > 0)
				store_article_free(&arts[--n]);
			S_error(p, resp, 500, NULL);
			return;
		}
		while (n > 0)
			store_article_free(&arts[--n]);
		e = cache_done(p->cache, e);
	}
	resp->status = 200;
	S_splice(e, COUNT_SHOW, &resp->body);
}

static void S_redirect(struct pages *p, struct response *resp,
    const char *path)
{
	struct buf loc = BUF_INIT;

	buf_puts(&loc, p->root);	/* as the CGI server sent it */
	text_url_encode_path(&loc, path, strlen(path));
	response_header(resp, "Location", buf_cstr(&loc));
	buf_free(&loc);
	resp->status = 301;
	buf_reset(&resp->body);
	S_render_error(p, 301, NULL, &resp->body);
}

void pages_handle(struct pages *p, const struct request *r,
    struct response *resp)
{
	struct route rt;
	int fresh;

	S_clock(p);
	/* Under CGI every link starts with the script's path; cached pages
	 * hold links, so a different root empties the cache. */
	if (strcmp(p->root, r->root) != 0) {
		snprintf(p->root, sizeof(p->root), "%s", r->root);
		S_forget(p);
	}
	resp->head_only = r->method == METHOD_HEAD;
	/* First, so that even an error page shows the current settings. */
	fresh = S_refresh(p) == 0;
	if (r->status != 0) {
		S_error(p, resp, r->status, r->error);
		return;
	}
	if (r->method == METHOD_OTHER) {
		S_error(p, resp, 405, NULL);
		return;
	}
	/* One redirect, to the final address: "/post/ABC/" goes straight
	 * to "/post/abc", not through "/post/ABC". */
	route_path(r->path, &rt);
	if (rt.kind == ROUTE_REDIRECT) {
		S_redirect(p, resp, rt.location);
		return;
	}
	if (r->redirect) {
		S_redirect(p, resp, r->path);
		return;
	}
	if (rt.kind == ROUTE_NOTFOUND) {
		S_error(p, resp, 404, NULL);
		return;
	}
	if (!fresh) {
		S_error(p, resp, 503, NULL);
		return;
	}
	if (rt.kind == ROUTE_POST)
		S_article(p, r, &rt, resp);
	else
		S_blog(p, &rt, resp);
}

int pages_fold(struct pages *p, int busy_ms, unsigned long long *moved)
{
	uint64_t n = 0;
	enum store_rc rc;
	char err[512];

	*moved = 0;
	S_clock(p);
	if (store_probe(p->store, err, sizeof(err)) != STORE_OK) {
		if (!p->db_down && !p->quiet)
			log_line("database unavailable (pages answer 503; "
			    "views are kept and folded when it returns): %s",
			    err);
		p->db_down = 1;
		return -1;
	}
	if (p->db_down && !p->quiet)
		log_line("database %s available again", store_path(p->store));
	p->db_down = 0;
	rc = store_fold(p->store, p->counter, p->today, busy_ms, &n);
	*moved = n;
	if (rc == STORE_BUSY)
		return 1;
	if (rc != STORE_OK) {
		/* Once, not every second for as long as the disk is full:
		 * the views wait safely in the counters meanwhile. */
		if (!p->fold_failing)
			log_line("folding views failed, will retry every "
			    "second (views are kept meanwhile): %s",
			    store_fold_error(p->store));
		p->fold_failing = 1;
		return -1;
	}
	if (p->fold_failing)
		log_line("folding views works again");
	p->fold_failing = 0;
	return 0;
}

long long pages_site_rev(struct pages *p)
{
	int64_t rev;

	if (store_site_rev(p->store, &rev) != STORE_OK)
		return -1;
	return (long long)rev;
}
