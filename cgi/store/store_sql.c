/* store_sql.c: every statement articled runs, in one table by enum stmt
 * (store_db.h), prepared once per connection so that a typo or a missing
 * table stops the server at start-up, not at a request. */
#include "lib/address.h"
#include "lib/schema.h"
#include "store/store_db.h"

/* The one definition of "published": not a draft, and its time has come
 * (t: the table's alias and a dot, or ""; now: the parameter holding the
 * time).  PUBLISHED_SCAN adds a unary + to published_at so that SQLite does
 * not take "<= now" as the index range (see STMT_LIST_FROM). */
#define PUBLISHED(t, now)	t "draft = 0 AND " t "published_at <= " now " "
#define PUBLISHED_SCAN(t, now)	t "draft = 0 AND +" t "published_at <= " now " "

/* What a page shows of an article, with what counter_base needs for its
 * live count: total, folded, and whether the counter file (?1) is the one
 * last folded. */
#define LIST_COLUMNS \
	"SELECT v.key, v.total, v.folded, (" SCHEMA_SQL_GENERATION ") = ?1, " \
	"a.slug, a.title, a.body, a.published_at, a.updated_at, " \
	"a.id, r.body_hash, r.body_len, r.rules, r.html, r.excerpt, " \
	"r.words, r.slow, a.reviewed_on, a.reviewed_by, a.cover " \
	"FROM articles a JOIN views v ON v.article_id = a.id " \
	"LEFT JOIN article_renders r ON r.article_id = a.id "

/* A person (store_people.c reads them in this order). */
#define PERSON_COLUMNS \
	"p.slug, p.name, p.credentials, p.role, p.bio, p.photo, " \
	"p.registration_body, p.registration_number, p.registration_url "

const char *const store_sql[STMT__MAX] = {
	/* STMT_SITE_REV */
	"SELECT rev FROM site_version WHERE id = 1",
	/* STMT_SETTINGS */
	"SELECT key, value FROM settings ORDER BY rowid",
	/* STMT_ARTICLE */
	LIST_COLUMNS "WHERE a.slug = ?2 AND " PUBLISHED("a.", "?3"),
	/* STMT_NEXT_PUBLISH */
	"SELECT min(published_at) FROM articles WHERE draft = 0 "
	"AND published_at > ?1",
	/* STMT_LIST_KEYS */
	"SELECT published_at, id FROM articles WHERE " PUBLISHED("", "?1")
	"ORDER BY published_at DESC, id DESC",
	/* STMT_LIST_FIRST */
	LIST_COLUMNS "WHERE " PUBLISHED("a.", "?2")
	"ORDER BY a.published_at DESC, a.id DESC LIMIT ?3",
	/* STMT_LIST_FROM: the unary + keeps SQLite from using "<= now" as
	 * the index range, so that the row value starts the scan at the
	 * page's first key; otherwise it starts at the newest article and
	 * skips N*10 rows, like OFFSET (0.56 ms for page 1000 of 10,000
	 * articles instead of 0.01 ms). */
	LIST_COLUMNS "WHERE " PUBLISHED_SCAN("a.", "?2")
	"AND (a.published_at, a.id) <= (?4, ?5) "
	"ORDER BY a.published_at DESC, a.id DESC LIMIT ?3",
	/* STMT_BEGIN */
	"BEGIN IMMEDIATE",
	/* STMT_BEGIN_READ: a request's reads (store_stmt); deferred, so it
	 * takes the WAL read lock at the first read, once for them all */
	"BEGIN",
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
	/* STMT_FOLD_MARK: the tables articled owns refuse writes unless
	 * articled_writing holds a row (schema.sql); inserted after BEGIN
	 * and deleted before COMMIT, no other connection ever sees it.
	 * A row someone left there must neither stop every fold (OR
	 * REPLACE) nor keep the guards open (the fold empties the table). */
	"INSERT OR REPLACE INTO articled_writing(who) VALUES ('fold')",
	/* STMT_FOLD_UNMARK */
	"DELETE FROM articled_writing",
	/* STMT_RENDER_MARK: article_renders refuses writes, as the fold's
	 * tables do, unless articled_writing holds a row. */
	"INSERT OR REPLACE INTO articled_writing(who) VALUES ('render')",
	/* STMT_RENDER_PUT: a row that already says the same (another
	 * worker stored it meanwhile) is left alone, so sqlite3_changes
	 * tells whether this render was news (render.c logs only then). */
	"INSERT INTO article_renders(article_id, body_hash, body_len, rules, "
	"html, excerpt, words, slow, made_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	"strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) "
	"ON CONFLICT (article_id) DO UPDATE SET body_hash = excluded.body_hash, "
	"body_len = excluded.body_len, rules = excluded.rules, "
	"html = excluded.html, excerpt = excluded.excerpt, "
	"words = excluded.words, slow = excluded.slow, "
	"made_at = excluded.made_at "
	"WHERE NOT (body_hash = excluded.body_hash "
	"AND body_len = excluded.body_len AND rules = excluded.rules "
	"AND slow = excluded.slow AND html IS excluded.html)",
	/* STMT_REPAIR_GENERATION: a lost row (the owner dropped a guard):
	 * the folded marks still refer to the file in use, so resetting them
	 * (generation 0) would count every view of it twice. */
	"INSERT INTO counter_state(id, generation) SELECT 1, ?1 "
	"WHERE NOT EXISTS (SELECT 1 FROM counter_state)",
	/* STMT_REPAIR_SITE_VERSION */
	"INSERT INTO site_version(id, rev) "
	"SELECT 1, random() & 9223372036854775807 "
	"WHERE NOT EXISTS (SELECT 1 FROM site_version)",
	/* STMT_SEARCH: FTS5 drives (CROSS JOIN), so that ORDER BY rank is
	 * its own and highlight()/snippet() run for the rows returned only;
	 * the title weighs ten times the body.  Marks are \1 and \2, placed
	 * in the text before it is escaped (search_query.c). */
	"SELECT a.slug, highlight(articles_fts, 0, char(1), char(2)), "
	"a.published_at, "
	"snippet(articles_fts, 1, char(1), char(2), char(8230), 24) "
	"FROM articles_fts CROSS JOIN articles a ON a.id = articles_fts.rowid "
	"WHERE articles_fts MATCH ?1 AND rank MATCH 'bm25(10.0, 1.0)' "
	"AND " PUBLISHED("a.", "?2")
	"ORDER BY rank LIMIT ?3 OFFSET ?4",
	/* STMT_TAG_KEYS */
	"SELECT a.published_at, a.id FROM tags t "
	"CROSS JOIN articles a ON a.id = t.article_id "
	"WHERE t.tag = ?1 AND " PUBLISHED("a.", "?2")
	"ORDER BY a.published_at DESC, a.id DESC",
	/* STMT_TAG_FROM */
	LIST_COLUMNS "JOIN tags t ON t.article_id = a.id "
	"WHERE t.tag = ?6 AND " PUBLISHED("a.", "?2")
	"AND (a.published_at, a.id) <= (?4, ?5) "
	"ORDER BY a.published_at DESC, a.id DESC LIMIT ?3",
	/* STMT_POST_TAGS */
	"SELECT tag FROM tags WHERE article_id = ?1 ORDER BY tag",
	/* STMT_POST_OLDER: + as in STMT_LIST_FROM, so the row value is the
	 * range on articles_listing */
	"SELECT slug, title FROM articles WHERE " PUBLISHED_SCAN("", "?1")
	"AND (published_at, id) < (?2, ?3) "
	"ORDER BY published_at DESC, id DESC LIMIT 1",
	/* STMT_POST_NEWER */
	"SELECT slug, title FROM articles WHERE " PUBLISHED("", "?1")
	"AND (published_at, id) > (?2, ?3) "
	"ORDER BY published_at, id LIMIT 1",
	/* STMT_RELATED_TAGS: most tags in common, then the newest */
	"SELECT a.slug, a.title FROM tags t "
	"JOIN tags o ON o.tag = t.tag AND o.article_id <> t.article_id "
	"JOIN articles a ON a.id = o.article_id "
	"WHERE t.article_id = ?1 AND " PUBLISHED("a.", "?2")
	"GROUP BY a.id ORDER BY count(*) DESC, a.published_at DESC, a.id DESC "
	"LIMIT ?3",
	/* STMT_RELATED_TITLES: ?1 is "title : (...)" of the post's rare
	 * words (store_related.c) */
	"SELECT a.slug, a.title FROM articles_fts "
	"CROSS JOIN articles a ON a.id = articles_fts.rowid "
	"WHERE articles_fts MATCH ?1 AND a.id <> ?2 AND " PUBLISHED("a.", "?3")
	"ORDER BY rank LIMIT ?4",
	/* STMT_RELATED_COUNT: titles holding ?1, counted up to ?2 */
	"SELECT count(*) FROM (SELECT 1 FROM articles_fts "
	"WHERE articles_fts MATCH ?1 LIMIT ?2)",
	/* STMT_RELATED_NEWEST: as STMT_RELATED_TITLES, the most recently
	 * added first: FTS5 walks back and stops at the LIMIT */
	"SELECT a.slug, a.title FROM articles_fts "
	"CROSS JOIN articles a ON a.id = articles_fts.rowid "
	"WHERE articles_fts MATCH ?1 AND a.id <> ?2 AND " PUBLISHED("a.", "?3")
	"ORDER BY articles_fts.rowid DESC LIMIT ?4",
	/* STMT_RELATED_STORED: a's related links, unless a scheduled article
	 * has gone live since they were made */
	"SELECT links FROM article_related WHERE article_id = ?1 "
	"AND (valid_until = '' OR valid_until > ?2)",
	/* STMT_RELATED_PUT: only if site_version.rev is still the one the
	 * list's reads saw (?4): no edit came in between */
	"INSERT OR REPLACE INTO article_related(article_id, valid_until, links) "
	"SELECT ?1, ?2, ?3 WHERE (SELECT rev FROM site_version WHERE id = 1) = ?4",
	/* STMT_MOST_READ: the stored counts (the last second's views are
	 * not worth a counter read per article) */
	"SELECT a.slug, a.title FROM views v "
	"CROSS JOIN articles a ON a.id = v.article_id "
	"WHERE " PUBLISHED("a.", "?1")
	"ORDER BY v.total DESC, a.id DESC LIMIT ?2",
	/* STMT_SLUG_MOVED: an old slug (slug_history): the article's slug
	 * now, or NULL when the article is gone. */
	"SELECT a.slug FROM slug_history h "
	"LEFT JOIN articles a ON a.id = h.article_id WHERE h.slug = ?1",
	/* STMT_FEED_STAMP: Last-Modified of the feed, the sitemap and
	 * robots.txt: the last change, or the last scheduled post that went
	 * live since (it changes the feed without any write). */
	"SELECT max((SELECT changed_at FROM site_version WHERE id = 1), "
	"coalesce((SELECT max(published_at) FROM articles WHERE "
	PUBLISHED("", "?1") "), ''))",
	/* STMT_SITEMAP_URLS: each path of the sitemap below /blog, with
	 * its lastmod: the articles (their address as lib/address.h has
	 * it), then the tag pages. */
	"SELECT '" ADDRESS_POST "' || slug, max(updated_at, published_at), 0 "
	"FROM articles WHERE " PUBLISHED("", "?1")
	"AND slug IS NOT NULL "
	"UNION ALL SELECT '/blog/tag/' || t.tag, "
	"max(max(a.updated_at, a.published_at)), 1 FROM tags t "
	"JOIN articles a ON a.id = t.article_id WHERE " PUBLISHED("a.", "?1")
	"GROUP BY t.tag "
	"ORDER BY 3, 2 DESC",
	/* STMT_MEDIA_INFO: a picture and the sizes of its version */
	"SELECT m.version, m.status, m.width, m.height, m.alt, v.format, "
	"v.width, v.height FROM media m LEFT JOIN media_variants v "
	"ON v.media_id = m.id AND v.version = m.version "
	"WHERE m.name = ?1 ORDER BY v.width, v.format",
	/* STMT_MEDIA_VARIANT: one size of a current version, by the unique
	 * index (media_id, version, format, width) */
	"SELECT v.id FROM media m JOIN media_variants v "
	"ON v.media_id = m.id AND v.version = m.version "
	"WHERE m.version = ?1 AND v.format = ?2 AND v.width = ?3",
	/* STMT_SETTING_VALUE: a prefixed setting (setting_keys), or its
	 * default */
	"SELECT coalesce((SELECT value FROM settings WHERE key = ?1), "
	"(SELECT default_value FROM setting_keys WHERE key = ?1))",
	/* STMT_READERS_DAY: readers of the article with views.key ?1 on
	 * day ?2 grow by ?3 (a deleted article's are dropped) */
	"INSERT INTO reader_days(article_id, day, readers) "
	"SELECT article_id, ?2, ?3 FROM views WHERE key = ?1 "
	"ON CONFLICT(article_id, day) DO UPDATE "
	"SET readers = readers + excluded.readers",
	/* STMT_READERS_SITE: day ?1: readers + ?2, keys + ?3, lower bound ?4 */
	"INSERT INTO site_reader_days(day, readers, keys, lower_bound) "
	"VALUES (?1, ?2, ?3, ?4) ON CONFLICT(day) DO UPDATE "
	"SET readers = readers + excluded.readers, "
	"keys = keys + excluded.keys, "
	"lower_bound = max(lower_bound, excluded.lower_bound)",
	/* STMT_SOURCES_DAY: views of article ?1 on day ?2 from ?3 grow by ?4 */
	"INSERT INTO source_days(article_id, day, source, views) "
	"SELECT article_id, ?2, ?3, ?4 FROM views WHERE key = ?1 "
	"ON CONFLICT(article_id, day, source) DO UPDATE "
	"SET views = views + excluded.views",
	/* STMT_COMMENT_ARTICLE: what the question form needs of a post */
	"SELECT id, title, comments, published_at FROM articles "
	"WHERE slug = ?1 AND draft = 0 AND published_at <= ?2",
	/* STMT_COMMENT_SETTINGS: each comments. key, the owner's value or
	 * its default */
	"SELECT k.key, coalesce(s.value, k.default_value) FROM setting_keys k "
	"LEFT JOIN settings s ON s.key = k.key WHERE k.key GLOB 'comments.*'",
	/* STMT_COMMENT_LIST: a post's published comments, each question
	 * followed by the replies to it (whose question is published) */
	"SELECT c.id, c.parent_id, c.name, c.body, c.created_at, c.by_clinic "
	"FROM comments c WHERE c.article_id = ?1 AND c.status = 'published' "
	"AND (c.parent_id IS NULL OR EXISTS (SELECT 1 FROM comments q "
	"WHERE q.id = c.parent_id AND q.status = 'published')) "
	"ORDER BY coalesce(c.parent_id, c.id), c.parent_id IS NOT NULL, c.id",
	/* STMT_COMMENT_KEY */
	"SELECT secret FROM comment_keys WHERE day = ?1",
	/* STMT_COMMENT_KEY_MAKE */
	"INSERT OR IGNORE INTO comment_keys(day, secret) "
	"VALUES (?1, randomblob(16))",
	/* STMT_COMMENT_KEY_OLD: the day before yesterday and older */
	"DELETE FROM comment_keys WHERE day < ?1",
	/* STMT_COMMENT_MARK: comments and comment_keys take articled's
	 * writes with its marker row, as the fold's tables do */
	"INSERT OR REPLACE INTO articled_writing(who) VALUES ('comments')",
	/* STMT_COMMENT_RECENT: questions since ?1, site-wide */
	"SELECT count(*) FROM comments WHERE created_at >= ?1",
	/* STMT_COMMENT_PENDING */
	"SELECT count(*) FROM comments WHERE status = 'pending'",
	/* STMT_COMMENT_SAME: the same question on the same post */
	"SELECT 1 FROM comments WHERE article_id = ?1 AND body = ?2 LIMIT 1",
	/* STMT_COMMENT_PUT */
	"INSERT INTO comments(article_id, name, body) VALUES (?1, ?2, ?3)",
	/* STMT_COMMENT_PURGE: rejected before ?1 */
	"DELETE FROM comments WHERE status = 'rejected' AND decided_at < ?1",
	/* STMT_CLINIC_SETTINGS: every clinic. setting, the owner's value
	 * or else its default (store_people.c) */
	"SELECT k.key, coalesce(s.value, k.default_value) FROM setting_keys k "
	"LEFT JOIN settings s ON s.key = k.key WHERE k.key GLOB 'clinic.*' "
	"AND coalesce(s.value, k.default_value) IS NOT NULL",
	/* STMT_ARTICLE_PEOPLE: the author (0) and reviewer (1) of ?1 */
	"SELECT 0, " PERSON_COLUMNS "FROM articles a JOIN people p "
	"ON p.slug = a.author WHERE a.id = ?1 UNION ALL SELECT 1, "
	PERSON_COLUMNS "FROM articles a JOIN people p "
	"ON p.slug = a.reviewer WHERE a.id = ?1",
	/* STMT_PERSON */
	"SELECT 0, " PERSON_COLUMNS "FROM people p WHERE p.slug = ?1",
	/* STMT_PERSON_ARTICLES: what a person wrote or reviewed, newest
	 * first, one more than a page to know whether another follows */
	"SELECT slug, title, published_at FROM articles "
	"WHERE (author = ?1 OR reviewer = ?1) AND draft = 0 "
	"AND published_at <= ?2 ORDER BY published_at DESC, id DESC "
	"LIMIT ?3 OFFSET ?4",
	/* STMT_SITEMAP_PEOPLE: /people/<slug> with the last change of
	 * their articles (the site's, without any) */
	"SELECT '/people/' || p.slug, coalesce(max(max(a.updated_at, "
	"a.published_at)), (SELECT changed_at FROM site_version WHERE id = 1)) "
	"FROM people p LEFT JOIN articles a ON (a.author = p.slug "
	"OR a.reviewer = p.slug) AND a.draft = 0 AND a.published_at <= ?1 "
	"GROUP BY p.slug "
	"UNION ALL SELECT '/contact', (SELECT changed_at FROM site_version "
	"WHERE id = 1) ORDER BY 1",
	/* STMT_CLOSURES: the days the clinic is shut, that have not passed
	 * (read again each new day: site.c; a page shows each from 14 days
	 * before: clinic_week.c) */
	"SELECT starts, ends, coalesce(note, '') FROM closures "
	"WHERE ends >= date('now') ORDER BY starts, ends LIMIT 16",
	/* STMT_CHECK_ARTICLES: what articled check reads of each article
	 * (store_check.c), its stored render with it */
	"SELECT a.id, a.slug, a.title, a.body, coalesce(a.reviewed_on, ''), "
	"coalesce(a.author, ''), coalesce(a.cover, ''), m.alt, a.draft, "
	"r.body_hash, r.body_len, r.rules, r.html, r.excerpt "
	"FROM articles a LEFT JOIN media m ON m.name = a.cover "
	"LEFT JOIN article_renders r ON r.article_id = a.id ORDER BY a.id",
	/* STMT_CHECK_NAMES: the names a body may point to: published slugs
	 * (0), old slugs (1) and pictures (2, with their status) */
	"SELECT slug, 0, '' FROM articles WHERE slug IS NOT NULL "
	"AND draft = 0 UNION ALL SELECT slug, 1, '' FROM slug_history "
	"UNION ALL SELECT name, 2, status FROM media",
};
