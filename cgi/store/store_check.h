/* store_check.h: what articled check reads (store_check.c), in one read
 * transaction, never writing: each article with its stored render, the
 * names a body may point to, and the questions waiting for moderation
 * when the comments table exists.  Strings are borrowed: valid during
 * the callback only. */
#ifndef ARTICLED_STORE_CHECK_H
#define ARTICLED_STORE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct check_row {
	int64_t		 id;
	const char	*slug;		/* "" until it has one */
	const char	*title;
	const char	*body;
	size_t		 body_len;
	const char	*reviewed_on;	/* "" when never */
	const char	*author;	/* "" when none */
	const char	*cover;		/* "" when none */
	const char	*cover_alt;	/* NULL: no such picture */
	int		 draft;
	struct stored_render stored;	/* present 0: none stored */
};

enum check_name { CHECK_SLUG, CHECK_OLD_SLUG, CHECK_PICTURE };

typedef void	check_row_fn(const struct check_row *r, void *arg);
typedef void	check_name_fn(enum check_name kind, const char *name,
		    const char *status, void *arg);

/* Opens the read transaction the rest reads in; store_check_end ends it. */
enum store_rc	 store_check_begin(struct store *s);
void		 store_check_end(struct store *s);
enum store_rc	 store_check_names(struct store *s, check_name_fn *each,
		    void *arg);
enum store_rc	 store_check_articles(struct store *s, check_row_fn *each,
		    void *arg);
/* Calls each(article id, count) for the questions waiting for
 * moderation for more than days days.  *present 0: there is no comments
 * table (or not one this check knows: article_id, status 'pending',
 * created_at), and nothing was called. */
typedef void	check_waiting_fn(int64_t id, int count, void *arg);
enum store_rc	 store_check_waiting(struct store *s, int days,
		    check_waiting_fn *each, void *arg, int *present);

#endif
