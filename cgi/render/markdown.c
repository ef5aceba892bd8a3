/* markdown.c: an article's Markdown as a page body, the one file that knows
 * cmark.  cmark's safe mode drops raw HTML and dangerous URLs, but what it
 * leaves is not always valid HTML (a second <h1>, <img src="">, <a> in <a>,
 * controls from numeric references such as &#1;).  One walk over the parsed
 * tree finds these, they are fixed in the tree, and only then does cmark
 * render: no HTML is rewritten after the fact. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "render/bound.h"
#include "lib/buf.h"
#include "render/excerpt.h"
#include "lib/media.h"
#include "render/picture.h"
#include "render/markdown.h"
#include "render/markdown_cmark.h"
#include "lib/text.h"
#include "render/url.h"

#define MD_PARSE_OPTS	(CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8)
#define MD_RENDER_OPTS	CMARK_OPT_SMART	/* not CMARK_OPT_UNSAFE */

/* Nodes the walk found to fix once it is over: the tree must not change
 * under an iterator. */
struct nodes {
	cmark_node	**v;
	size_t		  n;
	size_t		  cap;
};

struct walk {
	bool		 fix;		/* find what md_render fixes */
	struct nodes	 headings;
	struct nodes	 dirty;		/* blocks to rebuild */
	struct nodes	 raw;		/* HTML blocks to drop */
	struct nodes	 empty_links;	/* [](url): no text to name them */
	struct nodes	 boxes;		/* urgent-care boxes (alerts.h) */
	size_t		 in_box;	/* their text is never the excerpt */
	cmark_node	*block;		/* paragraph or heading */
	bool		 block_dirty;
	size_t		 links;		/* links we are inside */
	struct excerpt	 para;		/* first paragraph's text */
	struct excerpt	 head;		/* the first heading's */
	struct excerpt	*ex;		/* collecting, or NULL */
	struct word_count words;
};

/* Rebuilding a block: its inlines go, filtered, into a new one. */
struct copy {
	cmark_node	*cur;		/* where nodes are appended */
	cmark_node	*kept_link;	/* the link we are in, if kept */
	cmark_node	*alt_of;	/* dropped image we take text of */
	struct buf	 alt;
};

/*
 * Text.  The input was sanitized before parsing, but cmark decodes
 * numeric references afterwards: "&#1;" is U+0001, "&#x80;" a C1 control.
 */

/* Fills b with s cleaned and returns it, or NULL if s is clean. */
static const char *S_cleaned(const char *s, struct buf *b)
{
	size_t n;

	if (s == NULL || text_is_clean(s, n = strlen(s)))
		return NULL;
	text_sanitize(b, s, n);
	return buf_cstr(b);
}

/* A node's literal, title or fence info, cleaned in place. */
static void S_clean(cmark_node *node, const char *(*get)(cmark_node *),
    int (*set)(cmark_node *, const char *))
{
	struct buf b = BUF_INIT;
	const char *s;

	if ((s = S_cleaned(get(node), &b)) != NULL)
		set(node, s);
	buf_free(&b);
}
#define S_clean_literal(n) \
	S_clean((n), cmark_node_get_literal, cmark_node_set_literal)
#define S_clean_title(n) \
	S_clean((n), cmark_node_get_title, cmark_node_set_title)

static void S_clean_code_block(cmark_node *node)
{
	S_clean_literal(node);
	S_clean(node, cmark_node_get_fence_info, cmark_node_set_fence_info);
}

static void S_nodes_push(struct nodes *l, cmark_node *node)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(l->v[0]));
	}
	l->v[l->n++] = node;
}

/* The block we are in needs rebuilding (inlines appear only in
 * paragraphs and headings, so there is always one). */
static void S_mark_dirty(struct walk *w)
{
	if (!w->fix || w->block_dirty || w->block == NULL)
		return;
	w->block_dirty = true;
	S_nodes_push(&w->dirty, w->block);
}

/* The first paragraph, and the first heading, that give any text. */
static void S_walk_text_block(struct walk *w, cmark_node *node,
    cmark_event_type ev)
{
	bool heading = cmark_node_get_type(node) == CMARK_NODE_HEADING;

	if (ev == CMARK_EVENT_EXIT) {
		if (w->ex != NULL && w->ex->text.len > 0)
			w->ex->done = true;
		w->ex = NULL;
		return;
	}
	w->block = node;
	w->block_dirty = false;
	w->ex = heading ? &w->head : &w->para;
	if (w->ex->done || w->in_box > 0)
		w->ex = NULL;
}

static void S_walk_block(struct walk *w, cmark_node *node,
    cmark_event_type ev)
{
	w->words.in_word = false;
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_PARAGRAPH:
	case CMARK_NODE_HEADING:
		S_walk_text_block(w, node, ev);
		break;
	case CMARK_NODE_CODE_BLOCK:
		S_clean_code_block(node);
		break;
	case CMARK_NODE_HTML_BLOCK:
		if (w->fix)
			S_nodes_push(&w->raw, node);
		break;
	case CMARK_NODE_BLOCK_QUOTE:
		if (alerts_box_level(node) < 0)
			break;
		if (ev == CMARK_EVENT_ENTER)
			w->in_box++;
		else if (w->in_box > 0)	/* its text was cleaned since */
			w->in_box--;
		if (w->fix && ev == CMARK_EVENT_ENTER)
			S_nodes_push(&w->boxes, node);
		break;
	default:
		break;
	}
}

static void S_walk_inline(struct walk *w, cmark_node *node,
    cmark_event_type ev)
{
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_TEXT:
	case CMARK_NODE_CODE:
		S_clean_literal(node);
		excerpt_count_words(&w->words, cmark_node_get_literal(node));
		if (w->ex != NULL)
			excerpt_put(w->ex, cmark_node_get_literal(node));
		break;
	case CMARK_NODE_SOFTBREAK:
	case CMARK_NODE_LINEBREAK:
		w->words.in_word = false;
		if (w->ex != NULL)
			excerpt_put(w->ex, " ");
		break;
	case CMARK_NODE_HTML_INLINE:
	case CMARK_NODE_CUSTOM_INLINE:
		S_mark_dirty(w);
		break;
	case CMARK_NODE_LINK:
		if (ev == CMARK_EVENT_EXIT) {
			w->links--;
			break;
		}
		S_clean_title(node);
		if (w->links++ > 0 ||
		    (w->fix && !url_is_safe(cmark_node_get_url(node))))
			S_mark_dirty(w);
		else if (w->fix && cmark_node_first_child(node) == NULL)
			S_nodes_push(&w->empty_links, node);
		break;
	case CMARK_NODE_IMAGE:
		if (ev == CMARK_EVENT_EXIT)
			break;
		S_clean_title(node);
		if (w->fix && !url_is_safe(cmark_node_get_url(node)))
			S_mark_dirty(w);
		break;
	default:
		break;
	}
}

/* One pass: clean text, count words, take the excerpt and, for
 * md_render, find what to fix. */
static void S_walk(cmark_node *doc, struct walk *w)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	cmark_node *node;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(it);
		if (cmark_node_get_type(node) <= CMARK_NODE_LAST_BLOCK)
			S_walk_block(w, node, ev);
		else
			S_walk_inline(w, node, ev);
	}
	cmark_iter_free(it);
}

/* The page title is the only <h1>: the body's top level becomes <h2>, and
 * no heading is more than one level below the one before it. */
static void S_level_headings(const struct nodes *h)
{
	int min = 6, prev = 1, level;
	size_t i;

	for (i = 0; i < h->n; i++)
		if ((level = cmark_node_get_heading_level(h->v[i])) < min)
			min = level;
	for (i = 0; i < h->n; i++) {
		level = cmark_node_get_heading_level(h->v[i]) - min + 2;
		if (level > prev + 1)
			level = prev + 1;
		if (level > 6)
			level = 6;
		cmark_node_set_heading_level(h->v[i], level);
		prev = level;
	}
}

/* Inlines the iterator leaves with an exit event, even when empty. */
static bool S_has_exit(cmark_node_type type)
{
	return type == CMARK_NODE_EMPH || type == CMARK_NODE_STRONG ||
	    type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE ||
	    type == CMARK_NODE_CUSTOM_INLINE;
}

/* An empty copy of an emphasis, strong, link or image. */
static cmark_node *S_container_copy(cmark_node *node)
{
	cmark_node_type type = cmark_node_get_type(node);
	cmark_node *copy = cmark_node_new_with_mem(type, md_mem());

	if (type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE) {
		cmark_node_set_url(copy, cmark_node_get_url(node));
		cmark_node_set_title(copy, cmark_node_get_title(node));
	}
	return copy;
}

/* Inside a dropped image: its text becomes one text node. */
static void S_copy_alt(struct copy *c, cmark_node *node,
    cmark_event_type ev)
{
	cmark_node *text;

	if (node == c->alt_of) {
		c->alt_of = NULL;
		if (c->alt.len == 0)
			return;
		text = cmark_node_new_with_mem(CMARK_NODE_TEXT, md_mem());
		cmark_node_set_literal(text, buf_cstr(&c->alt));
		cmark_node_append_child(c->cur, text);
		return;
	}
	if (ev != CMARK_EVENT_ENTER)
		return;
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_TEXT:
	case CMARK_NODE_CODE:
		buf_puts(&c->alt, cmark_node_get_literal(node));
		break;
	case CMARK_NODE_SOFTBREAK:
	case CMARK_NODE_LINEBREAK:
		buf_putc(&c->alt, ' ');
		break;
	default:
		break;
	}
}

static void S_copy_enter(struct copy *c, cmark_node *node)
{
	cmark_node_type type = cmark_node_get_type(node);
	cmark_node *copy;

	switch (type) {
	case CMARK_NODE_HTML_INLINE:
	case CMARK_NODE_CUSTOM_INLINE:	/* raw output too; unwrapped */
		return;
	case CMARK_NODE_LINK:
		/* Unwrapped: its children go where it was.  An autolink
		 * in a link's text would make <a> in <a>. */
		if (c->kept_link != NULL ||
		    !url_is_safe(cmark_node_get_url(node)))
			return;
		c->kept_link = node;
		break;
	case CMARK_NODE_IMAGE:
		if (url_is_safe(cmark_node_get_url(node)))
			break;
		c->alt_of = node;
		buf_reset(&c->alt);
		return;
	default:
		break;
	}
	if (!S_has_exit(type)) {
		/* The iterator has stepped past a leaf: it may move. */
		cmark_node_append_child(c->cur, node);
		return;
	}
	copy = S_container_copy(node);
	cmark_node_append_child(c->cur, copy);
	c->cur = copy;
}

static void S_copy_exit(struct copy *c, cmark_node *node)
{
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_CUSTOM_INLINE:
		return;
	case CMARK_NODE_LINK:
		if (node != c->kept_link)
			return;
		c->kept_link = NULL;
		break;
	default:
		break;
	}
	c->cur = cmark_node_parent(c->cur);
}

/* Rebuilds from's inlines in the empty block to, leaving out raw HTML,
 * unsafe links (not their text) and unsafe images (but for their text).
 * Leaves move; containers are copied empty and filled.  cmark appends a
 * node without children in constant time, but checks one with children
 * for a cycle up to the root: moving those would be quadratic in a deeply
 * nested body. */
static void S_copy_inlines(cmark_node *from, cmark_node *to)
{
	struct copy c = { to, NULL, NULL, BUF_INIT };
	cmark_iter *it = cmark_iter_new(from);
	cmark_event_type ev;
	cmark_node *node;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(it);
		if (node == from)
			continue;
		if (c.alt_of != NULL)
			S_copy_alt(&c, node, ev);
		else if (ev == CMARK_EVENT_ENTER)
			S_copy_enter(&c, node);
		else
			S_copy_exit(&c, node);
	}
	cmark_iter_free(it);
	buf_free(&c.alt);
}

/* Replaces a paragraph or heading by a filtered one; a paragraph left
 * with nothing (it held only raw HTML) goes. */
static void S_rebuild(cmark_node *block)
{
	cmark_node_type type = cmark_node_get_type(block);
	cmark_node *copy = cmark_node_new_with_mem(type, md_mem());

	if (type == CMARK_NODE_HEADING)
		cmark_node_set_heading_level(copy,
		    cmark_node_get_heading_level(block));
	cmark_node_insert_before(block, copy);
	S_copy_inlines(block, copy);
	cmark_node_free(block);
	if (type == CMARK_NODE_PARAGRAPH &&
	    cmark_node_first_child(copy) == NULL)
		cmark_node_free(copy);	/* headings: S_collect_headings */
}

/* A link with no text has no name for a screen reader, and shows
 * nothing: let its address be its text. */
static void S_name_empty_links(const struct nodes *links)
{
	cmark_node *text;
	size_t i;

	for (i = 0; i < links->n; i++) {
		text = cmark_node_new_with_mem(CMARK_NODE_TEXT, md_mem());
		cmark_node_set_literal(text, cmark_node_get_url(links->v[i]));
		cmark_node_append_child(links->v[i], text);
	}
}

/* The headings as they stand after the rebuilds, less the empty ones
 * (a lone "#", or one that held only raw HTML): an empty heading is no
 * heading, and levelling without it leaves no gap. */
static void S_collect_headings(cmark_node *doc, struct nodes *keep,
    struct nodes *pictures)
{
	struct nodes empty = { NULL, 0, 0 };
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	cmark_node *node;
	size_t i;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(node) == CMARK_NODE_IMAGE &&
		    media_url_name(cmark_node_get_url(node)) != NULL)
			S_nodes_push(pictures, node);
		if (ev != CMARK_EVENT_ENTER ||
		    cmark_node_get_type(node) != CMARK_NODE_HEADING)
			continue;
		S_nodes_push(cmark_node_first_child(node) ? keep : &empty,
		    node);
	}
	cmark_iter_free(it);
	for (i = 0; i < empty.n; i++)
		cmark_node_free(empty.v[i]);
	free(empty.v);
}

/* Links named first, since a rebuild moves their text along; headings
 * last, as the rebuilds left them; pictures after the walk. */
static void S_fix(struct walk *w, cmark_node *doc)
{
	struct nodes pics = { NULL, 0, 0 };
	size_t i;
	int level;

	S_name_empty_links(&w->empty_links);
	for (i = 0; i < w->dirty.n; i++)
		S_rebuild(w->dirty.v[i]);
	for (i = 0; i < w->raw.n; i++)
		cmark_node_free(w->raw.v[i]);
	for (i = 0; i < w->boxes.n; i++)	/* still boxes after rebuilds */
		if ((level = alerts_box_level(w->boxes.v[i])) >= 0)
			alerts_make_box(w->boxes.v[i], level);
	S_collect_headings(doc, &w->headings, &pics);
	S_level_headings(&w->headings);
	md_mark_pictures(pics.v, pics.n);
	free(pics.v);
}

static void S_walk_init(struct walk *w, bool fix)
{
	memset(w, 0, sizeof(*w));
	w->fix = fix;
	buf_init(&w->para.text);
	buf_init(&w->head.text);
}

static void S_walk_free(struct walk *w)
{
	free(w->headings.v);
	free(w->dirty.v);
	free(w->raw.v);
	free(w->empty_links.v);
	free(w->boxes.v);
	buf_free(&w->para.text);
	buf_free(&w->head.text);
}

static void S_walk_result(const struct walk *w, struct md_page *p)
{
	excerpt_finish(w->para.done ? &w->para : &w->head, &p->excerpt);
	p->words = w->words.words;
}

/* cmark passes C0 controls through, which HTML forbids: clean first.
 * The parse (where cmark is quadratic) runs under the CPU bound: NULL
 * with *slow set when it passed it. */
static cmark_node *S_parse(const char *src, size_t len, int *slow)
{
	struct buf clean = BUF_INIT;
	cmark_parser *parser;
	cmark_node *doc;

	*slow = 0;
	text_sanitize(&clean, src, len);
	if (sigsetjmp(*bound_jmp(), 1) != 0) {
		bound_disarm();
		bound_reset();	/* the parser and half a tree, dropped */
		buf_free(&clean);
		*slow = 1;
		return NULL;
	}
	bound_arm(clean.len);
	parser = cmark_parser_new_with_mem(MD_PARSE_OPTS, md_mem());
	cmark_parser_feed(parser, buf_cstr(&clean), clean.len);
	doc = cmark_parser_finish(parser);
	bound_disarm();
	cmark_parser_free(parser);
	buf_free(&clean);
	return doc;
}

const char *md_rules(void)
{
	static char rules[64];

	if (rules[0] == '\0')
		snprintf(rules, sizeof(rules), "cmark %s; articled %d",
		    cmark_version_string(), MD_RULES_VERSION);
	return rules;
}

int md_render(const char *src, size_t len, struct md_page *p)
{
	struct walk w;
	cmark_node *doc;
	char *html;
	int slow;

	if ((doc = S_parse(src, len, &slow)) == NULL)
		return slow ? MD_SLOW : -1;
	S_walk_init(&w, true);
	S_walk(doc, &w);
	S_fix(&w, doc);
	html = cmark_render_html(doc, MD_RENDER_OPTS);	/* in the arena */
	if (html != NULL)
		buf_puts(&p->html, html);
	cmark_node_free(doc);
	bound_reset();
	if (html != NULL)
		S_walk_result(&w, p);
	S_walk_free(&w);
	return html != NULL ? 0 : -1;
}

int md_excerpt(const char *src, size_t len, struct md_page *p)
{
	struct walk w;
	cmark_node *doc;
	int slow;

	if ((doc = S_parse(src, len, &slow)) == NULL)
		return slow ? MD_SLOW : -1;
	S_walk_init(&w, false);
	S_walk(doc, &w);
	cmark_node_free(doc);
	bound_reset();
	S_walk_result(&w, p);
	S_walk_free(&w);
	return 0;
}
