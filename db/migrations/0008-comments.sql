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
