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
	/* Readers and sources as of the last fold (viewtail_readers.c). */
	int64_t	 readers_today;
	int64_t	 reader_days7;	/* the sum of the last 7 days' readers */
	struct vt_source *src;	/* today's sources, owned */
	size_t	 nsrc;
	int64_t	 pending;	/* patients' questions waiting (comments) */
	int64_t	 oldest;	/* the oldest one's arrival (Unix time); 0: none */
};

struct vt_source {
	char	 name[64];
	int64_t	 views;
};

/* The site's readers: today's, and the days of the last 7 whose figure
 * is not exact (lower bound: the day's table was full; restarted: more
 * than one key that day, so a reader may be counted more than once). */
#define VT_WEEK_DAYS	7
struct vt_site_readers {
	int64_t	 today;
	int64_t	 days7;
	int	 today_lower_bound;
	int	 today_restarted;
	int	 nflagged;
	char	 flagged[VT_WEEK_DAYS][11];
	int	 flagged_lower_bound[VT_WEEK_DAYS];
	int	 flagged_restarted[VT_WEEK_DAYS];
};

/* The articles at one instant, by id ascending; owns its articles. */
struct snapshot {
	struct vt_article	*art;
	size_t		 n;
	size_t		 cap;
	struct vt_site_readers readers;
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
	int			 sources;	/* --sources [slug] */
	const char		*sources_slug;
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

/* The first and last (today) of the last VT_WEEK_DAYS UTC days. */
void	 vtdata_week(time_t now, char first[11], char last[11]);
/* The article with this id in s (sorted by id), or NULL. */
struct vt_article	*vtdata_find(const struct snapshot *s, int64_t id);

/* One row of vtdata_rows: each column as text (NULL for NULL) and as an
 * integer. */
#define VT_ROW_COLS	4
struct vt_row {
	const char	*text[VT_ROW_COLS];
	int64_t		 num[VT_ROW_COLS];
};
typedef void	 vt_row_fn(void *arg, const struct vt_row *row);
/* Runs sql (its ?1.. bound to binds) inside the current read, calling fn
 * for each row: 0, or -1 with t->err set. */
int	 vtdata_rows(struct tail *t, const char *sql, const char *const *binds,
	    int nbinds, vt_row_fn *fn, void *arg);

/* Counts are the owner's numbers (views.imported is typed by hand), so
 * sums saturate rather than overflow. */
int64_t	 vtdata_add(int64_t a, int64_t b);
int64_t	 vtdata_sub(int64_t a, int64_t b);

#endif
