"""`articled --user NAME` started by root: every file articled creates
belongs to NAME — on a fresh database (no counter file, no WAL, no error
pages yet) and on one it served before — and the site serves and counts."""
import grp
import os
import pwd
import shutil
import tempfile

import pytest

from site_harness import SEED_SLUG, Site, make_db

USER = "nobody"
WWW_GID = grp.getgrnam("www-data").gr_gid


@pytest.fixture
def state():
    if os.geteuid() != 0:
        pytest.skip("--user needs root")
    # Not under pytest's tmp_path (mode 0700): the user must reach it.
    top = tempfile.mkdtemp(prefix="articled-user-")
    os.chmod(top, 0o755)
    pw = pwd.getpwnam(USER)
    folder = os.path.join(top, "state")
    os.mkdir(folder)
    db = make_db(os.path.join(folder, "site.db"))   # made by root…
    for p in (folder, db):                          # …given as the README says
        os.chown(p, pw.pw_uid, pw.pw_gid)
    yield top, folder, db, pw
    shutil.rmtree(top, ignore_errors=True)


def start(top, db, pw):
    s = Site(top, db=db, extra_args=["--user", USER])
    errors = os.path.join(s.var, "errors")
    os.chown(errors, pw.pw_uid, pw.pw_gid)
    # The socket's folder as in the README: set-group-ID, group www-data.
    os.chown(s.var, 0, WWW_GID)
    os.chmod(s.var, 0o2755)
    s.start()
    return s, errors


def owners(*folders):
    out = {}
    for d in folders:
        for name in os.listdir(d):
            try:
                out[os.path.join(d, name)] = \
                    os.lstat(os.path.join(d, name)).st_uid
            except FileNotFoundError:
                pass    # an error page's .tmp, just renamed into place
    return out


def serve_and_count(s, expected):
    r = s.get("/post/" + SEED_SLUG)
    assert r.status == 200, (r.status, s.log())
    assert ">%d views<" % expected in r.text
    assert s.wait_folded(SEED_SLUG, expected) == expected, s.log()


def test_fresh_database_every_created_file_is_the_users(state):
    top, folder, db, pw = state
    assert sorted(os.listdir(folder)) == ["site.db"]
    s, errors = start(top, db, pw)
    try:
        serve_and_count(s, 67)
        files = owners(folder, errors)
        assert os.path.join(folder, "site.db-views") in files
        assert os.path.join(errors, "404.html") in files
        assert set(files.values()) == {pw.pw_uid}, files
        assert os.lstat(s.sock).st_uid == pw.pw_uid
        # …and keeps the folder's group, so that nginx can connect.
        assert os.lstat(s.sock).st_gid == WWW_GID
    finally:
        s.stop()


def test_existing_database_served_again_stays_the_users(state):
    top, folder, db, pw = state
    s, errors = start(top, db, pw)
    try:
        serve_and_count(s, 67)
    finally:
        s.stop()
    # The second start finds the counter file, the error pages and
    # (after a crash) the WAL already there.
    s, errors = start(top, db, pw)
    try:
        serve_and_count(s, 68)
        files = owners(folder, errors)
        assert set(files.values()) == {pw.pw_uid}, files
    finally:
        s.stop()


def test_the_picture_folder_and_its_files_are_the_users(state):
    """The folder nginx serves pictures from is made at start, 0755, and
    every file the picture maker writes there is the user's, 0644."""
    import subprocess
    from PIL import Image
    from wait import wait_until
    top, folder, db, pw = state
    picture = os.path.join(top, "photo.jpg")
    Image.new("RGB", (800, 600), (90, 120, 150)).save(picture)
    os.chmod(picture, 0o644)
    s, errors = start(top, db, pw)
    try:
        subprocess.run(["runuser", "-u", USER, "--", "sqlite3", "-bail", "-cmd",
                        ".timeout 5000", db, "INSERT INTO media(name, alt, data) "
                        "VALUES ('photo.jpg', 'a photo', readfile('%s'));" % picture],
                       check=True, capture_output=True)
        wait_until(lambda: s.scalar("SELECT status FROM media;") == "ready",
                   "the picture to be made", 60, describe=lambda _: s.log())
        media = os.path.join(folder, "media")
        made = owners(media, os.path.join(media, "v"))
        assert len(made) == 1 + 4, made      # v/; 480 and 800 in webp and jpeg
        assert set(made.values()) == {pw.pw_uid}, made
        assert os.lstat(media).st_uid == pw.pw_uid
        for d in (media, os.path.join(media, "v")):
            assert os.lstat(d).st_mode & 0o777 == 0o755
        for f in os.listdir(os.path.join(media, "v")):
            assert os.lstat(os.path.join(media, "v", f)).st_mode & 0o777 == 0o644
    finally:
        s.stop()
