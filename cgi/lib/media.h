/* media.h: what every part of articled knows of a picture (issue 9),
 * without SQLite: its name as the owner writes it, the formats of the
 * sizes the picture maker makes, and the address of each size,
 * /media/v/<version as 16 hex digits>-<width>.<ext>. */
#ifndef ARTICLED_MEDIA_H
#define ARTICLED_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#define MEDIA_NAME_MAX		100	/* schema: media.name */
#define MEDIA_ALT_MAX		1280	/* 300 characters of UTF-8, escaped */
#define MEDIA_VARIANTS_MAX	16
#define MEDIA_WIDTH_MAX		16384
/* "/media/v/" 16 hex "-" width "." ext, and NUL */
#define MEDIA_PATH_MAX		48

enum media_format { MEDIA_WEBP, MEDIA_JPEG, MEDIA_PNG, MEDIA_FORMAT__MAX };
enum media_status { MEDIA_PENDING, MEDIA_READY, MEDIA_REFUSED };

struct media_size {
	enum media_format format;
	int		  width;
	int		  height;
};

/* A picture as the pages draw it (store_media_info). */
struct media_info {
	int64_t		  version;
	enum media_status status;
	int		  width;	/* as shown; 0 until made */
	int		  height;
	char		  alt[MEDIA_ALT_MAX];	/* media.alt, not escaped */
	struct media_size v[MEDIA_VARIANTS_MAX];	/* by width */
	size_t		  nv;
};

/* One size's address, parsed: /media/v/<hex>-<width>.<ext>. */
struct media_key {
	int64_t		  version;
	int		  width;
	enum media_format format;
};

/* "webp", "jpeg", "png" as stored in media_variants.format; -1 else. */
int		 media_format_of(const char *name);
const char	*media_format_name(enum media_format f);
const char	*media_format_ext(enum media_format f);	/* webp jpg png */
const char	*media_format_type(enum media_format f);	/* image/... */

/* 1 when name is written as media.name's CHECK allows (a-z 0-9, single
 * . - _ between them, at most 100). */
int		 media_name_valid(const char *name);

/* The name in url when it is "/media/NAME", NAME at most MEDIA_NAME_MAX
 * bytes without / ? # (an image of the site's own: a name no picture has,
 * valid or not, shows its alt text), else NULL. */
const char	*media_url_name(const char *url);

/* Parses what follows "/media/v/": exactly 16 lower-case hex digits (a
 * non-negative version), '-', a width without leading zero up to
 * MEDIA_WIDTH_MAX, '.', webp|jpg|png.  1 when it is one, else 0. */
int		 media_key_parse(const char *rest, struct media_key *k);

/* The address of k, "/media/v/..." (a CGI run puts its root before). */
void		 media_key_path(const struct media_key *k, char *out,
		    size_t outlen);

#endif
