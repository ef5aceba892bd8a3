/* test_alerts.c: urgent-care boxes as a page and the feed draw them from
 * a stored render (alerts.h), and which markers are boxes.  Prints
 * TAP-style lines and a final "N passed, N failed"; exits 1 if any test
 * failed. */
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "render/alerts.h"
#include "render/markdown.h"
#include "runner.h"

/* md rendered, then drawn as use says with headings h. */
static char *S_draw(const char *md, const char *const h[ALERT__MAX],
    enum alert_use use)
{
	static struct buf out;
	struct md_page p;

	md_page_init(&p);
	buf_reset(&out);
	if (md_render(md, strlen(md), &p) == 0)
		alerts_compose(p.html.data ? p.html.data : "", p.html.len, h,
		    use, &out);
	md_page_free(&p);
	return (char *)buf_cstr(&out);
}

static int S_has(const char *got, const char *want)
{
	if (strstr(got, want) != NULL)
		return 1;
	printf("# wanted [%s] in [%s]\n", want, got);
	return 0;
}

static const char *const S_none[ALERT__MAX] = { NULL, NULL, NULL };

static int test_a_999_box_is_a_note_labelled_by_its_heading(void)
{
	const char *got = S_draw("> [!999]\n> Numbness\n", S_none, ALERT_PAGE);

	return S_has(got, "<div class=\"urgent urgent-999\" role=\"note\" "
	    "aria-labelledby=\"urgent-1\">\n<p class=\"urgent-heading\" "
	    "id=\"urgent-1\"><strong class=\"urgent-level\">Emergency:"
	    "</strong> Call 999 or go to A&amp;E now if:</p>\n"
	    "<p>Numbness</p>\n</div>") && strstr(got, "<h") == NULL;
}

static int test_each_box_on_a_page_has_its_own_id(void)
{
	const char *got = S_draw("> [!111]\n> a\n\n> [!GP]\n> b\n", S_none,
	    ALERT_PAGE);

	return S_has(got, "aria-labelledby=\"urgent-1\"") &&
	    S_has(got, "id=\"urgent-2\"><strong class=\"urgent-level\">"
	    "Not urgent:</strong> See a GP if:</p>") &&
	    S_has(got, "Urgent:</strong> Call 111 or ask for an urgent GP "
	    "appointment if:");
}

static int test_the_owners_heading_is_escaped(void)
{
	const char *const h[ALERT__MAX] = { "<b>Ring 999</b> & \"go\"", NULL,
	    NULL };

	return S_has(S_draw("> [!999]\n> x\n", h, ALERT_PAGE),
	    "&lt;b&gt;Ring 999&lt;/b&gt; &amp; &quot;go&quot;</p>");
}

static int test_in_the_feed_a_box_is_a_plain_quote(void)
{
	const char *got = S_draw("> [!999]\n> Numbness\n", S_none, ALERT_FEED);

	return S_has(got, "<blockquote>\n<p><strong>Call 999 or go to A&amp;E "
	    "now if:</strong></p>\n<p>Numbness</p>\n</blockquote>") &&
	    strstr(got, "role=") == NULL;
}

static int test_markers(void)
{
	return alerts_level("[!999]", 6) == ALERT_999 &&
	    alerts_level("[!111]", 6) == ALERT_111 &&
	    alerts_level("[!gp]", 5) == ALERT_GP &&
	    alerts_level("[!Gp]", 5) == ALERT_GP &&
	    alerts_level("[!99]", 5) == -1 && alerts_level("[!9999]", 7) == -1 &&
	    alerts_level("[999]", 5) == -1 && alerts_level("[!NOTE]", 7) == -1 &&
	    alerts_level("[!", 2) == -1 && alerts_level("", 0) == -1;
}

static const struct test tests[] = {
	T(test_a_999_box_is_a_note_labelled_by_its_heading),
	T(test_each_box_on_a_page_has_its_own_id),
	T(test_the_owners_heading_is_escaped),
	T(test_in_the_feed_a_box_is_a_plain_quote),
	T(test_markers),
};

RUNNER_MAIN(tests)
