-- Migration 3: search, tags and related reading (issue 12, part A).
--
-- Run by articled (on start, or with --upgrade) inside one BEGIN IMMEDIATE transaction
-- that also sets PRAGMA user_version = 3; a failure rolls everything back.
-- schema.sql holds the same objects, with the same text, for a new database.
--
--  * articles_fts: an FTS5 index of every article's title and body (the Markdown as
--    written: the tokenizer drops most of its syntax), external content (the text is
--    kept once, in articles), English stemming (porter) over unicode61 with diacritics
--    removed.  Triggers keep it in step with every INSERT, UPDATE and DELETE, so a
--    search finds an edit at once; drafts and scheduled posts are indexed too and
--    left out when articled searches, so a post going live writes nothing.
--    ORDER MATTERS: SQLite fires the triggers of one event newest first, and these
--    must run before articles_insert and articles_fill, whose own UPDATEs fire
--    articles_fts_update with OLD as these triggers have just indexed it (the other
--    way round, 'delete' removes words never indexed: "database disk image is
--    malformed").  So they are created after every other trigger on articles,
--    here and at the end of schema.sql.  Repair, should it ever be needed:
--    INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
--  * tags: an article's tags, one row each, written by the owner:
--    INSERT INTO tags(article_id, tag) VALUES ((SELECT id FROM articles WHERE slug = 'x'), 'back-pain');
--    A tag is 1 to 40 lower-case letters a-z, digits and single hyphens inside, the
--    shape of a slug, so that /blog/tag/<tag> needs no escaping.  Refused with a
--    sentence otherwise, for a missing article, or twice on one article.

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

-- An existing site's articles, indexed once.
INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
