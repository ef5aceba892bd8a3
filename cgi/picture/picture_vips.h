/* picture_vips.h: the only door to libvips (picture_vips.c): start it
 * single-threaded with no cache, then turn one picture's bytes into its
 * variants in memory. */
#ifndef ARTICLED_PICTURE_VIPS_H
#define ARTICLED_PICTURE_VIPS_H

#include <stddef.h>

#include "picture/picture_plan.h"

/* picture_make's answers besides 0. */
#define PICTURE_REFUSED	2	/* the picture's fault: `why` says what */
#define PICTURE_FAILED	1	/* ours (a vips bug) */
#define PICTURE_MEMORY	3	/* over the memory limit (RLIMIT_AS) */

struct picture_variant {
	enum picture_format	format;
	int			width, height;
	void			*data;	/* owned by the set (g_malloc'd) */
	size_t			len;
};

struct picture_set {
	int			width, height;	/* as shown */
	size_t			n;
	struct picture_variant	v[PICTURE_VARIANTS_MAX];
};

/* vips_init with one thread, no operation cache and the untrusted
 * loaders blocked.  Loads whatever modules vips wants, so it comes
 * before the sandbox.  0, or -1 with the reason in err. */
int	picture_vips_start(const char *argv0, char *err, size_t errlen);

/* Reads the header of buf (type `type`, from picture_sniff), refuses a
 * picture over max_pixels before decoding any pixel, then makes every
 * variant of picture_plan into set.  0, PICTURE_REFUSED or
 * PICTURE_FAILED with a sentence in why, or PICTURE_MEMORY. */
int	picture_make(const void *buf, size_t len, long long max_pixels,
	    struct picture_set *set, char *why, size_t whylen);

/* Frees the variants' bytes. */
void	picture_set_free(struct picture_set *set);

#endif
