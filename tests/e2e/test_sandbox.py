"""Issue 13: the workers' seccomp sandbox, on the release build
(bin/articled) with the filter on, through real nginx.

A forbidden call is made by the worker itself, injected with ptrace
(tests/lib/inject.py) -- no test-only trigger exists in articled.  The
rare SQLite paths (a replaced database, its WAL removed, the database
unreadable and back, a big list, the counter file deleted, SIGHUP,
SIGTERM) are served under the filter here; Site.stop fails any test whose
log shows a refused call.  test_release_build.py runs the robustness and
view suites on this build too."""
import os
import signal
import subprocess

import pytest

import inject
from site_harness import ROOT, SEED_SLUG, Site
from wait import wait_until

BIN = os.path.join(ROOT, "bin", "articled")
POST = "/post/" + SEED_SLUG


@pytest.fixture
def rsite(tmp_path):
    s = Site(tmp_path, workers=1, binary=BIN)
    s.start()
    yield s
    s.stop()


def nm_has_seccomp(binary):
    out = subprocess.run(["nm", "-D", binary], capture_output=True, text=True)
    return "seccomp_load" in out.stdout


def test_release_build_loads_the_filter_and_sanitizer_build_does_not():
    assert nm_has_seccomp(BIN), "bin/articled does not call seccomp_load"
    asan = os.path.join(ROOT, "build", "asan", "articled")
    if os.path.exists(asan):
        assert not nm_has_seccomp(asan), "the sanitizer build loads the filter"


def test_worker_runs_under_seccomp_with_no_new_privs(rsite):
    rsite.get("/")
    [pid] = rsite.worker_pids()
    status = open("/proc/%d/status" % pid).read()
    assert "\nSeccomp:\t2\n" in status, status      # 2: filter mode
    assert "\nNoNewPrivs:\t1\n" in status, status
    master = open("/proc/%d/status" % rsite.master_pid()).read()
    assert "\nSeccomp:\t0\n" in master    # the master folds, forks: unfiltered


def views(site):
    return site.fold_settled(SEED_SLUG)


@pytest.mark.skipif(not inject.supported(), reason="x86-64 Linux only")
@pytest.mark.parametrize("call", ["execve", "socket", "ptrace"])
def test_forbidden_call_kills_worker_logged_replaced_no_view_lost(rsite, call):
    rsite.forbidden_expected = True
    before = views(rsite)
    first = rsite.load(POST, 300, concurrency=4)
    assert first.ok == 300, first.summary()
    [pid] = rsite.worker_pids()
    inject.inject(pid, call)        # the worker is idle: waits in poll
    line = "articled[%d]: sandbox: forbidden system call %s " % (pid, call)
    wait_until(lambda: line in rsite.log(), "the log to name %s" % call)
    wait_until(lambda: "worker %d killed by signal 31 (Bad system call), "
               "restarting" % pid in rsite.log(), "the master to log the death")
    wait_until(lambda: rsite.worker_pids() and rsite.worker_pids() != [pid],
               "a new worker")
    second = rsite.load(POST, 300, concurrency=4)
    assert second.ok == 300, second.summary()
    assert views(rsite) == before + 600     # every 200 counted, once
    assert rsite.forbidden_calls() == [call]


@pytest.mark.skipif(not inject.supported(), reason="x86-64 Linux only")
def test_forbidden_call_under_load_nothing_lost_nothing_doubled(rsite):
    rsite.forbidden_expected = True
    before = views(rsite)
    run = rsite.load_background(POST, 4000, concurrency=8)
    run.wait_done(1000)
    [pid] = rsite.worker_pids()
    inject.inject(pid, "execve")
    res = run.wait(120)
    assert "sandbox: forbidden system call execve" in rsite.log()
    # The request in hand when the call was made may be lost (nginx: 502);
    # every other one is answered by the new worker.
    assert res.failed <= 1, res.summary()
    counted = views(rsite) - before
    assert res.ok <= counted <= res.ok + res.failed, (counted, res.summary())


def test_rare_sqlite_paths_under_the_filter(rsite):
    """Reopen on a replaced file, the old WAL set aside and removed, the
    database unreadable and back, a large list walked deep, the counter
    file deleted, SIGHUP -- each served under the filter."""
    rsite.sql("INSERT INTO articles(slug, title, body, published_at) "
              "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
              "WHERE i < 3000) SELECT 'bulk-' || i, 'Bulk ' || i, "
              "replace(hex(zeroblob(1000)), '00', 'word '), "
              "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || i || ' minutes') "
              "FROM n;")
    wait_until(lambda: rsite.get("/blog/page/300").status == 200,
               "the deep list page")
    assert b"Bulk" in rsite.get("/blog/page/150").body
    # The database replaced (mv): the workers restart on the new file.
    new = os.path.join(rsite.dir, "new.db")
    subprocess.run(["sqlite3", rsite.db, ".backup '%s'" % new], check=True)
    subprocess.run(["sqlite3", new, "UPDATE articles SET title='Replaced one' "
                    "WHERE slug='bulk-1';"], check=True)
    os.rename(new, rsite.db)
    wait_until(lambda: b"Replaced one" in rsite.get("/post/bulk-1").body,
               "the replaced database's title")
    # Unreadable and back (root reads anything: the file goes away instead).
    aside = rsite.db + ".away"
    os.rename(rsite.db, aside)
    wait_until(lambda: rsite.get("/post/bulk-2").status == 503, "503 while away")
    os.rename(aside, rsite.db)
    wait_until(lambda: rsite.get("/post/bulk-2").status == 200, "200 once back")
    # The counter file deleted while serving: counting goes on.
    os.unlink(rsite.db + "-views")
    assert rsite.load(POST, 200, concurrency=4).ok == 200
    # SIGHUP: templates reloaded, workers retired (their WAL checkpoint
    # and close under the filter), new ones serve.
    old = rsite.worker_pids()
    os.kill(rsite.master_pid(), signal.SIGHUP)
    wait_until(lambda: rsite.worker_pids() and not set(old) & set(rsite.worker_pids()),
               "new workers after SIGHUP")
    assert rsite.get("/").status == 200
    assert rsite.forbidden_calls() == []
    # SIGTERM: the workers finish and close; nothing refused (Site.stop).
    assert rsite.stop_articled() == 0
    rsite.articled = None
    rsite.start_articled()
    assert rsite.get(POST).status == 200


# ---- the picture maker's own filter -------------------------------------

def maker_of(site):
    return wait_until(site.maker_pid, "the picture maker to start")


def a_picture(site, name):
    """A picture added as the owner does (readfile), made by the maker."""
    from PIL import Image
    path = os.path.join(site.dir, name)
    Image.linear_gradient("L").resize((700, 500)).convert("RGB").save(path)
    site.sql("INSERT INTO media(name, alt, data) VALUES ('%s', 'a', "
             "readfile('%s'));" % (name, path))
    wait_until(lambda: site.scalar("SELECT status FROM media WHERE name = "
                                   "'%s';" % name) == "ready",
               "%s to be made" % name, timeout=60)
    [v] = site.scalar("SELECT printf('/media/v/%%016x-%%d.%%s', v.version, "
                      "v.width, replace(v.format, 'jpeg', 'jpg')) FROM "
                      "media_variants v JOIN media m ON m.id = v.media_id "
                      "WHERE m.name = '%s' AND v.width = 480 AND v.format = "
                      "'webp';" % name).split()
    assert site.get(v).status == 200, v


def test_maker_makes_pictures_under_its_own_filter(rsite):
    pid = maker_of(rsite)
    status = open("/proc/%d/status" % pid).read()
    assert "\nSeccomp:\t2\n" in status, status
    assert "\nNoNewPrivs:\t1\n" in status, status
    a_picture(rsite, "under-filter.jpg")
    assert rsite.maker_pid() == pid         # made without dying
    assert rsite.forbidden_calls() == []


@pytest.mark.skipif(not inject.supported(), reason="x86-64 Linux only")
@pytest.mark.parametrize("call", ["socket", "ptrace", "setuid"])
def test_forbidden_call_in_the_maker_is_named_and_the_maker_restarted(rsite, call):
    rsite.forbidden_expected = True
    pid = maker_of(rsite)
    inject.inject(pid, call)        # idle: waits in its one-second sleep
    line = "articled-maker[%d]: sandbox: forbidden system call %s (%d): " \
        "the picture maker dies" % (pid, call, inject.NR[call])
    wait_until(lambda: line in rsite.log(), "the log to name %s" % call)
    wait_until(lambda: "picture maker %d killed by signal 31 (Bad system "
               "call), restarting" % pid in rsite.log(),
               "the master to log the maker's death")
    wait_until(lambda: rsite.maker_pid() not in (None, pid), "a new maker")
    a_picture(rsite, "after-%s.jpg" % call)     # the new one makes pictures
    assert rsite.forbidden_calls() == [call]
