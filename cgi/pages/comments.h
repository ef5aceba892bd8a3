/* comments.h: patients' questions under each post.  The published ones
 * and the question form are drawn into the cached post page
 * (pages_comments_view.c), with one hole: the form's token, made per
 * answer like the live counts, so a page cached for hours never carries
 * an old one.  The form's POST, the thank-you page and the refused form
 * are pages_comments.c's; none of them counts as a view. */
#ifndef ARTICLED_COMMENTS_H
#define ARTICLED_COMMENTS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/buf.h"
#include "store/store_comments.h"

struct article;
struct pages;
struct ratelimit;
struct tmpl;

/* A worker's: the comments. settings, today's key, its one page shape. */
struct comments_state {
	unsigned long		 changes;	/* site changes the settings are of */
	int			 loaded;
	struct comment_settings	 cs;
	char			 day[16];	/* the cached key's day */
	unsigned char		 key[16];
	int			 have_key;
	unsigned long		 key_changes;	/* site changes it was read at */
	time_t			 purged;	/* the last purge of rejected ones */
	struct tmpl		*page;		/* "{{{html}}}" inside the layout */
	struct ratelimit	*limit;		/* FastCGI: the master's; else NULL */
};

void	comments_state_free(struct comments_state *cs);
/* The settings as of this request (reread when the site changed). */
const struct comment_settings *comments_settings(struct pages *p);

/* Where the token goes in a drawn post: comments_section writes this
 * marker, and comments_take_mark removes it, returning its offset
 * (SIZE_MAX when the page has no form). */
#define COMMENTS_TOKEN_MARK	"\001articled-form-token\001"
size_t	comments_take_mark(struct buf *page);

/* The time ago seconds before this request's, ISO-8601 UTC. */
void	comments_iso_ago(const struct pages *p, time_t ago, char out[32]);
/* Whether questions are closed on a post (closed: articles.comments
 * says so; published_at: for comments.close_after_days). */
int	comments_closed(struct pages *p, int closed, const char *published_at);

/* The post's comments and form as HTML into html, its JSON-LD members
 * (commentCount, comment) into jsonld and "2 comments" into count.
 * 0, or -1 when the database failed. */
int	comments_section(struct pages *p, const struct article *a,
	    struct buf *html, struct buf *jsonld, char *count, size_t countlen);
/* The form fields, for a post page and a refused form: name and text
 * kept, message (NULL: none) said first, token written as given. */
struct comment_form {
	const char	*action;	/* the POST's address */
	const char	*token;
	const char	*name, *text;
	const char	*message;
};
void	comments_form(struct pages *p, const struct comment_form *f,
	    struct buf *out);

/* The form's token for article, made now (TOKEN_BAD's when there is no
 * key to make it with). */
#define COMMENTS_TOKEN_MAX	48
void	comments_token(struct pages *p, int64_t article, char *out,
	    size_t outlen);
enum token_check {
	TOKEN_OK,
	TOKEN_BAD,	/* not one this site made */
	TOKEN_FAST,	/* sent under COMMENTS_MIN_SECONDS after its form */
	TOKEN_OLD,	/* its form is over a day old */
};
#define COMMENTS_MIN_SECONDS	3
#define COMMENTS_MAX_SECONDS	(24 * 3600)
enum token_check comments_token_check(struct pages *p, int64_t article,
	    const char *token);

#endif
