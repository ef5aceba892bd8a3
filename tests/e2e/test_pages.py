"""What a patient sees, through real nginx: the blog list and its pages,
the article page, 404s in the site's layout, 405 with Allow, HEAD, which
requests count as a view, the headers every page carries and the static
stylesheet."""
import html
import os
import re

import pytest

from site_harness import ROOT, SEED_SLUG

SEED_TITLE = ("Sciatica and back pain. What's the difference, and can "
              "acupuncture help?")
SEED_PATH = "/post/" + SEED_SLUG
STYLESHEET = '<link rel="stylesheet" href="/static/style.css">'
SITE_NAME = "Acupuncture Clinic"

# One entry of the blog list, as list.html writes it.
LIST_ITEM = re.compile(
    r'<li>\n<article>\n<h2><a href="(?P<url>[^"]*)">(?P<title>[^<]*)</a></h2>\n'
    r'<p class="meta"><time datetime="(?P<iso>[^"]*)">(?P<date>[^<]*)</time>'
    r' · <span class="views">(?P<views>[^<]*)</span></p>\n'
    r'(?:<p class="excerpt">(?P<excerpt>[^<]*)</p>\n)?</article>\n</li>')


def list_items(text):
    return [m.groupdict() for m in LIST_ITEM.finditer(text)]


def shown_views(text):
    """The count an article page shows, as text ("67 views")."""
    m = re.findall(r'<span class="views">([^<]*)</span>', text)
    assert len(m) == 1, m
    return m[0]


def meta_description(text):
    m = re.findall(r'<meta name="description" content="([^"]*)">', text)
    assert len(m) == 1, m
    return html.unescape(m[0])


def pager_links(text):
    """{rel: href} of the list's Newer/Older links."""
    return dict(re.findall(r'<a rel="(prev|next)" href="([^"]*)">', text))


def assert_site_layout(r):
    assert STYLESHEET in r.text
    assert '<p class="site-name"><a href="/">%s</a></p>' % SITE_NAME in r.text


def insert_25_articles(site):
    """Article 01 (oldest) .. Article 25 (newest), one day apart in 2025,
    all newer than the seed article (2024-03-12)."""
    rows = ",\n".join(
        "('Article %02d', 'Body of article %02d.', '2025-01-%02dT09:00:00Z')"
        % (i, i, i) for i in range(1, 26))
    site.sql("INSERT INTO articles(title, body, published_at) VALUES\n%s;"
             % rows)


# ---- the blog list -------------------------------------------------------

def test_home_and_blog_list_the_seed_article_with_link_date_excerpt_views(site):
    for path in ("/", "/blog"):
        r = site.get(path)
        assert r.status == 200
        items = list_items(r.text)
        assert len(items) == 1
        it = items[0]
        assert it["url"] == SEED_PATH
        assert html.unescape(it["title"]) == SEED_TITLE
        assert it["iso"] == "2024-03-12T09:00:00Z"
        assert it["date"] == "12 March 2024"
        assert it["views"] == "66 views"
        assert html.unescape(it["excerpt"]).startswith(
            "Back pain is the UK\u2019s leading cause of disability,")


def test_list_does_not_count_a_view(site):
    site.get("/blog")
    site.get("/")
    assert shown_views(site.get(SEED_PATH).text) == "67 views"


def test_list_excerpt_is_plain_text_of_first_paragraph_cut_at_200_chars(site):
    words = " ".join("word%03d" % i for i in range(60))     # 479 characters
    body = "**Bold** and _soft_ start, then `code` and [a link](/x). " + words
    site.sql("INSERT INTO articles(title, body) VALUES ('Long one', '%s');"
             % body)
    item = [i for i in list_items(site.get("/blog").text)
            if i["url"] == "/post/long-one"][0]
    excerpt = html.unescape(item["excerpt"])
    assert excerpt.startswith("Bold and soft start, then code and a link. word000")
    assert excerpt.endswith("\u2026")
    assert len(excerpt) <= 201
    assert excerpt[:-1] == excerpt[:-1].rstrip()
    # cut at a word boundary: the text before the ellipsis is a prefix
    # of the full plain text, ending at a whole word
    full = "Bold and soft start, then code and a link. " + words
    assert full.startswith(excerpt[:-1])
    assert full[len(excerpt) - 1] == " "
    assert "*" not in excerpt and "`" not in excerpt and "](" not in excerpt


def test_short_first_paragraph_is_the_whole_excerpt_without_ellipsis(site):
    site.sql("INSERT INTO articles(title, body) VALUES ('Short one', "
             "'First paragraph only.\n\nSecond paragraph.');")
    item = [i for i in list_items(site.get("/blog").text)
            if i["url"] == "/post/short-one"][0]
    assert item["excerpt"] == "First paragraph only."


def test_list_is_newest_first_ten_per_page_with_prev_next_links(site):
    insert_25_articles(site)
    r1 = site.get("/blog")
    r2 = site.get("/blog/page/2")
    r3 = site.get("/blog/page/3")
    assert (r1.status, r2.status, r3.status) == (200, 200, 200)
    titles = [[html.unescape(i["title"]) for i in list_items(r.text)]
              for r in (r1, r2, r3)]
    assert titles[0] == ["Article %02d" % i for i in range(25, 15, -1)]
    assert titles[1] == ["Article %02d" % i for i in range(15, 5, -1)]
    assert titles[2] == ["Article %02d" % i for i in range(5, 0, -1)] + [
        SEED_TITLE]
    assert pager_links(r1.text) == {"next": "/blog/page/2"}
    assert pager_links(r2.text) == {"prev": "/blog", "next": "/blog/page/3"}
    assert pager_links(r3.text) == {"prev": "/blog/page/2"}
    assert [i["date"] for i in list_items(r1.text)][:2] == [
        "25 January 2025", "24 January 2025"]


def test_home_is_the_same_list_as_blog(site):
    insert_25_articles(site)
    a, b = site.get("/"), site.get("/blog")
    assert a.status == b.status == 200
    assert list_items(a.text) == list_items(b.text)
    assert pager_links(a.text) == {"next": "/blog/page/2"}


def test_page_past_the_end_is_404_in_site_layout(site):
    insert_25_articles(site)
    r = site.get("/blog/page/4")
    assert r.status == 404
    assert_site_layout(r)


def test_single_page_list_has_no_pager_and_page_2_is_404(site):
    assert pager_links(site.get("/blog").text) == {}
    assert site.get("/blog/page/2").status == 404


@pytest.mark.parametrize("path,location", [
    ("/post/", "/post"), ("/blog/page/", "/blog/page")])
def test_empty_last_segment_redirects_without_the_slash(shared_site, path,
                                                        location):
    r = shared_site.get(path)
    assert r.status == 301
    assert r.header("location") == location
    assert shared_site.get(location).status == 404


def test_blog_page_1_redirects_to_blog(site):
    r = site.get("/blog/page/1")
    assert r.status == 301
    assert r.header("location") == "/blog"


@pytest.mark.parametrize("path", [
    "/blog/page/0", "/blog/page/01", "/blog/page/x", "/blog/page/2x",
    "/blog/page/-2", "/blog/page/+2", "/blog/page",
    "/blog/page/99999999999999999999999999", "/blog/page/18446744073709551617",
    "/blog/page/999999999"])
def test_page_numbers_not_written_the_one_way_are_404(shared_site, path):
    r = shared_site.get(path)
    assert r.status == 404
    assert_site_layout(r)


# ---- the article page ----------------------------------------------------

def test_seed_article_first_visit_shows_67_views(site):
    r = site.get(SEED_PATH)
    assert r.status == 200
    assert shown_views(r.text) == "67 views"


def test_article_title_is_escaped_in_title_and_h1(site):
    r = site.get(SEED_PATH)
    esc = "Sciatica and back pain. What&#39;s the difference, and can acupuncture help?"
    assert "<title>%s</title>" % esc in r.text
    assert "<h1>%s</h1>" % esc in r.text
    assert r.text.count("<h1") == 1


def test_article_shows_date_reading_time_and_body(site):
    r = site.get(SEED_PATH)
    assert '<time datetime="2024-03-12T09:00:00Z">12 March 2024</time>' in r.text
    assert " · 2 min read · " in r.text
    assert "<h2>So, can acupuncture help?</h2>" in r.text
    assert r.text.count("<li>") >= 8
    assert "<li>Promoting regeneration of the sciatic nerve</li>" in r.text
    # smart punctuation: the seed's straight apostrophes become curly
    assert "We\u2019re in the business of helping people" in r.text


def test_markdown_lists_and_smart_quotes_render(site):
    body = ('He said "hello" and it\'s fine -- really...\n\n'
            '- one\n- two\n\n1. first\n2. second\n')
    site.sql("INSERT INTO articles(title, body) VALUES ('Quotes', '%s');"
             % body.replace("'", "''"))
    r = site.get("/post/quotes")
    assert r.status == 200
    assert ("<p>He said \u201chello\u201d and it\u2019s fine \u2013 "
            "really\u2026</p>") in r.text
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in r.text
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in r.text


def test_reading_time_rounds_up_at_200_words_a_minute(site):
    body = " ".join(["word"] * 401)
    site.sql("INSERT INTO articles(title, body) VALUES ('Long read', '%s');"
             % body)
    assert " · 3 min read · " in site.get("/post/long-read").text
    site.sql("INSERT INTO articles(title, body) VALUES ('Tiny', 'Hi.');")
    assert " · 1 min read · " in site.get("/post/tiny").text


def test_new_article_first_view_says_1_view_then_2_views(site):
    site.sql("INSERT INTO articles(title, body) VALUES ('Fresh', 'New.');")
    assert shown_views(site.get("/post/fresh").text) == "1 view"
    assert shown_views(site.get("/post/fresh").text) == "2 views"
    assert [i["views"] for i in list_items(site.get("/blog").text)
            if i["url"] == "/post/fresh"] == ["2 views"]


def test_article_has_contact_block_with_tel_links(site):
    r = site.get(SEED_PATH)
    assert ('<li><a href="tel:07872645683"><bdi>Roy</bdi>: 07872-645683</a></li>\n'
            '<li><a href="tel:07735332420"><bdi>Tom</bdi>: 07735-332420</a></li>') in r.text


def test_contact_change_in_sqlite3_shows_at_once(site):
    site.get_everywhere(SEED_PATH)      # cached by every worker
    site.sql("UPDATE settings SET value = '+44 (0)1234 567.890' "
             "WHERE key = 'contact:Roy';")
    for r in site.get_everywhere(SEED_PATH):
        assert ('<a href="tel:+441234567890"><bdi>Roy</bdi>: +44 (0)1234 567.890</a>'
                in r.text)
        assert "07872" not in r.text


def test_article_has_back_link_to_blog(site):
    r = site.get(SEED_PATH)
    assert '<p class="back"><a href="/blog">Back to all articles</a></p>' in r.text


def test_meta_description_is_the_excerpt(site):
    list_excerpt = list_items(site.get("/blog").text)[0]["excerpt"]
    r = site.get(SEED_PATH)
    desc = meta_description(r.text)
    assert desc == html.unescape(list_excerpt)
    assert desc.startswith("Back pain is the UK\u2019s leading cause")
    assert desc.endswith("\u2026")
    assert len(desc) <= 201


@pytest.mark.parametrize("path", [
    "/post/no-such-article", "/nope", "/blog/nope", "/post",
    "/static", "/index.html", "/post/a_b"])
def test_unknown_path_is_404_in_site_layout(shared_site, path):
    r = shared_site.get(path)
    assert r.status == 404
    assert_site_layout(r)
    assert "<h1>Page not found</h1>" in r.text
    assert r.header("content-type") == "text/html; charset=utf-8"


def test_draft_article_is_404_in_site_layout(site):
    site.sql("INSERT INTO articles(title, body, draft) VALUES "
             "('Hidden draft', 'Secret.', 1);")
    r = site.get("/post/hidden-draft")
    assert r.status == 404
    assert_site_layout(r)
    assert "Hidden draft" not in site.get("/blog").text


def test_future_article_is_404_in_site_layout(site):
    site.sql("INSERT INTO articles(title, body, published_at) VALUES "
             "('Next year', 'Soon.', strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+1 year'));")
    r = site.get("/post/next-year")
    assert r.status == 404
    assert_site_layout(r)
    assert "Next year" not in site.get("/blog").text


# ---- methods -------------------------------------------------------------

@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"])
@pytest.mark.parametrize("path", ["/blog", SEED_PATH, "/no-such-page"])
def test_other_methods_are_405_with_allow(shared_site, method, path):
    r = shared_site.get(path, method=method)
    assert r.status == 405
    assert r.header("allow") == "GET, HEAD"
    assert_site_layout(r)


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_method_with_a_body_is_405_with_allow(shared_site, method):
    r = shared_site.get(SEED_PATH, method=method, body=b"title=x&body=y",
                        headers={"Content-Type":
                                 "application/x-www-form-urlencoded"})
    assert r.status == 405
    assert r.header("allow") == "GET, HEAD"
    assert_site_layout(r)


def test_405_does_not_count_a_view(site):
    site.get(SEED_PATH, method="POST", body=b"x=1")
    site.get(SEED_PATH, method="DELETE")
    assert shown_views(site.get(SEED_PATH).text) == "67 views"


@pytest.mark.parametrize("path", ["/", "/blog", SEED_PATH, "/nope"])
def test_head_sends_headers_only_with_the_get_content_length(site, path):
    h = site.get(path, method="HEAD")
    g = site.get(path)
    assert h.status == g.status
    assert h.body == b""
    assert h.header("content-length") == g.header("content-length")
    assert int(g.header("content-length")) == len(g.body)
    assert h.header("content-type") == g.header("content-type")


def test_head_content_length_matches_get_when_the_count_gains_a_digit(site):
    """At 99 stored views the GET shows "100 views": the HEAD before it
    must announce that length, not the length of "99 views"."""
    site.sql("UPDATE views SET imported = 99 WHERE article_id = "
             "(SELECT id FROM articles WHERE slug = '%s');" % SEED_SLUG)
    h = site.get(SEED_PATH, method="HEAD")
    g = site.get(SEED_PATH)
    assert shown_views(g.text) == "100 views"
    assert h.header("content-length") == g.header("content-length")
    assert site.wait_folded(SEED_SLUG, 100) == 100


def test_head_from_a_bot_matches_the_bots_get(site):
    site.sql("UPDATE views SET imported = 99 WHERE article_id = "
             "(SELECT id FROM articles WHERE slug = '%s');" % SEED_SLUG)
    bot = {"User-Agent": "Googlebot/2.1"}
    h = site.get(SEED_PATH, method="HEAD", headers=bot)
    g = site.get(SEED_PATH, headers=bot)
    assert shown_views(g.text) == "99 views"
    assert h.header("content-length") == g.header("content-length")


def test_head_does_not_count_a_view(site):
    for _ in range(3):
        assert site.get(SEED_PATH, method="HEAD").status == 200
    assert shown_views(site.get(SEED_PATH).text) == "67 views"
    assert site.wait_folded(SEED_SLUG, 67) == 67


# ---- which requests count --------------------------------------------------

BOT_AGENTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp/2.23",
    "SkypeUriPreview Preview/0.5",
]


@pytest.mark.parametrize("agent", BOT_AGENTS)
def test_bot_gets_the_page_but_is_not_counted(site, agent):
    r = site.get(SEED_PATH, headers={"User-Agent": agent})
    assert r.status == 200
    assert shown_views(r.text) == "66 views"
    assert shown_views(site.get(SEED_PATH).text) == "67 views"
    assert site.wait_folded(SEED_SLUG, 67) == 67


PREFETCH_HEADERS = [
    {"Sec-Purpose": "prefetch"},
    {"Sec-Purpose": "prefetch;prerender"},
    {"Purpose": "prefetch"},
    {"X-Moz": "prefetch"},
]


@pytest.mark.parametrize("headers", PREFETCH_HEADERS,
                         ids=lambda h: "%s=%s" % next(iter(h.items())))
def test_prefetch_gets_the_page_but_is_not_counted(site, headers):
    r = site.get(SEED_PATH, headers=headers)
    assert r.status == 200
    assert shown_views(r.text) == "66 views"
    assert shown_views(site.get(SEED_PATH).text) == "67 views"


def test_ordinary_browser_views_are_each_counted(site):
    ua = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
          "Gecko) Chrome/120.0 Safari/537.36")
    for n in range(67, 72):
        assert shown_views(site.get(SEED_PATH, headers={"User-Agent": ua}).text) \
            == "%d views" % n
    assert site.wait_folded(SEED_SLUG, 71) == 71


def test_unknown_slug_404_counts_nothing(site):
    site.get("/post/" + SEED_SLUG + "-x")
    assert shown_views(site.get(SEED_PATH).text) == "67 views"


# ---- headers ---------------------------------------------------------------

@pytest.mark.parametrize("path,status", [
    ("/", 200), ("/blog", 200), (SEED_PATH, 200), ("/blog/page/1", 301),
    ("/nope", 404)])
def test_pages_carry_security_headers_and_utf8_html_type(shared_site, path, status):
    r = shared_site.get(path)
    assert r.status == status
    assert r.header("content-type") == "text/html; charset=utf-8"
    assert r.header("x-content-type-options") == "nosniff"
    csp = r.header("content-security-policy")
    assert csp is not None
    assert "default-src 'none'" in csp
    assert "script-src" not in csp
    assert "frame-ancestors 'none'" in csp


def test_405_carries_security_headers(shared_site):
    r = shared_site.get("/blog", method="POST")
    assert r.header("x-content-type-options") == "nosniff"
    assert "default-src 'none'" in r.header("content-security-policy")


@pytest.mark.parametrize("path,method", [
    ("/", "GET"), ("/blog", "GET"), (SEED_PATH, "GET"), (SEED_PATH, "HEAD"),
    ("/blog/page/1", "GET"), ("/nope", "GET"), ("/blog", "POST"),
    ("/static/style.css", "GET"), ("/a%00b", "GET")])
def test_no_page_sets_a_cookie(shared_site, path, method):
    r = shared_site.get(path, method=method)
    assert [k for k, _ in r.header_list if k.lower() == "set-cookie"] == []


def test_stylesheet_is_served_by_nginx_as_css(shared_site):
    r = shared_site.get("/static/style.css")
    assert r.status == 200
    assert r.header("content-type").split(";")[0] == "text/css"
    with open(os.path.join(ROOT, "templates", "static", "style.css"), "rb") as f:
        assert r.body == f.read()
    assert r.header("x-content-type-options") == "nosniff"


def test_missing_static_file_is_404_in_site_layout(shared_site):
    r = shared_site.get("/static/nope.css")
    assert r.status == 404
    assert_site_layout(r)


def test_every_page_is_valid_utf8_with_lang(shared_site):
    for path in ("/", "/blog", SEED_PATH, "/nope"):
        r = shared_site.get(path)
        r.body.decode("utf-8", "strict")
        assert '<html lang="en-GB">' in r.text
        assert '<meta charset="utf-8">' in r.text


def test_phone_numbers_as_clinics_write_them_dial_correctly(site):
    """The contact block's tel: links for the formats a UK or EU clinic
    writes, set through the real sqlite3 shell (E.123 / RFC 3966): the
    trunk (0) after a country code is not dialled; separators go."""
    written = {
        "A": ("01234 567890", "tel:01234567890"),
        "B": ("+44 1234 567890", "tel:+441234567890"),
        "C": ("+44 (0)1234 567890", "tel:+441234567890"),
        "D": ("07872-645683", "tel:07872645683"),
        "E": ("(01234) 567 890", "tel:01234567890"),
        "F": ("0044 (0)20 7946 0000", "tel:+442079460000"),
        "G": ("+33 (0)1 23 45 67 89", "tel:+33123456789"),
        "H": ("01234 567890 ext. 12", "tel:01234567890;ext=12"),
        "I": ("+44 (0)1234 567890 x7", "tel:+441234567890;ext=7"),
    }
    site.sql("DELETE FROM settings WHERE key LIKE 'contact:%';" + "".join(
        "INSERT INTO settings(key, value) VALUES ('contact:%s', '%s');" % (k, v[0])
        for k, v in written.items()))
    page = site.get(SEED_PATH).text
    for name, (phone, tel) in written.items():
        assert ('<a href="%s"><bdi>%s</bdi>: %s</a>' % (tel, name, phone)) in page, \
            (name, phone, tel)
