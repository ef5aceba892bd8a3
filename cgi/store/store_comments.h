/* store_comments.h: patients' questions and the clinic's replies as the
 * pages see them (store_comments.c; table comments in schema.sql).  A
 * question is written in one short transaction with a bounded wait for
 * the lock, so a POST never holds readers up. */
#ifndef ARTICLED_STORE_COMMENTS_H
#define ARTICLED_STORE_COMMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* What the form needs of a post. */
struct comment_article {
	int64_t	 id;
	char	 title[512];
	int	 closed;		/* articles.comments = 'closed' */
	char	 published_at[32];
};

/* The comments. settings (setting_keys gives the defaults). */
struct comment_settings {
	int	 open;			/* comments.open = 'yes' */
	char	 notice[512];
	long	 max_length, close_after_days, pending_cap, per_minute;
	long	 gap_seconds, per_hour, purge_after_days;
};

/* One published comment; strings owned, freed by store_comments_free. */
struct comment {
	int64_t	 id;
	int64_t	 parent;		/* 0: a question */
	char	*name;
	char	*body;
	char	*created_at;
	int	 by_clinic;
};

enum comment_put {
	COMMENT_STORED,
	COMMENT_TOO_MANY,	/* comments.per_minute reached, site-wide */
	COMMENT_PAUSED,		/* comments.pending_cap reached */
	COMMENT_DUPLICATE,	/* the same question on the same post */
	COMMENT_BUSY,		/* the lock stayed held: try in a minute */
	COMMENT_FAILED,		/* the database refused (logged) */
};

enum store_rc	store_comment_article(struct store *s, const char *slug,
		    const char *now, struct comment_article *a);
enum store_rc	store_comment_settings(struct store *s,
		    struct comment_settings *cs);
/* The post's published comments, questions each followed by replies. */
enum store_rc	store_comments(struct store *s, int64_t article,
		    struct comment **out, size_t *n);
void		store_comments_free(struct comment *c, size_t n);
/* The secret of day (2024-05-01).  With make set and none there, it
 * is made with the next day's (so that midnight needs no write) and the
 * days before drop are deleted, in one try that never waits for the
 * lock (a reader's answer makes it).  STORE_NOTFOUND: none. */
enum store_rc	store_comment_key(struct store *s, const char *day,
		    const char *next, const char *drop, int make,
		    unsigned char key[16]);
/* Stores a pending question after the site-wide checks; *id its
 * number.  since: now minus a minute (ISO-8601 UTC).  In the same
 * transaction, with secure_delete on, deletes the questions rejected
 * before purge. */
enum comment_put store_comment_put(struct store *s, int64_t article,
		    const char *name, const char *body, const char *since,
		    const char *purge, const struct comment_settings *cs,
		    int64_t *id);

#endif
