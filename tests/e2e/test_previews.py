"""What a shared link, a search engine and a patient see of a post's head, through real
nginx: Open Graph and the Twitter card read as a link-preview fetcher reads them (title,
description, URL, image), the JSON-LD BlogPosting read with json.loads (publisher a
MedicalClinic with the clinic's phones; the page's lastReviewed/reviewedBy and a visible
"Reviewed by ... on" line when the owner sets them), hostile titles and bodies that cannot break
out of any of it, the owner's refusals through the real sqlite3 shell, and the Nu HTML
Checker on the result.
Run: /usr/bin/python3 -m pytest -q tests/e2e/test_previews.py
"""
import html.parser
import json
import os
import re
import subprocess

import pytest

from site_harness import ROOT, SEED_SLUG, Site

VNU = os.path.join(ROOT, "tools", "vnu")
HOSTILE = "</script><script>alert(1)</script><!-- \"q\" 'a' & \u2028\u2029 </SCRIPT >"


def q(s):
    return "'" + s.replace("'", "''") + "'"


def owner(site, sql, check=True):
    return site.sql(".timeout 5000\n" + sql, check=check)


class Head(html.parser.HTMLParser):
    """The <head> as a link-preview fetcher reads it: meta by property or name, the
    title, the canonical link, and each JSON-LD script's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta, self.links, self.jsonld, self.title = {}, [], [], None
        self._in = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta.setdefault(a.get("property") or a.get("name"), a.get("content"))
        elif tag == "link":
            self.links.append(a)
        elif tag == "title":
            self._in, self.title = "title", ""
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in = "jsonld"
            self.jsonld.append("")

    def handle_endtag(self, tag):
        if tag in ("title", "script"):
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "jsonld":
            self.jsonld[-1] += data


def head_of(text):
    h = Head()
    h.feed(text[:text.index("</head>")])
    return h


@pytest.fixture
def psite(tmp_path):
    s = Site(tmp_path)
    s.start()
    owner(s, "UPDATE settings SET value = %s WHERE key = 'base_url';" % q(s.url("").rstrip("/")))
    yield s
    s.stop()


def test_link_preview_has_title_description_url_and_image(psite):
    owner(psite, "INSERT INTO settings(key, value) VALUES ('image', '/static/clinic.jpg');")
    base = psite.url("").rstrip("/")
    text = psite.get("/post/" + SEED_SLUG).text
    h = head_of(text)
    title = owner(psite, "SELECT title FROM articles WHERE slug = %s;" % q(SEED_SLUG)).strip()
    url = base + "/post/" + SEED_SLUG
    assert h.title == title
    assert h.meta["og:title"] == title
    assert h.meta["og:description"] == h.meta["description"] and len(h.meta["description"]) > 50
    assert h.meta["og:url"] == url
    assert {"rel": "canonical", "href": url} in h.links
    assert h.meta["og:type"] == "article"
    assert h.meta["og:site_name"] == "Acupuncture Clinic"
    assert h.meta["article:published_time"] == "2024-03-12T09:00:00Z"
    assert h.meta["og:image"] == base + "/static/clinic.jpg"
    assert h.meta["twitter:card"] == "summary_large_image"
    owner(psite, "UPDATE settings SET value = 'https://cdn.example.org/a.jpg' WHERE key = 'image';")
    assert head_of(psite.get("/post/" + SEED_SLUG).text).meta["og:image"] == "https://cdn.example.org/a.jpg"
    owner(psite, "DELETE FROM settings WHERE key = 'image';")
    h = head_of(psite.get("/post/" + SEED_SLUG).text)
    assert "og:image" not in h.meta and h.meta["twitter:card"] == "summary"


def test_list_page_is_a_website_preview(psite):
    h = head_of(psite.get("/blog").text)
    assert h.meta["og:type"] == "website" and "article:published_time" not in h.meta
    assert h.meta["og:url"] == psite.url("/blog")
    assert h.jsonld == []


def node(graph, type_):
    """The one node of @type type_ in a JSON-LD @graph (issue 21: a post is one graph)."""
    (found,) = [n for n in graph["@graph"] if n["@type"] == type_]
    return found


def test_jsonld_blogposting_with_medical_clinic_publisher(psite):
    h = head_of(psite.get("/post/" + SEED_SLUG).text)
    assert len(h.jsonld) == 1
    graph = json.loads(h.jsonld[0])
    data, page = node(graph, "BlogPosting"), node(graph, "MedicalWebPage")
    assert graph["@context"] == "https://schema.org"
    assert data["headline"] == h.title
    assert data["url"] == psite.url("/post/" + SEED_SLUG)
    assert data["datePublished"] == "2024-03-12T09:00:00Z"
    pub = node(graph, "MedicalClinic")
    assert data["publisher"] == {"@id": pub["@id"]}
    assert pub["@type"] == "MedicalClinic" and pub["name"] == "Acupuncture Clinic"
    phones = owner(psite, "SELECT value FROM settings WHERE key GLOB 'contact:*' ORDER BY rowid;").split("\n")
    assert pub["telephone"] == [p for p in phones if p]
    assert "lastReviewed" not in page and "reviewedBy" not in page
    assert "Reviewed" not in psite.get("/post/" + SEED_SLUG).text


def test_medical_review_is_shown_and_in_jsonld(psite):
    owner(psite, "UPDATE articles SET reviewed_on = '2025-03-03', reviewed_by = 'Dr Asha Patel' "
          "WHERE slug = %s;" % q(SEED_SLUG))
    text = psite.get("/post/" + SEED_SLUG).text
    assert re.search(r'Reviewed by Dr Asha Patel on <time datetime="2025-03-03">3 March 2025</time>'
                     r' · Next review due <time datetime="2026-03">March 2026</time>', text)
    data = node(json.loads(head_of(text).jsonld[0]), "MedicalWebPage")
    assert data["lastReviewed"] == "2025-03-03"
    assert data["reviewedBy"] == {"@type": "Person", "name": "Dr Asha Patel"}


@pytest.mark.parametrize("sql, message", [
    ("UPDATE articles SET reviewed_on = '2025-02-30'",
     "reviewed_on must be a real date like 2024-05-01, or NULL"),
    ("UPDATE articles SET reviewed_on = '3 March 2025'",
     "reviewed_on must be a real date like 2024-05-01, or NULL"),
    ("UPDATE articles SET reviewed_by = '   '",
     "reviewed_by must be the reviewer's name, 1 to 120 characters, or NULL"),
    ("UPDATE articles SET reviewed_by = '%s'" % ("x" * 121),
     "reviewed_by must be the reviewer's name, 1 to 120 characters, or NULL"),
    ("INSERT INTO settings(key, value) VALUES ('image', 'javascript:alert(1)')",
     "image must be a picture's address"),
    ("INSERT INTO settings(key, value) VALUES ('image', '//evil.example/x.jpg')",
     "image must be a picture's address"),
    ("INSERT INTO settings(key, value) VALUES ('image', '/a b.jpg')",
     "image must be a picture's address"),
    ("INSERT INTO settings(key, value) VALUES ('picture', '/a.jpg')",
     "unknown settings key: use site_name, tagline, base_url, description, lang, image, contact:<Name>, or a key that SELECT key, about FROM setting_keys lists"),
])
def test_owner_mistakes_are_refused_with_a_sentence(psite, sql, message):
    before = owner(psite, ".dump articles settings")
    r = owner(psite, sql + ";", check=False)
    assert r.returncode != 0 and message in r.stderr, r.stderr
    assert owner(psite, ".dump articles settings") == before


def hostile_post(site):
    # A title and body no current rule refuses, and (as a version 1 site may hold) one
    # with invalid UTF-8, inserted with the guards of later versions set aside.
    owner(site, "INSERT INTO articles(title, slug, body, reviewed_on, reviewed_by) VALUES (%s, "
          "'hostile', %s, '2025-01-02', %s);" % (q(HOSTILE), q("Body " + HOSTILE), q(HOSTILE)))
    owner(site, "DROP TRIGGER articles_title_utf8_insert; DROP TRIGGER articles_body_utf8_insert;"
          "INSERT INTO articles(title, slug, body) VALUES (CAST(X'3c2f7363726970743e20fffec0af' AS TEXT), "
          "'bad-utf8', CAST(X'426f647920ff3c212d2d' AS TEXT));")


def test_hostile_title_cannot_break_out_of_head_or_jsonld(psite):
    hostile_post(psite)
    for slug, title in (("hostile", HOSTILE), ("bad-utf8", None)):
        text = psite.get("/post/" + slug).text
        head = text[:text.index("</head>")]
        # The only script element is the JSON-LD, and it ends where it should.
        assert head.lower().count("<script") == 1 and head.lower().count("</script") == 1
        script = re.search(r'<script type="application/ld\+json">(.*?)</script>', head, re.S).group(1)
        assert "<" not in script and ">" not in script and "\u2028" not in script
        graph = json.loads(script)
        data = node(graph, "BlogPosting")
        if title is not None:
            assert data["headline"] == title
            assert node(graph, "MedicalWebPage")["reviewedBy"]["name"] == title
            h = head_of(text)
            assert h.meta["og:title"] == title and h.title == title
        else:
            assert "\ufffd" in data["headline"]
        assert "<script>alert" not in text


def test_nu_checker_finds_no_error_in_posts_with_every_head_element(psite, tmp_path):
    owner(psite, "INSERT INTO settings(key, value) VALUES ('image', '/static/clinic.jpg');")
    owner(psite, "UPDATE articles SET reviewed_on = '2025-03-03', reviewed_by = 'Dr A \"Q\" <b>' "
          "WHERE slug = %s;" % q(SEED_SLUG))
    hostile_post(psite)
    files = []
    for name, path in (("seed", "/post/" + SEED_SLUG), ("hostile", "/post/hostile"),
                       ("bad", "/post/bad-utf8"), ("blog", "/blog")):
        p = tmp_path / (name + ".html")
        p.write_bytes(psite.get(path).body)
        files.append(str(p))
    r = subprocess.run([VNU, "--errors-only", "--format", "json", "--stdout"] + files,
                       capture_output=True, text=True, timeout=300)
    messages = json.loads(r.stdout)["messages"]
    assert messages == [], messages
