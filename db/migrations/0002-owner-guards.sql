-- Migration 2: the owner's everyday mistakes refused by the shell itself (issue 10).
--
-- Run by articled (on start, or with --upgrade) inside one BEGIN IMMEDIATE transaction
-- that also sets PRAGMA user_version = 2; a failure rolls everything back.  Only
-- triggers and one small table are added: SQLite cannot add a CHECK to a table, and a
-- trigger judges new writes only, so rows a version 1 site already holds survive.
-- schema.sql holds the same objects, with the same text, for a new database.
--
--  * site_version.rev moves to a fresh random value instead of rev + 1, so a cache key
--    never repeats after a .restore, a replaced file or a hand-edited rev; the row
--    cannot be deleted, doubled or given a non-number.
--  * articled's own tables (counter_state, view_days, views.total and views.folded)
--    refuse writes unless articled_writing holds a row: articled's fold inserts one
--    first and deletes it before COMMIT, inside its own transaction, so no other
--    connection ever sees it.  views_imported does the same to move total with imported.
--  * titles and bodies must be UTF-8; dates must not say hour 24 or year 0; required
--    settings stay; site_name must be visible, contacts named, lang a tag, base_url
--    only an origin.

DROP TRIGGER articles_delete;
DROP TRIGGER articles_site_version_insert;
DROP TRIGGER articles_site_version_update;
DROP TRIGGER settings_site_version_insert;
DROP TRIGGER settings_site_version_update;
DROP TRIGGER settings_site_version_delete;
DROP TRIGGER views_site_version;
DROP TRIGGER views_update;

CREATE TABLE articled_writing(
  who TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

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

CREATE TRIGGER views_site_version AFTER UPDATE ON views
WHEN (NEW.total - NEW.folded) IS NOT (OLD.total - OLD.folded)
BEGIN
  UPDATE site_version SET rev = random() & 9223372036854775807;
END;

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

CREATE TRIGGER views_article_exists BEFORE INSERT ON views
WHEN NOT EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id)
BEGIN
  SELECT RAISE(ABORT, 'views rows are made by articled with each article: there is no article with this article_id');
END;

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

-- A version 1 database may have lost its site_version row, or hold a rev that a
-- worker has cached for other content: start afresh.
INSERT INTO site_version(id, rev) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM site_version);
UPDATE site_version SET rev = random() & 9223372036854775807;

-- A contact may end with an extension ("01234 567890 ext 12"), which becomes
-- ;ext=12 in its tel: link.  Only a CHECK changes, and it accepts more than
-- before, so every stored row still passes: the documented way to change a
-- constraint in place (sqlite.org/lang_altertable.html, "other kinds of
-- table schema changes") rather than rebuilding the table.  The triggers
-- created above change the schema cookie in this same transaction, so every
-- other connection reloads the schema.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '  CONSTRAINT "a contact must be a phone number: digits, spaces, + - ( ) . and at least 3 digits"
    CHECK (key NOT GLOB ''contact:*''
           OR (value NOT GLOB ''*[^0-9 +().-]*''
               AND length(replace(replace(replace(replace(replace(replace(
                     value, '' '', ''''), ''+'', ''''), ''('', ''''), '')'', ''''), ''.'', ''''), ''-'', '''')) >= 3))', '  CONSTRAINT "a contact must be a phone number: digits, spaces, + - ( ) . and at least 3 digits, and an extension as ext 12, x12 or #12"
    CHECK (key NOT GLOB ''contact:*''
           OR (replace(replace(replace(lower(value), ''extension'', ''''), ''ext'', ''''), ''x'', '''')
                 NOT GLOB ''*[^0-9 +().:#,-]*''
               AND lower(rtrim(value, '' .:,'')) NOT GLOB ''*[a-z#]''
               AND length(value) - length(replace(replace(replace(replace(replace(replace(
                     replace(replace(replace(replace(value, ''0'', ''''), ''1'', ''''), ''2'', ''''),
                     ''3'', ''''), ''4'', ''''), ''5'', ''''), ''6'', ''''), ''7'', ''''), ''8'', ''''), ''9'', '''')) >= 3))')
 WHERE type = 'table' AND name = 'settings';
PRAGMA writable_schema = OFF;
