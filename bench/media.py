"""bench/media.py: the pictures phase (issue 9).

A photo is added with the sqlite3 shell and made by articled's picture maker;
its size closest to 100 KB is then fetched at its versioned address,
/media/v/<hex>-<width>.<ext>, which nginx serves from articled's media folder
(try_files), and measured in interleaved rounds against nginx serving the very
same bytes as a plain static file (/_bench/), wrk -t2 -c32: target ratio >= 0.8.
The same address with its file removed (articled answering from SQLite) is
measured once for reference.  Then 100 pictures are added and every size of
each is fetched from articled (files removed): the workers' VmRSS after it
(target <= 8 MiB).  Run alone with 'bench/run --media'."""
import os
import shutil
import subprocess
import time

from context import log
from measure import warm, wrk
from servers import ROOT, articled, http_get

TARGET = 0.8
RSS_TARGET_KIB = 8 * 1024
EXT = {"webp": "webp", "jpeg": "jpg", "png": "png"}


def S_photo(path, w, h, seed):
    """A photo-like JPEG: smooth noise, so its sizes weigh what photos do."""
    from PIL import Image, ImageFilter
    import random
    rnd = random.Random(seed)
    small = Image.new("RGB", (w // 16, h // 16))
    small.putdata([(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
                   for _ in range((w // 16) * (h // 16))])
    img = small.resize((w, h), Image.BICUBIC).filter(ImageFilter.GaussianBlur(1))
    img.save(path, "JPEG", quality=92)


def S_sql(db, sql):
    return subprocess.run(["sqlite3", "-bail", "-cmd", ".timeout 5000", db], input=sql,
                          capture_output=True, text=True, check=True).stdout.strip()


def S_add(bench, db, name, w, h, seed):
    path = os.path.join(bench.work, name + ".src")
    S_photo(path, w, h, seed)
    S_sql(db, "INSERT INTO media(name, alt, data) VALUES ('%s', 'A photo', "
              "readfile('%s'));" % (name, path))


def S_wait_ready(db, n, timeout):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if S_sql(db, "SELECT count(*) FROM media WHERE status = 'ready';") == str(n):
            return time.monotonic() - t0
        time.sleep(0.5)     # polling the maker's progress, not a precondition
    raise RuntimeError("bench/media: %d pictures not made in %d s" % (n, timeout))


def S_addresses(db, where=""):
    rows = S_sql(db, "SELECT printf('%%016x', m.version) || '-' || v.width || '.' || "
                     "v.format || ' ' || length(v.data) FROM media_variants v JOIN media m "
                     "ON m.id = v.media_id AND m.version = v.version %s;" % where)
    out = []
    for line in rows.splitlines():
        name, size = line.split()
        stem, fmt = name.rsplit(".", 1)
        out.append(("/media/v/%s.%s" % (stem, EXT[fmt]), int(size)))
    return out


def S_rate(bench, path):
    warm(bench, path)
    return wrk(bench, path, 32, bench.cfg.dround)["rps"]


def S_serving(bench, db, out):
    S_add(bench, db, "bench-photo.jpg", 2400, 1600, 1)
    out["make_s"] = S_wait_ready(db, 1, 300)
    url, size = min(S_addresses(db), key=lambda a: abs(a[1] - 100 * 1024))
    folder_file = os.path.join(bench.work, "media", "v", url.rsplit("/", 1)[1])
    static = "/_bench/" + os.path.basename(folder_file)
    shutil.copyfile(folder_file, os.path.join(bench.nginx.var, "static",
                                              os.path.basename(folder_file)))
    assert http_get(bench.port, url)[1] == http_get(bench.port, static)[1]
    runs = [(S_rate(bench, static), S_rate(bench, url)) for _ in range(bench.cfg.rounds)]
    ratios = sorted(m / s for s, m in runs if s)
    out.update(url=url, bytes=size, runs=runs, ratio=ratios[len(ratios) // 2])
    os.unlink(folder_file)
    out["articled_rps"] = S_rate(bench, url)
    log("media %s (%d bytes): nginx from the folder %s req/s, static %s req/s: ratio %.2f "
        "(target >= %.1f) %s; articled alone %.0f req/s" % (
            url, size, "/".join("%.0f" % m for _, m in runs),
            "/".join("%.0f" % s for s, _ in runs), out["ratio"], TARGET,
            "ok" if out["ratio"] >= TARGET else "BELOW TARGET", out["articled_rps"]))


def S_memory(bench, db, server, out, n):
    for i in range(n):
        S_add(bench, db, "p%d.jpg" % i, 1700, 1134, 100 + i)
    out["make_all_s"] = S_wait_ready(db, n + 1, 60 + 10 * n)
    shutil.rmtree(os.path.join(bench.work, "media", "v"))
    for url, _ in S_addresses(db):
        status, _ = http_get(bench.port, url)
        assert status == 200, (url, status)
    out["sizes_served"] = len(S_addresses(db))
    out["pictures"] = n + 1
    # RssAnon + RssShmem: the worker's own memory (issue 18); the mapped
    # database's pages (RssFile: the pictures' bytes read) are reported.
    rss = server.rss()
    out["rss_kib"] = [r[1] + r[3] for r in rss]
    out["rss_file_kib"] = [r[2] for r in rss]
    log("media: worker RssAnon + RssShmem after serving all %d sizes of %d pictures from "
        "articled: %s KiB (target <= %d) %s; RssFile %s KiB" % (
            out["sizes_served"], n + 1, "/".join(map(str, out["rss_kib"])), RSS_TARGET_KIB,
            "ok" if max(out["rss_kib"]) <= RSS_TARGET_KIB else "ABOVE TARGET",
            "/".join(map(str, out["rss_file_kib"]))))


def media(bench, db):
    """The ratio to static and the RSS, in bench.res['media']."""
    out = bench.res.setdefault("media", {})
    # articled runs the decoder beside its own binary, copied like it.
    shutil.copy2(os.path.join(ROOT, "bin", "articled-picture"),
                 os.path.join(os.path.dirname(bench.articled), "articled-picture"))
    server = articled(bench, db, name="articled-media")
    try:
        S_serving(bench, db, out)
        S_memory(bench, db, server, out, 20 if bench.cfg.quick else 100)
    finally:
        server.stop()
    return out
