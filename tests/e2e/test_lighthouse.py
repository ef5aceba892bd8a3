"""Lighthouse 12.2.3 (tools/lighthouse: npm, pinned) with Debian's Chromium, through
nginx configured from nginx.conf.example: 100 in performance, accessibility, best
practices and SEO on /blog, on a post and on a tag page, and in all but SEO on the
search page (it is noindex on purpose), with the mobile and the desktop preset.

Slow (a Chromium run each): one run per page and preset, eight in all, each bounded.
A score under 100 fails with the audits that cost it, so a regression shows why.
Run: /usr/bin/python3 -m pytest -q tests/e2e/test_lighthouse.py
"""
import json
import os
import subprocess

import pytest

from site_harness import ROOT, SEED_SLUG, Site

LIGHTHOUSE = os.path.join(ROOT, "tools", "lighthouse")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


@pytest.fixture(scope="module")
def lh_site(tmp_path_factory):
    s = Site(tmp_path_factory.mktemp("lighthouse"))
    s.start()
    # Links and the sitemap name the address Lighthouse visits.
    s.sql("UPDATE settings SET value = '%s' WHERE key = 'base_url';" % s.url("").rstrip("/"))
    s.sql("INSERT INTO tags(article_id, tag) SELECT id, 'back-pain' FROM articles;")
    # The post with its question form and a published question and reply (issue 19).
    s.sql("BEGIN; INSERT INTO articled_writing(who) VALUES ('comments');"
          "INSERT INTO comments(article_id, name, body) SELECT id, 'Ann', 'Does it hurt?' "
          "FROM articles; DELETE FROM articled_writing; COMMIT;"
          "UPDATE comments SET status = 'published';"
          "INSERT INTO comments(parent_id, name, body) SELECT max(id), 'Roy', "
          "'Hardly: the needles are very fine.' FROM comments;")
    yield s
    s.stop()


def lighthouse(url, preset, out):
    args = [LIGHTHOUSE, url, "--output", "json", "--output-path", out,
            "--only-categories=" + ",".join(CATEGORIES)]
    if preset == "desktop":
        args.append("--preset=desktop")
    r = subprocess.run(args, capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr[-3000:]
    with open(out) as f:
        return json.load(f)


def failing_audits(report, category):
    out = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
            out.append("%s (%s): %s" % (ref["id"], audit["score"], audit.get("displayValue", "")))
    return out


@pytest.mark.parametrize("preset", ["mobile", "desktop"])
@pytest.mark.parametrize("path", ["/blog", "/post/" + SEED_SLUG, "/blog/tag/back-pain",
                                  "/search?q=sciatica"])
def test_lighthouse_scores_100_in_every_category(lh_site, tmp_path, path, preset):
    report = lighthouse(lh_site.url(path), preset, str(tmp_path / "report.json"))
    assert not report.get("runtimeError"), report["runtimeError"]
    # The search page asks search engines not to index it: SEO's
    # is-crawlable audit marks that down, as it should.
    judged = [c for c in CATEGORIES if not (path.startswith("/search") and c == "seo")]
    scores = {c: report["categories"][c]["score"] for c in judged}
    problems = {c: failing_audits(report, c) for c in judged if scores[c] != 1}
    assert all(s == 1 for s in scores.values()), (scores, problems)
