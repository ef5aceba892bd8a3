/* picture.h: the site's pictures as a page draws them (issue 9).  A
 * body's stored render holds, for each ![alt](/media/NAME), a marker of
 * control bytes no other HTML of ours can hold (markdown.c cleans them
 * out of all text); a page replaces each, when it is drawn, by what the
 * picture is now: its sizes in <picture>, a placeholder of its size while
 * they are being made, or its alt text when there is no such picture.
 * Pages are drawn once per change of the site (the page cache), and
 * every change of a picture moves site_version.rev. */
#ifndef ARTICLED_PICTURE_H
#define ARTICLED_PICTURE_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/media.h"

struct store;

/* How a picture is drawn: in a body or as a post's cover (the page's
 * width), small on a list, or as a plain <img> with absolute addresses in
 * the feed. */
enum picture_use { PICTURE_BODY, PICTURE_COVER, PICTURE_THUMB, PICTURE_FEED };

/* One page being drawn. */
struct picture_page {
	struct store	*store;
	const char	*root;		/* before every address (CGI), or "" */
	const char	*base;		/* the site's base_url: the feed's */
	unsigned	 drawn;		/* the first is loaded first, eagerly */
	int		 failed;	/* a read failed: do not keep the page */
};

/* The marker of picture name with alt text alt (plain text). */
void	picture_marker(struct buf *out, const char *name, const char *alt,
	    size_t altlen);

/* Appends html (n bytes) to out, each marker drawn as use says. */
void	picture_compose(struct picture_page *pg, const char *html, size_t n,
	    enum picture_use use, struct buf *out);

/* Appends picture name drawn as use says; alt_html (escaped) "" for the
 * picture's own alt text. */
void	picture_draw(struct picture_page *pg, const char *name,
	    const char *alt_html, enum picture_use use, struct buf *out);

/* A link preview's picture (og:image): the absolute address of the
 * picture's 1200 px JPEG (or its widest JPEG up to that). */
struct picture_preview {
	char	url[1024];
	int	width;
	int	height;
	char	alt[MEDIA_ALT_MAX];	/* plain text */
};

/* 0 with pv filled when picture name is ready; -1 otherwise. */
int	picture_preview(struct store *s, const char *base, const char *root,
	    const char *name, struct picture_preview *pv);

#endif
