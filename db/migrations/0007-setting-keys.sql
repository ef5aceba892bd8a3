-- Migration 7: settings keys by feature prefix (issues 19, 20, 21).
--
-- Run by articled inside one BEGIN IMMEDIATE transaction that also sets
-- PRAGMA user_version = 7.  Nothing existing changes meaning: every key that was
-- accepted still is.  Until now settings took a closed list of keys.  The features
-- that follow (patients' questions, readers, the clinic's facts) each bring their
-- own keys under a prefix: comments., readers., clinic.  Each such key is checked
-- on its own: it must be listed in setting_keys, articled's own table of the keys
-- it knows, with the value used when the owner sets none and a sentence saying
-- what it does.  A feature's migration lists its keys there (and adds the
-- triggers that check their values); the owner reads them with
--   SELECT key, default_value, about FROM setting_keys;

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

-- The key CHECK widened in place, the documented way to loosen a constraint
-- (https://sqlite.org/lang_altertable.html#otheralter): the prefixes are now allowed,
-- and the triggers below refuse a prefixed key setting_keys does not list.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '    CONSTRAINT "unknown settings key: use site_name, tagline, base_url, description, lang, image or contact:<Name>"
    CHECK (typeof(key) = ''text''
           AND (key IN (''site_name'', ''tagline'', ''base_url'', ''description'', ''lang'', ''image'')
                OR key GLOB ''contact:?*'')),', '    CONSTRAINT "unknown settings key: use site_name, tagline, base_url, description, lang, image, contact:<Name>, or a key that SELECT key, about FROM setting_keys lists"
    CHECK (typeof(key) = ''text''
           AND (key IN (''site_name'', ''tagline'', ''base_url'', ''description'', ''lang'', ''image'')
                OR key GLOB ''contact:?*''
                OR key GLOB ''comments.?*'' OR key GLOB ''readers.?*'' OR key GLOB ''clinic.?*'')),')
 WHERE type = 'table' AND name = 'settings';
PRAGMA writable_schema = OFF;

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
