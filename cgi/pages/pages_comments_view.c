/* pages_comments_view.c: the published comments and the question form
 * as HTML, their JSON-LD, and the form's token (see comments.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/siphash.h"
#include "lib/text.h"
#include "pages/comments.h"
#include "pages/pages_int.h"
#include "render/jsonld_text.h"
#include "render/template.h"

void comments_state_free(struct comments_state *cs)
{
	tmpl_free(cs->page);
	cs->page = NULL;
}

const struct comment_settings *comments_settings(struct pages *p)
{
	struct comments_state *c = &p->comments;

	if (!c->loaded || c->changes != p->site.changes) {
		/* On failure the defaults stand: the page still draws. */
		store_comment_settings(p->site.store, &c->cs);
		c->loaded = 1;
		c->changes = p->site.changes;
	}
	return &c->cs;
}

size_t comments_take_mark(struct buf *page)
{
	size_t n = sizeof(COMMENTS_TOKEN_MARK) - 1;
	char *at = page->len ? memmem(page->data, page->len,
	    COMMENTS_TOKEN_MARK, n) : NULL;

	if (at == NULL)
		return SIZE_MAX;
	page->len -= n;
	memmove(at, at + n, page->len - (size_t)(at - page->data));
	return (size_t)(at - page->data);
}

/* ---- the token ----------------------------------------------------------- */

static void S_day(time_t t, char out[16])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* The key of day: today's is made when missing and kept in memory. */
static int S_key(struct pages *p, const char *day, int make,
    unsigned char key[16])
{
	struct comments_state *c = &p->comments;
	char drop[16], next[16];

	if (c->have_key && c->key_changes == p->site.changes &&
	    strcmp(c->day, day) == 0) {
		memcpy(key, c->key, 16);
		return 0;
	}
	S_day(p->site.now - 24 * 3600, drop);
	S_day(p->site.now + 24 * 3600, next);
	if (store_comment_key(p->site.store, day, next, drop, make, key) !=
	    STORE_OK)
		return -1;
	if (make) {
		snprintf(c->day, sizeof(c->day), "%s", day);
		memcpy(c->key, key, 16);
		c->have_key = 1;
		c->key_changes = p->site.changes;
	}
	return 0;
}

static uint64_t S_mac(const unsigned char key[16], int64_t article,
    long long t)
{
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "%lld:%lld", (long long)article, t);

	return siphash24(key, msg, (size_t)n);
}

void comments_token(struct pages *p, int64_t article, char *out,
    size_t outlen)
{
	unsigned char key[16];

	/* Without a key, a token no key makes: refused, and sent again. */
	snprintf(out, outlen, "%lld-%016llx", (long long)p->site.now,
	    S_key(p, p->site.today, 1, key) != 0 ? 0ULL :
	    (unsigned long long)S_mac(key, article, p->site.now));
}

/* Ages and days first: a token out of its day's reach costs no read of
 * the database (a refused POST must cost no more than a 404). */
enum token_check comments_token_check(struct pages *p, int64_t article,
    const char *token)
{
	unsigned char key[16];
	unsigned long long mac;
	long long t, age;
	char day[16], tail;
	int today;

	if (sscanf(token, "%18lld-%16llx%c", &t, &mac, &tail) != 2 || t <= 0 ||
	    (age = (long long)p->site.now - t) < -5)
		return TOKEN_BAD;
	if (age > COMMENTS_MAX_SECONDS)
		return TOKEN_OLD;
	if (!(today = t / 86400 == (long long)p->site.now / 86400))
		S_day((time_t)t, day);
	if (S_key(p, today ? p->site.today : day, today, key) != 0 ||
	    S_mac(key, article, t) != mac)
		return TOKEN_BAD;
	return age < COMMENTS_MIN_SECONDS ? TOKEN_FAST : TOKEN_OK;
}

/* ---- HTML ---------------------------------------------------------------- */

static void S_esc(struct buf *out, const char *s)
{
	text_escape_html(out, s, strlen(s));
}

/* Plain text as paragraphs: a blank line starts one, a line break is
 * kept; everything escaped, nothing made a link. */
static void S_paragraphs(struct buf *out, const char *s)
{
	const char *p = s, *nl;
	int open = 0;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (nl == p || (nl == p + 1 && *p == '\r')) {
			if (open)
				buf_puts(out, "</p>\n");
			open = 0;
		} else {
			buf_puts(out, open ? "<br>\n" : "<p>");
			text_escape_html(out, p, (size_t)(nl - p) -
			    (nl > p && nl[-1] == '\r'));
			open = 1;
		}
		p = *nl ? nl + 1 : nl;
	}
	if (open)
		buf_puts(out, "</p>\n");
}

static void S_comment(struct buf *out, const struct comment *c)
{
	char date[48];

	layout_human_date(c->created_at, date, sizeof(date));
	buf_printf(out, "<li class=\"comment%s\" id=\"comment-%lld\">\n"
	    "<p class=\"comment-by\"><b>", c->by_clinic ? " reply" : "",
	    (long long)c->id);
	S_esc(out, c->name);
	buf_puts(out, "</b>");
	if (c->by_clinic)
		buf_puts(out, " <span class=\"clinic\">for the clinic</span>");
	buf_puts(out, " · <time datetime=\"");
	S_esc(out, c->created_at);
	buf_puts(out, "\">");
	S_esc(out, date);
	buf_puts(out, "</time></p>\n<div class=\"comment-body\">\n");
	S_paragraphs(out, c->body);
	buf_puts(out, "</div>\n");
}

/* Questions oldest first, each with its replies in a list inside it. */
static void S_list(struct buf *out, const struct comment *c, size_t n)
{
	size_t i;

	buf_puts(out, "<ol class=\"comment-list\">\n");
	for (i = 0; i < n; i++) {
		S_comment(out, &c[i]);
		if (c[i].parent == 0 && i + 1 < n && c[i + 1].parent != 0)
			buf_puts(out, "<ol class=\"replies\">\n");
		else if (c[i].parent == 0)
			buf_puts(out, "</li>\n");
		else if (i + 1 == n || c[i + 1].parent == 0)
			buf_puts(out, "</li>\n</ol>\n</li>\n");
		else
			buf_puts(out, "</li>\n");
	}
	buf_puts(out, "</ol>\n");
}

static void S_jsonld(struct buf *out, const struct comment *c, size_t n)
{
	size_t i;

	buf_printf(out, ",\"commentCount\":%zu", n);
	if (n == 0)
		return;
	buf_puts(out, ",\"comment\":[");
	for (i = 0; i < n; i++) {
		buf_puts(out, i ? ",{\"@type\":\"Comment\",\"text\":" :
		    "{\"@type\":\"Comment\",\"text\":");
		jsonld_string(out, c[i].body, strlen(c[i].body));
		buf_puts(out, ",\"dateCreated\":");
		jsonld_string(out, c[i].created_at, strlen(c[i].created_at));
		buf_puts(out, c[i].by_clinic ?
		    ",\"author\":{\"@type\":\"Organization\",\"name\":" :
		    ",\"author\":{\"@type\":\"Person\",\"name\":");
		jsonld_string(out, c[i].name, strlen(c[i].name));
		buf_puts(out, "}}");
	}
	buf_putc(out, ']');
}

void comments_form(struct pages *p, const struct comment_form *f,
    struct buf *out)
{
	const struct comment_settings *cs = comments_settings(p);

	buf_puts(out, "<h2 id=\"ask-heading\">Ask a question</h2>\n");
	if (cs->notice[0] != '\0') {
		buf_puts(out, "<p class=\"comment-notice\">");
		S_esc(out, cs->notice);
		buf_puts(out, "</p>\n");
	}
	buf_puts(out, "<form class=\"comment-form\" method=\"post\" action=\"");
	S_esc(out, f->action);
	buf_puts(out, "\">\n");
	if (f->message != NULL) {
		buf_puts(out, "<p class=\"comment-refused\" role=\"alert\">");
		S_esc(out, f->message);
		buf_puts(out, "</p>\n");
	}
	buf_puts(out, "<input type=\"hidden\" name=\"token\" value=\"");
	buf_puts(out, f->token);	/* digits, '-' and hex, or the mark */
	buf_puts(out, "\">\n<p><label for=\"comment-name\">Your name "
	    "(shown with your question)</label>\n<input id=\"comment-name\" "
	    "name=\"name\" maxlength=\"80\" required autocomplete=\"nickname\" "
	    "value=\"");
	S_esc(out, f->name);
	buf_printf(out, "\"></p>\n<p><label for=\"comment-text\">Your question"
	    "</label>\n<textarea id=\"comment-text\" name=\"question\" rows=\"6\" "
	    "maxlength=\"%ld\" required>\n", cs->max_length);
	S_esc(out, f->text);
	/* Never seen, never read aloud (display: none): only robots fill it. */
	buf_puts(out, "</textarea></p>\n<p class=\"comment-website\">"
	    "<label for=\"comment-website\">Leave this empty</label>\n"
	    "<input id=\"comment-website\" name=\"website\" tabindex=\"-1\" "
	    "autocomplete=\"off\"></p>\n<p><button type=\"submit\">Send your "
	    "question</button></p>\n</form>\n");
}

/* Questions close site-wide, on one post, or once it is old enough. */
static int S_closed(struct pages *p, const struct comment_settings *cs,
    int closed, const char *published_at)
{
	char cutoff[32];

	if (!cs->open || closed)
		return 1;
	if (cs->close_after_days <= 0)
		return 0;
	comments_iso_ago(p, (time_t)cs->close_after_days * 24 * 3600, cutoff);
	return strcmp(published_at, cutoff) < 0;
}

void comments_iso_ago(const struct pages *p, time_t ago, char out[32])
{
	time_t t = p->site.now - ago;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int comments_closed(struct pages *p, int closed, const char *published_at)
{
	return S_closed(p, comments_settings(p), closed, published_at);
}

int comments_section(struct pages *p, const struct article *a,
    struct buf *html, struct buf *jsonld, char *count, size_t countlen)
{
	struct comment_article ca;
	struct comment *c;
	struct buf action = BUF_INIT;
	struct comment_form f = { NULL, COMMENTS_TOKEN_MARK, "", "", NULL };
	size_t n;

	if (store_comments(p->site.store, a->id, &c, &n) != STORE_OK ||
	    store_comment_article(p->site.store, a->slug, p->site.now_iso,
	    &ca) != STORE_OK)
		return -1;
	snprintf(count, countlen, "%zu comment%s", n, n == 1 ? "" : "s");
	buf_puts(html, "<section class=\"comments\" id=\"comments\" "
	    "aria-labelledby=\"comments-heading\">\n<h2 id=\"comments-heading\">"
	    "Questions and answers</h2>\n");
	if (n > 0)
		S_list(html, c, n);
	S_jsonld(jsonld, c, n);
	if (comments_closed(p, ca.closed, ca.published_at)) {
		buf_puts(html, "<p class=\"comments-closed\">Questions are "
		    "closed on this article.</p>\n");
	} else {
		/* The cached page's root, which is the request's (pages.c). */
		buf_printf(&action, "%s/comment/%s", p->cache_root, a->slug);
		f.action = buf_cstr(&action);
		comments_form(p, &f, html);
	}
	buf_puts(html, "</section>\n");
	store_comments_free(c, n);
	buf_free(&action);
	return 0;
}
