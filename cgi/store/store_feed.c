/* store_feed.c: what the feed, the sitemap and old addresses read: an
 * old slug's article (slug_history), the feed's Last-Modified, and the
 * sitemap's addresses.  The feed's articles come from store_list. */
#include <stdio.h>
#include <string.h>

#include "store/store_db.h"

enum store_rc store_slug_moved(struct store *s, const char *slug,
    char *out, size_t outlen)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	int rc;

	out[0] = '\0';
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = store_stmt(s, STMT_SLUG_MOVED);
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (t = sqlite3_column_text(st, 0)) != NULL)
		snprintf(out, outlen, "%s", (const char *)t);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : store_rc_of(s, rc);
}

enum store_rc store_feed_stamp(struct store *s, const char *now, char *out,
    size_t outlen)
{
	return store_text_at(s, STMT_FEED_STAMP, now, out, outlen);
}

static enum store_rc S_urls(struct store *s, enum stmt which,
    const char *now, store_url_fn *each, void *arg)
{
	sqlite3_stmt *st = store_stmt(s, which);
	const unsigned char *path, *mod;
	int rc;

	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		path = sqlite3_column_text(st, 0);
		mod = sqlite3_column_text(st, 1);
		if (path != NULL)
			each((const char *)path, mod ? (const char *)mod : "",
			    arg);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(s, rc);
}

/* The articles and tags, then the clinic's people and contact page. */
enum store_rc store_sitemap_urls(struct store *s, const char *now,
    store_url_fn *each, void *arg)
{
	enum store_rc rc;

	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	if ((rc = S_urls(s, STMT_SITEMAP_URLS, now, each, arg)) != STORE_OK)
		return rc;
	return S_urls(s, STMT_SITEMAP_PEOPLE, now, each, arg);
}
