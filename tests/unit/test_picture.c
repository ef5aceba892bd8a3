/* test_picture.c: articled-picture's parts that need no libvips: the
 * variant set (picture_plan), the type from the first bytes
 * (picture_sniff) and the WebP metadata cut (picture_webp_strip), on
 * well-formed and broken containers.  Prints TAP-style lines and a final
 * "N passed, N failed"; exits 1 if any test failed. */
#include <stdio.h>
#include <string.h>

#include "picture/picture_plan.h"
#include "picture/picture_webp.h"
#include "runner.h"

#define FAIL(...) do {							\
	printf("# %s:%d: ", __FILE__, __LINE__);			\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	return 0;							\
} while (0)

/* The plan for `width` as "webp480 jpeg480 ..." in out. */
static void S_plan(int width, int alpha, char *out, size_t len)
{
	struct picture_want want[PICTURE_VARIANTS_MAX];
	size_t i, n = picture_plan(width, alpha, want), at = 0;

	out[0] = '\0';
	for (i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(out + at, len - at, "%s%s%d",
		    i ? " " : "", picture_format_name(want[i].format),
		    want[i].width);
}

#define PLAN(width, alpha, want) do {					\
	char got_[200];							\
	S_plan((width), (alpha), got_, sizeof(got_));			\
	if (strcmp(got_, (want)) != 0)					\
		FAIL("%d px%s: \"%s\", not \"%s\"", (width),		\
		    (alpha) ? " (alpha)" : "", got_, (want));		\
} while (0)

static int test_plan_widths_and_fallbacks(void)
{
	PLAN(4000, 0, "webp480 jpeg480 webp960 jpeg960 webp1600 jpeg1600 "
	    "jpeg1200");
	PLAN(4000, 1, "webp480 png480 webp960 png960 webp1600 png1600 "
	    "jpeg1200");
	PLAN(1601, 0, "webp480 jpeg480 webp960 jpeg960 webp1600 jpeg1600 "
	    "jpeg1200");
	PLAN(1600, 0, "webp480 jpeg480 webp960 jpeg960 webp1600 jpeg1600 "
	    "jpeg1200");
	PLAN(1200, 0, "webp480 jpeg480 webp960 jpeg960 webp1200 jpeg1200");
	PLAN(1000, 0, "webp480 jpeg480 webp960 jpeg960 webp1000 jpeg1000");
	PLAN(800, 0, "webp480 jpeg480 webp800 jpeg800");
	PLAN(800, 1, "webp480 png480 webp800 png800 jpeg800");
	PLAN(481, 0, "webp480 jpeg480 webp481 jpeg481");
	PLAN(480, 0, "webp480 jpeg480");
	PLAN(300, 0, "webp300 jpeg300");
	PLAN(1, 1, "webp1 png1 jpeg1");
	return 1;
}

static int test_sniff_by_magic_only(void)
{
	static const struct {
		const char	*bytes;
		size_t		len;
		const char	*want;
	} cases[] = {
		{ "\xff\xd8\xff\xe0", 4, "jpeg" },
		{ "\x89PNG\r\n\x1a\n", 8, "png" },
		{ "GIF87a", 6, "gif" },
		{ "GIF89a", 6, "gif" },
		{ "RIFF\x10\0\0\0WEBPVP8 ", 16, "webp" },
		{ "RIFF\x10\0\0\0WAVEfmt ", 16, NULL },
		{ "\x89PNG\r\n", 6, NULL },
		{ "\xff\xd8", 2, NULL },
		{ "<svg xmlns=", 11, NULL },
		{ "<!doctype html>", 15, NULL },
		{ "%PDF-1.4", 8, NULL },
		{ "", 0, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = picture_sniff(
		    (const unsigned char *)cases[i].bytes, cases[i].len);

		if ((got == NULL) != (cases[i].want == NULL) ||
		    (got != NULL && strcmp(got, cases[i].want) != 0))
			FAIL("case %zu: %s", i, got ? got : "NULL");
	}
	return 1;
}

/* A container: VP8X (flags: ICC, EXIF, XMP, alpha), ICCP (odd length,
 * padded), VP8 (4 bytes), EXIF, XMP. */
static size_t S_webp(unsigned char *p)
{
	static const unsigned char body[] =
	    "VP8X\x0a\0\0\0\x3c\0\0\0\0\0\0\0\0\0"
	    "ICCP\x03\0\0\0abc\0"
	    "VP8 \x04\0\0\0pixl"
	    "EXIF\x06\0\0\0gps..."
	    "XMP \x02\0\0\0xm";
	size_t n = sizeof(body) - 1;

	memcpy(p, "RIFF", 4);
	p[4] = (unsigned char)(n + 4);
	p[5] = p[6] = p[7] = 0;
	memcpy(p + 8, "WEBP", 4);
	memcpy(p + 12, body, n);
	return 12 + n;
}

static int test_webp_strip_cuts_metadata_chunks(void)
{
	unsigned char p[200];
	size_t len = S_webp(p), out = picture_webp_strip(p, len);
	static const unsigned char want[] =
	    "RIFF\x22\0\0\0WEBP"
	    "VP8X\x0a\0\0\0\x10\0\0\0\0\0\0\0\0\0"
	    "VP8 \x04\0\0\0pixl";

	if (out != sizeof(want) - 1 || memcmp(p, want, out) != 0)
		FAIL("stripped to %zu bytes, wanted %zu", out,
		    sizeof(want) - 1);
	return 1;
}

static int test_webp_strip_refuses_broken_containers(void)
{
	unsigned char p[200];
	size_t len = S_webp(p);

	if (picture_webp_strip(p, len - 1) != 0)
		FAIL("a cut file was accepted");
	len = S_webp(p);
	p[16] = 0xff;			/* VP8X claims 255 bytes */
	if (picture_webp_strip(p, len) != 0)
		FAIL("a chunk past the end was accepted");
	len = S_webp(p);
	memcpy(p + 8, "WAVE", 4);
	if (picture_webp_strip(p, len) != 0)
		FAIL("a RIFF that is not WebP was accepted");
	if (picture_webp_strip(p, 5) != 0)
		FAIL("5 bytes were accepted");
	return 1;
}

static const struct test tests[] = {
	T(test_plan_widths_and_fallbacks),
	T(test_sniff_by_magic_only),
	T(test_webp_strip_cuts_metadata_chunks),
	T(test_webp_strip_refuses_broken_containers),
};

RUNNER_MAIN(tests)
