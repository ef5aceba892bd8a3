/* store_readers.h: readers and sources into SQLite (reader_days,
 * site_reader_days, source_days), and the prefixed settings the pages
 * read one at a time (/privacy's note). */
#ifndef ARTICLED_STORE_READERS_H
#define ARTICLED_STORE_READERS_H

#include <stddef.h>

#include "store/store.h"

struct readers_delta;

/* Adds what readers_take gave (n banks) in one transaction that waits at
 * most busy_ms for the write lock: STORE_OK (then readers_taken), or
 * STORE_BUSY, or an error with store_fold_error saying why; nothing is
 * written unless all of it is. */
enum store_rc	 store_readers_fold(struct store *s,
		    const struct readers_delta *d, size_t n, int busy_ms);

/* A prefixed setting (setting_keys) or its default, owned by the caller
 * (*out NULL when neither is set). */
enum store_rc	 store_setting(struct store *s, const char *key, char **out);

#endif
