/* excerpt.h: an article's excerpt and word count, built from the text
 * the Markdown walk hands over, piece by piece. */
#ifndef ARTICLED_EXCERPT_H
#define ARTICLED_EXCERPT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

#define EXCERPT_MAX	200	/* code points, before the "…" */

/* Text with whitespace collapsed, kept to EXCERPT_MAX + 1 code points:
 * the one extra tells that the text must be cut, and where. */
struct excerpt {
	struct buf	 text;
	size_t		 cps;		/* code points in text */
	bool		 space;		/* pending whitespace */
	bool		 done;		/* a block gave text: stop */
};

/* Appends s, collapsing whitespace, until one code point too many. */
void	excerpt_put(struct excerpt *ex, const char *s);
/* The text into out; text too long is cut at its last space, or else
 * before its extra code point, and marked with an ellipsis. */
void	excerpt_finish(const struct excerpt *ex, struct buf *out);

/* Words: runs of anything but whitespace, counted across pieces. */
struct word_count {
	size_t	 words;
	bool	 in_word;
};
void	excerpt_count_words(struct word_count *wc, const char *s);

#endif
