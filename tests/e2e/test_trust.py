"""A clinic's site patients can trust (issue 21), through real nginx, everything set up with
the real sqlite3 shell as the owner would:

- who wrote and reviewed a post: the byline "By A. Practitioner, MBAcC · Reviewed by Dr Asha
  Patel on 3 March 2025 · Next review due March 2026" (the interval a setting), links to
  /people/<slug>; a free-text reviewed_by still shows;
- the post's JSON-LD read with real parsers (extruct from the page, pyld expanding it against
  schema.org terms): one @graph with a MedicalWebPage (lastReviewed, reviewedBy,
  medicalAudience Patient, mainEntity the BlogPosting), the BlogPosting's author a Person with
  hasCredential and memberOf, publisher the MedicalClinic with openingHoursSpecification,
  address, geo, telephone, isAcceptingNewPatients, medicalSpecialty;
- urgent-care boxes: > [!999] on the page as a labelled note with the setting's heading, in the
  feed as a plain quote, never in the description or the search snippet (plain text), an
  unknown marker an ordinary quote; the stored render is redone under the new rules;
- /people/<slug> with its registration and articles by page, /contact, the footer's week and
  closures, all in the sitemap;
- the Nu HTML Checker finds no error on these pages.
Run: /usr/bin/python3 -m pytest -q tests/e2e/test_trust.py
"""
import html
import json
import os
import re
import subprocess

import pytest

from site_harness import ROOT, SEED_SLUG, Site
from wait import wait_until

VNU = os.path.join(ROOT, "tools", "vnu")
POST = "/post/" + SEED_SLUG
SDO = "http://schema.org/"

BOX_MD = ("\n\n> [!999]\n> - loss of feeling between your legs or around your bottom\n"
          "> - you cannot pee or control when you pee\n")


def q(s):
    return "'" + s.replace("'", "''") + "'"


def owner(site, sql):
    return site.sql(".timeout 5000\n" + sql)


PEOPLE = """
INSERT INTO people(slug, name, credentials, role, bio, registration_body, registration_number,
                   registration_url)
VALUES ('a-practitioner', 'A. Practitioner', 'MBAcC', 'Acupuncturist',
        'Trained in **Leeds**; twenty years in practice.', 'British Acupuncture Council',
        '12345', 'https://acupuncture.org.uk/'),
       ('asha-patel', 'Dr Asha Patel', 'MBBS, MRCGP', 'GP adviser', NULL, NULL, NULL, NULL);
"""

CLINIC = """
INSERT INTO settings(key, value) VALUES
  ('clinic.street_address', '12 High Street'), ('clinic.locality', 'Leeds'),
  ('clinic.postcode', 'LS1 4AB'), ('clinic.hours.mon', '09:00-12:30,14:00-18:00'),
  ('clinic.hours.tue', '09:00-17:00'), ('clinic.hours.sun', 'closed'),
  ('clinic.latitude', '53.7997'), ('clinic.longitude', '-1.5492'),
  ('clinic.new_patients', 'yes'), ('clinic.specialty', 'Acupuncture'),
  ('clinic.email', 'hello@example.org'),
  ('clinic.booking_url', 'https://book.example.org/clinic');
"""


@pytest.fixture(scope="module")
def tsite(tmp_path_factory):
    s = Site(tmp_path_factory.mktemp("trust"))
    s.start()
    try:
        owner(s, "UPDATE settings SET value = %s WHERE key = 'base_url';" % q(s.url("").rstrip("/")))
        owner(s, PEOPLE + CLINIC)
        owner(s, "UPDATE articles SET author = 'a-practitioner', reviewer = 'asha-patel', "
                 "reviewed_on = '2025-03-03', body = CAST(body AS TEXT) || %s WHERE slug = %s;"
              % (q(BOX_MD), q(SEED_SLUG)))
        yield s
    finally:
        s.stop()


def jsonld_of(text):
    import extruct
    data = extruct.extract(text, syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert len(data) == 1
    return data[0]


def expanded(doc):
    """The graph expanded by pyld against schema.org's terms (loaded from a local context:
    the test needs no network): {type IRI: [node]}."""
    from pyld import jsonld
    ctx = {"@vocab": SDO, "@base": "http://x/"}
    local = dict(doc, **{"@context": ctx})
    flat = jsonld.flatten(local, None)
    by_type = {}
    for node in flat:
        for t in node.get("@type", []):
            by_type.setdefault(t, []).append(node)
    return by_type, {n["@id"]: n for n in flat}


def prop(node, name):
    return node.get(SDO + name)


def value(node, name):
    (v,) = prop(node, name)
    return v.get("@value", v.get("@id"))


# ---- the byline -----------------------------------------------------------

def test_byline_names_author_reviewer_and_next_review(tsite):
    text = tsite.get(POST).text
    line = re.search(r'<p class="byline">(.*?)</p>', text).group(1)
    assert line == ('By <a href="/people/a-practitioner" rel="author">A. Practitioner</a>, MBAcC'
                    ' · Reviewed by <a href="/people/asha-patel">Dr Asha Patel</a> on '
                    '<time datetime="2025-03-03">3 March 2025</time> · Next review due '
                    '<time datetime="2026-03">March 2026</time>')


def test_review_interval_is_a_setting(tmp_path):
    s = Site(tmp_path)
    s.start()
    try:
        owner(s, "UPDATE articles SET reviewed_on = '2025-11-30', reviewed_by = 'Dr Old Name';"
                 "INSERT INTO settings(key, value) VALUES ('clinic.review_months', '3');")
        text = s.get(POST).text
        assert ('Reviewed by Dr Old Name on <time datetime="2025-11-30">30 November 2025</time>'
                ' · Next review due <time datetime="2026-02">February 2026</time>') in text
        assert 'rel="author"' not in text
    finally:
        s.stop()


# ---- JSON-LD, read by real parsers ------------------------------------------

def test_post_jsonld_is_one_graph_with_every_property(tsite):
    doc = jsonld_of(tsite.get(POST).text)
    by_type, by_id = expanded(doc)
    (page,) = by_type[SDO + "MedicalWebPage"]
    (post,) = by_type[SDO + "BlogPosting"]
    (clinic,) = by_type[SDO + "MedicalClinic"]
    assert value(page, "lastReviewed") == "2025-03-03"
    assert value(page, "mainEntity") == post["@id"]
    audience = by_id[value(page, "medicalAudience")]
    assert audience["@type"] == [SDO + "Patient"]
    reviewer = by_id[value(page, "reviewedBy")]
    assert value(reviewer, "name") == "Dr Asha Patel"
    author = by_id[value(post, "author")]
    assert author["@type"] == [SDO + "Person"] and value(author, "name") == "A. Practitioner"
    creds = [by_id[c["@id"]] for c in prop(author, "hasCredential")]
    assert {value(c, "name") for c in creds} == {"MBAcC", "12345"}
    assert value(by_id[value(author, "memberOf")], "name") == "British Acupuncture Council"
    assert value(post, "publisher") == clinic["@id"] == value(page, "publisher")
    hours = [by_id[h["@id"]] for h in prop(clinic, "openingHoursSpecification")]
    assert sorted((value(h, "dayOfWeek"), value(h, "opens"), value(h, "closes")) for h in hours) == [
        ("https://schema.org/Monday", "09:00", "12:30"),
        ("https://schema.org/Monday", "14:00", "18:00"),
        ("https://schema.org/Tuesday", "09:00", "17:00")]
    address = by_id[value(clinic, "address")]
    assert value(address, "streetAddress") == "12 High Street"
    assert value(address, "postalCode") == "LS1 4AB"
    geo = by_id[value(clinic, "geo")]
    assert (value(geo, "latitude"), value(geo, "longitude")) == ("53.7997", "-1.5492")
    assert {t["@value"] for t in prop(clinic, "telephone")} == {"07872-645683", "07735-332420"}
    assert value(clinic, "isAcceptingNewPatients") is True
    assert value(clinic, "medicalSpecialty") == "Acupuncture"


# ---- urgent-care boxes -------------------------------------------------------

def box_of(text):
    return re.search(r'<div class="urgent urgent-999".*?</div>', text, re.S).group(0)


def test_999_box_is_a_labelled_note_with_the_setting_heading(tsite):
    box = box_of(tsite.get(POST).text)
    assert box.startswith('<div class="urgent urgent-999" role="note" aria-labelledby="urgent-1">\n'
                          '<p class="urgent-heading" id="urgent-1"><strong class="urgent-level">'
                          'Emergency:</strong> Call 999 or go to A&amp;E now if:</p>')
    assert "<li>you cannot pee or control when you pee</li>" in box
    assert "<h" not in box and "[!999]" not in box


def test_a_changed_heading_shows_without_a_new_render(tsite):
    made = tsite.scalar("SELECT made_at || rules FROM article_renders a JOIN articles b "
                        "ON a.article_id = b.id WHERE b.slug = %s;" % q(SEED_SLUG))
    owner(tsite, "INSERT INTO settings(key, value) VALUES ('clinic.urgent.999', "
                 "'Ring 999 <now> if:');")
    try:
        wait_until(lambda: "Ring 999 &lt;now&gt; if:" in box_of(tsite.get(POST).text),
                   what="the new heading on the page")
        assert made == tsite.scalar("SELECT made_at || rules FROM article_renders a JOIN articles b "
                                    "ON a.article_id = b.id WHERE b.slug = %s;" % q(SEED_SLUG))
    finally:
        owner(tsite, "DELETE FROM settings WHERE key = 'clinic.urgent.999';")


def test_stored_renders_carry_the_new_rules(tsite):
    tsite.get(POST)
    assert tsite.scalar("SELECT rules FROM article_renders a JOIN articles b "
                        "ON a.article_id = b.id WHERE b.slug = %s;" % q(SEED_SLUG)) \
        == "cmark 0.30.2; articled 3"


def test_in_the_feed_a_box_is_a_plain_quote(tsite):
    import feedparser
    feed = feedparser.parse(tsite.get("/feed.xml").body)
    (entry,) = [e for e in feed.entries if e.link.endswith(POST)]
    content = entry.content[0].value
    assert ("<blockquote>\n<p><strong>Call 999 or go to A&amp;E now if:</strong></p>\n<ul>"
            in content)
    assert "urgent" not in content and "role=" not in content


def test_the_box_is_never_the_description(tmp_path):
    s = Site(tmp_path)
    s.start()
    try:
        owner(s, "INSERT INTO articles(title, slug, body) VALUES ('Red flags', 'red-flags', "
                 "%s);" % q("> [!999]\n> Numbness now.\n\nOrdinary first paragraph.\n"))
        text = s.get("/post/red-flags").text
        assert '<meta name="description" content="Ordinary first paragraph.">' in text
        assert "Numbness" not in re.search(r"<head>.*</head>", text, re.S).group(0)
        assert "Ordinary first paragraph." in s.get("/blog").text
    finally:
        s.stop()


def test_search_snippets_are_plain_text(tsite):
    r = tsite.get("/search?q=stimulating")
    snippet = re.search(r'<p class="snippet">(.*?)</p>', r.text, re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "", snippet.group(1)))
    assert "Stimulating nerves" in text
    assert not re.search(r"(^|\s)[-*>#]\s", text), text


def test_other_markers_stay_ordinary_quotes(tmp_path):
    s = Site(tmp_path)
    s.start()
    try:
        owner(s, "INSERT INTO articles(title, slug, body) VALUES ('Quotes', 'quotes', %s);"
              % q("Intro.\n\n> [!NOTE]\n> a note\n\n> [!999] inline\n\n> [!99]\n> b\n"))
        text = s.get("/post/quotes").text
        assert text.count("<blockquote>") == 3 and 'class="urgent' not in text
        assert "[!NOTE]" in text and "[!999] inline" in text
    finally:
        s.stop()


# ---- /people, /contact, the footer, the sitemap -------------------------------------

def test_people_page_shows_registration_bio_and_articles(tsite):
    r = tsite.get("/people/a-practitioner")
    assert r.status == 200
    assert "<h1>A. Practitioner</h1>" in r.text
    assert ('Registered with <a href="https://acupuncture.org.uk/">British Acupuncture Council</a>'
            ', registration number 12345.') in r.text
    assert "<strong>Leeds</strong>" in r.text
    assert '<a href="%s">' % POST in r.text
    assert jsonld_of(r.text)["@type"] == "ProfilePage"


def test_people_pages_page_and_404(tmp_path):
    s = Site(tmp_path)
    s.start()
    try:
        owner(s, "INSERT INTO people(slug, name) VALUES ('pat', 'Pat');" + "".join(
            "INSERT INTO articles(title, slug, body, author, published_at) VALUES "
            "('Article %d', 'article-%d', 'Text.', 'pat', '2024-01-%02dT09:00:00Z');"
            % (i, i, i) for i in range(1, 26)))
        first, second = s.get("/people/pat"), s.get("/people/pat/page/2")
        assert first.text.count('href="/post/article-') == 20
        assert 'rel="next" href="/people/pat/page/2"' in first.text
        assert second.text.count('href="/post/article-') == 5
        assert 'rel="prev" href="/people/pat"' in second.text
        assert s.get("/people/pat/page/3").status == 404
        assert s.get("/people/nobody").status == 404
        r = s.get("/people/Pat")
        assert r.status == 301 and r.header("location") == "/people/pat"
    finally:
        s.stop()


def test_contact_page_has_the_clinic_facts(tsite):
    r = tsite.get("/contact")
    assert r.status == 200
    assert "<address>12 High Street<br>\nLeeds<br>\nLS1 4AB<br>\n</address>" in r.text
    assert "<dt>Monday</dt><dd>09:00 to 12:30, 14:00 to 18:00</dd>" in r.text
    assert "<dt>Sunday</dt><dd>Closed</dd>" in r.text
    assert '<a href="mailto:hello@example.org">hello@example.org</a>' in r.text
    assert '<a href="https://book.example.org/clinic">Book an appointment</a>' in r.text
    assert "We are taking new patients." in r.text
    assert jsonld_of(r.text)["mainEntity"]["@type"] == "MedicalClinic"


def test_footer_shows_the_week_and_a_coming_closure(tsite):
    owner(tsite, "INSERT INTO closures(starts, ends, note) VALUES "
                 "(date('now', '+10 days'), date('now', '+12 days'), 'Staff training'), "
                 "(date('now', '+20 days'), date('now', '+21 days'), 'Far away'), "
                 "(date('now', '-5 days'), date('now', '-1 days'), 'Over');")
    try:
        for path in ("/blog", POST, "/contact", "/people/asha-patel", "/search?q=x"):
            text = tsite.get(path).text
            footer = re.search(r'<footer class="site">.*</footer>', text, re.S).group(0)
            assert "<dt>Tuesday</dt><dd>09:00 to 17:00</dd>" in footer, path
            assert ": Staff training</li>" in footer and "Far away" not in footer, path
            assert "Over" not in footer, path
        clinic = jsonld_of(tsite.get("/contact").text)["mainEntity"]
        special = clinic["specialOpeningHoursSpecification"]
        assert len(special) == 2 and all(s["opens"] == s["closes"] == "00:00" for s in special)
        assert special[0]["validFrom"] == tsite.scalar("SELECT date('now', '+10 days');")
    finally:
        owner(tsite, "DELETE FROM closures;")


def test_contact_map_and_person_photo_are_pictures_from_media(tsite, tmp_path):
    from PIL import Image
    png = tmp_path / "map.png"
    Image.new("RGB", (800, 600), (200, 220, 240)).save(png)
    owner(tsite, "INSERT INTO media(name, alt, data) VALUES ('map.png', "
                 "'Map: 12 High Street, by the station', readfile(%s));"
                 "INSERT INTO settings(key, value) VALUES ('clinic.map', 'map.png');"
                 "UPDATE people SET photo = 'map.png' WHERE slug = 'asha-patel';" % q(str(png)))
    wait_until(lambda: "/media/v/" in tsite.get("/contact").text, "the map's sizes on /contact",
               timeout=30)
    text = tsite.get("/contact").text
    assert 'alt="Map: 12 High Street, by the station"' in text
    assert "<iframe" not in text and "http" not in re.search(
        r'<div class="map">.*?</div>', text, re.S).group(0)
    assert "/media/v/" in tsite.get("/people/asha-patel").text


def test_sitemap_lists_people_and_contact(tsite):
    body = tsite.get("/sitemap.xml").text
    base = tsite.url("").rstrip("/")
    for path in ("/people/a-practitioner", "/people/asha-patel", "/contact"):
        assert "<loc>%s%s</loc>" % (base, path) in body


# ---- the Nu HTML Checker ------------------------------------------------------------

def test_nu_checker_finds_no_error(tsite, tmp_path):
    files = []
    for name, path in (("post", POST), ("person", "/people/a-practitioner"),
                       ("reviewer", "/people/asha-patel"), ("contact", "/contact")):
        p = tmp_path / (name + ".html")
        p.write_bytes(tsite.get(path).body)
        files.append(str(p))
    r = subprocess.run([VNU, "--errors-only", "--format", "json", "--stdout"] + files,
                       capture_output=True, text=True, timeout=300)
    messages = json.loads(r.stdout)["messages"]
    assert messages == [], messages
