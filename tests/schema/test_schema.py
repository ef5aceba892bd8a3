"""The schema's rules, as the owner meets them: through the real sqlite3 shell.

Every test builds a new database from schema.sql and db/seed.sql, runs SQL with
`sqlite3 -bail DB` (SQL on stdin, like the owner's session) and checks the exit status,
the exact message sqlite3 prints, and the rows left behind.
"""

import json
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schema.sql"
SEED = ROOT / "db" / "seed.sql"
SEED_MD = ROOT / "db" / "seed" / "sciatica-and-back-pain.md"

SEED_TITLE = "Sciatica and back pain. What's the difference, and can acupuncture help?"
SEED_SLUG = "sciatica-and-back-pain-what-s-the-difference-and-can-acupuncture-help"

BAD_SLUG = "CHECK constraint failed: slug must be lower-case letters, digits and single hyphens (a-z, 0-9, -)"
LONG_SLUG = "CHECK constraint failed: slug must be at most 80 characters"
SLUG_TAKEN = "slug is already used by another article: choose another slug"
NO_SLUG = ("title gives no slug: set slug explicitly, e.g. INSERT INTO articles(title, slug, body) "
           "VALUES ('日本語', 'nihongo', readfile('post.md'))")
EMPTY_TITLE = "CHECK constraint failed: title must not be empty"
NO_BODY = ("body is empty: did readfile() find the file? "
           "(the path is relative to where sqlite3 was started)")
BLANK_BODY = "CHECK constraint failed: body must not be empty or only white space"
BAD_PUBLISHED = "CHECK constraint failed: published_at must be a real date like 2024-05-01T09:00:00Z"
BAD_UPDATED = "CHECK constraint failed: updated_at must be a real date like 2024-05-01T09:00:00Z"
BAD_DRAFT = "CHECK constraint failed: draft must be 0 (shown) or 1 (hidden)"
BAD_COUNT = "CHECK constraint failed: view counts must be whole numbers, 0 or more"
BAD_DAY = "CHECK constraint failed: view_days.day must be a real date like 2024-05-01"
TOTAL_KEPT = "views.total is kept by articled: change views.imported instead"
KEY_FIXED = "views.key names the article's live counter: it cannot be changed"
VIEWS_KEPT = "views rows go with their article: delete the article, or change views.imported"
REV_KEPT = "articles.rev is kept by the triggers: leave it out of the UPDATE"
ID_FIXED = "articles.id cannot be changed: the article's views are kept under it"
NO_REPLACE = ("an article with this id exists: change it with UPDATE articles SET ... WHERE id = ..., "
              "not INSERT OR REPLACE")
UNKNOWN_KEY = ("CHECK constraint failed: unknown settings key: use site_name, tagline, base_url, "
               "description, lang, image, contact:<Name>, or a key that SELECT key, about FROM setting_keys lists")
BAD_BASE_URL = ("CHECK constraint failed: base_url must be like https://example.org: "
                "http:// or https://, no trailing slash, no spaces")
BAD_PHONE = ("CHECK constraint failed: a contact must be a phone number: "
             "digits, spaces, + - ( ) . and at least 3 digits, and an extension as "
             "ext 12, x12 or #12")
EMPTY_SITE_NAME = "CHECK constraint failed: site_name must not be empty"
BAD_LANG = "CHECK constraint failed: lang must be a language tag like en-GB"

OWN_FOLDED = ("views.folded is articled's own (how much of the live counter is stored): "
              "change views.imported instead")
NO_ARTICLE = ("views rows are made by articled with each article: "
              "there is no article with this article_id")
OWN_COUNTER = ("counter_state is articled's own table (how far its live counters are folded): "
               "leave it alone; to change a count, change views.imported")
SV_ONE = "site_version has exactly one row, kept by articled's triggers: leave it alone"

ZULU = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


# --- driving the shell -------------------------------------------------------------------

def shell(db, script, *options):
    """Run `sqlite3 -bail [options] DB` with SQL on stdin, from the database's folder."""
    return subprocess.run(["sqlite3", "-bail", *options, str(db)], input=script,
                          capture_output=True, text=True, encoding="utf-8",
                          cwd=pathlib.Path(db).parent, timeout=60)


def run_ok(db, script):
    res = shell(db, script)
    assert (res.returncode, res.stderr) == (0, ""), res.stderr
    return res.stdout


def refused(db, script, message):
    """The script stops with exactly `message`, as sqlite3 prints it."""
    res = shell(db, script)
    assert res.returncode == 1
    assert re.fullmatch(r"(Runtime|Parse) error near line \d+: (.*) \(19\)\n", res.stderr), res.stderr
    assert re.fullmatch(r"(Runtime|Parse) error near line \d+: " + re.escape(message) + r" \(19\)\n",
                        res.stderr), res.stderr


def rows(db, select):
    out = run_ok(db, ".mode json\n" + select + ";\n")
    return json.loads(out) if out.strip() else []


def value(db, select):
    (row,) = rows(db, select)
    (val,) = row.values()
    return val


def sq(text):
    """An SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def add(db, title, body="Body text.", **columns):
    """INSERT one article; returns its id."""
    cols = ["title", "body", *columns]
    vals = [sq(title), sq(body), *(sq(v) if isinstance(v, str) else str(v) for v in columns.values())]
    run_ok(db, f"INSERT INTO articles({', '.join(cols)}) VALUES ({', '.join(vals)});")
    return value(db, "SELECT max(id) FROM articles")


def slug_of(db, article_id):
    return value(db, f"SELECT slug FROM articles WHERE id = {article_id}")


def as_fold(sql):
    """SQL run the way articled's fold runs it: with its marker row in articled_writing,
    inside one transaction (the tables articled owns refuse writes without it)."""
    return ("BEGIN; INSERT INTO articled_writing(who) VALUES ('fold');" + sql +
            "DELETE FROM articled_writing; COMMIT;")


def site_rev(db):
    return value(db, "SELECT rev FROM site_version")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "site.db"
    for script in (SCHEMA, SEED):
        res = shell(path, script.read_text(encoding="utf-8"))
        assert (res.returncode, res.stderr) == (0, ""), res.stderr
    return path


@pytest.fixture
def seed_id(db):
    return value(db, f"SELECT id FROM articles WHERE slug = {sq(SEED_SLUG)}")


# --- applying the schema -----------------------------------------------------------------

def test_schema_then_seed_apply_to_a_new_database_with_exit_status_0(tmp_path):
    path = tmp_path / "new.db"
    first = shell(path, SCHEMA.read_text(encoding="utf-8"))
    second = shell(path, SEED.read_text(encoding="utf-8"))
    assert (first.returncode, first.stderr, first.stdout) == (0, "", "wal\n")
    assert (second.returncode, second.stderr, second.stdout) == (0, "", "")


def test_user_version_is_the_build_version(db):
    import re
    header = (SCHEMA.parent / "cgi" / "lib" / "schema.h").read_text()
    version = re.search(r"#define SCHEMA_VERSION\s+(\d+)", header).group(1)
    assert run_ok(db, "PRAGMA user_version;") == version + "\n"


def test_journal_mode_is_wal_for_every_later_connection(db):
    assert run_ok(db, "PRAGMA journal_mode;") == "wal\n"


def test_schema_sql_starts_with_the_wal_pragma_outside_the_transaction():
    statements = [line for line in SCHEMA.read_text(encoding="utf-8").splitlines()
                  if line.strip() and not line.startswith("--")]
    assert statements[0].startswith("PRAGMA journal_mode=WAL;")
    assert statements[1] == "BEGIN;"


def test_schema_applied_again_with_bail_stops_at_the_first_error_and_changes_nothing(db):
    before = rows(db, "SELECT type, name, sql FROM sqlite_schema ORDER BY name")
    res = shell(db, SCHEMA.read_text(encoding="utf-8"))
    assert res.returncode == 1
    assert re.match(r"Parse error near line \d+: table articles already exists\n", res.stderr)
    assert rows(db, "SELECT type, name, sql FROM sqlite_schema ORDER BY name") == before
    assert rows(db, "SELECT slug, rev FROM articles") == [{"slug": SEED_SLUG, "rev": 1}]


def test_schema_applied_again_without_bail_is_rolled_back_and_changes_nothing(db):
    before = rows(db, "SELECT type, name, sql FROM sqlite_schema ORDER BY name")
    res = subprocess.run(["sqlite3", str(db)], input=SCHEMA.read_text(encoding="utf-8"),
                         capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert res.returncode == 1
    assert ("schema.sql must be applied to a new, empty database: nothing was changed (19)"
            in res.stderr)
    assert rows(db, "SELECT type, name, sql FROM sqlite_schema ORDER BY name") == before
    assert rows(db, "SELECT id, generation FROM counter_state") == [{"id": 1, "generation": 0}]
    assert rows(db, "SELECT slug, rev FROM articles") == [{"slug": SEED_SLUG, "rev": 1}]


def test_schema_failing_part_way_without_bail_leaves_an_empty_database_at_version_0(tmp_path):
    broken = SCHEMA.read_text(encoding="utf-8").replace(
        "CREATE TRIGGER views_key_fixed BEFORE", "CREATE TRIGGER views_key_fixed BEFOR", 1)
    path = tmp_path / "broken.db"
    res = subprocess.run(["sqlite3", str(path)], input=broken, capture_output=True,
                         text=True, encoding="utf-8", timeout=60)
    assert res.returncode == 1
    assert 'near "BEFOR": syntax error' in res.stderr
    assert ("schema.sql failed part-way (see the first error): nothing was created (19)"
            in res.stderr)
    assert run_ok(path, "SELECT count(*) FROM sqlite_schema; PRAGMA user_version;") == "0\n0\n"


def test_blog_list_query_uses_the_articles_listing_index(db):
    plan = run_ok(db, "EXPLAIN QUERY PLAN SELECT id FROM articles WHERE draft = 0 "
                      "AND published_at <= '2030-01-01T00:00:00Z' "
                      "ORDER BY published_at DESC, id DESC LIMIT 10;")
    assert "USING INDEX articles_listing" in plan
    assert "TEMP B-TREE" not in plan


# --- the seed ------------------------------------------------------------------------------

def test_seed_article_has_the_exact_slug_title_date_and_state(db):
    assert rows(db, "SELECT slug, title, published_at, updated_at, draft, rev FROM articles") == [{
        "slug": SEED_SLUG, "title": SEED_TITLE, "published_at": "2024-03-12T09:00:00Z",
        "updated_at": "2024-03-12T09:00:00Z", "draft": 0, "rev": 1}]


def test_seed_body_is_the_markdown_file_stored_as_text(db):
    assert value(db, "SELECT typeof(body) FROM articles") == "text"
    assert value(db, "SELECT body FROM articles") == SEED_MD.read_text(encoding="utf-8")


def test_seed_body_is_the_page_text_without_phone_lines_or_page_furniture():
    md = SEED_MD.read_text(encoding="utf-8")
    assert "## So, can acupuncture help?\n" in md
    assert md.count("\n- ") == 8
    assert "\n- Promoting regeneration of the sciatic nerve\n" in md
    assert "UK’s" in md and "We're" in md and "We'd" in md
    for furniture in ("Roy:", "Tom:", "07872", "views0 comments", "top of page", "bottom of page",
                      SEED_TITLE, "•"):
        assert furniture not in md


def test_seed_views_start_at_the_66_imported_from_the_old_site(db):
    assert rows(db, "SELECT imported, total, folded FROM views") == [
        {"imported": 66, "total": 66, "folded": 0}]


def test_seed_settings_are_listed_in_insertion_order(db):
    assert rows(db, "SELECT key, value FROM settings ORDER BY rowid") == [
        {"key": "site_name", "value": "Acupuncture Clinic"},
        {"key": "tagline", "value": "Acupuncture for pain relief and well-being"},
        {"key": "base_url", "value": "http://127.0.0.1:8080"},
        {"key": "description", "value": "Acupuncture Clinic: articles on acupuncture for back pain, "
                                        "sciatica and other conditions."},
        {"key": "lang", "value": "en-GB"},
        {"key": "contact:Roy", "value": "07872-645683"},
        {"key": "contact:Tom", "value": "07735-332420"},
    ]


def test_counter_state_and_site_version_have_their_single_rows(db):
    assert rows(db, "SELECT id, generation FROM counter_state") == [{"id": 1, "generation": 0}]
    refused(db, "INSERT INTO counter_state(id) VALUES (2);", OWN_COUNTER)
    refused(db, "INSERT INTO site_version(id, rev) VALUES (2, 1);", SV_ONE)


# --- slugs made from titles -----------------------------------------------------------------

@pytest.mark.parametrize("title, slug", [
    ("Crème brûlée à l'École", "creme-brulee-a-l-ecole"),
    ("Straße, Œuvre & Ærø", "strasse-oeuvre-aero"),
    ("Niño — Über Ça Ölçü", "nino-uber-ca-olcu"),
    ("Café au lait", "cafe-au-lait"),                       # NFD: e + combining acute
    ("  --Hello,   World!!--  ", "hello-world"),
    ("What’s new in 2024?", "what-s-new-in-2024"),
    ("<script>alert(1)</script>", "script-alert-1-script"),
    ("Acupuncture 日本語 tips", "acupuncture-tips"),
])
def test_slug_is_made_from_the_title_when_omitted(db, title, slug):
    assert slug_of(db, add(db, title)) == slug


def test_hostile_title_is_stored_unchanged(db):
    title = "<script>alert('x')</script> & \"quotes\""
    assert value(db, f"SELECT title FROM articles WHERE id = {add(db, title)}") == title


def test_long_title_slug_is_cut_after_the_last_whole_word_within_80(db):
    title = ("The quick brown fox jumps over the lazy dog and then keeps running "
             "through the forest until night falls")
    slug = slug_of(db, add(db, title))
    assert slug == "the-quick-brown-fox-jumps-over-the-lazy-dog-and-then-keeps-running-through-the"
    assert len(slug) == 78


def test_long_single_word_title_slug_is_cut_at_80(db):
    assert slug_of(db, add(db, "x" * 200)) == "x" * 80


def test_duplicate_titles_get_2_then_3(db):
    ids = [add(db, SEED_TITLE) for _ in range(2)]
    assert [slug_of(db, i) for i in ids] == [SEED_SLUG + "-2", SEED_SLUG + "-3"]


def test_duplicate_long_titles_cut_a_whole_word_to_fit_the_number_within_80(db):
    ids = [add(db, "word " * 40) for _ in range(3)]
    slugs = [slug_of(db, i) for i in ids]
    assert slugs == ["word-" * 15 + "word", "word-" * 14 + "word-2", "word-" * 14 + "word-3"]
    assert [len(s) for s in slugs] == [79, 76, 76]


def test_duplicate_long_single_word_titles_are_cut_hard_to_fit_the_number(db):
    ids = [add(db, "x" * 100) for _ in range(2)]
    assert [slug_of(db, i) for i in ids] == ["x" * 80, "x" * 78 + "-2"]


def test_numbered_slug_skips_one_already_taken_explicitly(db):
    add(db, "Other", slug="foo-2")
    first, second = add(db, "Foo"), add(db, "Foo!")
    assert (slug_of(db, first), slug_of(db, second)) == ("foo", "foo-3")


@pytest.mark.parametrize("title", ["???", "日本語", "— … —"])
def test_title_that_gives_no_slug_is_refused_with_a_request_for_one(db, title):
    refused(db, f"INSERT INTO articles(title, body) VALUES ({sq(title)}, 'x');", NO_SLUG)
    assert value(db, "SELECT count(*) FROM articles") == 1


def test_title_that_gives_no_slug_is_accepted_with_an_explicit_slug(db):
    assert slug_of(db, add(db, "日本語", slug="nihongo")) == "nihongo"


def test_editing_the_title_keeps_the_slug(db, seed_id):
    run_ok(db, f"UPDATE articles SET title = 'A completely new title' WHERE id = {seed_id};")
    assert slug_of(db, seed_id) == SEED_SLUG


def test_setting_slug_to_null_makes_it_again_from_the_current_title(db, seed_id):
    run_ok(db, f"UPDATE articles SET title = 'Back pain: a new look', slug = NULL WHERE id = {seed_id};")
    assert slug_of(db, seed_id) == "back-pain-a-new-look"


def test_setting_slug_to_null_on_a_title_without_letters_is_refused(db):
    article = add(db, "日本語", slug="nihongo")
    refused(db, f"UPDATE articles SET slug = NULL WHERE id = {article};", NO_SLUG)
    assert slug_of(db, article) == "nihongo"


# --- explicit slugs ------------------------------------------------------------------------

@pytest.mark.parametrize("slug", ["Sciatica", "back pain", "a--b", "-a", "a-", "café", "a_b", "",
                                  "a/b", "a.b"])
def test_explicit_bad_slug_is_refused(db, slug):
    refused(db, f"INSERT INTO articles(title, slug, body) VALUES ('T', {sq(slug)}, 'x');", BAD_SLUG)
    assert value(db, "SELECT count(*) FROM articles") == 1


def test_explicit_bad_slug_is_refused_on_update(db, seed_id):
    refused(db, f"UPDATE articles SET slug = 'Back-Pain' WHERE id = {seed_id};", BAD_SLUG)
    assert slug_of(db, seed_id) == SEED_SLUG


def test_explicit_slug_over_80_characters_is_refused(db):
    refused(db, f"INSERT INTO articles(title, slug, body) VALUES ('T', '{'a' * 81}', 'x');", LONG_SLUG)


def test_explicit_good_slug_is_kept(db):
    assert slug_of(db, add(db, "Anything at all", slug="back-pain-2024")) == "back-pain-2024"
    assert slug_of(db, add(db, "Eighty", slug="b" * 80)) == "b" * 80


def test_duplicate_explicit_slug_is_refused_on_insert(db):
    refused(db, f"INSERT INTO articles(title, slug, body) VALUES ('T', {sq(SEED_SLUG)}, 'x');",
            SLUG_TAKEN)
    assert value(db, "SELECT count(*) FROM articles") == 1


def test_duplicate_explicit_slug_is_refused_on_update(db):
    article = add(db, "Second")
    refused(db, f"UPDATE articles SET slug = {sq(SEED_SLUG)} WHERE id = {article};", SLUG_TAKEN)
    assert slug_of(db, article) == "second"


def test_setting_an_article_s_slug_to_its_own_slug_is_accepted(db, seed_id):
    run_ok(db, f"UPDATE articles SET slug = {sq(SEED_SLUG)} WHERE id = {seed_id};")
    assert slug_of(db, seed_id) == SEED_SLUG


# --- title and body --------------------------------------------------------------------------

@pytest.mark.parametrize("title", ["", "   ", "\t\n"])
def test_empty_or_white_space_title_is_refused(db, title):
    refused(db, f"INSERT INTO articles(title, body) VALUES ({sq(title)}, 'x');", EMPTY_TITLE)


def test_null_title_is_refused(db):
    refused(db, "INSERT INTO articles(body) VALUES ('x');", "NOT NULL constraint failed: articles.title")


def test_readfile_of_a_missing_file_is_refused_with_the_body_message(db):
    refused(db, "INSERT INTO articles(title, body) VALUES ('T', readfile('no-such-post.md'));", NO_BODY)
    assert value(db, "SELECT count(*) FROM articles") == 1


def test_readfile_of_a_missing_file_is_refused_on_update(db, seed_id):
    refused(db, f"UPDATE articles SET body = readfile('no-such-post.md') WHERE id = {seed_id};", NO_BODY)
    assert value(db, "SELECT body FROM articles") == SEED_MD.read_text(encoding="utf-8")


def test_readfile_of_a_real_file_is_stored_as_text(db, tmp_path):
    (tmp_path / "post.md").write_text("# Not a title\n\nCafé ’quotes’\n", encoding="utf-8")
    run_ok(db, "INSERT INTO articles(title, body) VALUES ('From a file', readfile('post.md'));")
    assert rows(db, "SELECT typeof(body) AS t, body FROM articles WHERE slug = 'from-a-file'") == [
        {"t": "text", "body": "# Not a title\n\nCafé ’quotes’\n"}]


def test_readfile_on_update_is_stored_as_text(db, tmp_path, seed_id):
    (tmp_path / "post.md").write_text("New body\n", encoding="utf-8")
    run_ok(db, f"UPDATE articles SET body = readfile('post.md') WHERE id = {seed_id};")
    assert rows(db, f"SELECT typeof(body) AS t, body, rev FROM articles WHERE id = {seed_id}") == [
        {"t": "text", "body": "New body\n", "rev": 2}]


@pytest.mark.parametrize("body", ["", "  \n\t\n "])
def test_empty_or_white_space_body_is_refused(db, body):
    refused(db, f"INSERT INTO articles(title, body) VALUES ('T', {sq(body)});", BLANK_BODY)


def test_empty_file_body_is_refused(db, tmp_path):
    (tmp_path / "empty.md").write_bytes(b"")
    refused(db, "INSERT INTO articles(title, body) VALUES ('T', readfile('empty.md'));", BLANK_BODY)


# --- dates -------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, stored", [
    ("2024-05-01", "2024-05-01T00:00:00Z"),
    ("2024-05-01 09:00", "2024-05-01T09:00:00Z"),
    ("2024-05-01T09:00:00", "2024-05-01T09:00:00Z"),
    ("2024-05-01T09:00:00Z", "2024-05-01T09:00:00Z"),
    ("2024-05-01T10:00:00+01:00", "2024-05-01T09:00:00Z"),
    ("2024-05-01T09:00:00.750Z", "2024-05-01T09:00:00Z"),
    ("2024-02-29", "2024-02-29T00:00:00Z"),
])
def test_published_at_is_stored_in_utc_z_form(db, typed, stored):
    article = add(db, "Dated", published_at=typed)
    assert value(db, f"SELECT published_at FROM articles WHERE id = {article}") == stored


@pytest.mark.parametrize("typed, stored", [
    ("2024-06-01 12:30", "2024-06-01T12:30:00Z"),
    ("2024-06-01T14:30:00+02:00", "2024-06-01T12:30:00Z"),
])
def test_published_at_update_is_stored_in_utc_z_form(db, seed_id, typed, stored):
    run_ok(db, f"UPDATE articles SET published_at = {sq(typed)} WHERE id = {seed_id};")
    assert value(db, f"SELECT published_at FROM articles WHERE id = {seed_id}") == stored


def test_published_at_defaults_to_now_in_z_form(db):
    article = add(db, "Now")
    stored, now = rows(db, f"SELECT published_at AS p, strftime('%s','now') - strftime('%s', "
                           f"published_at) AS age FROM articles WHERE id = {article}")[0].values()
    assert ZULU.match(stored) and 0 <= now <= 5


@pytest.mark.parametrize("typed", ["'2024-02-30'", "'2023-02-29'", "'2024-13-01'", "'2024-04-31'",
                                   "'yesterday'", "''", "12345", "'2024-05-01T25:00'",
                                   "'2024-05-01 nonsense'", "'01/05/2024'", "NULL"])
def test_published_at_that_is_not_a_real_date_is_refused(db, seed_id, typed):
    message = "NOT NULL constraint failed: articles.published_at" if typed == "NULL" else BAD_PUBLISHED
    refused(db, f"UPDATE articles SET published_at = {typed} WHERE id = {seed_id};", message)
    assert value(db, "SELECT published_at FROM articles") == "2024-03-12T09:00:00Z"


def test_published_at_that_is_not_a_real_date_is_refused_on_insert(db):
    refused(db, "INSERT INTO articles(title, body, published_at) VALUES ('T', 'x', '2024-02-30');",
            BAD_PUBLISHED)


def test_updated_at_is_refreshed_to_now_by_an_edit(db, seed_id):
    run_ok(db, f"UPDATE articles SET title = 'New' WHERE id = {seed_id};")
    (row,) = rows(db, "SELECT updated_at AS u, strftime('%s','now') - strftime('%s', updated_at) "
                      "AS age FROM articles")
    assert ZULU.match(row["u"]) and 0 <= row["age"] <= 5


def test_updated_at_given_in_the_same_edit_is_kept_in_z_form(db, seed_id):
    run_ok(db, f"UPDATE articles SET title = 'New', updated_at = '2024-04-01 08:00' "
               f"WHERE id = {seed_id};")
    assert value(db, "SELECT updated_at FROM articles") == "2024-04-01T08:00:00Z"


def test_updated_at_set_alone_is_stored_in_z_form(db, seed_id):
    run_ok(db, f"UPDATE articles SET updated_at = '2024-04-01T10:00:00+02:00' WHERE id = {seed_id};")
    assert value(db, "SELECT updated_at FROM articles") == "2024-04-01T08:00:00Z"


def test_updated_at_that_is_not_a_real_date_is_refused(db, seed_id):
    refused(db, f"UPDATE articles SET updated_at = '2024-02-30' WHERE id = {seed_id};", BAD_UPDATED)


# --- draft and rev ----------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["2", "-1", "'yes'", "0.5", "'1x'"])
def test_draft_other_than_0_or_1_is_refused(db, seed_id, typed):
    refused(db, f"UPDATE articles SET draft = {typed} WHERE id = {seed_id};", BAD_DRAFT)


def test_draft_1_hides_and_0_shows(db, seed_id):
    run_ok(db, f"UPDATE articles SET draft = 1 WHERE id = {seed_id};")
    assert value(db, "SELECT draft FROM articles") == 1
    run_ok(db, f"UPDATE articles SET draft = '0' WHERE id = {seed_id};")
    assert value(db, "SELECT typeof(draft) || draft FROM articles") == "integer0"


def test_new_article_starts_at_rev_1(db):
    assert value(db, f"SELECT rev FROM articles WHERE id = {add(db, 'Fresh', published_at='2024-05-01')}") == 1


@pytest.mark.parametrize("change", [
    "title = 'Changed'", "body = 'Changed body'", "slug = 'changed'",
    "published_at = '2024-03-13'", "draft = 1", "slug = NULL, title = 'Changed'",
])
def test_every_edit_steps_rev_by_exactly_one(db, seed_id, change):
    run_ok(db, f"UPDATE articles SET {change} WHERE id = {seed_id};")
    assert value(db, "SELECT rev FROM articles") == 2


def test_two_edits_step_rev_twice(db, seed_id):
    run_ok(db, f"UPDATE articles SET title = 'One' WHERE id = {seed_id};"
               f"UPDATE articles SET draft = 1 WHERE id = {seed_id};")
    assert value(db, "SELECT rev FROM articles") == 3


def test_rewriting_the_same_date_in_another_form_does_not_step_rev(db, seed_id):
    run_ok(db, f"UPDATE articles SET published_at = '2024-03-12 09:00' WHERE id = {seed_id};")
    assert rows(db, "SELECT rev, published_at FROM articles") == [
        {"rev": 1, "published_at": "2024-03-12T09:00:00Z"}]


def test_rev_cannot_be_set_back(db, seed_id):
    run_ok(db, f"UPDATE articles SET title = 'One' WHERE id = {seed_id};")
    refused(db, f"UPDATE articles SET rev = 1 WHERE id = {seed_id};", REV_KEPT)
    assert value(db, "SELECT rev FROM articles") == 2


def test_article_id_cannot_be_changed(db, seed_id):
    refused(db, f"UPDATE articles SET id = 99 WHERE id = {seed_id};", ID_FIXED)


def test_insert_or_replace_of_an_existing_article_is_refused(db, seed_id):
    refused(db, f"INSERT OR REPLACE INTO articles(id, title, body) VALUES ({seed_id}, 'New', 'x');",
            NO_REPLACE)
    assert rows(db, "SELECT slug, rev FROM articles") == [{"slug": SEED_SLUG, "rev": 1}]
    assert value(db, "SELECT total FROM views") == 66


# --- views -------------------------------------------------------------------------------------

@pytest.mark.parametrize("column", ["imported", "folded"])
@pytest.mark.parametrize("typed", ["-1", "2.5", "'5x'", "NULL"])
def test_view_count_that_is_not_a_whole_number_0_or_more_is_refused(db, seed_id, column, typed):
    message = f"NOT NULL constraint failed: views.{column}" if typed == "NULL" else BAD_COUNT
    if column == "folded":      # the owner may not write it at all
        message = OWN_FOLDED
    refused(db, f"UPDATE views SET {column} = {typed} WHERE article_id = {seed_id};", message)
    assert rows(db, "SELECT imported, total, folded FROM views") == [
        {"imported": 66, "total": 66, "folded": 0}]


@pytest.mark.parametrize("typed", ["-1", "2.5", "'5x'"])
def test_view_days_count_that_is_not_a_whole_number_0_or_more_is_refused(db, seed_id, typed):
    refused(db, as_fold(f"INSERT INTO view_days VALUES ({seed_id}, '2024-05-01', {typed});"), BAD_COUNT)


@pytest.mark.parametrize("day", ["2024-02-30", "2024-5-1", "2024-05-01T00:00:00Z", "today"])
def test_view_days_day_that_is_not_a_real_date_is_refused(db, seed_id, day):
    refused(db, as_fold(f"INSERT INTO view_days VALUES ({seed_id}, {sq(day)}, 1);"), BAD_DAY)


def test_owner_update_of_views_total_is_refused(db, seed_id):
    refused(db, f"UPDATE views SET total = 1000 WHERE article_id = {seed_id};", TOTAL_KEPT)
    assert value(db, "SELECT total FROM views") == 66


def test_owner_update_of_imported_and_total_together_is_refused(db, seed_id):
    refused(db, f"UPDATE views SET imported = 70, total = 70 WHERE article_id = {seed_id};", TOTAL_KEPT)
    assert rows(db, "SELECT imported, total FROM views") == [{"imported": 66, "total": 66}]


@pytest.mark.parametrize("imported, total", [(100, 107), (0, 7), (66, 73)])
def test_updating_imported_moves_total_by_the_difference(db, seed_id, imported, total):
    run_ok(db, as_fold(f"INSERT INTO view_days VALUES ({seed_id}, '2024-05-01', 7);"
                       f"UPDATE views SET total = total + 7, folded = folded + 7 WHERE article_id = {seed_id};") +
               f"UPDATE views SET imported = {imported} WHERE article_id = {seed_id};")
    assert rows(db, "SELECT imported, total, folded FROM views") == [
        {"imported": imported, "total": total, "folded": 7}]


def test_fold_moving_total_and_folded_together_is_accepted(db, seed_id):
    run_ok(db, as_fold(f"UPDATE views SET total = total + 5, folded = folded + 5 WHERE article_id = {seed_id};"))
    assert rows(db, "SELECT total, folded FROM views") == [{"total": 71, "folded": 5}]


def test_rebase_of_folded_alone_is_accepted(db, seed_id):
    run_ok(db, as_fold(f"UPDATE views SET total = total + 5, folded = folded + 5 WHERE article_id = {seed_id};"
                       f"UPDATE views SET folded = 0 WHERE article_id = {seed_id};"))
    assert rows(db, "SELECT total, folded FROM views") == [{"total": 71, "folded": 0}]


def test_views_key_is_nonzero_unique_and_63_bit(db):
    for n in range(20):
        add(db, f"Article {n}")
    keys = [r["key"] for r in rows(db, "SELECT key FROM views")]
    assert len(keys) == 21 == len(set(keys))
    assert all(0 < k <= 2**63 - 1 for k in keys)
    assert value(db, "SELECT count(*) FROM views WHERE typeof(key) = 'integer'") == 21


def test_views_key_cannot_be_changed(db, seed_id):
    key = value(db, "SELECT key FROM views")
    refused(db, f"UPDATE views SET key = key + 1 WHERE article_id = {seed_id};", KEY_FIXED)
    assert value(db, "SELECT key FROM views") == key


def test_views_key_cannot_be_duplicated(db, seed_id):
    other = add(db, "Other")
    refused(db, f"UPDATE views SET key = (SELECT key FROM views WHERE article_id = {seed_id}) "
                f"WHERE article_id = {other};", KEY_FIXED)
    refused(db, as_fold("INSERT INTO views(article_id, key) SELECT 999, key FROM views LIMIT 1;"),
            NO_ARTICLE)


@pytest.mark.parametrize("key", ["0", "-5", "'abc'", "1.5"])
def test_views_row_for_a_missing_article_is_refused_whatever_its_key(db, key):
    refused(db, f"INSERT INTO views(article_id, key) VALUES (999, {key});", NO_ARTICLE)


def test_views_row_of_an_existing_article_cannot_be_deleted(db, seed_id):
    refused(db, f"DELETE FROM views WHERE article_id = {seed_id};", VIEWS_KEPT)
    assert value(db, "SELECT count(*) FROM views") == 1


def test_each_new_article_gets_one_views_row_at_zero(db):
    article = add(db, "Counted")
    assert rows(db, f"SELECT imported, total, folded FROM views WHERE article_id = {article}") == [
        {"imported": 0, "total": 0, "folded": 0}]


# --- deleting -----------------------------------------------------------------------------------

def test_deleting_an_article_deletes_its_views_and_view_days(db, seed_id):
    other = add(db, "Other")
    run_ok(db, as_fold(f"INSERT INTO view_days VALUES ({seed_id}, '2024-05-01', 3), ({other}, '2024-05-01', 2);") +
               f"DELETE FROM articles WHERE id = {seed_id};")
    assert value(db, f"SELECT count(*) FROM views WHERE article_id = {seed_id}") == 0
    assert value(db, f"SELECT count(*) FROM view_days WHERE article_id = {seed_id}") == 0
    assert value(db, "SELECT count(*) FROM view_days") == 1
    assert value(db, "SELECT count(*) FROM views") == 1


def test_article_added_after_a_delete_gets_a_new_id_and_no_old_views(db, seed_id):
    run_ok(db, as_fold(f"INSERT INTO view_days VALUES ({seed_id}, '2024-05-01', 99);"
                       f"UPDATE views SET total = total + 99, folded = folded + 99 WHERE article_id = {seed_id};") +
               f"DELETE FROM articles WHERE id = {seed_id};")
    article = add(db, "A new article")
    assert article == seed_id + 1
    assert rows(db, f"SELECT imported, total, folded FROM views WHERE article_id = {article}") == [
        {"imported": 0, "total": 0, "folded": 0}]
    assert value(db, "SELECT count(*) FROM view_days") == 0


# --- site_version -------------------------------------------------------------------------------

@pytest.mark.parametrize("change", [
    "INSERT INTO articles(title, body) VALUES ('New', 'x')",
    "UPDATE articles SET title = 'Changed'",
    "UPDATE articles SET draft = 1",
    "DELETE FROM articles",
    "INSERT INTO settings VALUES ('contact:Ann', '01234 567890')",
    "UPDATE settings SET value = 'Another Clinic' WHERE key = 'site_name'",
    "DELETE FROM settings WHERE key = 'tagline'",
    "UPDATE views SET imported = 70",
])
def test_site_version_rev_changes_on_a_change_a_page_shows(db, change):
    before = site_rev(db)
    run_ok(db, change + ";")
    assert site_rev(db) != before


def test_site_version_rev_stays_on_a_fold_of_total_and_folded_together(db, seed_id):
    before = site_rev(db)
    run_ok(db, as_fold(f"INSERT INTO view_days VALUES ({seed_id}, '2024-05-01', 5);"
                       f"UPDATE views SET total = total + 5, folded = folded + 5 WHERE article_id = {seed_id};"))
    assert site_rev(db) == before


def test_site_version_rev_stays_on_a_refused_edit(db, seed_id):
    before = site_rev(db)
    refused(db, f"UPDATE articles SET title = '' WHERE id = {seed_id};", EMPTY_TITLE)
    assert site_rev(db) == before


# --- settings -----------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["colour", "Site_name", "contact:", "contact", "base_url "])
def test_unknown_settings_key_is_refused(db, key):
    refused(db, f"INSERT INTO settings VALUES ({sq(key)}, 'x');", UNKNOWN_KEY)


@pytest.mark.parametrize("url", ["example.org", "ftp://example.org", "https://example.org/",
                                 "http://", "https://exa mple.org", "HTTPS://example.org"])
def test_bad_base_url_is_refused(db, url):
    refused(db, f"UPDATE settings SET value = {sq(url)} WHERE key = 'base_url';", BAD_BASE_URL)
    assert value(db, "SELECT value FROM settings WHERE key = 'base_url'") == "http://127.0.0.1:8080"


@pytest.mark.parametrize("url", ["https://example.org", "http://127.0.0.1:8080", "https://[::1]:8443"])
def test_good_base_url_is_accepted(db, url):
    run_ok(db, f"UPDATE settings SET value = {sq(url)} WHERE key = 'base_url';")
    assert value(db, "SELECT value FROM settings WHERE key = 'base_url'") == url


@pytest.mark.parametrize("phone", ["call me", "12", "", "07872 645683 ext.", "0787264568x",
                                   "07872 645683 ask for Ann", "ext 12", "07872 645683 #"])
def test_contact_that_is_not_a_phone_number_is_refused(db, phone):
    refused(db, f"INSERT INTO settings VALUES ('contact:Ann', {sq(phone)});", BAD_PHONE)


@pytest.mark.parametrize("phone", ["+44 (0)7872 645.683", "999", "07735-332420",
                                   "01234 567890 ext. 12", "01234 567890 Ext 3",
                                   "+44 (0)1234 567890 x7", "01234 567890 extension 45",
                                   "01234 567890 #22", "01234 567890, ext: 9"])
def test_contact_phone_number_is_accepted(db, phone):
    run_ok(db, f"INSERT INTO settings VALUES ('contact:Ann', {sq(phone)});")


@pytest.mark.parametrize("name", ["", "  "])
def test_empty_site_name_is_refused(db, name):
    refused(db, f"UPDATE settings SET value = {sq(name)} WHERE key = 'site_name';", EMPTY_SITE_NAME)


@pytest.mark.parametrize("lang", ["en_GB", "", "en-", "-en", "e n"])
def test_bad_lang_is_refused(db, lang):
    refused(db, f"UPDATE settings SET value = {sq(lang)} WHERE key = 'lang';", BAD_LANG)


def test_contact_edited_with_update_keeps_its_place(db):
    run_ok(db, "UPDATE settings SET value = '01234 567890' WHERE key = 'contact:Roy';"
               "INSERT INTO settings VALUES ('contact:Ann', '999');")
    assert [r["key"] for r in rows(db, "SELECT key FROM settings WHERE key GLOB 'contact:*' "
                                       "ORDER BY rowid")] == ["contact:Roy", "contact:Tom", "contact:Ann"]
