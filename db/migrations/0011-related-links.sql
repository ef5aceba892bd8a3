-- Migration 11: stored related links (issue 18).  (Numbered 8 on its branch; 7 to 10
-- went to the settings keys, patients' questions, the clinic and the readers branch.)
--
-- Run by articled inside one BEGIN IMMEDIATE transaction that also sets
-- PRAGMA user_version = 11.  The table starts empty and fills lazily, like
-- article_renders: the first view of each article computes its related links (shared
-- tags, then titles sharing words, through FTS5) and stores them.
--
-- Computing them costs FTS5 queries over every title holding a common word: most of a
-- page miss's CPU, and on the first view after any edit SQLite's cache is empty, so
-- FTS5 re-reads its pages.  A stored list is right as long as no title, slug, draft
-- flag, publication date or tag changed (any such change empties the table, here by
-- triggers) and no scheduled article has gone live since (valid_until).  An edit of a
-- body, the common case, keeps every list.  articled writes it (with a row in
-- articled_writing) only if site_version.rev has not moved since it read what the list
-- was made from; the owner may DELETE rows, which are rebuilt.

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
