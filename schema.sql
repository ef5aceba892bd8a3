PRAGMA journal_mode=WAL;  -- persistent, and it cannot change inside a transaction
-- articled schema, version 11: the single source of the database layout.
--
-- Apply to a NEW database:   sqlite3 db/site.db < schema.sql
-- An older database is upgraded by articled (on start, or articled --upgrade) with the
-- steps in db/migrations/: NNNN-*.sql takes version NNNN-1 to NNNN, and this file must
-- equal version 1 (tests/data/schema-v1.sql) plus every step (tests/schema/test_upgrade.py).
-- articled refuses a database whose PRAGMA user_version is newer than it knows.
--
-- The owner edits the site with SQL in the sqlite3 shell, so the rules live here, where
-- the shell enforces them: named CHECKs ("CHECK constraint failed: <name>") and triggers
-- that RAISE a sentence.  docs/schema.md is the owner's reference.
--
-- Facts of SQLite 3.40 this file relies on: CHECK passes NULL (hence NOT NULL beside it)
-- and holds no subqueries; a BEFORE trigger cannot assign NEW, so values are filled in or
-- normalised by an AFTER trigger's UPDATE; recursive_triggers is off (the default), so a
-- trigger does not fire again for the UPDATE it makes itself, and the WHEN guards stop
-- the recursion even when it is on (except views_update, see there); the shell runs with
-- foreign_keys off, so triggers, not ON DELETE CASCADE, remove an article's counts.

BEGIN;

-- A failed statement does not end a transaction, and the shell without -bail carries on
-- to COMMIT.  So remember whether the database was empty, check at the end that every
-- object was created, and roll the whole transaction back if not.
CREATE TEMP TABLE schema_apply(was_empty INTEGER NOT NULL, complete INTEGER);
CREATE TEMP TRIGGER schema_apply_not_empty BEFORE UPDATE ON schema_apply
WHEN NOT NEW.was_empty
BEGIN
  SELECT RAISE(ROLLBACK, 'schema.sql must be applied to a new, empty database: nothing was changed');
END;
CREATE TEMP TRIGGER schema_apply_incomplete BEFORE UPDATE ON schema_apply
WHEN NEW.was_empty AND NOT NEW.complete
BEGIN
  SELECT RAISE(ROLLBACK, 'schema.sql failed part-way (see the first error): nothing was created');
END;
INSERT INTO schema_apply(was_empty) SELECT count(*) = 0 FROM main.sqlite_schema;


-- ---------------------------------------------------------------------------------------
-- articles: one row per post.  Not STRICT: readfile() gives a BLOB, which a STRICT TEXT
-- column refuses; articles_fill turns it into TEXT.
-- ---------------------------------------------------------------------------------------
CREATE TABLE articles(
  id INTEGER PRIMARY KEY AUTOINCREMENT,   -- AUTOINCREMENT: a deleted id is never reused
  slug TEXT UNIQUE
    CONSTRAINT "slug must be lower-case letters, digits and single hyphens (a-z, 0-9, -)"
    CHECK (slug IS NULL             -- only until articles_fill makes one from the title
           OR (typeof(slug) = 'text'
               AND slug GLOB '[a-z0-9]*'
               AND slug GLOB '*[a-z0-9]'
               AND slug NOT GLOB '*[^a-z0-9-]*'
               AND slug NOT GLOB '*--*'))
    CONSTRAINT "slug must be at most 80 characters"
    CHECK (length(slug) <= 80),
  title TEXT NOT NULL
    CONSTRAINT "title must not be empty"
    -- nor only spaces of any kind, nor only invisible characters (no-break and
    -- ideographic spaces, zero-width and bidi controls, fillers): a link nobody can see
    CHECK (trim(title, ' ' || char(9, 10, 11, 12, 13, 133, 160, 173, 847, 1564, 4447, 4448, 5760, 6158,
                          8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202,
                          8203, 8204, 8205, 8206, 8207, 8232, 8233, 8234, 8235, 8236, 8237,
                          8238, 8239, 8287, 8288, 8289, 8290, 8291, 8292, 8294, 8295, 8296,
                          8297, 10240, 12288, 12644, 65279, 65440)) <> ''),
  body TEXT NOT NULL
    CONSTRAINT "body must not be empty or only white space"
    CHECK (trim(CAST(body AS TEXT), ' ' || char(9, 10, 11, 12, 13, 133, 160, 173, 847, 1564, 4447, 4448, 5760, 6158,
                          8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202,
                          8203, 8204, 8205, 8206, 8207, 8232, 8233, 8234, 8235, 8236, 8237,
                          8238, 8239, 8287, 8288, 8289, 8290, 8291, 8292, 8294, 8295, 8296,
                          8297, 10240, 12288, 12644, 65279, 65440)) <> ''),
  published_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    CONSTRAINT "published_at must be a real date like 2024-05-01T09:00:00Z"
    CHECK (typeof(published_at) = 'text'
           AND published_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'
           AND date(julianday(substr(published_at, 1, 10))) = substr(published_at, 1, 10)
           AND julianday(published_at) IS NOT NULL),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    CONSTRAINT "updated_at must be a real date like 2024-05-01T09:00:00Z"
    CHECK (typeof(updated_at) = 'text'
           AND updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'
           AND date(julianday(substr(updated_at, 1, 10))) = substr(updated_at, 1, 10)
           AND julianday(updated_at) IS NOT NULL),
  draft INTEGER NOT NULL DEFAULT 0
    CONSTRAINT "draft must be 0 (shown) or 1 (hidden)"
    CHECK (typeof(draft) = 'integer' AND draft IN (0, 1)),
  rev INTEGER NOT NULL DEFAULT 1          -- bumped by articles_touch; articled's caches compare it
, reviewed_on TEXT
  CONSTRAINT "reviewed_on must be a real date like 2024-05-01, or NULL"
  CHECK (reviewed_on IS NULL
         OR (typeof(reviewed_on) = 'text'
             AND reviewed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
             AND date(julianday(reviewed_on)) = reviewed_on)), reviewed_by TEXT
  CONSTRAINT "reviewed_by must be the reviewer's name, 1 to 120 characters, or NULL"
  CHECK (reviewed_by IS NULL
         OR (typeof(reviewed_by) = 'text'
             AND trim(reviewed_by, ' ' || char(9, 10, 13, 160)) <> ''
             AND length(reviewed_by) <= 120)));

-- The blog list: published, newest first.
CREATE INDEX articles_listing ON articles(published_at DESC, id DESC) WHERE draft = 0;


-- ---------------------------------------------------------------------------------------
-- views: an article's counts, kept apart so that counting never rewrites the row that
-- holds the body.  total = imported + sum(view_days.views).  articled folds its live
-- shared counter (named by key) into total and folded together, in one transaction, so
-- the count it shows, (total - folded) + counter, does not move during a fold.
-- ---------------------------------------------------------------------------------------
CREATE TABLE views(
  article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
  key INTEGER NOT NULL UNIQUE
    CONSTRAINT "views.key must be a whole number above 0"
    CHECK (typeof(key) = 'integer' AND key > 0),
  imported INTEGER NOT NULL DEFAULT 0
    CONSTRAINT "view counts must be whole numbers, 0 or more"
    CHECK (typeof(imported) = 'integer' AND imported >= 0)
    -- far below 2^63, so that total can always grow by the views still to come (a
    -- total that overflowed would make every fold, for every article, fail)
    CONSTRAINT "views.imported must be at most 1000000000000"
    CHECK (imported <= 1000000000000),
  total INTEGER NOT NULL DEFAULT 0
    CONSTRAINT "view counts must be whole numbers, 0 or more"
    CHECK (typeof(total) = 'integer' AND total >= 0),
  folded INTEGER NOT NULL DEFAULT 0
    CONSTRAINT "view counts must be whole numbers, 0 or more"
    CHECK (typeof(folded) = 'integer' AND folded >= 0)
);

-- Views per article per UTC day, written by articled's fold.
CREATE TABLE view_days(
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  day TEXT NOT NULL
    CONSTRAINT "view_days.day must be a real date like 2024-05-01"
    CHECK (typeof(day) = 'text'
           AND day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
           AND date(julianday(day)) = day),
  views INTEGER NOT NULL
    CONSTRAINT "view counts must be whole numbers, 0 or more"
    CHECK (typeof(views) = 'integer' AND views >= 0),
  PRIMARY KEY (article_id, day)
) WITHOUT ROWID;

CREATE INDEX view_days_by_day ON view_days(day);   -- "today" and "last 7 days" for all articles

-- articled's shared-counter bookkeeping (one row).
CREATE TABLE counter_state(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL DEFAULT 0
);
INSERT INTO counter_state(id) VALUES (1);

-- articled's own tables (counter_state, view_days, views.total and views.folded) refuse
-- every write unless this table holds a row.  articled's fold inserts one first and
-- deletes it before its COMMIT, in its own transaction, so no other connection ever
-- sees it (views_imported does the same inside the owner's UPDATE of imported).
-- The owner never writes it.
CREATE TABLE articled_writing(
  who TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER counter_state_kept_insert BEFORE INSERT ON counter_state
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'counter_state is articled''s own table (how far its live counters are folded): leave it alone; to change a count, change views.imported');
END;
CREATE TRIGGER counter_state_kept_update BEFORE UPDATE ON counter_state
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'counter_state is articled''s own table (how far its live counters are folded): leave it alone; to change a count, change views.imported');
END;
CREATE TRIGGER counter_state_kept_delete BEFORE DELETE ON counter_state
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'counter_state is articled''s own table (how far its live counters are folded): leave it alone; to change a count, change views.imported');
END;
CREATE TRIGGER view_days_kept_insert BEFORE INSERT ON view_days
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'view_days is articled''s own table (views per day, written as they are counted): to change an article''s count, change views.imported');
END;
CREATE TRIGGER view_days_kept_update BEFORE UPDATE ON view_days
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'view_days is articled''s own table (views per day, written as they are counted): to change an article''s count, change views.imported');
END;
CREATE TRIGGER view_days_kept_delete BEFORE DELETE ON view_days
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
 AND EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id)
BEGIN
  SELECT RAISE(ABORT, 'view_days is articled''s own table (views per day, written as they are counted): to change an article''s count, change views.imported');
END;


-- ---------------------------------------------------------------------------------------
-- settings: site-wide values the owner edits.  A rowid table on purpose: contacts are
-- listed in insertion (rowid) order, so edit them with UPDATE to keep their place.
-- ---------------------------------------------------------------------------------------
CREATE TABLE "settings"(
  key TEXT PRIMARY KEY
    CONSTRAINT "unknown settings key: use site_name, tagline, base_url, description, lang, image, contact:<Name>, or a key that SELECT key, about FROM setting_keys lists"
    CHECK (typeof(key) = 'text'
           AND (key IN ('site_name', 'tagline', 'base_url', 'description', 'lang', 'image')
                OR key GLOB 'contact:?*'
                OR key GLOB 'comments.?*' OR key GLOB 'readers.?*' OR key GLOB 'clinic.?*')),
  value TEXT NOT NULL,
  CONSTRAINT "site_name must not be empty"
    CHECK (key IS NOT 'site_name' OR trim(value, ' ' || char(9, 10, 13)) <> ''),
  CONSTRAINT "base_url must be like https://example.org: http:// or https://, no trailing slash, no spaces"
    CHECK (key IS NOT 'base_url'
           OR ((value GLOB 'http://?*' OR value GLOB 'https://?*')
               AND value NOT GLOB '*/'
               AND value NOT GLOB '*[^!-~]*'
               -- nothing that ends the origin early (? #) or is not allowed in a URL
               AND value NOT GLOB '*["<>\^`{|}?#]*')),
  CONSTRAINT "lang must be a language tag like en-GB"
    CHECK (key IS NOT 'lang'
           OR (value GLOB '[A-Za-z][A-Za-z]*'
               AND value NOT GLOB '*[^A-Za-z0-9-]*'
               AND value NOT GLOB '*-'
               AND value NOT GLOB '*--*')),
  CONSTRAINT "image must be a picture's address: a path on this site like /static/clinic.jpg, or https://..., with no spaces or quotes"
    CHECK (key IS NOT 'image'
           OR ((value GLOB '/[^/]*' OR value GLOB 'https://?*' OR value GLOB 'http://?*')
               AND value NOT GLOB '*[^!-~]*'
               AND value NOT GLOB '*["<>\^`{|}]*')),
  CONSTRAINT "a contact must be a phone number: digits, spaces, + - ( ) . and at least 3 digits, and an extension as ext 12, x12 or #12"
    CHECK (key NOT GLOB 'contact:*'
           OR (replace(replace(replace(lower(value), 'extension', ''), 'ext', ''), 'x', '')
                 NOT GLOB '*[^0-9 +().:#,-]*'
               AND lower(rtrim(value, ' .:,')) NOT GLOB '*[a-z#]'
               AND length(value) - length(replace(replace(replace(replace(replace(replace(
                     replace(replace(replace(replace(value, '0', ''), '1', ''), '2', ''),
                     '3', ''), '4', ''), '5', ''), '6', ''), '7', ''), '8', ''), '9', '')) >= 3))
);


-- One row whose rev changes whenever anything a page shows changes, apart from the live
-- counter: articled drops cached pages when it moves.  The triggers set it to a fresh
-- random value, never rev + 1, so that a value a worker has seen never comes back (after
-- a .restore, a replaced file or a hand-edited rev); articled compares it only for
-- equality, and -1 means "none" there, hence never negative.
CREATE TABLE site_version(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  rev INTEGER NOT NULL
, changed_at TEXT NOT NULL DEFAULT '1970-01-01T00:00:00Z');
INSERT INTO site_version(id, rev, changed_at) VALUES (1, 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
CREATE TRIGGER site_version_one_row BEFORE INSERT ON site_version
WHEN NEW.id IS NOT 1 OR EXISTS (SELECT 1 FROM site_version)
BEGIN
  SELECT RAISE(ABORT, 'site_version has exactly one row, kept by articled''s triggers: leave it alone');
END;
CREATE TRIGGER site_version_kept BEFORE DELETE ON site_version
BEGIN
  SELECT RAISE(ABORT, 'site_version is articled''s own: its one row tells articled when to redraw pages, so it cannot be deleted');
END;
CREATE TRIGGER site_version_rev BEFORE UPDATE ON site_version
WHEN typeof(NEW.rev) IS NOT 'integer' OR NEW.rev < 0 OR NEW.id IS NOT OLD.id
BEGIN
  SELECT RAISE(ABORT, 'site_version.rev must be a whole number, 0 or more: articled''s triggers set it, leave it out of your UPDATE');
END;


-- ---------------------------------------------------------------------------------------
-- Triggers on articles.  BEFORE triggers refuse with a sentence before any constraint
-- runs; AFTER triggers fill in and normalise.
-- ---------------------------------------------------------------------------------------

-- readfile() of a missing file gives NULL; say so rather than "NOT NULL constraint failed".
CREATE TRIGGER articles_body_missing_insert BEFORE INSERT ON articles
WHEN NEW.body IS NULL
BEGIN
  SELECT RAISE(ABORT, 'body is empty: did readfile() find the file? (the path is relative to where sqlite3 was started)');
END;
CREATE TRIGGER articles_body_missing_update BEFORE UPDATE OF body ON articles
WHEN NEW.body IS NULL
BEGIN
  SELECT RAISE(ABORT, 'body is empty: did readfile() find the file? (the path is relative to where sqlite3 was started)');
END;

-- Text must be UTF-8: a file saved as UTF-16 ("Unicode"), Latin-1 or a program would be
-- shown as garbage.  Checked exactly (overlong forms, surrogates, cut sequences, NUL),
-- 32 ASCII bytes at a time (about 60 ms for 1 MB; docs/schema.md).  A UTF-8 BOM and
-- CRLF line endings are UTF-8 and stay accepted.  An UPDATE that leaves the bytes as
-- they were (articles_fill turning a BLOB into TEXT) is not checked again.
CREATE TRIGGER articles_title_utf8_insert BEFORE INSERT ON articles
WHEN NEW.title IS NOT NULL AND (WITH RECURSIVE
    -- walk(i, e): the next byte to read is i; before e, byte by byte (a sequence at a
    -- time), from e on, 32 bytes at a time while they are plain ASCII (no NUL).  i = 0:
    -- not UTF-8.
    walk(i, e) AS (
      SELECT 1, 1
      UNION ALL
      SELECT CASE
               WHEN i < e THEN CASE
                 WHEN substr(CAST(NEW.title AS BLOB), i, 1) BETWEEN x'01' AND x'7F' THEN i + 1
                 WHEN substr(CAST(NEW.title AS BLOB), i, 1) BETWEEN x'C2' AND x'DF'
                  AND substr(CAST(NEW.title AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF' THEN i + 2
                 WHEN ((substr(CAST(NEW.title AS BLOB), i, 1) = x'E0' AND substr(CAST(NEW.title AS BLOB), i + 1, 1) BETWEEN x'A0' AND x'BF')
                    OR (substr(CAST(NEW.title AS BLOB), i, 1) BETWEEN x'E1' AND x'EC' AND substr(CAST(NEW.title AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF')
                    OR (substr(CAST(NEW.title AS BLOB), i, 1) = x'ED' AND substr(CAST(NEW.title AS BLOB), i + 1, 1) BETWEEN x'80' AND x'9F')
                    OR (substr(CAST(NEW.title AS BLOB), i, 1) BETWEEN x'EE' AND x'EF' AND substr(CAST(NEW.title AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF'))
                  AND substr(CAST(NEW.title AS BLOB), i + 2, 1) BETWEEN x'80' AND x'BF' THEN i + 3
                 WHEN ((substr(CAST(NEW.title AS BLOB), i, 1) = x'F0' AND substr(CAST(NEW.title AS BLOB), i + 1, 1) BETWEEN x'90' AND x'BF')
                    OR (substr(CAST(NEW.title AS BLOB), i, 1) BETWEEN x'F1' AND x'F3' AND substr(CAST(NEW.title AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF')
                    OR (substr(CAST(NEW.title AS BLOB), i, 1) = x'F4' AND substr(CAST(NEW.title AS BLOB), i + 1, 1) BETWEEN x'80' AND x'8F'))
                  AND substr(CAST(NEW.title AS BLOB), i + 2, 1) BETWEEN x'80' AND x'BF'
                  AND substr(CAST(NEW.title AS BLOB), i + 3, 1) BETWEEN x'80' AND x'BF' THEN i + 4
                 ELSE 0 END
               WHEN length(CAST(substr(CAST(NEW.title AS BLOB), i, 32) AS TEXT)) = length(substr(CAST(NEW.title AS BLOB), i, 32))
                AND CAST(substr(CAST(NEW.title AS BLOB), i, 32) AS TEXT) NOT GLOB '*[^' || char(1) || '-' || char(127) || ']*'
                 THEN i + 32
               ELSE i END,
             CASE WHEN i < e THEN e ELSE i + 32 END
      FROM walk WHERE i BETWEEN 1 AND length(CAST(NEW.title AS BLOB)))
    SELECT min(i) FROM walk) = 0
BEGIN
  SELECT RAISE(ABORT, 'title is not UTF-8 text: type it again, or save the file it came from as UTF-8');
END;
CREATE TRIGGER articles_title_utf8_update BEFORE UPDATE OF title ON articles
WHEN CAST(NEW.title AS BLOB) IS NOT CAST(OLD.title AS BLOB) AND (WITH RECURSIVE
    -- walk(i, e): the next byte to read is i; before e, byte by byte (a sequence at a
    -- time), from e on, 32 bytes at a time while they are plain ASCII (no NUL).  i = 0:
    -- not UTF-8.
    walk(i, e) AS (
      SELECT 1, 1
      UNION ALL
      SELECT CASE
               WHEN i < e THEN CASE
                 WHEN substr(CAST(NEW.title AS BLOB), i, 1) BETWEEN x'01' AND x'7F' THEN i + 1
                 WHEN substr(CAST(NEW.title AS BLOB), i, 1) BETWEEN x'C2' AND x'DF'
                  AND substr(CAST(NEW.title AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF' THEN i + 2
                 WHEN ((substr(CAST(NEW.title AS BLOB), i, 1) = x'E0' AND substr(CAST(NEW.title AS BLOB), i + 1, 1) BETWEEN x'A0' AND x'BF')
                    OR (substr(CAST(NEW.title AS BLOB), i, 1) BETWEEN x'E1' AND x'EC' AND substr(CAST(NEW.title AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF')
                    OR (substr(CAST(NEW.title AS BLOB), i, 1) = x'ED' AND substr(CAST(NEW.title AS BLOB), i + 1, 1) BETWEEN x'80' AND x'9F')
                    OR (substr(CAST(NEW.title AS BLOB), i, 1) BETWEEN x'EE' AND x'EF' AND substr(CAST(NEW.title AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF'))
                  AND substr(CAST(NEW.title AS BLOB), i + 2, 1) BETWEEN x'80' AND x'BF' THEN i + 3
                 WHEN ((substr(CAST(NEW.title AS BLOB), i, 1) = x'F0' AND substr(CAST(NEW.title AS BLOB), i + 1, 1) BETWEEN x'90' AND x'BF')
                    OR (substr(CAST(NEW.title AS BLOB), i, 1) BETWEEN x'F1' AND x'F3' AND substr(CAST(NEW.title AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF')
                    OR (substr(CAST(NEW.title AS BLOB), i, 1) = x'F4' AND substr(CAST(NEW.title AS BLOB), i + 1, 1) BETWEEN x'80' AND x'8F'))
                  AND substr(CAST(NEW.title AS BLOB), i + 2, 1) BETWEEN x'80' AND x'BF'
                  AND substr(CAST(NEW.title AS BLOB), i + 3, 1) BETWEEN x'80' AND x'BF' THEN i + 4
                 ELSE 0 END
               WHEN length(CAST(substr(CAST(NEW.title AS BLOB), i, 32) AS TEXT)) = length(substr(CAST(NEW.title AS BLOB), i, 32))
                AND CAST(substr(CAST(NEW.title AS BLOB), i, 32) AS TEXT) NOT GLOB '*[^' || char(1) || '-' || char(127) || ']*'
                 THEN i + 32
               ELSE i END,
             CASE WHEN i < e THEN e ELSE i + 32 END
      FROM walk WHERE i BETWEEN 1 AND length(CAST(NEW.title AS BLOB)))
    SELECT min(i) FROM walk) = 0
BEGIN
  SELECT RAISE(ABORT, 'title is not UTF-8 text: type it again, or save the file it came from as UTF-8');
END;
CREATE TRIGGER articles_body_utf8_insert BEFORE INSERT ON articles
WHEN NEW.body IS NOT NULL AND (WITH RECURSIVE
    -- walk(i, e): the next byte to read is i; before e, byte by byte (a sequence at a
    -- time), from e on, 32 bytes at a time while they are plain ASCII (no NUL).  i = 0:
    -- not UTF-8.
    walk(i, e) AS (
      SELECT 1, 1
      UNION ALL
      SELECT CASE
               WHEN i < e THEN CASE
                 WHEN substr(CAST(NEW.body AS BLOB), i, 1) BETWEEN x'01' AND x'7F' THEN i + 1
                 WHEN substr(CAST(NEW.body AS BLOB), i, 1) BETWEEN x'C2' AND x'DF'
                  AND substr(CAST(NEW.body AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF' THEN i + 2
                 WHEN ((substr(CAST(NEW.body AS BLOB), i, 1) = x'E0' AND substr(CAST(NEW.body AS BLOB), i + 1, 1) BETWEEN x'A0' AND x'BF')
                    OR (substr(CAST(NEW.body AS BLOB), i, 1) BETWEEN x'E1' AND x'EC' AND substr(CAST(NEW.body AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF')
                    OR (substr(CAST(NEW.body AS BLOB), i, 1) = x'ED' AND substr(CAST(NEW.body AS BLOB), i + 1, 1) BETWEEN x'80' AND x'9F')
                    OR (substr(CAST(NEW.body AS BLOB), i, 1) BETWEEN x'EE' AND x'EF' AND substr(CAST(NEW.body AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF'))
                  AND substr(CAST(NEW.body AS BLOB), i + 2, 1) BETWEEN x'80' AND x'BF' THEN i + 3
                 WHEN ((substr(CAST(NEW.body AS BLOB), i, 1) = x'F0' AND substr(CAST(NEW.body AS BLOB), i + 1, 1) BETWEEN x'90' AND x'BF')
                    OR (substr(CAST(NEW.body AS BLOB), i, 1) BETWEEN x'F1' AND x'F3' AND substr(CAST(NEW.body AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF')
                    OR (substr(CAST(NEW.body AS BLOB), i, 1) = x'F4' AND substr(CAST(NEW.body AS BLOB), i + 1, 1) BETWEEN x'80' AND x'8F'))
                  AND substr(CAST(NEW.body AS BLOB), i + 2, 1) BETWEEN x'80' AND x'BF'
                  AND substr(CAST(NEW.body AS BLOB), i + 3, 1) BETWEEN x'80' AND x'BF' THEN i + 4
                 ELSE 0 END
               WHEN length(CAST(substr(CAST(NEW.body AS BLOB), i, 32) AS TEXT)) = length(substr(CAST(NEW.body AS BLOB), i, 32))
                AND CAST(substr(CAST(NEW.body AS BLOB), i, 32) AS TEXT) NOT GLOB '*[^' || char(1) || '-' || char(127) || ']*'
                 THEN i + 32
               ELSE i END,
             CASE WHEN i < e THEN e ELSE i + 32 END
      FROM walk WHERE i BETWEEN 1 AND length(CAST(NEW.body AS BLOB)))
    SELECT min(i) FROM walk) = 0
BEGIN
  SELECT RAISE(ABORT, 'body is not UTF-8 text: save the file as UTF-8 (a file saved as "Unicode" or UTF-16, a Latin-1 or Windows-1252 file, or a program will not do)');
END;
CREATE TRIGGER articles_body_utf8_update BEFORE UPDATE OF body ON articles
WHEN CAST(NEW.body AS BLOB) IS NOT CAST(OLD.body AS BLOB) AND (WITH RECURSIVE
    -- walk(i, e): the next byte to read is i; before e, byte by byte (a sequence at a
    -- time), from e on, 32 bytes at a time while they are plain ASCII (no NUL).  i = 0:
    -- not UTF-8.
    walk(i, e) AS (
      SELECT 1, 1
      UNION ALL
      SELECT CASE
               WHEN i < e THEN CASE
                 WHEN substr(CAST(NEW.body AS BLOB), i, 1) BETWEEN x'01' AND x'7F' THEN i + 1
                 WHEN substr(CAST(NEW.body AS BLOB), i, 1) BETWEEN x'C2' AND x'DF'
                  AND substr(CAST(NEW.body AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF' THEN i + 2
                 WHEN ((substr(CAST(NEW.body AS BLOB), i, 1) = x'E0' AND substr(CAST(NEW.body AS BLOB), i + 1, 1) BETWEEN x'A0' AND x'BF')
                    OR (substr(CAST(NEW.body AS BLOB), i, 1) BETWEEN x'E1' AND x'EC' AND substr(CAST(NEW.body AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF')
                    OR (substr(CAST(NEW.body AS BLOB), i, 1) = x'ED' AND substr(CAST(NEW.body AS BLOB), i + 1, 1) BETWEEN x'80' AND x'9F')
                    OR (substr(CAST(NEW.body AS BLOB), i, 1) BETWEEN x'EE' AND x'EF' AND substr(CAST(NEW.body AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF'))
                  AND substr(CAST(NEW.body AS BLOB), i + 2, 1) BETWEEN x'80' AND x'BF' THEN i + 3
                 WHEN ((substr(CAST(NEW.body AS BLOB), i, 1) = x'F0' AND substr(CAST(NEW.body AS BLOB), i + 1, 1) BETWEEN x'90' AND x'BF')
                    OR (substr(CAST(NEW.body AS BLOB), i, 1) BETWEEN x'F1' AND x'F3' AND substr(CAST(NEW.body AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF')
                    OR (substr(CAST(NEW.body AS BLOB), i, 1) = x'F4' AND substr(CAST(NEW.body AS BLOB), i + 1, 1) BETWEEN x'80' AND x'8F'))
                  AND substr(CAST(NEW.body AS BLOB), i + 2, 1) BETWEEN x'80' AND x'BF'
                  AND substr(CAST(NEW.body AS BLOB), i + 3, 1) BETWEEN x'80' AND x'BF' THEN i + 4
                 ELSE 0 END
               WHEN length(CAST(substr(CAST(NEW.body AS BLOB), i, 32) AS TEXT)) = length(substr(CAST(NEW.body AS BLOB), i, 32))
                AND CAST(substr(CAST(NEW.body AS BLOB), i, 32) AS TEXT) NOT GLOB '*[^' || char(1) || '-' || char(127) || ']*'
                 THEN i + 32
               ELSE i END,
             CASE WHEN i < e THEN e ELSE i + 32 END
      FROM walk WHERE i BETWEEN 1 AND length(CAST(NEW.body AS BLOB)))
    SELECT min(i) FROM walk) = 0
BEGIN
  SELECT RAISE(ABORT, 'body is not UTF-8 text: save the file as UTF-8 (a file saved as "Unicode" or UTF-16, a Latin-1 or Windows-1252 file, or a program will not do)');
END;

-- julianday() accepts hour 24 (the next day's midnight) and year 0: neither is a date
-- an owner means.
CREATE TRIGGER articles_dates_insert BEFORE INSERT ON articles
BEGIN
  SELECT RAISE(ABORT, 'published_at must be a real date like 2024-05-01T09:00:00Z: hours go from 00 to 23, years from 0001')
  WHERE (typeof(NEW.published_at) = 'text' AND NEW.published_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'
         AND julianday(NEW.published_at) IS NOT NULL
         AND (substr(NEW.published_at, 12, 2) = '24' OR julianday(NEW.published_at) < julianday('0001-01-01')));
  SELECT RAISE(ABORT, 'updated_at must be a real date like 2024-05-01T09:00:00Z: hours go from 00 to 23, years from 0001')
  WHERE (typeof(NEW.updated_at) = 'text' AND NEW.updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'
         AND julianday(NEW.updated_at) IS NOT NULL
         AND (substr(NEW.updated_at, 12, 2) = '24' OR julianday(NEW.updated_at) < julianday('0001-01-01')));
END;
CREATE TRIGGER articles_dates_update BEFORE UPDATE OF published_at, updated_at ON articles
BEGIN
  SELECT RAISE(ABORT, 'published_at must be a real date like 2024-05-01T09:00:00Z: hours go from 00 to 23, years from 0001')
  WHERE (typeof(NEW.published_at) = 'text' AND NEW.published_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'
         AND julianday(NEW.published_at) IS NOT NULL
         AND (substr(NEW.published_at, 12, 2) = '24' OR julianday(NEW.published_at) < julianday('0001-01-01')));
  SELECT RAISE(ABORT, 'updated_at must be a real date like 2024-05-01T09:00:00Z: hours go from 00 to 23, years from 0001')
  WHERE (typeof(NEW.updated_at) = 'text' AND NEW.updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'
         AND julianday(NEW.updated_at) IS NOT NULL
         AND (substr(NEW.updated_at, 12, 2) = '24' OR julianday(NEW.updated_at) < julianday('0001-01-01')));
END;

-- UNIQUE's own message cannot be renamed, so look first.
CREATE TRIGGER articles_slug_taken_insert BEFORE INSERT ON articles
WHEN NEW.slug IS NOT NULL
 AND EXISTS (SELECT 1 FROM articles WHERE slug = NEW.slug AND id IS NOT NEW.id)
BEGIN
  SELECT RAISE(ABORT, 'slug is already used by another article: choose another slug');
END;
CREATE TRIGGER articles_slug_taken_update BEFORE UPDATE OF slug ON articles
WHEN NEW.slug IS NOT NULL
 AND EXISTS (SELECT 1 FROM articles WHERE slug = NEW.slug AND id IS NOT OLD.id)
BEGIN
  SELECT RAISE(ABORT, 'slug is already used by another article: choose another slug');
END;

-- The counts are keyed by id.
CREATE TRIGGER articles_id_fixed BEFORE UPDATE OF id ON articles
WHEN NEW.id IS NOT OLD.id
BEGIN
  SELECT RAISE(ABORT, 'articles.id cannot be changed: the article''s views are kept under it');
END;

-- rev may only step up by one (articles_touch does that); setting it back could make a
-- cache take old content for new.
CREATE TRIGGER articles_rev_kept BEFORE UPDATE OF rev ON articles
WHEN NEW.rev IS NOT OLD.rev AND NEW.rev IS NOT OLD.rev + 1
BEGIN
  SELECT RAISE(ABORT, 'articles.rev is kept by the triggers: leave it out of the UPDATE');
END;

-- A new article gets its counts row (with a fresh counter key) and is then "touched" so
-- that articles_fill completes it: one copy of the slug-making code serves INSERT and
-- UPDATE.  A deleted article's counts are gone (articles_delete), so counts already
-- under NEW.id mean INSERT OR REPLACE has just removed the article that had this id
-- (REPLACE fires no delete trigger): refuse, since the new row would start again at
-- rev 1, which a cache may hold for the old content.
CREATE TRIGGER articles_insert AFTER INSERT ON articles
BEGIN
  SELECT RAISE(ABORT, 'an article with this id exists: change it with UPDATE articles SET ... WHERE id = ..., not INSERT OR REPLACE')
  WHERE EXISTS (SELECT 1 FROM views WHERE article_id = NEW.id);
  INSERT INTO views(article_id, key) VALUES (NEW.id, max(random() & 0x7fffffffffffffff, 1));
  UPDATE articles SET slug = slug WHERE id = NEW.id;
END;

-- Completes a row after INSERT or UPDATE: makes a slug from the title when slug is NULL,
-- stores a readfile() BLOB body as TEXT, writes both dates as UTC 'YYYY-MM-DDTHH:MM:SSZ'.
--
-- The slug: lower(title) (ASCII only), common Latin letters transliterated by the table
-- tr, combining accents dropped, every other run of characters one '-', no '-' at the
-- ends; over 80 characters it is cut after the last whole word that fits.  If another
-- article has it, -2, -3, ... is added (the first free).  Nothing left: RAISE.
CREATE TRIGGER articles_fill AFTER UPDATE ON articles
WHEN NEW.slug IS NULL
  OR typeof(NEW.body) = 'blob'
  OR NEW.published_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', NEW.published_at)
  OR NEW.updated_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', NEW.updated_at)
BEGIN
  UPDATE articles SET
    body = CAST(body AS TEXT),
    published_at = strftime('%Y-%m-%dT%H:%M:%SZ', published_at),
    updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', updated_at),
    slug = CASE WHEN slug IS NOT NULL THEN slug ELSE coalesce(nullif((
      WITH RECURSIVE
        tr(f, a) AS (VALUES
          ('à','a'),('á','a'),('â','a'),('ã','a'),('ä','a'),('å','a'),('ā','a'),('ă','a'),('ą','a'),
          ('À','a'),('Á','a'),('Â','a'),('Ã','a'),('Ä','a'),('Å','a'),('Ā','a'),('Ă','a'),('Ą','a'),
          ('æ','ae'),('Æ','ae'),
          ('ç','c'),('ć','c'),('ĉ','c'),('ċ','c'),('č','c'),('Ç','c'),('Ć','c'),('Č','c'),
          ('ď','d'),('đ','d'),('ð','d'),('Ď','d'),('Đ','d'),('Ð','d'),
          ('è','e'),('é','e'),('ê','e'),('ë','e'),('ē','e'),('ĕ','e'),('ė','e'),('ę','e'),('ě','e'),
          ('È','e'),('É','e'),('Ê','e'),('Ë','e'),('Ē','e'),('Ė','e'),('Ę','e'),('Ě','e'),
          ('ğ','g'),('ĝ','g'),('ġ','g'),('ģ','g'),('Ğ','g'),
          ('ĥ','h'),('ħ','h'),
          ('ì','i'),('í','i'),('î','i'),('ï','i'),('ĩ','i'),('ī','i'),('į','i'),('ı','i'),
          ('Ì','i'),('Í','i'),('Î','i'),('Ï','i'),('Ī','i'),('İ','i'),
          ('ĵ','j'),('ķ','k'),
          ('ĺ','l'),('ļ','l'),('ľ','l'),('ł','l'),('Ľ','l'),('Ł','l'),
          ('ñ','n'),('ń','n'),('ņ','n'),('ň','n'),('Ñ','n'),('Ń','n'),('Ň','n'),
          ('ò','o'),('ó','o'),('ô','o'),('õ','o'),('ö','o'),('ø','o'),('ō','o'),('ő','o'),
          ('Ò','o'),('Ó','o'),('Ô','o'),('Õ','o'),('Ö','o'),('Ø','o'),('Ō','o'),('Ő','o'),
          ('œ','oe'),('Œ','oe'),
          ('ŕ','r'),('ř','r'),('Ř','r'),
          ('ś','s'),('ŝ','s'),('ş','s'),('š','s'),('ș','s'),('Ś','s'),('Ş','s'),('Š','s'),('Ș','s'),
          ('ß','ss'),('ẞ','ss'),
          ('ţ','t'),('ť','t'),('ț','t'),('Ť','t'),('Ț','t'),
          ('þ','th'),('Þ','th'),
          ('ù','u'),('ú','u'),('û','u'),('ü','u'),('ũ','u'),('ū','u'),('ŭ','u'),('ů','u'),('ű','u'),('ų','u'),
          ('Ù','u'),('Ú','u'),('Û','u'),('Ü','u'),('Ū','u'),('Ů','u'),('Ű','u'),
          ('ŵ','w'),
          ('ý','y'),('ÿ','y'),('ŷ','y'),('Ý','y'),('Ÿ','y'),
          ('ź','z'),('ż','z'),('ž','z'),('Ź','z'),('Ż','z'),('Ž','z')),
        src(t) AS (SELECT lower(NEW.title)),
        -- walk(i, s, c): s is the slug made from the first i characters, c the next one.
        -- It stops once s is past 80 characters: the rest cannot be kept anyway.
        walk(i, s, c) AS (
          SELECT 0, '', substr(t, 1, 1) FROM src
          UNION ALL
          SELECT i + 1,
                 CASE
                   WHEN c GLOB '[a-z0-9]' THEN s || c
                   WHEN unicode(c) BETWEEN 768 AND 879 THEN s   -- combining accent (U+0300-036F)
                   WHEN unicode(c) >= 128 AND (SELECT a FROM tr WHERE f = c) IS NOT NULL
                     THEN s || (SELECT a FROM tr WHERE f = c)
                   WHEN s = '' OR s GLOB '*-' THEN s
                   ELSE s || '-'
                 END,
                 substr(t, i + 2, 1)
          FROM walk, src
          WHERE i < length(t) AND length(s) <= 80
        ),
        base(b) AS (
          SELECT CASE
                   WHEN length(s) <= 80 THEN rtrim(s, '-')
                   -- too long: drop the last, partial word; one 81-letter word is cut hard
                   ELSE coalesce(nullif(rtrim(rtrim(substr(s, 1, 81),
                                                    'abcdefghijklmnopqrstuvwxyz0123456789'), '-'), ''),
                                 substr(s, 1, 80))
                 END
          FROM walk ORDER BY i DESC LIMIT 1
        ),
        -- cand(k, slug): the k-th choice; the walk goes on while the choice is taken.
        -- With "-k" added, b is cut like above to leave room for it (80 in all).
        cand(k, slug) AS (
          SELECT 1, b FROM base
          UNION ALL
          SELECT k + 1,
                 CASE
                   WHEN length(b) <= 79 - length(k + 1) THEN b
                   ELSE coalesce(nullif(rtrim(rtrim(substr(b, 1, 80 - length(k + 1)),
                                                    'abcdefghijklmnopqrstuvwxyz0123456789'), '-'), ''),
                                 substr(b, 1, 79 - length(k + 1)))
                 END || '-' || (k + 1)
          FROM cand, base
          WHERE b <> ''
            AND (EXISTS (SELECT 1 FROM articles WHERE articles.slug = cand.slug
                                                  AND articles.id IS NOT NEW.id)
                 -- an old slug of another (or a deleted) article: its links must not
                 -- lead here (slug_history, migration 4)
                 OR EXISTS (SELECT 1 FROM slug_history h WHERE h.slug = cand.slug
                                                         AND h.article_id IS NOT NEW.id))
        )
      SELECT slug FROM cand ORDER BY k DESC LIMIT 1
    ), ''), RAISE(ABORT, 'title gives no slug: set slug explicitly, e.g. INSERT INTO articles(title, slug, body) VALUES (''日本語'', ''nihongo'', readfile(''post.md''))'))
    END
  WHERE id = NEW.id;
END;

-- An edit that changes what a reader sees steps rev and sets updated_at to now (or to the
-- updated_at given in the same UPDATE).  The WHEN leaves out articles_fill's own
-- changes (a slug filled in, a BLOB made TEXT, a date rewritten to its UTC form).
CREATE TRIGGER articles_touch AFTER UPDATE OF title, body, slug, published_at, draft ON articles
WHEN NEW.title IS NOT OLD.title
  OR CAST(NEW.body AS TEXT) IS NOT CAST(OLD.body AS TEXT)
  OR (NEW.slug IS NOT OLD.slug AND OLD.slug IS NOT NULL)
  OR strftime('%Y-%m-%dT%H:%M:%SZ', NEW.published_at)
     IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', OLD.published_at)
  OR NEW.draft IS NOT OLD.draft
BEGIN
  UPDATE articles SET
    rev = rev + 1,
    updated_at = CASE WHEN NEW.updated_at IS NOT OLD.updated_at
                      THEN strftime('%Y-%m-%dT%H:%M:%SZ', NEW.updated_at)
                      ELSE strftime('%Y-%m-%dT%H:%M:%SZ', 'now') END
  WHERE id = NEW.id;
END;

-- The shell runs with foreign_keys off, so ON DELETE CASCADE does not fire from it.
CREATE TRIGGER articles_delete AFTER DELETE ON articles
BEGIN
  DELETE FROM view_days WHERE article_id = OLD.id;
  DELETE FROM views WHERE article_id = OLD.id;
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;

CREATE TRIGGER articles_site_version_insert AFTER INSERT ON articles
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;
CREATE TRIGGER articles_site_version_update AFTER UPDATE ON articles
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;


-- ---------------------------------------------------------------------------------------
-- Triggers on views.
-- ---------------------------------------------------------------------------------------
CREATE TRIGGER views_key_fixed BEFORE UPDATE OF key ON views
WHEN NEW.key IS NOT OLD.key
BEGIN
  SELECT RAISE(ABORT, 'views.key names the article''s live counter: it cannot be changed');
END;
CREATE TRIGGER views_article_fixed BEFORE UPDATE OF article_id ON views
WHEN NEW.article_id IS NOT OLD.article_id
BEGIN
  SELECT RAISE(ABORT, 'views.article_id cannot be changed');
END;
CREATE TRIGGER views_delete_kept BEFORE DELETE ON views
WHEN EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id)
BEGIN
  SELECT RAISE(ABORT, 'views rows go with their article: delete the article, or change views.imported');
END;

-- total and folded are articled's: its fold moves both, by the same amount, with
-- articled_writing holding a row (see below).  The owner changes imported; total
-- follows by the difference.
CREATE TRIGGER views_total_kept BEFORE UPDATE OF total ON views
WHEN NEW.total IS NOT OLD.total AND NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'views.total is kept by articled: change views.imported instead');
END;
CREATE TRIGGER views_folded_kept BEFORE UPDATE OF folded ON views
WHEN NEW.folded IS NOT OLD.folded AND NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'views.folded is articled''s own (how much of the live counter is stored): change views.imported instead');
END;
CREATE TRIGGER views_imported AFTER UPDATE OF imported ON views
WHEN NEW.imported IS NOT OLD.imported
BEGIN
  INSERT INTO articled_writing(who) VALUES ('imported');
  UPDATE views SET total = total + (NEW.imported - OLD.imported) WHERE article_id = NEW.article_id;
  DELETE FROM articled_writing WHERE who = 'imported';
END;
CREATE TRIGGER views_article_exists BEFORE INSERT ON views
WHEN NOT EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id)
BEGIN
  SELECT RAISE(ABORT, 'views rows are made by articled with each article: there is no article with this article_id');
END;

-- The count a page shows is (total - folded) + live counter: a fold leaves it alone.
CREATE TRIGGER views_site_version AFTER UPDATE ON views
WHEN (NEW.total - NEW.folded) IS NOT (OLD.total - OLD.folded)
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;


-- ---------------------------------------------------------------------------------------
-- Triggers on settings.
-- ---------------------------------------------------------------------------------------
-- site_name, base_url and lang are required: every page needs them.
CREATE TRIGGER settings_required_delete BEFORE DELETE ON settings
WHEN OLD.key IN ('site_name', 'base_url', 'lang')
BEGIN
  SELECT RAISE(ABORT, 'site_name, base_url and lang are required: change the value instead, e.g. UPDATE settings SET value = ''en-GB'' WHERE key = ''lang''');
END;
CREATE TRIGGER settings_required_key BEFORE UPDATE OF key ON settings
WHEN OLD.key IN ('site_name', 'base_url', 'lang') AND NEW.key IS NOT OLD.key
BEGIN
  SELECT RAISE(ABORT, 'site_name, base_url and lang are required: change the value instead, e.g. UPDATE settings SET value = ''en-GB'' WHERE key = ''lang''');
END;

-- What the CHECKs on settings cannot say: a site name of invisible characters only, a
-- contact without a name, a language's name instead of its tag, a base_url that is
-- more than an origin (a path, a user, an empty host).
CREATE TRIGGER settings_check_insert BEFORE INSERT ON settings
BEGIN
  SELECT RAISE(ABORT, 'site_name must show something: spaces, no-break or zero-width spaces alone are invisible')
  WHERE NEW.key = 'site_name' AND trim(NEW.value, ' ' || char(9, 10, 13)) <> ''
    AND trim(NEW.value, ' ' || char(9, 10, 11, 12, 13, 133, 160, 173, 847, 1564, 4447, 4448, 5760, 6158,
                          8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202,
                          8203, 8204, 8205, 8206, 8207, 8232, 8233, 8234, 8235, 8236, 8237,
                          8238, 8239, 8287, 8288, 8289, 8290, 8291, 8292, 8294, 8295, 8296,
                          8297, 10240, 12288, 12644, 65279, 65440)) = '';
  SELECT RAISE(ABORT, 'a contact needs a name after contact:, e.g. contact:Reception')
  WHERE NEW.key GLOB 'contact:?*'
    AND trim(substr(NEW.key, 9), ' ' || char(9, 10, 11, 12, 13, 133, 160, 173, 847, 1564, 4447, 4448, 5760, 6158,
                          8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202,
                          8203, 8204, 8205, 8206, 8207, 8232, 8233, 8234, 8235, 8236, 8237,
                          8238, 8239, 8287, 8288, 8289, 8290, 8291, 8292, 8294, 8295, 8296,
                          8297, 10240, 12288, 12644, 65279, 65440)) = '';
  SELECT RAISE(ABORT, 'lang must be a language tag like en or en-GB, not the name of a language')
  WHERE NEW.key = 'lang' AND NEW.value GLOB '[A-Za-z]*' AND NEW.value NOT GLOB '*[^A-Za-z0-9-]*'
    AND NEW.value NOT GLOB '*-' AND NEW.value NOT GLOB '*--*'
    AND NOT ((NEW.value GLOB '[A-Za-z][A-Za-z]' OR NEW.value GLOB '[A-Za-z][A-Za-z][A-Za-z]'
              OR NEW.value GLOB '[A-Za-z][A-Za-z]-?*' OR NEW.value GLOB '[A-Za-z][A-Za-z][A-Za-z]-?*')
             AND NEW.value NOT GLOB '*[A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9]*'
             );
  SELECT RAISE(ABORT, 'base_url must be like https://example.org or http://127.0.0.1:8080, the site''s address only: a host name after //, and no path, query, fragment, user name or password')
  WHERE NEW.key = 'base_url' AND (NEW.value GLOB 'http://?*' OR NEW.value GLOB 'https://?*')
    AND NEW.value NOT GLOB '*/' AND NEW.value NOT GLOB '*[^!-~]*'
    AND (substr(NEW.value, instr(NEW.value, '://') + 3) = '' OR substr(NEW.value, instr(NEW.value, '://') + 3) GLOB '*[/@]*' OR substr(NEW.value, instr(NEW.value, '://') + 3) GLOB '[:.]*'
         OR substr(NEW.value, instr(NEW.value, '://') + 3) GLOB '*[^]A-Za-z0-9.:[-]*');
END;
CREATE TRIGGER settings_check_update BEFORE UPDATE ON settings
BEGIN
  SELECT RAISE(ABORT, 'site_name must show something: spaces, no-break or zero-width spaces alone are invisible')
  WHERE NEW.key = 'site_name' AND trim(NEW.value, ' ' || char(9, 10, 13)) <> ''
    AND trim(NEW.value, ' ' || char(9, 10, 11, 12, 13, 133, 160, 173, 847, 1564, 4447, 4448, 5760, 6158,
                          8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202,
                          8203, 8204, 8205, 8206, 8207, 8232, 8233, 8234, 8235, 8236, 8237,
                          8238, 8239, 8287, 8288, 8289, 8290, 8291, 8292, 8294, 8295, 8296,
                          8297, 10240, 12288, 12644, 65279, 65440)) = '';
  SELECT RAISE(ABORT, 'a contact needs a name after contact:, e.g. contact:Reception')
  WHERE NEW.key GLOB 'contact:?*'
    AND trim(substr(NEW.key, 9), ' ' || char(9, 10, 11, 12, 13, 133, 160, 173, 847, 1564, 4447, 4448, 5760, 6158,
                          8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202,
                          8203, 8204, 8205, 8206, 8207, 8232, 8233, 8234, 8235, 8236, 8237,
                          8238, 8239, 8287, 8288, 8289, 8290, 8291, 8292, 8294, 8295, 8296,
                          8297, 10240, 12288, 12644, 65279, 65440)) = '';
  SELECT RAISE(ABORT, 'lang must be a language tag like en or en-GB, not the name of a language')
  WHERE NEW.key = 'lang' AND NEW.value GLOB '[A-Za-z]*' AND NEW.value NOT GLOB '*[^A-Za-z0-9-]*'
    AND NEW.value NOT GLOB '*-' AND NEW.value NOT GLOB '*--*'
    AND NOT ((NEW.value GLOB '[A-Za-z][A-Za-z]' OR NEW.value GLOB '[A-Za-z][A-Za-z][A-Za-z]'
              OR NEW.value GLOB '[A-Za-z][A-Za-z]-?*' OR NEW.value GLOB '[A-Za-z][A-Za-z][A-Za-z]-?*')
             AND NEW.value NOT GLOB '*[A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9]*'
             );
  SELECT RAISE(ABORT, 'base_url must be like https://example.org or http://127.0.0.1:8080, the site''s address only: a host name after //, and no path, query, fragment, user name or password')
  WHERE NEW.key = 'base_url' AND (NEW.value GLOB 'http://?*' OR NEW.value GLOB 'https://?*')
    AND NEW.value NOT GLOB '*/' AND NEW.value NOT GLOB '*[^!-~]*'
    AND (substr(NEW.value, instr(NEW.value, '://') + 3) = '' OR substr(NEW.value, instr(NEW.value, '://') + 3) GLOB '*[/@]*' OR substr(NEW.value, instr(NEW.value, '://') + 3) GLOB '[:.]*'
         OR substr(NEW.value, instr(NEW.value, '://') + 3) GLOB '*[^]A-Za-z0-9.:[-]*');
END;

-- Keys under a feature's prefix (comments., readers., clinic.) are each checked on their
-- own: setting_keys, articled's own table, lists the ones it knows, with the value used
-- when the owner sets none and what each does.
CREATE TABLE setting_keys(
  key TEXT PRIMARY KEY NOT NULL
    CONSTRAINT "a setting key must be comments.<name>, readers.<name> or clinic.<name>"
    CHECK (typeof(key) = 'text'
           AND (key GLOB 'comments.?*' OR key GLOB 'readers.?*' OR key GLOB 'clinic.?*')),
  default_value TEXT,          -- NULL: unset until the owner sets it
  about TEXT NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER setting_keys_kept_insert BEFORE INSERT ON setting_keys
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'setting_keys is articled''s own list of the settings it knows: set a value with INSERT INTO settings(key, value) VALUES (...)');
END;
CREATE TRIGGER setting_keys_kept_update BEFORE UPDATE ON setting_keys
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'setting_keys is articled''s own list of the settings it knows: set a value with INSERT INTO settings(key, value) VALUES (...)');
END;
CREATE TRIGGER setting_keys_kept_delete BEFORE DELETE ON setting_keys
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'setting_keys is articled''s own list of the settings it knows: to go back to a default, DELETE FROM settings WHERE key = ''...''');
END;
CREATE TRIGGER settings_key_known_insert BEFORE INSERT ON settings
WHEN (NEW.key GLOB 'comments.?*' OR NEW.key GLOB 'readers.?*' OR NEW.key GLOB 'clinic.?*')
 AND NOT EXISTS (SELECT 1 FROM setting_keys WHERE key = NEW.key)
BEGIN
  SELECT RAISE(ABORT, 'unknown settings key: SELECT key, default_value, about FROM setting_keys lists the comments., readers. and clinic. settings');
END;
CREATE TRIGGER settings_key_known_update BEFORE UPDATE OF key ON settings
WHEN (NEW.key GLOB 'comments.?*' OR NEW.key GLOB 'readers.?*' OR NEW.key GLOB 'clinic.?*')
 AND NOT EXISTS (SELECT 1 FROM setting_keys WHERE key = NEW.key)
BEGIN
  SELECT RAISE(ABORT, 'unknown settings key: SELECT key, default_value, about FROM setting_keys lists the comments., readers. and clinic. settings');
END;

CREATE TRIGGER settings_site_version_insert AFTER INSERT ON settings
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;
CREATE TRIGGER settings_site_version_update AFTER UPDATE ON settings
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;
CREATE TRIGGER settings_site_version_delete AFTER DELETE ON settings
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;


-- ---------------------------------------------------------------------------------------
-- Search and tags (db/migrations/0003-search-tags.sql says why, and why the FTS
-- triggers must stay the last triggers created on articles).
-- ---------------------------------------------------------------------------------------
CREATE TABLE tags(
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  tag TEXT NOT NULL
    CONSTRAINT "a tag must be 1 to 40 lower-case letters a-z, digits and single hyphens, like back-pain"
    CHECK (typeof(tag) = 'text'
           AND length(tag) BETWEEN 1 AND 40
           AND tag GLOB '[a-z0-9]*'
           AND tag GLOB '*[a-z0-9]'
           AND tag NOT GLOB '*[^a-z0-9-]*'
           AND tag NOT GLOB '*--*'),
  PRIMARY KEY (article_id, tag)
) WITHOUT ROWID;

-- /blog/tag/<tag>: the tag's articles.
CREATE INDEX tags_by_tag ON tags(tag, article_id);

-- The sentences, before the CHECK's one-size message; the same for INSERT and UPDATE.
CREATE TRIGGER tags_check_insert BEFORE INSERT ON tags
BEGIN
  SELECT RAISE(ABORT, 'a tag must not be empty: write a word like back-pain')
  WHERE NEW.tag IS NULL OR trim(CAST(NEW.tag AS TEXT)) = '';
  SELECT RAISE(ABORT, 'a tag must be at most 40 characters: choose a shorter word')
  WHERE length(NEW.tag) > 40;
  SELECT RAISE(ABORT, 'tags are written in lower case: back-pain, not Back-Pain')
  WHERE CAST(NEW.tag AS TEXT) GLOB '*[A-Z]*';
  SELECT RAISE(ABORT, 'a tag is one word: join words with single hyphens, like back-pain')
  WHERE trim(CAST(NEW.tag AS TEXT)) GLOB '* *' OR CAST(NEW.tag AS TEXT) GLOB '*--*';
  SELECT RAISE(ABORT, 'a tag may only hold lower-case letters a-z, digits and hyphens between them, like back-pain or covid-19')
  WHERE typeof(NEW.tag) IS NOT 'text' OR NEW.tag NOT GLOB '[a-z0-9]*' OR NEW.tag NOT GLOB '*[a-z0-9]'
     OR NEW.tag GLOB '*[^a-z0-9-]*';
  SELECT RAISE(ABORT, 'no article has this id: find it with SELECT id, slug, title FROM articles')
  WHERE NOT EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id);
  SELECT RAISE(ABORT, 'this article already has this tag')
  WHERE EXISTS (SELECT 1 FROM tags WHERE article_id = NEW.article_id AND tag = NEW.tag);
END;
CREATE TRIGGER tags_check_update BEFORE UPDATE ON tags
BEGIN
  SELECT RAISE(ABORT, 'a tag must not be empty: write a word like back-pain')
  WHERE NEW.tag IS NULL OR trim(CAST(NEW.tag AS TEXT)) = '';
  SELECT RAISE(ABORT, 'a tag must be at most 40 characters: choose a shorter word')
  WHERE length(NEW.tag) > 40;
  SELECT RAISE(ABORT, 'tags are written in lower case: back-pain, not Back-Pain')
  WHERE CAST(NEW.tag AS TEXT) GLOB '*[A-Z]*';
  SELECT RAISE(ABORT, 'a tag is one word: join words with single hyphens, like back-pain')
  WHERE trim(CAST(NEW.tag AS TEXT)) GLOB '* *' OR CAST(NEW.tag AS TEXT) GLOB '*--*';
  SELECT RAISE(ABORT, 'a tag may only hold lower-case letters a-z, digits and hyphens between them, like back-pain or covid-19')
  WHERE typeof(NEW.tag) IS NOT 'text' OR NEW.tag NOT GLOB '[a-z0-9]*' OR NEW.tag NOT GLOB '*[a-z0-9]'
     OR NEW.tag GLOB '*[^a-z0-9-]*';
  SELECT RAISE(ABORT, 'no article has this id: find it with SELECT id, slug, title FROM articles')
  WHERE NOT EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id);
  SELECT RAISE(ABORT, 'this article already has this tag')
  WHERE EXISTS (SELECT 1 FROM tags WHERE article_id = NEW.article_id AND tag = NEW.tag)
    AND (NEW.article_id IS NOT OLD.article_id OR NEW.tag IS NOT OLD.tag);
END;

-- A tag change shows at once, like any other edit.
CREATE TRIGGER tags_site_version_insert AFTER INSERT ON tags
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;
CREATE TRIGGER tags_site_version_update AFTER UPDATE ON tags
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;
CREATE TRIGGER tags_site_version_delete AFTER DELETE ON tags
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;

-- Feeds, previews and old addresses (migration 4).  site_version.changed_at is when rev
-- last moved (Last-Modified of /feed.xml, /sitemap.xml, /robots.txt); slug_history keeps
-- every slug an article had: 301 to its current address, 410 once it is deleted.
-- ---------------------------------------------------------------------------------------
CREATE TRIGGER site_version_changed AFTER UPDATE OF rev ON site_version
WHEN NEW.rev IS NOT OLD.rev
BEGIN
  UPDATE site_version SET changed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = 1;
END;

CREATE TABLE slug_history(
  slug TEXT PRIMARY KEY NOT NULL,
  article_id INTEGER,                      -- NULL: the article was deleted (410)
  changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) WITHOUT ROWID;

CREATE TRIGGER articles_slug_history_insert BEFORE INSERT ON articles
WHEN NEW.slug IS NOT NULL AND EXISTS (SELECT 1 FROM slug_history WHERE slug = NEW.slug)
BEGIN
  SELECT RAISE(ABORT, 'slug was used before and its old address still leads readers (slug_history): choose another slug, or free it first with DELETE FROM slug_history WHERE slug = ''the-slug''');
END;
CREATE TRIGGER articles_slug_history_taken BEFORE UPDATE OF slug ON articles
WHEN NEW.slug IS NOT NULL AND NEW.slug IS NOT OLD.slug
 AND EXISTS (SELECT 1 FROM slug_history WHERE slug = NEW.slug AND article_id IS NOT OLD.id)
BEGIN
  SELECT RAISE(ABORT, 'slug was used before and its old address still leads readers (slug_history): choose another slug, or free it first with DELETE FROM slug_history WHERE slug = ''the-slug''');
END;
CREATE TRIGGER articles_slug_history_update AFTER UPDATE OF slug ON articles
WHEN OLD.slug IS NOT NULL AND NEW.slug IS NOT OLD.slug
BEGIN
  INSERT OR REPLACE INTO slug_history(slug, article_id) VALUES (OLD.slug, OLD.id);
  DELETE FROM slug_history WHERE slug = NEW.slug;
END;
CREATE TRIGGER articles_slug_history_delete AFTER DELETE ON articles
BEGIN
  UPDATE slug_history SET article_id = NULL WHERE article_id = OLD.id;
  INSERT OR REPLACE INTO slug_history(slug, article_id) SELECT OLD.slug, NULL WHERE OLD.slug IS NOT NULL;
END;
CREATE TRIGGER slug_history_site_version_insert AFTER INSERT ON slug_history
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;
CREATE TRIGGER slug_history_site_version_delete AFTER DELETE ON slug_history
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;

-- The shell runs with foreign_keys off: a deleted article's tags go with it here.
CREATE TRIGGER articles_tags_delete AFTER DELETE ON articles
BEGIN
  DELETE FROM tags WHERE article_id = OLD.id;
END;

CREATE VIRTUAL TABLE articles_fts USING fts5(
  title, body,
  content = 'articles', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Last of the triggers on articles (see ORDER MATTERS above).  CAST: a readfile() BLOB
-- is indexed as the TEXT articles_fill turns it into.
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles
BEGIN
  INSERT INTO articles_fts(rowid, title, body) VALUES (NEW.id, NEW.title, CAST(NEW.body AS TEXT));
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles
BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, body)
  VALUES ('delete', OLD.id, OLD.title, CAST(OLD.body AS TEXT));
  INSERT INTO articles_fts(rowid, title, body) VALUES (NEW.id, NEW.title, CAST(NEW.body AS TEXT));
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles
BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, body)
  VALUES ('delete', OLD.id, OLD.title, CAST(OLD.body AS TEXT));
END;


-- ---------------------------------------------------------------------------------------
-- article_renders: each article's body rendered to HTML (articled's own; see
-- db/migrations/0005-article-renders.sql and docs/schema.md).  Filled lazily by page views.
-- ---------------------------------------------------------------------------------------
CREATE TABLE article_renders(
  article_id INTEGER PRIMARY KEY,   -- articles.id
  body_hash INTEGER NOT NULL,       -- XXH64 of the body it was made from
  body_len INTEGER NOT NULL,        -- that body's length in bytes
  rules TEXT NOT NULL,              -- e.g. 'cmark 0.30.2; articled 1'
  html TEXT,                        -- NULL when slow
  excerpt TEXT NOT NULL,
  words INTEGER NOT NULL,
  slow INTEGER NOT NULL DEFAULT 0,
  made_at TEXT NOT NULL
);

CREATE TRIGGER article_renders_kept_insert BEFORE INSERT ON article_renders
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'article_renders is articled''s own copy of rendered articles: edit articles.body instead (DELETE FROM article_renders is allowed: it is rebuilt)');
END;
CREATE TRIGGER article_renders_kept_update BEFORE UPDATE ON article_renders
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'article_renders is articled''s own copy of rendered articles: edit articles.body instead (DELETE FROM article_renders is allowed: it is rebuilt)');
END;

CREATE TRIGGER articles_delete_render AFTER DELETE ON articles
BEGIN
  DELETE FROM article_renders WHERE article_id = OLD.id;
END;


-- ---------------------------------------------------------------------------------------
-- article_related: each article's related links as last computed (articled's own; see
-- db/migrations/0011-related-links.sql and docs/schema.md).  Filled lazily by page views;
-- emptied by any change of a title, slug, draft flag, publication date or tag.
-- ---------------------------------------------------------------------------------------
CREATE TABLE article_related(
  article_id INTEGER PRIMARY KEY,   -- articles.id
  valid_until TEXT NOT NULL,        -- the next scheduled article's published_at then, or ''
  links TEXT NOT NULL               -- 'slug<TAB>title', one a line, best first
);

CREATE TRIGGER article_related_kept_insert BEFORE INSERT ON article_related
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'article_related is articled''s own list of related articles: edit titles and tags instead (DELETE FROM article_related is allowed: it is rebuilt)');
END;
CREATE TRIGGER article_related_kept_update BEFORE UPDATE ON article_related
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'article_related is articled''s own list of related articles: edit titles and tags instead (DELETE FROM article_related is allowed: it is rebuilt)');
END;

CREATE TRIGGER articles_related_insert AFTER INSERT ON articles
BEGIN
  DELETE FROM article_related;
END;
CREATE TRIGGER articles_related_update AFTER UPDATE OF title, slug, draft, published_at ON articles
BEGIN
  DELETE FROM article_related;
END;
CREATE TRIGGER articles_related_delete AFTER DELETE ON articles
BEGIN
  DELETE FROM article_related;
END;
CREATE TRIGGER tags_related_insert AFTER INSERT ON tags
BEGIN
  DELETE FROM article_related;
END;
CREATE TRIGGER tags_related_update AFTER UPDATE ON tags
BEGIN
  DELETE FROM article_related;
END;
CREATE TRIGGER tags_related_delete AFTER DELETE ON tags
BEGIN
  DELETE FROM article_related;
END;


-- ---------------------------------------------------------------------------------------
-- Pictures (migration 6): media, the owner's pictures (original bytes, never served);
-- media_variants, the sizes articled's picture maker makes from them; articles.cover.
-- A picture shown by an article cannot be deleted or renamed: SQLite 3.40's RAISE takes
-- only a fixed text, so that refusal names the article through json_extract() of a path
-- that is the sentence itself ("JSON path error near '<sentence>'").
-- ---------------------------------------------------------------------------------------
CREATE TABLE media(
  id INTEGER PRIMARY KEY AUTOINCREMENT,   -- a deleted id is never reused
  name TEXT NOT NULL UNIQUE
    CONSTRAINT "media name must be like spine.jpg: a-z and 0-9, with single . - or _ between them, at most 100 characters"
    CHECK (typeof(name) = 'text'
           AND name GLOB '[a-z0-9]*'
           AND name GLOB '*[a-z0-9]'
           AND name NOT GLOB '*[^a-z0-9._-]*'
           AND name NOT GLOB '*[._-][._-]*'
           AND length(name) <= 100),
  alt TEXT NOT NULL
    CONSTRAINT "alt must describe the picture for someone who cannot see it: not empty, at most 300 characters"
    CHECK (typeof(alt) = 'text'
           AND trim(alt, ' ' || char(9, 10, 11, 12, 13, 160, 8203, 12288)) <> ''
           AND length(alt) <= 300),
  data BLOB NOT NULL
    CONSTRAINT "data must be at most 20 MB (20971520 bytes): make the photo smaller first"
    CHECK (length(CAST(data AS BLOB)) <= 20971520),
  type TEXT GENERATED ALWAYS AS (CASE
      WHEN substr(CAST(data AS BLOB), 1, 3) = x'FFD8FF' THEN 'jpeg'
      WHEN substr(CAST(data AS BLOB), 1, 8) = x'89504E470D0A1A0A' THEN 'png'
      WHEN substr(CAST(data AS BLOB), 1, 4) = x'52494646'
       AND substr(CAST(data AS BLOB), 9, 4) = x'57454250' THEN 'webp'
      WHEN substr(CAST(data AS BLOB), 1, 6) IN (x'474946383761', x'474946383961') THEN 'gif'
    END) STORED
    CONSTRAINT "data must be a JPEG, PNG, WebP or GIF picture, as read from its bytes whatever the name says (SVG, HTML, PDF and others are refused)"
    CHECK (type IS NOT NULL),
  version INTEGER NOT NULL DEFAULT 0,     -- set by media_insert / media_data_update
  status TEXT NOT NULL DEFAULT 'pending'
    CONSTRAINT "status is 'pending', 'ready' or 'refused': set it to 'pending' to have the sizes made again"
    CHECK (status IN ('pending', 'ready', 'refused')),
  problem TEXT,                           -- why status is 'refused'
  width INTEGER,                          -- as shown (camera orientation applied); NULL until made
  height INTEGER,
  added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- The sizes articled serves: WebP, and JPEG or PNG for browsers without WebP, in a
-- few widths (never wider than the original), and a 1200 px JPEG for link previews.
-- Rows of an older version are left behind only until the maker's next commit.
CREATE TABLE media_variants(
  id INTEGER PRIMARY KEY,
  media_id INTEGER NOT NULL,              -- media.id
  version INTEGER NOT NULL,               -- media.version it was made from
  format TEXT NOT NULL CHECK (format IN ('webp', 'jpeg', 'png')),
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  data BLOB NOT NULL,
  UNIQUE (media_id, version, format, width)
);

-- readfile() of a missing file gives NULL; say so rather than "NOT NULL constraint failed".
CREATE TRIGGER media_data_missing_insert BEFORE INSERT ON media
WHEN NEW.data IS NULL
BEGIN
  SELECT RAISE(ABORT, 'data is empty: did readfile() find the file? (the path is relative to where sqlite3 was started)');
END;
CREATE TRIGGER media_data_missing_update BEFORE UPDATE OF data ON media
WHEN NEW.data IS NULL
BEGIN
  SELECT RAISE(ABORT, 'data is empty: did readfile() find the file? (the path is relative to where sqlite3 was started)');
END;
CREATE TRIGGER media_name_taken_insert BEFORE INSERT ON media
WHEN EXISTS (SELECT 1 FROM media WHERE name = NEW.name)
BEGIN
  SELECT RAISE(ABORT, 'a picture with this name exists: choose another name, or replace it with UPDATE media SET data = readfile(...) WHERE name = ...');
END;
CREATE TRIGGER media_name_taken_update BEFORE UPDATE OF name ON media
WHEN NEW.name IS NOT OLD.name AND EXISTS (SELECT 1 FROM media WHERE name = NEW.name)
BEGIN
  SELECT RAISE(ABORT, 'a picture with this name exists: choose another name');
END;
CREATE TRIGGER media_id_fixed BEFORE UPDATE OF id ON media
WHEN NEW.id IS NOT OLD.id
BEGIN
  SELECT RAISE(ABORT, 'media.id cannot be changed: the picture''s sizes are kept under it');
END;
CREATE TRIGGER media_kept BEFORE UPDATE OF version, problem, width, height, added_at ON media
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
 AND (NEW.version IS NOT OLD.version OR NEW.problem IS NOT OLD.problem
      OR NEW.width IS NOT OLD.width OR NEW.height IS NOT OLD.height
      OR NEW.added_at IS NOT OLD.added_at)
BEGIN
  SELECT RAISE(ABORT, 'media.version, problem, width, height and added_at are kept by articled: change name, alt or data (or set status to ''pending'')');
END;
CREATE TRIGGER media_status_kept BEFORE UPDATE OF status ON media
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
 AND NEW.status IS NOT OLD.status AND NEW.status IS NOT 'pending'
BEGIN
  SELECT RAISE(ABORT, 'media.status is set by articled: set it to ''pending'' to have the sizes made again');
END;

-- In use: refuse with a sentence that names the article (see the top of this file).
CREATE TRIGGER media_in_use_delete BEFORE DELETE ON media
WHEN EXISTS (SELECT 1 FROM articles
             WHERE cover = OLD.name
                OR CAST(body AS TEXT) GLOB '*/media/' || OLD.name || '[^a-z0-9._-]*'
                OR CAST(body AS TEXT) GLOB '*/media/' || OLD.name)
BEGIN
  SELECT json_extract('{}', 'cannot delete picture ' || OLD.name || ': article ' || id
                      || ' (' || coalesce(slug, title) || ') still shows it'
                      || CASE WHEN cover = OLD.name THEN ' as its cover' ELSE ' in its body' END
                      || '; take it out of that article first')
  FROM articles
  WHERE cover = OLD.name
     OR CAST(body AS TEXT) GLOB '*/media/' || OLD.name || '[^a-z0-9._-]*'
     OR CAST(body AS TEXT) GLOB '*/media/' || OLD.name
  ORDER BY id LIMIT 1;
END;
CREATE TRIGGER media_in_use_rename BEFORE UPDATE OF name ON media
WHEN NEW.name IS NOT OLD.name
 AND EXISTS (SELECT 1 FROM articles
             WHERE cover = OLD.name
                OR CAST(body AS TEXT) GLOB '*/media/' || OLD.name || '[^a-z0-9._-]*'
                OR CAST(body AS TEXT) GLOB '*/media/' || OLD.name)
BEGIN
  SELECT json_extract('{}', 'cannot rename picture ' || OLD.name || ': article ' || id
                      || ' (' || coalesce(slug, title) || ') still shows it'
                      || CASE WHEN cover = OLD.name THEN ' as its cover' ELSE ' in its body' END
                      || '; change that article first')
  FROM articles
  WHERE cover = OLD.name
     OR CAST(body AS TEXT) GLOB '*/media/' || OLD.name || '[^a-z0-9._-]*'
     OR CAST(body AS TEXT) GLOB '*/media/' || OLD.name
  ORDER BY id LIMIT 1;
END;

-- A new picture, or new bytes: a fresh version (new URLs), made again.
CREATE TRIGGER media_insert AFTER INSERT ON media
BEGIN
  INSERT INTO articled_writing(who) VALUES ('media');
  UPDATE media SET version = random() & 9223372036854775807, status = 'pending',
                   problem = NULL, width = NULL, height = NULL
  WHERE id = NEW.id;
  DELETE FROM articled_writing WHERE who = 'media';
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;
CREATE TRIGGER media_data_update AFTER UPDATE OF data ON media
WHEN NEW.data IS NOT OLD.data
BEGIN
  INSERT INTO articled_writing(who) VALUES ('media');
  UPDATE media SET version = random() & 9223372036854775807, status = 'pending',
                   problem = NULL, width = NULL, height = NULL,
                   updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
  WHERE id = NEW.id;
  DELETE FROM media_variants WHERE media_id = NEW.id;
  DELETE FROM articled_writing WHERE who = 'media';
END;
CREATE TRIGGER media_site_version_update AFTER UPDATE ON media
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;
CREATE TRIGGER media_delete AFTER DELETE ON media
BEGIN
  INSERT INTO articled_writing(who) VALUES ('media');
  DELETE FROM media_variants WHERE media_id = OLD.id;
  DELETE FROM articled_writing WHERE who = 'media';
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;

CREATE TRIGGER media_variants_kept_insert BEFORE INSERT ON media_variants
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'media_variants is articled''s own (the sizes it serves): change media instead (set media.status to ''pending'' to have them made again)');
END;
CREATE TRIGGER media_variants_kept_update BEFORE UPDATE ON media_variants
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'media_variants is articled''s own (the sizes it serves): change media instead (set media.status to ''pending'' to have them made again)');
END;
CREATE TRIGGER media_variants_kept_delete BEFORE DELETE ON media_variants
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'media_variants is articled''s own (the sizes it serves): change media instead (set media.status to ''pending'' to have them made again)');
END;

-- An article's cover: the name of a picture in media, or NULL.
ALTER TABLE articles ADD COLUMN cover TEXT;
CREATE TRIGGER articles_cover_insert BEFORE INSERT ON articles
WHEN NEW.cover IS NOT NULL AND NOT EXISTS (SELECT 1 FROM media WHERE name = NEW.cover)
BEGIN
  SELECT RAISE(ABORT, 'cover names no picture: add it first with INSERT INTO media(name, alt, data) VALUES (...), or see SELECT name FROM media');
END;
CREATE TRIGGER articles_cover_update BEFORE UPDATE OF cover ON articles
WHEN NEW.cover IS NOT NULL AND NOT EXISTS (SELECT 1 FROM media WHERE name = NEW.cover)
BEGIN
  SELECT RAISE(ABORT, 'cover names no picture: add it first with INSERT INTO media(name, alt, data) VALUES (...), or see SELECT name FROM media');
END;


-- Migration 8: patients' questions under each article (issue 19).
--
-- Run by articled inside one BEGIN IMMEDIATE transaction that also sets
-- PRAGMA user_version = 8.  Nothing existing changes meaning.
--
-- comments: a patient's question (sent through the form under a post, always pending
-- until the owner publishes it) or the clinic's reply (the owner's INSERT with parent_id,
-- published at once).  What is stored is what the patient typed and chose to show --
-- the article, the name, the question, the time, the status, the parent -- and nothing
-- else: no address, no browser, no hash of either.
--   SELECT id, slug, name, body FROM comments_pending;                  -- what waits
--   UPDATE comments SET status = 'published' WHERE id = 17;           -- publish
--   UPDATE comments SET status = 'rejected' WHERE id = 17;            -- reject
--   PRAGMA secure_delete = ON; DELETE FROM comments WHERE id = 17;    -- delete for good
--   INSERT INTO comments(parent_id, name, body) VALUES (17, 'Roy', '...');  -- reply
CREATE TABLE comments(
  id INTEGER PRIMARY KEY AUTOINCREMENT,   -- the patient's reference number; never reused
  article_id INTEGER,                     -- a reply takes its question's (comments_reply)
  parent_id INTEGER,                      -- a reply: the question it answers; else NULL
  name TEXT NOT NULL
    CONSTRAINT "name must be text of 1 to 80 characters"
    CHECK (typeof(name) = 'text' AND length(trim(name)) BETWEEN 1 AND 80),
  body TEXT NOT NULL
    CONSTRAINT "body must be text: for a file, CAST(readfile('reply.txt') AS TEXT)"
    CHECK (typeof(body) = 'text')
    CONSTRAINT "body must not be empty"
    CHECK (trim(body, ' ' || char(9, 10, 13)) <> '')
    CONSTRAINT "body must be at most 4000 characters"
    CHECK (length(body) <= 4000),
  status TEXT NOT NULL DEFAULT 'pending'
    CONSTRAINT "status must be 'pending', 'published' or 'rejected'"
    CHECK (status IN ('pending', 'published', 'rejected')),
  by_clinic INTEGER NOT NULL DEFAULT 0 CHECK (by_clinic IN (0, 1)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  decided_at TEXT                         -- when it was last published or rejected
);
CREATE INDEX comments_by_article ON comments(article_id, status, id);
CREATE INDEX comments_by_status ON comments(status, decided_at);
CREATE INDEX comments_by_time ON comments(created_at);

-- What waits for the owner, oldest first.
CREATE VIEW comments_pending AS
  SELECT c.id, a.slug, c.name, c.body, c.created_at
    FROM comments c JOIN articles a ON a.id = c.article_id
   WHERE c.status = 'pending' ORDER BY c.id;

-- A question comes from the form only (articled writes it, with its marker row); an
-- INSERT from the shell is the clinic's reply and names the question it answers.
CREATE TRIGGER comments_question_from_form BEFORE INSERT ON comments
WHEN NEW.parent_id IS NULL AND NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'a reply needs parent_id, the id of the question it answers: INSERT INTO comments(parent_id, name, body) VALUES (17, ''Roy'', ''...''); SELECT id, slug, name, body FROM comments lists them');
END;
CREATE TRIGGER comments_reply_to_nothing BEFORE INSERT ON comments
WHEN NEW.parent_id IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM comments WHERE id = NEW.parent_id AND parent_id IS NULL)
BEGIN
  SELECT RAISE(ABORT, 'parent_id names no question: reply to a question''s id (SELECT id, slug, name, body FROM comments WHERE parent_id IS NULL), not to a reply');
END;
CREATE TRIGGER comments_utf8_insert BEFORE INSERT ON comments
WHEN typeof(NEW.name) = 'text' AND typeof(NEW.body) = 'text' AND (WITH RECURSIVE
    -- walk(i, e): the next byte to read is i; before e, byte by byte (a sequence at a
    -- time), from e on, 32 bytes at a time while they are plain ASCII (no NUL).  i = 0:
    -- not UTF-8.
    walk(i, e) AS (
      SELECT 1, 1
      UNION ALL
      SELECT CASE
               WHEN i < e THEN CASE
                 WHEN substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) BETWEEN x'01' AND x'7F' THEN i + 1
                 WHEN substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) BETWEEN x'C2' AND x'DF'
                  AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF' THEN i + 2
                 WHEN ((substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) = x'E0' AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 1, 1) BETWEEN x'A0' AND x'BF')
                    OR (substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) BETWEEN x'E1' AND x'EC' AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF')
                    OR (substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) = x'ED' AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 1, 1) BETWEEN x'80' AND x'9F')
                    OR (substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) BETWEEN x'EE' AND x'EF' AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF'))
                  AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 2, 1) BETWEEN x'80' AND x'BF' THEN i + 3
                 WHEN ((substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) = x'F0' AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 1, 1) BETWEEN x'90' AND x'BF')
                    OR (substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) BETWEEN x'F1' AND x'F3' AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF')
                    OR (substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) = x'F4' AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 1, 1) BETWEEN x'80' AND x'8F'))
                  AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 2, 1) BETWEEN x'80' AND x'BF'
                  AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 3, 1) BETWEEN x'80' AND x'BF' THEN i + 4
                 ELSE 0 END
               WHEN length(CAST(substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 32) AS TEXT)) = length(substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 32))
                AND CAST(substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 32) AS TEXT) NOT GLOB '*[^' || char(1) || '-' || char(127) || ']*'
                 THEN i + 32
               ELSE i END,
             CASE WHEN i < e THEN e ELSE i + 32 END
      FROM walk WHERE i BETWEEN 1 AND length(CAST((NEW.name || char(10) || NEW.body) AS BLOB)))
    SELECT min(i) FROM walk) = 0
BEGIN
  SELECT RAISE(ABORT, 'name or body is not UTF-8 text: type it again, or save the file it came from as UTF-8');
END;
CREATE TRIGGER comments_utf8_update BEFORE UPDATE OF name, body ON comments
WHEN typeof(NEW.name) = 'text' AND typeof(NEW.body) = 'text' AND (WITH RECURSIVE
    -- walk(i, e): the next byte to read is i; before e, byte by byte (a sequence at a
    -- time), from e on, 32 bytes at a time while they are plain ASCII (no NUL).  i = 0:
    -- not UTF-8.
    walk(i, e) AS (
      SELECT 1, 1
      UNION ALL
      SELECT CASE
               WHEN i < e THEN CASE
                 WHEN substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) BETWEEN x'01' AND x'7F' THEN i + 1
                 WHEN substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) BETWEEN x'C2' AND x'DF'
                  AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF' THEN i + 2
                 WHEN ((substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) = x'E0' AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 1, 1) BETWEEN x'A0' AND x'BF')
                    OR (substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) BETWEEN x'E1' AND x'EC' AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF')
                    OR (substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) = x'ED' AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 1, 1) BETWEEN x'80' AND x'9F')
                    OR (substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) BETWEEN x'EE' AND x'EF' AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF'))
                  AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 2, 1) BETWEEN x'80' AND x'BF' THEN i + 3
                 WHEN ((substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) = x'F0' AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 1, 1) BETWEEN x'90' AND x'BF')
                    OR (substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) BETWEEN x'F1' AND x'F3' AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 1, 1) BETWEEN x'80' AND x'BF')
                    OR (substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 1) = x'F4' AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 1, 1) BETWEEN x'80' AND x'8F'))
                  AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 2, 1) BETWEEN x'80' AND x'BF'
                  AND substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i + 3, 1) BETWEEN x'80' AND x'BF' THEN i + 4
                 ELSE 0 END
               WHEN length(CAST(substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 32) AS TEXT)) = length(substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 32))
                AND CAST(substr(CAST((NEW.name || char(10) || NEW.body) AS BLOB), i, 32) AS TEXT) NOT GLOB '*[^' || char(1) || '-' || char(127) || ']*'
                 THEN i + 32
               ELSE i END,
             CASE WHEN i < e THEN e ELSE i + 32 END
      FROM walk WHERE i BETWEEN 1 AND length(CAST((NEW.name || char(10) || NEW.body) AS BLOB)))
    SELECT min(i) FROM walk) = 0
BEGIN
  SELECT RAISE(ABORT, 'name or body is not UTF-8 text: type it again, or save the file it came from as UTF-8');
END;
CREATE TRIGGER comments_fixed BEFORE UPDATE OF id, article_id, parent_id, created_at, by_clinic ON comments
WHEN (NEW.id IS NOT OLD.id OR NEW.article_id IS NOT OLD.article_id
  OR NEW.parent_id IS NOT OLD.parent_id OR NEW.created_at IS NOT OLD.created_at
  OR NEW.by_clinic IS NOT OLD.by_clinic)
 AND NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'a comment''s id, article, parent, time and author stay as they are: change status, name or body');
END;
-- The clinic's reply: on its question's article, the clinic's, published at once; the
-- question it answers is published with it when it was still waiting.
CREATE TRIGGER comments_reply AFTER INSERT ON comments
WHEN NEW.parent_id IS NOT NULL
BEGIN
  UPDATE comments SET status = 'published', decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
   WHERE id = NEW.parent_id AND status = 'pending';
  INSERT INTO articled_writing(who) VALUES ('comments_reply');
  UPDATE comments SET article_id = (SELECT article_id FROM comments WHERE id = NEW.parent_id),
         by_clinic = 1, status = 'published',
         decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
   WHERE id = NEW.id;
  DELETE FROM articled_writing WHERE who = 'comments_reply';
END;
CREATE TRIGGER comments_decided AFTER UPDATE OF status ON comments
WHEN NEW.status IS NOT OLD.status
BEGIN
  UPDATE comments SET decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = NEW.id;
END;
-- Pages show published comments only: the site's revision moves when one is published,
-- changed or removed, and never for a question that arrives (pending), so hostile posts
-- cannot empty every worker's cache.
CREATE TRIGGER comments_site_version_insert AFTER INSERT ON comments
WHEN NEW.status = 'published'
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;
CREATE TRIGGER comments_site_version_update AFTER UPDATE ON comments
WHEN (OLD.status = 'published' OR NEW.status = 'published')
 AND (NEW.status IS NOT OLD.status OR NEW.name IS NOT OLD.name OR NEW.body IS NOT OLD.body
      OR NEW.article_id IS NOT OLD.article_id)
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;
CREATE TRIGGER comments_site_version_delete AFTER DELETE ON comments
WHEN OLD.status = 'published'
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;
-- A question's replies go with it; an article's comments go with the article.
CREATE TRIGGER comments_delete_replies AFTER DELETE ON comments
WHEN OLD.parent_id IS NULL
BEGIN
  DELETE FROM comments WHERE parent_id = OLD.id;
END;
CREATE TRIGGER articles_delete_comments AFTER DELETE ON articles
BEGIN
  DELETE FROM comments WHERE article_id = OLD.id;
END;

-- Questions on one article close with UPDATE articles SET comments = 'closed' WHERE
-- slug = '...'; on every article with the setting comments.open = 'no'.
ALTER TABLE articles ADD COLUMN comments TEXT NOT NULL DEFAULT 'open'
  CONSTRAINT "comments must be 'open' or 'closed'"
  CHECK (comments IN ('open', 'closed'));

-- The secret the form's tokens are made with, one per day (UTC), made by articled when
-- the day's first form is drawn; yesterday's is still accepted, older ones are deleted.
-- It guards against spam, not privacy.  Deleting the rows voids every form in pages.
CREATE TABLE comment_keys(
  day TEXT PRIMARY KEY NOT NULL,          -- 2024-05-01
  secret BLOB NOT NULL CHECK (length(secret) = 16)
) WITHOUT ROWID;
CREATE TRIGGER comment_keys_kept_insert BEFORE INSERT ON comment_keys
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'comment_keys is articled''s own (the secret of the question form): leave it alone; to void every form in pages, DELETE FROM comment_keys');
END;
CREATE TRIGGER comment_keys_kept_update BEFORE UPDATE ON comment_keys
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'comment_keys is articled''s own (the secret of the question form): leave it alone; to void every form in pages, DELETE FROM comment_keys');
END;
-- The owner's DELETE voids the forms in pages: the workers drop the key they hold when
-- the site's revision moves (articled's own deletes of old days carry its marker).
CREATE TRIGGER comment_keys_deleted AFTER DELETE ON comment_keys
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;

-- The comments. settings, with their defaults.
INSERT INTO articled_writing(who) VALUES ('migration');
INSERT INTO setting_keys(key, default_value, about) VALUES
  ('comments.open', 'yes', 'yes: patients may send questions under the articles; no: the form is gone from every article (published questions stay)'),
  ('comments.notice', 'Please don''t include personal medical details. For urgent help call 111, or 999 in an emergency.', 'the sentence shown above the question form'),
  ('comments.max_length', '2000', 'the longest question, in characters (at most 4000)'),
  ('comments.close_after_days', '0', 'questions close on an article this many days after it was published; 0: never'),
  ('comments.pending_cap', '200', 'questions waiting at most; beyond, the form says questions are paused for now'),
  ('comments.per_minute', '30', 'questions accepted a minute on the whole site'),
  ('comments.gap_seconds', '15', 'FastCGI: seconds between two questions from one address'),
  ('comments.per_hour', '5', 'FastCGI: questions an hour from one address'),
  ('comments.purge_after_days', '30', 'rejected questions are deleted (with secure_delete) this many days after they were rejected');
DELETE FROM articled_writing WHERE who = 'migration';

CREATE TRIGGER settings_comments_insert BEFORE INSERT ON settings
WHEN NEW.key GLOB 'comments.?*' AND (
     (NEW.key = 'comments.open' AND NEW.value NOT IN ('yes', 'no'))
  OR (NEW.key = 'comments.notice' AND length(NEW.value) > 500)
  OR (NEW.key NOT IN ('comments.open', 'comments.notice')
      AND NOT (NEW.value GLOB '[0-9]*' AND NEW.value NOT GLOB '*[^0-9]*' AND length(NEW.value) <= 6))
  OR (NEW.key = 'comments.max_length' AND CAST(NEW.value AS INTEGER) NOT BETWEEN 1 AND 4000))
BEGIN
  SELECT RAISE(ABORT, 'comments. settings: comments.open is yes or no, comments.notice at most 500 characters, comments.max_length 1 to 4000, the others a whole number like 30 (see SELECT key, default_value, about FROM setting_keys)');
END;
CREATE TRIGGER settings_comments_update BEFORE UPDATE ON settings
WHEN NEW.key GLOB 'comments.?*' AND (
     (NEW.key = 'comments.open' AND NEW.value NOT IN ('yes', 'no'))
  OR (NEW.key = 'comments.notice' AND length(NEW.value) > 500)
  OR (NEW.key NOT IN ('comments.open', 'comments.notice')
      AND NOT (NEW.value GLOB '[0-9]*' AND NEW.value NOT GLOB '*[^0-9]*' AND length(NEW.value) <= 6))
  OR (NEW.key = 'comments.max_length' AND CAST(NEW.value AS INTEGER) NOT BETWEEN 1 AND 4000))
BEGIN
  SELECT RAISE(ABORT, 'comments. settings: comments.open is yes or no, comments.notice at most 500 characters, comments.max_length 1 to 4000, the others a whole number like 30 (see SELECT key, default_value, about FROM setting_keys)');
END;

-- ---------------------------------------------------------------------------------------
-- The clinic's people, who wrote and reviewed each article, and the clinic's facts
-- (migration 9).  people: the practitioners, each at /people/<slug>; articles.author and
-- articles.reviewer name one of them by slug (a reviewer replaces the free-text
-- reviewed_by on the page).  closures: days the clinic is shut.  The clinic's settings
-- are listed in setting_keys; triggers check their values.
-- ---------------------------------------------------------------------------------------
CREATE TABLE people(
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE
    CONSTRAINT "a person's slug must be lower-case letters, digits and single hyphens (a-z, 0-9, -), at most 80 characters, like asha-patel"
    CHECK (typeof(slug) = 'text'
           AND slug GLOB '[a-z0-9]*' AND slug GLOB '*[a-z0-9]'
           AND slug NOT GLOB '*[^a-z0-9-]*' AND slug NOT GLOB '*--*'
           AND length(slug) <= 80),
  name TEXT NOT NULL
    CONSTRAINT "a person's name must be 1 to 120 characters, like Dr Asha Patel"
    CHECK (typeof(name) = 'text' AND trim(name, ' ' || char(9, 10, 13, 160)) <> ''
           AND length(name) <= 120),
  credentials TEXT
    CONSTRAINT "credentials are written as the person writes them, like MBAcC, BSc (Hons): at most 120 characters, or NULL"
    CHECK (credentials IS NULL
           OR (typeof(credentials) = 'text' AND trim(credentials) <> '' AND length(credentials) <= 120)),
  role TEXT
    CONSTRAINT "role is a few words, like Acupuncturist: at most 120 characters, or NULL"
    CHECK (role IS NULL OR (typeof(role) = 'text' AND trim(role) <> '' AND length(role) <= 120)),
  bio TEXT                      -- Markdown, shown on /people/<slug>
    CONSTRAINT "bio is Markdown text of at most 20000 characters, or NULL"
    CHECK (bio IS NULL OR (typeof(bio) = 'text' AND length(bio) <= 20000)),
  photo TEXT,                   -- a picture's name in media, or NULL
  registration_body TEXT
    CONSTRAINT "registration_body is the body's name, like British Acupuncture Council: at most 120 characters, or NULL"
    CHECK (registration_body IS NULL
           OR (typeof(registration_body) = 'text' AND trim(registration_body) <> ''
               AND length(registration_body) <= 120)),
  registration_number TEXT
    CONSTRAINT "registration_number must be at most 40 characters, or NULL"
    CHECK (registration_number IS NULL
           OR (typeof(registration_number) = 'text' AND trim(registration_number) <> ''
               AND length(registration_number) <= 40)),
  registration_url TEXT
    CONSTRAINT "registration_url must be the register's https:// address, with no spaces or quotes, or NULL"
    CHECK (registration_url IS NULL
           OR (typeof(registration_url) = 'text' AND registration_url GLOB 'https://?*'
               AND registration_url NOT GLOB '*[^!-~]*'
               AND registration_url NOT GLOB '*["<>\^`{|}]*'))
);
CREATE TRIGGER people_photo_insert BEFORE INSERT ON people
WHEN NEW.photo IS NOT NULL AND NOT EXISTS (SELECT 1 FROM media WHERE name = NEW.photo)
BEGIN
  SELECT RAISE(ABORT, 'photo names no picture: add it first with INSERT INTO media(name, alt, data) VALUES (...), or see SELECT name FROM media');
END;
CREATE TRIGGER people_photo_update BEFORE UPDATE OF photo ON people
WHEN NEW.photo IS NOT NULL AND NOT EXISTS (SELECT 1 FROM media WHERE name = NEW.photo)
BEGIN
  SELECT RAISE(ABORT, 'photo names no picture: add it first with INSERT INTO media(name, alt, data) VALUES (...), or see SELECT name FROM media');
END;
CREATE TRIGGER people_in_use_delete BEFORE DELETE ON people
WHEN EXISTS (SELECT 1 FROM articles WHERE author = OLD.slug OR reviewer = OLD.slug)
BEGIN
  SELECT RAISE(ABORT, 'this person wrote or reviewed articles: first UPDATE articles SET author = ... (or reviewer = NULL) for them; SELECT id, title FROM articles WHERE author = ''<slug>'' OR reviewer = ''<slug>'' lists them');
END;
CREATE TRIGGER people_slug_in_use BEFORE UPDATE OF slug ON people
WHEN NEW.slug IS NOT OLD.slug
 AND EXISTS (SELECT 1 FROM articles WHERE author = OLD.slug OR reviewer = OLD.slug)
BEGIN
  SELECT RAISE(ABORT, 'this person wrote or reviewed articles, which name them by slug: add the person again under the new slug, move the articles to it, then delete the old row');
END;
CREATE TRIGGER people_photo_in_use BEFORE DELETE ON media
WHEN EXISTS (SELECT 1 FROM people WHERE photo = OLD.name)
BEGIN
  SELECT RAISE(ABORT, 'a person''s photo is this picture: first UPDATE people SET photo = NULL (or another picture) for them');
END;
CREATE TRIGGER people_site_version_insert AFTER INSERT ON people
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;
CREATE TRIGGER people_site_version_update AFTER UPDATE ON people
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;
CREATE TRIGGER people_site_version_delete AFTER DELETE ON people
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;

-- Who wrote an article and who reviewed it: a person's slug, or NULL.
ALTER TABLE articles ADD COLUMN author TEXT;
ALTER TABLE articles ADD COLUMN reviewer TEXT;
CREATE TRIGGER articles_people_insert BEFORE INSERT ON articles
WHEN (NEW.author IS NOT NULL AND NOT EXISTS (SELECT 1 FROM people WHERE slug = NEW.author))
  OR (NEW.reviewer IS NOT NULL AND NOT EXISTS (SELECT 1 FROM people WHERE slug = NEW.reviewer))
BEGIN
  SELECT RAISE(ABORT, 'author and reviewer must each be a person''s slug: add them first with INSERT INTO people(slug, name) VALUES (...), or see SELECT slug, name FROM people');
END;
CREATE TRIGGER articles_people_update BEFORE UPDATE OF author, reviewer ON articles
WHEN (NEW.author IS NOT NULL AND NOT EXISTS (SELECT 1 FROM people WHERE slug = NEW.author))
  OR (NEW.reviewer IS NOT NULL AND NOT EXISTS (SELECT 1 FROM people WHERE slug = NEW.reviewer))
BEGIN
  SELECT RAISE(ABORT, 'author and reviewer must each be a person''s slug: add them first with INSERT INTO people(slug, name) VALUES (...), or see SELECT slug, name FROM people');
END;
CREATE INDEX articles_by_author ON articles(author, published_at DESC, id DESC) WHERE author IS NOT NULL;

-- closures: days the clinic is shut, each shown from 14 days before it starts until it
-- ends (the pages change at midnight UTC).
CREATE TABLE closures(
  id INTEGER PRIMARY KEY,
  starts TEXT NOT NULL
    CONSTRAINT "starts must be a real date like 2025-12-24"
    CHECK (typeof(starts) = 'text' AND starts GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
           AND date(julianday(starts)) = starts),
  ends TEXT NOT NULL
    CONSTRAINT "ends must be a real date like 2025-12-27, on or after starts"
    CHECK (typeof(ends) = 'text' AND ends GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
           AND date(julianday(ends)) = ends AND ends >= starts),
  note TEXT
    CONSTRAINT "note is a short sentence, like Closed for Christmas: at most 200 characters, or NULL"
    CHECK (note IS NULL OR (typeof(note) = 'text' AND length(note) <= 200))
);
CREATE TRIGGER closures_site_version_insert AFTER INSERT ON closures
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;
CREATE TRIGGER closures_site_version_update AFTER UPDATE ON closures
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;
CREATE TRIGGER closures_site_version_delete AFTER DELETE ON closures
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;

-- The clinic's settings, listed as articled's own (see migration 7).
INSERT INTO articled_writing(who) VALUES ('migration');
INSERT INTO setting_keys(key, default_value, about) VALUES
  ('clinic.street_address', NULL, 'the street part of the clinic''s address, like 12 High Street'),
  ('clinic.locality', NULL, 'the town or city, like Leeds'),
  ('clinic.region', NULL, 'the county or region, or unset'),
  ('clinic.postcode', NULL, 'the postcode, like LS1 4AB'),
  ('clinic.country', 'GB', 'the country as a two-letter code, like GB'),
  ('clinic.hours.mon', NULL, 'Monday''s opening hours: 09:00-17:00, 09:00-12:30,14:00-18:00 or closed (unset: not shown)'),
  ('clinic.hours.tue', NULL, 'Tuesday''s opening hours, as clinic.hours.mon'),
  ('clinic.hours.wed', NULL, 'Wednesday''s opening hours, as clinic.hours.mon'),
  ('clinic.hours.thu', NULL, 'Thursday''s opening hours, as clinic.hours.mon'),
  ('clinic.hours.fri', NULL, 'Friday''s opening hours, as clinic.hours.mon'),
  ('clinic.hours.sat', NULL, 'Saturday''s opening hours, as clinic.hours.mon'),
  ('clinic.hours.sun', NULL, 'Sunday''s opening hours, as clinic.hours.mon'),
  ('clinic.booking_url', NULL, 'where patients book: an https:// address'),
  ('clinic.email', NULL, 'the clinic''s email address, like hello@example.org'),
  ('clinic.new_patients', NULL, 'yes or no: whether the clinic takes new patients (unset: not said)'),
  ('clinic.map', NULL, 'the name of a picture in media showing where the clinic is'),
  ('clinic.latitude', NULL, 'the clinic''s latitude in degrees, -90 to 90, like 53.7997'),
  ('clinic.longitude', NULL, 'the clinic''s longitude in degrees, -180 to 180, like -1.5492'),
  ('clinic.specialty', NULL, 'the clinic''s medical specialty, like Acupuncture (unset: not said)'),
  ('clinic.review_months', '12', 'months from an article''s review to its next one, 1 to 60'),
  ('clinic.urgent.999', 'Call 999 or go to A&E now if:', 'the heading of a > [!999] box'),
  ('clinic.urgent.111', 'Call 111 or ask for an urgent GP appointment if:', 'the heading of a > [!111] box'),
  ('clinic.urgent.gp', 'See a GP if:', 'the heading of a > [!GP] box'),
  ('clinic.claim_words', NULL, 'more phrases articled check flags in health claims, separated by commas, like heals, miracle');
DELETE FROM articled_writing WHERE who = 'migration';

-- Values the CHECKs cannot say.  Hours: one or two ranges of HH:MM-HH:MM, each
-- closing after its opening, the second after the first, or "closed".
CREATE TRIGGER settings_clinic_hours_insert BEFORE INSERT ON settings
WHEN NEW.key GLOB 'clinic.hours.*'
 AND NOT (NEW.value = 'closed'
          OR (length(NEW.value) = 11
              AND NEW.value GLOB '[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]'
              AND substr(NEW.value, 1, 2) <= '23' AND substr(NEW.value, 7, 2) <= '23'
              AND substr(NEW.value, 7, 5) > substr(NEW.value, 1, 5))
          OR (length(NEW.value) = 23
              AND NEW.value GLOB '[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9],[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]'
              AND substr(NEW.value, 1, 2) <= '23' AND substr(NEW.value, 7, 2) <= '23'
              AND substr(NEW.value, 13, 2) <= '23' AND substr(NEW.value, 19, 2) <= '23'
              AND substr(NEW.value, 7, 5) > substr(NEW.value, 1, 5)
              AND substr(NEW.value, 13, 5) >= substr(NEW.value, 7, 5)
              AND substr(NEW.value, 19, 5) > substr(NEW.value, 13, 5)))
BEGIN
  SELECT RAISE(ABORT, 'opening hours are like 09:00-17:00, or 09:00-12:30,14:00-18:00, or closed: times from 00:00 to 23:59, each closing after its opening');
END;
CREATE TRIGGER settings_clinic_hours_update BEFORE UPDATE ON settings
WHEN NEW.key GLOB 'clinic.hours.*'
 AND NOT (NEW.value = 'closed'
          OR (length(NEW.value) = 11
              AND NEW.value GLOB '[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]'
              AND substr(NEW.value, 1, 2) <= '23' AND substr(NEW.value, 7, 2) <= '23'
              AND substr(NEW.value, 7, 5) > substr(NEW.value, 1, 5))
          OR (length(NEW.value) = 23
              AND NEW.value GLOB '[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9],[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]'
              AND substr(NEW.value, 1, 2) <= '23' AND substr(NEW.value, 7, 2) <= '23'
              AND substr(NEW.value, 13, 2) <= '23' AND substr(NEW.value, 19, 2) <= '23'
              AND substr(NEW.value, 7, 5) > substr(NEW.value, 1, 5)
              AND substr(NEW.value, 13, 5) >= substr(NEW.value, 7, 5)
              AND substr(NEW.value, 19, 5) > substr(NEW.value, 13, 5)))
BEGIN
  SELECT RAISE(ABORT, 'opening hours are like 09:00-17:00, or 09:00-12:30,14:00-18:00, or closed: times from 00:00 to 23:59, each closing after its opening');
END;
-- The other values, one rule per key: each refused with its own sentence.
CREATE TRIGGER settings_clinic_booking_url_insert BEFORE INSERT ON settings
WHEN NEW.key = 'clinic.booking_url' AND NOT (NEW.value GLOB 'https://?*' AND NEW.value NOT GLOB '*[^!-~]*' AND NEW.value NOT GLOB '*["<>\^`{|}]*')
BEGIN
  SELECT RAISE(ABORT, 'clinic.booking_url must be an https:// address with no spaces or quotes, like https://book.example.org/clinic');
END;
CREATE TRIGGER settings_clinic_booking_url_update BEFORE UPDATE ON settings
WHEN NEW.key = 'clinic.booking_url' AND NOT (NEW.value GLOB 'https://?*' AND NEW.value NOT GLOB '*[^!-~]*' AND NEW.value NOT GLOB '*["<>\^`{|}]*')
BEGIN
  SELECT RAISE(ABORT, 'clinic.booking_url must be an https:// address with no spaces or quotes, like https://book.example.org/clinic');
END;
CREATE TRIGGER settings_clinic_email_insert BEFORE INSERT ON settings
WHEN NEW.key = 'clinic.email' AND NOT (NEW.value GLOB '?*@?*.?*' AND NEW.value NOT GLOB '*[^!-~]*' AND NEW.value NOT GLOB '*["<>\^`{|}(),;:]*' AND NEW.value NOT GLOB '*@*@*')
BEGIN
  SELECT RAISE(ABORT, 'clinic.email must be an email address like hello@example.org');
END;
CREATE TRIGGER settings_clinic_email_update BEFORE UPDATE ON settings
WHEN NEW.key = 'clinic.email' AND NOT (NEW.value GLOB '?*@?*.?*' AND NEW.value NOT GLOB '*[^!-~]*' AND NEW.value NOT GLOB '*["<>\^`{|}(),;:]*' AND NEW.value NOT GLOB '*@*@*')
BEGIN
  SELECT RAISE(ABORT, 'clinic.email must be an email address like hello@example.org');
END;
CREATE TRIGGER settings_clinic_new_patients_insert BEFORE INSERT ON settings
WHEN NEW.key = 'clinic.new_patients' AND NEW.value NOT IN ('yes', 'no')
BEGIN
  SELECT RAISE(ABORT, 'clinic.new_patients must be yes or no');
END;
CREATE TRIGGER settings_clinic_new_patients_update BEFORE UPDATE ON settings
WHEN NEW.key = 'clinic.new_patients' AND NEW.value NOT IN ('yes', 'no')
BEGIN
  SELECT RAISE(ABORT, 'clinic.new_patients must be yes or no');
END;
CREATE TRIGGER settings_clinic_map_insert BEFORE INSERT ON settings
WHEN NEW.key = 'clinic.map' AND NOT EXISTS (SELECT 1 FROM media WHERE name = NEW.value)
BEGIN
  SELECT RAISE(ABORT, 'clinic.map names no picture: add it first with INSERT INTO media(name, alt, data) VALUES (...), or see SELECT name FROM media');
END;
CREATE TRIGGER settings_clinic_map_update BEFORE UPDATE ON settings
WHEN NEW.key = 'clinic.map' AND NOT EXISTS (SELECT 1 FROM media WHERE name = NEW.value)
BEGIN
  SELECT RAISE(ABORT, 'clinic.map names no picture: add it first with INSERT INTO media(name, alt, data) VALUES (...), or see SELECT name FROM media');
END;
CREATE TRIGGER settings_clinic_latitude_insert BEFORE INSERT ON settings
WHEN NEW.key = 'clinic.latitude' AND NOT (NEW.value GLOB '*[0-9]*' AND NEW.value NOT GLOB '*[^0-9.-]*' AND NEW.value NOT GLOB '?*-*' AND NEW.value NOT GLOB '*.*.*' AND NEW.value NOT GLOB '*.' AND NEW.value NOT GLOB '.*' AND NEW.value NOT GLOB '-.*' AND CAST(NEW.value AS REAL) BETWEEN -90 AND 90)
BEGIN
  SELECT RAISE(ABORT, 'clinic.latitude must be a number of degrees from -90 to 90, like 53.7997');
END;
CREATE TRIGGER settings_clinic_latitude_update BEFORE UPDATE ON settings
WHEN NEW.key = 'clinic.latitude' AND NOT (NEW.value GLOB '*[0-9]*' AND NEW.value NOT GLOB '*[^0-9.-]*' AND NEW.value NOT GLOB '?*-*' AND NEW.value NOT GLOB '*.*.*' AND NEW.value NOT GLOB '*.' AND NEW.value NOT GLOB '.*' AND NEW.value NOT GLOB '-.*' AND CAST(NEW.value AS REAL) BETWEEN -90 AND 90)
BEGIN
  SELECT RAISE(ABORT, 'clinic.latitude must be a number of degrees from -90 to 90, like 53.7997');
END;
CREATE TRIGGER settings_clinic_longitude_insert BEFORE INSERT ON settings
WHEN NEW.key = 'clinic.longitude' AND NOT (NEW.value GLOB '*[0-9]*' AND NEW.value NOT GLOB '*[^0-9.-]*' AND NEW.value NOT GLOB '?*-*' AND NEW.value NOT GLOB '*.*.*' AND NEW.value NOT GLOB '*.' AND NEW.value NOT GLOB '.*' AND NEW.value NOT GLOB '-.*' AND CAST(NEW.value AS REAL) BETWEEN -180 AND 180)
BEGIN
  SELECT RAISE(ABORT, 'clinic.longitude must be a number of degrees from -180 to 180, like -1.5492');
END;
CREATE TRIGGER settings_clinic_longitude_update BEFORE UPDATE ON settings
WHEN NEW.key = 'clinic.longitude' AND NOT (NEW.value GLOB '*[0-9]*' AND NEW.value NOT GLOB '*[^0-9.-]*' AND NEW.value NOT GLOB '?*-*' AND NEW.value NOT GLOB '*.*.*' AND NEW.value NOT GLOB '*.' AND NEW.value NOT GLOB '.*' AND NEW.value NOT GLOB '-.*' AND CAST(NEW.value AS REAL) BETWEEN -180 AND 180)
BEGIN
  SELECT RAISE(ABORT, 'clinic.longitude must be a number of degrees from -180 to 180, like -1.5492');
END;
CREATE TRIGGER settings_clinic_review_months_insert BEFORE INSERT ON settings
WHEN NEW.key = 'clinic.review_months' AND NOT (NEW.value GLOB '[1-9]' OR NEW.value GLOB '[1-5][0-9]' OR NEW.value = '60')
BEGIN
  SELECT RAISE(ABORT, 'clinic.review_months must be a whole number of months from 1 to 60, like 12');
END;
CREATE TRIGGER settings_clinic_review_months_update BEFORE UPDATE ON settings
WHEN NEW.key = 'clinic.review_months' AND NOT (NEW.value GLOB '[1-9]' OR NEW.value GLOB '[1-5][0-9]' OR NEW.value = '60')
BEGIN
  SELECT RAISE(ABORT, 'clinic.review_months must be a whole number of months from 1 to 60, like 12');
END;


-- ---------------------------------------------------------------------------------------
-- Readers and where they came from (migration 10): only articled's fold writes these; no
-- row names a person (see README, "Readers and sources").
-- ---------------------------------------------------------------------------------------
-- Readers per article per UTC day: distinct (address, browser) pairs that read it.
CREATE TABLE reader_days(
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  day TEXT NOT NULL
    CONSTRAINT "reader_days.day must be a real date like 2024-05-01"
    CHECK (typeof(day) = 'text'
           AND day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
           AND date(julianday(day)) = day),
  readers INTEGER NOT NULL
    CONSTRAINT "reader counts must be whole numbers, 0 or more"
    CHECK (typeof(readers) = 'integer' AND readers >= 0),
  PRIMARY KEY (article_id, day)
) WITHOUT ROWID;
CREATE INDEX reader_days_by_day ON reader_days(day);

-- The site's readers per UTC day (distinct pairs over all articles), with
-- keys: how many keys counted that day (more than 1: articled restarted that
-- day, and a reader may be counted once per key), and lower_bound: 1 when the
-- day's table in memory was full, so readers is at least this many.
CREATE TABLE site_reader_days(
  day TEXT PRIMARY KEY NOT NULL
    CONSTRAINT "site_reader_days.day must be a real date like 2024-05-01"
    CHECK (typeof(day) = 'text'
           AND day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
           AND date(julianday(day)) = day),
  readers INTEGER NOT NULL DEFAULT 0
    CONSTRAINT "reader counts must be whole numbers, 0 or more"
    CHECK (typeof(readers) = 'integer' AND readers >= 0),
  keys INTEGER NOT NULL DEFAULT 0
    CHECK (typeof(keys) = 'integer' AND keys >= 0),
  lower_bound INTEGER NOT NULL DEFAULT 0
    CHECK (lower_bound IN (0, 1))
) WITHOUT ROWID;

-- Views per article per UTC day by where they came from: a referring site's
-- host (lower case, no port, no www.), a group (Google, Bing, DuckDuckGo,
-- Facebook, WhatsApp, email), direct (no referrer) or other (past 50 a day).
CREATE TABLE source_days(
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  day TEXT NOT NULL
    CONSTRAINT "source_days.day must be a real date like 2024-05-01"
    CHECK (typeof(day) = 'text'
           AND day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
           AND date(julianday(day)) = day),
  source TEXT NOT NULL
    CHECK (typeof(source) = 'text' AND length(source) BETWEEN 1 AND 63),
  views INTEGER NOT NULL
    CONSTRAINT "view counts must be whole numbers, 0 or more"
    CHECK (typeof(views) = 'integer' AND views >= 0),
  PRIMARY KEY (article_id, day, source)
) WITHOUT ROWID;
CREATE INDEX source_days_by_day ON source_days(day);

CREATE TRIGGER reader_days_kept_insert BEFORE INSERT ON reader_days
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'reader_days is articled''s own table (readers per day, written as they are counted): leave it alone');
END;
CREATE TRIGGER reader_days_kept_update BEFORE UPDATE ON reader_days
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'reader_days is articled''s own table (readers per day, written as they are counted): leave it alone');
END;
CREATE TRIGGER reader_days_kept_delete BEFORE DELETE ON reader_days
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
 AND EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id)
BEGIN
  SELECT RAISE(ABORT, 'reader_days is articled''s own table (readers per day, written as they are counted): leave it alone');
END;
CREATE TRIGGER site_reader_days_kept_insert BEFORE INSERT ON site_reader_days
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'site_reader_days is articled''s own table (the site''s readers per day): leave it alone');
END;
CREATE TRIGGER site_reader_days_kept_update BEFORE UPDATE ON site_reader_days
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'site_reader_days is articled''s own table (the site''s readers per day): leave it alone');
END;
CREATE TRIGGER site_reader_days_kept_delete BEFORE DELETE ON site_reader_days
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'site_reader_days is articled''s own table (the site''s readers per day): leave it alone');
END;
CREATE TRIGGER source_days_kept_insert BEFORE INSERT ON source_days
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'source_days is articled''s own table (views per day by where they came from): leave it alone');
END;
CREATE TRIGGER source_days_kept_update BEFORE UPDATE ON source_days
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
BEGIN
  SELECT RAISE(ABORT, 'source_days is articled''s own table (views per day by where they came from): leave it alone');
END;
CREATE TRIGGER source_days_kept_delete BEFORE DELETE ON source_days
WHEN NOT EXISTS (SELECT 1 FROM articled_writing)
 AND EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id)
BEGIN
  SELECT RAISE(ABORT, 'source_days is articled''s own table (views per day by where they came from): leave it alone');
END;

-- The shell runs with foreign_keys off: a deleted article's days go with it.
CREATE TRIGGER articles_delete_readers AFTER DELETE ON articles
BEGIN
  DELETE FROM reader_days WHERE article_id = OLD.id;
  DELETE FROM source_days WHERE article_id = OLD.id;
END;

INSERT INTO articled_writing(who) VALUES ('migration');
INSERT INTO setting_keys(key, default_value, about) VALUES
  ('readers.privacy_note', NULL,
   'Your own words at the end of the /privacy page (who to ask about privacy at the clinic, say); plain text, blank lines start a new paragraph.');
DELETE FROM articled_writing WHERE who = 'migration';


PRAGMA user_version = 11;

-- Commit only a complete schema (see schema_apply at the top).
UPDATE schema_apply SET complete = (
  (SELECT count(*) FROM main.sqlite_schema WHERE name IN (
     'articles', 'articles_listing', 'views',
     'view_days', 'view_days_by_day', 'counter_state',
     'articled_writing', 'counter_state_kept_insert', 'counter_state_kept_update',
     'counter_state_kept_delete', 'view_days_kept_insert', 'view_days_kept_update',
     'view_days_kept_delete', 'settings', 'site_version',
     'site_version_one_row', 'site_version_kept', 'site_version_rev',
     'articles_body_missing_insert', 'articles_body_missing_update', 'articles_title_utf8_insert',
     'articles_title_utf8_update', 'articles_body_utf8_insert', 'articles_body_utf8_update',
     'articles_dates_insert', 'articles_dates_update', 'articles_slug_taken_insert',
     'articles_slug_taken_update', 'articles_id_fixed', 'articles_rev_kept',
     'articles_insert', 'articles_fill', 'articles_touch',
     'articles_delete', 'articles_site_version_insert', 'articles_site_version_update',
     'views_key_fixed', 'views_article_fixed', 'views_delete_kept',
     'views_total_kept', 'views_folded_kept', 'views_imported',
     'views_article_exists', 'views_site_version', 'settings_required_delete',
     'settings_required_key', 'settings_check_insert', 'settings_check_update',
     'settings_site_version_insert', 'settings_site_version_update', 'settings_site_version_delete',
     'tags', 'tags_by_tag', 'tags_check_insert', 'tags_check_update', 'tags_site_version_insert',
     'tags_site_version_update', 'tags_site_version_delete', 'articles_tags_delete', 'articles_fts',
     'articles_fts_insert', 'articles_fts_update', 'articles_fts_delete',
     'article_renders', 'article_renders_kept_insert', 'article_renders_kept_update',
     'articles_delete_render',
     'site_version_changed', 'slug_history', 'articles_slug_history_insert',
     'articles_slug_history_taken', 'articles_slug_history_update', 'articles_slug_history_delete',
     'slug_history_site_version_insert', 'slug_history_site_version_delete',
     'media', 'media_variants', 'media_data_missing_insert', 'media_data_missing_update', 'media_name_taken_insert', 'media_name_taken_update', 'media_id_fixed', 'media_kept', 'media_status_kept', 'media_in_use_delete', 'media_in_use_rename', 'media_insert', 'media_data_update', 'media_site_version_update', 'media_delete', 'media_variants_kept_insert', 'media_variants_kept_update', 'media_variants_kept_delete', 'articles_cover_insert', 'articles_cover_update',
     'setting_keys', 'setting_keys_kept_insert', 'setting_keys_kept_update', 'setting_keys_kept_delete',
     'settings_key_known_insert', 'settings_key_known_update',
     'comments', 'comments_by_article', 'comments_by_status', 'comments_by_time', 'comments_pending',
     'comments_question_from_form', 'comments_reply_to_nothing', 'comments_utf8_insert', 'comments_utf8_update',
     'comments_fixed', 'comments_reply', 'comments_decided', 'comments_site_version_insert',
     'comments_site_version_update', 'comments_site_version_delete', 'comments_delete_replies',
     'articles_delete_comments', 'comment_keys', 'comment_keys_kept_insert', 'comment_keys_kept_update', 'comment_keys_deleted',
     'settings_comments_insert', 'settings_comments_update',
     'article_related', 'article_related_kept_insert', 'article_related_kept_update',
     'articles_related_insert', 'articles_related_update', 'articles_related_delete',
     'tags_related_insert', 'tags_related_update', 'tags_related_delete',
     'people', 'people_photo_insert', 'people_photo_update', 'people_in_use_delete', 'people_slug_in_use', 'people_photo_in_use', 'people_site_version_insert', 'people_site_version_update', 'people_site_version_delete', 'articles_people_insert', 'articles_people_update', 'articles_by_author', 'closures', 'closures_site_version_insert', 'closures_site_version_update', 'closures_site_version_delete', 'settings_clinic_hours_insert', 'settings_clinic_hours_update', 'settings_clinic_booking_url_insert', 'settings_clinic_booking_url_update', 'settings_clinic_email_insert', 'settings_clinic_email_update', 'settings_clinic_new_patients_insert', 'settings_clinic_new_patients_update', 'settings_clinic_map_insert', 'settings_clinic_map_update', 'settings_clinic_latitude_insert', 'settings_clinic_latitude_update', 'settings_clinic_longitude_insert', 'settings_clinic_longitude_update', 'settings_clinic_review_months_insert', 'settings_clinic_review_months_update',
     'reader_days', 'reader_days_by_day', 'site_reader_days', 'source_days', 'source_days_by_day',
     'reader_days_kept_insert', 'reader_days_kept_update', 'reader_days_kept_delete',
     'site_reader_days_kept_insert', 'site_reader_days_kept_update', 'site_reader_days_kept_delete',
     'source_days_kept_insert', 'source_days_kept_update', 'source_days_kept_delete',
     'articles_delete_readers')) = 180
  AND (SELECT count(*) FROM counter_state) = 1
  AND (SELECT count(*) FROM site_version) = 1);
COMMIT;
DROP TABLE IF EXISTS temp.schema_apply;
