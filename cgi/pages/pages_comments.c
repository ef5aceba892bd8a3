/* pages_comments.c: /comment/<slug>, where the question form posts, and
 * its thank-you page.  Every refusal answers with the form again, the patient's text in it
 * and one sentence saying what to do; a question taken answers 303 to
 * the thank-you page, so reloading it or going back never sends it
 * twice.  Statuses: 303, 200 (thank-you page), 301, 400, 403, 404, 409,
 * 411, 413, 415, 429, 500, 503.  None of these pages counts a view. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/form.h"
#include "http/request.h"
#include "http/response.h"
#include "lib/address.h"
#include "lib/ratelimit.h"
#include "lib/text.h"
#include "pages/comments.h"
#include "pages/handler.h"
#include "pages/handlers.h"
#include "pages/pages.h"
#include "pages/pages_int.h"
#include "render/template.h"

/* Why a question was not taken: the status and the one sentence. */
enum refusal {
	R_TYPE, R_LENGTH, R_BODY, R_ORIGIN, R_NAME, R_NAME_LONG, R_EMPTY,
	R_UTF8, R_LONG, R_LINKS, R_CLOSED, R_TOKEN, R_EXPIRED, R_FAST,
	R_GAP, R_HOUR, R_TOO_MANY, R_PAUSED, R_DUPLICATE, R_BUSY, R_FAILED,
	R_DOWN,
};

static const struct {
	int		 status;
	const char	*say;
} S_why[] = {
	[R_TYPE] = { 415, "This form must be sent as an ordinary web form: "
	    "please send your question again from the form below." },
	[R_LENGTH] = { 411, "Your question arrived without its length: "
	    "please send it again from the form below." },
	[R_BODY] = { 413, "Your question is too long to send: please "
	    "shorten it and send it again." },
	[R_ORIGIN] = { 403, "This form was sent from another site: please "
	    "check your question below and send it from here." },
	[R_NAME] = { 400, "Please write your name (any name you like: it is "
	    "shown with your question) and send it again." },
	[R_NAME_LONG] = { 400, "Please shorten your name to at most 80 "
	    "characters and send it again." },
	[R_EMPTY] = { 400, "Please write your question and send it again." },
	[R_UTF8] = { 400, "Your question holds characters that could not be "
	    "read: please type them again and send it." },
	[R_LONG] = { 413, "Your question is longer than this site takes: "
	    "please shorten it and send it again." },
	[R_LINKS] = { 400, "Please send your question with at most one web "
	    "address in it." },
	[R_CLOSED] = { 403, "Questions are closed on this article: please "
	    "call the clinic instead (your text is below to copy)." },
	[R_TOKEN] = { 403, "This form could not be checked: please send it "
	    "again (it is ready below)." },
	[R_EXPIRED] = { 403, "This form has expired: please send it again "
	    "(it is ready below)." },
	[R_FAST] = { 429, "Your question was sent a moment after the page "
	    "opened: please check it and send it again." },
	[R_GAP] = { 429, "You sent a question a few seconds ago: please wait "
	    "a moment and send this one again." },
	[R_HOUR] = { 429, "You have sent several questions this hour: please "
	    "try again later, or call the clinic." },
	[R_TOO_MANY] = { 429, "Many questions are arriving just now: please "
	    "try again in a minute." },
	[R_PAUSED] = { 503, "Questions are paused for now: please try again "
	    "later, or call the clinic." },
	[R_DUPLICATE] = { 409, "This question has already been sent: the "
	    "clinic will read it before it appears." },
	[R_BUSY] = { 503, "The site is busy: please try again in a minute." },
	[R_FAILED] = { 500, "Your question could not be saved: please try "
	    "again in a minute." },
	[R_DOWN] = { 503, "The site cannot take questions at the moment: "
	    "please try again in a minute." },
};

enum { F_TOKEN, F_NAME, F_TEXT, F_WEBSITE, F__MAX };

struct sent {
	struct form_field	 f[F__MAX];
	struct comment_article	 a;
	char			 slug[ROUTE_SLUG_MAX + 1];
	char			 action[ROUTE_SLUG_MAX + 300];
};

/* A page of the site's layout holding html. */
static void S_page(struct pages *p, const struct page_req *q, int status,
    const char *title, struct buf *html)
{
	struct response *resp = q->resp;
	struct page_head h = { .title = title, .description = title,
	    .noindex = 1 };
	struct tval v[1];
	char err[128];

	if (p->comments.page == NULL)
		p->comments.page = tmpl_parse("comment page", "{{{html}}}", 10,
		    err, sizeof(err));
	v[0] = tv_html("html", html->data ? html->data : "", html->len);
	resp->status = status;
	resp->cache_control = "no-store";
	buf_reset(&resp->body);
	if (p->comments.page == NULL || layout_render(&p->look,
	    p->comments.page, v, 1, &h, &resp->body, NULL, 0) != 0)
		pages_error(p, q, 500, NULL);
}

static void S_back_link(struct buf *html, const struct page_req *q,
    const char *slug, const char *title)
{
	char path[ROUTE_SLUG_MAX + 300];

	address_post(path, sizeof(path), q->root, slug);
	buf_printf(html, "<p><a href=\"%s#comments\">Back to ", path);
	text_escape_html(html, title, strlen(title));
	buf_puts(html, "</a></p>\n");
}

/* The form again, with what was typed and why it was not taken. */
static void S_refuse(struct pages *p, const struct page_req *q,
    struct sent *s, enum refusal why)
{
	struct buf html = BUF_INIT;
	char token[COMMENTS_TOKEN_MAX] = "0-0";
	struct comment_form f = { s->action, token,
	    buf_cstr(&s->f[F_NAME].value), buf_cstr(&s->f[F_TEXT].value),
	    S_why[why].say };

	if (s->a.id > 0 && why != R_DOWN)
		comments_token(p, s->a.id, token, sizeof(token));
	buf_puts(&html, "<h1>Your question was not sent yet</h1>\n");
	if (s->a.title[0] != '\0') {
		buf_puts(&html, "<p>About ");
		text_escape_html(&html, s->a.title, strlen(s->a.title));
		buf_puts(&html, ".</p>\n");
	}
	buf_puts(&html, "<section class=\"comments\" aria-labelledby="
	    "\"ask-heading\">\n");
	comments_form(p, &f, &html);
	buf_puts(&html, "</section>\n");
	S_back_link(&html, q, s->slug, s->a.title[0] ? s->a.title :
	    "the article");
	S_page(p, q, S_why[why].status, "Your question was not sent yet",
	    &html);
	if (why == R_BUSY || why == R_PAUSED || why == R_DOWN)
		response_header(q->resp, "Retry-After", "60");
	buf_free(&html);
}

/* Code points, as the form's maxlength counts them (near enough:
 * a browser counts UTF-16 units). */
static size_t S_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static size_t S_links(const char *s)
{
	static const char *const marks[] = { "http://", "https://", "www." };
	size_t i, n = 0;
	const char *p;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		for (p = s; (p = strcasestr(p, marks[i])) != NULL; p++)
			n += i < 2 || p == s || p[-1] != '/';
	return n;
}

/* "scheme://host[:port]" of url into out. */
static void S_origin_of(const char *url, char *out, size_t outlen)
{
	const char *p = strstr(url, "://");
	size_t n = p ? (size_t)(p + 3 - url) + strcspn(p + 3, "/") : 0;

	snprintf(out, outlen, "%.*s", (int)n, url);
}

/* The host of an origin or Host value, without scheme and port. */
static size_t S_host(const char *v, const char **host)
{
	const char *p = strstr(v, "://");

	*host = p ? p + 3 : v;
	if (**host == '[')	/* [::1]:8080 */
		return strcspn(*host, "]") + 1;
	return strcspn(*host, ":/");
}

/* A POST from another site: its Origin is neither the site's address
 * nor the host it was sent to ("null" counts as absent), or the
 * browser says it is cross-site.  The host is compared without its
 * port: nginx passes Host as $host, which has none. */
static int S_cross_site(const struct pages *p, const struct request *r)
{
	char site[512];
	const char *oh, *hh;
	size_t on, hn;

	if (r->sec_fetch_site != NULL &&
	    strcmp(r->sec_fetch_site, "cross-site") == 0)
		return 1;
	if (r->origin == NULL || r->origin[0] == '\0' ||
	    strcmp(r->origin, "null") == 0)
		return 0;
	S_origin_of(p->site.settings.base_url, site, sizeof(site));
	if (strcmp(r->origin, site) == 0)
		return 0;
	on = S_host(r->origin, &oh);
	hn = S_host(r->host ? r->host : "", &hh);
	return on == 0 || on != hn || strncasecmp(oh, hh, on) != 0;
}

/* The checks of what was typed; -1 when all pass. */
static int S_text_refusal(struct pages *p, struct sent *s)
{
	const struct comment_settings *cs = comments_settings(p);
	const char *name = buf_cstr(&s->f[F_NAME].value);
	const char *text = buf_cstr(&s->f[F_TEXT].value);
	struct buf *tb = &s->f[F_TEXT].value;

	if (!text_is_clean(name, strlen(name)) || !text_is_clean(text,
	    tb->len) || strlen(text) != tb->len)
		return R_UTF8;
	if (name[strspn(name, " \t\r\n")] == '\0')
		return R_NAME;
	if (S_chars(name) > 80)
		return R_NAME_LONG;
	if (text[strspn(text, " \t\r\n")] == '\0')
		return R_EMPTY;
	if ((long)S_chars(text) > cs->max_length)
		return R_LONG;
	if (S_links(text) >= 2)
		return R_LINKS;
	return -1;
}

static int S_token_refusal(struct pages *p, struct sent *s)
{
	static const int why[] = { [TOKEN_OK] = -1, [TOKEN_BAD] = R_TOKEN,
	    [TOKEN_FAST] = R_FAST, [TOKEN_OLD] = R_EXPIRED };

	return why[comments_token_check(p, s->a.id,
	    buf_cstr(&s->f[F_TOKEN].value))];
}

/* The form's text as stored: line ends as LF, spaces around trimmed. */
static void S_tidy(struct buf *b)
{
	size_t i, o = 0, start;

	for (i = 0; i < b->len; i++)
		if (b->data[i] != '\r')
			b->data[o++] = b->data[i];
	for (; o > 0 && strchr(" \t\n", b->data[o - 1]); o--)
		;
	for (start = 0; start < o && strchr(" \t\n", b->data[start]); start++)
		;
	memmove(b->data, b->data + start, o - start);
	b->len = o - start;
}

/* Stores the question; rejected ones past comments.purge_after_days go
 * in the same transaction (never on a reader's path). */
static int S_store(struct pages *p, struct sent *s, int64_t *id)
{
	static const int why[] = { [COMMENT_TOO_MANY] = R_TOO_MANY,
	    [COMMENT_PAUSED] = R_PAUSED, [COMMENT_DUPLICATE] = R_DUPLICATE,
	    [COMMENT_BUSY] = R_BUSY, [COMMENT_FAILED] = R_FAILED };
	const struct comment_settings *cs = comments_settings(p);
	char since[32], purge[32];
	enum comment_put rc;

	comments_iso_ago(p, 60, since);
	comments_iso_ago(p, (time_t)cs->purge_after_days * 24 * 3600, purge);
	S_tidy(&s->f[F_NAME].value);
	S_tidy(&s->f[F_TEXT].value);
	rc = store_comment_put(p->site.store, s->a.id,
	    buf_cstr(&s->f[F_NAME].value), buf_cstr(&s->f[F_TEXT].value),
	    since, purge, cs, id);
	return rc == COMMENT_STORED ? -1 : why[rc];
}

static void S_see_other(const struct page_req *q, const char *slug,
    int64_t id)
{
	struct response *resp = q->resp;
	char loc[ROUTE_SLUG_MAX + 320];

	snprintf(loc, sizeof(loc), id > 0 ? "%s/comment/%s?sent=%lld" :
	    "%s/comment/%s?sent", q->root, slug, (long long)id);
	response_header(resp, "Location", loc);
	resp->status = 303;	/* no body: every browser follows it */
	resp->cache_control = "no-store";
	buf_reset(&resp->body);
}

/* The checks before the text is read: how it was sent. */
static int S_sent_refusal(const struct pages *p, const struct request *r)
{
	if (!form_is_urlencoded(r->content_type))
		return R_TYPE;
	if (!r->has_length)
		return R_LENGTH;
	if (r->body_cut || r->content_length > REQUEST_BODY_MAX)
		return R_BODY;
	return S_cross_site(p, r) ? R_ORIGIN : -1;
}

static int S_post(struct pages *p, const struct request *r, struct sent *s,
    int64_t *id)
{
	const struct comment_settings *cs = comments_settings(p);
	int why;
	long wait;

	if ((why = S_sent_refusal(p, r)) >= 0 ||
	    (why = S_text_refusal(p, s)) >= 0)
		return why;
	if (comments_closed(p, s->a.closed, s->a.published_at))
		return R_CLOSED;
	if ((why = S_token_refusal(p, s)) >= 0)
		return why;
	wait = ratelimit_take(p->comments.limit, r->remote_addr, p->site.now,
	    cs->gap_seconds, cs->per_hour);
	if (wait != 0)
		return wait > 0 ? R_GAP : R_HOUR;
	return S_store(p, s, id);
}

static void S_thanks(struct pages *p, const struct page_req *q,
    struct sent *s)
{
	struct buf html = BUF_INIT;
	char *end;
	long long id = 0;
	const char *query = q->r->query;

	if (strncmp(query, "sent", 4) != 0 || (query[4] != '\0' &&
	    query[4] != '=')) {
		char path[ROUTE_SLUG_MAX + 8];

		address_post(path, sizeof(path), "", s->slug);
		pages_redirect(p, q, path);
		return;
	}
	if (query[4] == '=')
		id = strtoll(query + 5, &end, 10);
	buf_puts(&html, "<h1>Thank you: your question was received</h1>\n"
	    "<p>The clinic will read it before it appears under the "
	    "article.</p>\n");
	if (id > 0)
		buf_printf(&html, "<p>Your reference number is <strong>%lld"
		    "</strong>: quote it if you ask the clinic to remove or "
		    "correct your question.</p>\n", id);
	S_back_link(&html, q, s->slug, s->a.title);
	S_page(p, q, 200, "Thank you: your question was received", &html);
	buf_free(&html);
}

/* What was sent, and the article it is about; rc of that read. */
static enum store_rc S_read(struct pages *p, const struct page_req *q,
    struct sent *s)
{
	static const char *const names[F__MAX] = { "token", "name",
	    "question", "website" };
	const struct request *r = q->r;
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < F__MAX; i++)
		s->f[i].name = names[i];
	snprintf(s->slug, sizeof(s->slug), "%s", q->rt->slug);
	snprintf(s->action, sizeof(s->action), "%s/comment/%s", q->root,
	    q->rt->slug);
	if (r->method == METHOD_POST && r->body != NULL)
		form_parse(r->body, r->body_len, s->f, F__MAX);
	if (!q->fresh)
		return STORE_UNAVAILABLE;
	return store_comment_article(p->site.store, q->rt->slug,
	    p->site.now_iso, &s->a);
}

void pages_comment(struct pages *p, const struct page_req *q)
{
	int post = q->r->method == METHOD_POST;
	struct sent s;
	enum store_rc rc;
	int64_t id = 0;
	int why;

	rc = S_read(p, q, &s);
	if (rc == STORE_NOTFOUND)
		pages_error(p, q, 404, NULL);
	else if (rc != STORE_OK && post)
		S_refuse(p, q, &s, R_DOWN);
	else if (rc != STORE_OK)
		pages_error(p, q, 503, NULL);
	else if (!post)
		S_thanks(p, q, &s);
	else if (s.f[F_WEBSITE].value.len > 0)
		S_see_other(q, s.slug, 0);	/* a robot: nothing kept */
	else if ((why = S_post(p, q->r, &s, &id)) >= 0)
		S_refuse(p, q, &s, (enum refusal)why);
	else
		S_see_other(q, s.slug, id);
	form_free(s.f, F__MAX);
}

void pages_set_limiter(struct pages *p, struct ratelimit *rl)
{
	p->comments.limit = rl;
}
