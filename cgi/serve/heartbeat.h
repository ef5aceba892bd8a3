/* heartbeat.h: how the master sees that a worker is stuck.  One slot
 * per worker in memory shared across fork: the worker stamps it when it
 * takes a request and, while idle, each time its accept wait wakes (at
 * least every HEARTBEAT_IDLE_MS).  A stamp older than the bound means a
 * request held too long, or a worker that stopped running at all
 * (SIGSTOP, a hung call); the master kills and replaces it. */
#ifndef ARTICLED_HEARTBEAT_H
#define ARTICLED_HEARTBEAT_H

#include <stdatomic.h>

#define HEARTBEAT_IDLE_MS	500	/* an idle worker's poll timeout */
/* The bound.  The sanitizer build, several times slower, is given more
 * (the Makefile sets it): the tests render 5 MB articles on it. */
#ifndef HEARTBEAT_STUCK_MS
#define HEARTBEAT_STUCK_MS	3000
#endif

struct heartbeat {
	_Atomic long long	 stamp_ms;	/* CLOCK_MONOTONIC, 0: none */
	_Atomic int		 busy;		/* holds a request */
};

/* n slots in anonymous shared memory, zeroed; NULL (errno set) when the
 * mapping fails.  Freed by heartbeats_free. */
struct heartbeat	*heartbeats_open(int n);
void			 heartbeats_free(struct heartbeat *hb, int n);

/* The worker's side; hb may be NULL (a CGI run, a test). */
void	heartbeat_idle(struct heartbeat *hb);
void	heartbeat_busy(struct heartbeat *hb);

/* The master's side: 0 if the slot beat within the bound, else the
 * milliseconds since its last stamp (*busy says whether a request was
 * held).  now_ms from heartbeat_now. */
long long	heartbeat_stale(const struct heartbeat *hb, long long now_ms,
		    int *busy);
long long	heartbeat_now(void);

#endif
