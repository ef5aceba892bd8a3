/* test_search_query.c: a patient's search text to the FTS5 query, and
 * SQLite's \1 \2 marks to <mark> after escaping (search_query.c). */
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "render/search_query.h"
#include "runner.h"

#define SAME(got, want) do {						\
	if (strcmp((got), (want)) != 0) {				\
		printf("# %s:%d: gave \"%s\", not \"%s\"\n",		\
		    __FILE__, __LINE__, (got), (want));			\
		return 0;						\
	}								\
} while (0)

static int S_fts(const char *text, const char *want)
{
	struct buf b = BUF_INIT;
	int ok;

	search_fts_query(&b, text);
	ok = strcmp(buf_cstr(&b), want) == 0;
	if (!ok)
		printf("# \"%s\" gave '%s', not '%s'\n", text, b.data, want);
	buf_free(&b);
	return ok;
}

static int test_words_are_quoted_and_fts5_syntax_is_only_words(void)
{
	return S_fts("back pain", "\"back\" \"pain\"") &&
	    S_fts("\"unbalanced", "\"\"\"unbalanced\"") &&
	    S_fts("NEAR( a", "\"NEAR(\" \"a\"") &&
	    S_fts("AND OR NOT", "\"AND\" \"OR\" \"NOT\"") &&
	    S_fts("title:x", "\"title:x\"") &&
	    S_fts("* ( ) - +", "") &&
	    S_fts("  \t ", "") &&
	    S_fts("caf\xc3\xa9", "\"caf\xc3\xa9\"");
}

static int test_at_most_32_words(void)
{
	struct buf b = BUF_INIT;
	char text[400] = "";
	size_t i, n;

	for (i = 0; i < 40; i++)
		strcat(text, "w ");
	n = search_fts_query(&b, text);
	buf_free(&b);
	return n == SEARCH_TERMS_MAX;
}

static int S_args(const char *query, const char *want, unsigned page)
{
	struct search_args a;
	int ok;

	search_args_parse(&a, query);
	ok = strcmp(a.text.data, want) == 0 && a.page == page;
	if (!ok)
		printf("# \"%s\" gave \"%s\" page %u\n", query, a.text.data, a.page);
	search_args_free(&a);
	return ok;
}

static int test_query_strings_are_read_leniently(void)
{
	return S_args("q=back+pain", "back pain", 1) &&
	    S_args("p=2&q=x", "x", 2) &&
	    S_args("q=%zz%", "%zz%", 1) &&
	    S_args("q=a%00b", "a b", 1) &&
	    S_args("q=%ff", "\xef\xbf\xbd", 1) &&
	    S_args("q=+%20x+", "x", 1) &&
	    S_args("", "", 1) &&
	    S_args("q=x&p=11", "x", 0) &&
	    S_args("q=x&p=0", "x", 0) &&
	    S_args("q=x&p=01", "x", 0) &&
	    S_args("q=x;p=2", "x;p=2", 1);
}

static int test_marks_are_added_after_escaping_and_balance(void)
{
	struct buf b = BUF_INIT;

	search_marked_html(&b, "a \1<b>\2 </mark> \"q\"");
	SAME(buf_cstr(&b), "a <mark>&lt;b&gt;</mark> &lt;/mark&gt; &quot;q&quot;");
	buf_reset(&b);
	search_marked_html(&b, "\2stray \1open");
	SAME(buf_cstr(&b), "stray open");
	buf_reset(&b);
	search_marked_html(&b, "\1a\1b\2");
	SAME(buf_cstr(&b), "<mark>ab</mark>");
	buf_free(&b);
	return 1;
}

static int test_related_titles_leave_out_short_and_common_words(void)
{
	struct buf b = BUF_INIT;

	search_title_query(&b, "What is sciatica, and can it help?");
	SAME(buf_cstr(&b), "\"sciatica,\" \"help?\"");
	buf_reset(&b);
	search_title_query(&b, "A to Z");
	SAME(buf_cstr(&b), "");
	buf_free(&b);
	return 1;
}

static const struct test S_tests[] = {
	T(test_words_are_quoted_and_fts5_syntax_is_only_words),
	T(test_at_most_32_words),
	T(test_query_strings_are_read_leniently),
	T(test_marks_are_added_after_escaping_and_balance),
	T(test_related_titles_leave_out_short_and_common_words),
};

RUNNER_MAIN(S_tests)
