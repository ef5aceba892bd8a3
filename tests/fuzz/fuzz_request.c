/* fuzz_request.c: libFuzzer harness for the request path: arbitrary
 * bytes as REQUEST_URI (and method, user agent) through request_parse,
 * route_path and views_countable.  Asserts the invariants the pages
 * rely on: a routed path is canonical, a slug or tag is [a-z0-9-], a redirect
 * target never starts with "//".
 *   make build/fuzz/fuzz_request	(the sources: FUZZ_LIB in the Makefile;
 *   the route table names the page handlers, so they are linked too) */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pages/handlers.h"
#include "http/request.h"
#include "pages/router.h"
#include "http/views.h"

/* A slug or a tag as routed: one to max of [a-z0-9-]. */
static void S_check_word(const char *w, size_t max)
{
	size_t i;

	assert(w[0] != '\0' && strlen(w) <= max);
	for (i = 0; w[i] != '\0'; i++)
		assert((w[i] >= 'a' && w[i] <= 'z') ||
		    (w[i] >= '0' && w[i] <= '9') || w[i] == '-');
}

static void S_check_route(const struct route *rt)
{
	if (rt->handler == pages_article)
		S_check_word(rt->slug, ROUTE_SLUG_MAX);
	if (rt->handler == pages_tag)
		S_check_word(rt->tag, ROUTE_TAG_MAX);
	if (rt->handler == pages_moved)
		assert(rt->location[0] == '/' && rt->location[1] != '/');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *uri, *env[5];
	struct request r;
	struct route rt;
	size_t n = size < 4096 ? size : 4096;

	uri = malloc(n + 13);
	memcpy(uri, "REQUEST_URI=", 12);
	memcpy(uri + 12, data, n);
	uri[12 + n] = '\0';	/* the environment cannot hold a NUL */
	env[0] = (char *)"REQUEST_METHOD=GET";
	env[1] = uri;
	env[2] = (char *)"HTTP_USER_AGENT=Mozilla/5.0";
	env[3] = (char *)"SCRIPT_NAME=/cgi-bin/articled";
	env[4] = NULL;
	request_parse(&r, env, size & 1);
	if (r.status == 0) {
		assert(r.path[0] == '/');
		assert(strstr(r.path, "//") == NULL);
		if (!r.redirect) {
			route_path(r.path, &rt);
			S_check_route(&rt);
		}
	}
	/* Only a GET or HEAD can count, and never a bad request's method. */
	switch (views_countable(&r)) {
	case VIEW_COUNT:
		assert(r.method == METHOD_GET);
		break;
	case VIEW_AS_GET:
		assert(r.method == METHOD_HEAD);
		break;
	case VIEW_NONE:
		break;
	}
	free(uri);
	return 0;
}
