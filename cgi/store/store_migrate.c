/* store_migrate.c: upgrades on start.  A database records its schema in
 * PRAGMA user_version; store_migrations (generated from db/migrations/)
 * holds every step since version 1, the first release.  A copy is made
 * first, while the write lock is held, so the copy is exactly what the
 * first step starts from and two CGI runs starting at once cannot both
 * upgrade or both make a copy. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/schema.h"
#include "store/store_db.h"
#include "store/store_migrate.h"

#define BACKUP_TRIES	100

/* Copies the database at path, page by page, to a new file at to,
 * through a connection of its own: the caller holds the write lock
 * (nothing written yet), and a reader sees exactly what it will change. */
static int S_copy(const char *path, const char *to, char *err,
    size_t errlen)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b;
	int rc;

	rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE |
		    SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(src, 10000);
		if ((b = sqlite3_backup_init(dst, "main", src, "main")) ==
		    NULL) {
			rc = sqlite3_errcode(dst);
		} else {
			rc = sqlite3_backup_step(b, -1);
			sqlite3_backup_finish(b);
			rc = rc == SQLITE_DONE ? sqlite3_errcode(dst) : rc;
		}
	}
	if (rc != SQLITE_OK)
		snprintf(err, errlen, "copying the database to %s: %s", to,
		    dst ? sqlite3_errmsg(dst) : src ? sqlite3_errmsg(src) :
		    sqlite3_errstr(rc));
	sqlite3_close(src);
	if (sqlite3_close(dst) != SQLITE_OK && rc == SQLITE_OK) {
		snprintf(err, errlen, "closing %s: %s", to,
		    sqlite3_errmsg(dst));
		rc = SQLITE_ERROR;
	}
	return rc == SQLITE_OK ? 0 : -1;
}

/* PATH.vN-backup, or PATH.vN-backup-2, -3 ... when that exists: a copy
 * is written under a temporary name, then linked to the first free name
 * (link() never replaces a file), so an older copy is never lost. */
static int S_backup(const char *path, int version, uid_t uid,
    gid_t gid, char *out, size_t outlen, char *err, size_t errlen)
{
	char tmp[4096];
	int i;

	snprintf(tmp, sizeof(tmp), "%s.v%d-backup.tmp", path, version);
	unlink(tmp);	/* a copy cut short by a crash */
	if (S_copy(path, tmp, err, errlen) != 0) {
		unlink(tmp);
		return -1;
	}
	if (uid != (uid_t)-1 && chown(tmp, uid, gid) != 0) {
		snprintf(err, errlen, "chown %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	for (i = 1; i <= BACKUP_TRIES; i++) {
		if (i == 1)
			snprintf(out, outlen, "%s.v%d-backup", path, version);
		else
			snprintf(out, outlen, "%s.v%d-backup-%d", path,
			    version, i);
		if (link(tmp, out) == 0) {
			unlink(tmp);
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	snprintf(err, errlen, "keeping the copy as %s: %s", out,
	    strerror(errno));
	unlink(tmp);
	return -1;
}

/* One step, inside the transaction the caller began, which also sets
 * user_version and commits; on failure everything is rolled back. */
static int S_step(sqlite3 *db, const struct migration *m, int *version,
    char *err, size_t errlen)
{
	char pragma[64];

	if (sqlite3_exec(db, m->sql, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
	    m->version);
	if (sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	*version = m->version;
	return 0;
fail:
	snprintf(err, errlen, "%s", sqlite3_errmsg(db));
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int S_begin(sqlite3 *db, int *version, char *err, size_t errlen)
{
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK || store_schema_version(db, version) != 0) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		if (!sqlite3_get_autocommit(db))
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

static int S_too_new(const char *path, int v, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s has schema version %d, made by a newer "
	    "articled; this articled knows versions 1 to %d: install the "
	    "newer articled again (or restore the copy made before the "
	    "upgrade, %s.v%d-backup)", path, v, SCHEMA_VERSION,
	    path, SCHEMA_VERSION);
	return -1;
}

/* Runs every step after version, each in its own transaction; the first
 * in the one taken for the copy.  Another process may have made a step
 * since we looked (two CGI runs at once): it is skipped.  Returns 0, or
 * -1 with err. */
static int S_migrate(sqlite3 *db, const char *path, int version,
    const char *backup, char *err, size_t errlen)
{
	char why[8192];
	size_t i;
	int first = 1;

	for (i = 0; i < store_nmigrations; i++) {
		const struct migration *m = &store_migrations[i];

		if (m->version <= version)
			continue;
		if (!first && S_begin(db, &version, why, sizeof(why)) != 0)
			goto fail;
		first = 0;
		if (m->version <= version) {	/* made meanwhile */
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			continue;
		}
		if (S_step(db, m, &version, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "upgrading %s from schema "
			    "version %d to %d (%s) failed: %s; nothing of "
			    "that step was changed, the database is still at "
			    "version %d (a copy is at %s)", path, version,
			    m->version, m->name, why, version, backup);
			return -1;
		}
		log_line("upgraded %s to schema version %d (%s)", path,
		    m->version, m->name);
	}
	if (first)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return 0;
fail:
	snprintf(err, errlen, "upgrading %s from schema version %d: %s",
	    path, version, why);
	return -1;
}

static int S_upgrade(sqlite3 *db, const char *path, uid_t uid, gid_t gid,
    int *from, char *err, size_t errlen)
{
	char backup[4096], why[8192];
	struct stat st;

	/* A plain read first: a CGI run on a current database must not
	 * wait for a write lock the owner may hold. */
	if (store_schema_version(db, from) != 0 ||
	    (*from > 0 && *from < SCHEMA_VERSION &&
	    S_begin(db, from, why, sizeof(why)) != 0)) {
		snprintf(err, errlen, "%s: reading its schema version: %s",
		    path, sqlite3_errmsg(db));
		return -1;
	}
	if (*from <= 0 || *from >= SCHEMA_VERSION) {
		if (!sqlite3_get_autocommit(db))
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return *from > SCHEMA_VERSION ?
		    S_too_new(path, *from, err, errlen) : 0;
	}
	if (uid == (uid_t)-1 && geteuid() == 0 && stat(path, &st) == 0) {
		uid = st.st_uid;	/* root: keep the owner's own file */
		gid = st.st_gid;
	}
	if (S_backup(path, *from, uid, gid, backup, sizeof(backup),
	    why, sizeof(why)) != 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		snprintf(err, errlen, "%s was not upgraded from schema "
		    "version %d: the copy made first failed: %s", path,
		    *from, why);
		return -1;
	}
	log_line("copied %s (schema version %d) to %s before upgrading it",
	    path, *from, backup);
	return S_migrate(db, path, *from, backup, err, errlen);
}

/* db/migrations/ must hold 0002, 0003 ... up to SCHEMA_VERSION. */
static int S_table_ok(void)
{
	size_t i;

	for (i = 0; i < store_nmigrations; i++)
		if (store_migrations[i].version != (int)i + 2)
			return -1;
	return (int)store_nmigrations + 1 == SCHEMA_VERSION ? 0 : -1;
}

int store_upgrade(const char *path, uid_t uid, gid_t gid, int *from,
    char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	struct stat st;
	int rc;

	*from = 0;
	if (S_table_ok() != 0) {
		snprintf(err, errlen, "bug: the migrations built in do not "
		    "go from version 2 to %d one by one", SCHEMA_VERSION);
		return -1;
	}
	if (stat(path, &st) != 0)
		return 0;	/* store_open explains */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "open %s: %s", path,
		    db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return -1;
	}
	/* The owner's shell or a CGI run may hold the lock for a moment. */
	sqlite3_busy_timeout(db, 10000);
	rc = S_upgrade(db, path, uid, gid, from, err, errlen);
	sqlite3_close(db);
	return rc;
}
