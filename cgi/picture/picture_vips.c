/* picture_vips.c: decode, orient, resize, strip and encode, the one
 * file of articled-picture that includes libvips.
 *
 * The header is read first (vips reads no pixel until asked) and a
 * picture over the pixel limit is refused there, so a few-KB bomb
 * claiming 20000 x 20000 costs milliseconds.  Then one shrink-on-load
 * thumbnail at the largest width wanted (a JPEG decodes at 1/2, 1/4 or
 * 1/8 scale; EXIF orientation applied; an embedded ICC profile converted
 * to sRGB), held in memory, and each smaller width resized from it: one
 * decode instead of one per variant (bench/picture_make.py: 1.1 s of CPU
 * against 2.3 s for a 12 MP JPEG).
 * Loaders run with fail_on=error: a truncated or damaged file is
 * refused, never made into a grey half-picture (a JPEG libjpeg only
 * warns about -- stray bytes some cameras write -- is kept).  Every
 * piece of metadata (EXIF with GPS, XMP, IPTC, the ICC profile) is
 * removed from the decoded image, and the savers strip too.
 * Animated GIF and WebP: the first frame only (a still), vips's default
 * n=1. */
#include <stdio.h>
#include <string.h>

#include <vips/vips.h>
#include <vips/vector.h>	/* vips_vector_set_enabled: not in vips.h */

#include "picture/picture_vips.h"
#include "picture/picture_webp.h"

#define S_WEBP_Q	80
#define S_JPEG_Q	82
#define S_PNG_LEVEL	9
#define S_FAIL_ON	"fail_on=error"

int picture_vips_start(const char *argv0, char *err, size_t errlen)
{
	if (VIPS_INIT(argv0) != 0) {
		snprintf(err, errlen, "vips_init: %s", vips_error_buffer());
		return -1;
	}
	vips_concurrency_set(1);
	vips_cache_set_max(0);
	vips_cache_set_max_mem(0);
	vips_cache_set_max_files(0);
	/* magick, pdf, svg and the like stay off even if installed. */
	vips_block_untrusted_set(TRUE);
	/* No orc: its run-time code generation maps a temporary file
	 * executable, which the sandbox forbids (no code made at run time
	 * in a process that reads hostile bytes); the C paths are used. */
	vips_vector_set_enabled(FALSE);
	return 0;
}

/* The first line of vips's error text, for the owner's sentence. */
static void S_vips_reason(char *out, size_t outlen)
{
	const char *e = vips_error_buffer();
	size_t n = strcspn(e, "\n");

	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, e, n);
	out[n] = '\0';
	vips_error_clear();
}

/* vips's words when an allocation or a thread hit RLIMIT_AS. */
static int S_out_of_memory(const char *reason)
{
	return strstr(reason, "out of memory") != NULL ||
	    strstr(reason, "Cannot allocate memory") != NULL ||
	    strstr(reason, "Error creating thread") != NULL;
}

static int S_damaged(char *why, size_t whylen)
{
	char reason[200];

	S_vips_reason(reason, sizeof(reason));
	if (S_out_of_memory(reason))
		return PICTURE_MEMORY;
	snprintf(why, whylen, "the picture is damaged or incomplete and "
	    "cannot be read (%s)", reason);
	return PICTURE_REFUSED;
}

static void S_pixels_sentence(long long max_pixels, char *s, size_t len)
{
	if (max_pixels >= 1000000 && max_pixels % 1000000 == 0)
		snprintf(s, len, "%lld million", max_pixels / 1000000);
	else
		snprintf(s, len, "%lld", max_pixels);
}

static int S_too_big(int w, int h, long long max_pixels, char *why,
    size_t whylen)
{
	char limit[40];

	S_pixels_sentence(max_pixels, limit, sizeof(limit));
	snprintf(why, whylen, "the picture is %d \u00d7 %d pixels: at most "
	    "%s pixels are accepted", w, h, limit);
	return PICTURE_REFUSED;
}

/* The header only: the size as shown (orientation applied), and
 * whether an ICC profile comes with the pixels. */
static int S_header(const void *buf, size_t len, long long max_pixels,
    struct picture_set *set, int *icc, char *why, size_t whylen)
{
	VipsImage *head = vips_image_new_from_buffer(buf, len, S_FAIL_ON,
	    "access", VIPS_ACCESS_SEQUENTIAL, NULL);
	int w, h;

	if (head == NULL)
		return S_damaged(why, whylen);
	w = vips_image_get_width(head);
	h = vips_image_get_height(head);
	*icc = vips_image_get_typeof(head, VIPS_META_ICC_NAME) != 0;
	if (vips_image_get_orientation_swap(head)) {
		set->width = h;
		set->height = w;
	} else {
		set->width = w;
		set->height = h;
	}
	g_object_unref(head);
	if ((long long)w * h > max_pixels)
		return S_too_big(w, h, max_pixels, why, whylen);
	return 0;
}

/* Every piece of metadata off the image (EXIF with GPS, XMP, IPTC, ICC,
 * comments, GIF and PNG extras): what is made from it inherits none.
 * The savers' strip=TRUE alone is not enough: 8.14's WebP saver still
 * writes the EXIF block (tests/e2e/test_picture_decoder.py found it). */
static void S_strip(VipsImage *img)
{
	gchar **fields = vips_image_get_fields(img);
	size_t i;

	for (i = 0; fields[i] != NULL; i++)
		(void)vips_image_remove(img, fields[i]);	/* FALSE: a core field */
	g_strfreev(fields);
}

/* One decode at `width`, oriented, in sRGB, with no metadata left, held
 * in memory for the smaller widths.  export_profile makes thumbnail
 * apply an embedded ICC profile (P3, Adobe RGB, CMYK); without it 8.14
 * keeps the numbers and drops the meaning.  An untagged picture is
 * taken as sRGB as it is: an sRGB-to-sRGB transform would cost a third
 * more CPU for nothing. */
static VipsImage *S_base(const void *buf, size_t len, int width, int icc)
{
	VipsImage *t[3] = { NULL, NULL, NULL };
	VipsImage *base = NULL;

	if (vips_thumbnail_buffer((void *)buf, len, &t[0], width,
	    "height", VIPS_MAX_COORD, "option_string", S_FAIL_ON,
	    icc ? "export_profile" : NULL, "srgb", NULL) == 0 &&
	    vips_colourspace(t[0], &t[1], VIPS_INTERPRETATION_sRGB,
	    NULL) == 0 &&
	    vips_cast_uchar(t[1], &t[2], NULL) == 0)
		base = vips_image_copy_memory(t[2]);
	if (base != NULL)
		S_strip(base);
	VIPS_UNREF(t[0]);
	VIPS_UNREF(t[1]);
	VIPS_UNREF(t[2]);
	return base;
}

/* An alpha band that is opaque everywhere (GIF always has one, many
 * PNGs too) is dropped, so the fallback is a JPEG, not a heavy PNG. */
static VipsImage *S_opaque(VipsImage *img)
{
	VipsImage *alpha = NULL, *rgb = NULL;
	double min = 0;
	int bands = vips_image_get_bands(img);

	if (!vips_image_hasalpha(img) ||
	    vips_extract_band(img, &alpha, bands - 1, NULL) != 0 ||
	    vips_min(alpha, &min, NULL) != 0 || min < 255.0 ||
	    vips_extract_band(img, &rgb, 0, "n", bands - 1, NULL) != 0) {
		VIPS_UNREF(alpha);
		return img;
	}
	g_object_unref(alpha);
	g_object_unref(img);
	return rgb;
}

static VipsImage *S_resized(VipsImage *base, int width)
{
	VipsImage *out;

	if (vips_image_get_width(base) == width) {
		g_object_ref(base);
		return base;
	}
	if (vips_thumbnail_image(base, &out, width, "height",
	    VIPS_MAX_COORD, NULL) != 0)
		return NULL;
	return out;
}

/* JPEG has no alpha: a picture with one is flattened on white. */
static int S_save_jpeg(VipsImage *img, void **data, size_t *len)
{
	VipsImage *flat = NULL;
	VipsArrayDouble *white;
	double w[] = { 255.0, 255.0, 255.0 };
	int rc;

	if (!vips_image_hasalpha(img))
		return vips_jpegsave_buffer(img, data, len, "Q", S_JPEG_Q,
		    "strip", TRUE, "optimize_coding", TRUE, "interlace", TRUE,
		    NULL);
	white = vips_array_double_new(w, 3);
	rc = vips_flatten(img, &flat, "background", white, NULL);
	vips_area_unref(VIPS_AREA(white));
	if (rc == 0)
		rc = S_save_jpeg(flat, data, len);
	VIPS_UNREF(flat);
	return rc;
}

/* picture_webp_strip: the saver's strip leaves an EXIF chunk (8.14.1). */
static int S_save_webp(VipsImage *img, void **data, size_t *len)
{
	if (vips_webpsave_buffer(img, data, len, "Q", S_WEBP_Q, "strip",
	    TRUE, NULL) != 0)
		return -1;
	if ((*len = picture_webp_strip(*data, *len)) != 0)
		return 0;
	vips_error("articled-picture", "the WebP saver's output is not "
	    "a WebP container");
	return -1;
}

static int S_save(VipsImage *img, enum picture_format format, void **data,
    size_t *len)
{
	switch (format) {
	case PICTURE_WEBP:
		return S_save_webp(img, data, len);
	case PICTURE_PNG:
		return vips_pngsave_buffer(img, data, len, "compression",
		    S_PNG_LEVEL, "strip", TRUE, NULL);
	case PICTURE_JPEG:
		return S_save_jpeg(img, data, len);
	}
	return -1;
}

static int S_variant(VipsImage *base, const struct picture_want *want,
    struct picture_variant *v)
{
	VipsImage *img = S_resized(base, want->width);
	int rc;

	if (img == NULL)
		return -1;
	v->format = want->format;
	v->width = vips_image_get_width(img);
	v->height = vips_image_get_height(img);
	rc = S_save(img, want->format, &v->data, &v->len);
	g_object_unref(img);
	return rc;
}

/* WebP holds at most 16383 pixels a side: a picture so tall for its
 * width that its widest variant would pass that is refused here, rather
 * than failing in the saver after the decode. */
#define S_WEBP_MAX	16383

static int S_too_tall(const struct picture_set *set, int widest,
    char *why, size_t whylen)
{
	long long h = ((long long)set->height * widest + set->width / 2) /
	    set->width;

	if (h <= S_WEBP_MAX)
		return 0;
	snprintf(why, whylen, "the picture is %d \u00d7 %d pixels: too tall "
	    "for its width (at most %d pixels high at %d wide)", set->width,
	    set->height, S_WEBP_MAX, widest);
	return PICTURE_REFUSED;
}

static int S_widest(const struct picture_want *want, size_t n)
{
	int w = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (want[i].width > w)
			w = want[i].width;
	return w;
}

/* A failure while encoding from memory is ours, not the picture's. */
static int S_failed(char *why, size_t whylen)
{
	char reason[200];

	S_vips_reason(reason, sizeof(reason));
	if (S_out_of_memory(reason))
		return PICTURE_MEMORY;
	snprintf(why, whylen, "the picture maker failed to encode a "
	    "variant (%s)", reason);
	return PICTURE_FAILED;
}

int picture_make(const void *buf, size_t len, long long max_pixels,
    struct picture_set *set, char *why, size_t whylen)
{
	struct picture_want want[PICTURE_VARIANTS_MAX];
	VipsImage *base;
	int icc = 0, rc;
	size_t n;

	memset(set, 0, sizeof(*set));
	if ((rc = S_header(buf, len, max_pixels, set, &icc, why, whylen)) != 0)
		return rc;
	/* The widths do not depend on alpha; the formats do. */
	n = picture_plan(set->width, 0, want);
	if ((rc = S_too_tall(set, S_widest(want, n), why, whylen)) != 0)
		return rc;
	if ((base = S_base(buf, len, S_widest(want, n), icc)) == NULL)
		return S_damaged(why, whylen);
	base = S_opaque(base);
	n = picture_plan(set->width, vips_image_hasalpha(base), want);
	for (rc = 0; set->n < n && rc == 0; set->n++)
		rc = S_variant(base, &want[set->n], &set->v[set->n]);
	g_object_unref(base);
	return rc == 0 ? 0 : S_failed(why, whylen);
}

void picture_set_free(struct picture_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		g_free(set->v[i].data);
	set->n = 0;
}
