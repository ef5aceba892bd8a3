/* store_readers.h: readers and sources into SQLite (reader_days,
 * site_reader_days, source_days), and the prefixed settings the pages
 * read one at a time (/privacy's note). */
#ifndef ARTICLED_STORE_READERS_H
#define ARTICLED_STORE_READERS_H

#include <stddef.h>

#include "store/store.h"

struct readers;
struct readers_delta;

struct counter;

/* store_fold (store.h), with rd's readers and sources (readers.h; NULL:
 * none) taken after the counters are read and written in the same
 * transaction: the views of a fold and their readers and sources are
 * committed together, or none of them, and only a commit records them
 * as folded (readers_taken); otherwise the next fold tries again. */
enum store_rc	 store_fold_with(struct store *s, const struct counter *c,
		    const char *today, int busy_ms, uint64_t *moved,
		    struct readers *rd);
/* Writes d inside the fold's transaction: SQLITE_OK or SQLite's error
 * (store_fold.c). */
int		 store_readers_write(struct store *s,
		    const struct readers_delta *d, size_t n);

/* A prefixed setting (setting_keys) or its default, owned by the caller
 * (*out NULL when neither is set). */
enum store_rc	 store_setting(struct store *s, const char *key, char **out);

#endif
