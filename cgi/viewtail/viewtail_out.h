/* viewtail_out.h: what viewtail prints: the table with its sparklines,
 * the same as JSON, and one line per change while following.  Every
 * string from the database is cleaned by text.c on its way out. */
#ifndef ARTICLED_VIEWTAIL_OUT_H
#define ARTICLED_VIEWTAIL_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct buf;
struct vt_article;
struct snapshot;

/* Orders s most viewed first, then by slug (its ids no longer sorted). */
void	 vtout_sort(struct snapshot *s);

/* Terminal width: $COLUMNS, else the tty's, else 80. */
size_t	 vtout_columns(void);

void	 vtout_table(struct buf *out, const struct snapshot *s,
	    size_t columns);
void	 vtout_json(struct buf *out, const struct snapshot *s);

/* One line saying a's live total moved by delta at now (UTC). */
void	 vtout_change(struct buf *out, const struct vt_article *a,
	    int64_t delta, time_t now, int json);

/* Writes out to stdout and flushes; 0, or -1 after saying why. */
int	 vtout_write(const struct buf *out);

/* The table's last line: questions waiting and the oldest one's age. */
void	vtout_pending(struct buf *out, const struct snapshot *s, time_t now);
/* -f: the line printed when a patient's question arrives. */
void	vtout_question(struct buf *out, const struct snapshot *s, time_t now,
	    int json);

#endif
