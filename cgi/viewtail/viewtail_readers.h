/* viewtail_readers.h: readers and sources in viewtail: beside each
 * article's views (today's readers, the last 7 days' reader-days), the
 * site's readers with the days whose figure is not exact, each source of
 * a burst while following, and the --sources table. */
#ifndef ARTICLED_VIEWTAIL_READERS_H
#define ARTICLED_VIEWTAIL_READERS_H

#include <time.h>

struct buf;
struct snapshot;
struct tail;
struct vt_article;

/* The lines under the table: the site's readers, flagged days, and what
 * is not counted. */
void	 vtreaders_footer(struct buf *out, const struct snapshot *s);
/* Whether a's readers or sources moved since prev (NULL: new): views
 * are live, readers and sources reach the database at the next fold, so
 * -f prints a line for them then too (with +0 views). */
int	 vtreaders_moved(const struct vt_article *a,
	    const struct vt_article *prev);
/* After a -f line: the article's readers today and the sources that
 * grew since prev (NULL: all of today's). */
void	 vtreaders_change(struct buf *out, const struct vt_article *a,
	    const struct vt_article *prev, int json);

/* --sources [slug]: views by source, today and the last 7 days, for one
 * article or the whole site.  Exit status 0 or 1. */
int	 vtreaders_sources(struct tail *t, time_t now);

#endif
