/* test_markdown.c: what md_render and md_excerpt promise.  Prints one
 * "ok N - name" or "not ok N - name" line per case, then "N passed, N
 * failed"; exits 1 if any failed.  Every rendered body is also checked
 * for what must never appear: a <h1>, an empty src or href, unclean text. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/buf.h"
#include "render/alerts.h"
#include "render/markdown.h"
#include "lib/text.h"

#include "runner.h"
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif

#define ELLIPSIS	"\xE2\x80\xA6"
#define FFFD		"\xEF\xBF\xBD"


static void S_render(struct md_page *p, const char *md, size_t len)
{
	md_page_init(p);
	if (md_render(md, len, p) != 0) {
		fprintf(stderr, "md_render failed\n");
		exit(1);
	}
	buf_cstr(&p->html);
	buf_cstr(&p->excerpt);
}

/* What no body may hold, whatever its Markdown, once its urgent-care
 * boxes are drawn as a page draws them (alerts.h). */
static bool S_html_sound(struct md_page *p)
{
	const char *const headings[ALERT__MAX] = { NULL, NULL, NULL };
	struct buf drawn = BUF_INIT;
	const char *h;
	bool ok;

	alerts_compose(p->html.data ? p->html.data : "", p->html.len,
	    headings, ALERT_PAGE, &drawn);
	h = buf_cstr(&drawn);
	ok = text_is_clean(h, drawn.len) &&
	    text_is_clean(p->excerpt.data, p->excerpt.len) &&
	    strstr(h, "<h1") == NULL && strstr(h, "src=\"\"") == NULL &&
	    strstr(h, "href=\"\"") == NULL &&
	    strstr(h, "raw HTML omitted") == NULL;
	buf_free(&drawn);
	return ok;
}

static size_t S_code_points(const char *s, size_t n)
{
	size_t i, cps = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			cps++;
	return cps;
}

/*
 * HTML: each case names what must appear and what must not.
 */
struct html_case {
	const char	*name;
	const char	*md;
	const char	*want[3];
	const char	*unwanted[3];
};

static const struct html_case S_html_cases[] = {
	/* Urgent-care boxes (alerts.h): the stored render holds markers. */
	{ "> [!999] alone on the first line makes a box",
	    "> [!999]\n> Numbness around the bottom\n",
	    { "\0160\017\n<p>Numbness around the bottom</p>\n\016/\017" },
	    { "<blockquote", "[!999]" } },
	{ "> [!111] and > [!gp] are boxes too, GP in any case",
	    "> [!111]\n> a\n\n> [!gp]\n> b\n",
	    { "\0161\017\n<p>a</p>", "\0162\017\n<p>b</p>" },
	    { "<blockquote" } },
	{ "a box may hold a list and follow a blank line",
	    "> [!999]\n>\n> - loss of bladder control\n> - numbness\n",
	    { "\0160\017\n<ul>\n<li>loss of bladder control</li>" },
	    { "<blockquote", "<p></p>" } },
	{ "any other marker stays a quote", "> [!998]\n> x\n",
	    { "<blockquote>\n<p>[!998]\nx</p>" }, { "\016" } },
	{ "a marker with text after it stays a quote", "> [!999] now\n",
	    { "<blockquote>\n<p>[!999] now</p>" }, { "\016" } },
	{ "a marker on a later line stays a quote", "> x\n> [!999]\n",
	    { "<blockquote>" }, { "\016" } },
	{ "a marker outside a quote is text", "[!999]\n",
	    { "<p>[!999]</p>" }, { "\016" } },
	{ "a box's raw HTML goes as anywhere",
	    "> [!999]\n> <script>alert(1)</script> x\n",
	    { "\0160\017" }, { "<script" } },
	{ "a box's marker bytes cannot come from text",
	    "&#14;0&#15; x &#14;/&#15;\n\n> [!999&#14;]\n",
	    { "<blockquote>" }, { "\016", "\017" } },
	{ "a link with no text shows its address", "[](https://example.com/a)\n",
	    { "<a href=\"https://example.com/a\">https://example.com/a</a>" },
	    { "\"></a>" } },
	{ "an empty heading goes, leaving no gap", "# A\n\n#\n\n## B\n",
	    { "<h2>A</h2>\n<h3>B</h3>" }, { "<h2></h2>", "<h3></h3>" } },
	{ "a heading of raw HTML only goes", "# <span></span>\n\n## B\n",
	    { "<h2>B</h2>" }, { "<h2></h2>", "<h3" } },
	{ "a body's top heading becomes h2", "# A\n",
	    { "<h2>A</h2>" }, { NULL } },
	{ "a lone ### heading becomes h2", "### B\n",
	    { "<h2>B</h2>" }, { "<h3" } },
	{ "# then ### become h2 then h3", "# A\n\n### B\n",
	    { "<h2>A</h2>\n<h3>B</h3>" }, { NULL } },
	{ "headings never skip a level", "## A\n\n##### B\n\n## C\n",
	    { "<h2>A</h2>\n<h3>B</h3>\n<h2>C</h2>" }, { NULL } },
	{ "setext headings are mapped too", "A\n===\n\nB\n---\n",
	    { "<h2>A</h2>", "<h3>B</h3>" }, { NULL } },
	{ "a script block is removed",
	    "a\n\n<script>alert(1)</script>\n\nb\n",
	    { "<p>a</p>\n<p>b</p>" }, { "<script", "alert" } },
	{ "inline script tags are removed",
	    "a <script>alert(1)</script> b\n",
	    { "<p>a alert(1) b</p>" }, { "<script" } },
	{ "a paragraph of raw HTML only goes", "a\n\n<b>x</b>\n",
	    { "<p>a</p>" }, { "<p></p>", "<b" } },
	{ "a javascript: link keeps only its text",
	    "[x](javascript:alert(1))\n",
	    { "<p>x</p>" }, { "<a", "javascript" } },
	{ "a JaVaScRiPt: link is unwrapped",
	    "[x](JaVaScRiPt:alert(1))\n",
	    { "<p>x</p>" }, { "<a" } },
	{ "a javascript: link after a space is unwrapped",
	    "[x]( javascript:alert(1))\n",
	    { "<p>x</p>" }, { "<a" } },
	{ "a javascript: link with a leading space in <> is unwrapped",
	    "[x](< javascript:alert(1)>)\n",
	    { "<p>x</p>" }, { "<a" } },
	{ "an entity-encoded javascript: link is unwrapped",
	    "[x](javascript&#58;alert(1))\n",
	    { "<p>x</p>" }, { "<a" } },
	{ "vbscript:, data: and file: links are unwrapped",
	    "[a](vbscript:x) [b](data:text/html,x) [c](file:///etc)\n",
	    { "<p>a b c</p>" }, { "<a" } },
	{ "an empty link is unwrapped", "[x]()\n",
	    { "<p>x</p>" }, { "<a" } },
	{ "a javascript: image becomes its alt text",
	    "![alt](javascript:x)\n",
	    { "<p>alt</p>" }, { "<img" } },
	{ "a data: image becomes its alt text",
	    "![a](data:image/png;base64,xx)\n",
	    { "<p>a</p>" }, { "<img" } },
	{ "an emphasised alt text is kept as text",
	    "![al*t*](javascript:x)\n",
	    { "<p>alt</p>" }, { "<img", "<em" } },
	{ "a relative image is kept", "![a](/img/x.png)\n",
	    { "<img src=\"/img/x.png\" alt=\"a\" />" }, { NULL } },
	{ "an https link is kept with its href",
	    "[ok](https://example.com/a?b=c)\n",
	    { "<a href=\"https://example.com/a?b=c\">ok</a>" }, { NULL } },
	{ "a link with a space in the host is not a link",
	    "[bad](http://exa mple.com)\n",
	    { NULL }, { "<a" } },
	{ "a <>-link with a space is unwrapped",
	    "[bad](<http://exa mple.com>)\n",
	    { "<p>bad</p>" }, { "<a" } },
	{ "relative, fragment, mailto and tel links are kept",
	    "[a](b/c) [d](#e) [f](mailto:g@h.example) [i](tel:+441234)\n",
	    { "href=\"b/c\"", "href=\"#e\"", "href=\"tel:+441234\"" },
	    { NULL } },
	{ "a host with a port is kept",
	    "[a](http://example.com:8080/x) [b](https://1.2.3.4/)\n",
	    { "href=\"http://example.com:8080/x\"",
	      "href=\"https://1.2.3.4/\"" }, { NULL } },
	/* cmark writes [ ] as %5B %5D, which no host may hold. */
	{ "an IPv6 host is unwrapped", "[a](http://[::1]/x)\n",
	    { "<p>a</p>" }, { "<a" } },
	{ "an empty host is unwrapped", "[a](http:///x) [b](https:)\n",
	    { "<p>a b</p>" }, { "<a" } },
	{ "user:password@ in a host is unwrapped",
	    "[a](http://user:pw@example.com/)\n",
	    { "<p>a</p>" }, { "<a" } },
	{ "a bad port is unwrapped", "[a](http://example.com:99999/)\n",
	    { "<p>a</p>" }, { "<a" } },
	{ "a bad IPv4 host is unwrapped", "[a](http://1.2.3.999/)\n",
	    { "<p>a</p>" }, { "<a" } },
	{ "a host whose last label is a number must be IPv4",
	    "[a](http://a.123/) [b](//cdn.example/x) [c](http://a..b/)\n",
	    { "<p>a <a href=\"//cdn.example/x\">b</a> c</p>" }, { NULL } },
	{ "a bad %-escape is unwrapped", "[a](/x%zz)\n",
	    { "<p>a</p>" }, { "<a" } },
	{ "a second # is unwrapped", "[a](/x#b#c)\n",
	    { "<p>a</p>" }, { "<a" } },
	{ "a backslash in a URL is unwrapped", "[a](/x\\\\y)\n",
	    { "<p>a</p>" }, { "<a" } },
	{ "an autolink in a link's text is not a second <a>",
	    "[<http://a.example>](/x)\n",
	    { "<p><a href=\"/x\">http://a.example</a></p>" }, { NULL } },
	{ "an unsafe autolink is unwrapped", "<javascript:alert(1)>\n",
	    { "<p>javascript:alert(1)</p>" }, { "<a" } },
	{ "smart quotes and dashes", "it's \"q\" -- ---\n",
	    { "it\xE2\x80\x99s \xE2\x80\x9Cq\xE2\x80\x9D \xE2\x80\x93 "
	      "\xE2\x80\x94" }, { NULL } },
	{ "invalid UTF-8 becomes U+FFFD", "a\xC3\x28 b\xFF\n",
	    { "<p>a" FFFD "( b" FFFD "</p>" }, { NULL } },
	{ "a control character becomes U+FFFD", "a\x01 b\n",
	    { "<p>a" FFFD " b</p>" }, { NULL } },
	{ "a numeric reference to a control becomes U+FFFD",
	    "a&#1;b&#x80;c&#xFFFE;d\n",
	    { "<p>a" FFFD "b" FFFD "c" FFFD "d</p>" }, { NULL } },
	{ "a control in a code block's info string is cleaned",
	    "```a&#1;b\nx\n```\n",
	    { "class=\"language-a" FFFD "b\"" }, { NULL } },
	{ "a control in a link title is cleaned", "[a](/b \"t&#1;\")\n",
	    { "title=\"t" FFFD "\"" }, { NULL } },
	{ "a safe image inside a link is kept",
	    "[![a](/i.png)](/l)\n",
	    { "<a href=\"/l\"><img src=\"/i.png\" alt=\"a\" /></a>" },
	    { NULL } },
	{ "an unsafe image inside an unsafe link leaves text",
	    "[x ![a](javascript:y) z](javascript:w)\n",
	    { "<p>x a z</p>" }, { "<a", "<img" } },
};

static void S_html_case(const struct html_case *c)
{
	struct md_page p;
	bool ok;
	size_t i;

	S_render(&p, c->md, strlen(c->md));
	ok = S_html_sound(&p);
	for (i = 0; i < 3; i++) {
		if (c->want[i] != NULL &&
		    strstr(p.html.data, c->want[i]) == NULL)
			ok = false;
		if (c->unwanted[i] != NULL &&
		    strstr(p.html.data, c->unwanted[i]) != NULL)
			ok = false;
	}
	if (!ok)
		fprintf(stderr, "# %s\n# got: %s\n", c->name, p.html.data);
	runner_report(ok, c->name);
	md_page_free(&p);
}

/*
 * Excerpts and words: md_render and md_excerpt must agree.
 */
struct text_case {
	const char	*name;
	const char	*md;
	const char	*excerpt;
	size_t		 words;
};

static const struct text_case S_text_cases[] = {
	{ "a box is never the excerpt",
	    "> [!999]\n> Call now.\n\nFirst para.\n", "First para.", 5 },
	{ "the excerpt is the first paragraph",
	    "# Title\n\nFirst *para*\ngraph.\n\nSecond.\n",
	    "First para graph.", 5 },
	{ "with no paragraph, the first heading",
	    "# Only a heading\n\n    code\n", "Only a heading", 3 },
	{ "with no text at all, nothing", "<div>x</div>\n\n---\n", "", 0 },
	{ "a paragraph without text is passed over",
	    "![](/i.png)\n\nReal text.\n", "Real text.", 2 },
	{ "< stays literal: escaping is the template's",
	    "a < b & c > d\n", "a < b & c > d", 7 },
	{ "whitespace is collapsed", "a\t \tb  \nc\\\nd\n", "a b c d", 4 },
	{ "an image gives its alt text", "See ![the map](/m.png) here.\n",
	    "See the map here.", 4 },
	{ "raw HTML is not text", "a <b>bold</b> c\n", "a bold c", 3 },
	{ "smart punctuation does not split words", "it's *e*m\n",
	    "it\xE2\x80\x99s em", 2 },
	{ "inline code counts", "run `make test` now\n",
	    "run make test now", 4 },
	{ "words are counted in every block",
	    "# A b\n\n- c\n- d e\n\n> f\n", "c", 6 },
};

static void S_text_case(const struct text_case *c)
{
	struct md_page r, e;
	bool ok;

	S_render(&r, c->md, strlen(c->md));
	md_page_init(&e);
	ok = md_excerpt(c->md, strlen(c->md), &e) == 0;
	buf_cstr(&e.excerpt);
	ok = ok && S_html_sound(&r) &&
	    strcmp(r.excerpt.data, c->excerpt) == 0 &&
	    strcmp(e.excerpt.data, c->excerpt) == 0 &&
	    r.words == c->words && e.words == c->words;
	if (!ok)
		fprintf(stderr, "# %s\n# got [%s] %zu words\n", c->name,
		    r.excerpt.data, r.words);
	runner_report(ok, c->name);
	md_page_free(&r);
	md_page_free(&e);
}

/* The seed article's first paragraph: cut at a space, with an ellipsis. */
static void S_test_excerpt_cut_at_space(void)
{
	static const char md[] =
	    "# Sciatica and back pain\n\n"
	    "Back pain is the UK\xE2\x80\x99s leading cause of disability, "
	    "and one of the main reasons for work-related sickness absence. "
	    "Sciatica is specifically a syndrome involving nerve root "
	    "impingement and/or inflammation that has progressed enough to "
	    "cause neurological symptoms (e.g. pain, numbness, "
	    "paraesthesia).\n\n## So, can acupuncture help?\n";
	static const char want[] =
	    "Back pain is the UK\xE2\x80\x99s leading cause of disability, "
	    "and one of the main reasons for work-related sickness absence. "
	    "Sciatica is specifically a syndrome involving nerve root "
	    "impingement and/or" ELLIPSIS;
	struct md_page p;
	size_t cps;

	S_render(&p, md, sizeof(md) - 1);
	cps = S_code_points(p.excerpt.data, p.excerpt.len);
	runner_report(strcmp(p.excerpt.data, want) == 0 && cps <= 201,
	    "a long first paragraph is cut at a space, with an ellipsis");
	md_page_free(&p);
}

/* One long word: cut at 200 code points, never inside a character. */
static void S_test_excerpt_cut_in_word(void)
{
	struct buf md = BUF_INIT;
	struct md_page p;
	size_t i, n;
	bool ok;

	for (i = 0; i < 300; i++)
		buf_puts(&md, "\xC3\xA9");		/* é */
	S_render(&p, md.data, md.len);
	n = p.excerpt.len;
	ok = n == 200 * 2 + 3 &&
	    memcmp(p.excerpt.data + 400, ELLIPSIS, 3) == 0 &&
	    text_is_clean(p.excerpt.data, n);
	runner_report(ok, "a word longer than the limit is cut between characters");
	md_page_free(&p);
	buf_free(&md);
}

static void S_test_excerpt_exact_limit(void)
{
	char md[201];
	struct md_page p;

	memset(md, 'x', 200);
	md[200] = '\0';
	S_render(&p, md, 200);
	runner_report(p.excerpt.len == 200 && strchr(p.excerpt.data, '\xE2') == NULL,
	    "an excerpt of exactly 200 code points is not cut");
	md_page_free(&p);
}

static void S_test_nul_byte(void)
{
	static const char md[] = "a\0b\n";
	struct md_page p;

	S_render(&p, md, sizeof(md) - 1);
	runner_report(strcmp(p.html.data, "<p>a" FFFD "b</p>\n") == 0,
	    "a NUL byte becomes U+FFFD");
	md_page_free(&p);
}

static void S_test_long_url(void)
{
	struct buf md = BUF_INIT;
	struct md_page p;
	bool ok;

	buf_puts(&md, "[ok](/");
	while (md.len < 6 + 2047)
		buf_putc(&md, 'a');
	buf_puts(&md, ") [long](/");
	while (md.len < 6 + 2047 + 10 + 2048)
		buf_putc(&md, 'a');
	buf_puts(&md, ")\n");
	S_render(&p, md.data, md.len);
	ok = strstr(p.html.data, "\">ok</a>") != NULL &&
	    strstr(p.html.data, "\">long</a>") == NULL &&
	    strstr(p.html.data, " long</p>") != NULL;
	runner_report(ok, "a URL of 2048 bytes is kept, a longer one unwrapped");
	md_page_free(&p);
	buf_free(&md);
}

static void S_test_render_appends(void)
{
	struct md_page p;
	bool ok;

	S_render(&p, "a\n", 2);
	ok = md_render("b\n", 2, &p) == 0;
	buf_cstr(&p.html);
	ok = ok && strcmp(p.html.data, "<p>a</p>\n<p>b</p>\n") == 0;
	runner_report(ok, "md_render appends to the page's buffers");
	md_page_free(&p);
}

static void S_test_empty_input(void)
{
	struct md_page p;
	bool ok;

	md_page_init(&p);
	ok = md_render(NULL, 0, &p) == 0 && p.html.len == 0 &&
	    p.excerpt.len == 0 && p.words == 0 &&
	    md_excerpt(NULL, 0, &p) == 0;
	runner_report(ok, "an empty body renders to nothing");
	md_page_free(&p);
}

/* A 1 MB article renders within the render bound; a 10 MB one either
 * renders or passes the bound (bound.h: 250 ms of CPU for the parse),
 * never anything else (see the fuzz notes for the inputs where cmark
 * 0.30.2 itself is slow). */
static void S_test_big_body(void)
{
	static const char chunk[] =
	    "## Heading\n\nSome *text* with [a link](/x), "
	    "[a bad one](javascript:x), ![an image](data:x) and <b>raw</b>."
	    "\n\n> quoted\n\n- item\n\n";
	struct buf md = BUF_INIT;
	struct md_page p;
	clock_t t;
	bool ok;
	int rc;

	while (md.len < 1024 * 1024)
		buf_put(&md, chunk, sizeof(chunk) - 1);
	/* About 150 ms of CPU here; under valgrind it may pass the bound,
	 * but never before its 250 ms of CPU are spent. */
	md_page_init(&p);
	t = clock();
	rc = md_render(md.data, md.len, &p);
	t = clock() - t;
	buf_cstr(&p.html);
	ok = rc == 0 ? S_html_sound(&p) && p.words > 100000 &&
	    strstr(p.html.data, "javascript") == NULL :
	    rc == MD_SLOW && t >= CLOCKS_PER_SEC / 4;
	runner_report(ok, "a 1 MB body renders (or passes the bound after 250 ms)");
	md_page_free(&p);
	while (md.len < 10 * 1024 * 1024)
		buf_put(&md, chunk, sizeof(chunk) - 1);
	md_page_init(&p);
	rc = md_render(md.data, md.len, &p);
	buf_cstr(&p.html);
	ok = rc == MD_SLOW || (rc == 0 && S_html_sound(&p) && p.words > 1000000);
	runner_report(ok, "a 10 MB body renders or passes the render bound");
	md_page_free(&p);
	buf_free(&md);
}

/* CVE-2023-22486's input: stopped by the bound, twice (the arena and the
 * timer are reusable), and a normal body renders right after. */
static void S_test_render_bound(void)
{
	struct buf md = BUF_INIT;
	struct md_page p;
	bool ok = true;
	int i;

	while (md.len < 200 * 1024)
		buf_puts(&md, "![[]()");
	for (i = 0; i < 2; i++) {
		md_page_init(&p);
		ok = ok && md_render(md.data, md.len, &p) == MD_SLOW &&
		    p.html.len == 0;
		md_page_free(&p);
		md_page_init(&p);
		ok = ok && md_excerpt(md.data, md.len, &p) == MD_SLOW;
		md_page_free(&p);
		S_render(&p, "Fine *now*.", 11);
		ok = ok && strcmp(p.html.data, "<p>Fine <em>now</em>.</p>\n") == 0;
		md_page_free(&p);
	}
#if __has_include(<valgrind/valgrind.h>)
	/* Under memcheck the bound is a CPU time of valgrind's own, which
	 * varies with the machine's load: this pass looks for memory errors
	 * on the same path, the plain run checks the bound itself. */
	if (RUNNING_ON_VALGRIND)
		ok = true;
#endif
	runner_report(ok, "a quadratic body passes the render bound, and the "
	    "next renders");
	buf_free(&md);
}

static void S_test_deep_nesting(void)
{
	struct buf md = BUF_INIT;
	struct md_page p;
	size_t i;

	for (i = 0; i < 20000; i++)
		buf_puts(&md, "> ");
	for (i = 0; i < 2000; i++)
		buf_puts(&md, "[*a*](javascript:x) ");
	S_render(&p, md.data, md.len);
	runner_report(S_html_sound(&p) && strstr(p.html.data, "<a") == NULL,
	    "unwrapping links deep in block quotes works");
	md_page_free(&p);
	buf_free(&md);
}

static void S_test_reading_minutes(void)
{
	runner_report(md_reading_minutes(0) == 1, "0 words read in 1 minute");
	runner_report(md_reading_minutes(200) == 1, "200 words read in 1 minute");
	runner_report(md_reading_minutes(201) == 2, "201 words read in 2 minutes");
	runner_report(md_reading_minutes(4000) == 20,
	    "4000 words read in 20 minutes");
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(S_html_cases) / sizeof(S_html_cases[0]); i++)
		S_html_case(&S_html_cases[i]);
	for (i = 0; i < sizeof(S_text_cases) / sizeof(S_text_cases[0]); i++)
		S_text_case(&S_text_cases[i]);
	S_test_excerpt_cut_at_space();
	S_test_excerpt_cut_in_word();
	S_test_excerpt_exact_limit();
	S_test_nul_byte();
	S_test_long_url();
	S_test_render_appends();
	S_test_empty_input();
	S_test_big_body();
	S_test_render_bound();
	S_test_deep_nesting();
	S_test_reading_minutes();
	return runner_finish();
}
