/* test_request.c: request_parse (FastCGI/CGI params to a validated,
 * canonical request), route_path (the URL space) and views_countable
 * (which requests count), one test per rule.  Prints TAP-style lines and
 * a final "N passed, N failed"; exits 1 if any test failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/request.h"
#include "http/response.h"
#include "pages/handlers.h"
#include "pages/router.h"
#include "http/views.h"
#include "runner.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Fails the current test with the condition's text and line. */
#define EXPECT_STR(got, want) do {					\
	if (strcmp((got), (want)) != 0) {				\
		printf("# %s:%d: %s\n#   got:  \"%s\"\n#   want: \"%s\"\n", \
		    __FILE__, __LINE__, #got, (got), (want));		\
		return 0;						\
	}								\
} while (0)

/* A request from a GET of uri with the given extra params (NULL-ended
 * "NAME=value" strings).  The envp strings live in a static array: the
 * request points into them. */
static char S_env_store[16][8192];

static void S_parse_env(struct request *r, const char *method,
    const char *uri, const char *const *extra, int cgi)
{
	char *envp[20];
	size_t n = 0, i;

	if (method != NULL) {
		snprintf(S_env_store[n], sizeof(S_env_store[n]),
		    "REQUEST_METHOD=%s", method);
		envp[n] = S_env_store[n];
		n++;
	}
	if (uri != NULL) {
		snprintf(S_env_store[n], sizeof(S_env_store[n]),
		    "REQUEST_URI=%s", uri);
		envp[n] = S_env_store[n];
		n++;
	}
	for (i = 0; extra != NULL && extra[i] != NULL && n < 15; i++) {
		snprintf(S_env_store[n], sizeof(S_env_store[n]), "%s",
		    extra[i]);
		envp[n] = S_env_store[n];
		n++;
	}
	envp[n] = NULL;
	request_parse(r, envp, cgi);
}

static void S_get(struct request *r, const char *uri)
{
	S_parse_env(r, "GET", uri, NULL, 0);
}

/* uri parses cleanly to path, with or without a redirect. */
static int S_path_is(const char *uri, const char *path, int redirect)
{
	struct request r;

	S_get(&r, uri);
	if (r.status != 0 || strcmp(r.path, path) != 0 ||
	    r.redirect != redirect) {
		printf("# %s: status %d path \"%s\" redirect %d; want "
		    "\"%s\" redirect %d\n", uri, r.status, r.path, r.redirect,
		    path, redirect);
		return 0;
	}
	return 1;
}

/* uri is refused with status. */
static int S_refused(const char *uri, int status)
{
	struct request r;

	S_get(&r, uri);
	if (r.status != status || r.error == NULL || r.error[0] == '\0') {
		printf("# %s: status %d (error %s); want %d\n", uri, r.status,
		    r.error ? r.error : "NULL", status);
		return 0;
	}
	return 1;
}

/* ---- request_parse: methods and params ---------------------------------- */

static int test_get_and_head_are_known_methods(void)
{
	struct request r;

	S_parse_env(&r, "GET", "/", NULL, 0);
	EXPECT(r.method == METHOD_GET);
	S_parse_env(&r, "HEAD", "/", NULL, 0);
	EXPECT(r.method == METHOD_HEAD);
	return 1;
}

/* POST is known: the question form's (pages_comments.c); the router
 * answers it 405 anywhere else. */
static int test_post_is_known(void)
{
	struct request r;

	S_parse_env(&r, "POST", "/comment/x", NULL, 0);
	if (r.method != METHOD_POST) {
		printf("# method \"POST\" is not POST\n");
		return 0;
	}
	return 1;
}

static int test_other_methods_are_other(void)
{
	static const char *const m[] = { "post", "PUT", "DELETE", "OPTIONS",
	    "TRACE", "PATCH", "get", "head", "GETX", "", "CONNECT" };
	struct request r;
	size_t i;

	for (i = 0; i < NELEM(m); i++) {
		S_parse_env(&r, m[i], "/", NULL, 0);
		if (r.method != METHOD_OTHER) {
			printf("# method \"%s\" is not OTHER\n", m[i]);
			return 0;
		}
	}
	return 1;
}

static int test_missing_method_reads_as_get(void)
{
	struct request r;

	S_parse_env(&r, NULL, "/blog", NULL, 0);
	EXPECT(r.method == METHOD_GET);
	EXPECT(r.status == 0);
	return 1;
}

static int test_missing_uri_is_the_root(void)
{
	struct request r;

	S_parse_env(&r, "GET", NULL, NULL, 0);
	EXPECT(r.status == 0);
	EXPECT_STR(r.path, "/");
	EXPECT_STR(r.uri, "/");
	return 1;
}

static int test_uri_is_kept_as_sent_for_logs(void)
{
	struct request r;

	S_get(&r, "/blog/?x=%41");
	EXPECT_STR(r.uri, "/blog/?x=%41");
	return 1;
}

static int test_headers_used_are_read_and_absent_ones_are_empty(void)
{
	static const char *const with[] = { "HTTP_USER_AGENT=Mozilla/5.0",
	    "HTTP_SEC_PURPOSE=prefetch", "HTTP_PURPOSE=preview",
	    "HTTP_X_MOZ=prefetch", "HTTP_X_PURPOSE=preview",
	    "CONTENT_LENGTH=42", NULL };
	struct request r;

	S_parse_env(&r, "GET", "/", with, 0);
	EXPECT_STR(r.user_agent, "Mozilla/5.0");
	EXPECT_STR(r.sec_purpose, "prefetch");
	EXPECT_STR(r.purpose, "preview");
	EXPECT_STR(r.x_moz, "prefetch");
	EXPECT_STR(r.x_purpose, "preview");
	EXPECT(r.content_length == 42);
	S_parse_env(&r, "GET", "/", NULL, 0);
	EXPECT(r.user_agent != NULL && r.user_agent[0] == '\0');
	EXPECT(r.sec_purpose != NULL && r.sec_purpose[0] == '\0');
	EXPECT(r.purpose != NULL && r.purpose[0] == '\0');
	EXPECT(r.x_moz != NULL && r.x_moz[0] == '\0');
	EXPECT(r.x_purpose != NULL && r.x_purpose[0] == '\0');
	EXPECT(r.content_length == 0);
	return 1;
}

static int test_param_names_must_match_whole(void)
{
	/* HTTP_USER_AGENTX is another header; HTTP_PURPOSE is not
	 * HTTP_SEC_PURPOSE's tail. */
	static const char *const env[] = { "HTTP_USER_AGENTX=bot",
	    "XHTTP_USER_AGENT=bot", "HTTP_SEC_PURPOSE_X=prefetch", NULL };
	struct request r;

	S_parse_env(&r, "GET", "/", env, 0);
	EXPECT_STR(r.user_agent, "");
	EXPECT_STR(r.sec_purpose, "");
	return 1;
}

/* ---- request_parse: the path --------------------------------------------- */

static int test_canonical_paths_pass_unchanged(void)
{
	EXPECT(S_path_is("/", "/", 0));
	EXPECT(S_path_is("/blog", "/blog", 0));
	EXPECT(S_path_is("/blog/page/2", "/blog/page/2", 0));
	EXPECT(S_path_is("/post/a-b-1", "/post/a-b-1", 0));
	return 1;
}

static int test_query_and_fragment_are_not_part_of_the_path(void)
{
	EXPECT(S_path_is("/blog?x=1", "/blog", 0));
	EXPECT(S_path_is("/blog?", "/blog", 0));
	EXPECT(S_path_is("/blog#top", "/blog", 0));
	EXPECT(S_path_is("/?a=%zz&b=%00", "/", 0));
	EXPECT(S_path_is("/post/x?../..", "/post/x", 0));
	return 1;
}

static int test_percent_escapes_are_decoded(void)
{
	/* An escape that need not be one is another spelling of the same
	 * address: decoded, and redirected to the one spelling. */
	EXPECT(S_path_is("/post/%61bc", "/post/abc", 1));
	EXPECT(S_path_is("/post/%7e", "/post/~", 1));
	EXPECT(S_path_is("/post%2Fabc", "/post/abc", 1));
	EXPECT(S_path_is("/caf%c3%a9", "/caf\xC3\xA9", 1));
	/* As written by the redirect: stable, no loop. */
	EXPECT(S_path_is("/caf%C3%A9", "/caf\xC3\xA9", 0));
	EXPECT(S_path_is("/%5Cx", "/\\x", 0));
	EXPECT(S_path_is("/a+b", "/a+b", 0));
	return 1;
}

static int test_double_and_trailing_slashes_redirect(void)
{
	EXPECT(S_path_is("//blog", "/blog", 1));
	EXPECT(S_path_is("/blog/", "/blog", 1));
	EXPECT(S_path_is("/blog//", "/blog", 1));
	EXPECT(S_path_is("///", "/", 1));
	EXPECT(S_path_is("//", "/", 1));
	EXPECT(S_path_is("/post//x", "/post/x", 1));
	return 1;
}

static int test_dot_segments_are_resolved_and_redirect(void)
{
	EXPECT(S_path_is("/./blog", "/blog", 1));
	EXPECT(S_path_is("/blog/.", "/blog", 1));
	EXPECT(S_path_is("/blog/../blog", "/blog", 1));
	EXPECT(S_path_is("/a/b/../../blog", "/blog", 1));
	EXPECT(S_path_is("/a/..", "/", 1));
	EXPECT(S_path_is("/%2e/blog", "/blog", 1));
	EXPECT(S_path_is("/x/%2E%2E/blog", "/blog", 1));
	/* three dots are a name, not a dot segment */
	EXPECT(S_path_is("/...", "/...", 0));
	EXPECT(S_path_is("/.x", "/.x", 0));
	return 1;
}

static int test_encoded_slashes_count_as_slashes(void)
{
	EXPECT(S_path_is("/%2Fblog", "/blog", 1));
	EXPECT(S_path_is("/blog%2F", "/blog", 1));
	return 1;
}

static int test_open_redirect_shapes_become_local_paths(void)
{
	/* A Location of "//evil.example" would leave the site. */
	EXPECT(S_path_is("//evil.example/", "/evil.example", 1));
	EXPECT(S_path_is("///evil.example", "/evil.example", 1));
	EXPECT(S_path_is("/%2F%2Fevil.example", "/evil.example", 1));
	EXPECT(S_path_is("/.//evil.example", "/evil.example", 1));
	EXPECT(S_path_is("/x/..//evil.example", "/evil.example", 1));
	return 1;
}

static int test_climbing_above_the_root_is_400(void)
{
	EXPECT(S_refused("/..", 400));
	EXPECT(S_refused("/../etc/passwd", 400));
	EXPECT(S_refused("/post/../../etc/passwd", 400));
	EXPECT(S_refused("/%2e%2e/x", 400));
	EXPECT(S_refused("/a/../..", 400));
	EXPECT(S_refused("/post/..%2F..%2Fetc", 400));
	return 1;
}

static int test_nul_and_bad_escapes_are_400(void)
{
	EXPECT(S_refused("/a%00b", 400));
	EXPECT(S_refused("/%00", 400));
	EXPECT(S_refused("/a%zz", 400));
	EXPECT(S_refused("/a%g1", 400));
	EXPECT(S_refused("/a%1g", 400));
	EXPECT(S_refused("/a%", 400));
	EXPECT(S_refused("/a%4", 400));
	EXPECT(S_refused("/a%%41", 400));
	return 1;
}

static int test_control_characters_are_400(void)
{
	EXPECT(S_refused("/a%01", 400));
	EXPECT(S_refused("/a%0A", 400));
	EXPECT(S_refused("/a%0d", 400));
	EXPECT(S_refused("/a%09", 400));
	EXPECT(S_refused("/a%1F", 400));
	EXPECT(S_refused("/a%7F", 400));
	EXPECT(S_refused("/a\x01", 400));
	return 1;
}

static int test_invalid_utf8_is_400(void)
{
	EXPECT(S_refused("/post/%C3%28", 400));	/* bad continuation */
	EXPECT(S_refused("/post/%FF", 400));
	EXPECT(S_refused("/post/%C0%AF", 400));	/* overlong '/' */
	EXPECT(S_refused("/post/%E0%80%AF", 400));	/* overlong */
	EXPECT(S_refused("/post/%ED%A0%80", 400));	/* surrogate */
	EXPECT(S_refused("/post/%F4%90%80%80", 400));	/* > U+10FFFF */
	EXPECT(S_refused("/post/%E2%82", 400));	/* cut short */
	EXPECT(S_refused("/post/%C2%80", 400));	/* C1 control */
	EXPECT(S_refused("/post/%EF%BF%BF", 400));	/* noncharacter */
	EXPECT(S_refused("/post/\xC3\x28", 400));	/* raw bytes too */
	return 1;
}

static int test_path_must_start_with_a_slash(void)
{
	EXPECT(S_refused("blog", 400));
	EXPECT(S_refused("*", 400));
	EXPECT(S_refused("", 400));
	return 1;
}

static int test_uri_of_2048_bytes_passes_and_2049_is_414(void)
{
	char uri[2100];
	struct request r;

	memset(uri, 'a', sizeof(uri));
	uri[0] = '/';
	uri[2048] = '\0';
	S_get(&r, uri);
	EXPECT(r.status == 0);
	EXPECT(strlen(r.path) == 2048);
	uri[2048] = 'a';
	uri[2049] = '\0';
	EXPECT(S_refused(uri, 414));
	return 1;
}

static int test_long_query_counts_toward_414(void)
{
	char uri[2200];

	memset(uri, 'q', sizeof(uri));
	memcpy(uri, "/blog?", 6);
	uri[2100] = '\0';
	EXPECT(S_refused(uri, 414));
	return 1;
}

static int test_absolute_form_uri_takes_its_path(void)
{
	EXPECT(S_path_is("http://example.org/blog", "/blog", 0));
	EXPECT(S_path_is("https://example.org:8443/post/x?y", "/post/x", 0));
	EXPECT(S_path_is("http://example.org", "/", 0));
	EXPECT(S_path_is("http://example.org//evil.example", "/evil.example", 1));
	EXPECT(S_refused("http://example.org/a%00", 400));
	return 1;
}

/* The path of "http://host?q=/x" is empty, not "/x": a '/' in the
 * query or fragment does not start the path. */
static int test_absolute_form_uri_without_path_ignores_slash_in_query(void)
{
	EXPECT(S_path_is("http://example.org?a=/evil", "/", 0));
	EXPECT(S_path_is("http://example.org#/evil", "/", 0));
	EXPECT(S_path_is("https://example.org:8080?x=/y/z", "/", 0));
	return 1;
}

static int test_a_bad_request_keeps_a_safe_path(void)
{
	struct request r;

	S_get(&r, "/a%00b");
	EXPECT(r.status == 400);
	EXPECT(strchr(r.path, '\0') != NULL);	/* terminated */
	S_get(&r, "/..");
	EXPECT(r.status == 400);
	return 1;
}

/* ---- request_parse under CGI ---------------------------------------------- */

static int test_cgi_script_name_is_stripped_into_root(void)
{
	static const char *const env[] = {
	    "SCRIPT_NAME=/cgi-bin/articled", NULL };
	struct request r;

	S_parse_env(&r, "GET", "/cgi-bin/articled/post/abc", env, 1);
	EXPECT(r.status == 0);
	EXPECT_STR(r.root, "/cgi-bin/articled");
	EXPECT_STR(r.path, "/post/abc");
	S_parse_env(&r, "GET", "/cgi-bin/articled", env, 1);
	EXPECT_STR(r.path, "/");
	EXPECT(r.redirect == 0);
	S_parse_env(&r, "GET", "/cgi-bin/articled?x=1", env, 1);
	EXPECT_STR(r.path, "/");
	return 1;
}

static int test_cgi_script_name_must_end_at_a_segment(void)
{
	static const char *const env[] = {
	    "SCRIPT_NAME=/cgi-bin/articled", NULL };
	struct request r;

	S_parse_env(&r, "GET", "/cgi-bin/articledX/post/abc", env, 1);
	EXPECT_STR(r.root, "");
	EXPECT_STR(r.path, "/cgi-bin/articledX/post/abc");
	return 1;
}

static int test_cgi_without_request_uri_uses_path_info(void)
{
	static const char *const env[] = { "PATH_INFO=/post/abc", NULL };
	struct request r;

	S_parse_env(&r, "GET", NULL, env, 1);
	EXPECT(r.status == 0);
	EXPECT_STR(r.path, "/post/abc");
	return 1;
}

static int test_fastcgi_ignores_script_name(void)
{
	static const char *const env[] = { "SCRIPT_NAME=/blog", NULL };
	struct request r;

	S_parse_env(&r, "GET", "/blog", env, 0);
	EXPECT_STR(r.path, "/blog");
	EXPECT_STR(r.root, "");
	return 1;
}

/* ---- route_path -------------------------------------------------------- */

static const char *S_handler_name(route_handler *h)
{
	return h == pages_blog ? "pages_blog" : h == pages_article ?
	    "pages_article" : h == pages_moved ? "pages_moved" :
	    h == pages_not_found ? "pages_not_found" : "another handler";
}

static int S_routes_to(const char *path, route_handler *want)
{
	struct route rt;

	route_path(path, &rt);
	if (rt.handler != want) {
		printf("# %s: routed to %s, want %s\n", path,
		    S_handler_name(rt.handler), S_handler_name(want));
		return 0;
	}
	return 1;
}

static int test_root_and_blog_are_list_page_1(void)
{
	struct route rt;

	route_path("/", &rt);
	EXPECT(rt.handler == pages_blog && rt.page == 1);
	route_path("/blog", &rt);
	EXPECT(rt.handler == pages_blog && rt.page == 1);
	return 1;
}

static int test_blog_page_n_is_list_page_n(void)
{
	struct route rt;

	route_path("/blog/page/2", &rt);
	EXPECT(rt.handler == pages_blog && rt.page == 2);
	route_path("/blog/page/10", &rt);
	EXPECT(rt.handler == pages_blog && rt.page == 10);
	route_path("/blog/page/999999999", &rt);
	EXPECT(rt.handler == pages_blog && rt.page == 999999999UL);
	return 1;
}

static int test_blog_page_1_redirects_to_blog(void)
{
	struct route rt;

	route_path("/blog/page/1", &rt);
	EXPECT(rt.handler == pages_moved);
	EXPECT_STR(rt.location, "/blog");
	return 1;
}

static int test_page_numbers_written_another_way_are_not_found(void)
{
	static const char *const bad[] = { "/blog/page/0", "/blog/page/01",
	    "/blog/page/x", "/blog/page/2x", "/blog/page/-2", "/blog/page/+2",
	    "/blog/page/ 2", "/blog/page/", "/blog/page/1234567890",
	    "/blog/page/99999999999999999999", "/blog/page/2/x",
	    "/blog/page", "/blog/pages/2", "/blog/page/0x10" };
	size_t i;

	for (i = 0; i < NELEM(bad); i++)
		if (!S_routes_to(bad[i], pages_not_found))
			return 0;
	return 1;
}

static int test_post_slug_routes_to_the_article(void)
{
	struct route rt;

	route_path("/post/sciatica-and-back-pain", &rt);
	EXPECT(rt.handler == pages_article);
	EXPECT_STR(rt.slug, "sciatica-and-back-pain");
	route_path("/post/0", &rt);
	EXPECT(rt.handler == pages_article);
	EXPECT_STR(rt.slug, "0");
	return 1;
}

static int test_slug_of_80_characters_is_allowed_and_81_is_not(void)
{
	char path[128];
	struct route rt;

	memcpy(path, "/post/", 6);
	memset(path + 6, 'a', 81);
	path[6 + 80] = '\0';
	route_path(path, &rt);
	EXPECT(rt.handler == pages_article);
	EXPECT(strlen(rt.slug) == 80);
	path[6 + 80] = 'a';
	path[6 + 81] = '\0';
	EXPECT(S_routes_to(path, pages_not_found));
	memset(path + 6, 'A', 81);
	EXPECT(S_routes_to(path, pages_not_found));
	return 1;
}

static int test_uppercase_slug_redirects_to_lower_case(void)
{
	struct route rt;

	route_path("/post/Back-Pain-2", &rt);
	EXPECT(rt.handler == pages_moved);
	EXPECT_STR(rt.location, "/post/back-pain-2");
	route_path("/post/ABC", &rt);
	EXPECT(rt.handler == pages_moved);
	EXPECT_STR(rt.location, "/post/abc");
	return 1;
}

static int test_uppercase_80_character_slug_redirects_whole(void)
{
	char path[128], want[128];
	struct route rt;

	memcpy(path, "/post/", 6);
	memset(path + 6, 'Z', 80);
	path[86] = '\0';
	memcpy(want, "/post/", 6);
	memset(want + 6, 'z', 80);
	want[86] = '\0';
	route_path(path, &rt);
	EXPECT(rt.handler == pages_moved);
	EXPECT_STR(rt.location, want);
	return 1;
}

static int test_slug_with_other_characters_is_not_found(void)
{
	static const char *const bad[] = { "/post/", "/post/a_b", "/post/a.b",
	    "/post/a/b", "/post/a b", "/post/\xC3\xA9", "/post/a%41",
	    "/post/a~", "/post/a+b" };
	size_t i;

	for (i = 0; i < NELEM(bad); i++)
		if (!S_routes_to(bad[i], pages_not_found))
			return 0;
	return 1;
}

static int test_other_paths_are_not_found(void)
{
	static const char *const bad[] = { "/index.html", "/Blog", "/BLOG",
	    "/blogx", "/blog/x", "/post", "/posts/x", "/POST/abc",
	    "/static/style.css", "/_error/404.html", "/feed", "" };
	size_t i;

	for (i = 0; i < NELEM(bad); i++)
		if (!S_routes_to(bad[i], pages_not_found))
			return 0;
	return 1;
}

static int test_route_is_reset_between_calls(void)
{
	struct route rt;

	route_path("/post/ABC", &rt);
	route_path("/nope", &rt);
	EXPECT(rt.handler == pages_not_found);
	EXPECT_STR(rt.slug, "");
	EXPECT_STR(rt.tag, "");
	EXPECT_STR(rt.location, "");
	return 1;
}

/* ---- views_countable ------------------------------------------------- */

static int S_countable(const char *method, const char *const *env)
{
	struct request r;

	S_parse_env(&r, method, "/post/x", env, 0);
	return views_countable(&r) == VIEW_COUNT;
}

static int test_browser_get_counts(void)
{
	static const char *const env[] = { "HTTP_USER_AGENT=Mozilla/5.0 "
	    "(X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
	    "Chrome/120.0 Safari/537.36", NULL };

	EXPECT(S_countable("GET", env) == 1);
	EXPECT(S_countable("GET", NULL) == 1);	/* no User-Agent at all */
	return 1;
}

static int test_head_and_other_methods_never_count(void)
{
	EXPECT(S_countable("HEAD", NULL) == 0);
	EXPECT(S_countable("POST", NULL) == 0);
	EXPECT(S_countable("OPTIONS", NULL) == 0);
	return 1;
}

static enum view S_view(const char *method, const char *const *env)
{
	struct request r;

	S_parse_env(&r, method, "/post/x", env, 0);
	return views_countable(&r);
}

static int test_a_persons_head_shows_the_count_a_get_would(void)
{
	static const char *const robot[] = { "HTTP_USER_AGENT=Googlebot",
	    NULL };
	static const char *const prefetch[] = { "HTTP_SEC_PURPOSE=prefetch",
	    NULL };

	EXPECT(S_view("HEAD", NULL) == VIEW_AS_GET);
	EXPECT(S_view("HEAD", robot) == VIEW_NONE);
	EXPECT(S_view("HEAD", prefetch) == VIEW_NONE);
	EXPECT(S_view("GET", robot) == VIEW_NONE);
	EXPECT(S_view("POST", NULL) == VIEW_NONE);
	return 1;
}

static int test_robots_do_not_count(void)
{
	static const char *const agents[] = {
	    "Mozilla/5.0 (compatible; Googlebot/2.1; "
	    "+http://www.google.com/bot.html)",
	    "Mozilla/5.0 (compatible; bingbot/2.0; "
	    "+http://www.bing.com/bingbot.htm)",
	    "Mozilla/5.0 (compatible; AhrefsBot/7.0)",
	    "facebookexternalhit/1.1 "
	    "(+http://www.facebook.com/externalhit_uatext.php)",
	    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
	    "WhatsApp/2.23",
	    "SkypeUriPreview Preview/0.5",
	    "Mozilla/5.0 (compatible; Baiduspider/2.0)",
	    "Mozilla/5.0 (compatible; Yahoo! Slurp)",
	    "Twitterbot/1.0", "TelegramBot (like TwitterBot)",
	    "Mozilla/5.0 (compatible; Discordbot/2.0)",
	    "Mozilla/5.0 (Macintosh) Applebot/0.1",
	    "Mozilla/5.0 (compatible; SemrushBot/7)",
	    "python-crawler/1.0", "SPIDER", "GOOGLEBOT",
	};
	char ua[600];
	const char *env[2] = { ua, NULL };
	size_t i;

	for (i = 0; i < NELEM(agents); i++) {
		snprintf(ua, sizeof(ua), "HTTP_USER_AGENT=%s", agents[i]);
		if (S_countable("GET", env) != 0) {
			printf("# counted: %s\n", agents[i]);
			return 0;
		}
		if (!views_is_robot(agents[i])) {
			printf("# not a robot: %s\n", agents[i]);
			return 0;
		}
	}
	return 1;
}

static int test_robot_word_late_in_a_long_agent_is_found(void)
{
	char ua[600];

	memset(ua, 'x', sizeof(ua));
	memcpy(ua + 400, "Googlebot", 9);
	ua[409] = '\0';
	EXPECT(views_is_robot(ua) == 1);
	return 1;
}

static int test_prefetch_and_prerender_do_not_count(void)
{
	static const char *const heads[] = { "HTTP_SEC_PURPOSE=prefetch",
	    "HTTP_SEC_PURPOSE=prefetch;prerender",
	    "HTTP_SEC_PURPOSE=Prefetch", "HTTP_PURPOSE=prefetch",
	    "HTTP_PURPOSE=preview", "HTTP_X_MOZ=prefetch",
	    "HTTP_X_PURPOSE=preview", "HTTP_X_PURPOSE=prefetch" };
	const char *env[2] = { NULL, NULL };
	size_t i;

	for (i = 0; i < NELEM(heads); i++) {
		env[0] = heads[i];
		if (S_countable("GET", env) != 0) {
			printf("# counted: %s\n", heads[i]);
			return 0;
		}
	}
	return 1;
}

static int test_empty_purpose_headers_count(void)
{
	static const char *const env[] = { "HTTP_SEC_PURPOSE=",
	    "HTTP_PURPOSE=", "HTTP_X_MOZ=", NULL };

	EXPECT(S_countable("GET", env) == 1);
	return 1;
}

static int test_views_format_is_singular_for_one(void)
{
	char out[32];

	views_format(out, 0);
	EXPECT_STR(out, "0 views");
	views_format(out, 1);
	EXPECT_STR(out, "1 view");
	views_format(out, 2);
	EXPECT_STR(out, "2 views");
	views_format(out, 67);
	EXPECT_STR(out, "67 views");
	views_format(out, 18446744073709551615ULL);
	EXPECT_STR(out, "18446744073709551615 views");
	return 1;
}

/* ---- response_head --------------------------------------------------- */

static int test_response_head_has_status_type_length_and_security(void)
{
	struct response resp;
	struct buf out = BUF_INIT;
	const char *h;

	response_init(&resp);
	resp.status = 405;
	response_header(&resp, "Allow", "GET, HEAD");
	buf_puts(&resp.body, "hello");
	response_head(&resp, &out);
	h = buf_cstr(&out);
	EXPECT(strncmp(h, "Status: 405 Method Not Allowed\r\n", 32) == 0);
	EXPECT(strstr(h, "\r\nContent-Type: text/html; charset=utf-8\r\n"));
	EXPECT(strstr(h, "\r\nContent-Length: 5\r\n"));
	EXPECT(strstr(h, "\r\nX-Content-Type-Options: nosniff\r\n"));
	EXPECT(strstr(h, "\r\nContent-Security-Policy: default-src 'none'"));
	EXPECT(strstr(h, "\r\nAllow: GET, HEAD\r\n"));
	EXPECT(strstr(h, "Set-Cookie") == NULL);
	EXPECT(out.len >= 4 && memcmp(h + out.len - 4, "\r\n\r\n", 4) == 0);
	buf_free(&out);
	response_free(&resp);
	return 1;
}

static const struct test S_tests[] = {
	T(test_get_and_head_are_known_methods),
	T(test_post_is_known),
	T(test_other_methods_are_other),
	T(test_missing_method_reads_as_get),
	T(test_missing_uri_is_the_root),
	T(test_uri_is_kept_as_sent_for_logs),
	T(test_headers_used_are_read_and_absent_ones_are_empty),
	T(test_param_names_must_match_whole),
	T(test_canonical_paths_pass_unchanged),
	T(test_query_and_fragment_are_not_part_of_the_path),
	T(test_percent_escapes_are_decoded),
	T(test_double_and_trailing_slashes_redirect),
	T(test_dot_segments_are_resolved_and_redirect),
	T(test_encoded_slashes_count_as_slashes),
	T(test_open_redirect_shapes_become_local_paths),
	T(test_climbing_above_the_root_is_400),
	T(test_nul_and_bad_escapes_are_400),
	T(test_control_characters_are_400),
	T(test_invalid_utf8_is_400),
	T(test_path_must_start_with_a_slash),
	T(test_uri_of_2048_bytes_passes_and_2049_is_414),
	T(test_long_query_counts_toward_414),
	T(test_absolute_form_uri_takes_its_path),
	T(test_absolute_form_uri_without_path_ignores_slash_in_query),
	T(test_a_bad_request_keeps_a_safe_path),
	T(test_cgi_script_name_is_stripped_into_root),
	T(test_cgi_script_name_must_end_at_a_segment),
	T(test_cgi_without_request_uri_uses_path_info),
	T(test_fastcgi_ignores_script_name),
	T(test_root_and_blog_are_list_page_1),
	T(test_blog_page_n_is_list_page_n),
	T(test_blog_page_1_redirects_to_blog),
	T(test_page_numbers_written_another_way_are_not_found),
	T(test_post_slug_routes_to_the_article),
	T(test_slug_of_80_characters_is_allowed_and_81_is_not),
	T(test_uppercase_slug_redirects_to_lower_case),
	T(test_uppercase_80_character_slug_redirects_whole),
	T(test_slug_with_other_characters_is_not_found),
	T(test_other_paths_are_not_found),
	T(test_route_is_reset_between_calls),
	T(test_browser_get_counts),
	T(test_head_and_other_methods_never_count),
	T(test_a_persons_head_shows_the_count_a_get_would),
	T(test_robots_do_not_count),
	T(test_robot_word_late_in_a_long_agent_is_found),
	T(test_prefetch_and_prerender_do_not_count),
	T(test_empty_purpose_headers_count),
	T(test_views_format_is_singular_for_one),
	T(test_response_head_has_status_type_length_and_security),
};

RUNNER_MAIN(S_tests)
