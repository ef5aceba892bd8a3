/* store_media_read.c: pictures as pages and /media/ read them
 * (store_media_read.h).  A size's bytes are read into the answer with
 * sqlite3_blob_read: a column read would first gather the blob's
 * overflow pages into a buffer of SQLite's, then be copied again. */
#include <string.h>

#include "store/store_db.h"
#include "store/store_media_read.h"

static enum media_status S_status(const unsigned char *s)
{
	if (s != NULL && strcmp((const char *)s, "ready") == 0)
		return MEDIA_READY;
	if (s != NULL && strcmp((const char *)s, "refused") == 0)
		return MEDIA_REFUSED;
	return MEDIA_PENDING;
}

static void S_info_row(sqlite3_stmt *st, struct media_info *m)
{
	const unsigned char *alt = sqlite3_column_text(st, 4);
	size_t n = (size_t)sqlite3_column_bytes(st, 4);

	m->version = sqlite3_column_int64(st, 0);
	m->status = S_status(sqlite3_column_text(st, 1));
	m->width = sqlite3_column_int(st, 2);
	m->height = sqlite3_column_int(st, 3);
	if (alt == NULL || n >= sizeof(m->alt))
		n = alt == NULL ? 0 : sizeof(m->alt) - 1;
	memcpy(m->alt, alt ? (const char *)alt : "", n);
	m->alt[n] = '\0';
}

/* One size from a row (NULL columns: the LEFT JOIN found none). */
static void S_variant_row(sqlite3_stmt *st, struct media_info *m)
{
	const unsigned char *fmt = sqlite3_column_text(st, 5);
	int f = fmt ? media_format_of((const char *)fmt) : -1;
	struct media_size *v;

	if (f < 0 || m->nv == MEDIA_VARIANTS_MAX)
		return;
	v = &m->v[m->nv++];
	v->format = (enum media_format)f;
	v->width = sqlite3_column_int(st, 6);
	v->height = sqlite3_column_int(st, 7);
}

enum store_rc store_media_info(struct store *s, const char *name,
    struct media_info *m)
{
	sqlite3_stmt *st;
	int rc, found = 0;

	memset(m, 0, sizeof(*m));
	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	st = store_stmt(s, STMT_MEDIA_INFO);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (found++ == 0)
			S_info_row(st, m);
		S_variant_row(st, m);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_rc_of(s, rc);
	return found ? STORE_OK : STORE_NOTFOUND;
}

/* The rowid of size k, or 0. */
static enum store_rc S_variant_id(struct store *s, const struct media_key *k,
    sqlite3_int64 *id)
{
	sqlite3_stmt *st = store_stmt(s, STMT_MEDIA_VARIANT);
	int rc;

	sqlite3_bind_int64(st, 1, k->version);
	sqlite3_bind_text(st, 2, media_format_name(k->format), -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 3, k->width);
	rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc == SQLITE_ROW ? STORE_OK : STORE_NOTFOUND;
	return store_rc_of(s, rc);
}

enum store_rc store_media_variant(struct store *s, const struct media_key *k,
    struct buf *out)
{
	sqlite3_blob *blob;
	sqlite3_int64 id;
	enum store_rc src;
	int rc, n;

	if (s->db == NULL)
		return STORE_UNAVAILABLE;
	if ((src = S_variant_id(s, k, &id)) != STORE_OK)
		return src;
	rc = sqlite3_blob_open(s->db, "main", "media_variants", "data", id, 0,
	    &blob);
	if (rc == SQLITE_ERROR)
		return STORE_NOTFOUND;	/* replaced since: gone */
	if (rc != SQLITE_OK)
		return store_rc_of(s, rc);
	n = sqlite3_blob_bytes(blob);
	buf_grow(out, (size_t)n);
	rc = sqlite3_blob_read(blob, out->data + out->len, n, 0);
	if (rc == SQLITE_OK)
		out->len += (size_t)n;
	sqlite3_blob_close(blob);
	return rc == SQLITE_OK ? STORE_OK : store_rc_of(s, rc);
}
