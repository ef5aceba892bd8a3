"""Issue 13: backups under load.  The owner's backup and restore are the
real sqlite3 shell's .backup and .restore, run while a 20,000-request
load goes through nginx to the release build (its workers sandboxed).
test_robustness.py's test_database_restored_with_sqlite3_restore_while_running
is the light version (no load, a different site restored)."""
import os
import subprocess
import time

import pytest

from site_harness import ROOT, SEED_SLUG, Site

BIN = os.path.join(ROOT, "bin", "articled")
POST = "/post/" + SEED_SLUG
LOAD = 20000


@pytest.fixture
def lsite(tmp_path):
    s = Site(tmp_path, workers=1, binary=BIN)
    s.start()
    yield s
    s.stop()


def shell(db, *commands):
    r = subprocess.run(["sqlite3", "-bail", db], input="\n".join(commands) + "\n",
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def total(db):
    return int(shell(db, "SELECT v.total FROM views v JOIN articles a "
                         "ON a.id = v.article_id WHERE a.slug = '%s';" % SEED_SLUG))


def test_backup_during_20000_requests_opens_intact_counts_within_the_fold(lsite, tmp_path):
    start = lsite.fold_settled(SEED_SLUG)
    run = lsite.load_background(POST, LOAD, concurrency=16)
    run.wait_done(LOAD // 4)
    copy = str(tmp_path / "copy.db")
    t0, done0 = time.time(), run.done
    low = lsite.stored_total(SEED_SLUG)          # folded before the backup
    shell(lsite.db, ".timeout 5000", ".backup '%s'" % copy)
    high = lsite.live_views(SEED_SLUG)           # counted by its end
    seconds, made = time.time() - t0, run.done - done0
    assert not run._finished.is_set(), "the load ended before the backup did"
    res = run.wait(180)
    assert res.ok == LOAD, res.summary()
    # The copy: a whole database, articled's, passing integrity_check.
    assert shell(copy, "PRAGMA integrity_check;") == "ok"
    assert shell(copy, "PRAGMA user_version;") == shell(lsite.db, "PRAGMA user_version;")
    assert shell(copy, "SELECT count(*) FROM articles;") == \
        shell(lsite.db, "SELECT count(*) FROM articles;")
    # Its count: what was folded when it was taken, at most one fold (a
    # second of views) behind what had been counted by its end.
    kept = total(copy)
    rate = made / max(seconds, 1e-3)
    assert low <= kept <= high, (low, kept, high)
    assert high - kept <= rate * (seconds + 1.5) + 50, (high, kept, rate, seconds)
    assert kept > start, "the copy holds none of the load's views"
    # The live site lost nothing meanwhile.
    assert lsite.fold_settled(SEED_SLUG) == start + LOAD
    # And articled serves the copy.
    other = Site(tmp_path / "copy-site", workers=1, binary=BIN, db=copy)
    other.start()
    try:
        r = other.get(POST)
        assert r.status == 200 and b"</html>" in r.body
    finally:
        other.stop()


def test_restore_while_serving_20000_requests_no_failure_no_view_lost(lsite, tmp_path):
    start = lsite.fold_settled(SEED_SLUG)
    copy = str(tmp_path / "before-edit.db")
    shell(lsite.db, ".backup '%s'" % copy)
    title = shell(lsite.db, "SELECT title FROM articles WHERE slug = '%s';" % SEED_SLUG)
    run = lsite.load_background(POST, LOAD, concurrency=16)
    run.wait_done(LOAD // 5)
    # The owner's mistake, then the backup put back while serving.
    shell(lsite.db, "UPDATE articles SET title = 'A mistaken title 4242' "
                    "WHERE slug = '%s';" % SEED_SLUG)
    assert "A mistaken title 4242" in lsite.get(POST).text
    run.wait_done(LOAD // 2)
    shell(lsite.db, ".timeout 5000", ".restore '%s'" % copy)
    assert not run._finished.is_set(), "the load ended before the restore did"
    r = lsite.get(POST)
    assert "A mistaken title 4242" not in r.text and title.split()[0] in r.text
    res = run.wait(180)
    assert res.ok == LOAD, res.summary()
    assert shell(lsite.db, "PRAGMA integrity_check;") == "ok"
    # Views counted after the backup was taken are still in the counter
    # file; the first fold after the restore moves them in: none lost,
    # none twice (the 2 GETs above count too).
    assert lsite.fold_settled(SEED_SLUG) == start + LOAD + 2
