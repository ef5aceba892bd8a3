"""articled as a plain CGI program under the CGI servers a clinic's host
may already run: Apache httpd with mod_cgi (prefork MPM), Apache with
mod_cgid (event MPM, what Debian's `a2enmod cgi` gives), and lighttpd.
Each runs on a private configuration and a loopback port, as its own user
www-data (tests/lib/cgi_servers.py).

Also, without a server: a connected socket on stdin (mod_cgid's way) is a
CGI request, and a SIGTERM as soon as the answer is read does not stop the
fold."""
import os
import re
import signal
import socket
import sqlite3
import subprocess

import pytest

from cgi_servers import KINDS, SCRIPT, CgiServer, available
from site_harness import ROOT, SEED_SLUG, Site, default_binary, make_db
from wait import wait_until

POST = SCRIPT + "/post/" + SEED_SLUG
STORED = ("SELECT v.total FROM views v JOIN articles a ON a.id = v.article_id "
          "WHERE a.slug = '%s';" % SEED_SLUG)
DAYS = ("SELECT coalesce(sum(d.views), 0) FROM view_days d JOIN articles a "
        "ON a.id = d.article_id WHERE a.slug = '%s';" % SEED_SLUG)


@pytest.fixture(params=KINDS)
def server(request):
    why = available(request.param)
    if why:
        pytest.skip(why)
    s = CgiServer(request.param).start()
    yield s
    s.cleanup()


def views_shown(text):
    m = re.search(r">(\d+) views?<", text)
    assert m, text[:400]
    return int(m.group(1))


def in_layout(text):
    return ('<link rel="stylesheet" href="/static/style.css">' in text and
            "</html>" in text)


def test_pages_and_links_stay_under_the_script(server):
    for path in (POST, SCRIPT + "/blog", SCRIPT):
        status, headers, text = server.request(path)
        assert status == 200, (path, status, text[:300], server.log())
        assert headers["content-type"].startswith("text/html")
        links = re.findall(r'<a [^>]*href="(/[^"]*)"', text)
        assert links, path
        outside = [u for u in links
                   if u != SCRIPT and not u.startswith(SCRIPT + "/")]
        assert not outside, (server.kind, path, outside)
    _, _, text = server.request(SCRIPT + "/blog")
    assert 'href="%s"' % POST in text
    _, _, text = server.request(POST)
    assert '<link rel="canonical" href="http://127.0.0.1:8080%s">' % POST \
        in text
    status, headers, _ = server.request(SCRIPT + "/post/" + SEED_SLUG.upper())
    assert status == 301
    assert headers["location"] == POST


def test_exact_counts_on_the_page_and_in_sqlite(server):
    n = 6
    for i in range(1, n + 1):
        status, _, text = server.request(POST)
        assert status == 200, (status, server.log())
        assert views_shown(text) == 66 + i
    # Every run folds its own view after answering, even though the
    # server sends SIGTERM (lighttpd, mod_cgid) as soon as it has the
    # answer: nothing is left in the counter file alone.
    assert server.wait_scalar(STORED, str(66 + n)) == str(66 + n), \
        server.log()
    assert server.scalar(DAYS) == str(n)


def test_sources_are_counted_and_readers_not_under_cgi(server):
    # Issue 20: no master, so no memory a key could live in between runs;
    # each run folds its own view's source with its view.
    # Each run's source is waited for before the next request: runs that
    # overlap can lose a committed fold (the views are folded again from
    # the counter file, a source cannot be: see README, "Readers: not
    # counted under CGI").
    got = "SELECT group_concat(source || '=' || views, ' ') FROM " \
          "(SELECT source, views FROM source_days ORDER BY source);"
    for ref, want in (("https://www.google.com/search?q=private", "Google=1"),
                      ("android-app://com.whatsapp/", "Google=1 WhatsApp=1"),
                      (None, "Google=1 WhatsApp=1 direct=1")):
        status, _, _ = server.request(POST, headers={"Referer": ref} if ref else {})
        assert status == 200, server.log()
        assert server.wait_scalar(got, want) == want, server.log()
    status, _, _ = server.request(POST, headers={"Referer": "https://www.bing.com/",
                                                 "Sec-GPC": "1"})
    assert status == 200
    assert server.wait_scalar(STORED, str(66 + 4)) == str(66 + 4), server.log()
    assert server.scalar(got) == "Google=1 WhatsApp=1 direct=1"
    assert server.scalar("SELECT count(*) FROM reader_days;") == "0"
    assert server.scalar("SELECT count(*) FROM site_reader_days;") == "0"
    out = subprocess.run([os.path.join(ROOT, "bin", "viewtail"), "--db", server.db],
                         capture_output=True, text=True, check=True).stdout
    assert "Readers: not counted under CGI" in out


def test_head_is_not_counted_and_errors_wear_the_layout(server):
    status, headers, body = server.request(POST, method="HEAD")
    assert status == 200 and body == ""
    status, _, text = server.request(SCRIPT + "/post/no-such-article")
    assert status == 404 and in_layout(text) and "Page not found" in text
    status, headers, text = server.request(
        POST, method="POST", body="a=1",
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 405, (status, text[:300], server.log())
    assert headers.get("allow") == "GET, HEAD"
    assert in_layout(text)
    status, _, text = server.request(POST)
    assert views_shown(text) == 67
    assert server.wait_scalar(STORED, "67") == "67"


def test_every_file_is_the_cgi_users(server):
    server.request(POST)
    assert server.wait_scalar(STORED, "67") == "67"
    owners = {name: os.stat(os.path.join(server.site, name)).st_uid
              for name in os.listdir(server.site)}
    assert "site.db-views" in owners
    assert set(owners.values()) == {server.uid}, owners


def test_a_site_served_by_root_is_given_to_the_cgi_user_with_chown(tmp_path):
    why = available("lighttpd")
    if why:
        pytest.skip(why)
    server = CgiServer("lighttpd")
    try:
        # Served first by articled as root (as `make run` as root does):
        # the counter file and the WAL are root's.
        os.chown(server.site, 0, 0)
        os.chown(server.db, 0, 0)
        site = Site(tmp_path, db=server.db)
        site.start()
        try:
            assert site.get("/post/" + SEED_SLUG).status == 200
            assert site.wait_folded(SEED_SLUG, 67) == 67
        finally:
            site.stop()
        assert os.stat(server.db + "-views").st_uid == 0
        assert os.stat(os.path.join(server.site, "media", "v")).st_uid == 0
        # The README's commands, as written there, for this folder.
        subprocess.run("chown www-data:www-data %s %s/site.db*" % (
            server.site, server.site), shell=True, check=True)
        subprocess.run("chown -R www-data:www-data %s/media" % server.site,
                       shell=True, check=True)
        server.start()
        for i in (68, 69):
            status, _, text = server.request(POST)
            assert status == 200, (status, server.log())
            assert views_shown(text) == i
        assert server.wait_scalar(STORED, "69") == "69", server.log()
        # ...and the picture maker, as www-data, writes in the folder.
        from PIL import Image
        path = os.path.join(server.dir, "www", "photo.png")
        Image.new("RGB", (300, 200), (10, 20, 30)).save(path)
        os.chmod(path, 0o644)
        server.scalar("INSERT INTO media(name, alt, data) VALUES "
                      "('photo.png', 'a photo', readfile('%s'));" % path)
        assert server.request(POST)[0] == 200
        assert server.wait_scalar("SELECT status FROM media;", "ready", 60) == \
            "ready", server.log()
        # no alpha: 300 px in WebP and JPEG (the link preview's JPEG too)
        assert len(os.listdir(os.path.join(server.site, "media", "v"))) == 2
    finally:
        server.cleanup()


# ---- without a server ---------------------------------------------------

def cgi_env(db, uri):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ARTICLED_")}
    env.update(ARTICLED_DB=db, ARTICLED_TEMPLATES=os.path.join(ROOT, "templates"),
               REQUEST_METHOD="GET", REQUEST_URI=SCRIPT + uri,
               SCRIPT_NAME=SCRIPT, GATEWAY_INTERFACE="CGI/1.1",
               SERVER_PROTOCOL="HTTP/1.1",
               ASAN_OPTIONS="detect_leaks=0:abort_on_error=1")
    return env


def stored(db):
    return subprocess.run(["sqlite3", db], input=".timeout 5000\n" + STORED,
                          capture_output=True, text=True,
                          check=True).stdout.strip()


def test_a_connected_socket_on_stdin_is_a_cgi_request(tmp_path):
    db = make_db(str(tmp_path / "site.db"))
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    p = subprocess.Popen([default_binary()], stdin=theirs, stdout=theirs,
                         stderr=subprocess.PIPE, start_new_session=True,
                         env=cgi_env(db, "/post/" + SEED_SLUG))
    theirs.close()
    data = b""
    try:
        # Taken for a FastCGI listener, it would never answer.
        ours.settimeout(10)
        while True:
            chunk = ours.recv(65536)
            if not chunk:
                break
            data += chunk
        assert p.wait(10) == 0, p.stderr.read()
    finally:
        ours.close()
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    assert b"\r\n\r\n" in data
    assert b">67 views<" in data
    assert stored(db) == "67"


def test_sigterm_once_the_answer_is_read_does_not_stop_the_fold(tmp_path):
    db = make_db(str(tmp_path / "site.db"))
    for i in range(1, 6):
        p = subprocess.Popen([default_binary()], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=cgi_env(db, "/post/" + SEED_SLUG))
        out = p.stdout.read()  # to EOF: the output is closed
        p.send_signal(signal.SIGTERM)  # as lighttpd and mod_cgid do
        p.wait(20)
        assert b">%d views<" % (66 + i) in out
        assert stored(db) == str(66 + i), p.stderr.read()


def db_fds(pid, db):
    """How many descriptors of the file db the process pid has open."""
    n = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            n += os.readlink("/proc/%d/fd/%s" % (pid, fd)) == db
        except FileNotFoundError:
            pass  # closed meanwhile
    return n


def test_a_shell_closing_during_the_fold_does_not_lose_its_commit(tmp_path):
    """The fold's connection opens after the answer has ended.  Were the
    run's lock on the database gone by then (it was: the answer's end
    freed descriptor 1, SQLite got the database there, refused it and
    closed it, and a close drops all of a process's locks on the file),
    a shell closing meanwhile takes itself for the last connection and
    deletes the WAL under the run, a shell opening after it starts a new
    one, and the fold's commit goes into the deleted file: the view is
    lost for good (as the CGI servers' tests, polling with sqlite3, saw
    about once in six runs)."""
    db = make_db(str(tmp_path / "site.db"))
    shell = sqlite3.connect(db, isolation_level=None)
    shell.execute("BEGIN IMMEDIATE")  # the fold waits for this lock
    p = subprocess.Popen([default_binary()], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True,
                         env=cgi_env(db, "/post/" + SEED_SLUG))
    try:
        assert b">67 views<" in p.stdout.read()  # to EOF: answered
        # Its second connection, the fold's, is open: stopped there (it
        # waits for the lock for up to 200 ms), it can be caught.
        wait_until(lambda: db_fds(p.pid, db) == 2 or p.poll() is not None,
                   "the fold's connection", step=0.002)
        os.kill(p.pid, signal.SIGSTOP)
        assert p.poll() is None and db_fds(p.pid, db) == 2, \
            "the run folded before it could be stopped: %r" % (
                p.stderr.read() if p.poll() is not None else "")
        shell.execute("ROLLBACK")
        shell.close()  # not the last connection: the run's is open
        later = sqlite3.connect(db)
        assert later.execute(STORED).fetchone() == (66,)
        os.kill(p.pid, signal.SIGCONT)
        assert p.wait(20) == 0, p.stderr.read()
        later.close()
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    assert stored(db) == "67"


def test_a_pending_picture_is_made_after_one_request_that_returns_at_once(server):
    """After answering, a CGI run starts the picture maker detached (its
    own session, /dev/null for stdio): the answer does not wait for it,
    the server does not stop it, and the picture becomes 'ready' with
    its files in the folder beside the database, owned by www-data."""
    from PIL import Image
    path = os.path.join(server.dir, "www", "photo.jpg")
    # Noise: the decoder takes a second or more, far longer than a page.
    Image.frombytes("RGB", (4000, 3000), os.urandom(4000 * 3000 * 3)).save(
        path, quality=60)
    os.chmod(path, 0o644)
    server.scalar("INSERT INTO media(name, alt, data) VALUES "
                  "('photo.jpg', 'a photo', readfile('%s'));" % path)
    status, _, _ = server.request(SCRIPT + "/blog")
    assert status == 200
    assert server.scalar("SELECT status FROM media;") == "pending"
    assert server.wait_scalar("SELECT status FROM media;", "ready", 60) == \
        "ready", server.log()
    version = server.scalar("SELECT printf('%016x', version) FROM media;")
    folder = os.path.join(server.site, "media", "v")
    made = sorted(os.listdir(folder))
    assert len(made) == 7 and all(n.startswith(version + "-") for n in made), made
    assert all(os.stat(os.path.join(folder, n)).st_uid == server.uid for n in made)
    rows = server.scalar("SELECT count(*) FROM media_variants;")
    assert rows == "7"
    # Nothing changed since: the next request starts no maker.  The
    # maker records the rev it finished at after its last commit, so
    # 'ready' can be seen a moment before the record: wait for it.
    stamp = wait_until(lambda: open(server.db + "-maker.lock").read().strip(),
                       "the maker to record the rev it finished at", 10)
    status, _, _ = server.request(SCRIPT + "/blog")
    assert status == 200
    assert stamp == server.scalar("SELECT rev FROM site_version;")


def test_questions_are_taken_and_refused_with_the_form_in_cgi_mode(server):
    """Issue 19 under each CGI server: the form posts below the script, a question
    is held (303 to the thank-you page), a refusal comes back with the text, a body
    sent without a length is refused with the form, and with no memory between runs
    there is no per-address limit (two questions from one address within seconds)."""
    from comment_form import post_to, refusal, textarea, token
    slug = SEED_SLUG
    status, _, text = server.request(POST)
    assert status == 200 and 'action="%s/comment/%s"' % (SCRIPT, slug) in text
    form = {"token": token(server, slug), "name": "Ann", "question": "Does it hurt?"}
    r = post_to(server.port, SCRIPT + "/comment/" + slug, form)
    assert r.status == 303, (r.status, r.text[:500], server.log())
    loc = r.header("location")
    assert re.fullmatch(r"%s/comment/%s\?sent=\d+" % (SCRIPT, slug), loc), loc
    status, _, text = server.request(loc)
    assert status == 200 and "Your reference number is" in text
    assert server.scalar("SELECT name || '|' || body FROM comments_pending;") == \
        "Ann|Does it hurt?"
    r = post_to(server.port, SCRIPT + "/comment/" + slug, dict(form, question="Second?"))
    assert r.status == 303, r.text[:500]
    r = post_to(server.port, SCRIPT + "/comment/" + slug, dict(form, name="", question="Third?"))
    assert r.status == 400 and "Please write your name" in refusal(r.text)
    assert textarea(r.text) == "Third?"
    r = post_to(server.port, SCRIPT + "/comment/" + slug, dict(form, question="Chunked?"),
                chunked=True)
    assert r.status in (303, 411), (r.status, r.text[:300])
    if r.status == 411:
        assert textarea(r.text) == "Chunked?" and "without its length" in refusal(r.text)
    # no nginx in front: a body over articled's 64 KB comes back 413 with the form and
    # as much of the text as was read
    r = post_to(server.port, SCRIPT + "/comment/" + slug, dict(form, question="x" * 70000))
    assert r.status == 413 and "too long to send" in refusal(r.text)
    assert textarea(r.text).startswith("x" * 1000)
    server.scalar("UPDATE comments SET status = 'published';")
    status, _, text = server.request(POST)
    assert "<p>Does it hurt?</p>" in text and "comments</a>" in text
