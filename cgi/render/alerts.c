/* alerts.c: urgent-care boxes (alerts.h): found in cmark's tree when a
 * body is rendered, drawn when a page or the feed is.  Every heading goes
 * through the one HTML escape; the box's content is cmark's, rendered
 * under the same rules as any quote. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "render/alerts.h"
#include "render/markdown_cmark.h"
#include "lib/text.h"
#include "store/store.h"

#define MARK_START	'\016'
#define MARK_END	'\017'

static const struct {
	const char	*marker;	/* between "[!" and "]" */
	const char	*setting;
	const char	*heading;	/* the UK default */
	const char	*word;		/* the level, said in words */
	const char	*cls;
} S_levels[ALERT__MAX] = {
	{ "999", "urgent.999", "Call 999 or go to A&E now if:",
	    "Emergency", "urgent-999" },
	{ "111", "urgent.111",
	    "Call 111 or ask for an urgent GP appointment if:", "Urgent",
	    "urgent-111" },
	{ "GP", "urgent.gp", "See a GP if:", "Not urgent", "urgent-gp" },
};

int alerts_level(const char *s, size_t n)
{
	size_t i;

	if (n < 4 || memcmp(s, "[!", 2) != 0 || s[n - 1] != ']')
		return -1;
	for (i = 0; i < ALERT__MAX; i++)
		if (strlen(S_levels[i].marker) == n - 3 &&
		    strncasecmp(s + 2, S_levels[i].marker, n - 3) == 0)
			return (int)i;
	return -1;
}

const char *alerts_setting(enum alert_level level)
{
	return S_levels[level].setting;
}

const char *alerts_default(enum alert_level level)
{
	return S_levels[level].heading;
}

void alerts_open_marker(enum alert_level level, char *out, size_t outlen)
{
	snprintf(out, outlen, "%c%c%c", MARK_START, '0' + (int)level,
	    MARK_END);
}

/* ---- in cmark's tree -------------------------------------------------- */

/* The first line of quote's first paragraph, when it is text alone. */
int alerts_box_level(cmark_node *quote)
{
	cmark_node *para = cmark_node_first_child(quote), *t;
	char line[16];
	size_t n = 0, len;
	const char *lit;

	if (para == NULL || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
		return -1;
	for (t = cmark_node_first_child(para);
	    t != NULL && cmark_node_get_type(t) == CMARK_NODE_TEXT;
	    t = cmark_node_next(t)) {
		lit = cmark_node_get_literal(t);
		len = lit != NULL ? strlen(lit) : 0;
		if (n + len >= sizeof(line))
			return -1;
		memcpy(line + n, lit, len);
		n += len;
	}
	if (t != NULL && cmark_node_get_type(t) != CMARK_NODE_SOFTBREAK &&
	    cmark_node_get_type(t) != CMARK_NODE_LINEBREAK)
		return -1;
	return alerts_level(line, n);
}

/* The marker's text and the line break after it go; an emptied
 * paragraph too. */
static void S_drop_marker(cmark_node *para)
{
	cmark_node *t;
	int text = 1;

	while (text && (t = cmark_node_first_child(para)) != NULL) {
		text = cmark_node_get_type(t) == CMARK_NODE_TEXT;
		cmark_node_free(t);
	}
	if (cmark_node_first_child(para) == NULL)
		cmark_node_free(para);
}

/* An empty box of level: a custom block between the box's markers. */
static cmark_node *S_box(int level)
{
	cmark_node *box = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK,
	    md_mem());
	char open[8];

	alerts_open_marker((enum alert_level)level, open, sizeof(open));
	cmark_node_set_on_enter(box, open);
	cmark_node_set_on_exit(box, ALERTS_CLOSE_MARKER);
	return box;
}

void alerts_make_box(cmark_node *quote, int level)
{
	cmark_node *box = S_box(level), *child;

	S_drop_marker(cmark_node_first_child(quote));
	while ((child = cmark_node_first_child(quote)) != NULL)
		cmark_node_append_child(box, child);
	cmark_node_replace(quote, box);
	cmark_node_free(quote);
}

void alerts_headings(const struct site *site,
    const char *heading[ALERT__MAX])
{
	size_t i;

	for (i = 0; i < ALERT__MAX; i++)
		heading[i] = store_clinic_get(site, S_levels[i].setting);
}

/* ---- drawn ------------------------------------------------------------ */

struct compose {
	const char *const	*heading;
	unsigned		 boxes;	/* ids on the page */
	struct buf		*out;
};

static void S_heading(const struct compose *c, int level)
{
	const char *h = c->heading[level] != NULL ? c->heading[level] :
	    S_levels[level].heading;

	text_escape_html(c->out, h, strlen(h));
}

/* In the feed: a plain quote whose first line is its heading. */
static void S_quote(struct compose *c, int level)
{
	buf_puts(c->out, "<blockquote>\n<p><strong>");
	S_heading(c, level);
	buf_puts(c->out, "</strong></p>");
}

/* On a page: a note labelled by its heading, which says the level. */
static void S_note(struct compose *c, int level)
{
	c->boxes++;
	buf_printf(c->out, "<div class=\"urgent %s\" role=\"note\" "
	    "aria-labelledby=\"urgent-%u\">\n<p class=\"urgent-heading\" "
	    "id=\"urgent-%u\"><strong class=\"urgent-level\">%s:</strong> ",
	    S_levels[level].cls, c->boxes, c->boxes, S_levels[level].word);
	S_heading(c, level);
	buf_puts(c->out, "</p>");
}

void alerts_compose(const char *html, size_t n,
    const char *const heading[ALERT__MAX], enum alert_use use,
    struct buf *out)
{
	struct compose c = { heading, 0, out };
	const char *p = html, *end = html + n, *m;

	while ((m = memchr(p, MARK_START, (size_t)(end - p))) != NULL &&
	    end - m >= 3 && m[2] == MARK_END) {
		buf_put(out, p, (size_t)(m - p));
		if (m[1] == '/')
			buf_puts(out, use == ALERT_FEED ? "</blockquote>" :
			    "</div>");
		else if (m[1] >= '0' && m[1] < '0' + ALERT__MAX)
			(use == ALERT_FEED ? S_quote : S_note)(&c, m[1] - '0');
		p = m + 3;
	}
	buf_put(out, p, (size_t)(end - p));
}
