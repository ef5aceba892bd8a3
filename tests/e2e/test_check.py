"""articled check (issue 21): the owner's site check, run as the owner runs it on a
database set up with the real sqlite3 shell (served by articled behind nginx first, so the
stored renders it reads are real).  It lists, per article, what needs attention, exits 1
when anything does and 0 when nothing does, prints JSON with --json, never writes, checks
questions waiting only when a comments table exists, and reads 10,000 articles quickly.
Run: /usr/bin/python3 -m pytest -q tests/e2e/test_check.py
"""
import hashlib
import json
import os
import subprocess
import time

import pytest

from site_harness import ROOT, SEED_SLUG, Site, default_binary, make_db


def q(s):
    return "'" + s.replace("'", "''") + "'"


def check(db, *args):
    r = subprocess.run([default_binary(), "check", "--db", db, *args], capture_output=True,
                       text=True, timeout=120, env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
    return r


def sql(db, script):
    r = subprocess.run(["sqlite3", "-bail", "-cmd", ".timeout 5000", db], input=script,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


LONG_TITLE = "A title that is far too long for a search result to show in full"
BAD = """# Top

### Skipped a level

#

Acupuncture cures sciatica. Results are guaranteed. It heals backs.

> [!998]
> not a box

> [!999] call now

See [gone](/post/no-such-article), [moved](/post/old-name) and ![x](/media/none.png).
"""


@pytest.fixture
def cdb(tmp_path):
    db = str(tmp_path / "site.db")
    make_db(db)
    sql(db, "INSERT INTO people(slug, name) VALUES ('pat', 'Pat');"
            "INSERT INTO articles(title, slug, body) VALUES ('Target', 'old-name', 'Text.');"
            "UPDATE articles SET slug = 'new-name' WHERE slug = 'old-name';"
            "INSERT INTO articles(title, slug, body, author, reviewed_on) VALUES "
            "(%s, 'claims', %s, 'pat', '2020-01-15');"
            "INSERT INTO settings(key, value) VALUES ('clinic.claim_words', 'heals, miracle');"
            % (q(LONG_TITLE), q(BAD)))
    return db


def problems(report, slug):
    (art,) = [a for a in report["articles"] if a["slug"] == slug]
    return [(p["kind"], p["detail"]) for p in art["problems"]]


def test_check_lists_each_problem_with_its_words_and_exits_1(cdb, tmp_path):
    site = Site(tmp_path, db=cdb)
    site.start()
    try:   # the pages store their renders, which the check reads
        for slug in ("claims", SEED_SLUG, "new-name"):
            assert site.get("/post/" + slug).status == 200
    finally:
        site.stop()
    r = check(cdb, "--json")
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    assert report["checked"] == 3 and report["comments_checked"] is True
    got = problems(report, "claims")
    kinds = [k for k, _ in got]
    assert "review-overdue" in kinds and "no-author" not in kinds
    assert ("title-long", "the title has %d characters; search results show about 60"
            % len(LONG_TITLE)) in got
    assert ("link-broken", "a link to /post/no-such-article, which no published article has") in got
    assert ("link-redirects", "a link to /post/old-name only redirects: link to the article's "
            "address now") in got
    assert ("picture-missing", "a picture /media/none.png that media does not hold") in got
    assert ("heading-skips", 'line 3: the heading "Skipped a level" skips from level 1 to 3') in got
    assert ("empty-heading", "line 5: a heading with no words") in got
    assert ("health-claim", '"cures" in: Acupuncture cures sciatica.') in got
    assert ("health-claim", '"guaranteed" in: Results are guaranteed.') in got
    assert ("health-claim", '"heals" in: It heals backs.') in got
    markers = [d for k, d in got if k == "urgent-marker"]
    assert len(markers) == 2 and markers[0].startswith('line 9: "[!998]" is no urgent-care box')
    seed = [k for k, _ in problems(report, SEED_SLUG)]
    assert seed == ["never-reviewed", "no-author", "title-long", "description-long"]
    text = check(cdb)
    assert text.returncode == 1
    assert text.stdout.startswith("articled check: 3 of 3 articles need attention")
    assert '  "cures" in: Acupuncture cures sciatica.\n' in text.stdout


def test_a_clean_site_exits_0_and_nothing_is_written(tmp_path):
    db = str(tmp_path / "site.db")
    make_db(db, seed=False)
    sql(db, "INSERT INTO people(slug, name) VALUES ('pat', 'Pat');"
            "INSERT INTO articles(title, slug, body, author, reviewed_on) VALUES "
            "('Short title', 'ok', '## One\n\nPlain words.\n\n> [!999]\n> - numbness\n', 'pat', "
            "date('now'));")
    before = hashlib.sha256(open(db, "rb").read()).hexdigest()
    r = check(db)
    assert (r.returncode, r.stdout) == (0, "articled check: 0 of 1 articles need attention\n"), \
        r.stderr
    assert hashlib.sha256(open(db, "rb").read()).hexdigest() == before
    assert sql(db, "SELECT count(*) FROM article_renders;") == "0\n"


def test_questions_waiting_more_than_3_days_are_listed(cdb):
    """Two questions sent through the form (articled's marker row, as the form's INSERT
    has it), one 4 days ago and one yesterday: only the older one needs attention."""
    sql(cdb, "BEGIN; INSERT INTO articled_writing(who) VALUES ('comments');"
             "INSERT INTO comments(article_id, name, body, created_at) SELECT id, 'Ann', 'Old?', "
             "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-4 days') FROM articles WHERE slug = 'new-name';"
             "INSERT INTO comments(article_id, name, body, created_at) SELECT id, 'Bob', 'New?', "
             "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 days') FROM articles WHERE slug = 'claims';"
             "DELETE FROM articled_writing; COMMIT;")
    report = json.loads(check(cdb, "--json").stdout)
    assert report["comments_checked"] is True
    assert ("questions-waiting", "1 question(s) waiting for moderation for more than 3 days") \
        in problems(report, "new-name")
    assert "questions-waiting" not in [k for k, _ in problems(report, "claims")]


def test_bad_use_says_how(tmp_path):
    r = check(str(tmp_path / "none.db"))
    assert r.returncode == 2 and r.stderr.startswith("articled check: ")
    r = subprocess.run([default_binary(), "check", "--nonsense"], capture_output=True, text=True)
    assert r.returncode == 2 and "usage: articled check [--db PATH] [--json]" in r.stderr


def test_ten_thousand_articles_in_under_a_second(tmp_path):
    db = str(tmp_path / "site.db")
    make_db(db, seed=False)
    body = ("## Part\n\nSome words about backs, " * 40) + "\n\nSee [x](/post/a-1).\n"
    sql(db, "INSERT INTO people(slug, name) VALUES ('pat', 'Pat');"
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) "
            "INSERT INTO articles(title, slug, body, author, reviewed_on) "
            "SELECT 'Article ' || i, 'a-' || i, %s, 'pat', date('now') FROM n;" % q(body))
    # The renders stored as articled stores them: serve every article once.
    site = Site(tmp_path, db=db)
    site.start()
    try:
        for i in range(1, 10001):
            site.request("/post/a-%d" % i, method="HEAD")
    finally:
        site.stop()
    stored = int(sql(db, "SELECT count(*) FROM article_renders;"))
    binary = os.path.join(ROOT, "bin", "articled")    # the build the owner runs, not ASan's
    start = time.monotonic()
    r = subprocess.run([binary, "check", "--db", db, "--json"], capture_output=True, text=True,
                       timeout=60)
    took = time.monotonic() - start
    assert r.returncode == 0, r.stdout[:2000]
    assert json.loads(r.stdout)["checked"] == 10000
    print("articled check: 10,000 articles (%d stored renders) in %.3f s" % (stored, took))
    assert took < 1.0
