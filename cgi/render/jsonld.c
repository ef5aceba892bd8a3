/* jsonld.c: JSON-LD for a post.  Every string goes through one escape,
 * jsonld_string, which writes only ASCII: the script element ends at the
 * first "</script" whatever the JSON says, so "<" never appears raw, and
 * U+2028/2029 (line terminators to older JavaScript) are escaped too. */
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "render/jsonld.h"
#include "lib/text.h"

static void S_code_point(struct buf *out, unsigned cp)
{
	if (cp >= 0x10000) {	/* a surrogate pair */
		cp -= 0x10000;
		buf_printf(out, "\\u%04x\\u%04x", 0xd800 + (cp >> 10),
		    0xdc00 + (cp & 0x3ff));
		return;
	}
	buf_printf(out, "\\u%04x", cp);
}

void jsonld_string(struct buf *out, const char *s, size_t n)
{
	struct buf clean = BUF_INIT;
	const unsigned char *p;
	size_t i, len;
	unsigned cp;

	text_sanitize(&clean, s, n);	/* every sequence is valid after */
	p = (const unsigned char *)(clean.data ? clean.data : "");
	buf_putc(out, '"');
	for (i = 0; i < clean.len; i += len) {
		len = text_utf8_next(p + i, clean.len - i, &cp);
		if (len == 0) {
			len = 1;
			cp = 0xfffd;
		}
		if (cp == '"' || cp == '\\') {
			buf_putc(out, '\\');
			buf_putc(out, (char)cp);
		} else if (cp >= 0x20 && cp < 0x7f && cp != '<' && cp != '>' &&
		    cp != '&' && cp != '\'') {
			buf_putc(out, (char)cp);
		} else {
			S_code_point(out, cp);
		}
	}
	buf_putc(out, '"');
	buf_free(&clean);
}

static void S_str(struct buf *out, const char *s)
{
	jsonld_string(out, s, strlen(s));
}

static void S_key(struct buf *out, const char *key, const char *value)
{
	buf_printf(out, ",\"%s\":", key);
	S_str(out, value);
}

void jsonld_image_url(const struct site *site, struct buf *out)
{
	if (site->image[0] == '/')
		buf_puts(out, site->base_url);
	buf_puts(out, site->image);
}

static void S_publisher(const struct site *site, struct buf *out)
{
	size_t i;

	buf_puts(out, ",\"publisher\":{\"@type\":\"MedicalClinic\"");
	S_key(out, "name", site->name);
	S_key(out, "url", site->base_url);
	if (site->ncontacts > 0) {
		buf_puts(out, ",\"telephone\":[");
		for (i = 0; i < site->ncontacts; i++) {
			if (i > 0)
				buf_putc(out, ',');
			S_str(out, site->contacts[i].phone);
		}
		buf_putc(out, ']');
	}
	buf_putc(out, '}');
}

void jsonld_post(const struct site *site, const struct article *a,
    const char *description, const char *path, const char *cover,
    const char *more, struct buf *out)
{
	struct buf url = BUF_INIT, image = BUF_INIT;

	buf_puts(&url, site->base_url);
	buf_puts(&url, path);
	if (cover != NULL)
		buf_puts(&image, cover);
	else
		jsonld_image_url(site, &image);
	buf_puts(out, "{\"@context\":\"https://schema.org\","
	    "\"@type\":\"BlogPosting\"");
	S_key(out, "headline", a->title);
	S_key(out, "description", description);
	S_key(out, "url", buf_cstr(&url));
	S_key(out, "mainEntityOfPage", buf_cstr(&url));
	S_key(out, "datePublished", a->published_at);
	S_key(out, "dateModified", a->updated_at);
	S_key(out, "inLanguage", site->lang);
	if (image.len > 0)
		S_key(out, "image", buf_cstr(&image));
	buf_puts(out, ",\"author\":{\"@type\":\"Organization\"");
	S_key(out, "name", site->name);
	buf_putc(out, '}');
	S_publisher(site, out);
	if (a->reviewed_on[0] != '\0')
		S_key(out, "lastReviewed", a->reviewed_on);
	if (a->reviewed_by[0] != '\0') {
		buf_puts(out, ",\"reviewedBy\":{\"@type\":\"Person\"");
		S_key(out, "name", a->reviewed_by);
		buf_putc(out, '}');
	}
	if (more != NULL)
		buf_puts(out, more);
	buf_putc(out, '}');
	buf_free(&url);
	buf_free(&image);
}
