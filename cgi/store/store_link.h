/* store_link.h: an article as a link (its slug and title), the row the
 * reads under a post and on the 404 page return (store_search.h); read
 * by store_links (store_db.h), freed by store_link_free (store_link.c). */
#ifndef ARTICLED_STORE_LINK_H
#define ARTICLED_STORE_LINK_H

/* An article as a link: where it lives and what it is called. */
struct link {
	char	*slug;		/* NULL: no such article */
	char	*title;
};

void	store_link_free(struct link *l);

#endif
