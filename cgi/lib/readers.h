/* readers.h: readers and where they came from, counted in memory only.
 *
 * A reader is a distinct (address, User-Agent) pair, per article and
 * site-wide, per UTC day: a keyed hash (SipHash-2-4) of the pair goes
 * into a set, and a new member adds one to a counter.  The key is drawn
 * by the master into anonymous shared memory before it forks (never a
 * file, kept out of core dumps), and replaced at midnight UTC with the
 * set emptied; no earlier key is kept.  Only the counts reach SQLite,
 * through the master's fold (store_readers.c).  A source is the host of
 * the referring site, grouped (referrer.h), counted per article per day.
 *
 * The memory holds two banks, today's and the one before, so the workers
 * move to a new day's key in one atomic step while the master folds what
 * the old day still holds; it is wiped once folded.  Counts only grow
 * within a bank and the master alone records how far it folded them, so
 * a worker killed at any point loses nothing and nothing is counted
 * twice; the memory dies only with the master (and its workers). */
#ifndef ARTICLED_READERS_H
#define ARTICLED_READERS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define READERS_SET_BYTES	(1024 * 1024)	/* a day's set: the stated capacity */
#define READERS_ARTICLES	4096	/* articles read in one day */
#define READERS_SOURCES		4096	/* (article, source) pairs in one day */
#define READERS_SOURCES_MAX	50	/* per article per day; the rest "other" */
#define READERS_SOURCE_LEN	64	/* a source's name, NUL included */

struct readers;

/* One view as the pages saw it: only what counts as a view comes here
 * (views.h), and only when the reader did not ask not to be tracked. */
struct readers_seen {
	int64_t		 article;	/* views.key */
	const char	*addr;		/* REMOTE_ADDR */
	const char	*user_agent;
	const char	*source;	/* referrer.h; NULL: not a source */
};

/* The master's memory, shared with the workers it forks (count_readers
 * 1), or a CGI run's own (0: readers are never counted under CGI, since
 * a key would have to outlive the run on disk; sources still are).
 * NULL with err set when it cannot be made. */
struct readers	*readers_new(int count_readers, time_t now, char *err,
		    size_t errlen);
void		 readers_free(struct readers *rd);

/* Counts one view's reader and source (a worker, on the page path). */
void		 readers_note(struct readers *rd, const struct readers_seen *v);

/* The master, once a second after folding: at a new UTC day the workers
 * move to a fresh key and empty set; the old day's bank is wiped once
 * its counts are folded.  Returns 1 when the day changed. */
int		 readers_roll(struct readers *rd, time_t now);

/* What one bank holds that is not folded yet. */
struct readers_art_delta {
	int64_t		 article;
	uint64_t	 readers;
	size_t		 at;		/* slot, and the count taken */
	uint64_t	 seen;
};
struct readers_src_delta {
	int64_t		 article;
	char		 source[READERS_SOURCE_LEN];
	uint64_t	 views;
	size_t		 at;
	uint64_t	 seen;
};
struct readers_delta {
	char		 day[11];	/* YYYY-MM-DD */
	int		 new_key;	/* first fold of this day's key */
	int		 lower_bound;	/* the set was full */
	uint64_t	 site;		/* site-wide readers */
	uint64_t	 site_seen;
	struct readers_art_delta *arts;
	size_t		 narts;
	struct readers_src_delta *srcs;
	size_t		 nsrcs;
	int		 bank;
};

/* Takes what is not folded into d[0..1] (the master, or a CGI run);
 * returns how many banks have something.  After the transaction that
 * stores them committed, readers_taken records them as folded; either
 * way readers_delta_free frees them. */
size_t		 readers_take(struct readers *rd, struct readers_delta d[2]);
void		 readers_taken(struct readers *rd,
		    const struct readers_delta *d, size_t n);
void		 readers_delta_free(struct readers_delta *d, size_t n);

/* The UTC day (as YYYY-MM-DD) a time falls in, as the readers count it:
 * 86400 seconds, or in the test build $ARTICLED_TEST_DAY_SECONDS, so a
 * test sees midnight pass (days then follow the real date of the start). */
void		 readers_day_name(const struct readers *rd, time_t now,
		    char out[11]);

#endif
