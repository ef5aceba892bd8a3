"""Old addresses, through real nginx and the owner's real sqlite3 shell: a slug the owner
changes answers 301 to the article's address now, for good (slug_history, kept by
triggers); a slug the history holds is refused for another article with a sentence; a
deleted article's addresses answer 410 in the site's layout.
Run: /usr/bin/python3 -m pytest -q tests/e2e/test_slug_history.py
"""
import pytest

from site_harness import SEED_SLUG

REFUSED = "slug was used before and its old address still leads readers (slug_history)"


def owner(site, sql, check=True):
    return site.sql(".timeout 5000\n" + sql, check=check)


def test_a_changed_slug_redirects_for_good_straight_to_the_latest(site):
    owner(site, "UPDATE articles SET slug = 'sciatica' WHERE slug = '%s';" % SEED_SLUG)
    r = site.get("/post/" + SEED_SLUG)
    assert r.status == 301 and r.header("Location") == "/post/sciatica"
    assert site.get("/post/sciatica").status == 200
    owner(site, "UPDATE articles SET slug = 'sciatica-explained' WHERE slug = 'sciatica';")
    for old in (SEED_SLUG, "sciatica"):
        for _ in range(3):           # every worker, every time
            r = site.get("/post/" + old)
            assert r.status == 301 and r.header("Location") == "/post/sciatica-explained", old
    # Upper case still goes to the lower-case old slug, then on.
    assert site.get("/post/SCIATICA").header("Location") == "/post/sciatica"
    # A title change alone records nothing.
    owner(site, "UPDATE articles SET title = 'Sciatica, explained' WHERE slug = 'sciatica-explained';")
    assert site.get("/post/sciatica-explained").status == 200


def test_the_same_article_may_take_an_old_slug_back(site):
    owner(site, "UPDATE articles SET slug = 'sciatica' WHERE slug = '%s';" % SEED_SLUG)
    owner(site, "UPDATE articles SET slug = '%s' WHERE slug = 'sciatica';" % SEED_SLUG)
    assert site.get("/post/" + SEED_SLUG).status == 200
    r = site.get("/post/sciatica")
    assert r.status == 301 and r.header("Location") == "/post/" + SEED_SLUG


def test_a_slug_in_the_history_is_refused_for_another_article(site):
    owner(site, "UPDATE articles SET slug = 'sciatica' WHERE slug = '%s';" % SEED_SLUG)
    r = owner(site, "INSERT INTO articles(title, slug, body) VALUES ('Other', '%s', 'x');" % SEED_SLUG,
              check=False)
    assert r.returncode != 0 and REFUSED in r.stderr, r.stderr
    owner(site, "INSERT INTO articles(title, slug, body) VALUES ('Other', 'other', 'x');")
    r = owner(site, "UPDATE articles SET slug = '%s' WHERE slug = 'other';" % SEED_SLUG, check=False)
    assert r.returncode != 0 and REFUSED in r.stderr, r.stderr
    # A slug made from the title skips the history: the next free one.
    owner(site, "UPDATE articles SET slug = 'knee-pain' WHERE slug = 'other';")
    owner(site, "INSERT INTO articles(title, body) VALUES ('Other', 'y');")
    assert owner(site, "SELECT slug FROM articles WHERE body = 'y';").strip() == "other-2"
    r = site.get("/post/other")
    assert r.status == 301 and r.header("Location") == "/post/knee-pain"
    # Freed on purpose, it can be used again.
    owner(site, "DELETE FROM slug_history WHERE slug = 'other';")
    owner(site, "INSERT INTO articles(title, body) VALUES ('Other', 'z');")
    assert site.get("/post/other").status == 200


def test_a_deleted_article_answers_410_in_the_layout(site):
    owner(site, "UPDATE articles SET slug = 'sciatica' WHERE slug = '%s';" % SEED_SLUG)
    owner(site, "DELETE FROM articles WHERE slug = 'sciatica';")
    for slug in ("sciatica", SEED_SLUG):
        r = site.get("/post/" + slug)
        assert r.status == 410, slug
        assert "<main" in r.text and "Acupuncture Clinic" in r.text
        assert "no longer available" in r.text
        head = site.request("/post/" + slug, method="HEAD")
        assert head.status == 410 and head.body == b""
    r = owner(site, "INSERT INTO articles(title, slug, body) VALUES ('New', 'sciatica', 'x');", check=False)
    assert r.returncode != 0 and REFUSED in r.stderr
    assert site.get("/post/never-was").status == 404


@pytest.mark.parametrize("sql", [
    "INSERT INTO slug_history(slug, article_id) VALUES ('loop', (SELECT id FROM articles LIMIT 1));"
    "UPDATE articles SET slug = 'loop-target' WHERE id = (SELECT id FROM articles LIMIT 1);"
    "INSERT OR REPLACE INTO slug_history(slug, article_id) VALUES ('loop-target', (SELECT id FROM articles LIMIT 1));",
])
def test_a_hand_made_history_row_never_loops(site, sql):
    owner(site, sql, check=False)
    r = site.get("/post/loop-target")
    assert r.status in (200, 404)
