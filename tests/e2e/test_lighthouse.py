"""Lighthouse 12.2.3 (tools/lighthouse: npm, pinned) with Debian's Chromium, through
nginx configured from nginx.conf.example: 100 in performance, accessibility, best
practices and SEO on /blog, on a post (with its author, review line and a 999 box), on a
tag page, on /people/<slug> and /contact (the clinic's facts in every footer), and in all
but SEO on the search page (it is noindex on purpose), with the mobile and the desktop
preset.

Slow (a Chromium run each): one run per page and preset, twelve in all, each bounded.
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
    # The post has an author, a review line and a 999 box; the clinic its facts (issue 21).
    s.sql(".timeout 5000\n"
          "INSERT INTO people(slug, name, credentials, role, bio, registration_body, "
          "registration_number, registration_url) VALUES ('a-practitioner', 'A. Practitioner', "
          "'MBAcC', 'Acupuncturist', 'Twenty years in *practice*.', "
          "'British Acupuncture Council', '12345', 'https://acupuncture.org.uk/'),"
          "('asha-patel', 'Dr Asha Patel', 'MBBS', 'GP adviser', NULL, NULL, NULL, NULL);"
          "UPDATE articles SET author = 'a-practitioner', reviewer = 'asha-patel', "
          "reviewed_on = '2025-03-03', body = CAST(body AS TEXT) || char(10) || char(10) || "
          "'> [!999]' || char(10) || '> - loss of feeling around your bottom' || char(10);"
          "INSERT INTO settings(key, value) VALUES ('clinic.street_address', '12 High Street'),"
          "('clinic.postcode', 'LS1 4AB'), ('clinic.hours.mon', '09:00-12:30,14:00-18:00'),"
          "('clinic.hours.tue', '09:00-17:00'), ('clinic.email', 'hello@example.org'),"
          "('clinic.new_patients', 'yes');"
          "INSERT INTO closures(starts, ends, note) VALUES (date('now', '+3 days'), "
          "date('now', '+4 days'), 'Staff training');")
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
                                  "/search?q=sciatica", "/people/a-practitioner", "/contact"])
def test_lighthouse_scores_100_in_every_category(lh_site, tmp_path, path, preset):
    report = lighthouse(lh_site.url(path), preset, str(tmp_path / "report.json"))
    assert not report.get("runtimeError"), report["runtimeError"]
    # The search page asks search engines not to index it: SEO's
    # is-crawlable audit marks that down, as it should.
    judged = [c for c in CATEGORIES if not (path.startswith("/search") and c == "seo")]
    scores = {c: report["categories"][c]["score"] for c in judged}
    problems = {c: failing_audits(report, c) for c in judged if scores[c] != 1}
    assert all(s == 1 for s in scores.values()), (scores, problems)
