"""Patients' questions under each article (issue 19), through real nginx and the real
sqlite3 shell: the form on the post, a question taken (303, thank-you page, reference
number), the owner's moderation showing at once, every refusal answered with the form,
the patient's text in it and one sentence, the token's age and origin, the honeypot, the
limits, exact views, and nothing stored that identifies the patient."""
import re
import time

import pytest

from comment_form import (name_value, page_token, post, refusal, secret, day_of,
                          textarea, token)
from site_harness import SEED_SLUG, OwnerLock, Site
from wait import wait_until

POST = "/post/" + SEED_SLUG
QUESTION = "Does acupuncture hurt?\n\nI have had sciatica for <b>two</b> years & it's worse at night."


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    s = Site(tmp_path_factory.mktemp("comments"), workers=2)
    s.start()
    try:
        # generous per-address limits here; test_per_address_limits sets its own
        s.sql("INSERT INTO settings(key, value) VALUES ('comments.gap_seconds', '0'), "
              "('comments.per_hour', '1000');")
        yield s
    finally:
        s.stop()


@pytest.fixture(autouse=True)
def clean(site):
    site.sql("PRAGMA secure_delete = ON; DELETE FROM comments; "
             "UPDATE articles SET comments = 'open'; "
             "DELETE FROM settings WHERE key GLOB 'comments.*' AND key NOT IN "
             "('comments.gap_seconds', 'comments.per_hour');")
    site.get(POST)          # today's key exists from here on


def ask(site, question=QUESTION, name="Ann", age=10, **kw):
    return post(site, SEED_SLUG, {"token": token(site, SEED_SLUG, age=age), "name": name,
                                  "question": question}, **kw)


def rev(site):
    return site.scalar("SELECT rev FROM site_version;")


def pending(site):
    return site.sql(".mode list\nSELECT id, name, body FROM comments_pending;")


def test_the_post_shows_the_count_and_a_labelled_form_with_the_notice(site):
    page = site.get(POST).text
    assert re.search(r'<span class="views">\d+ views</span> · <a href="#comments">0 comments</a>', page)
    assert '<label for="comment-name">' in page and '<label for="comment-text">' in page
    assert "Please don&#39;t include personal medical details. For urgent help call 111, " \
           "or 999 in an emergency." in page
    assert 'action="/comment/%s"' % SEED_SLUG in page
    assert 'type="email"' not in page and 'type="url"' not in page
    assert re.fullmatch(r"\d+-[0-9a-f]{16}", page_token(page))


def test_a_question_is_held_with_a_reference_and_the_revision_does_not_move(site):
    before = rev(site)
    r = ask(site)
    assert r.status == 303, r.text
    loc = r.header("Location")
    m = re.fullmatch(r"/comment/%s\?sent=(\d+)" % SEED_SLUG, loc)
    assert m, loc
    ref = m.group(1)
    assert rev(site) == before
    row = site.sql(".mode list\nSELECT id, slug, name, body FROM comments_pending;")
    assert row == "%s|%s|Ann|%s\n" % (ref, SEED_SLUG, QUESTION)
    thanks = site.get(loc)
    assert thanks.status == 200
    assert "The clinic will read it before it appears under the article." in thanks.text
    assert "Your reference number is <strong>%s</strong>" % ref in thanks.text
    # not shown until the owner publishes it
    assert "Does acupuncture hurt?" not in site.get(POST).text


def test_nothing_stored_identifies_the_patient(site):
    assert ask(site, source="127.0.0.9").status == 303
    cols = site.sql(".mode list\nSELECT name FROM pragma_table_info('comments');").split()
    assert cols == ["id", "article_id", "parent_id", "name", "body", "status", "by_clinic",
                    "created_at", "decided_at"]
    site.sql("PRAGMA wal_checkpoint(TRUNCATE);")
    with open(site.db, "rb") as f:
        data = f.read()
    assert b"127.0.0.9" not in data and b"python" not in data.lower()


def test_published_replies_and_removals_show_at_once_with_the_count(site):
    assert ask(site).status == 303
    qid = site.scalar("SELECT id FROM comments_pending;")
    before = rev(site)
    site.sql("UPDATE comments SET status = 'published' WHERE id = %s;" % qid)
    assert rev(site) != before
    page = site.get(POST).text
    assert "<a href=\"#comments\">1 comment</a>" in page
    assert "<p>Does acupuncture hurt?</p>" in page
    assert "it&#39;s worse at night" in page and "&lt;b&gt;two&lt;/b&gt;" in page
    site.sql("INSERT INTO comments(parent_id, name, body) VALUES (%s, 'Roy', "
             "'Very little: see https://example.org for more.');" % qid)
    page = site.get(POST).text
    assert "<a href=\"#comments\">2 comments</a>" in page
    q = page.index('id="comment-%s"' % qid)
    reply = page.index('<li class="comment reply"')
    assert q < reply
    assert '<span class="clinic">for the clinic</span>' in page[reply:]
    assert "<a href=\"https://example.org" not in page       # no link made
    assert '"commentCount":2' in page and '"@type":"Comment"' in page
    site.sql("UPDATE comments SET status = 'rejected' WHERE id = %s;" % qid)
    page = site.get(POST).text
    assert "0 comments" in page and "Does acupuncture hurt?" not in page


@pytest.mark.parametrize("fields, status, sentence", [
    ({"name": "", "question": QUESTION}, 400, "Please write your name"),
    ({"name": "Ann", "question": "  \r\n "}, 400, "Please write your question"),
    ({"name": "Ann", "question": "x" * 2001}, 413, "Your question is longer than this site takes"),
    ({"name": "Ann", "question": "see http://a.example and https://b.example"}, 400,
     "at most one web address"),
    ({"name": "A" * 81, "question": QUESTION}, 400, "Please shorten your name"),
])
def test_a_refused_question_comes_back_with_its_text_and_what_to_do(site, fields, status, sentence):
    fields = dict(fields, token=token(site, SEED_SLUG))
    r = post(site, SEED_SLUG, fields)
    assert r.status == status
    assert sentence in refusal(r.text)
    assert textarea(r.text) == fields["question"]
    assert name_value(r.text) == fields["name"]
    assert pending(site) == ""


def test_not_utf8_is_refused_with_the_form(site):
    body = b"token=" + token(site, SEED_SLUG).encode() + b"&name=Ann&question=caf%E9"
    r = post(site, SEED_SLUG, body=body)
    assert r.status == 400 and "could not be read" in refusal(r.text)
    assert pending(site) == ""


@pytest.mark.parametrize("age, status, sentence", [
    (0, 429, "a moment after the page opened"),
    (1, 429, "a moment after the page opened"),
    (25 * 3600, 403, "This form has expired"),
])
def test_the_token_age_is_checked(site, age, status, sentence):
    t = int(time.time()) - age
    key = secret(site, day_of(t)) or secret(site, day_of(time.time()))
    r = post(site, SEED_SLUG, {"token": token(site, SEED_SLUG, age=age, key=key),
                               "name": "Ann", "question": QUESTION})
    assert r.status == status, r.text
    assert sentence in refusal(r.text)
    assert textarea(r.text) == QUESTION
    assert pending(site) == ""
    # the form that comes back carries a fresh token of this site
    assert re.fullmatch(r"\d+-[0-9a-f]{16}", page_token(r.text))


@pytest.mark.parametrize("tok", ["", "garbage", "%d-0123456789abcdef" % time.time(),
                                 "1-0000000000000000"])
def test_a_token_this_site_did_not_make_is_refused(site, tok):
    if tok.endswith("0123456789abcdef"):
        tok = "%d-0123456789abcdef" % (time.time() - 10)
    r = post(site, SEED_SLUG, {"token": tok, "name": "Ann", "question": QUESTION})
    assert r.status == 403
    assert refusal(r.text).startswith("This form could not be checked") or \
        refusal(r.text).startswith("This form has expired")
    assert textarea(r.text) == QUESTION and pending(site) == ""


def test_a_token_made_with_another_key_is_refused(site):
    r = post(site, SEED_SLUG, {"token": token(site, SEED_SLUG, key=bytes(16)),
                               "name": "Ann", "question": QUESTION})
    assert r.status == 403 and "could not be checked" in refusal(r.text)


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Sec-Fetch-Site": "cross-site"},
])
def test_a_post_from_another_site_is_refused(site, headers):
    r = ask(site, headers=headers)
    assert r.status == 403 and "sent from another site" in refusal(r.text)
    assert textarea(r.text) == QUESTION and pending(site) == ""


@pytest.mark.parametrize("origin", ["null", None])
def test_origin_null_or_own_counts_as_absent(site, origin):
    headers = {"Origin": origin or "http://127.0.0.1:%d" % site.port,
               "Sec-Fetch-Site": "same-origin"}
    assert ask(site, headers=headers).status == 303


@pytest.mark.parametrize("ctype, status", [
    ("text/plain", 415),
    ("multipart/form-data; boundary=x", 415),
])
def test_other_ways_of_sending_are_refused_with_the_form(site, ctype, status):
    r = post(site, SEED_SLUG, {"token": token(site, SEED_SLUG), "name": "Ann",
                               "question": QUESTION}, content_type=ctype)
    assert r.status == status and "ordinary web form" in refusal(r.text)
    assert '<form class="comment-form"' in r.text and pending(site) == ""


def test_a_body_over_the_limit_is_refused_by_nginx_or_articled(site):
    big = {"token": token(site, SEED_SLUG), "name": "Ann", "question": "é" * 9000}
    r = post(site, SEED_SLUG, big)      # 72 KB encoded: over nginx's 64k
    assert r.status == 413 and pending(site) == ""


def test_the_honeypot_pretends_and_keeps_nothing(site):
    r = post(site, SEED_SLUG, {"token": token(site, SEED_SLUG), "name": "Bot",
                               "question": QUESTION, "website": "http://spam.example"})
    assert r.status == 303
    assert site.scalar("SELECT count(*) FROM comments;") == "0"


def test_an_exact_duplicate_is_refused(site):
    assert ask(site).status == 303
    r = ask(site)
    assert r.status == 409 and "already been sent" in refusal(r.text)
    assert textarea(r.text) == QUESTION
    assert site.scalar("SELECT count(*) FROM comments;") == "1"


def test_the_pending_cap_pauses_questions(site):
    site.sql("INSERT INTO settings(key, value) VALUES ('comments.pending_cap', '1');")
    assert ask(site).status == 303
    r = ask(site, question="Another one?")
    assert r.status == 503 and "paused for now" in refusal(r.text)
    assert textarea(r.text) == "Another one?"


def test_the_site_wide_minute_limit(site):
    site.sql("INSERT INTO settings(key, value) VALUES ('comments.per_minute', '2');")
    assert ask(site, question="one").status == 303
    assert ask(site, question="two").status == 303
    r = ask(site, question="three")
    assert r.status == 429 and "Many questions are arriving" in refusal(r.text)
    assert textarea(r.text) == "three"


def test_closed_on_one_article_site_wide_and_by_age(site):
    site.sql("UPDATE articles SET comments = 'closed' WHERE slug = '%s';" % SEED_SLUG)
    page = site.get(POST).text
    assert "Questions are closed on this article." in page and 'class="comment-form"' not in page
    r = ask(site)
    assert r.status == 403 and "closed" in refusal(r.text) and textarea(r.text) == QUESTION
    site.sql("UPDATE articles SET comments = 'open';"
             "INSERT INTO settings(key, value) VALUES ('comments.open', 'no');")
    assert ask(site).status == 403
    site.sql("DELETE FROM settings WHERE key = 'comments.open';"
             "INSERT INTO settings(key, value) VALUES ('comments.close_after_days', '30');")
    assert "Questions are closed" in site.get(POST).text    # the seed is from 2024
    assert ask(site).status == 403
    site.sql("DELETE FROM settings WHERE key = 'comments.close_after_days';")
    assert ask(site).status == 303


def test_an_owner_holding_the_lock_gets_the_form_back_and_readers_are_served(site):
    with OwnerLock(site.db) as lock:
        t0 = time.monotonic()
        r = ask(site)
        assert r.status == 503 and "try again in a minute" in refusal(r.text)
        assert textarea(r.text) == QUESTION
        assert time.monotonic() - t0 < 2
        assert site.get(POST).status == 200
        lock.commit()
    assert pending(site) == ""
    assert ask(site).status == 303


def test_posts_thanks_and_refusals_are_never_views(site):
    site.fold_settled(SEED_SLUG)
    before = site.live_views(SEED_SLUG)
    r = ask(site)
    site.get(r.header("Location"))
    post(site, SEED_SLUG, {"token": "x", "name": "Ann", "question": "q"})
    site.get("/comment/" + SEED_SLUG)          # 301 to the post, not followed
    assert site.live_views(SEED_SLUG) == before


def test_each_answer_carries_its_own_token(site):
    first = page_token(site.get(POST).text)
    wait_until(lambda: page_token(site.get(POST).text) != first, timeout=5,
               what="a later answer's token")


def test_get_without_sent_goes_to_the_post_and_post_elsewhere_is_405(site):
    r = site.get("/comment/" + SEED_SLUG)
    assert r.status == 301 and r.header("Location") == POST
    r = site.request(POST, method="POST", body=b"x=1",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 405
    assert post(site, "no-such-post", {"name": "a"}).status == 404


def test_rejected_questions_are_purged_after_the_set_days(site):
    assert ask(site, question="old one").status == 303
    site.sql("UPDATE comments SET status = 'rejected';"
             "UPDATE comments SET decided_at = '2000-01-01T00:00:00Z';")
    assert ask(site, question="recent, rejected").status == 303
    site.sql("UPDATE comments SET status = 'rejected' WHERE body = 'recent, rejected';")
    # the purge goes with the next question taken, in its transaction
    assert ask(site, question="new").status == 303
    assert site.sql(".mode list\nSELECT body, status FROM comments ORDER BY id;") == \
        "recent, rejected|rejected\nnew|pending\n"


def test_comments_are_not_searched_nor_in_the_feed_or_sitemap(site):
    assert ask(site, question="Zanzibarish question about needles").status == 303
    site.sql("UPDATE comments SET status = 'published';")
    assert "Zanzibarish" in site.get(POST).text
    assert "No article matches" in site.get("/search?q=zanzibarish").text
    assert "Zanzibarish" not in site.get("/feed.xml").text
    sitemap = site.get("/sitemap.xml").text
    assert "/comment/" not in sitemap and "Zanzibarish" not in sitemap
    thanks = site.get("/comment/%s?sent=1" % SEED_SLUG).text
    assert '<meta name="robots" content="noindex' in thanks


def test_per_address_limits_under_fastcgi(site):
    """The master's table of keyed hashes: 15 s between two questions from one address,
    so many an hour; another address is not held back; the workers share it."""
    site.sql("UPDATE settings SET value = '15' WHERE key = 'comments.gap_seconds';")
    try:
        assert ask(site, question="one", source="127.0.0.5").status == 303
        for i in range(4):          # whichever worker answers
            r = ask(site, question="again %d" % i, source="127.0.0.5")
            assert r.status == 429 and "a few seconds ago" in refusal(r.text)
            assert textarea(r.text) == "again %d" % i
        assert ask(site, question="other", source="127.0.0.6").status == 303
        site.sql("UPDATE settings SET value = '0' WHERE key = 'comments.gap_seconds';"
                 "UPDATE settings SET value = '2' WHERE key = 'comments.per_hour';")
        assert ask(site, question="h1", source="127.0.0.7").status == 303
        assert ask(site, question="h2", source="127.0.0.7").status == 303
        r = ask(site, question="h3", source="127.0.0.7")
        assert r.status == 429 and "several questions this hour" in refusal(r.text)
        assert textarea(r.text) == "h3"
    finally:
        site.sql("UPDATE settings SET value = '0' WHERE key = 'comments.gap_seconds';"
                 "UPDATE settings SET value = '1000' WHERE key = 'comments.per_hour';")
    assert "127.0.0.5" not in site.log()


def test_deleting_the_keys_voids_every_form_in_pages(site):
    old = token(site, SEED_SLUG)
    site.sql("DELETE FROM comment_keys;")
    r = post(site, SEED_SLUG, {"token": old, "name": "Ann", "question": QUESTION})
    assert r.status == 403 and "could not be checked" in refusal(r.text)
    assert textarea(r.text) == QUESTION
    site.get(POST)                          # a new key for the day
    assert ask(site).status == 303


def test_a_form_drawn_before_a_restart_is_taken_after_it(site):
    """The secret lives in the database: tokens outlive the workers and the master."""
    key = secret(site, day_of(time.time()))
    made = token(site, SEED_SLUG, age=5, key=key)
    site.stop_articled()
    site.start_articled()
    r = post(site, SEED_SLUG, {"token": made, "name": "Ann", "question": QUESTION})
    assert r.status == 303, r.text
    assert secret(site, day_of(time.time())) == key
