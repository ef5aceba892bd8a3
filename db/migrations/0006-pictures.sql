-- Migration 6: pictures (issue 9).
--
-- Run by articled inside one BEGIN IMMEDIATE transaction that also sets
-- PRAGMA user_version = 6.  Nothing existing changes: two new tables, a new
-- column articles.cover (NULL: no cover), and triggers.
--
-- media holds the owner's pictures as added with readfile(): the original bytes,
-- never served (they carry the camera's metadata, GPS position included).  Its type
-- is read from the bytes, never from the name.  articled's picture maker (a process
-- of its own, under its own sandbox) reads every 'pending' row, makes the served
-- sizes into media_variants and sets status 'ready' with width and height, or
-- 'refused' with the reason in problem.  version is a fresh random number whenever
-- data changes: it names the variants in their URLs, so a replaced picture gets new
-- URLs and no browser keeps the old one.  The owner writes name, alt and data, and
-- may set status back to 'pending' to have the sizes made again; articled writes
-- the rest (with a row in articled_writing, like the fold).
--
-- A picture is "shown by" an article whose cover names it, or whose body contains
-- /media/<name> (not followed by another name character).  Such a picture cannot
-- be deleted or renamed: the refusal names the article.  SQLite 3.40's RAISE takes
-- only a fixed text, so that refusal is made with json_extract() of a path that is
-- the sentence itself: the shell prints "JSON path error near '<sentence>'".

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
