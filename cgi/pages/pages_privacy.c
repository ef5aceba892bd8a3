/* pages_privacy.c: /privacy, what articled counts and keeps, in plain
 * words (templates/privacy.html), and at the end the clinic's own, from
 * the readers.privacy_note setting.  Not cached: it is small and rare.
 * Statuses: 200, 500 when it cannot be drawn, 503 when the database
 * cannot be read. */
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/text.h"
#include "pages/layout.h"
#include "pages/handlers.h"
#include "pages/pages_int.h"
#include "http/response.h"
#include "store/store_readers.h"

/* Plain text to paragraphs: a blank line starts a new one. */
static void S_paragraphs(const char *text, struct buf *out)
{
	const char *p = text, *end;
	size_t n;

	while (*p != '\0') {
		while (*p == '\n' || *p == '\r' || *p == ' ')
			p++;
		if (*p == '\0')
			break;
		end = strstr(p, "\n\n");
		if (end == NULL)
			end = strstr(p, "\r\n\r\n");
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		buf_puts(out, "<p>");
		text_escape_html(out, p, n);
		buf_puts(out, "</p>\n");
		p += n;
	}
}

void pages_privacy(struct pages *p, const struct page_req *q)
{
	struct page_head head = { 0 };
	struct buf note = BUF_INIT;
	struct tval v[2];
	char *text = NULL;

	if (pages_down(p, q))
		return;
	if (store_setting(p->site.store, "readers.privacy_note", &text) !=
	    STORE_OK) {
		pages_failed(p, q);
		return;
	}
	if (text != NULL)
		S_paragraphs(text, &note);
	free(text);
	v[0] = tv_html("note", note.len ? buf_cstr(&note) : "", note.len);
	v[1] = tv_bool("has_note", note.len > 0);
	head.title = "Privacy";
	head.description = "What this site counts, what it keeps and for how "
	    "long: no cookies, and nothing that identifies you.";
	head.path = "/privacy";
	q->resp->status = 200;
	if (layout_render(&p->look, p->tmpl->privacy, v, 2, &head,
	    &q->resp->body, NULL, 0) != 0)
		pages_error(p, q, 500, NULL);
	buf_free(&note);
}
