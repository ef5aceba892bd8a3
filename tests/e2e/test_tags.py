"""Tags: the owner tags with one INSERT in the real sqlite3 shell, is refused
with a sentence for a bad tag, and the pages follow at once: each post's tag
links, /blog/tag/<tag> with the blog's pagination and redirects, 404 in the
site's layout for a tag no published article has."""
import re
import subprocess

import pytest

from site_harness import SEED_SLUG


def q(s):
    return "'" + s.replace("'", "''") + "'"


def shell(site, sql):
    """The owner's shell; .timeout: articled's fold holds the write lock for a
    moment every second, which must not pass for a refusal."""
    return subprocess.run(["sqlite3", site.db], input=".timeout 5000\n" + sql,
                          capture_output=True, text=True)


SEED_ID = "(SELECT id FROM articles WHERE slug = %s)" % q(SEED_SLUG)

REFUSED = [
    ("''", "a tag must not be empty"),
    ("'   '", "a tag must not be empty"),
    ("NULL", "a tag must not be empty"),
    ("'" + "a" * 41 + "'", "a tag must be at most 40 characters"),
    ("'Back-Pain'", "tags are written in lower case"),
    ("'back pain'", "a tag is one word: join words with single hyphens"),
    ("'back--pain'", "a tag is one word"),
    ("'-back'", "a tag may only hold lower-case letters a-z, digits and hyphens"),
    ("'back-'", "a tag may only hold lower-case letters"),
    ("'back_pain'", "a tag may only hold lower-case letters"),
    ("'névralgie'", "a tag may only hold lower-case letters"),
    ("'<script>'", "a tag may only hold lower-case letters"),
    ("X'6261636b'", "a tag may only hold lower-case letters"),
]


@pytest.mark.parametrize("tag,message", REFUSED)
def test_a_bad_tag_is_refused_with_a_sentence(shared_site, tag, message):
    r = shell(shared_site, "INSERT INTO tags(article_id, tag) VALUES (%s, %s);" % (SEED_ID, tag))
    assert r.returncode != 0
    assert message in r.stderr, r.stderr
    assert shared_site.scalar("SELECT count(*) FROM tags;") == "0"


def test_a_missing_article_and_a_duplicate_are_refused(site):
    r = shell(site, "INSERT INTO tags(article_id, tag) VALUES "
                    "((SELECT id FROM articles WHERE slug = 'no-such'), 'back-pain');")
    assert "no article has this id" in r.stderr, r.stderr
    r = shell(site, "INSERT INTO tags(article_id, tag) VALUES (999, 'back-pain');")
    assert "no article has this id" in r.stderr, r.stderr
    site.sql("INSERT INTO tags(article_id, tag) VALUES (%s, 'back-pain');" % SEED_ID)
    r = shell(site, "INSERT INTO tags(article_id, tag) VALUES (%s, 'back-pain');" % SEED_ID)
    assert "this article already has this tag" in r.stderr, r.stderr
    r = shell(site, "UPDATE tags SET tag = 'Back' ;")
    assert "tags are written in lower case" in r.stderr, r.stderr
    assert site.scalar("SELECT group_concat(tag) FROM tags;") == "back-pain"


def test_a_tag_shows_at_once_on_the_post_and_its_page(site):
    post = "/post/" + SEED_SLUG
    assert 'rel="tag"' not in site.get(post).text      # cached now
    assert site.get("/blog/tag/acupuncture").status == 404
    site.sql("INSERT INTO tags(article_id, tag) VALUES (%s, 'acupuncture'), (%s, 'covid-19');"
             % (SEED_ID, SEED_ID))
    t = site.get(post).text
    assert '<a href="/blog/tag/acupuncture" rel="tag">acupuncture</a>' in t
    assert '<a href="/blog/tag/covid-19" rel="tag">covid-19</a>' in t
    r = site.get("/blog/tag/acupuncture")
    assert r.status == 200
    assert "<h1>Articles tagged acupuncture</h1>" in r.text
    assert 'href="/post/%s"' % SEED_SLUG in r.text
    site.sql("UPDATE tags SET tag = 'needles' WHERE tag = 'acupuncture';")
    assert "/blog/tag/needles" in site.get(post).text
    assert site.get("/blog/tag/acupuncture").status == 404
    site.sql("DELETE FROM tags WHERE tag = 'needles';")
    assert "/blog/tag/needles" not in site.get(post).text


def test_deleting_an_article_takes_its_tags(site):
    site.sql("INSERT INTO tags(article_id, tag) VALUES (%s, 'gone');" % SEED_ID)
    site.sql("DELETE FROM articles WHERE slug = %s;" % q(SEED_SLUG))
    assert site.scalar("SELECT count(*) FROM tags;") == "0"
    assert site.get("/blog/tag/gone").status == 404


def tagged(site, n, tag="posture", **kw):
    site.sql("""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
                INSERT INTO articles(title, body, published_at)
                SELECT 'Posture tip ' || i, 'Sit up straight, tip ' || i || '.',
                       strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', '2022-01-01', '+' || i || ' days')
                FROM n;
                INSERT INTO tags(article_id, tag)
                SELECT id, '%s' FROM articles WHERE title LIKE 'Posture tip %%';""" % (n, tag))


def slugs(resp):
    return re.findall(r'<h2><a href="/post/([a-z0-9-]+)">', resp.text)


def test_tag_pages_paginate_like_the_blog(site):
    tagged(site, 25)
    p1, p2, p3 = (site.get(u) for u in ("/blog/tag/posture", "/blog/tag/posture/page/2",
                                        "/blog/tag/posture/page/3"))
    assert [r.status for r in (p1, p2, p3)] == [200, 200, 200]
    assert len(slugs(p1)) == 10 and len(slugs(p2)) == 10 and len(slugs(p3)) == 5
    assert slugs(p1)[0] == "posture-tip-25" and slugs(p3)[-1] == "posture-tip-1"
    assert SEED_SLUG not in p1.text + p2.text + p3.text
    assert 'rel="next" href="/blog/tag/posture/page/2"' in p1.text
    assert 'rel="prev" href="/blog/tag/posture"' in p2.text
    assert 'rel="next" href="/blog/tag/posture/page/3"' in p2.text
    assert 'rel="next"' not in p3.text
    assert re.search(r'<link rel="canonical" href="https?://[^"/]+/blog/tag/posture/page/2">',
                     p2.text)
    assert site.get("/blog/tag/posture/page/4").status == 404


@pytest.mark.parametrize("path,location", [
    ("/blog/tag/posture/page/1", "/blog/tag/posture"),
    ("/blog/tag/Posture", "/blog/tag/posture"),
    ("/blog/tag/POSTURE/page/2", "/blog/tag/posture/page/2"),
    ("/blog/tag/posture/", "/blog/tag/posture"),
])
def test_tag_addresses_move_to_the_one_spelling(shared_site, path, location):
    r = shared_site.get(path)
    assert r.status == 301, (path, r.status)
    assert r.header("location") == location


@pytest.mark.parametrize("path", [
    "/blog/tag/nothing-here", "/blog/tag", "/blog/tag/a_b", "/blog/tag/" + "a" * 41,
    "/blog/tag/posture/page/0", "/blog/tag/posture/page/01", "/blog/tag/posture/x",
    "/blog/tag/posture/page/2/x", "/blog/tag/%C3%A9t%C3%A9",
])
def test_unknown_tag_addresses_are_404_in_the_sites_layout(shared_site, path):
    r = shared_site.get(path)
    assert r.status == 404, (path, r.status)
    assert 'class="site-name"' in r.text and 'id="search-q"' in r.text


def test_drafts_and_scheduled_posts_are_not_on_tag_pages(site):
    tagged(site, 3)
    site.sql("UPDATE articles SET draft = 1 WHERE slug = 'posture-tip-1';"
             "UPDATE articles SET published_at = '2999-01-01T00:00:00Z' WHERE slug = 'posture-tip-2';")
    assert slugs(site.get("/blog/tag/posture")) == ["posture-tip-3"]
    site.sql("UPDATE articles SET draft = 1 WHERE slug = 'posture-tip-3';")
    assert site.get("/blog/tag/posture").status == 404
