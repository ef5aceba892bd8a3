/* maker_files.h: the folder of pictures nginx serves (--media-dir, by
 * default the database's folder + /media): DIR/v/<version as 16 hex
 * digits>-<width>.<webp|jpg|png>, one file per row of media_variants.
 * The database is the truth; the folder is rebuilt from it. */
#ifndef ARTICLED_MAKER_FILES_H
#define ARTICLED_MAKER_FILES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "store/store_media.h"

/* The default folder for a database path: its directory + "/media".
 * Owned by the caller. */
char	*maker_files_default(const char *db);
/* Makes DIR and DIR/v if missing (mode 0755), owned by uid:gid unless
 * they are -1.  0, or -1 with the reason in err. */
int	 maker_files_prepare(const char *dir, uid_t uid, gid_t gid, char *err,
	    size_t errlen);
/* A variant's file name (no folder), e.g. 00c0ffee00c0ffee-480.webp. */
void	 maker_files_name(char *out, size_t outlen, int64_t version,
	    const char *format, int width);
/* Writes one variant of version under a temporary name in DIR/v, then
 * renames it: a reader sees the whole file or none.  0, or -1 (err). */
int	 maker_files_write(const char *dir, int64_t version,
	    const struct media_variant *v, char *err, size_t errlen);
/* Makes DIR/v match media_variants: writes each missing file (or one of
 * the wrong size), removes each file no row names.  *written and
 * *removed count them.  0, or -1 with the first failure in err. */
int	 maker_files_sync(const char *dir, struct media_store *ms,
	    int *written, int *removed, char *err, size_t errlen);

#endif
