/* feed.c: /feed.xml as Atom 1.0.  Entry ids are urn:uuid: URIs made from
 * views.key, the random number an article keeps for life, so a feed
 * reader sees the same entry after a title or slug change.  Links are
 * absolute, from base_url.  Content is the same sanitised HTML the post
 * shows, escaped as type="html". */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/address.h"
#include "lib/buf.h"
#include "render/alerts.h"
#include "render/feed.h"
#include "render/picture.h"
#include "render/markdown.h"
#include "render/render.h"
#include "lib/text.h"

void feed_xml_escape(struct buf *out, const char *s, size_t n)
{
	size_t i, from = out->len;

	text_escape_html(out, s, n);
	/* text_sanitize keeps form feed, which XML 1.0 does not allow (a
	 * single byte: never part of a longer UTF-8 sequence). */
	for (i = from; i < out->len; i++)
		if (out->data[i] == '\f')
			out->data[i] = ' ';
}

static void S_esc(struct buf *out, const char *s)
{
	feed_xml_escape(out, s, strlen(s));
}

int feed_date_ok(const char *iso)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t i;

	if (strlen(iso) != sizeof(shape) - 1 || strncmp(iso, "0000", 4) == 0)
		return 0;
	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? (iso[i] < '0' || iso[i] > '9') :
		    iso[i] != shape[i])
			return 0;
	return 1;
}

/* A UUID of version 8 (RFC 9562: bits the application chooses) holding
 * the 63-bit key, with a fixed node part so ids are recognisably ours. */
static void S_entry_id(struct buf *out, int64_t key)
{
	uint64_t k = (uint64_t)key;

	buf_printf(out, "urn:uuid:%08llx-%04llx-8%03llx-%04llx-61727469636c",
	    (unsigned long long)(k >> 32),
	    (unsigned long long)((k >> 16) & 0xffff),
	    (unsigned long long)((k >> 4) & 0xfff),
	    (unsigned long long)(0x8000 | (k & 0xf)));
}

static void S_head(const struct site *site, const char *stamp,
    struct buf *out)
{
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
	S_esc(out, site->lang);
	buf_puts(out, "\">\n<title type=\"text\">");
	S_esc(out, site->name);
	buf_puts(out, "</title>\n");
	if (site->tagline[0] != '\0') {
		buf_puts(out, "<subtitle type=\"text\">");
		S_esc(out, site->tagline);
		buf_puts(out, "</subtitle>\n");
	}
	buf_puts(out, "<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	S_esc(out, site->base_url);
	buf_puts(out, "/feed.xml\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	S_esc(out, site->base_url);
	buf_puts(out, "/blog\"/>\n<id>");
	S_esc(out, site->base_url);
	buf_puts(out, "/feed.xml</id>\n<updated>");
	buf_puts(out, feed_date_ok(stamp) ? stamp : "1970-01-01T00:00:00Z");
	buf_puts(out, "</updated>\n<author><name>");
	S_esc(out, site->name);
	buf_puts(out, "</name></author>\n<generator>articled</generator>\n");
}

/* The body with its pictures as plain <img>s, addresses absolute, and
 * its urgent-care boxes as plain quotes. */
static void S_content(struct store *st, const struct site *site,
    const struct md_page *md, struct buf *out)
{
	struct picture_page pg = { st, "", site->base_url, 0, 0 };
	struct buf html = BUF_INIT, boxed = BUF_INIT;
	const char *headings[ALERT__MAX];

	alerts_headings(site, headings);
	alerts_compose(md->html.data ? md->html.data : "", md->html.len,
	    headings, ALERT_FEED, &boxed);
	picture_compose(&pg, boxed.data ? boxed.data : "", boxed.len,
	    PICTURE_FEED, &html);
	buf_free(&boxed);
	feed_xml_escape(out, html.data ? html.data : "", html.len);
	buf_free(&html);
}

/* One entry, its content from the guarded render (render.h): an article
 * past the render bound is left out of the feed until it changes. */
static int S_entry(struct store *st, const struct site *site,
    const struct article *a, const char *stamp, struct buf *out)
{
	const char *published = feed_date_ok(a->published_at) ?
	    a->published_at : stamp;
	const char *updated = feed_date_ok(a->updated_at) &&
	    strcmp(a->updated_at, published) > 0 ? a->updated_at : published;
	struct md_page md;
	enum render_rc rc;

	md_page_init(&md);
	if ((rc = render_article(st, a, &md)) != RENDER_OK) {
		md_page_free(&md);
		return rc == RENDER_SLOW ? 0 : -1;
	}
	buf_puts(out, "<entry>\n<title type=\"text\">");
	S_esc(out, a->title);
	buf_puts(out, "</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	S_esc(out, site->base_url);
	buf_puts(out, ADDRESS_POST);
	S_esc(out, a->slug);
	buf_puts(out, "\"/>\n<id>");
	S_entry_id(out, a->key);
	buf_printf(out, "</id>\n<published>%s</published>\n"
	    "<updated>%s</updated>\n<summary type=\"text\">", published, updated);
	feed_xml_escape(out, md.excerpt.data ? md.excerpt.data : "",
	    md.excerpt.len);
	buf_puts(out, "</summary>\n<content type=\"html\">");
	S_content(st, site, &md, out);
	buf_puts(out, "</content>\n</entry>\n");
	md_page_free(&md);
	return 0;
}

int feed_atom(struct store *st, const struct site *site,
    const struct article *arts, size_t n, const char *stamp, struct buf *out)
{
	size_t i;

	if (!feed_date_ok(stamp))
		stamp = "1970-01-01T00:00:00Z";
	S_head(site, stamp, out);
	for (i = 0; i < n; i++)
		if (S_entry(st, site, &arts[i], stamp, out) != 0)
			return -1;
	buf_puts(out, "</feed>\n");
	return 0;
}
