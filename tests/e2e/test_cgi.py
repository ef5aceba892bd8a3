"""The same articled binary as a classic CGI program: no master, no
socket, one request in the environment, answered on stdout.

Served by busybox httpd, as a host that offers only CGI would: the
script in DOCROOT/cgi-bin is a small shell wrapper that sets the
database and templates and execs articled."""
import os
import re
import subprocess
import time

import pytest

from cgi_site import SCRIPT, CgiSite, busybox_has_httpd
from site_harness import ROOT, SEED_SLUG, OwnerLock, default_binary, make_db

POST = "/post/" + SEED_SLUG


@pytest.fixture
def cgi(tmp_path):
    if not busybox_has_httpd():
        pytest.skip("busybox has no httpd applet")
    s = CgiSite(tmp_path)
    yield s
    s.stop()


def views_shown(text):
    m = re.search(r">(\d+) views?<", text)
    assert m, text[:400]
    return int(m.group(1))


def test_seed_article_through_busybox_cgi_shows_67_views(cgi):
    r = cgi.request(SCRIPT + POST)
    assert r.status == 200, (r.status, r.text[:300], cgi.log())
    assert r.header("content-type").startswith("text/html")
    assert "67 views" in r.text
    assert "<h1>Sciatica and back pain." in r.text


def test_links_on_cgi_pages_start_with_the_script_path(cgi):
    # The home page is the script itself: busybox httpd, like many CGI
    # servers, takes ".../articled/" for a directory.
    for path in (POST, "/blog", ""):
        r = cgi.request(SCRIPT + path)
        assert r.status == 200, (path, r.status)
        links = re.findall(r'<a [^>]*href="(/[^"]*)"', r.text)
        assert links, path
        outside = [u for u in links
                   if u != SCRIPT and not u.startswith(SCRIPT + "/")]
        assert not outside, "links that leave %s on %s: %s" % (
            SCRIPT, path, outside)
    # The blog list links to the article under the script, and it works.
    text = cgi.request(SCRIPT + "/blog").text
    assert 'href="%s%s"' % (SCRIPT, POST) in text
    assert re.search(r'<a href="%s">' % SCRIPT, text), "home link"
    # A redirect to the canonical address stays under the script too.
    # (Not a trailing slash: busybox httpd answers that 404 itself.)
    r = cgi.request(SCRIPT + "/post/" + SEED_SLUG.upper())
    assert r.status == 301
    assert r.header("location") == SCRIPT + POST


def test_cgi_counts_and_folds_without_a_master(cgi):
    before = cgi.stored_total()
    for i in range(1, 4):
        r = cgi.request(SCRIPT + POST)
        assert r.status == 200
        assert views_shown(r.text) == before + i
        # Each run folds after answering, before it exits: no master.
        cgi.runs_finished()
        assert cgi.stored_total() == before + i
    imported, total, days = cgi.scalar(
        "SELECT v.imported, v.total, (SELECT sum(views) FROM view_days d "
        "WHERE d.article_id = v.article_id) FROM views v;").split("|")
    assert int(total) == int(imported) + int(days) == before + 3


def test_cgi_head_not_counted_unknown_404_post_405(cgi):
    before = cgi.stored_total()
    r = cgi.request(SCRIPT + POST, method="HEAD")
    assert r.status == 200 and r.body == b""
    r = cgi.request(SCRIPT + "/post/no-such-article")
    assert r.status == 404
    assert "Page not found" in r.text
    r = cgi.request(SCRIPT + POST, method="POST", body="a=1", headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 405
    assert r.header("allow") == "GET, HEAD"
    cgi.runs_finished()         # their folds are done: nothing to fold
    assert cgi.stored_total() == before
    r = cgi.request(SCRIPT + POST)
    assert views_shown(r.text) == before + 1


def cgi_env(db, uri, method="GET", script=""):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARTICLED_")}
    env.update(ARTICLED_DB=db, ARTICLED_TEMPLATES=os.path.join(ROOT, "templates"),
               REQUEST_METHOD=method, REQUEST_URI=uri, SCRIPT_NAME=script,
               GATEWAY_INTERFACE="CGI/1.1", SERVER_PROTOCOL="HTTP/1.1",
               ASAN_OPTIONS="detect_leaks=0:abort_on_error=1")
    return env


def run_cgi(db, uri, method="GET", script=""):
    with open(os.devnull, "rb") as devnull:
        return subprocess.run([default_binary()], env=cgi_env(db, uri, method, script),
                              stdin=devnull, capture_output=True, timeout=30)


def test_articled_run_directly_as_cgi(tmp_path):
    db = make_db(str(tmp_path / "site.db"))
    r = run_cgi(db, POST)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(b"Status: 200 OK\r\n"), r.stdout[:200]
    head, _, body = r.stdout.partition(b"\r\n\r\n")
    m = re.search(rb"\r\nContent-Length: (\d+)\r\n", head + b"\r\n")
    assert m and int(m.group(1)) == len(body)
    assert b"67 views" in body
    r = run_cgi(db, "/post/no-such-article")
    assert r.stdout.startswith(b"Status: 404 Not Found\r\n")
    r = run_cgi(db, POST, method="HEAD")
    assert r.stdout.startswith(b"Status: 200 OK\r\n")
    assert r.stdout.endswith(b"\r\n\r\n")    # headers only
    r = run_cgi(db, POST)
    assert b"68 views" in r.stdout


def test_cgi_with_the_database_locked_answers_and_the_next_run_folds(cgi):
    before = cgi.stored_total()
    with OwnerLock(cgi.db) as owner:
        t0 = time.time()
        r = cgi.request(SCRIPT + POST)
        took = time.time() - t0
        assert r.status == 200 and views_shown(r.text) == before + 1
        assert took < 1.0, "the CGI run waited for the lock: %.2f s" % took
        cgi.runs_finished()
        assert cgi.stored_total() == before    # the fold was skipped
        owner.commit()
    assert cgi.stored_total() == before
    r = cgi.request(SCRIPT + POST)
    assert r.status == 200 and views_shown(r.text) == before + 2
    # The next run folds its view and the one the locked run left.
    cgi.runs_finished()
    assert cgi.stored_total() == before + 2
