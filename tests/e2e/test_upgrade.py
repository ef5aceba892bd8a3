"""Upgrading a real version 1 site: a database made by the first release's schema
(tests/data/schema-v1.sql) with the real sqlite3 shell, holding what a clinic's site
holds after a while (published, draft and scheduled articles, settings, contacts, counts
with imported, total and folded, per-day history) and rows the version 2 rules now refuse.
articled upgrades it on start, behind nginx, with a copy first; nothing is lost."""

import os
import re
import pwd
import re
import subprocess

import pytest

from site_harness import ROOT, Site, default_binary
from wait import wait_until

V1 = os.path.join(ROOT, "tests", "data", "schema-v1.sql")
with open(os.path.join(ROOT, "cgi", "lib", "schema.h")) as _h:
    CURRENT = int(re.search(r"#define SCHEMA_VERSION\s+(\d+)", _h.read()).group(1))
NEWER = CURRENT + 1
STEPS = len([f for f in os.listdir(os.path.join(ROOT, "db", "migrations"))
             if f.endswith(".sql")])     # migrations from version 1 to CURRENT
with open(os.path.join(ROOT, "cgi", "lib", "schema.h")) as _f:
    CURRENT = int(re.search(r"#define SCHEMA_VERSION\s+(\d+)", _f.read()).group(1))
MIGRATIONS = sorted(f[:-4] for f in os.listdir(os.path.join(ROOT, "db", "migrations"))
                    if f.endswith(".sql"))

# What a version 1 site may hold, typed as its owner would have (version 1 accepted it).
V1_CONTENT = """
INSERT INTO settings(key, value) VALUES
  ('site_name', 'Riverside Clinic'), ('tagline', 'Care close to home'),
  ('base_url', 'http://127.0.0.1:8080'), ('description', 'Articles on back pain'),
  ('lang', 'en-GB'), ('contact:Reception', '01234 567890'), ('contact:Out of hours', '+44 7700 900123');
INSERT INTO articles(title, body, published_at, updated_at) VALUES
  ('Back pain basics', 'Rest **a little**, then move.', '2024-01-10T09:00:00Z', '2024-01-11T10:00:00Z'),
  ('Sciatica FAQ', 'What is it? Nerve pain.', '2024-02-01T08:30:00Z', '2024-02-01T08:30:00Z'),
  ('Winter opening hours', 'We open at 9.', '2024-03-05T12:00:00Z', '2024-03-05T12:00:00Z');
INSERT INTO articles(title, body, draft) VALUES ('Unfinished draft', 'Not yet.', 1);
INSERT INTO articles(title, body, published_at) VALUES ('Next year', 'Coming soon.', '2099-01-01T09:00:00Z');
-- counts: imported from the old site, then folds moving total and folded together
UPDATE views SET imported = 120 WHERE article_id = 1;
UPDATE views SET imported = 7 WHERE article_id = 2;
UPDATE views SET total = total + 15, folded = folded + 15 WHERE article_id = 1;
UPDATE views SET total = total + 4, folded = folded + 4 WHERE article_id = 2;
INSERT INTO view_days VALUES (1, '2024-05-01', 10), (1, '2024-05-02', 5), (2, '2024-05-02', 4);
UPDATE counter_state SET generation = 4242;
-- rows version 2 refuses, which must survive the upgrade as they are
INSERT INTO articles(title, body) VALUES ('Old Latin-1 page', CAST(x'436166e920616e64206d6f7265' AS TEXT));
INSERT INTO articles(title, body, published_at) VALUES ('Year zero', 'Odd date.', '0000-06-01T10:00:00Z');
UPDATE settings SET value = 'English' WHERE key = 'lang';
INSERT INTO settings VALUES ('contact:   ', '01234 000000');
INSERT INTO views(article_id, key) VALUES (999, 123456789);
"""

TABLES = {
    # version 1's columns: later versions add columns (NULL in old rows, checked apart)
    "articles": "SELECT id, slug, title, body, published_at, updated_at, draft, rev "
                "FROM articles ORDER BY id",
    "settings": "SELECT rowid, key, value FROM settings ORDER BY rowid",
    "views": "SELECT * FROM views ORDER BY article_id",
    "view_days": "SELECT * FROM view_days ORDER BY article_id, day",
    "counter_state": "SELECT * FROM counter_state",
    "sqlite_sequence": "SELECT * FROM sqlite_sequence",
}


def shell(db, sql, check=True):
    r = subprocess.run(["sqlite3", "-bail", db], input=sql, capture_output=True, text=True,
                       encoding="utf-8", errors="surrogateescape", timeout=60)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def make_v1(path):
    with open(V1, encoding="utf-8") as f:
        shell(path, f.read())
    shell(path, V1_CONTENT)
    shell(path, "PRAGMA wal_checkpoint(TRUNCATE);")
    assert shell(path, "PRAGMA user_version;").stdout == "1\n"
    return path


def snapshot(db):
    """Every row that matters, as the sqlite3 shell prints it (.mode quote: exact)."""
    return {t: shell(db, ".mode quote\n" + q + ";").stdout for t, q in TABLES.items()}


def dump(db):
    return shell(db, ".dump").stdout


def version(db):
    return int(shell(db, "PRAGMA user_version;").stdout)


def run_articled(*args, **kw):
    return subprocess.run([default_binary(), *args], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"), **kw)


def test_a_v1_site_is_upgraded_on_start_behind_nginx_and_loses_nothing(tmp_path):
    db = make_v1(str(tmp_path / "site.db"))
    before, before_dump = snapshot(db), dump(db)
    site = Site(tmp_path, db=db)
    site.start()
    try:
        assert version(db) == CURRENT
        log = site.log()
        assert "copied %s (schema version 1) to %s.v1-backup before upgrading it" % (db, db) in log
        for m in MIGRATIONS:
            assert "upgraded %s to schema version %d (%s)" % (db, int(m[:4]), m) in log
        # the copy is the version 1 database exactly as it was
        backup = db + ".v1-backup"
        assert version(backup) == 1
        assert dump(backup) == before_dump
        assert os.stat(backup).st_uid == os.stat(db).st_uid
        # every article, setting, count and day, unchanged
        assert snapshot(db) == before
        # patients see the site as before: published articles with their counts
        page = site.get("/post/back-pain-basics")
        assert page.status == 200 and "Back pain basics" in page.text
        assert site.get("/post/sciatica-faq").status == 200
        # article_renders (migration 0005) starts empty and fills lazily: a view
        # renders and stores its article, the upgrade rendered nothing.  A view
        # stores in one try (the fold or the picture maker may hold the write
        # lock just then): until both are stored, move the site's revision (so
        # every worker renders again) and ask again with HEAD, which counts nothing.
        def stored():
            if shell(db, "SELECT count(*) FROM article_renders WHERE article_id IN "
                     "(SELECT id FROM articles WHERE slug IN ('back-pain-basics', "
                     "'sciatica-faq'));").stdout.strip() == "2":
                return True
            shell(db, "UPDATE settings SET value = value WHERE key = 'site_name';")
            for slug in ("back-pain-basics", "sciatica-faq"):
                assert site.request("/post/" + slug, method="HEAD").status == 200
            return False
        wait_until(stored, "views to store both articles' renders", 20)
        assert site.get("/post/unfinished-draft").status == 404
        assert site.get("/post/next-year").status == 404
        assert "Riverside Clinic" in site.get("/").text
        # the new rules hold from now on, the old odd rows stay
        r = shell(db, "UPDATE settings SET value = 'French' WHERE key = 'lang';", check=False)
        assert "lang must be a language tag like en or en-GB" in r.stderr
        assert shell(db, "SELECT value FROM settings WHERE key = 'lang';").stdout == "English\n"
        # the search index holds every article, and search answers from it
        assert shell(db, "SELECT count(*) FROM articles_fts_docsize;").stdout == \
            shell(db, "SELECT count(*) FROM articles;").stdout
        assert shell(db, "INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check');"
                         "SELECT 'ok';").stdout == "ok\n"
        found = site.get("/search?q=nerve")
        assert found.status == 200 and "/post/sciatica-faq" in found.text
        assert "<mark>Nerve</mark> pain" in found.text
        assert "/post/winter-opening-hours" in site.get("/search?q=opening").text
        assert "No article matches" in site.get("/search?q=unfinished").text
        assert "No article matches" in site.get("/search?q=coming").text
        # and the owner can tag from now on
        shell(db, "INSERT INTO tags(article_id, tag) VALUES (2, 'sciatica');")
        assert "/post/sciatica-faq" in site.get("/blog/tag/sciatica").text
        shell(db, "DELETE FROM tags;")
        # counting goes on: the fold writes articled's own tables through their guards
        assert site.get("/post/back-pain-basics").status == 200
        assert site.wait_folded("back-pain-basics", 135 + 2) == 135 + 2   # 120 imported + 15
        check_version_4_on_an_upgraded_site(site, db, tmp_path)
        check_version_6_on_an_upgraded_site(site, db, tmp_path)
        check_readers_on_an_upgraded_site(site, db)
        check_comments_on_an_upgraded_site(site, db, "back-pain-basics")
        check_clinic_on_an_upgraded_site(site, db)
    finally:
        site.stop()
    assert site.log().count("upgraded ") == STEPS


def check_version_6_on_an_upgraded_site(site, db, tmp_path):
    """Migration 6 on a version 1 site: no picture and no cover yet; the owner adds a
    picture with readfile() and makes it a cover, and the rules hold."""
    assert shell(db, "SELECT count(*) FROM media;").stdout == "0\n"
    assert shell(db, "SELECT count(*) FROM articles WHERE cover IS NOT NULL;").stdout == "0\n"
    (tmp_path / "room.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    (tmp_path / "page.png").write_bytes(b"<html><script>alert(1)</script></html>")
    r = shell(db, "INSERT INTO media(name, alt, data) VALUES ('room.png', 'The room', "
                  "readfile('%s'));" % (tmp_path / "page.png"), check=False)
    assert "data must be a JPEG, PNG, WebP or GIF picture" in r.stderr
    shell(db, "INSERT INTO media(name, alt, data) VALUES ('room.png', 'The room', readfile('%s'));"
              "UPDATE articles SET cover = 'room.png' WHERE id = 2;" % (tmp_path / "room.png"))
    assert shell(db, "SELECT type FROM media;").stdout == "png\n"
    assert shell(db, "SELECT cover FROM articles WHERE id = 2;").stdout == "room.png\n"
    r = shell(db, "UPDATE articles SET cover = 'nope.png' WHERE id = 2;", check=False)
    assert "cover names no picture" in r.stderr


def check_readers_on_an_upgraded_site(site, db):
    """Migration 10 (readers): the old counts intact, readers and sources counted from
    the upgrade on, the /privacy page's setting known."""
    assert site.get("/post/sciatica", headers={"Referer": "https://www.google.com/"}).status == 200
    # (the views before this one, since the upgrade, were counted too: direct)
    def folded():
        return shell(db, "SELECT (SELECT readers FROM reader_days WHERE article_id = 2) || ' ' || "
                         "(SELECT views FROM source_days WHERE article_id = 2 AND source = 'Google');"
                     ).stdout == "1 1\n"
    wait_until(folded, "the reader and the source of the first view since the upgrade", 10)
    assert shell(db, "SELECT key FROM setting_keys WHERE key GLOB 'readers.*';").stdout == \
        "readers.privacy_note\n"
    assert site.get("/privacy").status == 200


def check_comments_on_an_upgraded_site(site, db, slug):
    """Migration 8 on an older site: every article open to questions, none yet; a
    patient's question is taken through nginx, and the owner publishes it."""
    from comment_form import post, token
    assert shell(db, "SELECT count(*) FROM comments;").stdout == "0\n"
    assert shell(db, "SELECT DISTINCT comments FROM articles;").stdout == "open\n"
    page = site.get("/post/" + slug).text         # makes today's key
    assert '<form class="comment-form"' in page and ">0 comments</a>" in page
    r = post(site, slug, {"token": token(site, slug), "name": "Ann",
                          "question": "Is it safe in pregnancy?"})
    assert r.status == 303, r.text
    assert shell(db, ".mode list\nSELECT slug, name, body FROM comments_pending;").stdout == \
        "%s|Ann|Is it safe in pregnancy?\n" % slug
    shell(db, ".timeout 5000\nUPDATE comments SET status = 'published';")
    page = site.get("/post/" + slug).text
    assert "<p>Is it safe in pregnancy?</p>" in page and ">1 comment</a>" in page


def make_v6(path):
    """A version 6 site: version 1 with its content, then migrations 2 to 6 applied
    the way articled applied them."""
    make_v1(path)
    for m in MIGRATIONS:
        n = int(m[:4])
        if n > 6:
            break
        with open(os.path.join(ROOT, "db", "migrations", m + ".sql"), encoding="utf-8") as f:
            shell(path, "BEGIN IMMEDIATE;\n" + f.read() +
                  "\nPRAGMA user_version = %d;\nCOMMIT;\n" % n)
    assert version(path) == 6
    return path


def check_clinic_on_an_upgraded_site(site, db):
    """Migration 9 on a version 1 site: no people, no authors, the clinic's settings listed
    with their defaults; /contact answers, an unknown person is 404."""
    assert shell(db, "SELECT count(*) FROM people;").stdout == "0\n"
    assert shell(db, "SELECT count(*) FROM articles WHERE author IS NOT NULL "
                     "OR reviewer IS NOT NULL;").stdout == "0\n"
    assert shell(db, "SELECT default_value FROM setting_keys "
                     "WHERE key = 'clinic.review_months';").stdout == "12\n"
    assert site.get("/contact").status == 200
    assert site.get("/people/nobody").status == 404


def test_a_v6_site_is_upgraded_and_takes_questions(tmp_path):
    db = make_v6(str(tmp_path / "site.db"))
    site = Site(tmp_path, db=db)
    site.start()
    try:
        assert version(db) == CURRENT
        assert "copied %s (schema version 6) to %s.v6-backup before upgrading it" % (db, db) \
            in site.log()
        check_comments_on_an_upgraded_site(site, db, "sciatica-faq")
    finally:
        site.stop()


def test_free_text_reviewers_keep_working_through_the_upgrade_to_9(tmp_path):
    """A version 7 site whose articles name their reviewer in free text (reviewed_by, as
    before people existed): upgraded on start, the page still says who reviewed it."""
    db = make_v1(str(tmp_path / "site.db"))
    for m in MIGRATIONS:
        if int(m[:4]) > 7:
            break
        with open(os.path.join(ROOT, "db", "migrations", m + ".sql"), encoding="utf-8") as f:
            shell(db, "BEGIN IMMEDIATE;\n" + f.read() +
                  "\nPRAGMA user_version = %d;\nCOMMIT;\n" % int(m[:4]))
    assert version(db) == 7
    shell(db, "UPDATE articles SET reviewed_on = '2025-03-03', reviewed_by = 'Dr Old Name' "
              "WHERE slug = 'sciatica-faq';")
    site = Site(tmp_path, db=db)
    site.start()
    try:
        assert version(db) == CURRENT
        assert shell(db, "SELECT reviewed_by FROM articles WHERE slug = 'sciatica-faq';").stdout \
            == "Dr Old Name\n"
        text = site.get("/post/sciatica-faq").text
        assert ('Reviewed by Dr Old Name on <time datetime="2025-03-03">3 March 2025</time>'
                ' · Next review due <time datetime="2026-03">March 2026</time>') in text
    finally:
        site.stop()


def check_version_4_on_an_upgraded_site(site, db, tmp_path):
    """Migration 4 on a version 1 site: new columns empty, the feed and the sitemap valid
    with the old odd rows (a Latin-1 body, year zero), old slugs redirecting."""
    assert shell(db, "SELECT count(*) FROM articles WHERE reviewed_on IS NOT NULL "
                     "OR reviewed_by IS NOT NULL;").stdout == "0\n"
    assert shell(db, "SELECT count(*) FROM slug_history;").stdout == "0\n"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n",
                        shell(db, "SELECT changed_at FROM site_version;").stdout)
    feed, sitemap = site.get("/feed.xml"), site.get("/sitemap.xml")
    assert feed.status == 200 and sitemap.status == 200
    (tmp_path / "feed.xml").write_bytes(feed.body)
    (tmp_path / "sitemap.xml").write_bytes(sitemap.body)
    r = subprocess.run(["jing", "-c", os.path.join(ROOT, "tests", "data", "atom.rnc"),
                        str(tmp_path / "feed.xml")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run(["xmllint", "--noout", "--schema", os.path.join(ROOT, "tests", "data", "sitemap.xsd"),
                        str(tmp_path / "sitemap.xml")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert b"Old Latin-1 page" in feed.body and b"Year zero" in feed.body
    shell(db, ".timeout 5000\nUPDATE articles SET slug = 'sciatica' WHERE slug = 'sciatica-faq';")
    r = site.get("/post/sciatica-faq")
    assert r.status == 301 and r.header("Location") == "/post/sciatica"
    # contacts kept their order through the settings table's rebuild
    assert shell(db, "SELECT group_concat(key, '|') FROM (SELECT key FROM settings "
                     "WHERE key GLOB 'contact:*' ORDER BY rowid);").stdout == \
        "contact:Reception|contact:Out of hours|contact:   \n"


def test_a_second_start_does_nothing(tmp_path):
    db = make_v1(str(tmp_path / "site.db"))
    site = Site(tmp_path, db=db)
    site.start()
    site.stop()
    upgraded = dump(db)
    site.start()
    try:
        assert site.get("/post/sciatica-faq").status == 200
    finally:
        site.stop()
    assert site.log().count("upgraded ") == len(MIGRATIONS)
    assert site.log().count("copied ") == 1
    assert sorted(f for f in os.listdir(tmp_path) if "backup" in f) == ["site.db.v1-backup"]
    after = dump(db)
    # only the fold's counts, the view's stored render and related links and
    # the day's key of the question form (made by the first post page drawn)
    # may have moved
    strip = lambda d: [l for l in d.splitlines() if not l.startswith((
        "INSERT INTO views", "INSERT INTO view_days", "INSERT INTO article_renders",
        "INSERT INTO reader_days", "INSERT INTO site_reader_days", "INSERT INTO source_days",
        "INSERT INTO article_related", "INSERT INTO comment_keys"))]
    assert strip(after) == strip(upgraded)


def test_upgrade_command_upgrades_by_hand_and_says_when_there_is_nothing_to_do(tmp_path):
    db = make_v1(str(tmp_path / "site.db"))
    before = snapshot(db)
    first = run_articled("--upgrade", "--db", db)
    assert first.returncode == 0, first.stderr
    for m in MIGRATIONS:
        assert "upgraded %s to schema version %d (%s)" % (db, int(m[:4]), m) in first.stderr
    assert version(db) == CURRENT and snapshot(db) == before
    second = run_articled("--upgrade", "--db", db)
    assert second.returncode == 0
    assert second.stdout == "%s is at schema version %d: nothing to do\n" % (db, CURRENT)
    assert not os.path.exists(db + ".v1-backup-2")


def test_an_existing_backup_is_never_overwritten(tmp_path):
    db = make_v1(str(tmp_path / "site.db"))
    with open(db + ".v1-backup", "w") as f:
        f.write("an older copy the owner keeps\n")
    assert run_articled("--upgrade", "--db", db).returncode == 0
    with open(db + ".v1-backup") as f:
        assert f.read() == "an older copy the owner keeps\n"
    assert version(db + ".v1-backup-2") == 1


def test_backup_belongs_to_the_service_user(tmp_path):
    user = pwd.getpwnam("nobody")
    db = make_v1(str(tmp_path / "site.db"))
    r = run_articled("--upgrade", "--db", db, "--user", "nobody")
    assert r.returncode == 0, r.stderr
    st = os.stat(db + ".v1-backup")
    assert (st.st_uid, st.st_gid) == (user.pw_uid, user.pw_gid)


def test_a_newer_database_is_refused_with_the_versions_this_build_knows(tmp_path):
    site = Site(tmp_path)
    shell(site.db, "PRAGMA user_version = %d;" % NEWER)
    before = dump(site.db)
    site.start_articled(wait=False)
    assert site.articled.wait(30) == 1
    assert ("%s has schema version %d, made by a newer articled; this articled knows versions "
            "1 to %d: install the newer articled again" % (site.db, NEWER, CURRENT)) in site.log()
    assert not os.path.exists(site.sock)
    assert dump(site.db) == before
    assert not [f for f in os.listdir(tmp_path) if "backup" in f]


def test_a_failed_migration_leaves_the_file_untouched_and_says_why(tmp_path):
    db = make_v1(str(tmp_path / "site.db"))
    # The owner once made a table whose name version 2 needs.
    shell(db, "CREATE TABLE articled_writing(note TEXT); PRAGMA wal_checkpoint(TRUNCATE);")
    with open(db, "rb") as f:
        raw = f.read()
    before = dump(db)
    site = Site(tmp_path, db=db)
    site.start_articled(wait=False)
    assert site.articled.wait(30) == 1
    assert ("upgrading %s from schema version 1 to 2 (0002-owner-guards) failed: table "
            "articled_writing already exists; nothing of that step was changed, the database "
            "is still at version 1 (a copy is at %s.v1-backup)" % (db, db)) in site.log()
    with open(db, "rb") as f:
        assert f.read() == raw
    assert dump(db) == before and version(db) == 1
    assert not os.path.exists(site.sock)


def cgi_run(db, uri):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARTICLED_")}
    env.update(ARTICLED_DB=db, ARTICLED_TEMPLATES=os.path.join(ROOT, "templates"),
               REQUEST_METHOD="GET", REQUEST_URI=uri, SCRIPT_NAME="",
               GATEWAY_INTERFACE="CGI/1.1", SERVER_PROTOCOL="HTTP/1.1",
               ASAN_OPTIONS="detect_leaks=0:abort_on_error=1")
    with open(os.devnull, "rb") as devnull:
        return subprocess.run([default_binary()], env=env, stdin=devnull,
                              capture_output=True, timeout=60)


def test_a_plain_cgi_run_upgrades_a_v1_site_then_answers(tmp_path):
    db = make_v1(str(tmp_path / "site.db"))
    before = snapshot(db)
    r = cgi_run(db, "/post/back-pain-basics")
    assert r.stdout.startswith(b"Status: 200 OK\r\n"), (r.stdout[:200], r.stderr)
    assert b"Back pain basics" in r.stdout
    assert b"upgraded %s to schema version 2" % db.encode() in r.stderr
    assert version(db) == CURRENT and version(db + ".v1-backup") == 1
    after = snapshot(db)
    # the run counted its own view (in a new counter file): only the counts moved
    counts = ("views", "view_days", "counter_state")
    assert {k: v for k, v in after.items() if k not in counts} == \
        {k: v for k, v in before.items() if k not in counts}
    assert after["view_days"].count("\n") == before["view_days"].count("\n") + 1
    second = cgi_run(db, "/post/back-pain-basics")
    assert second.stdout.startswith(b"Status: 200 OK\r\n")
    assert b"upgraded" not in second.stderr and b"copied" not in second.stderr


def test_a_cgi_run_on_a_database_from_a_newer_articled_answers_503_and_says_why(tmp_path):
    db = make_v1(str(tmp_path / "site.db"))
    shell(db, "PRAGMA user_version = %d;" % NEWER)
    r = cgi_run(db, "/")
    assert r.stdout.startswith(b"Status: 503 Service Unavailable\r\n"), r.stdout[:200]
    assert (b"has schema version %d, made by a newer articled; this articled knows versions "
            b"1 to %d" % (NEWER, CURRENT)) in r.stderr
