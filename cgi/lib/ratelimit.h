/* ratelimit.h: the question form's per-address limits under FastCGI.
 * The master makes one table in anonymous shared memory before it forks
 * the workers (never a file: site.db-views is on disk); an address is
 * only ever a keyed hash there, under a key drawn at each start of the
 * master, so neither the address nor anything that finds it again is
 * kept anywhere, and a restart forgets them all.  Under CGI there is no
 * table (no memory between runs), and these limits do not apply. */
#ifndef ARTICLED_RATELIMIT_H
#define ARTICLED_RATELIMIT_H

#include <time.h>

struct ratelimit;

/* NULL with errno when the memory or the key cannot be had. */
struct ratelimit	*ratelimit_new(void);
void			 ratelimit_free(struct ratelimit *rl);

/* Counts a question from addr at now unless gap seconds have not passed
 * since its last one (returns the seconds left, > 0) or per_hour were
 * taken in the last hour (returns -1); 0 when taken.  rl NULL (CGI):
 * always 0. */
long	ratelimit_take(struct ratelimit *rl, const char *addr, time_t now,
	    long gap, long per_hour);

#endif
