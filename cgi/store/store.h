/* store.h: the database, as the rest of articled sees it: our own
 * structs, never SQLite's.  Behind it, the store_*.c files share one
 * private header, store_db.h, the only one in articled that includes
 * sqlite3.h (viewtail, a separate program, reads through viewtail_data.c).
 * Statements are prepared once per connection, so a typo or a missing
 * table stops the server at start-up, not at a request. */
#ifndef ARTICLED_STORE_H
#define ARTICLED_STORE_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct counter;

enum store_rc {
	STORE_OK = 0,
	STORE_NOTFOUND,		/* no such (visible) row */
	STORE_BUSY,		/* the write lock is held: try later */
	STORE_UNAVAILABLE,	/* the database cannot be read: 503 */
};

/* The stored render of an article's body, as read with the article
 * (table article_renders; render.c decides whether to trust it). */
struct stored_render {
	int	 present;	/* a row was there */
	int64_t	 hash;		/* render_hash of the body it was made from */
	int64_t	 len;		/* and that body's length */
	char	*rules;		/* md_rules() of the binary that made it */
	char	*html;		/* NULL when slow */
	size_t	 html_len;
	char	*excerpt;
	int64_t	 words;
	int	 slow;		/* the render passed the bound: not retried */
};

/* One article as a page shows it.  Strings are owned by the struct and
 * freed by store_article_free. */
struct article {
	int64_t	 id;		/* articles.id */
	int64_t	 key;		/* views.key: the live counter's key */
	int64_t	 base;		/* counter_base: add the counter for the live count */
	char	*slug;
	char	*title;
	char	*body;
	size_t	 body_len;
	char	*published_at;	/* 2024-05-01T09:00:00Z */
	char	*updated_at;
	struct stored_render stored;
	char	*reviewed_on;	/* 2024-05-01, or "" */
	char	*reviewed_by;	/* "" when not set */
	char	*cover;		/* a media name, or "" */
};

struct contact {
	char	*name;
	char	*phone;
};

/* Days the clinic is shut (table closures). */
struct closure {
	char	 starts[11];	/* 2025-12-24 */
	char	 ends[11];
	char	*note;		/* "" when none */
};

/* Site settings (the settings table).  Owned; freed by store_site_free. */
struct site {
	char		*name;
	char		*tagline;
	char		*base_url;
	char		*description;
	char		*lang;
	char		*image;		/* og:image: a path or a URL, or "" */
	struct contact	*contacts;
	size_t		 ncontacts;
	struct contact	*clinic;	/* clinic.* settings: name without
					 * the prefix, value (store_people.c) */
	size_t		 nclinic;
	struct closure	*closures;	/* not yet over, by start */
	size_t		 nclosures;
};

/* Opens the database read-write (it must exist), checks its schema
 * version and prepares every statement.  NULL with a message in err that
 * says what to do. */
struct store	*store_open(const char *path, char *err, size_t errlen);
/* The same, but never fails: an unopenable database is reported by
 * the first store_probe, which keeps retrying.  For workers, which must
 * answer 503 rather than die while the file is away. */
struct store	*store_new(const char *path);
void		 store_close(struct store *s);
const char	*store_path(const struct store *s);

/* site_version.rev: changes whenever the owner changes anything a page
 * shows (triggers in schema.sql), and not when views are folded. */
enum store_rc	 store_site_rev(struct store *s, int64_t *rev);
/* A request's reads share one read transaction: begun by its first
 * statement (a cached page reads nothing and begins none), ended by
 * store_request_end.  A render's write ends it first; the reads after it
 * begin another. */
void		 store_request_begin(struct store *s);
void		 store_request_end(struct store *s);
/* Fills site; on failure too, with the defaults, so a page can always
 * be drawn (a 503 in the site's layout). */
enum store_rc	 store_site(struct store *s, struct site *site);
void		 store_site_free(struct site *site);

/* The published article with this slug, visible at now (ISO-8601 UTC).
 * generation is the live counter file's, for the base. */
enum store_rc	 store_article(struct store *s, const char *slug,
		    const char *now, uint64_t generation, struct article *a);
void		 store_article_free(struct article *a);

/* Earliest published_at after now of a non-draft article, "" if none:
 * when it passes, the list and the article appear. */
enum store_rc	 store_next_publish(struct store *s, const char *now,
		    char *out, size_t outlen);

/* Every visible article's listing key, newest first: the first key of
 * each page lets a page be read by index instead of OFFSET. */
struct list_key {
	char	 published_at[32];
	int64_t	 id;
};
enum store_rc	 store_list_keys(struct store *s, const char *now,
		    struct list_key **keys, size_t *nkeys);

/* Up to max articles at or after key (NULL: the newest), newest first. */
enum store_rc	 store_list(struct store *s, const char *now,
		    const struct list_key *from, uint64_t generation,
		    struct article *out, size_t max, size_t *n);

/* Stores the render of article id's body (hash, len: of the body; html
 * NULL when slow) in one short transaction, in one try: STORE_BUSY at
 * once when the owner or the fold holds the write lock (store_render.c).
 * *changed: 0 when the row already said the same. */
enum store_rc	 store_render_put(struct store *s, int64_t id,
		    const struct stored_render *r, int *changed);
/* An old slug of an article (slug_history): STORE_OK with the slug it
 * has now in out, or "" when the article was deleted; STORE_NOTFOUND
 * when the slug never was one. */
enum store_rc	 store_slug_moved(struct store *s, const char *slug,
		    char *out, size_t outlen);
/* When what the feed and sitemap show last changed, as of now (ISO-8601
 * UTC): the site's last change or the last publication that has come. */
enum store_rc	 store_feed_stamp(struct store *s, const char *now,
		    char *out, size_t outlen);
/* Calls each(path, lastmod, arg) for every sitemap address below /blog
 * (published articles; tag pages once there are tags). */
typedef void	 store_url_fn(const char *path, const char *lastmod, void *arg);
enum store_rc	 store_sitemap_urls(struct store *s, const char *now,
		    store_url_fn *each, void *arg);

/* Folds the live counters into SQLite in one transaction: for every slot
 * whose count moved past views.folded, adds the difference to the total
 * and to today's view_days row.  Never blocks for longer than the busy
 * timeout given; STORE_BUSY means nothing was changed.  *moved receives
 * the number of views folded. */
enum store_rc	 store_fold(struct store *s, const struct counter *c,
		    const char *today, int busy_ms, uint64_t *moved);

/* Checks, by stat() and faccessat() of the path (never open()), that the
 * database can be read; reconnects a connection that never opened or
 * broke (an I/O error) once it can.  A file replaced under an open
 * connection is not reopened here: the old one is served until the
 * master restarts every worker (see store.c).  STORE_UNAVAILABLE with a
 * reason in err when it cannot be read. */
enum store_rc	 store_probe(struct store *s, char *err, size_t errlen);
/* Counts the connections made so far: a change means the connection was
 * reopened (perhaps on another file), so whatever was built from the old
 * one (a page cache) must be dropped. */
unsigned long	 store_connects(const struct store *s);
/* Why the last store_fold that failed (not for SQLITE_BUSY at BEGIN)
 * failed, as SQLite said it before rolling back. */
const char	*store_fold_error(const struct store *s);

/* ---- the clinic's people and facts (store_people.c) ---- */

/* One of the clinic's people (table people); absent: slug NULL.  Strings
 * owned, freed by store_person_free; NULL columns are "". */
struct person {
	char	*slug;
	char	*name;
	char	*credentials;
	char	*role;
	char	*bio;		/* Markdown */
	char	*photo;		/* a media name */
	char	*reg_body;
	char	*reg_number;
	char	*reg_url;
};
void		 store_person_free(struct person *p);
/* Reads the clinic. settings (the owner's value, else the default) into
 * site->clinic; called by store_site. */
enum store_rc	 store_clinic(struct store *s, struct site *site);
/* A clinic setting by its name after "clinic." (NULL when unset). */
const char	*store_clinic_get(const struct site *site, const char *name);
/* The author and reviewer of article id (slug NULL when none). */
enum store_rc	 store_article_people(struct store *s, int64_t id,
		    struct person *author, struct person *reviewer);
/* The person with slug: STORE_NOTFOUND when there is none. */
enum store_rc	 store_person(struct store *s, const char *slug,
		    struct person *out);
/* An article a person wrote or reviewed. */
struct person_article {
	char	*slug;
	char	*title;
	char	*published_at;
};
/* Up to max of them from offset, newest first, visible at now. */
enum store_rc	 store_person_articles(struct store *s, const char *slug,
		    const char *now, size_t offset, struct person_article *out,
		    size_t max, size_t *n);
void		 store_person_article_free(struct person_article *pa);

/* The last error's message, for logs. */
const char	*store_errmsg(const struct store *s);

#endif
