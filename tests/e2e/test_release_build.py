"""Issue 13: the end-to-end suites that exercise the rare paths, run again
on the release build (bin/articled) with its seccomp filter on.  Most of
tests/e2e runs the sanitizer build, which is built without the filter
(docs/security.md); here every scenario of these modules -- a replaced,
deleted, unreadable or restored database, a full disk, SIGHUP, SIGTERM,
the owner's mistakes, --user, pictures made, replaced, refused and the
maker killed -- is served by sandboxed workers and made by the picture
maker under its own filter, and Site.stop fails any test whose log shows
a refused system call.  Below, every page type once on this build."""
import os
import subprocess
import sys

import pytest

from comment_form import post as post_form, token
from site_harness import ROOT, SEED_SLUG, Site
from wait import wait_until

BIN = os.path.join(ROOT, "bin", "articled")
MODULES = ["test_robustness.py", "test_owner_mistakes.py", "test_smoke.py",
           "test_user.py", "test_pages.py", "test_picture_maker.py"]


# A whole suite per test (26 s measured for the longest); the suite run
# inside has its own per-test limit and a 900 s one here.
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("module", MODULES)
def test_suite_passes_on_the_sandboxed_release_build(module):
    env = dict(os.environ, ARTICLED_BIN=BIN)
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        os.path.join(ROOT, "tests", "e2e", module)],
                       env=env, cwd=ROOT, capture_output=True, text=True,
                       timeout=900)
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]
    assert " passed" in r.stdout, r.stdout[-2000:]


# ---- every page type, served by sandboxed workers ---------------------------

def ready_variant(site, name, path):
    """The picture at path added as the owner does, made by the maker
    (under its own filter in this build); its 480 px WebP's address."""
    from PIL import Image
    Image.linear_gradient("L").resize((700, 500)).convert("RGB").save(path)
    site.sql("INSERT INTO media(name, alt, data) VALUES ('%s', 'a', readfile('%s'));"
             % (name, path))
    wait_until(lambda: site.scalar("SELECT status FROM media WHERE name = '%s';"
                                   % name) == "ready", name + " to be made", 60)
    return site.scalar("SELECT printf('/media/v/%%016x-480.webp', v.version) "
                       "FROM media_variants v JOIN media m ON m.id = v.media_id "
                       "WHERE m.name = '%s' AND v.width = 480 AND v.format = "
                       "'webp';" % name)


def fill(site):
    """Enough articles for a second list page, a tag, a renamed and a
    deleted article, one whose render passes the bound, a person and
    the clinic's facts."""
    site.sql("INSERT INTO articles(slug, title, body, published_at) "
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
             "WHERE i < 30) SELECT 'bulk-' || i, 'Bulk ' || i, 'Some words.', "
             "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now', '-' || i || ' minutes') FROM n;"
             "INSERT INTO tags(article_id, tag) SELECT id, 'back-pain' FROM "
             "articles WHERE slug = '%s';"
             "UPDATE articles SET slug = 'bulk-renamed' WHERE slug = 'bulk-1';"
             "DELETE FROM articles WHERE slug = 'bulk-2';"
             # Issue 21: a person who wrote the post (its byline, their
             # page) and the clinic's facts (/contact, every footer).
             "INSERT INTO people(slug, name, credentials) VALUES "
             "('a-practitioner', 'A Practitioner', 'MBAcC');"
             "UPDATE articles SET author = 'a-practitioner', reviewer = "
             "'a-practitioner', reviewed_on = '2025-03-03' WHERE slug = '%s';"
             "INSERT INTO settings(key, value) VALUES "
             "('clinic.street_address', '12 High Street'), "
             "('clinic.hours.mon', '09:00-17:00');" % (SEED_SLUG, SEED_SLUG))
    slow = os.path.join(site.dir, "slow.md")
    with open(slow, "w") as f:
        f.write("![[]()" * 34000)   # cmark's quadratic case (test_render_bound)
    site.sql(".timeout 5000\nINSERT INTO articles(title, body) VALUES "
             "('Slow one', readfile('%s'));" % slow)


def test_release_build_serves_every_page_type_with_no_call_refused(tmp_path):
    """A system call missing from a filter fails here, not a patient's
    request: each kind of answer articled gives, once, by workers (and a
    picture maker) under their filters; no SIGSYS in the log and no
    worker replaced."""
    site = Site(tmp_path, binary=BIN)
    site.start()
    try:
        workers = sorted(site.worker_pids())
        fill(site)
        media_v = ready_variant(site, "room.jpg", str(tmp_path / "room.jpg"))
        os.unlink(os.path.join(site.dir, "media", "v", media_v.split("/")[-1]))
        post = "/post/" + SEED_SLUG
        expect = [("/", 200), ("/blog", 200), ("/blog/page/2", 200),
                  ("/blog/tag/back-pain", 200), ("/blog/tag/no-such-tag", 404),
                  (post, 200), ("/search?q=sciatica", 200), ("/search?q=", 200),
                  ("/feed.xml", 200), ("/sitemap.xml", 200), ("/robots.txt", 200),
                  ("/post/no-such-post", 404), ("/post/bulk-2", 410),
                  ("/post/bulk-1", 301),
                  (media_v, 200),               # nginx falls back to articled
                  ("/media/room.jpg", 200), ("/media/no-such.jpg", 404),
                  ("/people/a-practitioner", 200),
                  ("/people/a-practitioner/page/2", 404),
                  ("/people/no-one", 404), ("/contact", 200),
                  ("/post/slow-one", 503)]      # the render bound
        got = [(path, site.get(path).status) for path in (p for p, _ in expect)]
        assert got == expect
        assert site.get("/post/bulk-1").header("Location") == "/post/bulk-renamed"
        assert b'href="/people/a-practitioner"' in site.get(post).body
        assert b"12 High Street" in site.get("/contact").body
        for path in (post, "/feed.xml", media_v):
            head = site.request(path, method="HEAD")
            assert head.status == 200 and head.body == b"", path
        # Conditional GETs: the documents with a validator (a page's
        # HTML carries its live view count and has none).
        for path in ("/feed.xml", "/sitemap.xml", "/media/room.jpg", media_v):
            etag = site.get(path).header("etag")
            assert site.get(path, headers={"If-None-Match": etag}).status == 304, path
        modified = site.get("/feed.xml").header("last-modified")
        assert site.get("/feed.xml", headers={"If-Modified-Since": modified}).status == 304
        # The question form's POST (issue 19): refused with the form again,
        # taken (303; the day's key was made by the post's GET above), and
        # the thank-you page; a POST elsewhere is a 405.
        ask = {"name": "Ann", "question": "Does it help at night?"}
        refused = post_form(site, SEED_SLUG, dict(ask, token="1-0000000000000000"))
        assert refused.status == 403 and 'name="question"' in refused.text
        taken = post_form(site, SEED_SLUG, dict(ask, token=token(site, SEED_SLUG)))
        assert taken.status == 303, taken.text
        assert site.get(taken.header("Location")).status == 200
        assert site.request(post, method="POST").status == 405
        assert sorted(site.worker_pids()) == workers, site.log()
        assert site.forbidden_calls() == [], site.log()
        assert "SIGSYS" not in site.log() and "Bad system call" not in site.log()
    finally:
        site.stop()     # fails too if the log names a refused call
