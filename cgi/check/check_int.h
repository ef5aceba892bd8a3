/* check_int.h: what the files of articled check share, and nothing
 * else includes: the state of one run (struct check_ctx) and the rules.
 * check.c runs it and prints; check_article.c holds the rules;
 * check_text.c reads the body's text (health claims, headings and
 * markers as written); check_flag.c keeps the article's problems. */
#ifndef ARTICLED_CHECK_INT_H
#define ARTICLED_CHECK_INT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "store/store.h"
#include "store/store_check.h"

#define CHECK_TITLE_MAX		60	/* what search results show */
#define CHECK_DESCRIPTION_MAX	160
#define CHECK_WAITING_DAYS	3

/* The names a body may point to, each list sorted. */
struct check_names {
	char	**v;
	char	**status;	/* pictures: 'pending', 'ready', 'refused' */
	size_t	  n;
	size_t	  cap;
};

struct check_waiting {
	int64_t	 id;
	int	 count;
};

struct check_ctx {
	const struct site	*site;
	char			 today[11];
	int			 review_months;
	struct check_names	 names[3];	/* by enum check_name */
	char			**phrases;	/* health claims, lower case */
	size_t			 nphrases;
	struct check_waiting	*waiting;
	size_t			 nwaiting;
	int			 comments;	/* the comments table exists */
	/* The article being checked: its problems, as "kind\tdetail". */
	char			**problems;
	size_t			 nproblems;
};

/* Adds a problem of the current article (check_flag.c). */
void	check_flag(struct check_ctx *c, const char *kind, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));

/* Every rule on row, whose body rendered to html (and excerpt)
 * (check_article.c). */
void	check_article(struct check_ctx *c, const struct check_row *row,
	    const char *html, size_t html_len, const char *excerpt);

/* The name's status if it is in list kind, else NULL. */
const char *check_name_status(const struct check_ctx *c,
	    enum check_name kind, const char *name, size_t len);

/* check_text.c: health-claim phrases in html's text, each with its
 * sentence; headings and urgent-care markers as the Markdown wrote them. */
void	check_claims(struct check_ctx *c, const char *html, size_t len);
void	check_markdown(struct check_ctx *c, const char *md, size_t len);
/* The default phrases and the owner's (clinic.claim_words) into c. */
void	check_phrases(struct check_ctx *c);

#endif
