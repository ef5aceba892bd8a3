/* counter.h: the live view counters, a file-backed shared-memory table
 * next to the database (DB-views, like SQLite's own DB-shm).  Workers add
 * to a counter with one atomic instruction, so counting a view never
 * takes SQLite's write lock and survives any process being killed; the
 * master folds the counters into SQLite (store_fold).  A counter only
 * ever grows; SQLite's views.folded records how far it has been folded.
 *
 * File layout (little-endian, native): a 64-byte header
 *   magic "ARTVIEWS", u32 version 1, u32 capacity, u64 generation, pad
 * then capacity slots of { _Atomic i64 key; _Atomic u64 count; }.
 * key 0 is a free slot; keys are views.key (random, never reused), so a
 * deleted article's slot can never be credited to a later one.  The
 * generation is random per file: a recreated file resets folded. */
#ifndef ARTICLED_COUNTER_H
#define ARTICLED_COUNTER_H

#include <stddef.h>
#include <stdint.h>

#define COUNTER_CAPACITY	65536	/* articles ever created, deletes included */

struct counter;
struct counter_slot;

enum counter_mode {
	COUNTER_READONLY,	/* viewtail: map what exists, change nothing */
	COUNTER_WRITE,		/* workers, master, CGI: create if absent */
};

/* Opens (and with COUNTER_WRITE creates) the counter file DBPATH-views.
 * Returns NULL with a message in err when it cannot; in READONLY mode a
 * missing file is not an error: NULL with err set to "". */
struct counter	*counter_open(const char *db_path, enum counter_mode mode,
		    char *err, size_t errlen);
void		 counter_close(struct counter *c);
/* Whether DBPATH-views no longer names the file c maps (deleted,
 * replaced).  The master opens the file once and its workers inherit the
 * mapping; a deleted file is replaced at once by a new one (master.c), a
 * replaced one stays in use until the next start. */
int		 counter_moved(const struct counter *c);
/* Whether nothing is at DBPATH-views any more (deleted, not replaced). */
int		 counter_deleted(const struct counter *c);
uint64_t	 counter_generation(const struct counter *c);
/* An article's live count is counter_base + its counter.  base is
 * views.total - views.folded while the counter file is the one last
 * folded (same_generation), and total alone for a new file, whose
 * counters start from 0.  Saturates rather than overflow: the owner can
 * type any number into views.  The page and viewtail both count so. */
int64_t		 counter_base(int64_t total, int64_t folded,
		    int same_generation);
/* base + count, the live count, saturating at INT64_MAX. */
int64_t		 counter_live(int64_t base, uint64_t count);
size_t		 counter_capacity(const struct counter *c);

/* The slot for key (> 0), claimed when absent (not in READONLY mode).
 * NULL when the table is full, or in READONLY mode when absent. */
struct counter_slot	*counter_slot(struct counter *c, int64_t key);
/* Adds one view; returns the counter's new value. */
uint64_t	 counter_add(struct counter_slot *s);
uint64_t	 counter_get(const struct counter_slot *s);
/* The key the slot counts for (views.key). */
int64_t		 counter_key(const struct counter_slot *s);

/* Reads slot i (< capacity): returns 0 for a free slot, else 1 with its
 * key and count.  For folding and viewtail. */
int		 counter_at(const struct counter *c, size_t i, int64_t *key,
		    uint64_t *count);

#endif
