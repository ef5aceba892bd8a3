/* viewtail_data.h: what viewtail reads: every article from the database,
 * read-only in one transaction, with its live total from the counter
 * file.  viewtail_data.c is the only viewtail file that includes SQLite. */
#ifndef ARTICLED_VIEWTAIL_DATA_H
#define ARTICLED_VIEWTAIL_DATA_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define VT_DAYS		14	/* days in the sparkline, today last */
#define VT_STMTS	7	/* statements viewtail_data.c prepares */

struct sqlite3;
struct sqlite3_stmt;
struct counter;

struct vt_article {
	int64_t	 id;
	char	*slug;		/* owned, slug_len bytes */
	size_t	 slug_len;
	char	*title;		/* owned, title_len bytes */
	size_t	 title_len;
	int	 draft;
	int64_t	 key;		/* views.key, the counter slot; 0: none */
	int64_t	 total;		/* views.total as of the last fold */
	int64_t	 folded;	/* views.folded: counter folded so far */
	int64_t	 imported;	/* views.imported: from before the site */
	int64_t	 live;		/* total plus the unfolded counter */
	int64_t	 days[VT_DAYS];	/* oldest first; today (last) is live */
	int64_t	 pending;	/* patients' questions waiting (comments) */
	int64_t	 oldest;	/* the oldest one's arrival (Unix time); 0: none */
};

/* The articles at one instant, by id ascending; owns its articles. */
struct snapshot {
	struct vt_article	*art;
	size_t		 n;
	size_t		 cap;
	int64_t		 pending;	/* questions waiting, site-wide */
	int64_t		 oldest;	/* the oldest's arrival; 0: none */
	int64_t		 newest;	/* the last one's id: arrivals move it */
};

/* What one run holds: the connection with its statements and the counter
 * file, each with the inode it was opened from, so that a file replaced
 * under a follower is noticed and reopened. */
struct tail {
	const char		*db_path;
	char			 counter_path[4096];
	struct sqlite3		*db;
	struct sqlite3_stmt	*stmt[VT_STMTS];
	dev_t			 db_dev;
	ino_t			 db_ino;
	struct counter		*counter;
	dev_t			 counter_dev;
	ino_t			 counter_ino;
	int			 counter_bad;	/* inode is no counter file */
	int			 json;
	int			 follow;
	char			 err[1024];	/* why the last call failed */
	char			 said[1024];	/* last told while following */
};

/* Opens t->db_path read-only and prepares every statement; refuses
 * (-1, t->err says why) anything but our schema at the version we know. */
int	 vtdata_open(struct tail *t);
void	 vtdata_close(struct tail *t);

/* True when the path no longer names the file the connection reads. */
int	 vtdata_replaced(const struct tail *t);

/* Reads every article (with_days: and its last VT_DAYS days) into s with
 * live totals; 0, or -1 with t->err set and s empty.  The caller frees s
 * with vtdata_free. */
int	 vtdata_load(struct tail *t, struct snapshot *s, int with_days,
	    time_t now);
void	 vtdata_free(struct snapshot *s);

/* The article with this id in s (sorted by id), or NULL. */
struct vt_article	*vtdata_find(const struct snapshot *s, int64_t id);

/* Counts are the owner's numbers (views.imported is typed by hand), so
 * sums saturate rather than overflow. */
int64_t	 vtdata_add(int64_t a, int64_t b);
int64_t	 vtdata_sub(int64_t a, int64_t b);

#endif
