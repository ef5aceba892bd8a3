"""Bad input, through real nginx: a clear answer in the site's layout,
nothing lost, and the server stays up (after every hostile request the
seed article still answers 200).  Then hostile content the owner put in
the database: nothing executable reaches the page, and the page stays
well-formed UTF-8 with one <h1>."""
import html.parser
import os
import re
import socket
import subprocess
import time

import pytest

from site_harness import SEED_SLUG

SEED_PATH = "/post/" + SEED_SLUG
STYLESHEET = '<link rel="stylesheet" href="/static/style.css">'
SITE_NAME_LINK = '<p class="site-name"><a href="/">Acupuncture Clinic</a></p>'


def assert_site_layout(body):
    text = body if isinstance(body, str) else body.decode("utf-8", "replace")
    assert STYLESHEET in text
    assert SITE_NAME_LINK in text


def assert_alive(site):
    r = site.get(SEED_PATH, method="HEAD")
    assert r.status == 200
    r = site.get(SEED_PATH)
    assert r.status == 200
    assert "<h1>Sciatica and back pain." in r.text


@pytest.fixture(autouse=True)
def server_stays_up(request):
    """After every test here, hostile or not, the seed article still
    answers 200 from the same site."""
    # asked for before the test, so that it is torn down after this
    sites = [request.getfixturevalue(name) for name in ("site", "shared_site")
             if name in request.fixturenames]
    yield
    for s in sites:
        assert_alive(s)


def raw(site, data, timeout=5):
    """Sends bytes as they are on a new connection; returns (status,
    headers as a lower-case dict, body bytes)."""
    with socket.create_connection(("127.0.0.1", site.port), timeout) as c:
        c.sendall(data)
        c.settimeout(timeout)
        out = b""
        while True:
            try:
                b = c.recv(65536)
            except socket.timeout:
                break
            if not b:
                break
            out += b
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3})", lines[0])
    assert m, lines[0]
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return int(m.group(1)), headers, body


# ---- the request line and path --------------------------------------------

def test_path_over_2kb_is_414_from_articled(shared_site):
    r = shared_site.get("/post/" + "a" * 2100)
    assert r.status == 414
    assert_site_layout(r.text)
    assert_alive(shared_site)


def test_path_of_2048_bytes_is_not_too_long(shared_site):
    path = "/" + "a" * 2047
    assert len(path) == 2048
    assert shared_site.get(path).status == 404
    assert shared_site.get(path + "a").status == 414


def test_path_longer_than_nginx_buffers_is_414_in_site_layout(shared_site):
    r = shared_site.get("/" + "a" * 9000)
    assert r.status == 414
    assert_site_layout(r.text)
    assert_alive(shared_site)


def test_query_string_over_2kb_is_414(shared_site):
    r = shared_site.get("/blog?q=" + "x" * 2100)
    assert r.status == 414
    assert_site_layout(r.text)
    assert_alive(shared_site)


def test_short_query_string_is_ignored(shared_site):
    r = shared_site.get("/blog?utm_source=x&a=%zz")
    assert r.status == 200
    assert 'href="' + SEED_PATH + '"' in r.text


@pytest.mark.parametrize("path", [
    "/blog%00", "/post/a%00b", "/%00", "/blog%zz", "/post/%zzabc",
    "/post/%g1", "/blog%", "/blog%4", "/post/abc%", "/post/%01abc",
    "/post/abc%7F"])
def test_nul_bad_escape_and_controls_are_400_in_site_layout(shared_site, path):
    r = shared_site.get(path)
    assert r.status == 400
    assert_site_layout(r.text)
    assert r.header("content-type") == "text/html; charset=utf-8"
    assert_alive(shared_site)


@pytest.mark.parametrize("path", [
    "/post/%C3%28", "/post/%FF", "/post/%C0%AF", "/post/%ED%A0%80",
    "/post/abc%E2%82", "/%FE%FF"])
def test_invalid_utf8_in_path_is_400_in_site_layout(shared_site, path):
    r = shared_site.get(path)
    assert r.status == 400
    assert_site_layout(r.text)
    r.body.decode("utf-8", "strict")
    assert_alive(shared_site)


@pytest.mark.parametrize("path", [
    "/post/../../etc/passwd", "/../etc/passwd", "/..", "/post/..%2F..%2Fetc%2Fpasswd",
    "/%2e%2e/%2e%2e/etc/passwd"])
def test_climbing_above_the_root_is_400_in_site_layout(shared_site, path):
    r = shared_site.get(path)
    assert r.status == 400
    assert_site_layout(r.text)
    assert "root:" not in r.text
    assert_alive(shared_site)


@pytest.mark.parametrize("path,location", [
    ("//blog", "/blog"),
    ("/blog/", "/blog"),
    ("/blog//", "/blog"),
    ("/./blog", "/blog"),
    ("/blog/.", "/blog"),
    ("/blog/../blog", "/blog"),
    ("/post/x/../../blog", "/blog"),
    ("/%2Fblog", "/blog"),
    ("/blog/page/2/", "/blog/page/2"),
    ("/post/" + SEED_SLUG + "/", SEED_PATH),
    ("//post//" + SEED_SLUG, SEED_PATH),
    ("/post/./" + SEED_SLUG, SEED_PATH),
    ("//evil.example/", "/evil.example"),
    ("///evil.example", "/evil.example"),
    ("//evil.example/%2F..", "/"),
    ("/%2F%2Fevil.example", "/evil.example"),
    ("//%5Cevil.example", "/%5Cevil.example"),
])
def test_non_canonical_paths_redirect_once_to_a_local_path(shared_site, path,
                                                            location):
    r = shared_site.get(path)
    assert r.status == 301
    loc = r.header("location")
    assert loc == location
    assert loc.startswith("/") and not loc.startswith("//")
    assert "\\" not in loc
    assert_site_layout(r.text)


def test_non_canonical_redirects_keep_no_query(shared_site):
    r = shared_site.get("/blog/?x=1")
    assert r.status == 301
    assert r.header("location") == "/blog"


def test_uppercase_slug_redirects_to_lower_case(shared_site):
    r = shared_site.get("/post/" + SEED_SLUG.upper())
    assert r.status == 301
    assert r.header("location") == SEED_PATH
    r = shared_site.get("/post/Sciatica-And-Back-Pain")
    assert r.status == 301
    assert r.header("location") == "/post/sciatica-and-back-pain"


def test_uppercase_slug_with_trailing_slash_redirects_in_one_step(shared_site):
    r = shared_site.get("/post/" + SEED_SLUG.upper() + "/")
    assert r.status == 301
    assert r.header("location") == SEED_PATH


def test_slug_over_80_characters_is_404(shared_site):
    assert shared_site.get("/post/" + "a" * 81).status == 404
    assert shared_site.get("/post/" + "A" * 81).status == 404


# ---- headers ----------------------------------------------------------------

def test_16kb_cookie_is_refused_by_nginx_in_site_layout(shared_site):
    r = shared_site.get("/blog", headers={"Cookie": "a=" + "b" * 16384})
    assert r.status == 400
    assert_site_layout(r.text)
    assert_alive(shared_site)


def test_100_headers_of_1kb_are_refused_in_site_layout(shared_site):
    req = (b"GET /blog HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
           b"".join(b"X-Pad-%d: %s\r\n" % (i, b"v" * 1024) for i in range(100)) +
           b"\r\n")
    status, headers, body = raw(shared_site, req)
    assert status == 400
    assert_site_layout(body)
    assert_alive(shared_site)


def test_many_small_headers_within_limits_are_fine(shared_site):
    headers = {"X-Pad-%d" % i: "v" * 40 for i in range(50)}
    assert shared_site.get("/blog", headers=headers).status == 200


def test_absolute_uri_in_request_line_works(shared_site):
    req = (b"GET http://127.0.0.1:%d/blog HTTP/1.1\r\nHost: localhost\r\n"
           b"Connection: close\r\n\r\n" % shared_site.port)
    status, headers, body = raw(shared_site, req)
    assert status == 200
    assert ('href="' + SEED_PATH + '"').encode() in body


def test_absolute_uri_to_an_article_works(shared_site):
    req = (b"GET http://localhost" + SEED_PATH.encode() + b" HTTP/1.1\r\n"
           b"Host: localhost\r\nConnection: close\r\n\r\n")
    status, headers, body = raw(shared_site, req)
    assert status == 200
    assert b"<h1>Sciatica and back pain." in body


def test_absolute_uri_with_non_canonical_path_redirects_locally(shared_site):
    req = (b"GET http://localhost//evil.example/ HTTP/1.1\r\n"
           b"Host: localhost\r\nConnection: close\r\n\r\n")
    status, headers, body = raw(shared_site, req)
    assert status == 301
    assert headers["location"] == "/evil.example"


def test_trace_is_405_with_allow_in_site_layout(shared_site):
    status, headers, body = raw(shared_site, b"TRACE /blog HTTP/1.1\r\n"
                                b"Host: localhost\r\nConnection: close\r\n\r\n")
    assert status == 405
    assert headers["allow"] == "GET, HEAD"
    assert_site_layout(body)
    assert_alive(shared_site)


def test_get_with_a_body_is_answered_normally(shared_site):
    req = (b"GET /blog HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n"
           b"Connection: close\r\n\r\nhello=world")
    status, headers, body = raw(shared_site, req)
    assert status == 200
    assert ('href="' + SEED_PATH + '"').encode() in body
    assert_alive(shared_site)


def test_post_with_a_body_over_the_limit_is_413_in_site_layout(shared_site):
    r = shared_site.get("/blog", method="POST", body=b"x" * 20000)
    assert r.status == 413
    assert_site_layout(r.text)
    assert_alive(shared_site)


def test_connect_is_refused_in_site_layout(shared_site):
    status, headers, body = raw(shared_site, b"CONNECT 127.0.0.1:22 HTTP/1.1\r\n"
                                b"Host: localhost\r\nConnection: close\r\n\r\n")
    assert status == 400
    assert_site_layout(body)
    assert_alive(shared_site)


@pytest.mark.parametrize("method", [b"G(T", b"GE T", b"get", b"\x01GET"])
def test_bad_method_token_is_400_in_site_layout(shared_site, method):
    status, headers, body = raw(shared_site, method + b" /blog HTTP/1.1\r\n"
                                b"Host: localhost\r\nConnection: close\r\n\r\n")
    assert status == 400
    assert_site_layout(body)
    assert_alive(shared_site)


def test_well_formed_unknown_method_is_405_with_allow(shared_site):
    status, headers, body = raw(shared_site, b"BREW /blog HTTP/1.1\r\n"
                                b"Host: localhost\r\nConnection: close\r\n\r\n")
    assert status == 405
    assert headers["allow"] == "GET, HEAD"
    assert_site_layout(body)


def test_http_1_0_without_host_works(shared_site):
    status, headers, body = raw(shared_site, b"GET " + SEED_PATH.encode() +
                                b" HTTP/1.0\r\n\r\n")
    assert status == 200
    assert b"<h1>Sciatica and back pain." in body


def test_http_1_1_without_host_is_400_in_site_layout(shared_site):
    status, headers, body = raw(shared_site, b"GET /blog HTTP/1.1\r\n"
                                b"Connection: close\r\n\r\n")
    assert status == 400
    assert_site_layout(body)
    assert_alive(shared_site)


def test_garbage_request_line_is_400(shared_site):
    status, headers, body = raw(shared_site, b"\x16\x03\x01\x00\xa5\x01\x00\x00"
                                b"\xa1\x03\x03 hello\r\n\r\n")
    assert status == 400
    assert_alive(shared_site)


# ---- hostile content inserted by the owner ---------------------------------

class PageScan(html.parser.HTMLParser):
    """Every start tag with its attributes, for checks that look at
    markup rather than text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def scan(text):
    p = PageScan()
    p.feed(text)
    p.close()
    return p.tags


# The one script element a post has: its JSON-LD, a data block that never runs, whose
# text holds no "<" (jsonld.c escapes it); nothing else may carry a script.
JSONLD = re.compile(r'<script type="application/ld\+json">[^<]*</script>')


def assert_nothing_executable(text):
    text = JSONLD.sub("", text, count=1)
    low = text.lower()
    assert "<script" not in low
    assert "<iframe" not in low
    assert "javascript:" not in low
    # the search box, and under a post the question form (issue 19)
    assert len(re.findall(r'<form[^>]* action="(?:/search|/comment/[a-z0-9-]+)"', low)) == \
        low.count("<form") <= 2
    for tag, attrs in scan(text):
        # the layout's own search box is a form a page may hold
        if tag == "form" and dict(attrs) == {"class": "search", "role": "search",
                                             "action": "/search", "method": "get"}:
            continue
        # and the question form under a post (issue 19)
        if tag == "form" and dict(attrs).get("class") == "comment-form" and \
                re.fullmatch(r"/comment/[a-z0-9-]+", dict(attrs).get("action", "")) and \
                dict(attrs).get("method") == "post":
            continue
        assert tag not in ("script", "iframe", "object", "embed", "svg",
                           "math", "form", "base", "frame", "style")
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "action", "formaction"):
                assert value is not None and value != ""
                assert not value.strip().lower().startswith(
                    ("javascript:", "vbscript:", "data:text")), (tag, name, value)


HOSTILE_TITLES = [
    ("<script>alert(1)</script>", "hostile-script",
     "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('"><img src=x onerror=alert(1)>', "hostile-img",
     "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
    ("' onmouseover='x", "hostile-quote", "&#39; onmouseover=&#39;x"),
]


@pytest.mark.parametrize("title,slug,escaped", HOSTILE_TITLES,
                         ids=[s for _, s, _ in HOSTILE_TITLES])
def test_hostile_title_is_escaped_everywhere(site, title, slug, escaped):
    # the same text leads the body, so that it reaches the description
    body = "`%s` is the title.\n" % title
    site.sql("INSERT INTO articles(title, slug, body) VALUES ('%s', '%s', '%s');"
             % (title.replace("'", "''"), slug, body.replace("'", "''")))
    r = site.get("/post/" + slug)
    assert r.status == 200
    assert "<title>%s</title>" % escaped in r.text
    assert "<h1>%s</h1>" % escaped in r.text
    assert ('<meta name="description" content="%s is the title.">' % escaped
            in r.text)
    assert_nothing_executable(r.text)
    lst = site.get("/blog")
    assert '<h2><a href="/post/%s">%s</a></h2>' % (slug, escaped) in lst.text
    assert_nothing_executable(lst.text)
    # the only tags are the template's: the title added none
    assert [t for t, _ in scan(r.text)].count("img") == 0
    assert_alive(site)


HOSTILE_BODY = """First paragraph <script>alert(1)</script> with a tag.

<script>alert(2)</script>

<iframe src="https://evil.example/"></iframe>

[x](javascript:alert(1)) and [y](JaVaScRiPt:alert(1)) and [z](  javascript:alert(1))

![i](javascript:alert(1)) and ![j](vbscript:msgbox) and ![k](data:text/html,<b>)

<a href="javascript:alert(3)">raw link</a> and <a href="#" onclick="alert(4)">click</a>

<div onclick="alert(5)">raw div</div>

<img src=x onerror=alert(6)>

[entity](&#106;avascript:alert(7)) and [tab](java&#9;script:alert(8))

<svg onload=alert(9)>

Fine [link](https://example.org/a?b=c) and ![pic](https://example.org/p.png).
"""


def test_hostile_body_reaches_the_page_with_nothing_executable(site):
    with open(os.path.join(site.dir, "evil.md"), "w") as f:
        f.write(HOSTILE_BODY)
    site.sql("INSERT INTO articles(title, slug, body) VALUES "
             "('Evil body', 'evil-body', readfile('evil.md'));")
    r = site.get("/post/evil-body")
    assert r.status == 200
    assert_nothing_executable(r.text)
    low = r.text.lower()
    assert "onclick=" not in low and "onerror=" not in low and "onload=" not in low
    # the text of dropped links and images stays
    assert ">x</a>" not in r.text
    assert "x and y and z" in r.text
    assert "i and j and k" in r.text
    assert '<a href="https://example.org/a?b=c">link</a>' in r.text
    assert '<img src="https://example.org/p.png" alt="pic" />' in r.text
    # no empty src left by a dropped image
    assert 'src=""' not in r.text
    assert_nothing_executable(site.get("/blog").text)


def test_body_headings_sit_below_the_title(site):
    body = "# Heading one\n\nText.\n\n## Heading two\n\n# Another top\n\n#### Deep\n"
    site.sql("INSERT INTO articles(title, slug, body) VALUES "
             "('Headings', 'headings', '%s');" % body)
    r = site.get("/post/headings")
    assert r.status == 200
    assert r.text.count("<h1") == 1
    assert "<h1>Headings</h1>" in r.text
    assert "<h2>Heading one</h2>" in r.text
    assert "<h3>Heading two</h3>" in r.text
    assert "<h2>Another top</h2>" in r.text
    assert "<h3>Deep</h3>" in r.text


def test_invalid_utf8_in_title_and_body_becomes_replacement_characters(site):
    # A row from before schema version 2, which refuses text that is not UTF-8.
    site.sql("DROP TRIGGER articles_title_utf8_insert; DROP TRIGGER articles_body_utf8_insert;")
    # "Bad " C3 28 " title " FF and "Body " C3 28 " " FE " end."
    site.sql("INSERT INTO articles(title, slug, body) VALUES ("
             "CAST(X'42616420C328207469746C6520FF' AS TEXT), 'bad-utf8', "
             "CAST(X'426F647920C32820FE20656E642E' AS TEXT));")
    for path in ("/post/bad-utf8", "/blog"):
        r = site.get(path)
        assert r.status == 200
        text = r.body.decode("utf-8", "strict")
        assert "\ufffd" in text
    text = site.get("/post/bad-utf8").body.decode("utf-8", "strict")
    assert "<title>Bad \ufffd( title \ufffd</title>" in text
    assert "<h1>Bad \ufffd( title \ufffd</h1>" in text
    assert "<p>Body \ufffd( \ufffd end.</p>" in text


def test_invalid_utf8_blob_body_through_readfile_is_replaced(site):
    # A row from before schema version 2, which refuses text that is not UTF-8.
    site.sql("DROP TRIGGER articles_title_utf8_insert; DROP TRIGGER articles_body_utf8_insert;")
    with open(os.path.join(site.dir, "bin.md"), "wb") as f:
        f.write(b"Caf\xe9 au lait \xff\xfe and \xed\xa0\x80 surrogate.\n")
    site.sql("INSERT INTO articles(title, slug, body) VALUES "
             "('Binary', 'binary', readfile('bin.md'));")
    r = site.get("/post/binary")
    assert r.status == 200
    text = r.body.decode("utf-8", "strict")
    assert "<p>Caf\ufffd au lait \ufffd\ufffd and \ufffd surrogate.</p>" in text


@pytest.mark.parametrize("hexbytes", ["01", "0B", "1B", "7F", "C280"])
def test_control_characters_in_title_are_replaced(site, hexbytes):
    site.sql("INSERT INTO articles(title, slug, body) VALUES ("
             "'Ctl' || CAST(X'%s' AS TEXT) || 'x', 'ctl', 'Body.');" % hexbytes)
    r = site.get("/post/ctl")
    assert r.status == 200
    text = r.body.decode("utf-8", "strict")
    assert "<title>Ctl\ufffdx</title>" in text
    assert "<h1>Ctl\ufffdx</h1>" in text
    lst = site.get("/blog").body.decode("utf-8", "strict")
    assert '<a href="/post/ctl">Ctl\ufffdx</a>' in lst
    assert not re.search("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]", text + lst)


def test_template_syntax_in_title_and_body_is_shown_literally(site):
    site.sql("INSERT INTO articles(title, slug, body) VALUES "
             "('{{site_name}} {{{content}}} {{#x}}', 'tmpl', "
             "'Body {{body}} and {{{body}}} {{/x}}');")
    r = site.get("/post/tmpl")
    assert r.status == 200
    assert "<h1>{{site_name}} {{{content}}} {{#x}}</h1>" in r.text
    assert "<p>Body {{body}} and {{{body}}} {{/x}}</p>" in r.text
    lst = site.get("/blog")
    assert '<a href="/post/tmpl">{{site_name}} {{{content}}} {{#x}}</a>' in lst.text


def test_nul_byte_in_title_and_body_never_reaches_the_page(site):
    # A row from before schema version 2, which refuses text that is not UTF-8.
    site.sql("DROP TRIGGER articles_title_utf8_insert; DROP TRIGGER articles_body_utf8_insert;")
    site.sql("INSERT INTO articles(title, slug, body) VALUES ("
             "'Nul' || CAST(X'00' AS TEXT) || 'title', 'nul', "
             "'Body' || CAST(X'00' AS TEXT) || 'text');")
    for path in ("/post/nul", "/blog"):
        r = site.get(path)
        assert r.status == 200
        assert b"\x00" not in r.body
        r.body.decode("utf-8", "strict")
    assert_alive(site)


def test_invalid_utf8_in_settings_is_replaced(site):
    site.sql("UPDATE settings SET value = CAST(X'436C696E6963FF' AS TEXT) "
             "WHERE key = 'site_name';"
             "UPDATE settings SET value = CAST(X'546167C328' AS TEXT) "
             "WHERE key = 'tagline';")
    for path in ("/blog", SEED_PATH, "/nope"):
        text = site.get(path).body.decode("utf-8", "strict")
        assert '<a href="/">Clinic\ufffd</a>' in text
    text = site.get("/blog").body.decode("utf-8", "strict")
    assert '<p class="tagline">Tag\ufffd(</p>' in text


def test_numeric_references_to_controls_in_body_are_replaced(site):
    site.sql("INSERT INTO articles(title, slug, body) VALUES "
             "('Refs', 'refs', 'A &#1; B &#x80; C &#0; D &#xFFFF; E');")
    text = site.get("/post/refs").body.decode("utf-8", "strict")
    assert not re.search("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffe\uffff]", text)
    assert "<p>A \ufffd B \ufffd C \ufffd D \ufffd E</p>" in text


def test_2mb_body_renders(site):
    para = "This paragraph is part of a very long article about needles. " * 8
    with open(os.path.join(site.dir, "big.md"), "w") as f:
        while f.tell() < 2 * 1024 * 1024:
            f.write(para + "\n\n")
    size = os.path.getsize(os.path.join(site.dir, "big.md"))
    assert size >= 2 * 1024 * 1024
    site.sql("INSERT INTO articles(title, slug, body) VALUES "
             "('Big', 'big', readfile('big.md'));")
    t = time.time()
    r = site.get("/post/big", timeout=30)
    assert r.status == 200
    assert len(r.body) > size
    assert r.text.rstrip().endswith("</html>")
    assert shown_views(r.text) == "1 view"
    assert site.get("/blog").status == 200
    assert time.time() - t < 10
    assert_alive(site)


def test_deeply_nested_markdown_renders(site):
    body = "> " * 1000 + "deep\n\n" + "[" * 5000 + "x" + "]" * 5000 + "\n\n" + \
        "*" * 10000 + "\n"
    with open(os.path.join(site.dir, "deep.md"), "w") as f:
        f.write(body)
    site.sql("INSERT INTO articles(title, slug, body) VALUES "
             "('Deep', 'deep', readfile('deep.md'));")
    r = site.get("/post/deep", timeout=30)
    assert r.status == 200
    assert_alive(site)


def shown_views(text):
    m = re.findall(r'<span class="views">([^<]*)</span>', text)
    assert len(m) == 1, m
    return m[0]


# ---- the owner holds the write lock ------------------------------------------

def test_pages_are_served_and_counted_while_the_owner_holds_the_lock(site):
    assert shown_views(site.get(SEED_PATH).text) == "67 views"
    assert site.wait_folded(SEED_SLUG, 67) == 67
    owner = subprocess.Popen(["sqlite3", site.db], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=site.dir)
    try:
        owner.stdin.write("BEGIN IMMEDIATE;\n"
                          "UPDATE settings SET value = 'Pending' WHERE key = 'tagline';\n"
                          "SELECT 'locked';\n")
        owner.stdin.flush()
        assert owner.stdout.readline().strip() == "locked"
        # the lock is really held: another writer cannot begin
        other = site.sql("PRAGMA busy_timeout = 0; BEGIN IMMEDIATE;", check=False)
        assert "database is locked" in other.stderr
        # The scenario is time: visitors for 3 s while the lock is held,
        # across the master's folds (once a second), which must wait.
        start = time.time()
        shown = []
        slow = []
        while time.time() - start < 3:
            for path in (SEED_PATH, "/blog", "/"):
                t = time.time()
                r = site.get(path, timeout=5)
                took = time.time() - t
                assert r.status == 200, (path, r.status)
                if took >= 1:
                    slow.append((path, took))
                if path == SEED_PATH:
                    shown.append(shown_views(r.text))
            time.sleep(0.2)     # a visitor's pace, not a precondition
        assert slow == []
        assert "Pending" not in site.get("/blog").text
        n = len(shown)
        assert n >= 5
        assert shown == ["%d views" % v for v in range(68, 68 + n)]
        assert site.stored_total(SEED_SLUG) == 67      # nothing folded yet
        owner.stdin.write("COMMIT;\n")
        owner.stdin.close()
        assert owner.wait(10) == 0
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
    assert site.wait_folded(SEED_SLUG, 67 + n) == 67 + n
    r = site.get(SEED_PATH)
    assert shown_views(r.text) == "%d views" % (68 + n)
    assert '<p class="tagline">Pending</p>' in r.text
