"""Issue 10's owner mistakes, refused by the real sqlite3 shell with a sentence that says
what to do (schema version 2: db/migrations/0002-owner-guards.sql, the same in schema.sql).
Each test types what the owner typed and checks the exact refusal and that nothing moved."""

import time

import pytest

from test_schema import (BLANK_BODY, EMPTY_SITE_NAME, SEED_SLUG, TOTAL_KEPT, VIEWS_KEPT,  # noqa: F401
                         as_fold, db, refused, rows, run_ok, seed_id, shell, site_rev, value)

NOT_UTF8_BODY = ('body is not UTF-8 text: save the file as UTF-8 (a file saved as "Unicode" or UTF-16, '
                 'a Latin-1 or Windows-1252 file, or a program will not do)')
NOT_UTF8_TITLE = "title is not UTF-8 text: type it again, or save the file it came from as UTF-8"
BAD_PUBLISHED = ("published_at must be a real date like 2024-05-01T09:00:00Z: "
                 "hours go from 00 to 23, years from 0001")
BAD_UPDATED = ("updated_at must be a real date like 2024-05-01T09:00:00Z: "
               "hours go from 00 to 23, years from 0001")
OWN_COUNTER = ("counter_state is articled's own table (how far its live counters are folded): "
               "leave it alone; to change a count, change views.imported")
OWN_DAYS = ("view_days is articled's own table (views per day, written as they are counted): "
            "to change an article's count, change views.imported")
OWN_FOLDED = ("views.folded is articled's own (how much of the live counter is stored): "
              "change views.imported instead")
NO_ARTICLE = "views rows are made by articled with each article: there is no article with this article_id"
SV_ONE = "site_version has exactly one row, kept by articled's triggers: leave it alone"
SV_DEL = ("site_version is articled's own: its one row tells articled when to redraw pages, "
          "so it cannot be deleted")
SV_REV = ("site_version.rev must be a whole number, 0 or more: articled's triggers set it, "
          "leave it out of your UPDATE")
REQUIRED = ("site_name, base_url and lang are required: change the value instead, "
            "e.g. UPDATE settings SET value = 'en-GB' WHERE key = 'lang'")
INVISIBLE_NAME = "site_name must show something: spaces, no-break or zero-width spaces alone are invisible"
NO_CONTACT_NAME = "a contact needs a name after contact:, e.g. contact:Reception"
BAD_LANG = "lang must be a language tag like en or en-GB, not the name of a language"
BAD_ORIGIN = ("base_url must be like https://example.org or http://127.0.0.1:8080, the site's address only: "
              "a host name after //, and no path, query, fragment, user name or password")


def counts(db):
    return (rows(db, "SELECT * FROM views ORDER BY article_id"),
            rows(db, "SELECT * FROM view_days ORDER BY article_id, day"),
            rows(db, "SELECT * FROM counter_state"))


@pytest.fixture
def folded(db, seed_id):
    """The seed article after articled folded 5 views on 2024-05-01."""
    run_ok(db, as_fold(f"INSERT INTO view_days VALUES ({seed_id}, '2024-05-01', 5);"
                       f"UPDATE views SET total = total + 5, folded = folded + 5 WHERE article_id = {seed_id};"
                       "UPDATE counter_state SET generation = 77;"))
    return db


# --- 1. site_version: the cache key never repeats ---------------------------------------------

def test_each_change_gives_site_version_a_fresh_random_rev_never_a_step(db):
    seen = {site_rev(db)}
    for n in range(20):
        run_ok(db, f"UPDATE settings SET value = 'Tagline {n}' WHERE key = 'tagline';")
        rev = site_rev(db)
        assert rev not in seen and rev >= 0
        seen.add(rev)


def test_a_hand_edited_rev_does_not_bring_back_an_old_value_at_the_next_edit(db, seed_id):
    before = site_rev(db)
    run_ok(db, f"UPDATE articles SET body = 'WRONG dose' WHERE id = {seed_id};")
    wrong = site_rev(db)
    run_ok(db, "UPDATE site_version SET rev = rev - 1;")
    run_ok(db, f"UPDATE articles SET body = 'Corrected dose' WHERE id = {seed_id};")
    assert site_rev(db) not in (before, wrong, wrong - 1)


def test_site_version_row_cannot_be_deleted_doubled_or_given_a_non_number(db):
    rev = site_rev(db)
    refused(db, "DELETE FROM site_version;", SV_DEL)
    refused(db, "INSERT INTO site_version(id, rev) VALUES (1, 5);", SV_ONE)
    refused(db, "INSERT INTO site_version(id, rev) VALUES (2, 5);", SV_ONE)
    refused(db, "UPDATE site_version SET rev = 'abc';", SV_REV)
    refused(db, "UPDATE site_version SET rev = 1.5;", SV_REV)
    refused(db, "UPDATE site_version SET rev = -1;", SV_REV)
    refused(db, "UPDATE site_version SET id = 2;", SV_REV)
    assert rows(db, "SELECT id, rev FROM site_version") == [{"id": 1, "rev": rev}]


# --- 2. text must be UTF-8 ----------------------------------------------------------------------

BAD_BODIES = {
    "utf16le_bom": "\ufeffDose: 50 mg\r\n".encode("utf-16-le"),
    "utf16be_bom": "\ufeffDose: 50 mg\r\n".encode("utf-16-be"),
    "utf16le_no_bom": "Dose: 50 mg\n".encode("utf-16-le"),
    "latin1": "Caf\u00e9 opening hours: 9\u201317".replace("\u2013", "-").encode("latin-1"),
    "windows1252": "It\u2019s open".encode("cp1252"),
    "nul_bytes": b"Dose: 50 mg\x00\x00 more",
    "overlong_slash": b"a \xc0\xaf b",
    "overlong_3byte": b"a \xe0\x80\xaf b",
    "surrogate": b"a \xed\xa0\x80 b",
    "above_10ffff": b"a \xf4\x90\x80\x80 b",
    "truncated_at_end": "Fin \u2019".encode()[:-1],
    "lone_continuation": b"a \x80 b",
    "ascii_then_bad_after_32_bytes": b"x" * 100 + b"\xff" + b"y" * 100,
}


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_body_file_that_is_not_utf8_is_refused_and_nothing_is_added(db, name):
    (db.parent / "post.md").write_bytes(BAD_BODIES[name])
    refused(db, "INSERT INTO articles(title, body) VALUES ('Dosage', readfile('post.md'));", NOT_UTF8_BODY)
    assert value(db, "SELECT count(*) FROM articles") == 1


def test_program_file_is_refused(db):
    refused(db, "INSERT INTO articles(title, body) VALUES ('ls', readfile('/bin/ls'));", NOT_UTF8_BODY)


def test_update_with_a_utf16_file_is_refused_and_the_old_body_stays(db, seed_id):
    old = value(db, f"SELECT body FROM articles WHERE id = {seed_id}")
    (db.parent / "post.md").write_bytes("New text".encode("utf-16"))
    refused(db, f"UPDATE articles SET body = readfile('post.md') WHERE id = {seed_id};", NOT_UTF8_BODY)
    assert value(db, f"SELECT body FROM articles WHERE id = {seed_id}") == old


def test_text_cast_from_latin1_bytes_is_refused_too(db):
    refused(db, "INSERT INTO articles(title, body) VALUES ('Cast', CAST(x'436166e9' AS TEXT));", NOT_UTF8_BODY)


@pytest.mark.parametrize("data", [
    "\ufeffWith a BOM\r\nand CRLF line endings\r\n".encode(),
    "Curly \u2019quotes\u2019, \u00e9, \u65e5\u672c, emoji \U0001f600, U+FFFD \ufffd\n".encode(),
    b"\xef\xbf\xbf max BMP and \xf4\x8f\xbf\xbf max code point",
    ("x" * 31 + "\u00e9" + "y" * 64).encode(),
])
def test_utf8_bodies_with_bom_crlf_and_any_script_are_accepted(db, data):
    (db.parent / "post.md").write_bytes(data)
    run_ok(db, "INSERT INTO articles(title, body) VALUES ('Fine', readfile('post.md'));")
    assert value(db, "SELECT body FROM articles WHERE slug = 'fine'").encode() == data


def test_title_that_is_not_utf8_is_refused(db, seed_id):
    refused(db, "INSERT INTO articles(title, body) VALUES (CAST(x'436166e9' AS TEXT), 'x');", NOT_UTF8_TITLE)
    refused(db, f"UPDATE articles SET title = CAST(x'ff' || CAST('Title' AS BLOB) AS TEXT) "
                f"WHERE id = {seed_id};", NOT_UTF8_TITLE)


def test_a_one_megabyte_body_is_checked_in_well_under_a_few_seconds(db):
    text = ("Acupuncture \u2019helps\u2019 with back pain. " * 40 + "\n") * 600
    (db.parent / "big.md").write_bytes(text.encode()[:1 << 20].decode(errors="ignore").encode())
    start = time.monotonic()
    run_ok(db, "INSERT INTO articles(title, body) VALUES ('Big', readfile('big.md'));")
    assert time.monotonic() - start < 5


# --- 4. articled's own tables ------------------------------------------------------------------

@pytest.mark.parametrize("statement, message", [
    ("UPDATE counter_state SET generation = 0;", OWN_COUNTER),
    ("DELETE FROM counter_state;", OWN_COUNTER),
    ("INSERT INTO counter_state(id, generation) VALUES (2, 1);", OWN_COUNTER),
    ("UPDATE views SET folded = 0;", OWN_FOLDED),
    ("UPDATE views SET total = 0;", TOTAL_KEPT),
    ("UPDATE views SET total = total + 1, folded = folded + 1;", OWN_FOLDED),
    ("UPDATE view_days SET views = 0;", OWN_DAYS),
    ("DELETE FROM view_days;", OWN_DAYS),
    ("INSERT INTO view_days VALUES (1, '2024-05-02', 3);", OWN_DAYS),
    ("INSERT INTO views(article_id, key) VALUES (999, 42);", NO_ARTICLE),
])
def test_owner_writes_to_articleds_own_tables_are_refused(folded, statement, message):
    before = counts(folded)
    refused(folded, statement, message)
    assert counts(folded) == before


def test_imported_still_moves_total_by_the_difference(folded, seed_id):
    run_ok(folded, f"UPDATE views SET imported = 1000 WHERE article_id = {seed_id};")
    assert rows(folded, "SELECT imported, total, folded FROM views") == [
        {"imported": 1000, "total": 1005, "folded": 5}]
    assert value(folded, "SELECT count(*) FROM articled_writing") == 0


def test_deleting_an_article_still_removes_its_counts_with_foreign_keys_off(folded, seed_id):
    run_ok(folded, f"DELETE FROM articles WHERE id = {seed_id};")
    assert value(folded, "SELECT count(*) FROM views") == 0
    assert value(folded, "SELECT count(*) FROM view_days") == 0


def test_an_orphan_views_row_from_before_can_be_removed_with_the_documented_statement(db):
    run_ok(db, as_fold("DROP TRIGGER views_article_exists;"
                       "INSERT INTO views(article_id, key) VALUES (999, 42);"))
    run_ok(db, "DELETE FROM views WHERE article_id NOT IN (SELECT id FROM articles);")
    assert value(db, "SELECT count(*) FROM views") == 1


def test_the_marker_is_never_left_behind(folded):
    assert value(folded, "SELECT count(*) FROM articled_writing") == 0


# --- 5. required settings --------------------------------------------------------------------------

@pytest.mark.parametrize("statement", [
    "DELETE FROM settings;",
    "DELETE FROM settings WHERE key = 'site_name';",
    "DELETE FROM settings WHERE key = 'base_url';",
    "DELETE FROM settings WHERE key = 'lang';",
    "UPDATE settings SET key = 'tagline' WHERE key = 'site_name';",
])
def test_required_settings_cannot_be_deleted(db, statement):
    before = rows(db, "SELECT * FROM settings")
    refused(db, statement, REQUIRED)
    assert rows(db, "SELECT * FROM settings") == before


def test_optional_settings_can_be_deleted(db):
    run_ok(db, "DELETE FROM settings WHERE key IN ('tagline', 'description') OR key GLOB 'contact:*';")
    assert [r["key"] for r in rows(db, "SELECT key FROM settings ORDER BY key")] == [
        "base_url", "lang", "site_name"]


def test_required_settings_cannot_be_emptied(db):
    refused(db, "UPDATE settings SET value = '' WHERE key = 'site_name';", EMPTY_SITE_NAME)
    refused(db, "UPDATE settings SET value = '' WHERE key = 'lang';",
            "CHECK constraint failed: lang must be a language tag like en-GB")
    refused(db, "UPDATE settings SET value = '' WHERE key = 'base_url';",
            "CHECK constraint failed: base_url must be like https://example.org: http:// or https://, "
            "no trailing slash, no spaces")


# --- 6. base_url is an origin --------------------------------------------------------------------

@pytest.mark.parametrize("url", ["https://clinic.example.org/blog", "http:///x", "https://user:pass@clinic.example.org",
                                 "https://user@clinic.example.org", "https://:8080", "https://clinic.example.org/a/b",
                                 "https://.example.org", "https://clinic.example.org?x=1", "https://clinic.example.org#top"])
def test_base_url_with_a_path_credentials_or_no_host_is_refused(db, url):
    refused(db, f"UPDATE settings SET value = '{url}' WHERE key = 'base_url';", BAD_ORIGIN)
    assert value(db, "SELECT value FROM settings WHERE key = 'base_url'") == "http://127.0.0.1:8080"


@pytest.mark.parametrize("url", ["https://clinic.example.org", "http://127.0.0.1:8080", "https://[::1]:8443",
                                 "https://xn--caf-dma.example"])
def test_base_url_origin_is_accepted(db, url):
    run_ok(db, f"UPDATE settings SET value = '{url}' WHERE key = 'base_url';")


# --- 8. smaller ----------------------------------------------------------------------------------

@pytest.mark.parametrize("when, message", [
    ("2024-05-01T24:00:00", BAD_PUBLISHED), ("2024-05-01T24:00:00Z", BAD_PUBLISHED),
    ("2024-05-01 24:00", BAD_PUBLISHED), ("0000-01-01T09:00:00Z", BAD_PUBLISHED),
])
def test_published_at_at_hour_24_or_in_year_0_is_refused(db, seed_id, when, message):
    refused(db, f"INSERT INTO articles(title, body, published_at) VALUES ('T', 'x', '{when}');", message)
    refused(db, f"UPDATE articles SET published_at = '{when}' WHERE id = {seed_id};", message)
    refused(db, f"UPDATE articles SET updated_at = '{when}' WHERE id = {seed_id};", BAD_UPDATED)


def test_published_at_at_23_59_59_and_year_1_are_accepted(db):
    run_ok(db, "INSERT INTO articles(title, body, published_at) VALUES ('A', 'x', '2024-05-01T23:59:59Z'),"
               " ('B', 'x', '0001-01-01T00:00:00Z');")


@pytest.mark.parametrize("name", ["   ", " \t "])
def test_contact_name_of_only_spaces_is_refused(db, name):
    refused(db, f"INSERT INTO settings VALUES ('contact:{name}', '01234 567890');", NO_CONTACT_NAME)


def test_contact_name_of_only_invisible_characters_is_refused(db):
    refused(db, "INSERT INTO settings VALUES ('contact:' || char(160, 8203), '01234 567890');", NO_CONTACT_NAME)


@pytest.mark.parametrize("invisible", ["char(160)", "char(8203)", "char(8203, 8204, 65279)", "char(12288)",
                                       "' ' || char(160) || ' '"])
def test_invisible_site_name_is_refused(db, invisible):
    refused(db, f"UPDATE settings SET value = {invisible} WHERE key = 'site_name';", INVISIBLE_NAME)
    assert value(db, "SELECT value FROM settings WHERE key = 'site_name'") == "Acupuncture Clinic"


@pytest.mark.parametrize("lang", ["English", "british", "en-GBR-toolongsubtag", "e"])
def test_lang_that_is_not_a_language_tag_is_refused(db, lang):
    refused(db, f"UPDATE settings SET value = '{lang}' WHERE key = 'lang';", BAD_LANG)


@pytest.mark.parametrize("lang", ["en", "en-GB", "cy", "de-CH-1996", "zh-Hant-TW", "fil", "sr-Latn"])
def test_language_tags_are_accepted(db, lang):
    run_ok(db, f"UPDATE settings SET value = '{lang}' WHERE key = 'lang';")
