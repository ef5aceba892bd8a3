/* store_search.h: the reads behind search, tag pages and what is shown
 * under a post (its tags, the older and newer article, related ones) and
 * on the no-results and 404 pages (the most read).  Every string is owned
 * by the struct it is in and freed by its _free function. */
#ifndef ARTICLED_STORE_SEARCH_H
#define ARTICLED_STORE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "store/store_link.h"

/* One search result.  title and snippet carry \1 and \2 around each
 * matched word (SQLite's highlight() and snippet()), nothing else added:
 * the caller escapes the text and then turns them into <mark>. */
struct hit {
	char	*slug;
	char	*title;
	char	*published_at;
	char	*snippet;
};

/* Up to max hits for fts (an FTS5 query built by search_query.c), best
 * first from offset, published at now only. */
enum store_rc	 store_search(struct store *s, const char *fts,
		    const char *now, size_t offset, struct hit *out,
		    size_t max, size_t *n);
void		 store_hit_free(struct hit *h);

/* The listing key of every visible article with tag, newest first. */
enum store_rc	 store_tag_keys(struct store *s, const char *tag,
		    const char *now, struct list_key **keys, size_t *nkeys);
/* Up to max articles with tag at or after key from, newest first. */
enum store_rc	 store_tag_list(struct store *s, const char *tag,
		    const char *now, const struct list_key *from,
		    uint64_t generation, struct article *out, size_t max,
		    size_t *n);

#define POST_TAGS_MAX	16	/* shown under a post; more are not shown */
#define RELATED_MAX	3

/* What is shown under an article. */
struct post_more {
	char		*tags[POST_TAGS_MAX];
	size_t		 ntags;
	struct link	 older;		/* published before it */
	struct link	 newer;
	struct link	 related[RELATED_MAX];
	size_t		 nrelated;
};

/* Fills m for article a; titles is a's title words as FTS5 strings
 * ('"w" "w" ...', search_title_query), or "" for none. */
enum store_rc	 store_post_more(struct store *s, const struct article *a,
		    const char *titles, const char *now, struct post_more *m);
void		 store_post_more_free(struct post_more *m);

/* Up to max published articles, the most read first. */
enum store_rc	 store_most_read(struct store *s, const char *now,
		    struct link *out, size_t max, size_t *n);

#endif
