/* test_url.c: url_is_safe, one test per class of URL it accepts or
 * refuses (see url.h).  Prints TAP-style lines and a final
 * "N passed, N failed"; exits 1 if any test failed. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "render/url.h"
#include "runner.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Fails the current test, naming the URL and what was expected. */
#define EXPECT_URL(url, want) do {					\
	if (url_is_safe(url) != (want)) {				\
		printf("# %s:%d: url_is_safe(\"%s\") should be %s\n",	\
		    __FILE__, __LINE__, (url), (want) ? "true" : "false"); \
		return 0;						\
	}								\
} while (0)
#define SAFE(url)	EXPECT_URL(url, true)
#define UNSAFE(url)	EXPECT_URL(url, false)

static int test_null_and_empty_are_refused(void)
{
	if (url_is_safe(NULL)) {
		printf("# url_is_safe(NULL) should be false\n");
		return 0;
	}
	UNSAFE("");
	return 1;
}

static int test_2048_bytes_are_allowed_and_2049_are_not(void)
{
	static char url[2100];

	memset(url, 'a', sizeof(url) - 1);
	url[2048] = '\0';
	SAFE(url);
	url[2048] = 'a';
	url[2049] = '\0';
	UNSAFE(url);
	return 1;
}

static int test_relative_urls_are_allowed(void)
{
	SAFE("post/hello");
	SAFE("/blog/page/2");
	SAFE("../up");
	SAFE("?q=1");
	SAFE("#section");
	SAFE("/a/b:c");		/* ':' after '/' is not a scheme */
	SAFE("a?b:c");
	return 1;
}

static int test_http_and_https_with_a_host_are_allowed(void)
{
	SAFE("http://example.com");
	SAFE("https://example.com/");
	SAFE("https://www.example.co.uk/a/b?c=d#e");
	SAFE("HTTPS://Example.COM/");
	SAFE("https://example.com.");
	SAFE("https://my-host.example/x");
	return 1;
}

static int test_mailto_and_tel_are_allowed(void)
{
	SAFE("mailto:someone@example.com");
	SAFE("MailTo:someone@example.com");
	SAFE("tel:+44-20-7946-0000");
	return 1;
}

static int test_other_schemes_are_refused(void)
{
	UNSAFE("javascript:alert(1)");
	UNSAFE("JavaScript:alert(1)");
	UNSAFE("data:text/html,x");
	UNSAFE("vbscript:x");
	UNSAFE("ftp://example.com/");
	UNSAFE("file:///etc/passwd");
	UNSAFE("httpx://example.com");
	UNSAFE(":nothing");
	return 1;
}

static int test_http_needs_slashes_and_a_host(void)
{
	UNSAFE("http:example.com");
	UNSAFE("http:/example.com");
	UNSAFE("http://");
	UNSAFE("https:///path");
	UNSAFE("https://?q");
	return 1;
}

static int test_scheme_relative_urls_need_a_good_host(void)
{
	SAFE("//example.com/x");
	SAFE("//example.com:8080");
	UNSAFE("//");
	UNSAFE("///x");
	UNSAFE("//bad_host/");
	return 1;
}

static int test_hosts_with_empty_labels_or_odd_bytes_are_refused(void)
{
	UNSAFE("https://.example.com/");
	UNSAFE("https://a..b/");
	UNSAFE("https://under_score.com/");
	UNSAFE("https://ex%41mple.com/");
	UNSAFE("https://%5B::1%5D/");	/* [IPv6], as cmark writes it */
	return 1;
}

static int test_user_and_password_are_refused(void)
{
	UNSAFE("https://user@example.com/");
	UNSAFE("https://user:pass@example.com/");
	UNSAFE("//evil.com@example.com/");
	return 1;
}

static int test_ports_up_to_65535_are_allowed(void)
{
	SAFE("http://example.com:1/");
	SAFE("http://example.com:80/");
	SAFE("http://example.com:65535/");
	SAFE("http://example.com:00080/");
	UNSAFE("http://example.com:65536/");
	UNSAFE("http://example.com:/");
	UNSAFE("http://example.com:123456/");
	UNSAFE("http://example.com:8a/");
	UNSAFE("http://example.com:80:80/");
	return 1;
}

static int test_dotted_quads_are_allowed(void)
{
	SAFE("http://127.0.0.1/");
	SAFE("http://0.0.0.0/");
	SAFE("http://255.255.255.255:8080/x");
	SAFE("http://10.0.0.1#top");
	return 1;
}

static int test_numeric_hosts_other_than_dotted_quads_are_refused(void)
{
	UNSAFE("http://256.0.0.1/");
	UNSAFE("http://1.2.3/");
	UNSAFE("http://1.2.3.4.5/");
	UNSAFE("http://01.2.3.4/");	/* octal to a browser */
	UNSAFE("http://1234/");
	UNSAFE("http://0x7f.1/");
	UNSAFE("http://example.0x1F/");
	UNSAFE("http://example.1/");
	UNSAFE("http://1.2.3.4./");
	return 1;
}

static int test_a_label_starting_with_a_digit_is_fine_if_not_last(void)
{
	SAFE("http://1example.com/");
	SAFE("http://9gag.com/");
	SAFE("http://example.com1/");
	return 1;
}

static int test_spaces_controls_and_quotes_are_refused(void)
{
	UNSAFE(" http://example.com/");
	UNSAFE("http://example.com/a b");
	UNSAFE("/a\tb");
	UNSAFE("/a\nb");
	UNSAFE("/a\x01");
	UNSAFE("/a\x7f");
	UNSAFE("/a\\b");
	UNSAFE("/a<b");
	UNSAFE("/a>b");
	UNSAFE("/a\"b");
	UNSAFE("java\tscript:alert(1)");
	return 1;
}

static int test_every_percent_starts_an_escape(void)
{
	SAFE("/a%20b");
	SAFE("/%C3%A9t%c3%a9");
	UNSAFE("/100%");
	UNSAFE("/a%2");
	UNSAFE("/a%zz");
	UNSAFE("/a%2g");
	return 1;
}

static int test_one_fragment_at_most(void)
{
	SAFE("/a#b");
	SAFE("/a#");
	UNSAFE("/a#b#c");
	UNSAFE("##");
	return 1;
}

static const struct test S_tests[] = {
	T(test_null_and_empty_are_refused),
	T(test_2048_bytes_are_allowed_and_2049_are_not),
	T(test_relative_urls_are_allowed),
	T(test_http_and_https_with_a_host_are_allowed),
	T(test_mailto_and_tel_are_allowed),
	T(test_other_schemes_are_refused),
	T(test_http_needs_slashes_and_a_host),
	T(test_scheme_relative_urls_need_a_good_host),
	T(test_hosts_with_empty_labels_or_odd_bytes_are_refused),
	T(test_user_and_password_are_refused),
	T(test_ports_up_to_65535_are_allowed),
	T(test_dotted_quads_are_allowed),
	T(test_numeric_hosts_other_than_dotted_quads_are_refused),
	T(test_a_label_starting_with_a_digit_is_fine_if_not_last),
	T(test_spaces_controls_and_quotes_are_refused),
	T(test_every_percent_starts_an_escape),
	T(test_one_fragment_at_most),
};

RUNNER_MAIN(S_tests)
