/* store_read.c: what the pages read: site_version.rev (mostly without
 * touching SQLite), the settings, an article (the list pages' reads are
 * store_list.c's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/counter.h"
#include "lib/log.h"
#include "store/store_db.h"

/* site_version lost its row (the owner dropped its guard and deleted
 * it): pages are still served, from a rev of 0, with one line per
 * process; the next fold puts a fresh row back, whose new rev drops
 * whatever was cached meanwhile. */
static enum store_rc S_rev_missing(struct store *s, int64_t *rev)
{
	if (!s->rev_missing)
		log_line("%s: site_version has no row; serving on, and "
		    "articled's next fold puts it back", s->path);
	s->rev_missing = 1;
	*rev = 0;
	return STORE_OK;
}

/* site_version.rev by a plain read (no WAL-index shortcut); the SQLite
 * result code: SQLITE_ROW with *rev set, SQLITE_DONE when the row is gone. */
int store_read_rev(struct store *s, int64_t *rev)
{
	sqlite3_stmt *st = store_stmt(s, STMT_SITE_REV);
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*rev = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc;
}

/* A read of site_version costs a read transaction (two fcntl locks on
 * DB-shm and ~4,500 instructions); most requests skip it, since nothing
 * can have changed while the WAL-index header has not.  The header is
 * copied before the read, so a commit racing with it shows next time. */
enum store_rc store_site_rev(struct store *s, int64_t *rev)
{
	unsigned char hdr[48];
	size_t i;
	int rc;

	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	if (s->shm != NULL) {
		for (i = 0; i < sizeof(hdr); i++)
			hdr[i] = s->shm[i];
		if (s->rev_valid && memcmp(hdr, s->shm_seen, sizeof(hdr)) == 0) {
			*rev = s->rev_seen;
			return STORE_OK;
		}
	}
	rc = store_read_rev(s, rev);
	if (rc == SQLITE_ROW && s->shm != NULL) {
		memcpy(s->shm_seen, hdr, sizeof(hdr));
		s->rev_seen = *rev;
		s->rev_valid = 1;
	} else if (rc == SQLITE_ROW && s->wal) {
		store_map_shm(s);	/* from the next request on */
	}
	if (rc == SQLITE_DONE)
		return S_rev_missing(s, rev);
	if (rc == SQLITE_ROW)
		s->rev_missing = 0;
	return rc == SQLITE_ROW ? STORE_OK : store_rc_of(s, rc);
}

static void S_site_set(struct site *site, const char *key, char *value)
{
	char **field = NULL;

	if (strcmp(key, "site_name") == 0)
		field = &site->name;
	else if (strcmp(key, "tagline") == 0)
		field = &site->tagline;
	else if (strcmp(key, "base_url") == 0)
		field = &site->base_url;
	else if (strcmp(key, "description") == 0)
		field = &site->description;
	else if (strcmp(key, "lang") == 0)
		field = &site->lang;
	else if (strcmp(key, "image") == 0)
		field = &site->image;
	if (field != NULL) {
		free(*field);
		*field = value;
		return;
	}
	if (strncmp(key, "contact:", 8) == 0 && key[8] != '\0') {
		site->contacts = xrealloc(site->contacts,
		    (site->ncontacts + 1) * sizeof(*site->contacts));
		site->contacts[site->ncontacts].name = xstrdup(key + 8);
		site->contacts[site->ncontacts].phone = value;
		site->ncontacts++;
		return;
	}
	free(value);	/* a key of a later version: ignore */
}

static void S_site_defaults(struct site *site)
{
	if (site->name == NULL)
		site->name = xstrdup("Articles");
	if (site->tagline == NULL)
		site->tagline = xstrdup("");
	if (site->base_url == NULL)
		site->base_url = xstrdup("");
	if (site->description == NULL)
		site->description = xstrdup("");
	if (site->image == NULL)
		site->image = xstrdup("");
	if (site->lang == NULL || site->lang[0] == '\0') {
		free(site->lang);
		site->lang = xstrdup("en");
	}
}

enum store_rc store_site(struct store *s, struct site *site)
{
	sqlite3_stmt *st;
	int rc;

	memset(site, 0, sizeof(*site));
	if (s->db == NULL) {
		/* A worker started while the database is away still shows
		 * its 503 page in the layout, which needs every field. */
		S_site_defaults(site);
		return STORE_UNAVAILABLE;
	}
	st = store_stmt(s, STMT_SETTINGS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		S_site_set(site, (const char *)sqlite3_column_text(st, 0) ?
		    (const char *)sqlite3_column_text(st, 0) : "",
		    store_column_dup(st, 1, NULL));
	sqlite3_reset(st);
	S_site_defaults(site);
	if (rc == SQLITE_DONE && store_clinic(s, site) != STORE_OK)
		rc = SQLITE_ERROR;
	if (rc != SQLITE_DONE) {
		store_site_free(site);
		S_site_defaults(site);
		return store_rc_of(s, rc);
	}
	return STORE_OK;
}

void store_site_free(struct site *site)
{
	size_t i;

	free(site->name);
	free(site->tagline);
	free(site->base_url);
	free(site->description);
	free(site->lang);
	free(site->image);
	for (i = 0; i < site->ncontacts; i++) {
		free(site->contacts[i].name);
		free(site->contacts[i].phone);
	}
	free(site->contacts);
	for (i = 0; i < site->nclinic; i++) {
		free(site->clinic[i].name);
		free(site->clinic[i].phone);
	}
	free(site->clinic);
	for (i = 0; i < site->nclosures; i++)
		free(site->closures[i].note);
	free(site->closures);
	memset(site, 0, sizeof(*site));
}

/* The columns of article_renders from col on (all NULL: no row). */
static void S_stored_from_row(sqlite3_stmt *st, int col,
    struct stored_render *r)
{
	memset(r, 0, sizeof(*r));
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return;
	r->present = 1;
	r->hash = sqlite3_column_int64(st, col);
	r->len = sqlite3_column_int64(st, col + 1);
	r->rules = store_column_dup(st, col + 2, NULL);
	if (sqlite3_column_type(st, col + 3) != SQLITE_NULL)
		r->html = store_column_dup(st, col + 3, &r->html_len);
	r->excerpt = store_column_dup(st, col + 4, NULL);
	r->words = sqlite3_column_int64(st, col + 5);
	r->slow = sqlite3_column_int(st, col + 6) != 0;
}

void store_article_from_row(sqlite3_stmt *st, struct article *a)
{
	a->key = sqlite3_column_int64(st, 0);
	a->base = counter_base(sqlite3_column_int64(st, 1),
	    sqlite3_column_int64(st, 2), sqlite3_column_int(st, 3));
	a->slug = store_column_dup(st, 4, NULL);
	a->title = store_column_dup(st, 5, NULL);
	a->body = store_column_dup(st, 6, &a->body_len);
	a->published_at = store_column_dup(st, 7, NULL);
	a->updated_at = store_column_dup(st, 8, NULL);
	a->id = sqlite3_column_int64(st, 9);
	S_stored_from_row(st, 10, &a->stored);
	a->reviewed_on = store_column_dup(st, 17, NULL);
	a->reviewed_by = store_column_dup(st, 18, NULL);
	a->cover = store_column_dup(st, 19, NULL);
}

void store_article_free(struct article *a)
{
	free(a->slug);
	free(a->title);
	free(a->body);
	free(a->published_at);
	free(a->updated_at);
	free(a->stored.rules);
	free(a->stored.html);
	free(a->stored.excerpt);
	free(a->reviewed_on);
	free(a->reviewed_by);
	free(a->cover);
	memset(a, 0, sizeof(*a));
}

enum store_rc store_article(struct store *s, const char *slug,
    const char *now, uint64_t generation, struct article *a)
{
	sqlite3_stmt *st;
	int rc;

	memset(a, 0, sizeof(*a));
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = store_stmt(s, STMT_ARTICLE);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)generation);
	sqlite3_bind_text(st, 2, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		store_article_from_row(st, a);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : store_rc_of(s, rc);
}

enum store_rc store_text_at(struct store *s, enum stmt which,
    const char *now, char *out, size_t outlen)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	int rc;

	out[0] = '\0';
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = store_stmt(s, which);
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (t = sqlite3_column_text(st, 0)) != NULL)
		snprintf(out, outlen, "%s", (const char *)t);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : store_rc_of(s, rc);
}

enum store_rc store_next_publish(struct store *s, const char *now,
    char *out, size_t outlen)
{
	return store_text_at(s, STMT_NEXT_PUBLISH, now, out, outlen);
}
