/* fuzz_markdown.c: libFuzzer harness for md_render and md_excerpt.  Any
 * bytes must give a clean body: valid UTF-8 HTML allows, no script, no
 * href or src but http(s), mailto, tel or relative (so no javascript:),
 * none empty, no <h1>, no <a> in <a>, an excerpt within its limit, and
 * md_excerpt agreeing with md_render, urgent-care boxes each whole.
 * (An alt or title may well say
 * "javascript:": it is only text.)
 *
 *   make build/fuzz/fuzz_markdown	(the sources: FUZZ_LIB in the Makefile)
 *   build/fuzz/fuzz_markdown -max_total_time=120 tests/fuzz/corpus/markdown
 *
 * Built with -DMD_FUZZ_MAIN instead, it runs the files named on its
 * command line once each (to replay the corpus under valgrind). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "render/alerts.h"
#include "render/markdown.h"
#include "lib/media.h"
#include "lib/text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void S_require(int ok, const char *what, const struct buf *html)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_markdown: %s\n%.*s\n", what,
	    (int)(html->len > 4000 ? 4000 : html->len), html->data);
	abort();
}

static int S_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Whether s (n bytes) starts with the lower-case word w, in any case. */
static int S_starts_ci(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; w[i] != '\0'; i++)
		if (i >= n || S_lower((unsigned char)s[i]) != w[i])
			return 0;
	return 1;
}

/* A URL's scheme, as a browser reads it, is one of ours or none: no
 * javascript:, data: or other.  (A relative "/a/javascript:b" is fine.) */
static int S_scheme_ok(const char *v, size_t n)
{
	static const char *const ok[] = { "http:", "https:", "mailto:",
	    "tel:" };
	size_t i, k;

	for (i = 0; i < n && strchr(":/?#", v[i]) == NULL; i++)
		continue;
	if (i == n || v[i] != ':')
		return 1;
	for (k = 0; k < sizeof(ok) / sizeof(ok[0]); k++)
		if (i + 1 == strlen(ok[k]) && S_starts_ci(v, n, ok[k]))
			return 1;
	return 0;
}

/* Checks every value of the URL attribute name (" href=\"" or
 * " src=\"") in tag t of n bytes. */
static void S_check_url_attr(const char *t, size_t n, const char *name,
    const struct buf *html)
{
	size_t i, len = strlen(name), end;

	for (i = 0; i + len <= n; i++) {
		if (memcmp(t + i, name, len) != 0)
			continue;
		for (end = i + len; end < n && t[end] != '"'; end++)
			continue;
		S_require(S_scheme_ok(t + i + len, end - i - len),
		    "a scheme not ours (javascript:?) in a URL attribute",
		    html);
		i = end;
	}
}

/* Tags only: attribute values are escaped, so no '>' hides in one. */
static void S_check_tags(const struct buf *html)
{
	const char *s = html->data, *end;
	size_t i, n = html->len, len;
	int in_a = 0;

	for (i = 0; i < n; i++) {
		if (s[i] != '<')
			continue;
		end = memchr(s + i, '>', n - i);
		S_require(end != NULL, "unterminated tag", html);
		len = (size_t)(end - (s + i)) + 1;
		S_check_url_attr(s + i, len, " href=\"", html);
		S_check_url_attr(s + i, len, " src=\"", html);
		S_require(!S_starts_ci(s + i, len, "<script"), "<script",
		    html);
		S_require(!S_starts_ci(s + i, len, "<h1"), "<h1", html);
		if (S_starts_ci(s + i, len, "<a ")) {
			S_require(!in_a, "<a> in <a>", html);
			in_a = 1;
		} else if (S_starts_ci(s + i, len, "</a>")) {
			in_a = 0;
		}
		i += len - 1;
	}
}

static size_t S_code_points(const struct buf *b)
{
	size_t i, cps = 0;

	for (i = 0; i < b->len; i++)
		if (((unsigned char)b->data[i] & 0xC0) != 0x80)
			cps++;
	return cps;
}

/* The pictures' markers (picture.h: \1NAME\2ALT\3, drawn when a page
 * is) are the only controls allowed: each whole, with a name and
 * clean alt text; they are cut out before the HTML is checked. */
static void S_strip_markers(struct buf *html)
{
	struct buf out = BUF_INIT, name = BUF_INIT;
	const char *s = html->data ? html->data : "", *a, *z;
	size_t i = 0, n = html->len;

	while (i < n) {
		if (s[i] != '\1') {
			buf_putc(&out, s[i++]);
			continue;
		}
		a = memchr(s + i, '\2', n - i);
		z = a ? memchr(a, '\3', n - (size_t)(a - s)) : NULL;
		S_require(z != NULL, "marker cut short", html);
		buf_reset(&name);
		buf_puts(&name, "/media/");
		buf_put(&name, s + i + 1, (size_t)(a - (s + i) - 1));
		S_require(media_url_name(buf_cstr(&name)) != NULL,
		    "marker's name", html);
		S_require(text_is_clean(a + 1, (size_t)(z - a - 1)) &&
		    memchr(a + 1, '<', (size_t)(z - a - 1)) == NULL,
		    "marker's alt", html);
		i = (size_t)(z - s) + 1;
	}
	buf_free(&name);
	buf_free(html);
	*html = out;
}

/* The urgent-care boxes' markers (alerts.h), drawn as the page draws
 * them: none may be left, and each box opened is closed. */
static void S_draw_boxes(struct buf *html)
{
	const char *const none[ALERT__MAX] = { NULL, NULL, NULL };
	struct buf out = BUF_INIT;
	const char *s, *p;
	size_t open = 0, close = 0;

	alerts_compose(html->data ? html->data : "", html->len, none,
	    ALERT_PAGE, &out);
	s = buf_cstr(&out);
	S_require(memchr(s, '\016', out.len) == NULL &&
	    memchr(s, '\017', out.len) == NULL, "a box marker left", &out);
	for (p = s; (p = strstr(p, "<div class=\"urgent ")) != NULL; p++)
		open++;
	for (p = s; (p = strstr(p, "</div>")) != NULL; p++)
		close++;
	S_require(open == close, "a box not closed", &out);
	buf_free(html);
	*html = out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct md_page r, e;
	int rr, re;

	md_page_init(&r);
	md_page_init(&e);
	rr = md_render((const char *)data, size, &r);
	re = md_excerpt((const char *)data, size, &e);
	if (rr == MD_SLOW || re == MD_SLOW) {
		/* past the render bound (bound.h): nothing to check */
		md_page_free(&r);
		md_page_free(&e);
		return 0;
	}
	S_require(rr == 0, "md_render failed", &r.html);
	S_require(re == 0, "md_excerpt failed", &e.html);
	S_strip_markers(&r.html);
	S_draw_boxes(&r.html);
	buf_cstr(&r.html);
	S_require(text_is_clean(r.html.data, r.html.len), "unclean html",
	    &r.html);
	S_require(strstr(r.html.data, "src=\"\"") == NULL, "empty src",
	    &r.html);
	S_require(strstr(r.html.data, "href=\"\"") == NULL, "empty href",
	    &r.html);
	S_check_tags(&r.html);
	S_require(text_is_clean(r.excerpt.data, r.excerpt.len),
	    "unclean excerpt", &r.excerpt);
	S_require(S_code_points(&r.excerpt) <= 201, "excerpt too long",
	    &r.excerpt);
	S_require(r.excerpt.len == e.excerpt.len && (r.excerpt.len == 0 ||
	    memcmp(r.excerpt.data, e.excerpt.data, r.excerpt.len) == 0),
	    "md_excerpt differs from md_render", &r.excerpt);
	S_require(r.words == e.words, "word counts differ", &r.excerpt);
	md_page_free(&r);
	md_page_free(&e);
	return 0;
}

#ifdef MD_FUZZ_MAIN
int main(int argc, char **argv)
{
	struct buf in = BUF_INIT;
	char chunk[65536];
	size_t n;
	FILE *f;
	int i;

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return 1;
		}
		buf_reset(&in);
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_put(&in, chunk, n);
		fclose(f);
		LLVMFuzzerTestOneInput((const uint8_t *)in.data, in.len);
	}
	buf_free(&in);
	return 0;
}
#endif
