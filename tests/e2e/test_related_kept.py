"""Stored related links (issue 18, table article_related): the first view
of a post stores its related links, a later miss reads them instead of
ranking titles again; an edit of a body keeps them, any change of a
title, slug, draft flag, date or tag empties the table and shows at once;
a scheduled post going live ends their validity.  Through nginx, written
by the owner's real sqlite3 shell."""
import datetime

from site_harness import SEED_SLUG
from wait import wait_until

from test_post_more import add, related, tag


def kept(site, slug):
    """The stored links of slug ('slug\\ttitle' lines), or None."""
    out = site.sql(".mode list\nSELECT 'row', links FROM article_related r JOIN articles a "
                   "ON a.id = r.article_id WHERE a.slug = '%s';" % slug)
    return out.split("|", 1)[1] if out.startswith("row|") else None


def as_articled(site, sql):
    site.sql("BEGIN; INSERT INTO articled_writing(who) VALUES ('test'); %s "
             "DELETE FROM articled_writing; COMMIT;" % sql)


def drop_page_caches(site):
    site.sql("UPDATE settings SET value = value WHERE key = 'site_name';")


def small_site(site):
    site.sql("DELETE FROM articles;")
    add(site, "main", "Knee pain and acupuncture", "2024-01-01T09:00:00Z")
    add(site, "other", "Knee exercises", "2024-01-02T09:00:00Z")
    add(site, "third", "Shoulder stretches", "2024-01-03T09:00:00Z")
    tag(site, "main", "knees")
    tag(site, "other", "knees")


def test_a_view_stores_the_links_and_a_miss_reads_them(site):
    small_site(site)
    assert related(site, "main") == ["other"]
    wait_until(lambda: kept(site, "main") is not None, "main's links stored")
    assert kept(site, "main").startswith("other\tKnee exercises\n")
    as_articled(site, "UPDATE article_related SET links = 'third' || char(9) || "
                      "'Shoulder stretches' || char(10);")
    drop_page_caches(site)
    site.wait_every_worker("/post/main", lambda r: "/post/third" in r.text,
                           "the stored links")


def test_a_body_edit_keeps_them_a_title_edit_shows_at_once(site):
    small_site(site)
    related(site, "main")
    wait_until(lambda: kept(site, "main") is not None, "main's links stored")
    site.sql("UPDATE articles SET body = 'New words.' WHERE slug = 'other';")
    assert kept(site, "main") is not None, "a body edit keeps every list"
    site.sql("UPDATE articles SET title = 'Shoulder and knee care' WHERE slug = 'third';")
    assert site.scalar("SELECT count(*) FROM article_related;") == "0"
    for r in site.get_everywhere("/post/main"):
        assert "/post/third" in r.text, "the new title's relation shows at once"
    site.sql("DELETE FROM tags WHERE tag = 'knees';")
    assert site.scalar("SELECT count(*) FROM article_related;") == "0"


def test_a_scheduled_post_going_live_joins_the_links(site):
    small_site(site)
    soon = (datetime.datetime.now(datetime.timezone.utc) +
            datetime.timedelta(seconds=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    add(site, "soon", "Knee pain at night", soon)
    tag(site, "soon", "knees")
    assert "soon" not in related(site, "main")
    wait_until(lambda: kept(site, "main") is not None, "main's links stored")
    wait_until(lambda: "soon" in related(site, "main"),
               "the scheduled post among main's links once live", timeout=15)


def test_the_owner_cannot_write_them_but_may_delete_them(site):
    related(site, SEED_SLUG)
    r = site.sql("INSERT INTO article_related(article_id, valid_until, links) "
                 "VALUES (1, '', '');", check=False)
    assert r.returncode != 0 and "articled's own list of related articles" in r.stderr
    site.sql("DELETE FROM article_related;")
    drop_page_caches(site)
    assert site.get("/post/" + SEED_SLUG).status == 200
