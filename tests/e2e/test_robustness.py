"""articled under bad conditions: what it refuses at start, template
reloads, a database made unreadable, replaced or deleted while it runs, a
full disk, and a clean stop.  Every loop is bounded in requests and time."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from site_harness import ROOT, SEED_SLUG, Site, default_binary, make_db
from wait import timed, wait_until

BIN = os.path.join(ROOT, "bin", "articled")
POST = "/post/" + SEED_SLUG
TEMPLATES = os.path.join(ROOT, "templates")


def group_alive(pgid):
    return subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True,
                          text=True).stdout.split()


def shown_count(resp):
    m = re.search(r">(\d+) views?<", resp.text)
    assert m, resp.text[:400]
    return int(m.group(1))


def log_since(site, mark):
    return site.log()[mark:]


# ---- refusing to start --------------------------------------------------

def run_articled(tmp_path, db, templates=TEMPLATES, timeout=15):
    sock = str(tmp_path / "refuse.sock")
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:abort_on_error=1")
    env.pop("ARTICLED_DB", None)
    env.pop("ARTICLED_TEMPLATES", None)
    r = subprocess.run([default_binary(), "--db", db, "--templates", templates,
                        "--socket", sock, "--workers", "1"], env=env,
                       capture_output=True, text=True, timeout=timeout,
                       start_new_session=True)
    return r, sock


def assert_refused(r, sock, *words):
    assert r.returncode != 0, "started anyway: " + r.stderr
    assert r.returncode < 128, "crashed rather than refused: %d %s" % (
        r.returncode, r.stderr)
    for w in words:
        assert w in r.stderr, "%r not in %r" % (w, r.stderr)
    # One short message, not a sanitizer report or a stack of errors.
    assert len(r.stderr.strip().splitlines()) <= 3, r.stderr
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr
    # Nothing left behind for nginx to connect to.
    assert not os.path.exists(sock), "a socket file was left at " + sock


def test_refuses_missing_database(tmp_path):
    db = str(tmp_path / "nope.db")
    r, sock = run_articled(tmp_path, db)
    assert_refused(r, sock, db)
    assert re.search(r"no database|not found|No such file", r.stderr), r.stderr
    assert not os.path.exists(db), "articled created the missing database"


def test_refuses_a_file_that_is_not_sqlite(tmp_path):
    db = tmp_path / "text.db"
    db.write_text("This is a shopping list, not a database.\n" * 100)
    r, sock = run_articled(tmp_path, str(db))
    assert_refused(r, sock, str(db))
    assert "not a database" in r.stderr, r.stderr
    assert db.read_text().startswith("This is a shopping list"), "file changed"


def test_refuses_sqlite_database_without_schema(tmp_path):
    db = str(tmp_path / "empty.db")
    subprocess.run(["sqlite3", db, "CREATE TABLE t(x); PRAGMA user_version;"],
                   check=True, capture_output=True)
    r, sock = run_articled(tmp_path, db)
    assert_refused(r, sock, db)
    assert "version 0" in r.stderr or "not an articled database" in r.stderr
    assert "schema.sql" in r.stderr or "make db" in r.stderr, r.stderr


def test_refuses_unknown_schema_version_and_says_what_to_do(tmp_path):
    db = make_db(str(tmp_path / "future.db"))
    subprocess.run(["sqlite3", db, "PRAGMA user_version = 99;"], check=True)
    r, sock = run_articled(tmp_path, db)
    assert_refused(r, sock, db, "99")
    assert re.search(r"newer articled|upgrade|install", r.stderr), r.stderr


def copy_templates(tmp_path):
    d = tmp_path / "templates"
    shutil.copytree(TEMPLATES, d)
    return d


def test_refuses_template_with_parse_error_naming_file_and_line(tmp_path):
    db = make_db(str(tmp_path / "site.db"))
    t = copy_templates(tmp_path)
    post = t / "post.html"
    lines = post.read_text().splitlines(True)
    lines.insert(2, "{{#title}}never closed\n")      # becomes line 3
    post.write_text("".join(lines))
    r, sock = run_articled(tmp_path, db, str(t))
    assert_refused(r, sock, "post.html")
    m = re.search(r"post\.html:(\d+)", r.stderr)
    assert m, "no line number: " + r.stderr
    assert int(m.group(1)) >= 3


def test_refuses_template_with_unclosed_tag_on_its_line(tmp_path):
    db = make_db(str(tmp_path / "site.db"))
    t = copy_templates(tmp_path)
    layout = t / "layout.html"
    lines = layout.read_text().splitlines(True)
    lines.insert(4, "<p>{{site_name</p>\n")          # line 5
    layout.write_text("".join(lines))
    r, sock = run_articled(tmp_path, db, str(t))
    assert_refused(r, sock, "layout.html:5")


def test_refuses_missing_template_file(tmp_path):
    db = make_db(str(tmp_path / "site.db"))
    t = copy_templates(tmp_path)
    (t / "list.html").unlink()
    r, sock = run_articled(tmp_path, db, str(t))
    assert_refused(r, sock, "list.html")
    assert "No such file" in r.stderr, r.stderr


def test_refuses_unknown_template_variable(tmp_path):
    db = make_db(str(tmp_path / "site.db"))
    t = copy_templates(tmp_path)
    post = t / "post.html"
    post.write_text(post.read_text() + "<p>{{visitor_name}}</p>\n")
    r, sock = run_articled(tmp_path, db, str(t))
    assert_refused(r, sock, "post.html", "visitor_name")


# ---- SIGHUP ---------------------------------------------------------------

@pytest.fixture
def tsite(tmp_path):
    """A site on a private copy of the templates, optimised build."""
    t = copy_templates(tmp_path)
    s = Site(tmp_path, binary=BIN, extra_args=["--templates", str(t)])
    s.templates = t
    s.start()
    yield s
    s.stop()


def test_sighup_good_template_change_served_within_2s_no_failed_requests(tsite):
    site = tsite
    layout = site.templates / "layout.html"
    text = layout.read_text()
    assert "<footer" in text
    new = re.sub(r"(<footer[^>]*>)", r"\1\n<p>Reloaded footer 4711</p>", text,
                 count=1)
    old_workers = set(site.worker_pids())
    run = site.load_background(POST, 20000, 32, max_seconds=60)
    run.wait_done(2000, timeout=10)
    layout.write_text(new)
    os.kill(site.master_pid(), signal.SIGHUP)
    wait_until(lambda: "Reloaded footer 4711" in site.get(POST).text,
               "the new footer to be served (within 2 s of SIGHUP)", 2.0)
    still_running = run.done < 20000
    res = run.wait(120)
    assert still_running, "the load ended before the reload was seen"
    assert res.sent == 20000 and res.ok == 20000, res.summary()
    assert not set(site.worker_pids()) & old_workers, "workers not renewed"
    assert "Reloaded footer 4711" in site.get("/blog").text
    r = site.get("/post/no-such-article")
    assert r.status == 404 and "Reloaded footer 4711" in r.text
    # The error pages nginx serves itself are rewritten too.
    with open(os.path.join(site.var, "errors", "502.html")) as f:
        assert "Reloaded footer 4711" in f.read()


def test_sighup_broken_template_keeps_the_old_ones_and_logs_why(tsite):
    site = tsite
    workers = set(site.worker_pids())
    post = site.templates / "post.html"
    post.write_text(post.read_text() + "{{#views}}\n")   # never closed
    mark = len(site.log())
    os.kill(site.master_pid(), signal.SIGHUP)
    line = wait_until(lambda: [l for l in log_since(site, mark).splitlines()
                               if "post.html" in l],
                      "a log line about the broken post.html", 3.0,
                      describe=lambda _: repr(log_since(site, mark)))
    assert re.search(r"not reloaded|keeping|kept", line[0]), line
    for _ in range(20):
        r = site.get(POST)
        assert r.status == 200 and "<footer" in r.text
    assert set(site.worker_pids()) == workers


# ---- the database made unreadable, as an unprivileged user ---------------

class NobodySite(Site):
    """articled, and every check of the database, as user nobody: root
    reads a mode-000 file regardless.  nginx stays root; it only connects
    to the socket (mode 0666)."""

    PRIV = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]

    def articled_args(self):
        return self.PRIV + ["--"] + super().articled_args()

    def sql(self, sql, check=True):
        r = subprocess.run(self.PRIV + ["sqlite3", "-bail", self.db],
                           input=".timeout 3000\n" + sql, capture_output=True,
                           text=True, cwd=self.dir)
        if check and r.returncode != 0:
            raise AssertionError("sqlite3 failed: %s" % r.stderr)
        return r if not check else r.stdout


@pytest.fixture
def nobody_site():
    if os.geteuid() != 0:
        pytest.skip("needs root to become nobody")
    base = tempfile.mkdtemp(prefix="articled-nobody-", dir="/tmp")
    os.chmod(base, 0o755)
    s = None
    try:
        s = NobodySite(base, binary=BIN, extra_args=["--socket-mode", "0666"])
        subprocess.run(["chown", "-R", "nobody:nogroup", base], check=True)
        s.start()
        yield s
    finally:
        if s is not None:
            s.stop()
        shutil.rmtree(base, ignore_errors=True)


def db_lines(text):
    """Log lines about the database being unavailable or back."""
    return [l for l in text.splitlines()
            if re.search(r"database|503|fold", l, re.I)]


def test_unreadable_database_503_one_log_line_no_crash_loop_then_resumes(nobody_site):
    site = nobody_site
    article_answers = [site.get(POST)]
    assert article_answers[0].status == 200
    workers = sorted(site.worker_pids())
    assert len(workers) == 2
    mark = len(site.log())
    os.chmod(site.db, 0)
    # Each worker notices on its own (a probe a second).
    got, took = timed(site.wait_every_worker, POST, lambda r: r.status == 503,
                      "503 (it noticed the database is unreadable)", 3.0)
    article_answers += got
    assert took <= 2.5, took
    statuses = []
    for _ in range(50):
        x = site.get(POST)
        statuses.append(x.status)
    assert set(statuses) == {503}, statuses
    assert x.header("Retry-After"), x.headers
    # The site's own layout, not nginx's or a bare page.
    assert '<header class="site">' in x.text and "<footer" in x.text, x.text[:300]
    assert site.get("/blog").status == 503
    # Still unreadable two seconds on: a worker probes again at its first
    # request in a new second, so each one seen answering then has
    # probed again, and must not have logged again.  (The master's folds
    # go on meanwhile, once a second; nothing outside shows them.)
    article_answers += site.wait_every_worker(
        POST, lambda r: r.status == 503, "503 two seconds later (probed again)",
        5.0, since=int(time.time()) + 2)
    lines = db_lines(log_since(site, mark))
    assert len(lines) == 1, "expected one log line, got:\n" + "\n".join(lines)
    assert "503" in lines[0] or "unavailable" in lines[0], lines
    assert sorted(site.worker_pids()) == workers, "workers were replaced"
    assert "restarting" not in log_since(site, mark)
    mark = len(site.log())
    os.chmod(site.db, 0o644)
    got, took = timed(site.wait_every_worker, POST, lambda r: r.status == 200,
                      "200 (service resumed)", 3.0)
    article_answers += got
    assert took <= 2.5, took
    back = wait_until(lambda: db_lines(log_since(site, mark)),
                      "a log line saying the database is back", 2.5)
    assert re.search(r"again|resum|back", back[0], re.I), back
    # Two seconds on, every worker has probed again: still that one line.
    article_answers += site.wait_every_worker(
        POST, lambda r: r.status == 200, "200 two seconds later (probed again)",
        5.0, since=int(time.time()) + 2)
    assert len(db_lines(log_since(site, mark))) == 1, log_since(site, mark)
    assert sorted(site.worker_pids()) == workers
    # Views made while it was unreadable: none (503s do not count), and
    # the ones after are folded as usual.
    before = site.fold_settled(SEED_SLUG)
    assert before == 66 + sum(1 for r in article_answers if r.status == 200)
    site.get(POST)
    assert site.wait_folded(SEED_SLUG, before + 1) == before + 1


def replace_database(site, title):
    """The owner's replacement: a new database, made aside, moved over
    the live one with mv (rename)."""
    new = make_db(os.path.join(site.dir, "new.db"))
    subprocess.run(["sqlite3", new,
                    "UPDATE articles SET title = '%s' WHERE slug = '%s';"
                    % (title, SEED_SLUG)], check=True)
    assert not os.path.exists(new + "-wal")
    key = subprocess.run(["sqlite3", new, "SELECT key FROM views;"],
                         capture_output=True, text=True, check=True).stdout.strip()
    os.rename(new, site.db)
    return key


def wait_all_workers(site, pred, what, timeout):
    """Until every worker (the master restarts them on a replaced file)
    answers so that pred holds; returns (seconds taken, how many answers
    satisfied pred: each is a view of the new file's article)."""
    responses, took = timed(site.wait_every_worker, POST, pred, what, timeout)
    return took, sum(1 for r in responses if pred(r))


def test_database_replaced_by_another_shows_new_content_within_2s(site):
    for _ in range(3):
        assert site.get(POST).status == 200
    replace_database(site, "Replaced title 1234")
    took, _ = wait_all_workers(
        site, lambda r: "Replaced title 1234" in r.text, "the new file's title", 3.0)
    assert took <= 2.5, took


def test_database_replaced_while_running_is_read_intact(site):
    """The replacing file must be read as it is.  Folds have written the
    old file's pages into site.db-wal, which the old connections keep
    open; a connection opened on the new file at the same path reads
    those pages through the same -wal/-shm, mixing both databases."""
    for _ in range(3):
        assert site.get(POST).status == 200
    site.wait_folded(SEED_SLUG, 66 + 3)     # that fold put old pages in the WAL
    assert os.path.getsize(site.db + "-wal") > 0
    new_key = replace_database(site, "Replaced title 1234")
    _, hits = wait_all_workers(
        site, lambda r: "Replaced title 1234" in r.text, "the new file's title", 3.0)
    # The new file's 66, plus exactly the views its pages showed (folded
    # on the new file); views of the old file's pages belong to the old
    # file's counter key.
    before = site.wait_folded(SEED_SLUG, 66 + hits)
    assert site.scalar("PRAGMA integrity_check;") == "ok"
    assert site.scalar("SELECT key FROM views;") == new_key, \
        "the new file's views row was overlaid by the old WAL"
    assert shown_count(site.get(POST)) == before + 1
    assert site.wait_folded(SEED_SLUG, before + 1) == before + 1


def test_database_restored_with_sqlite3_restore_while_running(site):
    """The safe way to replace a live database: sqlite3's .restore copies
    the new file in through SQLite's own locking."""
    for _ in range(3):
        assert site.get(POST).status == 200
    site.wait_folded(SEED_SLUG, 66 + 3)     # that fold put old pages in the WAL
    new = make_db(os.path.join(site.dir, "new.db"))
    subprocess.run(["sqlite3", new,
                    "UPDATE articles SET title = 'Restored title 5678' "
                    "WHERE slug = '%s';" % SEED_SLUG], check=True)
    new_key = subprocess.run(["sqlite3", new, "SELECT key FROM views;"],
                             capture_output=True, text=True,
                             check=True).stdout.strip()
    site.sql(".timeout 5000\n.restore '%s'\n" % new)
    took, hits = wait_all_workers(
        site, lambda r: "Restored title 5678" in r.text, "the restored title", 3.0)
    assert took <= 2.5, took
    # The views the check above made of the new article, on top of the
    # new file's 66 (views of the old one went with the old file),
    # folded on the restored file.
    assert site.wait_folded(SEED_SLUG, 66 + hits) == 66 + hits
    assert site.fold_settled(SEED_SLUG) == 66 + hits
    assert site.scalar("PRAGMA integrity_check;") == "ok"
    assert site.scalar("SELECT key FROM views;") == new_key


def test_database_deleted_no_fork_storm_and_503(site):
    workers = sorted(site.worker_pids())
    mark = len(site.log())
    os.unlink(site.db)
    # The scenario is time: requests keep coming for 5 s with the file
    # gone, long enough for a crash-and-restart loop to show in the log.
    t0 = time.time()
    statuses = set()
    while time.time() - t0 < 5:
        statuses.add(site.get(POST).status)
        time.sleep(0.1)     # a visitor every 0.1 s, not a precondition
    log = log_since(site, mark)
    forks = len(re.findall(r"restarting", log))
    assert forks <= 10, "%d worker restarts in 5 s:\n%s" % (forks, log[-2000:])
    assert site.articled.poll() is None, "the master died"
    assert 503 in statuses and 200 not in [site.get(POST).status], statuses
    lines = db_lines(log)
    assert 1 <= len(lines) <= 3, "log lines:\n" + "\n".join(lines)


# ---- full disk --------------------------------------------------------------

@pytest.fixture
def disk(tmp_path):
    """A small filesystem of its own: ext4 on a loop device when it can be
    mounted (a real disk's behaviour: blocks of a sparse file are only
    allocated on first write), else a tmpfs; skipped when neither can."""
    if os.geteuid() != 0:
        pytest.skip("mounting a filesystem needs root")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    img = tmp_path / "disk.img"
    tries = []
    r = subprocess.run(["truncate", "-s", "8M", str(img)], capture_output=True,
                       text=True)
    if r.returncode == 0:
        r = subprocess.run(["mkfs.ext4", "-q", str(img)], capture_output=True,
                           text=True)
    if r.returncode == 0:
        r = subprocess.run(["mount", "-o", "loop", str(img), str(mnt)],
                           capture_output=True, text=True)
    tries.append("ext4 on loop: " + (r.stderr.strip() or "ok"))
    if r.returncode != 0:
        # 4 MiB, not 512 KiB: the view counter file next to the database
        # is 1 MiB (64k slots of 16 bytes), allocated in full.
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs",
                            str(mnt)], capture_output=True, text=True)
        tries.append("tmpfs: " + (r.stderr.strip() or "ok"))
    if r.returncode != 0:
        pytest.skip("cannot mount a small filesystem here: " + "; ".join(tries))
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def fill(path):
    """Fills the filesystem at path to the last byte; returns the file."""
    filler = os.path.join(str(path), "filler")
    with open(filler, "wb", buffering=0) as f:
        chunk = b"\0" * 65536
        try:
            while True:
                f.write(chunk)
        except OSError:
            pass
        try:
            while True:
                f.write(b"\0")
        except OSError:
            pass
    return filler


def test_full_disk_pages_still_200_fold_fails_then_catches_up_exactly(tmp_path, disk):
    db = make_db(str(disk / "site.db"))
    # Articles first viewed only once the disk is full: their counter
    # slots sit on pages of the counter file nothing has written yet.  A
    # sparse counter file makes the first store there a SIGBUS.
    subprocess.run(["sqlite3", db, "INSERT INTO articles(title, body) VALUES "
                    "('Second article', 'Body of the second article.'), "
                    "('Third article', 'Body of the third article.'), "
                    "('Fourth article', 'Body of the fourth article.');"],
                   check=True)
    site = Site(tmp_path / "site", db=db, binary=BIN)
    site.start()
    try:
        assert site.get(POST).status == 200
        before = site.fold_settled(SEED_SLUG)
        second_before = int(site.scalar(
            "SELECT v.total FROM views v JOIN articles a ON a.id = "
            "v.article_id WHERE a.slug = 'second-article';"))
        workers = sorted(site.worker_pids())
        mark = len(site.log())
        filler = fill(disk)
        n = 0

        def viewed_until_fold_fails():
            nonlocal n
            assert site.get(POST).status == 200
            n += 1
            return re.search(r"fold.*(full|space)", log_since(site, mark), re.I)
        wait_until(viewed_until_fold_fails, "a log line: the fold failed on the "
                   "full disk", 5.0, describe=lambda _: repr(log_since(site, mark)))
        for slug in ("third-article", "fourth-article", "second-article"):
            r = site.get("/post/" + slug)
            assert r.status == 200, (slug, r.status, site.log()[mark:])
        assert shown_count(r) == second_before + 1
        # The scenario is a full disk that lasts: two seconds more, i.e.
        # two more of the master's once-a-second folds, which must fail
        # without killing a worker or logging again.  (No fold counter is
        # published, so this duration cannot be a wait for a fact.)
        time.sleep(2.0)
        assert sorted(site.worker_pids()) == workers, site.log()[mark:]
        log = log_since(site, mark)
        assert site.stored_total(SEED_SLUG) == before, "folded on a full disk?"
        os.unlink(filler)
        assert site.wait_folded(SEED_SLUG, before + n) == before + n
        assert site.fold_settled(SEED_SLUG) == before + n
        assert int(site.scalar(
            "SELECT v.total FROM views v JOIN articles a ON a.id = "
            "v.article_id WHERE a.slug = 'second-article';")) == second_before + 1
        assert site.scalar("PRAGMA integrity_check;") == "ok"
        fold_failures = len(re.findall(r"fold", log, re.I))
        # Reported, not repeated every second for as long as it lasts.
        assert fold_failures <= 2, log
    finally:
        site.stop()


# ---- stopping ---------------------------------------------------------------

def test_sigterm_stops_within_10s_nothing_left_socket_removed(site):
    assert site.get(POST).status == 200
    master = site.master_pid()
    assert len(site.worker_pids()) == 2
    os.kill(master, signal.SIGTERM)
    t0 = time.time()
    rc = site.articled.wait(15)
    took = time.time() - t0
    site.articled = None
    assert rc == 0, site.log()
    assert took < 10, took
    wait_until(lambda: not group_alive(master),
               "no process left in articled's group", 2.0,
               describe=lambda _: str(group_alive(master)))
    assert not os.path.exists(site.sock)
    assert "stopped" in site.log()
