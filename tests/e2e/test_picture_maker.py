"""The picture maker (issue 9), through a real articled under nginx, the real
decoder bin/articled-picture and the owner's real sqlite3 shell: a picture
inserted with readfile() becomes 'ready' with its variant rows and the files
nginx serves (DIR/v/<version>-<width>.<ext>, the rows' bytes); a replaced
picture gets a new version and new files, the old ones removed; a deleted
picture's files go; a decompression bomb and a truncated JPEG end 'refused'
with a sentence and a log line while articled serves on; a maker killed mid-work
leaves no rows of the new version and finishes after the master restarts it; a
file deleted from the folder is written again on start; a restart makes
nothing again.
Run: /usr/bin/python3 -m pytest -q tests/e2e/test_picture_maker.py
"""
import os
import re
import signal
import struct
import zlib

import pytest
from PIL import Image

from site_harness import OwnerLock, Site
from wait import wait_until

EXT = {"webp": "webp", "jpeg": "jpg", "png": "png"}


# ---- pictures ------------------------------------------------------------

def photo(path, size=(2000, 1500), noise=False):
    """A JPEG of size; noise makes its decoding take a while (~1-2 s)."""
    if noise:
        im = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        im = Image.linear_gradient("L").resize(size).convert("RGB")
    im.save(path, quality=60)
    return path


def png_bomb(path, w=20000, h=20000):
    """A valid 20000 x 20000 grey PNG of a few hundred KB: 400 million
    pixels once decoded."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    z, rows, idat = zlib.compressobj(9), b"\0" * (w + 1) * 1000, []
    for _ in range(h // 1000):
        idat.append(z.compress(rows))
    idat.append(z.flush())
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" +
                chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
                chunk(b"IDAT", b"".join(idat)) + chunk(b"IEND", b""))
    return path


def insert(site, name, path, alt="a picture"):
    site.sql("INSERT INTO media(name, alt, data) VALUES ('%s', '%s', readfile('%s'));"
             % (name, alt, path))


# ---- what the database and the folder hold -------------------------------

def media(site, name):
    """(status, version as 16 hex, problem, width, height) or None."""
    out = site.scalar("SELECT status, printf('%%016x', version), "
                      "coalesce(problem, ''), width, height FROM media "
                      "WHERE name = '%s';" % name)
    return tuple(out.split("|")) if out else None


def variant_rows(site, name):
    """{file name: bytes} of the picture's rows, any version."""
    out = site.scalar("SELECT printf('%%016x', v.version), v.format, v.width, "
                      "hex(v.data) FROM media_variants v JOIN media m ON "
                      "m.id = v.media_id WHERE m.name = '%s';" % name)
    rows = {}
    for line in out.splitlines():
        version, fmt, width, data = line.split("|")
        rows["%s-%s.%s" % (version, width, EXT[fmt])] = bytes.fromhex(data)
    return rows


def folder(site):
    return os.path.join(site.dir, "media", "v")


def files(site, version=None):
    """{file name: bytes} in DIR/v (of one version, if given)."""
    out = {}
    for n in os.listdir(folder(site)):
        if version is None or n.startswith(version + "-"):
            with open(os.path.join(folder(site), n), "rb") as f:
                out[n] = f.read()
    return out


def wait_status(site, name, status, timeout=60):
    return wait_until(lambda: (media(site, name) or ("",))[0] == status and media(site, name),
                      "picture %s to be %s" % (name, status), timeout,
                      step=0.1, describe=lambda _: "%s; log:\n%s" % (media(site, name), site.log()))


def expected_variants(width, alpha=False):
    """(format, width) the shared design asks for, for a picture shown
    this wide."""
    widths = [w for w in (480, 960, 1600) if w < width]
    if width < 1600:
        widths.append(width)
    out = {(f, w) for w in widths for f in ("webp", "png" if alpha else "jpeg")}
    out.add(("jpeg", min(1200, width)))
    return out


def assert_folder_is_rows(site, name):
    """The folder holds exactly the rows' files, byte for byte, 0644."""
    rows = variant_rows(site, name)
    version = media(site, name)[1]
    assert files(site, version) == rows
    for n in rows:
        assert os.stat(os.path.join(folder(site), n)).st_mode & 0o777 == 0o644


@pytest.fixture
def psite(tmp_path):
    s = Site(tmp_path)
    s.start()
    yield s
    s.stop()


# ---- the tests ------------------------------------------------------------

def test_a_pending_picture_becomes_ready_with_its_variants_and_files(psite, tmp_path):
    insert(psite, "spine.jpg", photo(str(tmp_path / "spine.jpg")))
    status, version, problem, w, h = wait_status(psite, "spine.jpg", "ready")
    assert (problem, w, h) == ("", "2000", "1500")
    rows = psite.scalar("SELECT format, width, height FROM media_variants "
                        "ORDER BY format, width;").splitlines()
    made = {(r.split("|")[0], int(r.split("|")[1])) for r in rows}
    assert made == expected_variants(2000)
    for r in rows:              # the height follows the width (4:3)
        fmt, width, height = r.split("|")
        assert int(height) == round(int(width) * 3 / 4)
    assert set(files(psite)) == {"%s-%d.%s" % (version, w, EXT[f]) for f, w in made}
    assert_folder_is_rows(psite, "spine.jpg")
    assert re.search(r"picture spine\.jpg \(version %s\): made in \d+ ms, 2000x1500, "
                     r"7 variants" % version, psite.log()), psite.log()
    assert psite.get("/").status == 200


def test_a_png_with_alpha_gets_png_fallbacks(psite, tmp_path):
    path = str(tmp_path / "logo.png")
    Image.new("RGBA", (300, 200), (0, 120, 80, 128)).save(path)
    insert(psite, "logo.png", path)
    wait_status(psite, "logo.png", "ready")
    made = {(f, int(w)) for f, w in (r.split("|") for r in psite.scalar(
        "SELECT format, width FROM media_variants;").splitlines())}
    assert made == expected_variants(300, alpha=True)
    assert_folder_is_rows(psite, "logo.png")


def test_a_replaced_picture_gets_a_new_version_and_the_old_files_go(psite, tmp_path):
    insert(psite, "room.jpg", photo(str(tmp_path / "a.jpg")))
    old = wait_status(psite, "room.jpg", "ready")[1]
    assert files(psite, old)
    photo(str(tmp_path / "b.jpg"), size=(800, 600))
    psite.sql("UPDATE media SET data = readfile('%s') WHERE name = 'room.jpg';"
              % (tmp_path / "b.jpg"))
    new = wait_until(lambda: media(psite, "room.jpg")[0] == "ready" and
                     media(psite, "room.jpg")[1] != old and media(psite, "room.jpg"),
                     "the new version to be made", 60, step=0.1)
    assert new[3:] == ("800", "600")
    wait_until(lambda: not files(psite, old), "the old version's files to be removed",
               10, describe=lambda _: sorted(files(psite)))
    assert set(files(psite)) == set(variant_rows(psite, "room.jpg"))
    assert_folder_is_rows(psite, "room.jpg")


def test_a_deleted_picture_loses_its_files(psite, tmp_path):
    insert(psite, "gone.jpg", photo(str(tmp_path / "gone.jpg"), size=(600, 400)))
    version = wait_status(psite, "gone.jpg", "ready")[1]
    assert files(psite, version)
    psite.sql("DELETE FROM media WHERE name = 'gone.jpg';")
    wait_until(lambda: not files(psite, version), "the deleted picture's files removed",
               10, describe=lambda _: sorted(files(psite)))
    assert psite.scalar("SELECT count(*) FROM media_variants;") == "0"


def test_a_bomb_and_a_truncated_jpeg_are_refused_with_a_sentence(psite, tmp_path):
    insert(psite, "bomb.png", png_bomb(str(tmp_path / "bomb.png")))
    whole = open(photo(str(tmp_path / "whole.jpg"), noise=True, size=(1200, 900)), "rb").read()
    with open(tmp_path / "cut.jpg", "wb") as f:
        f.write(whole[:len(whole) // 2])
    insert(psite, "cut.jpg", str(tmp_path / "cut.jpg"))
    for name in ("bomb.png", "cut.jpg"):
        status, version, problem, w, h = wait_status(psite, name, "refused")
        assert len(problem) > 20 and (w, h) == ("", ""), problem
        assert re.search(r"picture %s \(version %s\): refused: %s" % (
            re.escape(name), version, re.escape(problem)), psite.log()), psite.log()
    assert "pixels" in media(psite, "bomb.png")[2]
    assert psite.scalar("SELECT count(*) FROM media_variants;") == "0"
    assert not files(psite)
    assert psite.get("/").status == 200
    # The owner asks again: made again (and refused again), never stuck.
    mark = len(psite.log())
    psite.sql("UPDATE media SET status = 'pending' WHERE name = 'bomb.png';")
    wait_until(lambda: "picture bomb.png" in psite.log()[mark:] and
               media(psite, "bomb.png")[0] == "refused", "the bomb refused again", 60)


def maker_child(site):
    """The decoder the maker runs now, or None."""
    maker = site.maker_pid()
    if maker is None:
        return None
    try:
        with open("/proc/%d/task/%d/children" % (maker, maker)) as f:
            kids = f.read().split()
    except OSError:
        return None
    for kid in kids:
        # The decoder itself, after exec: before it, the child has not yet
        # asked to die with the maker (PR_SET_PDEATHSIG), and a SIGSTOP
        # there would keep it stopped forever once the maker is killed.
        try:
            with open("/proc/%s/comm" % kid) as f:
                if f.read().startswith("articled-pic"):
                    return int(kid)
        except OSError:
            pass
    return None


def stop_decoder_mid_work(site, name, tmp_path):
    """Inserts a photo that takes the decoder a second or two and stops
    (SIGSTOP) the decoder while it works; (maker pid, decoder pid)."""
    maker = wait_until(site.maker_pid, "the picture maker to run", 10)
    insert(site, name, photo(str(tmp_path / name), size=(4000, 3000), noise=True))
    decoder = wait_until(lambda: maker_child(site), "the decoder to start", 20, step=0.005)
    os.kill(decoder, signal.SIGSTOP)
    assert media(site, name)[0] == "pending"
    return maker, decoder


def assert_nothing_stored(site, name):
    assert media(site, name)[0] == "pending"
    assert psite_rows(site, name) == 0


def psite_rows(site, name):
    return int(site.scalar("SELECT count(*) FROM media_variants v JOIN media m "
                           "ON m.id = v.media_id WHERE m.name = '%s';" % name))


def test_a_maker_killed_while_decoding_leaves_nothing_and_is_restarted(psite, tmp_path):
    maker, decoder = stop_decoder_mid_work(psite, "big.jpg", tmp_path)
    os.kill(maker, signal.SIGKILL)
    wait_until(lambda: not os.path.exists("/proc/%d" % decoder) or
               open("/proc/%d/stat" % decoder).read().split()[2] == "Z",
               "the decoder to die with its maker", 10)
    assert_nothing_stored(psite, "big.jpg")
    wait_until(lambda: "picture maker %d killed by signal 9" % maker in psite.log(),
               "the master to log the maker's death", 10, describe=lambda _: psite.log())
    wait_until(lambda: psite.maker_pid() not in (None, maker), "a new maker", 10)
    version = wait_status(psite, "big.jpg", "ready")[1]
    assert set(files(psite)) == set(variant_rows(psite, "big.jpg"))
    assert files(psite, version)
    assert_folder_is_rows(psite, "big.jpg")


def test_a_maker_killed_between_its_files_and_its_commit_leaves_no_rows(psite, tmp_path):
    maker, decoder = stop_decoder_mid_work(psite, "big.jpg", tmp_path)
    version = media(psite, "big.jpg")[1]
    with OwnerLock(psite.db) as lock:    # the maker's commit must wait
        os.kill(decoder, signal.SIGCONT)
        wait_until(lambda: len(files(psite, version)) == 7,
                   "the maker to write the files, then wait for the lock", 60,
                   describe=lambda _: sorted(files(psite)))
        os.kill(maker, signal.SIGKILL)
        wait_until(lambda: psite.maker_pid() not in (None, maker), "a new maker", 10)
        lock.commit()
    # Whatever the new maker does next, it never stores half a picture:
    # the rows come all at once, with status 'ready'.
    wait_status(psite, "big.jpg", "ready")
    assert psite_rows(psite, "big.jpg") == 7
    assert set(files(psite)) == set(variant_rows(psite, "big.jpg"))
    assert_folder_is_rows(psite, "big.jpg")


def test_the_folder_is_rebuilt_on_start_and_nothing_is_made_again(psite, tmp_path):
    insert(psite, "knee.jpg", photo(str(tmp_path / "knee.jpg")))
    version = wait_status(psite, "knee.jpg", "ready")[1]
    ids = psite.scalar("SELECT group_concat(id) FROM media_variants;")
    psite.stop_articled()
    lost, cut = sorted(files(psite, version))[:2]
    os.unlink(os.path.join(folder(psite), lost))
    with open(os.path.join(folder(psite), cut), "r+b") as f:
        f.truncate(10)
    with open(os.path.join(folder(psite), "0000000000000001-480.webp"), "wb") as f:
        f.write(b"stale")
    mark = len(psite.log())
    psite.start_articled()
    wait_until(lambda: "2 files written again from the database, 1 stale removed"
               in psite.log()[mark:], "the folder rebuilt", 20, describe=lambda _: psite.log()[mark:])
    assert_folder_is_rows(psite, "knee.jpg")
    assert set(files(psite)) == set(variant_rows(psite, "knee.jpg"))
    assert psite.scalar("SELECT group_concat(id) FROM media_variants;") == ids
    assert "made in" not in psite.log()[mark:]
    assert psite.get("/").status == 200


def test_a_picture_replaced_while_it_is_made_is_made_from_the_new_bytes(psite, tmp_path):
    maker, decoder = stop_decoder_mid_work(psite, "room.jpg", tmp_path)
    old = media(psite, "room.jpg")[1]
    psite.sql("UPDATE media SET data = readfile('%s') WHERE name = 'room.jpg';"
              % photo(str(tmp_path / "small.jpg"), size=(640, 480)))
    mark = len(psite.log())
    os.kill(decoder, signal.SIGCONT)    # the old bytes' sizes arrive now
    wait_until(lambda: "picture room.jpg changed while it was made" in psite.log()[mark:],
               "the maker to notice the new version", 60, describe=lambda _: psite.log()[mark:])
    status, version, _, w, h = wait_status(psite, "room.jpg", "ready")
    assert version != old and (w, h) == ("640", "480")
    assert {int(n.split("-")[1].split(".")[0]) for n in variant_rows(psite, "room.jpg")} \
        == {480, 640}
    wait_until(lambda: set(files(psite)) == set(variant_rows(psite, "room.jpg")),
               "the folder to hold the new version's files only", 10,
               describe=lambda _: sorted(files(psite)))
    assert_folder_is_rows(psite, "room.jpg")


def test_sigterm_while_a_picture_is_made_stops_at_once_and_the_next_start_makes_it(
        psite, tmp_path):
    maker, decoder = stop_decoder_mid_work(psite, "big.jpg", tmp_path)
    # The master's exit status 0 within 10 s (else stop_articled kills
    # it and gives -9): the maker left the decoder and did not hold on.
    assert psite.stop_articled(timeout=10) == 0, psite.log()
    assert not os.path.exists("/proc/%d" % maker)
    assert_nothing_stored(psite, "big.jpg")
    psite.start_articled()
    wait_status(psite, "big.jpg", "ready")
    assert_folder_is_rows(psite, "big.jpg")


def test_a_picture_whose_store_met_a_long_lock_is_made_later_unasked(psite, tmp_path):
    """The owner's shell holds the write lock longer than the maker waits
    (10 s): the picture stays pending, said in the log, and is made again
    within 30 s though nothing changed in the database."""
    maker, decoder = stop_decoder_mid_work(psite, "late.jpg", tmp_path)
    mark = len(psite.log())
    with OwnerLock(psite.db) as lock:
        os.kill(decoder, signal.SIGCONT)
        wait_until(lambda: "picture late.jpg: cannot store its sizes (it stays pending)"
                   in psite.log()[mark:], "the maker to give up on the lock", 30,
                   describe=lambda _: psite.log()[mark:])
        lock.commit()           # changes nothing: site_version.rev stays
    assert_nothing_stored(psite, "late.jpg")
    wait_status(psite, "late.jpg", "ready", timeout=60)
    assert_folder_is_rows(psite, "late.jpg")
