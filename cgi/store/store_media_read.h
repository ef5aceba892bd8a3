/* store_media_read.h: the reads of pictures (issue 9) for pages and for
 * /media/ (store_media_read.c): a picture's state and sizes by name, and
 * one size's bytes, read straight into the answer. */
#ifndef ARTICLED_STORE_MEDIA_READ_H
#define ARTICLED_STORE_MEDIA_READ_H

#include "lib/buf.h"
#include "lib/media.h"
#include "store/store.h"

/* The picture called name, with the sizes made from its current version
 * (by width, then format).  STORE_NOTFOUND when there is none. */
enum store_rc	store_media_info(struct store *s, const char *name,
		    struct media_info *m);

/* Appends the bytes of size k of a current version to out, read with
 * SQLite's incremental blob I/O (no copy in SQLite's memory).
 * STORE_NOTFOUND when no current picture has that size. */
enum store_rc	store_media_variant(struct store *s, const struct media_key *k,
		    struct buf *out);

#endif
