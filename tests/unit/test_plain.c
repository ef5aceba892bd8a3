/* test_plain.c: plain_markdown, the search snippet's Markdown as plain
 * text.  Prints TAP-style lines and a final "N passed, N failed"; exits 1
 * if any test failed. */
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "render/plain.h"
#include "runner.h"

static int S_plain(const char *md, const char *want)
{
	struct buf out = BUF_INIT;
	int ok;

	plain_markdown(&out, md);
	ok = strcmp(buf_cstr(&out), want) == 0;
	if (!ok)
		printf("# [%s] gave [%s], not [%s]\n", md, out.data, want);
	buf_free(&out);
	return ok;
}

static int test_a_list_item_loses_its_marker(void)
{
	return S_plain("by:\n\n- \001Stimulating\002 nerves",
	    "by: \001Stimulating\002 nerves") &&
	    S_plain("* one\n+ two\n12. three\n3) four", "one two three four");
}

static int test_quotes_headings_and_boxes_lose_their_syntax(void)
{
	return S_plain("## Red flags\n> [!999]\n> - numbness\n> > deep",
	    "Red flags numbness deep") &&
	    S_plain("Title\n=====\n\n---\ntext", "Title text");
}

static int test_links_keep_their_text_and_marks_go(void)
{
	return S_plain("See [the **NHS**](https://nhs.uk) and ![a map](/m.png)"
	    " `code` __b__", "See the NHS and a map code b") &&
	    S_plain("a \\* star and [not a link", "a * star and [not a link");
}

static int test_other_text_is_kept(void)
{
	return S_plain("2 - 1 = 1 and #hashtag", "2 - 1 = 1 and #hashtag") &&
	    S_plain("", "") && S_plain("\n\n", "");
}

static const struct test tests[] = {
	T(test_a_list_item_loses_its_marker),
	T(test_quotes_headings_and_boxes_lose_their_syntax),
	T(test_links_keep_their_text_and_marks_go),
	T(test_other_text_is_kept),
};

RUNNER_MAIN(tests)
