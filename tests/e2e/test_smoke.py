"""The seed article through nginx: the page the clinic's site replaces."""
import re

from site_harness import SEED_SLUG


def test_seed_article_shows_67_views_on_first_visit(site):
    r = site.get("/post/" + SEED_SLUG)
    assert r.status == 200
    assert "67 views" in r.text
    assert "<h1>Sciatica and back pain. What&#39;s the difference, and can acupuncture help?</h1>" in r.text


def test_second_visit_counts_again(site):
    site.get("/post/" + SEED_SLUG)
    r = site.get("/post/" + SEED_SLUG)
    assert re.search(r">68 views<", r.text)
    assert site.wait_folded(SEED_SLUG, 68) == 68
