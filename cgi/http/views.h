/* views.h: which requests count as a view.  A view is a GET of a
 * published article answered 200 by a person's browser: not HEAD, not a
 * robot that names itself, not a prefetch or prerender the person may
 * never look at.  The list of robot words is views.c's (README.md
 * repeats it, checked by tests/shape/test_one_home.py). */
#ifndef ARTICLED_VIEWS_H
#define ARTICLED_VIEWS_H

struct request;

/* What a 200 article page answering r does with the count; the pages
 * decide through this one function, which the tests and the fuzzer call. */
enum view {
	VIEW_NONE,	/* shows the count: not a person's GET or HEAD */
	VIEW_COUNT,	/* adds this view: a GET by a person's browser */
	VIEW_AS_GET,	/* a HEAD by a person: shows the count a GET would
			 * (so its Content-Length is the GET's, even from
			 * "99 views" to "100 views") and adds nothing */
};
enum view	views_countable(const struct request *r);
/* True if the User-Agent names a robot, crawler, spider or preview
 * fetcher (case-insensitive words, see views.c). */
int	views_is_robot(const char *user_agent);
/* "1 view", "67 views" into out (at least 32 bytes). */
void	views_format(char *out, unsigned long long n);

#endif
