"""Stored renders (issue 8): each article's body rendered once into
article_renders, used on a cache miss, and never trusted when the body or
the rendering rules differ from those it was made with.  Edits go in with
the real sqlite3 shell and are read through nginx at once."""
import re

from site_harness import SEED_SLUG, OwnerLock
from wait import wait_until

SEED = "/post/" + SEED_SLUG
RULES_RE = r"cmark \d+\.\d+\.\d+; articled \d+"


def owner(site, sql, check=True):
    """The owner's shell, waiting for a lock like `.timeout` makes it: workers
    now write too (a stored render), as the fold does every second."""
    return site.sql(".timeout 5000\n" + sql, check=check)


def stored(site, slug):
    """(body_hash, body_len, rules, html, slow) of slug's stored render, or None."""
    out = owner(site, ".mode list\n.separator |\nSELECT r.body_hash, r.body_len, r.rules, "
                   "r.html, r.slow FROM article_renders r JOIN articles a "
                   "ON a.id = r.article_id WHERE a.slug = '%s';" % slug)
    return out.strip().split("|") if out.strip() else None


def as_articled(site, sql):
    """Writes article_renders the way articled does (its guard open), to play
    a stored render made by another body or another articled."""
    owner(site, "BEGIN; INSERT INTO articled_writing(who) VALUES ('test'); %s "
             "DELETE FROM articled_writing; COMMIT;" % sql)


def drop_page_caches(site):
    """A settings write moves site_version.rev: every worker's page cache goes."""
    owner(site, "UPDATE settings SET value = value WHERE key = 'site_name';")


def test_a_view_stores_the_render_and_a_miss_serves_it(site):
    assert stored(site, SEED_SLUG) is None
    r = site.get(SEED)
    assert r.status == 200
    row = stored(site, SEED_SLUG)
    assert row is not None, "the first view stored its render"
    assert re.fullmatch(RULES_RE, row[2]) and row[4] == "0"
    assert "<p>" in row[3] and row[3] in r.text, "the stored HTML is the page's body"
    # A stored render that says something else shows that misses read it.
    as_articled(site, "UPDATE article_renders SET html = '<p>FROM-THE-STORE</p>';")
    drop_page_caches(site)
    site.wait_every_worker(SEED, lambda r: "FROM-THE-STORE" in r.text,
                           "the stored render")


def test_an_edit_shows_at_once_and_the_render_follows(site):
    site.get_everywhere(SEED)   # every worker has the page cached
    for i in range(5):
        owner(site, "UPDATE articles SET body = 'Edited, round %d.\n\nSecond paragraph.' "
                 "WHERE slug = '%s';" % (i, SEED_SLUG))
        for r in site.get_everywhere(SEED):
            assert r.status == 200
            assert "Edited, round %d." % i in r.text
        row = stored(site, SEED_SLUG)
        assert row is not None and "Edited, round %d." % i in row[3]
        assert int(row[1]) == len(("Edited, round %d.\n\nSecond paragraph." % i).encode())


def test_a_render_made_by_other_rules_or_another_body_is_rebuilt(site):
    site.get(SEED)
    good = stored(site, SEED_SLUG)
    # An older cmark or older rules: not trusted, rendered again and replaced.
    as_articled(site, "UPDATE article_renders SET rules = 'cmark 0.29.0; articled 0', "
                "html = '<p>OLD-RULES</p>';")
    drop_page_caches(site)
    for r in site.get_everywhere(SEED):
        assert r.status == 200 and "OLD-RULES" not in r.text
        assert good[3] in r.text
    assert stored(site, SEED_SLUG)[2] == good[2]
    # A render of another body (the hash differs): not trusted either.
    as_articled(site, "UPDATE article_renders SET body_hash = body_hash + 1, "
                "html = '<p>OTHER-BODY</p>';")
    drop_page_caches(site)
    for r in site.get_everywhere(SEED):
        assert r.status == 200 and "OTHER-BODY" not in r.text
    assert stored(site, SEED_SLUG)[0] == good[0]


def test_the_owner_cannot_write_renders_but_may_delete_them(site):
    site.get(SEED)
    r = owner(site, "UPDATE article_renders SET html = 'x';", check=False)
    assert r.returncode != 0 and "articled's own copy of rendered articles" in r.stderr
    r = owner(site, "INSERT INTO article_renders(article_id, body_hash, body_len, rules, "
                 "excerpt, words, made_at) VALUES (99, 1, 1, 'r', '', 0, '');", check=False)
    assert r.returncode != 0 and "edit articles.body instead" in r.stderr
    owner(site, "DELETE FROM article_renders;")
    drop_page_caches(site)
    assert site.get(SEED).status == 200
    assert stored(site, SEED_SLUG) is not None, "rebuilt by the next view"
    owner(site, "DELETE FROM articles WHERE slug = '%s';" % SEED_SLUG)
    assert site.scalar("SELECT count(*) FROM article_renders;") == "0"


def test_a_view_never_waits_for_the_write_lock(site):
    owner(site, "INSERT INTO articles(title, body) VALUES ('Locked out', 'Body *one*.');")
    with OwnerLock(site.db) as lock:
        r = site.get("/post/locked-out", timeout=2)
        assert r.status == 200 and "<em>one</em>" in r.text
        lock.commit()
    assert stored(site, "locked-out") is None, "the view served its own render"
    drop_page_caches(site)
    wait_until(lambda: site.get("/post/locked-out").status == 200
               and stored(site, "locked-out") is not None,
               "a later miss to store the render")


def test_list_excerpts_come_from_the_stored_render(site):
    site.get(SEED)
    as_articled(site, "UPDATE article_renders SET excerpt = 'EXCERPT-FROM-STORE';")
    drop_page_caches(site)
    site.wait_every_worker("/blog", lambda r: "EXCERPT-FROM-STORE" in r.text,
                           "the stored excerpt on the list")
