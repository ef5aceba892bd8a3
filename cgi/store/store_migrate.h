/* store_migrate.h: bringing a database made by an older articled up to
 * this build's schema (PRAGMA user_version), one migration at a time. */
#ifndef ARTICLED_STORE_MIGRATE_H
#define ARTICLED_STORE_MIGRATE_H

#include <stddef.h>
#include <sys/types.h>

/* One step: the SQL that takes a database from version - 1 to version.
 * The table is generated at build time from db/migrations/NNNN-*.sql
 * (tools/embed-sql), so an installed articled needs no data files.  A
 * step holds no BEGIN, COMMIT or user_version: store_upgrade adds them.
 * It must not fail on any database the older schema accepted: rules are
 * added as triggers (SQLite cannot add a CHECK to a table), and a table
 * rebuilt must copy every row. */
struct migration {
	int		 version;
	const char	*name;
	const char	*sql;
};
extern const struct migration	store_migrations[];
extern const size_t		store_nmigrations;

/* Brings the database at path to SCHEMA_VERSION.  Before the first
 * step it copies the database beside itself (PATH.vN-backup, never over
 * an existing file), owned by uid:gid ((uid_t)-1: by the database file's
 * owner when run as root); each step then runs in its own transaction
 * with a log line.  0: done or nothing to do (*from receives the version
 * found, 0 when the file is missing or not articled's: store_open says
 * why); -1: nothing of the failing step changed, err says why. */
int	store_upgrade(const char *path, uid_t uid, gid_t gid, int *from,
	    char *err, size_t errlen);

#endif
