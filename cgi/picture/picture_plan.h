/* picture_plan.h: what articled-picture makes of a picture, decided
 * without libvips: the type from the first bytes, and the variant set
 * (widths and formats) from the shown width and whether there is alpha
 * (docs/design.md, issue 9's contract). */
#ifndef ARTICLED_PICTURE_PLAN_H
#define ARTICLED_PICTURE_PLAN_H

#include <stddef.h>

/* 3 widths x (webp + fallback) + the link-preview jpeg. */
#define PICTURE_VARIANTS_MAX	7

enum picture_format { PICTURE_WEBP, PICTURE_JPEG, PICTURE_PNG };

struct picture_want {
	enum picture_format	format;
	int			width;
};

/* "jpeg", "png", "webp" or "gif" from the magic bytes; NULL for
 * anything else (HTML, SVG, PDF, random bytes). */
const char	*picture_sniff(const unsigned char *buf, size_t len);

/* Fills want[] (PICTURE_VARIANTS_MAX entries) for a picture shown
 * `width` pixels wide; returns how many. */
size_t	picture_plan(int width, int alpha, struct picture_want *want);

/* "webp", "jpeg" or "png": the protocol's word for a format. */
const char	*picture_format_name(enum picture_format format);

#endif
