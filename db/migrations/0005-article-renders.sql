-- Migration 5: stored renders (issue 8) and the render bound's marker (issue 13).
--
-- Run by articled inside one BEGIN IMMEDIATE transaction that also sets
-- PRAGMA user_version = 5.  The table starts empty and fills lazily: the first view
-- of each article after the upgrade renders it and stores the result, so an upgrade
-- takes no longer on a large site.
--
-- article_renders keeps each article's body rendered to HTML, so a page that is not
-- in a worker's cache costs one indexed read instead of a Markdown render.  A row is
-- trusted only when its body_hash and body_len are those of the article's current
-- body and its rules are the running articled's (cmark's version and articled's
-- rendering rules): an edit or an upgrade re-renders.  slow = 1 marks a body whose
-- render passed the render bound: it answers 503 without rendering until it changes.
-- It is not in articles, whose every UPDATE moves site_version.rev and empties every
-- worker's cache; writing here moves nothing.  articled writes it (with a row in
-- articled_writing, like the fold); the owner may DELETE rows, which are rebuilt.

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
