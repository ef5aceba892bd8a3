"""Every kind of page, through real nginx, as a browser and a checker see it.

- Valid HTML5: every page is saved and the Nu HTML Checker (tools/vnu, the
  npm package vnu-jar) checks them all in one run, with the stylesheet.
- Hostile content inserted by the owner through the real sqlite3 shell
  still gives valid, inert pages: one <h1>, headings in order, no script,
  no on* attribute, no javascript: URL in any tag.
- Accessibility basics: lang, one <main>, link texts that make sense alone,
  alt on every image, headings in order, WCAG contrast of the stylesheet's
  colours.
- Layout in headless Chromium, driven over the DevTools protocol (a small
  RFC 6455 client in tests/lib/browser.py, stdlib only): no horizontal overflow and body text
  of at least 16 px on a 375 px phone and a 1280 px desktop; screenshots
  are saved under the test's temporary folder.
- No JavaScript, no cookies, one stylesheet under 8 KB.

Nothing is skipped: a missing checker or browser fails with the reason.
Run: /usr/bin/python3 -m pytest -q tests/e2e/test_html.py
"""
import html
import html.parser
import json
import os
import re
import shutil
import subprocess
import urllib.parse
import urllib.request

import pytest

from browser import Browser
from site_harness import ROOT, SEED_SLUG, Site
from wait import wait_until

VNU = os.path.join(ROOT, "tools", "vnu")
CSS_PATH = os.path.join(ROOT, "templates", "static", "style.css")

# ---------------------------------------------------------------------------
# Content: 15 ordinary articles (so the blog has three pages) and hostile
# ones, each inserted by the owner's tool, the sqlite3 shell.
# ---------------------------------------------------------------------------


def q(s):
    """A Python str as an SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def x(b):
    """Bytes as an SQL blob literal."""
    return "X'" + b.hex() + "'"


CONTROLS = bytes(range(1, 32)) + b"\x7f"
NONCHARS = "\ufffe\ufdd0\uffff".encode() + b"\xf4\x8f\xbf\xbf"    # U+10FFFF too
C1 = "\u0080\u0085\u009f".encode()
BAD_UTF8 = (b"\xff\xfe \xc0\xaf \xed\xa0\x80 \xe2\x82 \xf8\x88\x80\x80\x80 "
            b"\xc3\x28 \x80")
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 40   # 1800 chars

HOSTILE = {
    "hostile-script": (
        q('<script>alert("t")</script> & "double" \'single\' </title><b>'),
        q("""Before <script>alert(1)</script> after.

<script>alert(2)</script>

<div onclick="alert(3)">raw block</div>

Inline <a href="javascript:alert(4)">raw link</a>, <img src=x onerror=alert(5)>
and <b onmouseover="alert(6)">bold</b> and <!-- a comment -->.

<style>body { display: none }</style>

<iframe src="https://example.com/"></iframe>

<svg><script>alert(7)</script></svg>

Text after the raw HTML.
""")),
    "hostile-links": (
        q('Links" onmouseover="alert(1)" x="\' autofocus onfocus=\'alert(2)'),
        q("""[js link](javascript:alert(1)), [upper case](JAVASCRIPT:alert(1)),
[tab inside](java\tscript:alert(1)), [vb](vbscript:msgbox), [data
link](data:text/html;base64,PHNjcmlwdD4=) and [entity](&#106;avascript:alert(1)).

![js image](javascript:alert(1))

![](javascript:alert(2)) after an image with no alt and an unsafe URL.

[x](http://exa mple) is not a link at all.

[A URL with a space](<https://example.com/a b>) and
![](https://example.com/decoration.png) with an empty alt and
![A described picture](https://example.com/picture.png "Its \\"title\\" onerror=x").

<javascript:alert(1)> as an autolink, and <https://example.com/auto> as a good one.

[Bad host](http://exa_mple.com/), [bad escape](https://example.com/%zz),
[two fragments](https://example.com/#a#b), [user in host](https://evil@example.com/),
[port too big](https://example.com:99999/), [relative](/blog) and
[mail](mailto:clinic@example.com), [phone](tel:+441234567890).

[Outer <https://example.com/inner> link](https://example.com/outer) and
[image ![inside](https://example.com/i.png) a link](https://example.com/img-link).
""")),
    "hostile-headings": (
        q("Headings from # to ######"),
        q("""# A top-level heading in the body

Text under it.

###### Six levels down straight away

## A second level

#### Fourth, skipping the third

Setext top level
================

### Third

> # A heading in a quote

Last paragraph.
""")),
    "hostile-utf8-text": (
        q("Bad bytes ") + " || CAST(" + x(BAD_UTF8) + " AS TEXT) || " +
        q(" controls ") + " || CAST(" + x(CONTROLS) + " AS TEXT) || " +
        q(" nonchars ") + " || CAST(" + x(NONCHARS + C1) + " AS TEXT)",
        "CAST(" + x(b"Invalid UTF-8: " + BAD_UTF8 + b"\n\nControls: " +
                    CONTROLS.replace(b"\n", b"").replace(b"\r", b"") +
                    b"\n\nNoncharacters and C1: " + NONCHARS + C1 +
                    b"\n\n# Heading " + BAD_UTF8 +
                    b"\n\n- item " + CONTROLS[:8] + b"\n- [link " + BAD_UTF8 +
                    b"](https://example.com/\xff)\n\n    code " + BAD_UTF8 +
                    CONTROLS[:8] + b"\n\nReferences: &#0; &#1; &#x7f; &#x80; "
                    b"&#x9F; &#xD800; &#xFFFE; &#xFDD0; &#x10FFFF; &#x110000; "
                    b"&#65533;\n") + " AS TEXT)"),
    "hostile-utf8-blob": (
        q("A body read from a file, with bad bytes"),
        # What readfile() gives: a BLOB, not cast.
        x(b"Bytes as a file has them: " + BAD_UTF8 + b" \x01\x02\x1f " +
          NONCHARS + b"\r\n\r\nSecond paragraph.\r\n")),
    "hostile-long": (
        q("Long " + LONG_WORD[:300]),
        q("A very long word: " + LONG_WORD + """

A very long link: <https://example.com/""" + "a" * 1500 + """>

Inline code: `""" + "x" * 400 + """`

    code_block_with_a_long_line = \"""" + "y" * 400 + """\"

| a | table | row |
|---|-------|-----|
| cmark | core | has no tables |
""")),
    "hostile-structure": (
        q("Lists, code and quotes"),
        q("""1. one
2. two
   - nested *a*
     - deeper **b**
       1. deepest
          - fourth level
3. three

7. starts at seven
8. eight

- loose item

- another loose item

  with a second paragraph

```"><script>alert(1)</script>
if (a < b && c > d) { return "<b>&amp;</b>"; }
```

    indented <code> & more

Inline `<b>` and `a < b` and 5 > 3 & so on.

> A quote
> > nested quote with <em>raw</em>

Hard  
break and a rule:

---

*emphasis*, **strong**, ***both***, "smart quotes" -- and --- dashes...
""")),
}

# Every kind of page checked, named; PAGES decides what each is.
SERVED = ["home", "blog", "blog-page-2", "blog-page-3", "seed", "404-path",
          "404-slug", "404-past-end", "405-post", "301-trailing-slash",
          "301-upper-slug", "414-articled", "400-nginx-nul", "400-nginx-header",
          "405-nginx-trace", "414-nginx", "empty-home", "empty-blog",
          "503-database-gone", "502-articled-down", "search-empty",
          "search-results", "search-results-page-2", "search-none",
          "search-hostile-query", "search-hostile-results", "tag",
          "tag-page-2", "seed-with-comments", "comment-refused",
          "comment-thanks"] + sorted(HOSTILE)


class FileResponse:
    """An error page read from disk, shaped like a Response."""

    def __init__(self, code, body):
        self.status = int(code) if code.isdigit() else 0
        self.headers = {}
        self.header_list = []
        self.body = body
        self.text = body.decode("utf-8", "replace")


class Page:
    def __init__(self, name, path, resp):
        self.name = name
        self.path = path
        self.status = resp.status
        self.headers = resp.headers
        self.header_list = resp.header_list
        self.body = resp.body
        self.text = resp.text


def seed_articles(site):
    sql = ["BEGIN;"]
    for i in range(15):
        sql.append(
            "INSERT INTO articles(title, published_at, body) VALUES (%s, %s, %s);" % (
                q("Ordinary article number %d about back care" % (i + 1)),
                q("2024-01-%02dT09:00:00Z" % (i + 1)),
                q("Paragraph %d: gentle exercise, posture and rest.\n\nMore text.\n" % i)))
    # Every ordinary article is tagged: the tag page has two pages.
    sql.append("INSERT INTO tags(article_id, tag) SELECT id, 'back-care' FROM articles "
               "WHERE title LIKE 'Ordinary%';")
    # Rows a version 1 database could hold: schema version 2 refuses text that is not
    # UTF-8 (db/migrations/0002), and the pages must still be valid for such old rows.
    sql.append("DROP TRIGGER articles_title_utf8_insert; DROP TRIGGER articles_body_utf8_insert;")
    for slug, (title, body) in HOSTILE.items():
        sql.append("INSERT INTO articles(slug, title, body) VALUES (%s, %s, %s);"
                   % (q(slug), title, body))
    sql.append("COMMIT;")
    site.sql("\n".join(sql))


@pytest.fixture(scope="module")
def main_site(tmp_path_factory):
    """The seed, 15 ordinary and the hostile articles: 23, three pages."""
    s = Site(tmp_path_factory.mktemp("html-site"))
    s.start()
    try:
        seed_articles(s)
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def pages(main_site, tmp_path_factory):
    """name -> Page for every kind of page, plus the error pages articled
    wrote for nginx, read from disk (name 'file-NNN')."""
    s = main_site
    got = {}

    def fetch(name, path, **kw):
        got[name] = Page(name, path, s.request(path, **kw))

    fetch("home", "/")
    fetch("blog", "/blog")
    fetch("blog-page-2", "/blog/page/2")
    fetch("blog-page-3", "/blog/page/3")
    fetch("seed", "/post/" + SEED_SLUG)
    for slug in HOSTILE:
        fetch(slug, "/post/" + slug)
    fetch("404-path", "/no/such/page")
    fetch("404-slug", "/post/no-such-article")
    fetch("404-past-end", "/blog/page/99")
    fetch("405-post", "/", method="POST", body=b"a=1",
          headers={"Content-Type": "application/x-www-form-urlencoded"})
    fetch("301-trailing-slash", "/blog/")
    fetch("301-upper-slug", "/post/" + SEED_SLUG.upper())
    fetch("414-articled", "/post/" + "a" * 3000)
    # nginx's own answers, with the static pages articled wrote.
    fetch("400-nginx-nul", "/post/%00")
    fetch("400-nginx-header", "/", headers={"X-Big": "b" * 12000})
    fetch("405-nginx-trace", "/", method="TRACE")
    fetch("414-nginx", "/" + "a" * 9000)
    fetch("search-empty", "/search")
    fetch("search-results", "/search?q=back+care")
    fetch("search-results-page-2", "/search?q=back+care&p=2")
    fetch("search-none", "/search?q=zyxwvut")
    fetch("search-hostile-query",
          "/search?q=%3Cscript%3E%22NEAR(%20*%20AND%20OR%20title:x%20%27%00%ff%c0%af%3C/mark%3E")
    fetch("search-hostile-results", "/search?q=alert+script")
    fetch("tag", "/blog/tag/back-care")
    fetch("tag-page-2", "/blog/tag/back-care/page/2")
    # Patients' questions (issue 19): a post with a published question (hostile text)
    # and the clinic's reply, a refused question (the form again) and the thank-you page.
    from comment_form import post, token
    s.get("/post/" + SEED_SLUG)
    s.sql("BEGIN; INSERT INTO articled_writing(who) VALUES ('comments');"
          "INSERT INTO comments(article_id, name, body) SELECT id, '<b>Ann</b> & co', "
          "'Is it <script>alert(1)</script> safe?' || char(10, 10) || 'Second line\nthird "
          "https://example.org' FROM articles WHERE slug = %s;"
          "DELETE FROM articled_writing; COMMIT;"
          "UPDATE comments SET status = 'published';"
          "INSERT INTO comments(parent_id, name, body) SELECT max(id), 'Roy', 'Yes.' "
          "FROM comments;" % q(SEED_SLUG))
    fetch("seed-with-comments", "/post/" + SEED_SLUG)
    got["comment-refused"] = Page("comment-refused", "/comment/" + SEED_SLUG, post(
        s, SEED_SLUG, {"token": token(s, SEED_SLUG), "name": "", "question": "<b>Hi</b>"}))
    sent = post(s, SEED_SLUG, {"token": token(s, SEED_SLUG), "name": "Bea",
                               "question": "When are you open?"})
    fetch("comment-thanks", sent.header("location"))

    # A second site emptied by the owner, then its database moved away
    # (articled answers 503), then articled stopped (nginx answers 502).
    e = Site(tmp_path_factory.mktemp("html-empty"))
    e.start()
    try:
        e.sql("DELETE FROM articles;")
        got["empty-home"] = Page("empty-home", "/", e.get("/"))
        got["empty-blog"] = Page("empty-blog", "/blog", e.get("/blog"))
        os.rename(e.db, e.db + ".away")
        # Each worker probes the file once a second: wait for its 503.
        r = wait_until(lambda: (lambda r: r.status == 503 and r)(e.get("/")),
                       "articled to answer 503 with its database moved away", 10,
                       step=0.1)
        got["503-database-gone"] = Page("503-database-gone", "/", r)
        e.stop_articled()
        got["502-articled-down"] = Page("502-articled-down", "/", e.get("/"))
    finally:
        e.stop()

    errors = os.path.join(s.var, "errors")
    for f in sorted(os.listdir(errors)):
        code, ext = os.path.splitext(f)
        if ext == ".html":
            with open(os.path.join(errors, f), "rb") as fh:
                body = fh.read()
            got["file-" + code] = Page("file-" + code, os.path.join(errors, f),
                                       FileResponse(code, body))
    return got


EXPECTED_STATUS = {
    "home": 200, "blog": 200, "blog-page-2": 200, "blog-page-3": 200,
    "seed": 200, "404-path": 404, "404-slug": 404, "404-past-end": 404,
    "405-post": 405, "301-trailing-slash": 301, "301-upper-slug": 301,
    "414-articled": 414, "400-nginx-nul": 400, "400-nginx-header": 400,
    "405-nginx-trace": 405, "414-nginx": 414, "empty-home": 200,
    "empty-blog": 200, "503-database-gone": 503, "502-articled-down": 502,
    "search-empty": 200, "search-results": 200, "search-results-page-2": 200,
    "search-none": 200, "search-hostile-query": 200, "search-hostile-results": 200,
    "tag": 200, "tag-page-2": 200,
    "seed-with-comments": 200, "comment-refused": 400, "comment-thanks": 200,
    **{k: 200 for k in HOSTILE}}


def test_every_kind_of_page_was_produced(pages):
    """The pages below are what they claim to be, so the checks on them
    mean something."""
    for name in SERVED:
        assert pages[name].status == EXPECTED_STATUS[name], (
            name, pages[name].status, pages[name].text[:300])
    for name in SERVED:
        assert pages[name].headers.get("content-type", "").startswith(
            "text/html"), (name, pages[name].headers)
        assert b'class="site-name"' in pages[name].body, (
            name, "not in the site's layout")
    # nginx answered these itself, with the static files articled wrote
    # (nginx's static files carry an ETag; articled's answers do not).
    for name in ("400-nginx-nul", "400-nginx-header", "405-nginx-trace",
                 "414-nginx", "502-articled-down"):
        assert "etag" in pages[name].headers, (name, pages[name].headers)
    for name in ("404-path", "405-post", "414-articled", "301-trailing-slash"):
        assert "etag" not in pages[name].headers, name
    assert "etag" not in pages["503-database-gone"].headers
    assert pages["405-post"].headers.get("allow") == "GET, HEAD"
    assert pages["301-trailing-slash"].headers.get("location") == "/blog"
    assert "No articles yet" in pages["empty-home"].text
    assert "No articles yet" in pages["empty-blog"].text
    assert 'rel="next"' in pages["blog-page-2"].text
    assert 'rel="prev"' in pages["blog-page-2"].text
    assert pages["search-results"].text.count("<mark>") >= 10
    assert "No article matches" in pages["search-none"].text
    assert "No article matches" in pages["search-hostile-query"].text
    assert "<mark>" in pages["search-hostile-results"].text
    assert 'rel="next"' in pages["tag"].text
    assert "Most read" in pages["404-path"].text
    for code in (400, 404, 405, 414, 500, 502, 503, 504):
        assert "file-%d" % code in pages, "articled wrote no %d.html" % code


# ---------------------------------------------------------------------------
# 1, 2. The Nu HTML Checker, one run over every page and the stylesheet.
# ---------------------------------------------------------------------------

# A page that must fail: proves the checker ran and reports errors.
CANARY = (b"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>x"
          b"</title></head><body><p><img src=''></body></html>")


@pytest.fixture(scope="module")
def vnu(pages, tmp_path_factory):
    """file name -> list of error messages; runs the checker once."""
    d = tmp_path_factory.mktemp("vnu")
    for name, page in pages.items():
        with open(os.path.join(d, name + ".html"), "wb") as f:
            f.write(page.body)
    with open(os.path.join(d, "canary.html"), "wb") as f:
        f.write(CANARY)
    shutil.copy(CSS_PATH, os.path.join(d, "style.css"))
    files = sorted(os.listdir(d))
    try:
        r = subprocess.run([VNU, "--errors-only", "--format", "json", "--stdout",
                            "--also-check-css"] + [os.path.join(d, f) for f in files],
                           capture_output=True, timeout=120)
    except FileNotFoundError as e:
        pytest.fail("tools/vnu cannot run: %s" % e)
    try:
        report = json.loads(r.stdout)
    except ValueError:
        pytest.fail("tools/vnu gave no JSON (exit %d): %s %s" % (
            r.returncode, r.stdout[-2000:], r.stderr[-2000:]))
    out = {f: [] for f in files}
    for m in report.get("messages", []):
        f = os.path.basename(urllib.parse.unquote(m.get("url", "")))
        if f not in out:
            pytest.fail("the Nu checker said something about no page we "
                        "gave it: %r" % m)
        out[f].append(m)
    if not out["canary.html"]:
        pytest.fail("the Nu checker found nothing wrong in a broken page: %s"
                    % r.stderr[-2000:])
    return out


def S_vnu_report(msgs, body):
    lines = body.decode("utf-8", "replace").split("\n")
    rep = []
    for m in msgs:
        ln = m.get("lastLine") or m.get("firstLine")
        src = lines[ln - 1][:200] if ln and ln <= len(lines) else ""
        rep.append("%s %s line %s: %s | %s" % (m.get("type"), m.get("subType", ""),
                                              ln, m.get("message"), src))
    return "\n".join(rep)


@pytest.mark.parametrize("name", SERVED)
def test_valid_html5(name, pages, vnu):
    page = pages[name]
    msgs = vnu[name + ".html"]
    assert not msgs, "%s (%s):\n%s" % (name, page.path, S_vnu_report(msgs, page.body))
    page.body.decode("utf-8")       # strict: no invalid UTF-8 reaches a page


def test_static_error_pages_valid(pages, vnu):
    """The pages articled writes for nginx's own answers (400, 503...)."""
    bad = {}
    names = [n for n in pages if n.startswith("file-")]
    assert len(names) >= 8, names
    for name in names:
        if vnu[name + ".html"]:
            bad[name] = S_vnu_report(vnu[name + ".html"], pages[name].body)
        pages[name].body.decode("utf-8")
    assert not bad, bad


def test_stylesheet_valid_css(vnu):
    assert not vnu["style.css"], vnu["style.css"]


# ---------------------------------------------------------------------------
# The markup, parsed.
# ---------------------------------------------------------------------------

class Markup(html.parser.HTMLParser):
    """Tags, attributes, headings, links and images, in order."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []          # (tag, attrs dict, raw start tag)
        self.headings = []      # (level, text)
        self.links = []         # [href, text, aria-label]
        self.imgs = []
        self.html_lang = None
        self.titles = []
        self._heading = None
        self._links = []        # open <a> entries
        self._title = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, attrs, self.get_starttag_text() or ""))
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "title":
            self._title = []
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), ""]
        if tag == "a":
            entry = [a.get("href"), "", a.get("aria-label")]
            self.links.append(entry)
            self._links.append(entry)
        if tag == "img":
            self.imgs.append(a)
            for e in self._links:
                e[1] += " " + (a.get("alt") or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "title" and self._title is not None:
            self.titles.append("".join(self._title))
            self._title = None
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((self._heading[0], self._heading[1].strip()))
            self._heading = None
        if tag == "a" and self._links:
            self._links.pop()

    def handle_data(self, data):
        if self._title is not None:
            self._title.append(data)
        if self._heading is not None:
            self._heading[1] += data
        for e in self._links:
            e[1] += data


def markup(page):
    if not hasattr(page, "_markup"):
        page._markup = Markup(page.body.decode("utf-8", "replace"))
    return page._markup


def S_norm(s):
    return re.sub(r"\s+", " ", s or "").strip()


def S_heading_problems(m):
    """Exactly one <h1>, first; no level more than one below the last."""
    levels = [lv for lv, _ in m.headings]
    problems = []
    if levels.count(1) != 1:
        problems.append("%d <h1> elements" % levels.count(1))
    if levels and levels[0] != 1:
        problems.append("first heading is h%d" % levels[0])
    for a, b in zip(levels, levels[1:]):
        if b > a + 1:
            problems.append("h%d after h%d" % (b, a))
    for lv, text in m.headings:
        if not text:
            problems.append("empty h%d" % lv)
    return problems


# URL schemes that run code or carry a document.
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.I)


JSONLD = re.compile(r'<script type="application/ld\+json">[^<]*</script>')


def S_unsafe_markup(page):
    """What in a page could run: <script>, on* handlers, javascript: URLs
    in a tag (after entity decoding, without whitespace and controls)."""
    m = markup(page)
    found = []
    # The one script element allowed is the JSON-LD data block (never run),
    # whose text holds no "<" at all (jsonld.c escapes it).
    low = JSONLD.sub("", page.text, count=1).lower()
    if "<script" in low:
        found.append("<script")
    # the search box, and under a post the question form (issue 19)
    if low.count("<form") > 2:
        found.append("more than two <form>")
    for tag, attrs, raw in m.tags:
        if "javascript:" in raw.lower():
            found.append("javascript: in tag %r" % raw[:120])
        for k, v in attrs:
            if k.lower().startswith("on"):
                found.append("%s= on <%s>" % (k, tag))
            if k.lower() in ("href", "src", "action", "formaction", "srcset",
                             "xlink:href", "poster", "data", "background"):
                clean = re.sub(r"[\x00-\x20\x7f]", "", v or "")
                # The layout's own empty icon ("data:,") is the one exception.
                if BAD_SCHEME.match(clean) and not (
                        tag == "link" and clean == "data:,"):
                    found.append("%s=%r on <%s>" % (k, v[:80], tag))
            if k.lower() == "style":
                found.append("style= on <%s>" % tag)
        # The layout's own search box is a form a page may hold,
        if tag == "form" and dict(attrs) == {"class": "search", "role": "search",
                                             "action": "/search", "method": "get"}:
            continue
        # and the question form under a post, to this site's /comment/ (issue 19).
        if tag == "form" and dict(attrs).get("class") == "comment-form" and \
                dict(attrs).get("method") == "post" and \
                re.fullmatch(r"/comment/[a-z0-9-]+", dict(attrs).get("action") or ""):
            continue
        if tag in ("iframe", "frame", "object", "embed", "style", "form",
                   "base", "svg", "math") or (
                tag == "meta" and "http-equiv" in dict(attrs)):
            found.append("<%s>" % tag)
    return found


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_article_inert_and_well_formed(name, pages):
    page = pages[name]
    m = markup(page)
    assert not S_heading_problems(m), (S_heading_problems(m), m.headings)
    assert not S_unsafe_markup(page), S_unsafe_markup(page)
    for img in m.imgs:
        assert img.get("src"), "an <img> with an empty src: %r" % img


def test_hostile_content_reached_the_pages(pages):
    """The hostile articles were shown, escaped and repaired, not lost."""
    t = {k: pages[k].text for k in HOSTILE}
    assert "<h1>&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; " in t["hostile-script"]
    assert "Text after the raw HTML." in t["hostile-script"]
    assert "Links&quot; onmouseover=&quot;alert(1)&quot;" in t["hostile-links"]
    # A space in a <...> destination: either a link, percent-encoded, or
    # (markdown.c's strict rule today) the text without the link.
    assert ('href="https://example.com/a%20b"' in t["hostile-links"] or
            "<p>A URL with a space and" in t["hostile-links"])
    assert '<img src="https://example.com/decoration.png" alt=""' in t["hostile-links"]
    assert ">js link<" in t["hostile-links"] or "js link" in t["hostile-links"]
    assert "js image" in t["hostile-links"]     # the unsafe image's text stays
    assert 'href="https://example.com/outer"' in t["hostile-links"]
    assert "\ufffd" in t["hostile-utf8-text"] and "\ufffd" in t["hostile-utf8-blob"]
    assert "Second paragraph." in t["hostile-utf8-blob"]
    assert LONG_WORD in t["hostile-long"]
    assert "if (a &lt; b &amp;&amp; c &gt; d)" in t["hostile-structure"]
    levels = [lv for lv, _ in markup(pages["hostile-headings"]).headings]
    assert levels[:2] == [1, 2] and 6 not in levels, levels
    # The list pages show the hostile titles and excerpts too.
    assert "&lt;script&gt;alert(&quot;t&quot;)" in pages["home"].text


@pytest.mark.parametrize("name", SERVED)
def test_no_script_anywhere(name, pages):
    assert not S_unsafe_markup(pages[name]), S_unsafe_markup(pages[name])


# ---------------------------------------------------------------------------
# 3. Accessibility basics.
# ---------------------------------------------------------------------------

VAGUE_LINK_TEXT = {"here", "click here", "read more", "more", "link", "this",
                   "click", "continue", "go", "this page", "this link"}


def S_a11y_problems(page):
    m = markup(page)
    p = []
    if not (m.html_lang or "").strip():
        p.append("<html> has no lang")
    if len(m.titles) != 1 or not S_norm(m.titles[0]):
        p.append("title: %r" % m.titles)
    if sum(1 for t, _, _ in m.tags if t == "main") != 1:
        p.append("not exactly one <main>")
    if not any(t == "meta" and dict(a).get("name") == "viewport" and
               "width=device-width" in (dict(a).get("content") or "")
               for t, a, _ in m.tags):
        p.append("no viewport meta with width=device-width")
    p.extend(S_heading_problems(m))
    where = {}
    for href, text, label in m.links:
        name = S_norm(label) or S_norm(text)
        if not href:
            p.append("<a> without href: %r" % name)
        if not name:
            p.append("link to %r has no text" % href)
            continue
        if name.lower().strip(".…:!") in VAGUE_LINK_TEXT:
            p.append("vague link text %r" % name)
        where.setdefault(name.lower(), set()).add(href)
    for name, hrefs in where.items():
        if len(hrefs) > 1:
            p.append("link text %r goes to %s" % (name, sorted(hrefs)))
    for img in m.imgs:
        if "alt" not in img:
            p.append("<img> without alt: %r" % img)
    return p


@pytest.mark.parametrize("name", SERVED)
def test_accessibility_basics(name, pages):
    assert not S_a11y_problems(pages[name]), S_a11y_problems(pages[name])


def test_static_error_pages_accessible(pages):
    bad = {n: S_a11y_problems(p) for n, p in pages.items() if n.startswith("file-")}
    assert not any(bad.values()), bad


# --- contrast: every text colour in the stylesheet against every background.

NAMED = {"white": "#ffffff", "black": "#000000"}


def S_parse_colour(v):
    v = v.strip().lower()
    v = NAMED.get(v, v)
    m = re.fullmatch(r"#([0-9a-f]{3}|[0-9a-f]{6})", v)
    if m:
        h = m.group(1)
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))
    m = re.fullmatch(r"rgb\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)\s*\)", v)
    if m:
        return tuple(int(g) for g in m.groups())
    return None


def S_luminance(rgb):
    def lin(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = sorted((S_luminance(a), S_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def S_css_rules(css):
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    # Flatten @media blocks: their rules count like the others.
    rules = []
    for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        decls = {}
        for d in body.split(";"):
            if ":" in d:
                k, v = d.split(":", 1)
                decls[k.strip().lower()] = v.strip()
        rules.append((S_norm(sel), decls))
    return rules


def S_colours(css):
    """(text colours, background colours): [(selector, value, rgb)]."""
    fg, bg = [], []
    for sel, decls in S_css_rules(css):
        for k, v in decls.items():
            if k == "color":
                if v.lower() in ("inherit", "currentcolor", "initial", "unset"):
                    continue
                rgb = S_parse_colour(v)
                assert rgb, "colour %r in %r not understood by the test" % (v, sel)
                fg.append((sel, v, rgb))
            elif k in ("background", "background-color"):
                for tok in re.findall(r"#[0-9a-fA-F]{3,6}\b|rgb\([^)]*\)|\b(?:white|black)\b", v):
                    bg.append((sel, tok, S_parse_colour(tok)))
                if re.search(r"gradient|url\(|transparent|rgba|hsl", v):
                    raise AssertionError("background %r in %r not understood" % (v, sel))
    return fg, bg


def test_text_contrast_at_least_4_5():
    with open(CSS_PATH) as f:
        fg, bg = S_colours(f.read())
    sels = " ".join(s for s, _, _ in fg)
    # The ones the brief names must be among those checked.
    assert re.search(r"(^|[ ,])a([ ,:]|$)", sels), sels
    assert ".meta" in sels and "body" in sels, sels
    assert any(s == "body" for s, _, _ in bg), "no page background found"
    backgrounds = bg + [("(browser default)", "#fff", (255, 255, 255))]
    low = []
    for fs, fv, frgb in fg:
        for bs, bv, brgb in backgrounds:
            r = contrast(frgb, brgb)
            if r < 4.5:
                low.append("%s %s on %s %s: %.2f:1" % (fs, fv, bs, bv, r))
    assert not low, low


def test_focus_outline_contrast_at_least_3():
    """Non-text contrast (WCAG 1.4.11) of the focus outline."""
    with open(CSS_PATH) as f:
        rules = S_css_rules(f.read())
    outlines = [(s, d["outline"]) for s, d in rules if "outline" in d]
    assert outlines, "no focus outline in the stylesheet"
    for sel, v in outlines:
        rgb = S_parse_colour(re.findall(r"#[0-9a-fA-F]{3,6}\b", v)[0])
        for bgc in ((255, 255, 255), (0xf3, 0xf6, 0xf9)):
            assert contrast(rgb, bgc) >= 3, (sel, v, bgc)


# ---------------------------------------------------------------------------
# 5. No JavaScript, no cookies, one small stylesheet.
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", SERVED)
def test_no_cookie_one_stylesheet(name, pages):
    page = pages[name]
    assert not [v for k, v in page.header_list if k.lower() == "set-cookie"]
    links = [a for t, a, _ in markup(page).tags
             if t == "link" and "stylesheet" in (dict(a).get("rel") or "").split()]
    assert [dict(a).get("href") for a in links] == ["/static/style.css"], links
    assert not [t for t, a, _ in markup(page).tags if t == "style" or (
        t == "script" and dict(a).get("type") != "application/ld+json")]


def test_stylesheet_small_static_no_cookie(main_site):
    r = main_site.get("/static/style.css")
    assert r.status == 200
    assert r.header("content-type").startswith("text/css"), r.headers
    assert not r.header("set-cookie")
    assert len(r.body) < 8192, len(r.body)
    with open(CSS_PATH, "rb") as f:
        assert r.body == f.read(), "nginx serves another file than templates/static/style.css"
    assert "@import" not in r.text and "url(" not in r.text


# ---------------------------------------------------------------------------
# 4. Layout in headless Chromium over the DevTools protocol (tests/lib/browser.py).
# ---------------------------------------------------------------------------

# What a page reports: layout width, the viewport, font sizes of the text.
MEASURE = r"""(() => {
  const de = document.documentElement;
  const out = {scrollWidth: de.scrollWidth, bodyScrollWidth: document.body.scrollWidth,
               innerWidth: window.innerWidth, clientWidth: de.clientWidth,
               bodyFont: parseFloat(getComputedStyle(document.body).fontSize),
               small: [], wide: [], texts: 0, mainFont: null};
  let longest = null;          // the body text: main's longest paragraph
  for (const p of document.querySelectorAll('main p, main li'))
    if (!longest || p.textContent.length > longest.textContent.length) longest = p;
  if (longest) out.mainFont = parseFloat(getComputedStyle(longest).fontSize);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const t = walker.currentNode;
    if (!t.data.trim()) continue;
    const el = t.parentElement;
    if (seen.has(el)) continue;
    seen.add(el);
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right < 0) continue;          // hidden, or the skip link
    out.texts++;
    const fs = parseFloat(getComputedStyle(el).fontSize);
    if (fs < 16) out.small.push(el.tagName + '.' + el.className + ' ' + fs + 'px: ' + t.data.trim().slice(0, 40));
  }
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > window.innerWidth + 0.5) {
      let clipped = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const ox = getComputedStyle(a).overflowX;
        if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { clipped = true; break; }
      }
      if (!clipped) out.wide.push(el.tagName + '.' + el.className + ' right=' + Math.round(r.right));
    }
  }
  return out;
})()"""

LAYOUT_PAGES = ["home", "seed", "hostile-long", "hostile-structure", "blog-page-2",
                "404-path"]
VIEWPORTS = {"phone-375": (375, 812, True), "desktop-1280": (1280, 800, False)}


@pytest.fixture(scope="module")
def layout(main_site, pages, tmp_path_factory):
    """(viewport, page) -> measurements; screenshots in the tmp folder."""
    shots = str(tmp_path_factory.mktemp("screenshots"))
    res = {}
    for vp, (w, h, mobile) in VIEWPORTS.items():
        b = Browser(w, h, shots)
        try:
            if mobile:
                b.call("Emulation.setDeviceMetricsOverride", width=w, height=h,
                       deviceScaleFactor=2, mobile=True)
                b.call("Emulation.setTouchEmulationEnabled", enabled=True)
            for name in LAYOUT_PAGES:
                b.goto(main_site.url(pages[name].path))
                m = b.eval(MEASURE)
                m["screenshot"] = os.path.join(shots, "%s-%s.png" % (vp, name))
                b.screenshot(m["screenshot"])
                res[(vp, name)] = m
        except (OSError, RuntimeError) as e:
            pytest.fail("Chromium (%s): %s\n%s" % (vp, e, b._log_tail()))
        finally:
            b.quit()
    res["dir"] = shots
    return res


@pytest.mark.parametrize("vp", sorted(VIEWPORTS))
@pytest.mark.parametrize("name", LAYOUT_PAGES)
def test_layout_fits_and_text_readable(vp, name, layout):
    m = layout[(vp, name)]
    w = VIEWPORTS[vp][0]
    assert m["innerWidth"] == w, ("the viewport is not the device's width", m)
    assert m["scrollWidth"] <= m["innerWidth"], ("horizontal overflow", m["wide"], m)
    assert not m["wide"], m["wide"]
    assert m["bodyFont"] >= 16 and m["mainFont"] and m["mainFont"] >= 16, m
    assert m["texts"] > 5, m
    assert not m["small"], ("text under 16 px", m["small"])
    assert os.path.getsize(m["screenshot"]) > 5000, m["screenshot"]
