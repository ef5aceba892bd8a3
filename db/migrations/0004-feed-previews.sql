-- Migration 4: what a feed reader, a search engine and a shared link need (issue 12, part B).
--
-- Run by articled (on start, or with --upgrade) inside one BEGIN IMMEDIATE transaction
-- that also sets PRAGMA user_version = 4; a failure rolls everything back.
-- schema.sql holds the same objects, with the same text, for a new database.
--
--  * site_version.changed_at: when rev last moved, kept by a trigger; the feed, the
--    sitemap and robots.txt send it as Last-Modified (with the newest publication date
--    that has passed, for scheduled posts).
--  * articles.reviewed_on and articles.reviewed_by: a medical review, shown on the post
--    ("Medically reviewed on ...") and in its JSON-LD (lastReviewed, reviewedBy).
--  * settings may hold 'image', the picture a shared link shows (og:image).  SQLite
--    cannot change a CHECK, so the table is rebuilt with the same rows and rowids
--    (contacts keep their order) and its triggers are made again, unchanged.
--  * slug_history: every slug an article had, kept by triggers.  The old address answers
--    301 to the article's current one; a deleted article's slugs stay with no article
--    and answer 410.  A new article cannot take a slug the history holds: given
--    explicitly it is refused; made from the title, the next free one is used
--    (articles_fill, made again with that one condition more).

ALTER TABLE site_version ADD COLUMN changed_at TEXT NOT NULL DEFAULT '1970-01-01T00:00:00Z';
UPDATE site_version SET changed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now');

CREATE TRIGGER site_version_changed AFTER UPDATE OF rev ON site_version
WHEN NEW.rev IS NOT OLD.rev
BEGIN
  UPDATE site_version SET changed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = 1;
END;

ALTER TABLE articles ADD COLUMN reviewed_on TEXT
  CONSTRAINT "reviewed_on must be a real date like 2024-05-01, or NULL"
  CHECK (reviewed_on IS NULL
         OR (typeof(reviewed_on) = 'text'
             AND reviewed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
             AND date(julianday(reviewed_on)) = reviewed_on));
ALTER TABLE articles ADD COLUMN reviewed_by TEXT
  CONSTRAINT "reviewed_by must be the reviewer's name, 1 to 120 characters, or NULL"
  CHECK (reviewed_by IS NULL
         OR (typeof(reviewed_by) = 'text'
             AND trim(reviewed_by, ' ' || char(9, 10, 13, 160)) <> ''
             AND length(reviewed_by) <= 120));

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

CREATE TABLE settings_new(
  key TEXT PRIMARY KEY
    CONSTRAINT "unknown settings key: use site_name, tagline, base_url, description, lang, image or contact:<Name>"
    CHECK (typeof(key) = 'text'
           AND (key IN ('site_name', 'tagline', 'base_url', 'description', 'lang', 'image')
                OR key GLOB 'contact:?*')),
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

INSERT INTO settings_new(rowid, key, value) SELECT rowid, key, value FROM settings;
DROP TABLE settings;
ALTER TABLE settings_new RENAME TO settings;

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

DROP TRIGGER articles_fill;
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

-- articles_fill was made anew above: the search index's triggers must again be the
-- newest on articles (SQLite fires a table's triggers newest first, and they must index
-- a row after articles_fill has rewritten it; see 0003-search-tags.sql).
DROP TRIGGER articles_fts_insert;
DROP TRIGGER articles_fts_update;
DROP TRIGGER articles_fts_delete;
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
