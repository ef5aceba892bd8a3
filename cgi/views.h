/* views.h: which requests count as a view.  A view is a GET of a
 * published article answered 200 by a person's browser: not HEAD, not a
 * robot that names itself, not a prefetch or prerender the person may
 * never look at.  The list of robot words is in views.c and README.md. */
#ifndef ARTICLED_VIEWS_H
#define ARTICLED_VIEWS_H

struct request;

/* True if a 200 answer to r would be a view. */
int	views_countable(const struct request *r);
/* True if r comes from a person's browser, meant to be seen: not a
 * robot, not a prefetch (whatever the method). */
int	views_by_person(const struct request *r);
/* True if the User-Agent names a robot, crawler, spider or preview
 * fetcher (case-insensitive words, see views.c). */
int	views_is_robot(const char *user_agent);
/* "1 view", "67 views" into out (at least 32 bytes). */
void	views_format(char *out, unsigned long long n);

#endif
