/* store_people.c: the clinic's people (who wrote and reviewed each
 * article, /people/<slug>) and its clinic. settings, each the owner's
 * value or the default setting_keys lists (schema version 8). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "store/store_db.h"

static char *S_text(sqlite3_stmt *st, int col)
{
	char *v = store_column_dup(st, col, NULL);

	return v != NULL ? v : xstrdup("");
}

/* The person's strings, in the order of PERSON_COLUMNS (store_sql.c). */
#define PERSON_FIELDS	9
static void S_fields(struct person *p, char **f[PERSON_FIELDS])
{
	char **all[PERSON_FIELDS] = { &p->slug, &p->name, &p->credentials,
	    &p->role, &p->bio, &p->photo, &p->reg_body, &p->reg_number,
	    &p->reg_url };

	memcpy(f, all, sizeof(all));
}

void store_person_free(struct person *p)
{
	char **f[PERSON_FIELDS];
	size_t i;

	S_fields(p, f);
	for (i = 0; i < PERSON_FIELDS; i++)
		free(*f[i]);
	memset(p, 0, sizeof(*p));
}

/* PERSON_COLUMNS (store_sql.c) from column 1 on. */
static void S_person_from_row(sqlite3_stmt *st, struct person *p)
{
	char **f[PERSON_FIELDS];
	size_t i;

	store_person_free(p);
	S_fields(p, f);
	for (i = 0; i < PERSON_FIELDS; i++)
		*f[i] = S_text(st, (int)i + 1);
}

static void S_closure_from_row(sqlite3_stmt *st, struct closure *c)
{
	const unsigned char *a = sqlite3_column_text(st, 0);
	const unsigned char *b = sqlite3_column_text(st, 1);

	snprintf(c->starts, sizeof(c->starts), "%s", a ? (const char *)a : "");
	snprintf(c->ends, sizeof(c->ends), "%s", b ? (const char *)b : "");
	c->note = S_text(st, 2);
}

static enum store_rc S_closures(struct store *s, struct site *site)
{
	sqlite3_stmt *st = store_stmt(s, STMT_CLOSURES);
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		site->closures = xrealloc(site->closures,
		    (site->nclosures + 1) * sizeof(*site->closures));
		S_closure_from_row(st, &site->closures[site->nclosures++]);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(s, rc);
}

/* A clinic. setting, without its prefix. */
static void S_clinic_from_row(sqlite3_stmt *st, struct contact *c)
{
	c->name = S_text(st, 0);
	memmove(c->name, c->name + 7, strlen(c->name + 7) + 1);
	c->phone = S_text(st, 1);
}

enum store_rc store_clinic(struct store *s, struct site *site)
{
	sqlite3_stmt *st = store_stmt(s, STMT_CLINIC_SETTINGS);
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		site->clinic = xrealloc(site->clinic,
		    (site->nclinic + 1) * sizeof(*site->clinic));
		S_clinic_from_row(st, &site->clinic[site->nclinic++]);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_rc_of(s, rc);
	return S_closures(s, site);
}

const char *store_clinic_get(const struct site *site, const char *name)
{
	size_t i;

	for (i = 0; i < site->nclinic; i++)
		if (strcmp(site->clinic[i].name, name) == 0)
			return site->clinic[i].phone;
	return NULL;
}

enum store_rc store_article_people(struct store *s, int64_t id,
    struct person *author, struct person *reviewer)
{
	sqlite3_stmt *st;
	int rc;

	memset(author, 0, sizeof(*author));
	memset(reviewer, 0, sizeof(*reviewer));
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = store_stmt(s, STMT_ARTICLE_PEOPLE);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		S_person_from_row(st, sqlite3_column_int(st, 0) == 0 ?
		    author : reviewer);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(s, rc);
}

enum store_rc store_person(struct store *s, const char *slug,
    struct person *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = store_stmt(s, STMT_PERSON);
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		S_person_from_row(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : store_rc_of(s, rc);
}

void store_person_article_free(struct person_article *pa)
{
	free(pa->slug);
	free(pa->title);
	free(pa->published_at);
	memset(pa, 0, sizeof(*pa));
}

static void S_article_from_row(sqlite3_stmt *st, struct person_article *pa)
{
	pa->slug = S_text(st, 0);
	pa->title = S_text(st, 1);
	pa->published_at = S_text(st, 2);
}

enum store_rc store_person_articles(struct store *s, const char *slug,
    const char *now, size_t offset, struct person_article *out,
    size_t max, size_t *n)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE;

	*n = 0;
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = store_stmt(s, STMT_PERSON_ARTICLES);
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)offset);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		S_article_from_row(st, &out[(*n)++]);
	if (*n == max)
		rc = SQLITE_DONE;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	while (*n > 0)
		store_person_article_free(&out[--(*n)]);
	return store_rc_of(s, rc);
}
