-- Migration 10: readers and where they came from (issue 20).
--
-- Run by articled inside one BEGIN IMMEDIATE transaction that also sets
-- PRAGMA user_version = 10.  Nothing existing changes.  Three tables that only
-- articled's fold writes, like view_days: readers per article per UTC day,
-- the site's readers per day with what makes a day's figure less than exact,
-- and views per article per day by the site they came from.  Nothing in them
-- names a person: a reader is counted in memory only (a keyed hash whose key
-- never leaves memory and is replaced at midnight UTC), and only the count
-- reaches this file; a source is a site's host name, never a path or a query.

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
