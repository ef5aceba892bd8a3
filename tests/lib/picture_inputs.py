"""Real picture files for the picture tests, made on the spot: with
Pillow (python3-pil) for ordinary pictures, and by hand with zlib for the
PNGs no library wants to write (a decompression bomb, a huge blank, an
interlaced one), plus a parser of articled-picture's answer."""
import io
import struct
import zlib

from PIL import Image


def photo(width, height, quality=90):
    """A JPEG that compresses like a photo: smooth gradients with grain."""
    grain = Image.effect_noise((width, height), 24)
    ramp = Image.linear_gradient("L").resize((width, height))
    blue = ramp.transpose(Image.Transpose.ROTATE_90).resize((width, height))
    im = Image.merge("RGB", (ramp, grain, blue))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=quality)
    return out.getvalue()


def encode(im, fmt, **kw):
    out = io.BytesIO()
    im.save(out, fmt, **kw)
    return out.getvalue()


def _chunk(kind, data):
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _adam7_rows(width, height, row_bytes):
    """(rows, bytes per row) of each non-empty Adam7 pass."""
    passes = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
              (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
    out = []
    for x0, y0, dx, dy in passes:
        w = (width - x0 + dx - 1) // dx if width > x0 else 0
        h = (height - y0 + dy - 1) // dy if height > y0 else 0
        if w and h:
            out.append((h, row_bytes(w)))
    return out


def blank_png(width, height, depth=8, colour_type=0, interlace=False):
    """A black PNG of any size, written row by row (never whole in
    memory): a few KB claim millions of pixels."""
    channels = {0: 1, 2: 3}[colour_type]
    row_bytes = lambda w: (w * channels * depth + 7) // 8  # noqa: E731
    rows = (_adam7_rows(width, height, row_bytes) if interlace
            else [(height, row_bytes(width))])
    z = zlib.compressobj(9)
    data = []
    for count, nbytes in rows:
        line = bytes(1 + nbytes)        # filter byte 0, then zeros
        data.extend(z.compress(line) for _ in range(count))
    data.append(z.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0,
                       1 if interlace else 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) +
            _chunk(b"IDAT", b"".join(data)) + _chunk(b"IEND", b""))


def jpeg_claiming(width, height):
    """A small valid JPEG whose frame header claims width x height."""
    b = bytearray(encode(Image.new("RGB", (64, 64), (1, 2, 3)), "JPEG"))
    sof = b.index(b"\xff\xc0")
    struct.pack_into(">HH", b, sof + 5, height, width)
    return bytes(b)


def parse(out):
    """articled-picture's stdout -> ((W, H), [(format, w, h, bytes)]).
    Fails on anything but the exact protocol."""
    nl = out.index(b"\n")
    head = out[:nl].split(b" ")
    assert head[0] == b"size" and len(head) == 3, out[:200]
    pos, variants = nl + 1, []
    while True:
        nl = out.index(b"\n", pos)
        line = out[pos:nl].decode("ascii").split(" ")
        pos = nl + 1
        if line == ["end"]:
            break
        assert line[0] == "variant" and len(line) == 5, line
        n = int(line[4])
        variants.append((line[1], int(line[2]), int(line[3]),
                         out[pos:pos + n]))
        pos += n
    assert pos == len(out), "bytes after end"
    return (int(head[1]), int(head[2])), variants
