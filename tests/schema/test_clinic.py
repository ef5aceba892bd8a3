"""The clinic's people and facts (schema version 9: db/migrations/0009-clinic.sql, the same in
schema.sql): people, articles.author/reviewer, closures, and the clinic. settings with their
values checked.  Through the real sqlite3 shell, with the exact refusal and nothing changed."""

import pytest

from test_schema import SEED_SLUG, db, refused, rows, run_ok, site_rev, sq, value  # noqa: F401

NO_PERSON = ("author and reviewer must each be a person's slug: add them first with "
             "INSERT INTO people(slug, name) VALUES (...), or see SELECT slug, name FROM people")
BAD_HOURS = ("opening hours are like 09:00-17:00, or 09:00-12:30,14:00-18:00, or closed: "
             "times from 00:00 to 23:59, each closing after its opening")
IN_USE = ("this person wrote or reviewed articles: first UPDATE articles SET author = ... "
          "(or reviewer = NULL) for them; SELECT id, title FROM articles WHERE author = '<slug>' "
          "OR reviewer = '<slug>' lists them")


def person(db, slug="asha-patel", name="Dr Asha Patel", **cols):
    cols = dict(slug=slug, name=name, **cols)
    run_ok(db, "INSERT INTO people(%s) VALUES (%s);" % (
        ", ".join(cols), ", ".join(sq(v) for v in cols.values())))


def setting(key, val):
    return "INSERT INTO settings(key, value) VALUES (%s, %s);" % (sq(key), sq(val))


def test_an_article_names_its_author_and_reviewer_by_slug(db):
    person(db, credentials="MBBS, FRCGP", role="GP")
    person(db, "a-practitioner", "A. Practitioner", credentials="MBAcC")
    rev = site_rev(db)
    run_ok(db, "UPDATE articles SET author = 'a-practitioner', reviewer = 'asha-patel' "
               "WHERE slug = %s;" % sq(SEED_SLUG))
    assert rows(db, "SELECT author, reviewer FROM articles WHERE slug = %s" % sq(SEED_SLUG)) == \
        [{"author": "a-practitioner", "reviewer": "asha-patel"}]
    assert site_rev(db) != rev


def test_an_unknown_person_is_refused(db):
    refused(db, "UPDATE articles SET author = 'nobody';", NO_PERSON)
    refused(db, "INSERT INTO articles(title, body, reviewer) VALUES ('T', 'B', 'nobody');",
            NO_PERSON)
    assert value(db, "SELECT count(*) FROM articles WHERE author IS NOT NULL") == 0


def test_free_text_reviewed_by_still_works(db):
    run_ok(db, "UPDATE articles SET reviewed_by = 'Dr Old Name', reviewed_on = '2025-03-03';")
    assert value(db, "SELECT reviewed_by FROM articles LIMIT 1") == "Dr Old Name"


def test_a_person_with_articles_cannot_go_or_change_slug(db):
    person(db)
    run_ok(db, "UPDATE articles SET author = 'asha-patel';")
    refused(db, "DELETE FROM people WHERE slug = 'asha-patel';", IN_USE)
    refused(db, "UPDATE people SET slug = 'asha' WHERE slug = 'asha-patel';",
            "this person wrote or reviewed articles, which name them by slug: add the person "
            "again under the new slug, move the articles to it, then delete the old row")
    assert value(db, "SELECT count(*) FROM people") == 1


@pytest.mark.parametrize("cols, message", [
    (dict(slug="Asha Patel"), "CHECK constraint failed: a person's slug must be lower-case "
     "letters, digits and single hyphens (a-z, 0-9, -), at most 80 characters, like asha-patel"),
    (dict(registration_url="http://example.org/"), "CHECK constraint failed: registration_url "
     "must be the register's https:// address, with no spaces or quotes, or NULL"),
    (dict(photo="nothing.jpg"), "photo names no picture: add it first with INSERT INTO "
     "media(name, alt, data) VALUES (...), or see SELECT name FROM media"),
])
def test_bad_people_are_refused(db, cols, message):
    cols = dict(dict(slug="asha-patel", name="Dr Asha Patel"), **cols)
    refused(db, "INSERT INTO people(%s) VALUES (%s);" % (
        ", ".join(cols), ", ".join(sq(v) for v in cols.values())), message)
    assert value(db, "SELECT count(*) FROM people") == 0


@pytest.mark.parametrize("hours", ["09:00-17:00", "09:00-12:30,14:00-18:00", "closed",
                                   "00:00-23:59"])
def test_good_hours_are_taken(db, hours):
    run_ok(db, setting("clinic.hours.mon", hours))
    assert value(db, "SELECT value FROM settings WHERE key = 'clinic.hours.mon'") == hours


@pytest.mark.parametrize("hours", ["25:00-26:00", "09:00-25:00", "17:00-09:00", "9-5", "09:00",
                                   "09:00-13:00,12:00-18:00", "09:00-12:00,14:00-13:00",
                                   "Closed", "09:00-17:00 "])
def test_bad_hours_are_refused(db, hours):
    refused(db, setting("clinic.hours.tue", hours), BAD_HOURS)
    run_ok(db, setting("clinic.hours.tue", "09:00-17:00"))
    refused(db, "UPDATE settings SET value = %s WHERE key = 'clinic.hours.tue';" % sq(hours),
            BAD_HOURS)
    assert value(db, "SELECT value FROM settings WHERE key = 'clinic.hours.tue'") == "09:00-17:00"


@pytest.mark.parametrize("key, bad, good, message", [
    ("clinic.booking_url", "http://book.example.org", "https://book.example.org/x",
     "clinic.booking_url must be an https:// address with no spaces or quotes, "
     "like https://book.example.org/clinic"),
    ("clinic.latitude", "91", "53.7997",
     "clinic.latitude must be a number of degrees from -90 to 90, like 53.7997"),
    ("clinic.latitude", "north", "-53",
     "clinic.latitude must be a number of degrees from -90 to 90, like 53.7997"),
    ("clinic.longitude", "-180.5", "-1.5492",
     "clinic.longitude must be a number of degrees from -180 to 180, like -1.5492"),
    ("clinic.new_patients", "maybe", "yes", "clinic.new_patients must be yes or no"),
    ("clinic.review_months", "0", "24",
     "clinic.review_months must be a whole number of months from 1 to 60, like 12"),
    ("clinic.email", "hello at example.org", "hello@example.org",
     "clinic.email must be an email address like hello@example.org"),
    ("clinic.map", "nothing.png", None, "clinic.map names no picture: add it first with "
     "INSERT INTO media(name, alt, data) VALUES (...), or see SELECT name FROM media"),
])
def test_clinic_values_are_checked(db, key, bad, good, message):
    refused(db, setting(key, bad), message)
    if good is None:
        return
    run_ok(db, setting(key, good))
    refused(db, "UPDATE settings SET value = %s WHERE key = %s;" % (sq(bad), sq(key)), message)
    assert value(db, "SELECT value FROM settings WHERE key = %s" % sq(key)) == good


def test_the_urgent_headings_have_uk_defaults(db):
    got = {r["key"]: r["default_value"] for r in rows(
        db, "SELECT key, default_value FROM setting_keys WHERE key GLOB 'clinic.urgent.*'")}
    assert got == {"clinic.urgent.999": "Call 999 or go to A&E now if:",
                   "clinic.urgent.111": "Call 111 or ask for an urgent GP appointment if:",
                   "clinic.urgent.gp": "See a GP if:"}
    assert value(db, "SELECT default_value FROM setting_keys "
                     "WHERE key = 'clinic.review_months'") == "12"


def test_closures_end_on_or_after_they_start(db):
    run_ok(db, "INSERT INTO closures(starts, ends, note) VALUES "
               "('2025-12-24', '2025-12-27', 'Closed for Christmas');")
    refused(db, "INSERT INTO closures(starts, ends) VALUES ('2025-12-27', '2025-12-24');",
            "CHECK constraint failed: ends must be a real date like 2025-12-27, "
            "on or after starts")
    assert value(db, "SELECT count(*) FROM closures") == 1
