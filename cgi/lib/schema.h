/* schema.h: what articled and viewtail both know of schema.sql, written
 * once so a schema change cannot leave one program reading differently
 * from the other.  The live count itself is counter_base (counter.h). */
#ifndef ARTICLED_SCHEMA_H
#define ARTICLED_SCHEMA_H

/* PRAGMA user_version of the schema both programs read; anything else is
 * refused at open, saying what to do. */
#define SCHEMA_VERSION		11

/* The generation of the counter file last folded (counter.h): views.folded
 * counts that file's counters, and no other's. */
#define SCHEMA_SQL_GENERATION	"SELECT generation FROM counter_state WHERE id = 1"

/* Where a database records its schema version (SCHEMA_VERSION). */
#define SCHEMA_SQL_VERSION	"PRAGMA user_version"

#endif
