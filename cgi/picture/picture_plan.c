/* picture_plan.c: the variant set and the type sniffing of
 * articled-picture, kept apart from libvips so the rules read plainly.
 *
 * Widths: each of 480, 960, 1600 smaller than the shown width, plus the
 * shown width itself when it is at most 1600 (the contract says "under";
 * at exactly 1600 that would leave 960 as the largest, so 1600 counts).  Each width in WebP and in a
 * fallback (JPEG, or PNG when the picture has alpha).  Plus one JPEG at
 * min(1200, width) for link previews (og:image) unless that exact JPEG
 * is already in the set. */
#include <string.h>

#include "picture/picture_plan.h"

static const int S_widths[] = { 480, 960, 1600 };
#define S_PREVIEW_WIDTH	1200

const char *picture_sniff(const unsigned char *buf, size_t len)
{
	if (len >= 3 && buf[0] == 0xFF && buf[1] == 0xD8 && buf[2] == 0xFF)
		return "jpeg";
	if (len >= 8 && memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "png";
	if (len >= 6 && (memcmp(buf, "GIF87a", 6) == 0 ||
	    memcmp(buf, "GIF89a", 6) == 0))
		return "gif";
	if (len >= 12 && memcmp(buf, "RIFF", 4) == 0 &&
	    memcmp(buf + 8, "WEBP", 4) == 0)
		return "webp";
	return NULL;
}

const char *picture_format_name(enum picture_format format)
{
	switch (format) {
	case PICTURE_WEBP:
		return "webp";
	case PICTURE_JPEG:
		return "jpeg";
	case PICTURE_PNG:
		return "png";
	}
	return "?";
}

static size_t S_add(struct picture_want *want, size_t n,
    enum picture_format format, int width)
{
	want[n].format = format;
	want[n].width = width;
	return n + 1;
}

static int S_has(const struct picture_want *want, size_t n,
    enum picture_format format, int width)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (want[i].format == format && want[i].width == width)
			return 1;
	return 0;
}

size_t picture_plan(int width, int alpha, struct picture_want *want)
{
	enum picture_format fallback = alpha ? PICTURE_PNG : PICTURE_JPEG;
	int preview = width < S_PREVIEW_WIDTH ? width : S_PREVIEW_WIDTH;
	size_t i, n = 0;

	for (i = 0; i < sizeof(S_widths) / sizeof(S_widths[0]); i++) {
		if (S_widths[i] >= width)
			continue;
		n = S_add(want, n, PICTURE_WEBP, S_widths[i]);
		n = S_add(want, n, fallback, S_widths[i]);
	}
	if (width <= S_widths[2]) {
		n = S_add(want, n, PICTURE_WEBP, width);
		n = S_add(want, n, fallback, width);
	}
	if (!S_has(want, n, PICTURE_JPEG, preview))
		n = S_add(want, n, PICTURE_JPEG, preview);
	return n;
}
