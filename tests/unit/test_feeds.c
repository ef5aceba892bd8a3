/* test_feeds.c: the pieces of issue 12 part B that are pure functions:
 * the JSON string escape for a script element (jsonld.c), the 304 rules
 * and HTTP dates (conditional.c), XML escaping and date checks (feed.c). */
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "http/conditional.h"
#include "render/feed.h"
#include "render/jsonld_text.h"
#include "runner.h"

static int S_json_is(const char *in, size_t n, const char *want)
{
	struct buf b = BUF_INIT;
	int ok;

	jsonld_string(&b, in, n);
	ok = strcmp(buf_cstr(&b), want) == 0;
	if (!ok)
		printf("#   got:  %s\n#   want: %s\n", b.data, want);
	buf_free(&b);
	return ok;
}

static int test_json_cannot_end_a_script_or_open_a_comment(void)
{
	EXPECT(S_json_is("</script><!--", 13,
	    "\"\\u003c/script\\u003e\\u003c!--\""));
	EXPECT(S_json_is("a\"b\\c'&", 7, "\"a\\\"b\\\\c\\u0027\\u0026\""));
	return 1;
}

static int test_json_escapes_line_separators_and_controls(void)
{
	EXPECT(S_json_is("\xe2\x80\xa8\xe2\x80\xa9\n\t", 8,
	    "\"\\u2028\\u2029\\u000a\\u0009\""));
	EXPECT(S_json_is("\xf0\x9f\x98\x80", 4, "\"\\ud83d\\ude00\""));
	EXPECT(S_json_is("caf\xc3\xa9", 5, "\"caf\\u00e9\""));
	return 1;
}

static int test_json_replaces_invalid_utf8(void)
{
	/* One U+FFFD per invalid sequence, as text_sanitize cuts them. */
	EXPECT(S_json_is("a\xff" "b\xc0\xaf", 5,
	    "\"a\\ufffdb\\ufffd\""));
	EXPECT(S_json_is("x\0y", 3, "\"x\\ufffdy\""));
	return 1;
}

static int test_etag_is_quoted_and_follows_the_bytes(void)
{
	char a[COND_ETAG_MAX], b[COND_ETAG_MAX], c[COND_ETAG_MAX];

	cond_etag("feed", 4, a);
	cond_etag("feed", 4, b);
	cond_etag("feeD", 4, c);
	EXPECT(strlen(a) == 18 && a[0] == '"' && a[17] == '"');
	EXPECT(strcmp(a, b) == 0 && strcmp(a, c) != 0);
	return 1;
}

static int test_http_date_from_iso(void)
{
	char d[COND_DATE_MAX];

	cond_http_date("2024-03-12T09:05:07Z", d);
	EXPECT(strcmp(d, "Tue, 12 Mar 2024 09:05:07 GMT") == 0);
	cond_http_date("not a date", d);
	EXPECT(d[0] == '\0');
	return 1;
}

static int test_if_none_match_wins_and_lists_work(void)
{
	const char *lm = "Tue, 12 Mar 2024 09:05:07 GMT";

	EXPECT(cond_not_modified("\"abc\"", NULL, "\"abc\"", lm));
	EXPECT(cond_not_modified("W/\"x\", \"abc\"", NULL, "\"abc\"", lm));
	EXPECT(cond_not_modified("*", NULL, "\"abc\"", lm));
	EXPECT(!cond_not_modified("\"abcd\"", NULL, "\"abc\"", lm));
	EXPECT(!cond_not_modified("\"ab\"", NULL, "\"abc\"", lm));
	/* If-None-Match present: If-Modified-Since is not looked at. */
	EXPECT(!cond_not_modified("\"zzz\"", lm, "\"abc\"", lm));
	return 1;
}

static int test_if_modified_since(void)
{
	const char *lm = "Tue, 12 Mar 2024 09:05:07 GMT";

	EXPECT(cond_not_modified(NULL, lm, "\"a\"", lm));
	EXPECT(cond_not_modified(NULL, "Wed, 13 Mar 2024 00:00:00 GMT", "\"a\"", lm));
	EXPECT(!cond_not_modified(NULL, "Mon, 11 Mar 2024 00:00:00 GMT", "\"a\"", lm));
	EXPECT(!cond_not_modified(NULL, "garbage", "\"a\"", lm));
	EXPECT(!cond_not_modified(NULL, lm, "\"a\"", NULL));
	EXPECT(!cond_not_modified(NULL, NULL, "\"a\"", lm));
	return 1;
}

static int test_xml_escape_drops_form_feed_and_escapes(void)
{
	struct buf b = BUF_INIT;

	feed_xml_escape(&b, "a\f<b>&\"", 7);
	EXPECT(strcmp(buf_cstr(&b), "a &lt;b&gt;&amp;&quot;") == 0);
	buf_free(&b);
	return 1;
}

static int test_feed_dates(void)
{
	EXPECT(feed_date_ok("2024-03-12T09:05:07Z"));
	EXPECT(!feed_date_ok("0000-06-01T10:00:00Z"));
	EXPECT(!feed_date_ok("2024-03-12 09:05:07"));
	EXPECT(!feed_date_ok(""));
	return 1;
}

static const struct test S_tests[] = {
	T(test_json_cannot_end_a_script_or_open_a_comment),
	T(test_json_escapes_line_separators_and_controls),
	T(test_json_replaces_invalid_utf8),
	T(test_etag_is_quoted_and_follows_the_bytes),
	T(test_http_date_from_iso),
	T(test_if_none_match_wins_and_lists_work),
	T(test_if_modified_since),
	T(test_xml_escape_drops_form_feed_and_escapes),
	T(test_feed_dates),
};

RUNNER_MAIN(S_tests)
