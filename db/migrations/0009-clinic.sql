-- Migration 9: the clinic's people, who wrote and reviewed each article, and the
-- clinic's facts (issue 21).
--
-- Run by articled inside one BEGIN IMMEDIATE transaction that also sets
-- PRAGMA user_version = 9.  Nothing existing changes meaning: an article's free-text
-- reviewed_by is still shown when it names no reviewer from people.
--
-- people: the clinic's practitioners, each at /people/<slug>.  articles.author and
-- articles.reviewer name one of them by slug; a reviewer replaces reviewed_by on the
-- page.  The clinic's facts are settings under clinic. (listed in setting_keys below),
-- their values checked by triggers; closures by date range are their own table.

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
