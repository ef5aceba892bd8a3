/* picture.c: drawing the site's pictures (picture.h): <picture> with a
 * WebP srcset and a JPEG or PNG fallback, width and height so nothing
 * moves while it loads, lazy loading but for the page's first; a
 * placeholder of the picture's size while its sizes are being made; its
 * alt text as text when there is no such picture.  Never the original
 * bytes (they carry the camera's metadata) and never a broken image. */
#include <stdio.h>
#include <string.h>

#include "render/picture.h"
#include "store/store.h"
#include "store/store_media_read.h"
#include "lib/text.h"

#define MARK_OPEN	'\001'
#define MARK_ALT	'\002'
#define MARK_CLOSE	'\003'

/* The page's column: style.css's main is 42rem less 2rem of padding. */
#define SIZES_PAGE	"(max-width: 672px) calc(100vw - 32px), 640px"
#define SIZES_THUMB	"(max-width: 352px) calc(100vw - 32px), 320px"
#define SRC_MAX		960	/* the <img>'s own src: at most this wide */
#define PREVIEW_WIDTH	1200	/* og:image */
/* No size known yet: a 4:3 box. */
#define PENDING_W	960
#define PENDING_H	720

void picture_marker(struct buf *out, const char *name, const char *alt,
    size_t altlen)
{
	buf_putc(out, MARK_OPEN);
	buf_puts(out, name);
	buf_putc(out, MARK_ALT);
	text_escape_html(out, alt, altlen);
	buf_putc(out, MARK_CLOSE);
}

static void S_url(const struct picture_page *pg, int64_t version,
    const struct media_size *v, struct buf *out)
{
	struct media_key k = { version, v->width, v->format };
	char path[MEDIA_PATH_MAX];

	media_key_path(&k, path, sizeof(path));
	if (pg->base != NULL)
		buf_puts(out, pg->base);
	buf_puts(out, pg->root);
	buf_puts(out, path);
}

/* PNG when the maker made PNGs (the picture has alpha), else JPEG. */
static enum media_format S_fallback(const struct media_info *m)
{
	size_t i;

	for (i = 0; i < m->nv; i++)
		if (m->v[i].format == MEDIA_PNG)
			return MEDIA_PNG;
	return MEDIA_JPEG;
}

static int S_has(const struct media_info *m, enum media_format f, int width)
{
	size_t i;

	for (i = 0; i < m->nv; i++)
		if (m->v[i].format == f && (width == 0 || m->v[i].width == width))
			return 1;
	return 0;
}

/* Size i is in format f's srcset: every WebP; a fallback at the widths
 * WebP has (not the link preview's JPEG), or every one without WebP. */
static int S_in_set(const struct media_info *m, size_t i,
    enum media_format f)
{
	if (m->v[i].format != f)
		return 0;
	return f == MEDIA_WEBP || !S_has(m, MEDIA_WEBP, 0) ||
	    S_has(m, MEDIA_WEBP, m->v[i].width);
}

static void S_srcset(const struct picture_page *pg,
    const struct media_info *m, enum media_format f, struct buf *out)
{
	size_t i, n = 0;

	for (i = 0; i < m->nv; i++) {
		if (!S_in_set(m, i, f))
			continue;
		if (n++ > 0)
			buf_puts(out, ", ");
		S_url(pg, m->version, &m->v[i], out);
		buf_printf(out, " %dw", m->v[i].width);
	}
}

/* The <img>'s src: the widest fallback up to SRC_MAX, else the
 * narrowest (sizes come by width). */
static const struct media_size *S_src(const struct media_info *m,
    enum media_format f)
{
	const struct media_size *best = NULL;
	size_t i;

	for (i = 0; i < m->nv; i++)
		if (S_in_set(m, i, f) && (best == NULL ||
		    (m->v[i].width <= SRC_MAX && m->v[i].width > best->width)))
			best = &m->v[i];
	return best;
}

/* The page's first picture (a post's cover, else its first in the body)
 * is fetched first; every other one when it comes near. */
static void S_loading(struct picture_page *pg, enum picture_use use,
    struct buf *out)
{
	if (use != PICTURE_THUMB && pg->drawn++ == 0)
		buf_puts(out, " fetchpriority=\"high\" decoding=\"async\">");
	else
		buf_puts(out, " loading=\"lazy\" decoding=\"async\">");
}

/* The WebP sizes, for the browsers that take them (all of today's). */
static void S_source(const struct picture_page *pg, const struct media_info *m,
    const char *sizes, struct buf *out)
{
	buf_puts(out, "<source type=\"image/webp\" srcset=\"");
	S_srcset(pg, m, MEDIA_WEBP, out);
	buf_printf(out, "\" sizes=\"%s\">", sizes);
}

static void S_picture(struct picture_page *pg, const struct media_info *m,
    const char *alt, enum picture_use use, struct buf *out)
{
	enum media_format f = S_fallback(m);
	const struct media_size *src = S_src(m, f);
	const char *sizes = use == PICTURE_THUMB ? SIZES_THUMB : SIZES_PAGE;
	int known = m->width > 0 && m->height > 0;

	buf_puts(out, "<picture>");
	if (f != MEDIA_WEBP && S_has(m, MEDIA_WEBP, 0))
		S_source(pg, m, sizes, out);
	buf_puts(out, "<img src=\"");
	S_url(pg, m->version, src, out);
	buf_puts(out, "\" srcset=\"");
	S_srcset(pg, m, f, out);
	buf_printf(out, "\" sizes=\"%s\" width=\"%d\" height=\"%d\" alt=\"%s\"",
	    sizes, known ? m->width : src->width,
	    known ? m->height : src->height, alt);
	S_loading(pg, use, out);
	buf_puts(out, "</picture>");
}

/* The feed: one plain <img>, its address absolute. */
static void S_feed_img(struct picture_page *pg, const struct media_info *m,
    const char *alt, struct buf *out)
{
	const struct media_size *src = S_src(m, S_fallback(m));

	buf_puts(out, "<img src=\"");
	S_url(pg, m->version, src, out);
	buf_printf(out, "\" width=\"%d\" height=\"%d\" alt=\"%s\">",
	    src->width, src->height, alt);
}

/* Being made: a box of the picture's proportions holding its alt text. */
static void S_pending(const struct media_info *m, const char *alt,
    struct buf *out)
{
	int known = m->width > 0 && m->height > 0;
	int w = known ? m->width : PENDING_W, h = known ? m->height : PENDING_H;

	buf_printf(out, "<span class=\"picture-pending\" role=\"img\" "
	    "aria-label=\"%s\"><svg width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" aria-hidden=\"true\"></svg>"
	    "<span class=\"picture-alt\">%s</span></span>", alt, w, h, w, h,
	    alt);
}

/* No such picture, or one the maker refused: its text, never an <img>. */
static void S_missing(const char *alt, struct buf *out)
{
	if (alt[0] != '\0')
		buf_printf(out, "<span class=\"missing-picture\">%s</span>",
		    alt);
}

/* The Markdown's alt text (escaped), else the picture's own. */
static void S_alt(const char *alt_html, const struct media_info *m,
    struct buf *out)
{
	if (alt_html[0] != '\0')
		buf_puts(out, alt_html);
	else
		text_escape_html(out, m->alt, strlen(m->alt));
}

void picture_draw(struct picture_page *pg, const char *name,
    const char *alt_html, enum picture_use use, struct buf *out)
{
	struct media_info m;
	struct buf alt = BUF_INIT;
	enum store_rc rc = store_media_info(pg->store, name, &m);
	int ready = rc == STORE_OK && m.status == MEDIA_READY &&
	    S_src(&m, S_fallback(&m)) != NULL;

	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		pg->failed = 1;
	S_alt(alt_html, &m, &alt);
	if (ready && use == PICTURE_FEED)
		S_feed_img(pg, &m, buf_cstr(&alt), out);
	else if (ready)
		S_picture(pg, &m, buf_cstr(&alt), use, out);
	else if (rc == STORE_OK && m.status == MEDIA_PENDING &&
	    use != PICTURE_FEED)
		S_pending(&m, buf_cstr(&alt), out);
	else
		S_missing(buf_cstr(&alt), out);
	buf_free(&alt);
}

/* One marker at p (MARK_OPEN) drawn; returns what follows it.  A marker
 * cut short (it never is: markdown.c writes them whole) is dropped. */
static const char *S_marker(struct picture_page *pg, const char *p,
    const char *end, enum picture_use use, struct buf *out)
{
	const char *a = memchr(p, MARK_ALT, (size_t)(end - p));
	const char *z = a ? memchr(a, MARK_CLOSE, (size_t)(end - a)) : NULL;
	char name[MEDIA_NAME_MAX + 1];
	struct buf alt = BUF_INIT;

	if (z == NULL)
		return end;
	if ((size_t)(a - p - 1) <= MEDIA_NAME_MAX) {
		memcpy(name, p + 1, (size_t)(a - p - 1));
		name[a - p - 1] = '\0';
		buf_put(&alt, a + 1, (size_t)(z - a - 1));
		picture_draw(pg, name, buf_cstr(&alt), use, out);
	}
	buf_free(&alt);
	return z + 1;
}

void picture_compose(struct picture_page *pg, const char *html, size_t n,
    enum picture_use use, struct buf *out)
{
	const char *p = html, *end = html + n, *m;

	while ((m = memchr(p, MARK_OPEN, (size_t)(end - p))) != NULL) {
		buf_put(out, p, (size_t)(m - p));
		p = S_marker(pg, m, end, use, out);
	}
	buf_put(out, p, (size_t)(end - p));
}

int picture_preview(struct store *s, const char *base, const char *root,
    const char *name, struct picture_preview *pv)
{
	const struct media_size *best = NULL;
	struct media_key k;
	struct media_info m;
	char path[MEDIA_PATH_MAX];
	size_t i;

	if (name[0] == '\0' || store_media_info(s, name, &m) != STORE_OK ||
	    m.status != MEDIA_READY)
		return -1;
	for (i = 0; i < m.nv; i++)
		if (m.v[i].format == MEDIA_JPEG &&
		    m.v[i].width <= PREVIEW_WIDTH &&
		    (best == NULL || m.v[i].width > best->width))
			best = &m.v[i];
	if (best == NULL)
		return -1;
	k = (struct media_key){ m.version, best->width, MEDIA_JPEG };
	media_key_path(&k, path, sizeof(path));
	snprintf(pv->url, sizeof(pv->url), "%s%s%s", base, root, path);
	pv->width = best->width;
	pv->height = best->height;
	snprintf(pv->alt, sizeof(pv->alt), "%s", m.alt);
	return 0;
}
