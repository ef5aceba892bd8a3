"""/feed.xml, /sitemap.xml and /robots.txt through real nginx, checked by the tools a
reader's client and a search engine's validator would use:

- the feed parses with Debian's python3-feedparser (bozo false) and validates with jing
  against RFC 4287's RELAX NG schema (tests/data/atom.rnc, appendix B of the RFC);
- the sitemap validates with xmllint against sitemaps.org's XSD (tests/data/sitemap.xsd);
- robots.txt names the sitemap by its absolute address;
- all three answer conditional GETs and HEADs (ETag, Last-Modified, 304) and change the
  moment the owner changes an article or a setting through the real sqlite3 shell, or a
  scheduled article goes live.
Run: /usr/bin/python3 -m pytest -q tests/e2e/test_feed.py
"""
import email.utils
import html
import os
import re
import subprocess
import xml.etree.ElementTree as ET

import feedparser
import pytest

from site_harness import ROOT, SEED_SLUG, Site
from wait import wait_until

ATOM_RNC = os.path.join(ROOT, "tests", "data", "atom.rnc")
SITEMAP_XSD = os.path.join(ROOT, "tests", "data", "sitemap.xsd")
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HOSTILE_TITLE = "</script><!-- \"quoted\" & 'single' ]]> \u2028\u2029 <b>bold</b>"
HOSTILE_BODY = "Form\ffeed, ]]> and <script>alert(1)</script> and a [link](javascript:alert(1))."


def q(s):
    return "'" + s.replace("'", "''") + "'"


def owner(site, sql):
    """The owner's sqlite3 shell, waiting out articled's fold (a few ms) as the README says."""
    return site.sql(".timeout 5000\n" + sql)


@pytest.fixture
def fsite(tmp_path):
    s = Site(tmp_path)
    s.start()
    owner(s, "UPDATE settings SET value = %s WHERE key = 'base_url';" % q(s.url("").rstrip("/")))
    rows = ",\n".join("(%s, %s, '2025-01-%02dT09:00:00Z')" % (
        q("Article %02d" % i), q("Body of article %02d with **bold**." % i), i) for i in range(1, 26))
    owner(s, "INSERT INTO articles(title, body, published_at) VALUES %s;" % rows)
    owner(s, "INSERT INTO articles(title, body, slug, published_at) VALUES (%s, %s, 'hostile', "
          "'2025-02-01T09:00:00Z');" % (q(HOSTILE_TITLE), q(HOSTILE_BODY)))
    owner(s, "INSERT INTO articles(title, body, draft) VALUES ('Secret draft', 'Not yet.', 1);")
    owner(s, "INSERT INTO articles(title, body, published_at) VALUES ('Next year', 'Later.', "
          "'2099-01-01T09:00:00Z');")
    yield s
    s.stop()


def jing(path):
    r = subprocess.run(["jing", "-c", ATOM_RNC, path], capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout + r.stderr


def xmllint(path):
    r = subprocess.run(["xmllint", "--noout", "--schema", SITEMAP_XSD, path],
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


def save(tmp_path, name, body):
    p = tmp_path / name
    p.write_bytes(body)
    return str(p)


def test_feed_is_valid_atom_of_the_20_newest_with_full_html(fsite, tmp_path):
    r = fsite.get("/feed.xml")
    assert r.status == 200
    assert r.header("Content-Type") == "application/atom+xml; charset=utf-8"
    rc, out = jing(save(tmp_path, "feed.xml", r.body))
    assert rc == 0, out
    feed = feedparser.parse(r.body)
    assert feed.bozo is False or feed.bozo == 0, feed.get("bozo_exception")
    assert len(feed.entries) == 20
    titles = [e.title for e in feed.entries]
    assert titles[0] == HOSTILE_TITLE            # newest first, text intact
    assert titles[1:] == ["Article %02d" % i for i in range(25, 6, -1)]
    assert "Secret draft" not in titles and "Next year" not in titles
    base = fsite.url("").rstrip("/")
    assert feed.feed.link == base + "/blog"
    for e in feed.entries:
        assert e.link.startswith(base + "/post/")
        assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", e.id)
        assert e.published and e.updated
    # The content is the HTML the post shows, escaped once.
    entry = next(e for e in feed.entries if e.title == "Article 25")
    page = fsite.get("/post/article-25").text
    body = re.search(r'<div class="body">\n(.*?)\n</div>', page, re.S).group(1)
    assert entry.content[0].type == "text/html"
    assert entry.content[0].value.strip() == body.strip()
    assert "<strong>bold</strong>" in entry.content[0].value


def test_hostile_article_stays_text_in_the_feed(fsite):
    root = ET.fromstring(fsite.get("/feed.xml").body)
    entry = root.findall(ATOM + "entry")[0]
    assert entry.find(ATOM + "title").text == HOSTILE_TITLE
    content = entry.find(ATOM + "content").text
    assert "<script" not in content and "javascript:" not in content
    assert "\f" not in content          # XML 1.0 has no form feed


def test_entry_ids_survive_a_title_and_slug_change(fsite):
    def entry_for(link_end):
        feed = feedparser.parse(fsite.get("/feed.xml").body)
        return next(e for e in feed.entries if e.link.endswith(link_end))
    before = entry_for("/post/article-25")
    owner(fsite, "UPDATE articles SET title = 'Renamed', slug = 'renamed' WHERE slug = 'article-25';")
    after = entry_for("/post/renamed")
    assert after.id == before.id and after.title == "Renamed"
    assert after.updated >= before.updated


def test_sitemap_is_valid_and_lists_blog_pages_and_every_published_article(fsite, tmp_path):
    r = fsite.get("/sitemap.xml")
    assert r.status == 200
    assert r.header("Content-Type") == "application/xml; charset=utf-8"
    rc, out = xmllint(save(tmp_path, "sitemap.xml", r.body))
    assert rc == 0, out
    root = ET.fromstring(r.body)
    urls = {u.find(SM + "loc").text: u.find(SM + "lastmod") for u in root.findall(SM + "url")}
    base = fsite.url("").rstrip("/")
    published = owner(fsite, "SELECT slug FROM articles WHERE draft = 0 AND "
                          "published_at <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now');").split()
    assert len(published) == 27      # the seed, 25 and the hostile one
    expected = {base + "/blog", base + "/blog/page/2", base + "/blog/page/3"}
    expected |= {base + "/post/" + s for s in published}
    expected |= {base + "/contact"}   # the clinic's facts (issue 21); no people yet
    assert set(urls) == expected
    for slug in published:
        assert urls[base + "/post/" + slug] is not None, slug    # lastmod
    assert urls[base + "/post/article-03"].text == owner(fsite, 
        "SELECT max(updated_at, published_at) FROM articles WHERE slug = 'article-03';").strip()


def test_robots_names_the_sitemap(fsite):
    r = fsite.get("/robots.txt")
    assert r.status == 200 and r.header("Content-Type") == "text/plain; charset=utf-8"
    lines = r.text.splitlines()
    assert "User-agent: *" in lines
    assert "Sitemap: %s/sitemap.xml" % fsite.url("").rstrip("/") in lines
    assert not any(line.startswith("Disallow: /") and line != "Disallow: " for line in lines)


@pytest.mark.parametrize("path", ["/feed.xml", "/sitemap.xml", "/robots.txt"])
def test_conditional_get_and_head_answer_304(fsite, path):
    r = fsite.get(path)
    etag, modified = r.header("ETag"), r.header("Last-Modified")
    assert re.fullmatch(r'"[0-9a-f]{16}"', etag)
    assert email.utils.parsedate_to_datetime(modified) is not None
    again = fsite.get(path)
    assert again.header("ETag") == etag and again.body == r.body      # the other worker too
    nm = fsite.get(path, headers={"If-None-Match": etag})
    assert nm.status == 304 and nm.body == b"" and nm.header("ETag") == etag
    assert nm.header("Content-Length") is None          # not 0: RFC 9110, 8.6
    assert fsite.get(path, headers={"If-None-Match": 'W/"x", ' + etag}).status == 304
    assert fsite.get(path, headers={"If-None-Match": '"other"'}).status == 200
    assert fsite.get(path, headers={"If-Modified-Since": modified}).status == 304
    assert fsite.get(path, headers={"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"}).status == 200
    assert fsite.get(path, headers={"If-Modified-Since": "not a date"}).status == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110, 13.2.2).
    assert fsite.get(path, headers={"If-None-Match": '"other"',
                                    "If-Modified-Since": modified}).status == 200
    head = fsite.request(path, method="HEAD")
    assert head.status == 200 and head.body == b"" and head.header("ETag") == etag
    assert int(head.header("Content-Length")) == len(r.body)
    assert fsite.request(path, method="HEAD", headers={"If-None-Match": etag}).status == 304


@pytest.mark.parametrize("change, paths", [
    ("UPDATE articles SET body = 'Changed body.' WHERE slug = 'article-25';", ["/feed.xml"]),
    ("UPDATE articles SET title = 'New title' WHERE slug = 'article-24';", ["/feed.xml"]),
    ("DELETE FROM articles WHERE slug = 'article-20';", ["/feed.xml", "/sitemap.xml"]),
    ("UPDATE settings SET value = 'A new tagline' WHERE key = 'tagline';", ["/feed.xml"]),
    ("UPDATE settings SET value = 'http://localhost:1' WHERE key = 'base_url';",
     ["/feed.xml", "/sitemap.xml", "/robots.txt"]),
])
def test_validators_change_the_moment_the_owner_changes_something(fsite, change, paths):
    before = {p: fsite.get(p) for p in paths}
    owner(fsite, change)
    for p in paths:
        old = before[p]
        for _ in range(4):           # every worker
            r = fsite.get(p, headers={"If-None-Match": old.header("ETag")})
            assert r.status == 200, p
            assert r.header("ETag") != old.header("ETag") and r.body != old.body


def test_a_scheduled_article_enters_the_feed_when_its_time_comes(fsite):
    owner(fsite, "INSERT INTO articles(title, body, slug, published_at) VALUES ('Soon', 'Soon.', "
              "'soon', strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+2 seconds'));")
    first = fsite.get("/feed.xml")
    assert b"/post/soon" not in first.body
    r = wait_until(lambda: (lambda x: x if b"/post/soon" in x.body else None)(
        fsite.get("/feed.xml", headers={"If-None-Match": first.header("ETag")})),
        "the scheduled article in the feed", timeout=10)
    assert r.status == 200
    mod = email.utils.parsedate_to_datetime(r.header("Last-Modified"))
    assert mod >= email.utils.parsedate_to_datetime(first.header("Last-Modified"))
    assert b"/post/soon" in fsite.get("/sitemap.xml").body


@pytest.mark.parametrize("path", ["/blog", "/post/" + SEED_SLUG, "/no-such-page"])
def test_every_page_links_the_feed(fsite, path):
    text = fsite.get(path).text
    assert re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" '
                     r'href="/feed.xml">', text), path
