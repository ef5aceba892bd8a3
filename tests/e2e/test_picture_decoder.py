"""Issue 9: bin/articled-picture, the picture maker, run for real on real
pictures made here (tests/lib/picture_inputs.py): the variant set, the
orientation, metadata stripped (read back with exiftool), refusals with a
sentence and exit 2 (bombs, damaged files, not a picture), the rlimits
and the seccomp filter (a forbidden call injected with ptrace,
tests/lib/inject.py, as in test_sandbox.py)."""
import io
import json
import os
import resource
import signal
import subprocess
import time

import pytest
from PIL import Image

import inject
import picture_inputs as pics
from site_harness import ROOT
from wait import wait_until

BIN = os.path.join(ROOT, "bin", "articled-picture")
FORMATS = {"webp": "WEBP", "jpeg": "JPEG", "png": "PNG"}


def run(data, *args, timeout=120):
    """(exit status, stdout, stderr, CPU seconds) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run([BIN] + list(args), input=data, capture_output=True,
                       timeout=timeout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime -
                                                 before.ru_stime)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace"), cpu


def make(data, *args):
    rc, out, err, _ = run(data, *args)
    assert rc == 0, (rc, out[:300], err)
    return pics.parse(out)


def decoded(variant):
    fmt, w, h, data = variant
    im = Image.open(io.BytesIO(data))
    assert im.format == FORMATS[fmt], (fmt, im.format)
    assert im.size == (w, h), (variant[:3], im.size)
    return im


def shape(variants):
    return [(f, w, h) for f, w, h, _ in variants]


@pytest.fixture(scope="module")
def photo():
    return pics.photo(4000, 3000)


def test_a_4000_by_3000_photo_gives_three_widths_and_the_preview(photo):
    size, variants = make(photo)
    assert size == (4000, 3000)
    assert shape(variants) == [
        ("webp", 480, 360), ("jpeg", 480, 360), ("webp", 960, 720),
        ("jpeg", 960, 720), ("webp", 1600, 1200), ("jpeg", 1600, 1200),
        ("jpeg", 1200, 900)]
    for v in variants:
        im = decoded(v)
        assert im.mode == "RGB"
        if v[0] == "jpeg":
            assert im.info.get("progressive"), v[:3]
    # Smaller than the original by far, and each width bigger than the last.
    sizes = [len(d) for f, _, _, d in variants if f == "webp"]
    assert sizes == sorted(sizes) and sizes[-1] < len(photo) / 4


def test_800_px_gives_480_and_800_and_no_extra_preview():
    size, variants = make(pics.photo(800, 533))
    assert size == (800, 533)
    assert shape(variants) == [("webp", 480, 320), ("jpeg", 480, 320),
                               ("webp", 800, 533), ("jpeg", 800, 533)]
    for v in variants:
        decoded(v)


def test_300_px_gives_300_only():
    size, variants = make(pics.photo(300, 200))
    assert size == (300, 200)
    assert shape(variants) == [("webp", 300, 200), ("jpeg", 300, 200)]


def test_exactly_1600_px_keeps_1600():
    _, variants = make(pics.photo(1600, 900))
    assert [w for f, w, _ in shape(variants) if f == "webp"] == \
        [480, 960, 1600]
    assert ("jpeg", 1200, 675) in shape(variants)


def test_png_with_alpha_falls_back_to_png_and_previews_on_white():
    im = Image.new("RGBA", (800, 600), (255, 0, 0, 128))
    size, variants = make(pics.encode(im, "PNG"))
    assert size == (800, 600)
    assert shape(variants) == [("webp", 480, 360), ("png", 480, 360),
                               ("webp", 800, 600), ("png", 800, 600),
                               ("jpeg", 800, 600)]
    for v in variants:
        out = decoded(v)
        px = out.convert("RGBA").getpixel((400 * v[1] // 800, 10))
        if v[0] == "jpeg":      # flattened on white: pink, opaque
            assert abs(px[0] - 255) < 8 and abs(px[1] - 127) < 12, px
        else:                   # alpha kept
            assert out.mode == "RGBA" and abs(px[3] - 128) < 8, (v[:3], px)


def test_opaque_png_with_an_alpha_band_falls_back_to_jpeg():
    im = Image.new("RGBA", (640, 480), (0, 0, 255, 255))
    _, variants = make(pics.encode(im, "PNG"))
    assert {f for f, _, _ in shape(variants)} == {"webp", "jpeg"}


def test_animated_gif_gives_its_first_frame_as_a_still():
    frames = [Image.new("RGB", (200, 100), c)
              for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:],
                   duration=100, loop=0)
    assert Image.open(io.BytesIO(out.getvalue())).n_frames == 3
    size, variants = make(out.getvalue())
    assert size == (200, 100)
    assert shape(variants) == [("webp", 200, 100), ("jpeg", 200, 100)]
    for v in variants:
        im = decoded(v)
        assert getattr(im, "n_frames", 1) == 1
        r, g, b = im.convert("RGB").getpixel((100, 50))
        assert r > 230 and g < 30 and b < 30, (v[0], r, g, b)


def test_a_gif_with_transparency_falls_back_to_png():
    im = Image.new("P", (200, 100), 0)
    im.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    im.paste(1, (50, 20, 150, 80))
    size, variants = make(pics.encode(im, "GIF", transparency=0))
    assert size == (200, 100)
    assert shape(variants) == [("webp", 200, 100), ("png", 200, 100),
                               ("jpeg", 200, 100)]
    for v in variants:
        rgba = decoded(v).convert("RGBA")
        corner, middle = rgba.getpixel((5, 5)), rgba.getpixel((100, 50))
        assert middle[0] > 240 and middle[1] < 20 and middle[3] == 255
        if v[0] == "jpeg":
            assert min(corner) > 245, corner      # flattened on white
        else:
            assert corner[3] == 0, (v[0], corner)


def test_webp_input():
    im = Image.new("RGB", (1000, 750), (10, 200, 30))
    size, variants = make(pics.encode(im, "WEBP", quality=80))
    assert size == (1000, 750)
    assert shape(variants) == [("webp", 480, 360), ("jpeg", 480, 360),
                               ("webp", 960, 720), ("jpeg", 960, 720),
                               ("webp", 1000, 750), ("jpeg", 1000, 750)]
    for v in variants:
        r, g, b = decoded(v).convert("RGB").getpixel((20, 20))
        assert abs(g - 200) < 10 and r < 30, (v[:3], r, g, b)


def test_exif_orientation_6_is_applied():
    """Stored 400 x 300 with a red mark at the stored top-left; orientation
    6 (rotate 90 clockwise to show) puts the mark at the top-right of a
    300 x 400 picture."""
    im = Image.new("RGB", (400, 300), (255, 255, 255))
    im.paste((255, 0, 0), (0, 0, 60, 60))
    exif = Image.Exif()
    exif[0x0112] = 6
    size, variants = make(pics.encode(im, "JPEG", exif=exif, quality=95))
    assert size == (300, 400)
    assert shape(variants) == [("webp", 300, 400), ("jpeg", 300, 400)]
    for v in variants:
        out = decoded(v).convert("RGB")
        assert out.getpixel((280, 20))[1] < 60, (v[0], "mark not top-right")
        assert min(out.getpixel((20, 20))) > 200, (v[0], "top-left white")
        assert "exif" not in out.info or b"\x01\x12" not in out.info["exif"]


def test_an_embedded_p3_profile_is_converted_to_srgb(tmp_path):
    """The same numbers mean a more saturated colour in Display P3: the
    variants carry the sRGB numbers for it, and no profile."""
    flat = tmp_path / "flat.png"
    Image.new("RGB", (600, 400), (200, 100, 50)).save(flat)
    p3 = tmp_path / "p3.jpg"
    subprocess.run(["vips", "copy", str(flat), "%s[profile=p3,Q=95]" % p3],
                   check=True)
    assert "ICC_Profile:ProfileDescription" in exif_of(p3.read_bytes())
    _, variants = make(p3.read_bytes())
    for v in variants:
        r, g, b = decoded(v).convert("RGB").getpixel((100, 100))
        assert r >= 210 and g <= 97 and b <= 38, (v[:3], r, g, b)
        assert "icc_profile" not in decoded(v).info


def test_cmyk_and_16_bit_grey_become_8_bit_rgb():
    cmyk = pics.encode(Image.new("CMYK", (600, 400), (0, 255, 255, 0)),
                       "JPEG")
    for v in make(cmyk)[1]:
        r, g, b = decoded(v).convert("RGB").getpixel((50, 50))
        assert r > 200 and g < 80 and b < 80, (v[:3], r, g, b)
    grey = Image.new("I;16", (500, 300), 40000)
    for v in make(pics.encode(grey, "PNG"))[1]:
        im = decoded(v)
        assert im.mode == "RGB", (v[:3], im.mode)
        r, g, b = im.getpixel((50, 50))
        assert r == g == b and abs(r - 40000 // 257) <= 2, (v[:3], r, g, b)


def exif_of(data):
    res = subprocess.run(["exiftool", "-j", "-G", "-a", "-"], input=data,
                         capture_output=True, check=True)
    return json.loads(res.stdout)[0]


def test_gps_xmp_iptc_comment_are_absent_from_every_variant(tmp_path):
    src = tmp_path / "phone.jpg"
    src.write_bytes(pics.photo(2000, 1500))
    subprocess.run(["exiftool", "-q", "-overwrite_original",
                    "-GPSLatitude=48.8566", "-GPSLatitudeRef=N",
                    "-GPSLongitude=2.3522", "-GPSLongitudeRef=E",
                    "-Artist=Secret Artist", "-Make=SecretPhone",
                    "-XMP-dc:Creator=Secret Creator",
                    "-IPTC:Keywords=secretkeyword",
                    "-Comment=secret comment", str(src)], check=True)
    tags = exif_of(src.read_bytes())
    assert "EXIF:GPSLatitude" in tags and "XMP:Creator" in tags
    assert "IPTC:Keywords" in tags and "File:Comment" in tags
    _, variants = make(src.read_bytes())
    assert len(variants) == 7
    for f, w, h, data in variants:
        tags = exif_of(data)
        groups = {k.split(":")[0] for k in tags}
        assert not groups & {"EXIF", "XMP", "IPTC", "ICC_Profile",
                             "MakerNotes"}, (f, w, sorted(tags))
        assert not [k for k in tags if "GPS" in k or "Comment" in k], \
            (f, w, sorted(tags))
        assert b"Secret" not in data and b"secret" not in data, (f, w)


def refused(data, *args, cpu_max=None):
    rc, out, err, cpu = run(data, *args, timeout=60)
    assert rc == 2, (rc, out[:200], err)
    assert out.startswith(b"refused ") and out.endswith(b"\n"), out[:200]
    assert out.count(b"\n") == 1
    if cpu_max is not None:
        assert cpu < cpu_max, "refused after %.2f s of CPU" % cpu
    return out[len(b"refused "):-1].decode()


def test_a_png_bomb_is_refused_in_milliseconds():
    bomb = pics.blank_png(20000, 20000, depth=1)
    assert len(bomb) < 64 * 1024
    t0 = time.monotonic()
    why = refused(bomb, cpu_max=1.0)
    assert time.monotonic() - t0 < 5
    assert why == ("the picture is 20000 \u00d7 20000 pixels: at most "
                   "50 million pixels are accepted")


def test_a_jpeg_claiming_60000_by_60000_is_refused_fast():
    why = refused(pics.jpeg_claiming(60000, 60000), cpu_max=1.0)
    assert "60000 \u00d7 60000 pixels" in why


def test_max_pixels_option_sets_the_limit(photo):
    why = refused(photo, "--max-pixels", "10000000", cpu_max=1.0)
    assert why == ("the picture is 4000 \u00d7 3000 pixels: at most "
                   "10 million pixels are accepted")


def test_extreme_shapes():
    """A strip 1,000,000 px wide is made (480 x 1 and so on); one too tall
    for WebP's 16383 px at its largest width is refused up front."""
    size, variants = make(pics.blank_png(1000000, 1))
    assert size == (1000000, 1)
    assert shape(variants) == [("webp", 480, 1), ("jpeg", 480, 1),
                               ("webp", 960, 1), ("jpeg", 960, 1),
                               ("webp", 1600, 1), ("jpeg", 1600, 1),
                               ("jpeg", 1200, 1)]
    why = refused(pics.blank_png(100, 40000), cpu_max=1.0)
    assert why == ("the picture is 100 \u00d7 40000 pixels: too tall for "
                   "its width (at most 16383 pixels high at 100 wide)")


def test_truncated_jpeg_and_png_are_refused_never_a_signal(photo):
    why = refused(photo[:len(photo) // 2])
    assert why.startswith("the picture is damaged or incomplete"), why
    png = pics.encode(Image.effect_noise((600, 400), 50), "PNG")
    why = refused(png[:len(png) * 2 // 3])
    assert why.startswith("the picture is damaged or incomplete"), why
    why = refused(photo[:400])          # the header cut short
    assert why.startswith("the picture is damaged or incomplete"), why


@pytest.mark.parametrize("data", [
    os.urandom(5000),
    b"<!doctype html><html><body><script>alert(1)</script></body></html>",
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
    b'</svg>',
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    b"\xff\xd8\xff",                   # a JPEG's magic and nothing else
], ids=["random", "html", "svg", "pdf", "magic-only"])
def test_what_is_not_a_picture_is_refused(data):
    why = refused(data)
    assert why in ("the file is not a JPEG, PNG, WebP or GIF picture",) or \
        why.startswith("the picture is damaged or incomplete"), why


def test_empty_and_oversized_input_refused():
    assert refused(b"") == "the file is empty"
    big = b"\xff\xd8\xff" + bytes(20 * 1024 * 1024)
    assert refused(big) == ("the file is over 20 MiB: at most 20 MiB are "
                            "accepted")


def test_bad_options_exit_1_with_usage():
    for args in (["--max-cpu"], ["--max-cpu", "0"], ["--max-pixels", "x"],
                 ["--frobnicate", "1"]):
        rc, out, err, _ = run(b"", *args)
        assert rc == 1 and out == b"" and "usage:" in err, (args, rc, err)
    rc, out, err, _ = run(pics.photo(300, 200), "--max-memory", "64")
    assert rc == 1 and out == b"", (rc, out[:200])
    assert "--max-memory is too small to hold the bytes" in err, err


def test_the_cpu_limit_ends_a_long_decode():
    """20000 x 20000 blank PNG, allowed by --max-pixels: decoding it takes
    seconds; --max-cpu 1 ends it by SIGXCPU (SIGKILL a second later)."""
    huge = pics.blank_png(20000, 20000)
    t0 = time.monotonic()
    rc, out, err, cpu = run(huge, "--max-pixels", "500000000",
                            "--max-cpu", "1", "--max-memory", "4096")
    assert rc in (-signal.SIGXCPU, -signal.SIGKILL), (rc, out[:200], err)
    assert out == b"" and cpu < 3 and time.monotonic() - t0 < 30


def test_the_memory_limit_applies():
    """An interlaced PNG is decoded whole in memory (108 MB for 6000 x 6000
    RGB): refused under --max-memory 200, made under the default; a small
    picture is made under 200 MiB."""
    interlaced = pics.blank_png(6000, 6000, colour_type=2, interlace=True)
    why = refused(interlaced, "--max-memory", "200")
    assert why == ("the picture needs more memory than the picture "
                   "maker's limit (200 MiB)")
    size, _ = make(interlaced)
    assert size == (6000, 6000)
    size, _ = make(pics.photo(300, 200), "--max-memory", "200")
    assert size == (300, 200)


def test_articled_itself_does_not_link_libvips():
    for binary in ("articled", "articled-picture"):
        res = subprocess.run(["ldd", os.path.join(ROOT, "bin", binary)],
                             capture_output=True, text=True, check=True)
        assert ("libvips" in res.stdout) == (binary == "articled-picture")


def blocked_writing(photo, pass_fds=()):
    """A maker that has made its variants and now waits to write them
    (nobody reads its stdout): past its sandbox, in write(2)."""
    p = subprocess.Popen([BIN], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, pass_fds=pass_fds)
    p.stdin.write(photo)
    p.stdin.close()

    def in_write():
        with open("/proc/%d/syscall" % p.pid) as f:
            return f.read().split(" ")[0] == "1"
    wait_until(in_write, "the maker to block writing stdout", timeout=60)
    return p


def proc_field(pid, name, path="status"):
    with open("/proc/%d/%s" % (pid, path)) as f:
        return [ln for ln in f.read().splitlines() if ln.startswith(name)]


def test_sandbox_and_limits_are_on_while_it_works(photo, tmp_path):
    """Also: a descriptor the parent let through (here a file open for
    writing, as a database would be) is closed before any decoding."""
    leaked = os.open(str(tmp_path / "db"), os.O_RDWR | os.O_CREAT)
    p = blocked_writing(photo, pass_fds=(leaked,))
    os.close(leaked)
    try:
        fds = os.listdir("/proc/%d/fd" % p.pid)
        assert sorted(fds) == ["0", "1", "2"], fds
        assert proc_field(p.pid, "Seccomp:") == ["Seccomp:\t2"]
        assert proc_field(p.pid, "NoNewPrivs:") == ["NoNewPrivs:\t1"]
        limits = {ln[:26].strip(): ln[26:].split()[:2]
                  for ln in proc_field(p.pid, "Max", "limits")}
        assert limits["Max cpu time"] == ["60", "61"]
        assert limits["Max address space"] == ["1073741824"] * 2
        assert limits["Max file size"] == ["0", "0"]
        assert limits["Max open files"] == ["32", "32"]
        assert limits["Max core file size"] == ["0", "0"]
        size, variants = pics.parse(p.stdout.read())   # it goes on
        assert size == (4000, 3000) and len(variants) == 7
        assert p.wait(30) == 0
    finally:
        p.kill()
        p.wait()


@pytest.mark.skipif(not inject.supported(), reason="x86-64 Linux only")
@pytest.mark.parametrize("call", ["execve", "socket", "fork", "ptrace"])
def test_a_forbidden_call_kills_it_and_names_the_call(photo, call):
    p = blocked_writing(photo)
    try:
        inject.inject(p.pid, call)
        assert p.wait(30) == -signal.SIGSYS
        err = p.stderr.read().decode()
        assert "articled-picture[%d]: sandbox: forbidden system call %s " %\
            (p.pid, call) in err, err
    finally:
        p.kill()
        p.wait()


@pytest.mark.skipif(not inject.supported(), reason="x86-64 Linux only")
def test_opening_a_file_is_denied_not_fatal(photo):
    """openat answers EACCES: the write it replaced fails, and the maker
    says so and exits 1 -- alive, but it opened nothing."""
    p = blocked_writing(photo)
    try:
        inject.NR.setdefault("openat", 257)
        inject.inject(p.pid, "openat")
        assert p.wait(30) == 1
        assert "writing stdout failed" in p.stderr.read().decode()
    finally:
        p.kill()
        p.wait()
