"""Settings keys by feature prefix (schema version 7: db/migrations/0007-setting-keys.sql, the
same in schema.sql): comments., readers. and clinic. keys are each checked on their own against
setting_keys, articled's own list; the keys of before are accepted as they were.  Through the
real sqlite3 shell, with the exact refusal and nothing changed."""

from test_schema import (UNKNOWN_KEY, as_fold, db, refused, rows, run_ok, value)  # noqa: F401

UNLISTED = ("unknown settings key: SELECT key, default_value, about FROM setting_keys lists "
            "the comments., readers. and clinic. settings")
OWN_KEYS = ("setting_keys is articled's own list of the settings it knows: "
            "set a value with INSERT INTO settings(key, value) VALUES (...)")
OWN_KEYS_DELETE = ("setting_keys is articled's own list of the settings it knows: "
                   "to go back to a default, DELETE FROM settings WHERE key = '...'")


def listed(db, key, default=None, about="a test setting"):
    """A key as a feature's migration lists it (with articled's marker row)."""
    dv = "NULL" if default is None else "'%s'" % default
    run_ok(db, as_fold("INSERT INTO setting_keys(key, default_value, about) "
                       "VALUES ('%s', %s, '%s');" % (key, dv, about)))


def settings(db):
    return rows(db, "SELECT key, value FROM settings ORDER BY rowid")


def test_a_prefixed_key_nobody_listed_is_refused_with_where_to_look(db):
    before = settings(db)
    for key in ("comments.nonsense", "readers.x", "clinic.opening"):
        refused(db, "INSERT INTO settings(key, value) VALUES ('%s', '1');" % key, UNLISTED)
    assert settings(db) == before


def test_a_listed_key_is_taken_and_moves_the_site_version(db):
    listed(db, "comments.closed", "0")
    rev = value(db, "SELECT rev FROM site_version")
    run_ok(db, "INSERT INTO settings(key, value) VALUES ('comments.closed', '1');")
    assert value(db, "SELECT value FROM settings WHERE key = 'comments.closed'") == "1"
    assert value(db, "SELECT rev FROM site_version") != rev


def test_renaming_a_setting_to_an_unlisted_key_is_refused(db):
    listed(db, "readers.email")
    run_ok(db, "INSERT INTO settings(key, value) VALUES ('readers.email', 'a@example.org');")
    refused(db, "UPDATE settings SET key = 'readers.mail' WHERE key = 'readers.email';", UNLISTED)
    assert value(db, "SELECT count(*) FROM settings WHERE key = 'readers.email'") == 1


def test_other_keys_are_refused_as_before_with_the_longer_list(db):
    refused(db, "INSERT INTO settings(key, value) VALUES ('picture', '/a.jpg');", UNKNOWN_KEY)
    refused(db, "INSERT INTO settings(key, value) VALUES ('comments.', 'x');", UNKNOWN_KEY)
    refused(db, "INSERT INTO settings(key, value) VALUES ('Comments.closed', 'x');", UNKNOWN_KEY)


def test_the_keys_of_before_are_accepted_as_they_were(db):
    run_ok(db, "INSERT INTO settings(key, value) VALUES ('contact:Reception', '01234 567890');"
               "UPDATE settings SET value = 'Hello' WHERE key = 'tagline';")
    assert ("contact:Reception", "01234 567890") in [(r["key"], r["value"]) for r in settings(db)]


def test_the_owner_cannot_write_setting_keys(db):
    listed(db, "readers.kept")
    refused(db, "INSERT INTO setting_keys(key, about) VALUES ('readers.mine', 'x');", OWN_KEYS)
    refused(db, "UPDATE setting_keys SET default_value = '9' WHERE key = 'readers.kept';", OWN_KEYS)
    refused(db, "DELETE FROM setting_keys WHERE key = 'readers.kept';", OWN_KEYS_DELETE)
    assert rows(db, "SELECT key, default_value FROM setting_keys WHERE key GLOB 'readers.*'") == \
        [{"key": "readers.kept", "default_value": None}]


def test_setting_keys_takes_only_the_three_prefixes(db):
    res = run_ok(db, "SELECT 1;")
    assert res.strip() == "1"
    from test_schema import shell
    r = shell(db, as_fold("INSERT INTO setting_keys(key, about) VALUES ('site_colour', 'x');"))
    assert r.returncode == 1 and ("a setting key must be comments.<name>, readers.<name> "
                                  "or clinic.<name>") in r.stderr
