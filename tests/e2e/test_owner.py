"""The owner's workflow, with the real sqlite3 shell only, as the README
shows it: every change shows on the next request, with no restart."""
import html
import os
import re
import time

from site_harness import SEED_SLUG
from wait import wait_until

SEED_PATH = "/post/" + SEED_SLUG
STYLESHEET = '<link rel="stylesheet" href="/static/style.css">'


def write_post(site, name, text):
    with open(os.path.join(site.dir, name), "w", encoding="utf-8") as f:
        f.write(text)


def shown_views(text):
    m = re.findall(r'<span class="views">([^<]*)</span>', text)
    assert len(m) == 1, m
    return m[0]


def links_of(r):
    """(href, title) of every article on a list page."""
    assert r.status == 200
    return [(u, html.unescape(t)) for u, t in
            re.findall(r'<h2><a href="(/post/[^"]*)">([^<]*)</a></h2>', r.text)]


def list_links(site, path="/blog"):
    return links_of(site.get(path))


def links_everywhere(site, path="/blog"):
    """The list page's links as each worker answers it."""
    return [links_of(r) for r in site.get_everywhere(path)]


def h1(text):
    m = re.findall(r"<h1>([^<]*)</h1>", text)
    assert len(m) == 1, m
    return html.unescape(m[0])


def get_everywhere(site, path):
    """Answers from every worker (and its cache): see Site.get_everywhere."""
    return site.get_everywhere(path)


POST_MD = """Needles, explained simply.

## What happens

- You lie down.
- We talk first.
"""


def test_insert_with_readfile_shows_at_its_slug_and_on_the_list(site):
    get_everywhere(site, "/blog")                   # cached lists
    write_post(site, "post.md", POST_MD)
    site.sql("INSERT INTO articles(title, body) VALUES "
             "('Acupuncture for Headaches: a First Look!', readfile('post.md'));")
    slug = "acupuncture-for-headaches-a-first-look"
    for r in get_everywhere(site, "/post/" + slug):
        assert r.status == 200
        assert h1(r.text) == "Acupuncture for Headaches: a First Look!"
        assert "<p>Needles, explained simply.</p>" in r.text
        assert "<h2>What happens</h2>" in r.text
        assert "<li>You lie down.</li>" in r.text
    for links in links_everywhere(site):
        assert links[0] == (
            "/post/" + slug, "Acupuncture for Headaches: a First Look!")
    assert site.scalar("SELECT typeof(body) FROM articles WHERE slug = '%s';"
                       % slug) == "text"


def test_update_body_and_title_show_at_once_and_keep_the_slug(site):
    write_post(site, "post.md", "First version.\n")
    site.sql("INSERT INTO articles(title, body) VALUES ('Old title', readfile('post.md'));")
    get_everywhere(site, "/post/old-title")
    get_everywhere(site, "/blog")
    write_post(site, "post.md", "Second version.\n")
    site.sql("UPDATE articles SET body = readfile('post.md') WHERE slug = 'old-title';")
    for r in get_everywhere(site, "/post/old-title"):
        assert "<p>Second version.</p>" in r.text
        assert "First version" not in r.text
    site.sql("UPDATE articles SET title = 'New title' WHERE slug = 'old-title';")
    assert site.scalar("SELECT slug FROM articles WHERE title = 'New title';") \
        == "old-title"
    for r in get_everywhere(site, "/post/old-title"):
        assert r.status == 200
        assert h1(r.text) == "New title"
        assert "<title>New title</title>" in r.text
    assert site.get("/post/new-title").status == 404
    for links in links_everywhere(site):
        assert links[0] == ("/post/old-title", "New title")


def test_draft_hides_the_article_and_undraft_shows_it_again(site):
    site.sql("INSERT INTO articles(title, body) VALUES ('Soon gone', 'Text.');")
    get_everywhere(site, "/post/soon-gone")
    get_everywhere(site, "/blog")
    site.sql("UPDATE articles SET draft = 1 WHERE slug = 'soon-gone';")
    for r in get_everywhere(site, "/post/soon-gone"):
        assert r.status == 404
        assert STYLESHEET in r.text
    for links in links_everywhere(site):
        assert "/post/soon-gone" not in [u for u, _ in links]
    site.sql("UPDATE articles SET draft = 0 WHERE slug = 'soon-gone';")
    for r in get_everywhere(site, "/post/soon-gone"):
        assert r.status == 200
    for links in links_everywhere(site):
        assert links[0][0] == "/post/soon-gone"


def test_future_article_appears_on_its_own_when_its_time_comes(site):
    site.sql("INSERT INTO articles(title, body, published_at) VALUES "
             "('Scheduled', 'On time.', "
             "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+3 seconds'));")
    due = time.time() + 3
    for r in get_everywhere(site, "/post/scheduled"):
        assert r.status == 404
    for links in links_everywhere(site):
        assert "/post/scheduled" not in [u for u, _ in links]
    assert time.time() < due - 1.0, "too slow to see it before its time"
    # without any restart or change: it must go live by itself
    wait_until(lambda: site.get("/post/scheduled").status == 200,
               "the scheduled article to answer 200 by itself",
               timeout=due + 5 - time.time(), step=0.1)
    assert time.time() >= due - 1.0         # not early (second granularity)
    for r in get_everywhere(site, "/post/scheduled"):
        assert r.status == 200
    for links in links_everywhere(site):
        assert links[0] == ("/post/scheduled", "Scheduled")


def test_delete_makes_the_article_410_and_drops_it_from_the_list(site):
    site.sql("INSERT INTO articles(title, body) VALUES ('Short lived', 'Text.');")
    get_everywhere(site, "/post/short-lived")
    get_everywhere(site, "/blog")
    site.sql("DELETE FROM articles WHERE slug = 'short-lived';")
    for r in get_everywhere(site, "/post/short-lived"):
        assert r.status == 410      # Gone: removed on purpose (slug_history)
        assert STYLESHEET in r.text
    for links in links_everywhere(site):
        assert [u for u, _ in links] == [SEED_PATH]


def test_new_article_after_a_delete_starts_at_zero_views(site):
    site.sql("INSERT INTO articles(title, body) VALUES ('Popular', 'Text.');")
    for n in range(1, 6):
        assert shown_views(site.get("/post/popular").text) == \
            ("1 view" if n == 1 else "%d views" % n)
    assert site.wait_folded("popular", 5) == 5
    site.sql("DELETE FROM articles WHERE slug = 'popular';")
    # the same title gives a new article at the next free slug (the deleted one's
    # address answers 410, and its old links never lead to another article)
    site.sql("INSERT INTO articles(title, body) VALUES ('Popular', 'Again.');")
    assert site.get("/post/popular").status == 410
    r = site.get("/post/popular-2")
    assert r.status == 200
    assert "<p>Again.</p>" in r.text
    assert shown_views(r.text) == "1 view"
    assert site.wait_folded("popular-2", 1) == 1
    # and one with another title takes nothing either
    site.sql("DELETE FROM articles WHERE slug = 'popular-2';")
    site.sql("INSERT INTO articles(title, body) VALUES ('Other', 'Text.');")
    assert shown_views(site.get("/post/other").text) == "1 view"


def test_views_are_not_inherited_even_before_the_fold(site):
    """Views counted but not yet folded into SQLite when the article is
    deleted do not pass to the next one either."""
    site.sql("INSERT INTO articles(title, body) VALUES ('Quick', 'Text.');")
    for _ in range(3):
        site.get("/post/quick")
    site.sql("DELETE FROM articles WHERE slug = 'quick';"
             "INSERT INTO articles(title, body) VALUES ('Quick', 'New.');")
    # the same title, a new article at the next free slug (quick answers 410)
    assert shown_views(site.get("/post/quick-2").text) == "1 view"
    # The fold that folds the new article's view reads every counter in
    # one transaction, the deleted article's 3 included: a total above 1
    # is the inheritance this guards against (WaitTimeout shows it).
    assert site.wait_folded("quick-2", 1) == 1
    assert site.fold_settled("quick-2") == 1
    assert shown_views(site.get("/post/quick-2").text) == "2 views"
    # and a later fold adds exactly that view, nothing of the old counter
    assert site.wait_folded("quick-2", 2) == 2
    assert site.fold_settled("quick-2") == 2


def test_site_name_and_tagline_changes_show_at_once(site):
    get_everywhere(site, "/blog")
    get_everywhere(site, SEED_PATH)
    site.sql("UPDATE settings SET value = 'Roy & Tom''s <Clinic>' WHERE key = 'site_name';"
             "UPDATE settings SET value = 'Needles \"that\" help' WHERE key = 'tagline';")
    for path in ("/", "/blog", SEED_PATH, "/no-such-page"):
        for r in get_everywhere(site, path):
            assert ('<p class="site-name"><a href="/">Roy &amp; Tom&#39;s '
                    '&lt;Clinic&gt;</a></p>') in r.text
            if r.status == 200:
                assert ('<p class="tagline">Needles &quot;that&quot; help</p>'
                        in r.text)
            assert ">Acupuncture Clinic<" not in r.text
    assert "<title>Roy &amp; Tom&#39;s &lt;Clinic&gt;</title>" in site.get("/blog").text


def test_site_name_change_reaches_the_error_pages_nginx_answers_itself(site):
    """nginx answers %00 itself, with the page articled wrote for it: that
    page must follow the settings too, without a restart."""
    assert '<a href="/">Acupuncture Clinic</a>' in site.get("/a%00b").text
    site.sql("UPDATE settings SET value = 'New Name Clinic' WHERE key = 'site_name';")
    # The master rewrites nginx's pages at its next fold, once a second.
    r = wait_until(lambda: (lambda r: "New Name Clinic" in r.text and r)(
        site.get("/a%00b")), "nginx's own 400 page to show the new site name", 3)
    assert r.status == 400
    assert '<a href="/">New Name Clinic</a>' in r.text
    assert ">Acupuncture Clinic<" not in r.text


def test_empty_tagline_removes_the_tagline_line(site):
    site.sql("UPDATE settings SET value = '' WHERE key = 'tagline';")
    for r in get_everywhere(site, "/blog"):
        assert 'class="tagline"' not in r.text


def test_date_typed_without_seconds_shows_as_a_human_date(site):
    site.sql("INSERT INTO articles(title, body, published_at) VALUES "
             "('Dated', 'Text.', '2024-05-01 10:00');")
    assert site.scalar("SELECT published_at FROM articles WHERE slug = 'dated';") \
        == "2024-05-01T10:00:00Z"
    r = site.get("/post/dated")
    assert r.status == 200
    assert '<time datetime="2024-05-01T10:00:00Z">1 May 2024</time>' in r.text
    assert ('<time datetime="2024-05-01T10:00:00Z">1 May 2024</time>'
            in site.get("/blog").text)


def test_date_with_offset_is_stored_and_shown_in_utc(site):
    site.sql("INSERT INTO articles(title, body, published_at) VALUES "
             "('Offset', 'Text.', '2024-05-01T00:30:00+01:00');")
    r = site.get("/post/offset")
    assert '<time datetime="2024-04-30T23:30:00Z">30 April 2024</time>' in r.text


def test_readfile_of_a_missing_file_is_refused_with_a_clear_message(site):
    before = site.scalar("SELECT count(*) FROM articles;")
    r = site.sql("INSERT INTO articles(title, body) VALUES "
                 "('Missing', readfile('no-such-file.md'));", check=False)
    assert r.returncode != 0
    assert ("body is empty: did readfile() find the file? (the path is "
            "relative to where sqlite3 was started)") in r.stderr
    assert site.scalar("SELECT count(*) FROM articles;") == before
    assert site.get("/post/missing").status == 404


def test_update_with_a_missing_file_keeps_the_old_body(site):
    write_post(site, "post.md", "Kept.\n")
    site.sql("INSERT INTO articles(title, body) VALUES ('Keep', readfile('post.md'));")
    r = site.sql("UPDATE articles SET body = readfile('gone.md') WHERE slug = 'keep';",
                 check=False)
    assert r.returncode != 0
    assert "did readfile() find the file?" in r.stderr
    assert "<p>Kept.</p>" in site.get("/post/keep").text


def test_views_imported_change_shows_at_once(site):
    assert shown_views(site.get(SEED_PATH).text) == "67 views"
    get_everywhere(site, "/blog")
    site.sql("UPDATE views SET imported = 100 WHERE article_id = "
             "(SELECT id FROM articles WHERE slug = '%s');" % SEED_SLUG)
    # 100 imported + the 1 view counted above, + this one
    assert shown_views(site.get(SEED_PATH).text) == "102 views"
    for r in get_everywhere(site, "/blog"):
        assert '<span class="views">102 views</span>' in r.text
    assert site.wait_folded(SEED_SLUG, 102) == 102


def test_article_with_own_slug_is_served_there(site):
    site.sql("INSERT INTO articles(title, slug, body) VALUES "
             "('Headaches and migraine', 'headaches', 'Text.');")
    assert site.get("/post/headaches").status == 200
    assert site.get("/post/headaches-and-migraine").status == 404


def test_changing_the_slug_moves_the_article(site):
    site.sql("INSERT INTO articles(title, slug, body) VALUES ('Moving', 'old-place', 'Text.');")
    get_everywhere(site, "/post/old-place")
    site.sql("UPDATE articles SET slug = 'new-place' WHERE slug = 'old-place';")
    for r in get_everywhere(site, "/post/old-place"):
        assert r.status == 301 and r.header("Location") == "/post/new-place"
    for r in get_everywhere(site, "/post/new-place"):
        assert r.status == 200


def test_adding_and_removing_a_contact_shows_at_once(site):
    get_everywhere(site, SEED_PATH)
    site.sql("INSERT INTO settings(key, value) VALUES ('contact:Ann', '01234 567890');")
    for r in get_everywhere(site, SEED_PATH):
        assert ('<li><a href="tel:07735332420"><bdi>Tom</bdi>: 07735-332420</a></li>\n'
                '<li><a href="tel:01234567890"><bdi>Ann</bdi>: 01234 567890</a></li>') in r.text
    site.sql("DELETE FROM settings WHERE key LIKE 'contact:%';")
    for r in get_everywhere(site, SEED_PATH):
        assert "tel:" not in r.text
        assert 'class="contact"' not in r.text


def test_an_open_transaction_shows_nothing_until_commit(site):
    """Changes inside BEGIN … are the owner's alone until COMMIT; the
    shell session here ends with ROLLBACK, so nothing ever shows."""
    site.sql("BEGIN; UPDATE settings SET value = 'Never' WHERE key = 'site_name'; "
             "ROLLBACK;")
    assert "Never" not in site.get("/blog").text
