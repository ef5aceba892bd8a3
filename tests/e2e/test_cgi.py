"""The same articled binary as a classic CGI program: no master, no
socket, one request in the environment, answered on stdout.

Served by busybox httpd, as a host that offers only CGI would: the
script in DOCROOT/cgi-bin is a small shell wrapper that sets the
database and templates and execs articled."""
import os
import re
import signal
import subprocess
import time

import pytest

from site_harness import (ROOT, SEED_SLUG, OwnerLock, default_binary, free_port,
                          make_db, wait_for_port)

SCRIPT = "/cgi-bin/articled"
POST = "/post/" + SEED_SLUG


def busybox_has_httpd():
    r = subprocess.run(["busybox", "--list"], capture_output=True, text=True)
    return r.returncode == 0 and "httpd" in r.stdout.split()


class CgiSite:
    """busybox httpd on a free port, articled under /cgi-bin/articled."""

    def __init__(self, tmp_path, binary=None):
        self.dir = str(tmp_path)
        self.db = make_db(os.path.join(self.dir, "site.db"))
        self.binary = binary or default_binary()
        self.docroot = os.path.join(self.dir, "www")
        os.makedirs(os.path.join(self.docroot, "cgi-bin"))
        self.stderr_path = os.path.join(self.dir, "httpd.log")
        wrapper = os.path.join(self.docroot, "cgi-bin", "articled")
        with open(wrapper, "w") as f:
            f.write("#!/bin/sh\n"
                    "# How a CGI-only host runs articled: set where the\n"
                    "# database and the templates are, then exec it.\n"
                    "ARTICLED_DB='%s'\n"
                    "ARTICLED_TEMPLATES='%s'\n"
                    "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1\n"
                    "export ARTICLED_DB ARTICLED_TEMPLATES ASAN_OPTIONS\n"
                    "exec '%s' 2>>'%s'\n" % (self.db,
                                              os.path.join(ROOT, "templates"),
                                              self.binary, self.stderr_path))
        os.chmod(wrapper, 0o755)
        self.port = free_port()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("ARTICLED_")}
        self.httpd = subprocess.Popen(
            ["busybox", "httpd", "-f", "-p", "127.0.0.1:%d" % self.port,
             "-h", self.docroot], env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if wait_for_port(self.port):
            return
        self.stop()
        raise RuntimeError("busybox httpd did not start")

    def stop(self):
        if self.httpd is not None:
            try:
                os.killpg(self.httpd.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.httpd.wait()
            self.httpd = None

    def request(self, path, method="GET", headers=None, body=None):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, \
                r.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def scalar(self, sql):
        # A CGI run is the last connection when it exits: it checkpoints
        # and removes the WAL, and a reader arriving just then is told
        # "database is locked" unless it waits a moment.
        return subprocess.run(["sqlite3", "-bail", self.db],
                              input=".timeout 5000\n" + sql,
                              capture_output=True, text=True,
                              check=True).stdout.strip()

    def stored_total(self):
        return int(self.scalar(
            "SELECT v.total FROM views v JOIN articles a ON a.id = "
            "v.article_id WHERE a.slug = '%s';" % SEED_SLUG))

    def wait_stored(self, expected, timeout=5):
        deadline = time.time() + timeout
        v = self.stored_total()
        while v != expected and time.time() < deadline:
            time.sleep(0.05)
            v = self.stored_total()
        return v

    def log(self):
        try:
            with open(self.stderr_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""


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
    status, headers, text = cgi.request(SCRIPT + POST)
    assert status == 200, (status, text[:300], cgi.log())
    assert headers["content-type"].startswith("text/html")
    assert "67 views" in text
    assert "<h1>Sciatica and back pain." in text


def test_links_on_cgi_pages_start_with_the_script_path(cgi):
    # The home page is the script itself: busybox httpd, like many CGI
    # servers, takes ".../articled/" for a directory.
    for path in (POST, "/blog", ""):
        status, _, text = cgi.request(SCRIPT + path)
        assert status == 200, (path, status)
        links = re.findall(r'<a [^>]*href="(/[^"]*)"', text)
        assert links, path
        outside = [u for u in links
                   if u != SCRIPT and not u.startswith(SCRIPT + "/")]
        assert not outside, "links that leave %s on %s: %s" % (
            SCRIPT, path, outside)
    # The blog list links to the article under the script, and it works.
    _, _, text = cgi.request(SCRIPT + "/blog")
    assert 'href="%s%s"' % (SCRIPT, POST) in text
    assert re.search(r'<a href="%s">' % SCRIPT, text), "home link"
    # A redirect to the canonical address stays under the script too.
    # (Not a trailing slash: busybox httpd answers that 404 itself.)
    status, headers, _ = cgi.request(SCRIPT + "/post/" + SEED_SLUG.upper())
    assert status == 301
    assert headers["location"] == SCRIPT + POST


def test_cgi_counts_and_folds_without_a_master(cgi):
    before = cgi.stored_total()
    for i in range(1, 4):
        status, _, text = cgi.request(SCRIPT + POST)
        assert status == 200
        assert views_shown(text) == before + i
        # Each run folds after answering: no master is needed.
        assert cgi.wait_stored(before + i) == before + i
    imported, total, days = cgi.scalar(
        "SELECT v.imported, v.total, (SELECT sum(views) FROM view_days d "
        "WHERE d.article_id = v.article_id) FROM views v;").split("|")
    assert int(total) == int(imported) + int(days) == before + 3


def test_cgi_head_not_counted_unknown_404_post_405(cgi):
    before = cgi.stored_total()
    status, headers, body = cgi.request(SCRIPT + POST, method="HEAD")
    assert status == 200 and body == ""
    status, _, text = cgi.request(SCRIPT + "/post/no-such-article")
    assert status == 404
    assert "Page not found" in text
    status, headers, _ = cgi.request(SCRIPT + POST, method="POST",
                                     body="a=1", headers={
                                         "Content-Type":
                                         "application/x-www-form-urlencoded"})
    assert status == 405
    assert headers.get("allow") == "GET, HEAD"
    time.sleep(0.3)
    assert cgi.stored_total() == before
    status, _, text = cgi.request(SCRIPT + POST)
    assert views_shown(text) == before + 1


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
        status, _, text = cgi.request(SCRIPT + POST)
        took = time.time() - t0
        assert status == 200 and views_shown(text) == before + 1
        assert took < 1.0, "the CGI run waited for the lock: %.2f s" % took
        time.sleep(0.5)
        assert cgi.stored_total() == before    # the fold was skipped
        owner.commit()
    assert cgi.stored_total() == before
    status, _, text = cgi.request(SCRIPT + POST)
    assert status == 200 and views_shown(text) == before + 2
    # The next run folds its view and the one the locked run left.
    assert cgi.wait_stored(before + 2) == before + 2
