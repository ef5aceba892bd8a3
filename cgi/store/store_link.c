/* store_link.c: reading (slug, title) rows into links, for every read
 * that returns links (store_search.c, store_related.c), and freeing
 * them (store_link.h). */
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "store/store_db.h"
#include "store/store_link.h"

void store_link_free(struct link *l)
{
	free(l->slug);
	free(l->title);
	memset(l, 0, sizeof(*l));
}

int store_links(sqlite3_stmt *st, const char *self, struct link *out,
    size_t max, size_t *n)
{
	const char *slug;
	size_t i;
	int rc;

	while ((rc = store_step_upto(st, *n, max)) == SQLITE_ROW) {
		slug = (const char *)sqlite3_column_text(st, 0);
		if (slug == NULL || (self != NULL && strcmp(slug, self) == 0))
			continue;
		for (i = 0; i < *n && strcmp(out[i].slug, slug) != 0; i++)
			;
		if (i < *n)
			continue;
		out[*n].slug = xstrdup(slug);
		out[*n].title = store_column_dup(st, 1, NULL);
		(*n)++;
	}
	sqlite3_reset(st);
	return rc;
}
