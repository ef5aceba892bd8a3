/* layout.h: the templates a site is drawn with and the vocabulary each
 * may use, the constructors of template values, and the site's layout
 * around every page (name, contacts, canonical link). */
#ifndef ARTICLED_LAYOUT_H
#define ARTICLED_LAYOUT_H

#include <stddef.h>
#include <string.h>

#include "render/template.h"

struct buf;
struct site;

/* layout.html around list.html, post.html, error.html, search.html,
 * people.html and contact.html; each checked
 * against its vocabulary when loaded, so a typo fails at start-up. */
struct templates {
	struct tmpl	*layout;
	struct tmpl	*list;
	struct tmpl	*post;
	struct tmpl	*error;
	struct tmpl	*search;
	struct tmpl	*people;	/* /people/<slug> */
	struct tmpl	*contact;	/* /contact */
};

/* Loads and checks every template in dir.  NULL with "FILE:LINE: why" in
 * err. */
struct templates *templates_load(const char *dir, char *err, size_t errlen);
void		 templates_free(struct templates *t);

/* What every page is drawn with.  root is "" under FastCGI; under CGI
 * the script's path, which starts every link. */
struct layout {
	const struct templates	*tmpl;
	const struct site	*site;
	const char		*root;
	const char		*today;		/* 2025-12-24: the footer's closures */
	const struct tctx	*most_read;	/* the 404 page's links, or NULL */
	size_t			 nmost_read;
};

/* The page's own part of the layout. */
struct picture_preview;

struct page_head {
	const char	*title;
	const char	*description;
	const char	*path;		/* for the canonical link; NULL: none */
	int		 is_home;
	const char	*query;		/* the search box's text; NULL: none */
	int		 noindex;	/* robots: do not index (search pages) */
	const char	*published;	/* an article's published_at; NULL: none */
	const char	*jsonld;	/* its JSON-LD (jsonld.h); NULL: none */
	const struct picture_preview *image;	/* its cover; NULL: the site's */
};

/* Renders inner (with its values) inside layout.html into out; slots as
 * tmpl_render.  0, or -1 when a template fails (see tmpl_render). */
int	layout_render(const struct layout *l, const struct tmpl *inner,
	    const struct tval *vals, size_t nvals, const struct page_head *h,
	    struct buf *out, size_t *slots, size_t nslots);

/* "2024-03-12T09:00:00Z" as "12 March 2024". */
void	layout_human_date(const char *iso, char *out, size_t outlen);

/* One constructor per kind; the fields a kind does not use stay 0. */
static inline struct tval tv_text(const char *name, const char *s)
{
	return (struct tval){ .name = name, .kind = TVAL_TEXT, .s = s,
	    .n = strlen(s) };
}

static inline struct tval tv_html(const char *name, const char *s, size_t n)
{
	return (struct tval){ .name = name, .kind = TVAL_HTML, .s = s,
	    .n = n };
}

static inline struct tval tv_slot(const char *name, int slot)
{
	return (struct tval){ .name = name, .kind = TVAL_SLOT, .slot = slot };
}

static inline struct tval tv_bool(const char *name, int b)
{
	return (struct tval){ .name = name, .kind = TVAL_BOOL, .b = b };
}

static inline struct tval tv_list(const char *name, const struct tctx *items,
    size_t n)
{
	return (struct tval){ .name = name, .kind = TVAL_LIST, .items = items,
	    .nitems = n };
}

static inline struct tval tv_sub(const char *name, const struct tmpl *t)
{
	return (struct tval){ .name = name, .kind = TVAL_TMPL, .tmpl = t };
}

#endif
