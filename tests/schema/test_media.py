"""Issue 9, the owner's side of pictures: media and articles.cover, through the real
sqlite3 shell (schema version 6: db/migrations/0006-pictures.sql, the same in schema.sql).
Each test types what the owner would type, with real picture files made by the test,
and checks the exact refusal and that nothing moved."""

import io
import re

import pytest
from PIL import Image

from test_schema import add, as_fold, db, refused, rows, run_ok, shell, site_rev, sq, value  # noqa: F401

NO_DATA = "data is empty: did readfile() find the file? (the path is relative to where sqlite3 was started)"
BAD_NAME = ("CHECK constraint failed: media name must be like spine.jpg: a-z and 0-9, "
            "with single . - or _ between them, at most 100 characters")
NAME_TAKEN = ("a picture with this name exists: choose another name, or replace it with "
              "UPDATE media SET data = readfile(...) WHERE name = ...")
BAD_ALT = ("CHECK constraint failed: alt must describe the picture for someone who cannot see it: "
           "not empty, at most 300 characters")
TOO_BIG = "CHECK constraint failed: data must be at most 20 MB (20971520 bytes): make the photo smaller first"
NOT_PICTURE = ("CHECK constraint failed: data must be a JPEG, PNG, WebP or GIF picture, as read from its "
               "bytes whatever the name says (SVG, HTML, PDF and others are refused)")
NO_COVER = ("cover names no picture: add it first with INSERT INTO media(name, alt, data) VALUES (...), "
            "or see SELECT name FROM media")
KEPT = ("media.version, problem, width, height and added_at are kept by articled: "
        "change name, alt or data (or set status to 'pending')")
STATUS = "media.status is set by articled: set it to 'pending' to have the sizes made again"
VARIANTS = ("media_variants is articled's own (the sizes it serves): change media instead "
            "(set media.status to 'pending' to have them made again)")


def picture(fmt, size=(40, 30), mode="RGB"):
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128)).save(out, fmt)
    return out.getvalue()


@pytest.fixture
def files(db):
    """Real picture files, and others, beside the database (readfile() reads from there)."""
    folder = db.parent
    for name, data in {"photo.jpg": picture("JPEG"), "diagram.png": picture("PNG", mode="RGBA"),
                       "room.webp": picture("WEBP"), "anim.gif": picture("GIF"),
                       "png-named.jpg": picture("PNG"),
                       "evil.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                       "page.png": b"<!DOCTYPE html><html><script>alert(1)</script></html>",
                       "doc.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
                       "empty.jpg": b""}.items():
        (folder / name).write_bytes(data)
    return folder


def insert(name, alt, path):
    return f"INSERT INTO media(name, alt, data) VALUES ({sq(name)}, {sq(alt)}, readfile({sq(path)}));"


def media_count(db):
    return value(db, "SELECT count(*) FROM media")


# --- adding a picture -------------------------------------------------------------------------

@pytest.mark.parametrize("path, kind", [("photo.jpg", "jpeg"), ("diagram.png", "png"),
                                        ("room.webp", "webp"), ("anim.gif", "gif")])
def test_a_picture_is_added_with_one_statement_and_waits_for_its_sizes(db, files, path, kind):
    before = site_rev(db)
    run_ok(db, insert("pic-1.jpg", "A picture", path))
    (row,) = rows(db, "SELECT name, alt, type, status, problem, width, height, length(data) AS n, "
                      "version FROM media")
    assert row["type"] == kind
    assert (row["name"], row["alt"], row["status"], row["problem"], row["width"]) == \
        ("pic-1.jpg", "A picture", "pending", None, None)
    assert row["n"] == (files / path).stat().st_size
    assert isinstance(row["version"], int) and row["version"] > 0
    assert site_rev(db) != before


def test_the_type_comes_from_the_bytes_not_the_name(db, files):
    run_ok(db, insert("named.jpg", "A PNG named .jpg", "png-named.jpg"))
    assert value(db, "SELECT type FROM media") == "png"


@pytest.mark.parametrize("path", ["evil.svg", "page.png", "doc.pdf"])
def test_svg_html_pdf_are_refused_whatever_their_name(db, files, path):
    refused(db, insert("x.png", "Not a picture", path), NOT_PICTURE)
    assert media_count(db) == 0


def test_a_missing_file_is_refused_with_a_sentence(db, files):
    refused(db, insert("x.jpg", "Gone", "no-such-file.jpg"), NO_DATA)
    assert media_count(db) == 0


def test_an_empty_file_is_not_a_picture(db, files):
    refused(db, insert("x.jpg", "Empty", "empty.jpg"), NOT_PICTURE)


@pytest.mark.parametrize("name", ["Spine.jpg", "spine photo.jpg", "../etc/passwd", "a/b.jpg", ".hidden",
                                  "spine..jpg", "spine.jpg.", "-spine.jpg", "spine%2f.jpg", "épine.jpg",
                                  "", "a" * 97 + ".jpg1", "x.jpg?v=1", "x.jpg#top", "v/x.jpg"])
def test_names_outside_the_safe_set_are_refused(db, files, name):
    refused(db, insert(name, "A picture", "photo.jpg"), BAD_NAME)
    assert media_count(db) == 0


@pytest.mark.parametrize("name", ["spine.jpg", "treatment-room_2.png", "a", "2024-05-01.photo.webp",
                                  "a" * 96 + ".jpg"])
def test_names_in_the_safe_set_are_accepted(db, files, name):
    run_ok(db, insert(name, "A picture", "photo.jpg"))


def test_a_name_already_used_is_refused(db, files):
    run_ok(db, insert("spine.jpg", "First", "photo.jpg"))
    refused(db, insert("spine.jpg", "Second", "diagram.png"), NAME_TAKEN)
    assert rows(db, "SELECT alt FROM media") == [{"alt": "First"}]


@pytest.mark.parametrize("alt", ["", "   ", "\u00a0\u200b", "x" * 301])
def test_an_empty_or_over_long_alt_is_refused(db, files, alt):
    refused(db, insert("spine.jpg", alt, "photo.jpg"), BAD_ALT)


def test_a_null_alt_is_refused(db, files):
    res = shell(db, "INSERT INTO media(name, data) VALUES ('spine.jpg', readfile('photo.jpg'));")
    assert res.returncode == 1 and "NOT NULL constraint failed: media.alt" in res.stderr
    assert media_count(db) == 0


def test_data_over_20_mb_is_refused(db):
    refused(db, "INSERT INTO media(name, alt, data) VALUES "
                "('big.png', 'Big', x'89504E470D0A1A0A' || zeroblob(20971520 - 7));", TOO_BIG)
    run_ok(db, "INSERT INTO media(name, alt, data) VALUES "
               "('edge.png', 'At the limit', x'89504E470D0A1A0A' || zeroblob(20971520 - 8));")


# --- what articled keeps ---------------------------------------------------------------------

@pytest.mark.parametrize("update", ["version = 1", "width = 10", "height = 10", "problem = 'x'",
                                    "added_at = '2020-01-01T00:00:00Z'"])
def test_the_columns_articled_writes_refuse_the_owners_update(db, files, update):
    run_ok(db, insert("spine.jpg", "Spine", "photo.jpg"))
    refused(db, f"UPDATE media SET {update};", KEPT)


def test_status_can_only_be_set_back_to_pending(db, files):
    run_ok(db, insert("spine.jpg", "Spine", "photo.jpg"))
    refused(db, "UPDATE media SET status = 'ready';", STATUS)
    run_ok(db, as_fold("UPDATE media SET status = 'ready', width = 40, height = 30;"))
    before = site_rev(db)
    run_ok(db, "UPDATE media SET status = 'pending';")
    assert value(db, "SELECT status FROM media") == "pending"
    assert site_rev(db) != before


def test_the_owner_cannot_write_media_variants(db, files):
    run_ok(db, insert("spine.jpg", "Spine", "photo.jpg"))
    refused(db, "INSERT INTO media_variants(media_id, version, format, width, height, data) "
                "SELECT id, version, 'webp', 40, 30, x'00' FROM media;", VARIANTS)
    run_ok(db, as_fold("INSERT INTO media_variants(media_id, version, format, width, height, data) "
                       "SELECT id, version, 'webp', 40, 30, x'00' FROM media;"))
    refused(db, "UPDATE media_variants SET width = 1;", VARIANTS)
    refused(db, "DELETE FROM media_variants;", VARIANTS)
    assert value(db, "SELECT count(*) FROM media_variants") == 1


# --- replacing and deleting --------------------------------------------------------------------

def made(db):
    """The picture as the maker leaves it: ready, with one variant of its version."""
    run_ok(db, as_fold("UPDATE media SET status = 'ready', width = 40, height = 30;"
                       "INSERT INTO media_variants(media_id, version, format, width, height, data) "
                       "SELECT id, version, 'webp', 40, 30, x'52494646' FROM media;"))


def test_replacing_the_bytes_gives_a_new_version_and_drops_the_old_sizes(db, files):
    run_ok(db, insert("spine.jpg", "Spine", "photo.jpg"))
    made(db)
    old_version, before = value(db, "SELECT version FROM media"), site_rev(db)
    run_ok(db, "UPDATE media SET data = readfile('diagram.png') WHERE name = 'spine.jpg';")
    (row,) = rows(db, "SELECT type, version, status, width, height, problem FROM media")
    assert row["version"] != old_version
    assert (row["type"], row["status"], row["width"], row["height"], row["problem"]) == \
        ("png", "pending", None, None, None)
    assert value(db, "SELECT count(*) FROM media_variants") == 0
    assert site_rev(db) != before


def test_replacing_with_a_missing_file_is_refused_and_keeps_the_picture(db, files):
    run_ok(db, insert("spine.jpg", "Spine", "photo.jpg"))
    made(db)
    refused(db, "UPDATE media SET data = readfile('gone.jpg') WHERE name = 'spine.jpg';", NO_DATA)
    assert rows(db, "SELECT status, type FROM media") == [{"status": "ready", "type": "jpeg"}]
    assert value(db, "SELECT count(*) FROM media_variants") == 1


def test_changing_the_alt_keeps_the_version(db, files):
    run_ok(db, insert("spine.jpg", "Spine", "photo.jpg"))
    made(db)
    version = value(db, "SELECT version FROM media")
    run_ok(db, "UPDATE media SET alt = 'The lower spine' WHERE name = 'spine.jpg';")
    assert rows(db, "SELECT alt, version, status FROM media") == \
        [{"alt": "The lower spine", "version": version, "status": "ready"}]


def json_refusal(db, script):
    """The sentence of a refusal made with json_extract (it names the article)."""
    res = shell(db, script)
    assert res.returncode == 1
    m = re.fullmatch(r"(?:Runtime|Parse) error near line \d+: JSON path error near '(.*)'\n", res.stderr)
    assert m, res.stderr
    return m.group(1)


def test_deleting_a_picture_an_article_shows_in_its_body_is_refused_naming_the_article(db, files):
    run_ok(db, insert("spine.jpg", "Spine", "photo.jpg"))
    art = add(db, "Back pain", "Look:\n\n![](/media/spine.jpg)\n", slug="back-pain")
    assert json_refusal(db, "DELETE FROM media WHERE name = 'spine.jpg';") == (
        f"cannot delete picture spine.jpg: article {art} (back-pain) still shows it in its body; "
        "take it out of that article first")
    assert media_count(db) == 1


def test_deleting_a_cover_is_refused_naming_the_article(db, files):
    run_ok(db, insert("spine.jpg", "Spine", "photo.jpg"))
    art = add(db, "Back pain", "No picture in the body.", slug="back-pain", cover="spine.jpg")
    assert json_refusal(db, "DELETE FROM media WHERE name = 'spine.jpg';") == (
        f"cannot delete picture spine.jpg: article {art} (back-pain) still shows it as its cover; "
        "take it out of that article first")
    assert json_refusal(db, "UPDATE media SET name = 'spine2.jpg' WHERE name = 'spine.jpg';") == (
        f"cannot rename picture spine.jpg: article {art} (back-pain) still shows it as its cover; "
        "change that article first")


def test_a_draft_that_shows_a_picture_keeps_it_too(db, files):
    run_ok(db, insert("spine.jpg", "Spine", "photo.jpg"))
    add(db, "Draft", "![x](/media/spine.jpg)", slug="draft-post", draft=1)
    assert "draft-post" in json_refusal(db, "DELETE FROM media WHERE name = 'spine.jpg';")


def test_a_longer_name_in_a_body_does_not_keep_a_shorter_one(db, files):
    run_ok(db, insert("spine.jpg", "Spine", "photo.jpg") + insert("spine.jpg2", "Other", "photo.jpg"))
    add(db, "Uses the other", "![x](/media/spine.jpg2)")
    run_ok(db, "DELETE FROM media WHERE name = 'spine.jpg';")
    assert rows(db, "SELECT name FROM media") == [{"name": "spine.jpg2"}]


def test_a_picture_no_article_shows_is_deleted_with_its_sizes(db, files):
    run_ok(db, insert("spine.jpg", "Spine", "photo.jpg"))
    made(db)
    art = add(db, "Back pain", "![x](/media/spine.jpg)")
    run_ok(db, f"UPDATE articles SET body = 'No picture now.' WHERE id = {art};")
    before = site_rev(db)
    run_ok(db, "DELETE FROM media WHERE name = 'spine.jpg';")
    assert media_count(db) == 0
    assert value(db, "SELECT count(*) FROM media_variants") == 0
    assert site_rev(db) != before


# --- covers ----------------------------------------------------------------------------------

def test_a_cover_naming_no_picture_is_refused(db, files):
    refused(db, "INSERT INTO articles(title, body, cover) VALUES ('T', 'B', 'nope.jpg');", NO_COVER)
    art = add(db, "Back pain")
    refused(db, f"UPDATE articles SET cover = 'nope.jpg' WHERE id = {art};", NO_COVER)
    assert value(db, f"SELECT cover FROM articles WHERE id = {art}") is None


def test_a_cover_is_set_and_removed_with_one_update(db, files):
    run_ok(db, insert("spine.jpg", "Spine", "photo.jpg"))
    art = add(db, "Back pain")
    before = site_rev(db)
    run_ok(db, f"UPDATE articles SET cover = 'spine.jpg' WHERE id = {art};")
    assert value(db, f"SELECT cover FROM articles WHERE id = {art}") == "spine.jpg"
    assert site_rev(db) != before
    run_ok(db, f"UPDATE articles SET cover = NULL WHERE id = {art};")
    run_ok(db, "DELETE FROM media WHERE name = 'spine.jpg';")
