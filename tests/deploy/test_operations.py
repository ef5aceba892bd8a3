"""docs/operations.md, the steps not tested elsewhere: a backup taken with
the sqlite3 shell while articled serves and counts, put back while it runs;
and rotating articled's log by copy and truncate."""
import os
import signal
import subprocess
import time

from site_harness import SEED_SLUG, Site

POST = "/post/" + SEED_SLUG


def views_in(db):
    return subprocess.run(
        ["sqlite3", db, "SELECT v.total FROM views v JOIN articles a ON "
         "a.id = v.article_id WHERE a.slug = '%s';" % SEED_SLUG],
        capture_output=True, text=True, check=True).stdout.strip()


def test_backup_while_serving_then_restore_while_running(tmp_path):
    site = Site(tmp_path)
    site.start()
    try:
        for _ in range(5):
            assert site.get(POST).status == 200
        assert site.wait_folded(SEED_SLUG, 71) == 71
        load = site.load_background(POST, 300, concurrency=4)
        backup = str(tmp_path / "backup.db")
        # As in docs/operations.md, while pages are being served.
        r = subprocess.run(["sqlite3", site.db, ".timeout 5000",
                            ".backup '%s'" % backup],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        result = load.wait(120)
        assert result.ok == 300, result.summary()
        assert subprocess.run(["sqlite3", backup, "PRAGMA integrity_check;"],
                              capture_output=True, text=True,
                              check=True).stdout.strip() == "ok"
        in_backup = int(views_in(backup))
        assert 71 <= in_backup <= 371
        assert site.wait_folded(SEED_SLUG, 371) == 371
        # A change after the backup, then the backup put back while
        # running: the change is gone at once, and no view is lost (the
        # counter file still holds the views since the backup, and the
        # next fold moves them in again).
        site.sql("UPDATE articles SET title = 'Changed after the backup';")
        site.sql(".timeout 5000\n.restore '%s'\n" % backup)
        deadline = time.time() + 5
        while True:
            text = site.get(POST).text
            if "Changed after the backup" not in text:
                break
            assert time.time() < deadline, "backup not restored: " + site.log()
            time.sleep(0.05)
        shown = int(text.split(" views<")[0].rsplit(">", 1)[1])
        assert shown >= 372
        assert site.wait_folded(SEED_SLUG, shown) == shown
        assert site.scalar("PRAGMA integrity_check;") == "ok"
    finally:
        site.stop()


def test_log_rotation_by_copy_and_truncate(tmp_path):
    site = Site(tmp_path)   # articled's stderr is appended to site.log_path
    site.start()
    try:
        subprocess.run(["cp", site.log_path, site.log_path + ".1"], check=True)
        subprocess.run(["truncate", "-s", "0", site.log_path], check=True)
        os.kill(site.master_pid(), signal.SIGHUP)
        deadline = time.time() + 10
        while "templates reloaded" not in site.log() and \
                time.time() < deadline:
            time.sleep(0.05)
        with open(site.log_path, "rb") as f:
            data = f.read()
        # Appended at the new end: no hole of zeros where the old lines were.
        assert data.startswith(b"articled["), data[:80]
        assert b"SIGHUP: templates reloaded" in data
        with open(site.log_path + ".1") as f:
            assert "serving " in f.read()
    finally:
        site.stop()
