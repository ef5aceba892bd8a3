"""Under each post: the older and newer article by publication date and up to
three related ones (shared tags first, then titles with words in common),
never the article itself, a draft or a scheduled post; and the 404 page's
search box and most read articles.  Through nginx, written by the owner's
real sqlite3 shell."""
import re

import pytest

from site_harness import SEED_SLUG


def q(s):
    return "'" + s.replace("'", "''") + "'"


def add(site, slug, title, when, draft=0, body="Some words."):
    site.sql("INSERT INTO articles(slug, title, body, published_at, draft) "
             "VALUES (%s, %s, %s, %s, %d);" % (q(slug), q(title), q(body), q(when), draft))


def tag(site, slug, *tags):
    site.sql("".join("INSERT INTO tags(article_id, tag) SELECT id, %s FROM articles "
                     "WHERE slug = %s;" % (q(t), q(slug)) for t in tags))


def nav(site, slug):
    t = site.get("/post/" + slug).text
    older = re.search(r'<a rel="prev" href="/post/([a-z0-9-]+)">Older: ', t)
    newer = re.search(r'<a rel="next" href="/post/([a-z0-9-]+)">Newer: ', t)
    return (older.group(1) if older else None, newer.group(1) if newer else None)


def related(site, slug):
    t = site.get("/post/" + slug).text
    if 'class="related"' not in t:
        return []
    block = t[t.index('class="related"'):t.index("</aside>", t.index('class="related"'))]
    return re.findall(r'<a href="/post/([a-z0-9-]+)">', block)


@pytest.fixture
def dated(site):
    site.sql("DELETE FROM articles;")
    add(site, "jan", "January knees", "2024-01-01T09:00:00Z")
    add(site, "feb", "February shoulders", "2024-02-01T09:00:00Z")
    add(site, "feb-draft", "A February draft", "2024-02-15T09:00:00Z", draft=1)
    add(site, "mar", "March backs", "2024-03-01T09:00:00Z")
    add(site, "future", "Later on", "2999-01-01T09:00:00Z")
    return site


def test_older_and_newer_by_publication_date_skip_drafts_and_scheduled(dated):
    assert nav(dated, "jan") == (None, "feb")
    assert nav(dated, "feb") == ("jan", "mar")
    assert nav(dated, "mar") == ("feb", None)


def test_a_change_of_dates_moves_the_links_at_once(dated):
    assert nav(dated, "feb") == ("jan", "mar")
    dated.sql("UPDATE articles SET draft = 0 WHERE slug = 'feb-draft';")
    assert nav(dated, "feb") == ("jan", "feb-draft")
    dated.sql("UPDATE articles SET published_at = '2023-12-01T09:00:00Z' WHERE slug = 'feb-draft';")
    assert nav(dated, "jan") == ("feb-draft", "feb")


def test_same_time_articles_are_ordered_by_id(site):
    site.sql("DELETE FROM articles;")
    for s in ("a1", "a2", "a3"):
        add(site, s, "Same time " + s, "2024-05-01T09:00:00Z")
    assert nav(site, "a2") == ("a1", "a3")


def test_related_shared_tags_first_then_titles_never_self_or_hidden(site):
    site.sql("DELETE FROM articles;")
    add(site, "main", "Sciatica in pregnancy", "2024-01-10T09:00:00Z")
    add(site, "two-tags", "Needles and nerves", "2024-01-01T09:00:00Z")
    add(site, "one-tag", "Desk posture", "2024-01-02T09:00:00Z")
    add(site, "title-word", "Pregnancy and acupuncture", "2024-01-03T09:00:00Z")
    add(site, "unrelated", "Shoulder stretches", "2024-01-04T09:00:00Z")
    add(site, "draft-same", "Sciatica in pregnancy draft", "2024-01-05T09:00:00Z", draft=1)
    add(site, "later-same", "Sciatica pregnancy later", "2999-01-01T09:00:00Z")
    tag(site, "main", "sciatica", "pregnancy")
    tag(site, "two-tags", "sciatica", "pregnancy")
    tag(site, "one-tag", "sciatica")
    tag(site, "draft-same", "sciatica", "pregnancy")
    tag(site, "later-same", "sciatica", "pregnancy")
    assert related(site, "main") == ["two-tags", "one-tag", "title-word"]
    # titles alone, when no tag is shared
    assert related(site, "title-word") == ["main"]
    assert related(site, "unrelated") == []


def test_related_are_at_most_three(site):
    site.sql("DELETE FROM articles;")
    for i in range(6):
        add(site, "knee-%d" % i, "Knee pain note %d" % i, "2024-01-%02dT09:00:00Z" % (i + 1))
    got = related(site, "knee-0")
    assert len(got) == 3 and "knee-0" not in got


def test_a_related_title_with_fts5_syntax_is_harmless(site):
    site.sql("DELETE FROM articles;")
    add(site, "odd", 'NEAR( "quoted" AND OR title: * knee', "2024-01-01T09:00:00Z")
    add(site, "knee", "Knee pain", "2024-01-02T09:00:00Z")
    r = site.get("/post/odd")
    assert r.status == 200
    assert related(site, "odd") == ["knee"]


def test_the_404_page_has_the_search_box_and_the_most_read(site):
    site.sql("UPDATE views SET imported = 999 WHERE article_id = "
             "(SELECT id FROM articles WHERE slug = %s);" % q(SEED_SLUG))
    r = site.get("/no/such/page")
    assert r.status == 404
    assert '<form class="search" role="search" action="/search" method="get">' in r.text
    assert "<h2 id=\"most-read-heading\">Most read</h2>" in r.text
    assert 'href="/post/%s"' % SEED_SLUG in r.text
    # the page nginx serves for its own 404s has the box too
    with open("%s/errors/404.html" % site.var) as f:
        assert 'action="/search"' in f.read()


def test_the_most_read_are_in_order_and_published_only(site):
    site.sql("DELETE FROM articles;")
    add(site, "few", "Few readers", "2024-01-01T09:00:00Z")
    add(site, "many", "Many readers", "2024-01-02T09:00:00Z")
    add(site, "hidden", "Hidden", "2024-01-03T09:00:00Z", draft=1)
    site.sql("UPDATE views SET imported = 10 WHERE article_id = (SELECT id FROM articles WHERE slug = 'few');"
             "UPDATE views SET imported = 500 WHERE article_id = (SELECT id FROM articles WHERE slug = 'many');"
             "UPDATE views SET imported = 900 WHERE article_id = (SELECT id FROM articles WHERE slug = 'hidden');")
    t = site.get("/post/nothing").text
    block = t[t.index("most-read-heading"):]
    assert re.findall(r'href="/post/([a-z0-9-]+)"', block)[:2] == ["many", "few"]
    assert "/post/hidden" not in t


def many(site, prefix, title, n, start=1):
    """n published articles prefix-K titled title % K, one a day of 2023."""
    site.sql("".join(
        "INSERT INTO articles(slug, title, body, published_at) VALUES (%s, %s, 'Words.', %s);"
        % (q("%s-%d" % (prefix, k)), q(title % k), q("2023-01-01T09:00:00Z"))
        for k in range(start, start + n)))


def test_related_on_a_large_site_rare_title_words_first_then_common_ones(site):
    # "acupuncture" is in more titles than store_related.c ranks (32): the
    # titles sharing the rare word come first, then the newest with the common one
    site.sql("DELETE FROM articles;")
    many(site, "acu", "Acupuncture note %d", 40)
    add(site, "sci-old", "Sciatica stretches", "2022-01-01T09:00:00Z")
    add(site, "main", "Acupuncture for sciatica", "2024-01-01T09:00:00Z")
    assert related(site, "main") == ["sci-old", "acu-40", "acu-39"]
    # no rare word: the newest titles with all the common words ("main" has
    # no "note"), then, when none has them all, the newest with any of them
    assert related(site, "acu-7") == ["acu-40", "acu-39", "acu-38"]
    many(site, "diary", "Pain diary %d", 40)
    add(site, "both", "Acupuncture pain", "2024-02-01T09:00:00Z")
    assert related(site, "both") == ["diary-40", "diary-39", "diary-38"]
    assert related(site, "main") == ["sci-old", "both", "acu-40"]


def test_related_on_a_large_site_follow_the_owners_edits_at_once(site):
    site.sql("DELETE FROM articles;")
    many(site, "acu", "Acupuncture note %d", 40)
    add(site, "main", "Acupuncture for sciatica", "2024-01-01T09:00:00Z")
    add(site, "knees", "Knee exercises", "2022-01-01T09:00:00Z")
    assert related(site, "main") == ["acu-40", "acu-39", "acu-38"]
    # a title edited to share the rare word shows at once, first
    site.sql("UPDATE articles SET title = 'Sciatica and knees' WHERE slug = 'knees';")
    assert related(site, "main") == ["knees", "acu-40", "acu-39"]
    # made a draft, scheduled, deleted: gone at once, from either kind of match
    site.sql("UPDATE articles SET draft = 1 WHERE slug = 'knees';")
    assert related(site, "main") == ["acu-40", "acu-39", "acu-38"]
    site.sql("UPDATE articles SET published_at = '2999-01-01T09:00:00Z' WHERE slug = 'acu-40';")
    assert related(site, "main") == ["acu-39", "acu-38", "acu-37"]
    site.sql("DELETE FROM articles WHERE slug = 'acu-39';")
    assert related(site, "main") == ["acu-38", "acu-37", "acu-36"]
    # a title that drops the common word leaves the common matches at once
    site.sql("UPDATE articles SET title = 'Shoulder note 38' WHERE slug = 'acu-38';")
    assert related(site, "main") == ["acu-37", "acu-36", "acu-35"]
