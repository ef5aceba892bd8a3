/* store_people.c: the clinic's people (who wrote and reviewed each
 * article, /people/<slug>) and its clinic. settings, each the owner's
 * value or the default setting_keys lists (schema version 8). */
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "store/store_db.h"

static char *S_text(sqlite3_stmt *st, int col)
{
	char *v = store_column_dup(st, col, NULL);

	return v != NULL ? v : xstrdup("");
}

void store_person_free(struct person *p)
{
	free(p->slug);
	free(p->name);
	free(p->credentials);
	free(p->role);
	free(p->bio);
	free(p->photo);
	free(p->reg_body);
	free(p->reg_number);
	free(p->reg_url);
	memset(p, 0, sizeof(*p));
}

/* PERSON_COLUMNS (store_sql.c) from column 1 on. */
static void S_person_from_row(sqlite3_stmt *st, struct person *p)
{
	store_person_free(p);
	p->slug = S_text(st, 1);
	p->name = S_text(st, 2);
	p->credentials = S_text(st, 3);
	p->role = S_text(st, 4);
	p->bio = S_text(st, 5);
	p->photo = S_text(st, 6);
	p->reg_body = S_text(st, 7);
	p->reg_number = S_text(st, 8);
	p->reg_url = S_text(st, 9);
}

enum store_rc store_clinic(struct store *s, struct site *site)
{
	sqlite3_stmt *st = store_stmt(s, STMT_CLINIC_SETTINGS);
	struct contact *c;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		site->clinic = xrealloc(site->clinic,
		    (site->nclinic + 1) * sizeof(*site->clinic));
		c = &site->clinic[site->nclinic++];
		c->name = S_text(st, 0);
		memmove(c->name, c->name + 7, strlen(c->name + 7) + 1);
		c->phone = S_text(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(s, rc);
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
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		out[*n].slug = S_text(st, 0);
		out[*n].title = S_text(st, 1);
		out[*n].published_at = S_text(st, 2);
		(*n)++;
	}
	if (*n == max)
		rc = SQLITE_DONE;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	while (*n > 0)
		store_person_article_free(&out[--(*n)]);
	return store_rc_of(s, rc);
}
