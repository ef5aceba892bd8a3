"""Search (/search?q=...), through real nginx, with articles written by the
owner's real sqlite3 shell: ranking, escaping of hostile titles and bodies,
hostile queries, pagination limits, drafts and scheduled posts, the index
following every edit at once, noindex, no view counted, no query logged."""
import datetime
import html
import os
import re
import urllib.parse

import pytest

from site_harness import SEED_SLUG, Site
from wait import wait_until


def q(s):
    return "'" + s.replace("'", "''") + "'"


def search(site, text, page=None):
    path = "/search?q=" + urllib.parse.quote_plus(text)
    if page is not None:
        path += "&p=%d" % page
    return site.get(path)


def result_slugs(resp):
    return re.findall(r'<h2><a href="/post/([a-z0-9-]+)">', resp.text)


def insert(site, title, body, **cols):
    names = ["title", "body"] + list(cols)
    values = [q(title), q(body)] + [q(v) if isinstance(v, str) else str(v)
                                    for v in cols.values()]
    site.sql("INSERT INTO articles(%s) VALUES (%s);" % (", ".join(names),
                                                        ", ".join(values)))
    return site.scalar("SELECT slug FROM articles ORDER BY id DESC LIMIT 1;")


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """105 articles that all hold 'osteopathy' (eleven pages' worth), plus
    the seed."""
    s = Site(tmp_path_factory.mktemp("search-many"))
    s.start()
    try:
        s.sql("""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 105)
                 INSERT INTO articles(title, body, published_at)
                 SELECT 'Clinic note ' || i, 'Osteopathy and posture, note ' || i || '.',
                        strftime('%Y-%m-%dT%H:%M:%SZ', '2023-01-01', '+' || i || ' hours')
                 FROM n;""")
        yield s
    finally:
        s.stop()


# ---- ranking and what a result shows ----------------------------------------

def test_a_title_match_ranks_above_a_body_only_match(site):
    body_only = insert(site, "Living with a stiff neck",
                       "Many patients with whiplash also mention migraine now and then.")
    in_title = insert(site, "Migraine relief", "Rest in a dark room helps.")
    r = search(site, "migraine")
    assert r.status == 200
    assert result_slugs(r) == [in_title, body_only]
    # the date and the snippet with the word marked
    assert '<time datetime="' in r.text
    assert "<mark>migraine</mark>" in r.text
    assert "<mark>Migraine</mark> relief" in r.text


def test_stemming_and_diacritics_find_other_forms_of_a_word(site):
    slug = insert(site, "Café visits", "Treating headaches with needles.")
    assert result_slugs(search(site, "headache")) == [slug]
    assert result_slugs(search(site, "cafe")) == [slug]
    assert result_slugs(search(site, "CAFÉ")) == [slug]


def test_hostile_title_and_body_are_escaped_and_only_our_marks_are_html(site):
    slug = insert(site, 'Sciatica <script>alert("t")</script> "quoted" \'single\' </mark><b>',
                  'Here </mark><i>sciatica</i> <mark>not ours</mark> & "quotes" '
                  '<script>alert(1)</script> sciatica again.')
    r = search(site, "sciatica")
    assert slug in result_slugs(r)
    t = r.text
    assert "<script" not in t.lower()
    assert "<b>" not in t and "<i>" not in t
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in t
    assert "&lt;/mark&gt;&lt;i&gt;<mark>sciatica</mark>&lt;/i&gt;" in t
    assert "&lt;mark&gt;not ours&lt;/mark&gt;" in t
    main = t[t.index("<main"):t.index("</main>")]
    assert main.count("<mark>") == main.count("</mark>") >= 3


# ---- hostile queries ------------------------------------------------------

HOSTILE_QUERIES = [
    '"', '""', '"unbalanced', "NEAR(", "NEAR(sciatica pain", "*", "sciatica*", "AND OR",
    "OR", "NOT", "AND AND", "title:sciatica", "body:", "{title body}: x", "^sciatica",
    "'", "''", "sciatica's", "(", ")", "-", "+", "a + b", "\\", "%", "%00", "\x00",
    "\x01\x02", "<script>alert(1)</script>", "</mark>", "' OR 1=1 --", "\u202e\u200b",
    "日本語", "🙂", "x" * 1500, " ".join(["sciatica"] * 200),
]


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_any_query_text_gets_a_normal_search_page(shared_site, text):
    r = search(shared_site, text)
    assert r.status == 200, (text, r.status)
    assert "<h1>Search</h1>" in r.text
    assert "<script" not in r.text.lower()
    assert '<meta name="robots" content="noindex">' in r.text


@pytest.mark.parametrize("raw", ["%ff%fe", "%c0%af", "%ed%a0%80", "%e2%82", "%00", "%zz",
                                 "%", "%4", "a%00b", "%0d%0aSet-Cookie:%20x=1",
                                 "sciatica&q=other", "sciatica;p=2", "+%2B+"])
def test_raw_escapes_in_the_query_get_a_normal_page(shared_site, raw):
    r = shared_site.get("/search?q=" + raw)
    assert r.status == 200, (raw, r.status, r.text[:300])
    assert "set-cookie" not in r.headers
    assert "<h1>Search</h1>" in r.text


def test_invalid_utf8_is_shown_as_replacement_characters(site):
    r = site.get("/search?q=back%ffpain")
    assert r.status == 200
    assert "back\ufffdpain" in r.text


def test_the_sqlite_prepared_query_finds_a_word_after_fts5_syntax(site):
    r = search(site, 'sciatica "NEAR( AND')
    assert r.status == 200 and "No article matches" in r.text
    r = search(site, 'sciatica "')
    assert result_slugs(r) == [SEED_SLUG]


def test_an_empty_query_shows_the_search_box(site):
    for path in ("/search", "/search?q=", "/search?q=+++", "/search?x=1"):
        r = site.get(path)
        assert r.status == 200, path
        assert 'id="search-q"' in r.text and "Type one or more words" in r.text
        assert "No article matches" not in r.text


def test_a_query_over_the_url_limit_gets_the_sites_414(site):
    r = site.get("/search?q=" + "a" * 2100)
    assert r.status == 414
    assert 'class="site-name"' in r.text
    r = site.get("/search?q=" + "a" * 9000)     # nginx's own limit
    assert r.status == 414
    assert 'class="site-name"' in r.text


def test_no_results_says_so_and_lists_the_most_read(site):
    site.sql("UPDATE views SET imported = 5000 WHERE article_id = "
             "(SELECT id FROM articles WHERE slug = %s);" % q(SEED_SLUG))
    r = search(site, "zebra")
    assert r.status == 200
    assert "No article matches <q>zebra</q>" in r.text
    assert "Most read" in r.text and "/post/" + SEED_SLUG in r.text


# ---- pagination -------------------------------------------------------------

def test_ten_results_a_page_and_links_keep_the_query(many):
    r = search(many, "osteopathy")
    assert len(result_slugs(r)) == 10
    assert 'rel="next" href="/search?q=osteopathy&amp;p=2"' in r.text
    r2 = many.get("/search?q=osteopathy&p=2")
    assert len(result_slugs(r2)) == 10
    assert 'rel="prev" href="/search?q=osteopathy"' in r2.text
    assert not set(result_slugs(r)) & set(result_slugs(r2))


def test_at_most_ten_pages(many):
    r = many.get("/search?q=osteopathy&p=10")
    assert r.status == 200 and len(result_slugs(r)) == 10
    assert 'rel="next"' not in r.text      # 105 results, but ten pages at most
    for p in ("11", "0", "01", "-1", "x", "1e1", "99999999999999999999"):
        r = many.get("/search?q=osteopathy&p=" + p)
        assert r.status == 404, p
        assert 'class="site-name"' in r.text


def test_a_page_past_the_results_is_404(many):
    # 'note 1' is in every note (1, 10-19, 100-105 and the rest, '1' alone only
    # in "note 1"): "clinic note 105" holds the three words of 4 notes only
    r = search(many, "note 105 clinic")
    assert len(result_slugs(r)) == 1 and 'rel="next"' not in r.text
    assert search(many, "note 105 clinic", page=2).status == 404
    assert many.get("/search?q=zebra&p=2").status == 404


def test_a_quoted_query_is_kept_in_the_page_links(many):
    r = search(many, 'osteopathy "posture"')
    assert r.status == 200 and len(result_slugs(r)) == 10
    assert 'href="/search?q=osteopathy+%22posture%22&amp;p=2"' in r.text


# ---- the index follows the owner's edits at once; drafts and scheduled posts ----

def test_edits_by_the_shell_are_found_at_once(site):
    site.sql("UPDATE articles SET body = body || ' Quokka.' WHERE slug = %s;" % q(SEED_SLUG))
    assert result_slugs(search(site, "quokka")) == [SEED_SLUG]
    site.sql("UPDATE articles SET title = 'Wombat care' WHERE slug = %s;" % q(SEED_SLUG))
    assert result_slugs(search(site, "wombat")) == [SEED_SLUG]
    assert result_slugs(search(site, "sciatica back difference acupuncture")) == []
    with open(os.path.join(site.dir, "new.md"), "w") as f:
        f.write("A body read from a file: platypus.\n")
    site.sql("INSERT INTO articles(title, body) VALUES ('From a file', readfile('new.md'));")
    assert len(result_slugs(search(site, "platypus"))) == 1
    site.sql("DELETE FROM articles WHERE slug = %s;" % q(SEED_SLUG))
    assert result_slugs(search(site, "wombat")) == []
    assert site.scalar(
        "INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check'); SELECT 'ok';") == "ok"


def test_drafts_are_never_found(site):
    slug = insert(site, "Secret draft", "Narwhal notes.", draft=1)
    assert result_slugs(search(site, "narwhal")) == []
    site.sql("UPDATE articles SET draft = 0 WHERE slug = %s;" % q(slug))
    assert result_slugs(search(site, "narwhal")) == [slug]


def test_a_scheduled_post_is_found_once_its_time_comes_without_a_write(site):
    when = (datetime.datetime.now(datetime.timezone.utc) +
            datetime.timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    slug = insert(site, "Scheduled", "Axolotl facts.", published_at=when)
    assert result_slugs(search(site, "axolotl")) == []
    rev = site.scalar("SELECT rev FROM site_version;")
    wait_until(lambda: result_slugs(search(site, "axolotl")) == [slug],
               "the scheduled post to be found after %s" % when, 10, step=0.1)
    assert site.scalar("SELECT rev FROM site_version;") == rev


# ---- privacy: not a view, not logged, not indexed ---------------------------

def test_a_search_is_not_a_view_and_its_text_is_not_logged(site):
    before = site.scalar("SELECT total - folded FROM views;")
    for _ in range(5):
        assert search(site, "sciatica secretword").status == 200
    r = search(site, "sciatica")
    assert r.status == 200
    assert site.scalar("SELECT total - folded FROM views;") == before
    access = os.path.join(site.var, "log", "access.log")
    wait_until(lambda: os.path.exists(access) and "/search" in open(access).read(),
               "nginx to log the searches", 10)
    log = open(access).read()
    assert "secretword" not in log and "sciatica" not in log and "q=" not in log
    assert '"GET /search HTTP/1.1" 200' in log


def test_the_search_page_is_noindex_and_every_page_has_the_box(site):
    r = site.get("/search?q=sciatica")
    assert '<meta name="robots" content="noindex">' in r.text
    for path in ("/", "/blog", "/post/" + SEED_SLUG, "/no-such-page"):
        t = site.get(path).text
        assert '<form class="search" role="search" action="/search" method="get">' in t, path
        assert '<label for="search-q">' in t, path
        assert "noindex" not in t, path
    assert 'value="sciatica"' in r.text


def test_the_csp_allows_the_search_form_to_this_site_only(site):
    csp = site.get("/").header("content-security-policy")
    assert "form-action 'self'" in csp
    with open(os.path.join(site.var, "nginx.conf")) as f:
        assert "form-action 'none'" not in f.read()
