/* store_sql.c: every statement articled runs, in one table by enum stmt
 * (store_db.h), prepared once per connection so that a typo or a missing
 * table stops the server at start-up, not at a request. */
#include "schema.h"
#include "store_db.h"

/* What a page shows of an article, with what counter_base needs for its
 * live count: total, folded, and whether the counter file (?1) is the one
 * last folded. */
#define LIST_COLUMNS \
	"SELECT v.key, v.total, v.folded, (" SCHEMA_SQL_GENERATION ") = ?1, " \
	"a.slug, a.title, a.body, a.published_at, a.updated_at " \
	"FROM articles a JOIN views v ON v.article_id = a.id "

const char *const store_sql[STMT__MAX] = {
	/* STMT_SITE_REV */
	"SELECT rev FROM site_version WHERE id = 1",
	/* STMT_SETTINGS */
	"SELECT key, value FROM settings ORDER BY rowid",
	/* STMT_ARTICLE */
	LIST_COLUMNS "WHERE a.slug = ?2 AND a.draft = 0 "
	"AND a.published_at <= ?3",
	/* STMT_NEXT_PUBLISH */
	"SELECT min(published_at) FROM articles WHERE draft = 0 "
	"AND published_at > ?1",
	/* STMT_LIST_KEYS */
	"SELECT published_at, id FROM articles WHERE draft = 0 "
	"AND published_at <= ?1 ORDER BY published_at DESC, id DESC",
	/* STMT_LIST_FIRST */
	LIST_COLUMNS "WHERE a.draft = 0 AND a.published_at <= ?2 "
	"ORDER BY a.published_at DESC, a.id DESC LIMIT ?3",
	/* STMT_LIST_FROM: the unary + keeps SQLite from using "<= now" as
	 * the index range, so that the row value starts the scan at the
	 * page's first key; otherwise it starts at the newest article and
	 * skips N*10 rows, like OFFSET (0.56 ms for page 1000 of 10,000
	 * articles instead of 0.01 ms). */
	LIST_COLUMNS "WHERE a.draft = 0 AND +a.published_at <= ?2 "
	"AND (a.published_at, a.id) <= (?4, ?5) "
	"ORDER BY a.published_at DESC, a.id DESC LIMIT ?3",
	/* STMT_BEGIN */
	"BEGIN IMMEDIATE",
	/* STMT_COMMIT */
	"COMMIT",
	/* STMT_ROLLBACK */
	"ROLLBACK",
	/* STMT_GENERATION */
	SCHEMA_SQL_GENERATION,
	/* STMT_GENERATION_SET */
	"UPDATE counter_state SET generation = ?1 WHERE id = 1",
	/* STMT_FOLD_RESET */
	"UPDATE views SET folded = 0",
	/* STMT_FOLD_GET */
	"SELECT article_id, folded FROM views WHERE key = ?1",
	/* STMT_FOLD_ADD */
	"UPDATE views SET total = total + ?2, folded = folded + ?2 "
	"WHERE article_id = ?1",
	/* STMT_FOLD_REBASE */
	"UPDATE views SET folded = ?2 WHERE article_id = ?1",
	/* STMT_FOLD_DAY */
	"INSERT INTO view_days (article_id, day, views) VALUES (?1, ?2, ?3) "
	"ON CONFLICT (article_id, day) DO UPDATE "
	"SET views = views + excluded.views",
};
