"""bench/feeds.py: the phase for /feed.xml, /sitemap.xml and /robots.txt (issue 12).

Each document is fetched from articled, then measured in interleaved rounds against
bench/ceiling answering the very same bytes (its best worker count), wrk -t2 -c32: the
target is a ratio of at least 0.8 once the worker has cached it.  Run alone with
'bench/run --feeds' (about 20 s with --quick), or as part of the full run."""
import os

from context import log
from measure import warm, wrk
from servers import Server, articled, http_get
from verify import NotRun

PATHS = ("/feed.xml", "/sitemap.xml", "/robots.txt")
TARGET = 0.8


def S_ceiling(bench, body_file):
    return Server(bench, [bench.ceiling, bench.sock, str(bench.res["ceiling_best"]),
                          body_file], "ceiling-feeds", "/")


def S_round(bench, db, path, body_file):
    c = S_ceiling(bench, body_file)
    warm(bench, "/")
    ceil = wrk(bench, "/", 32, bench.cfg.dround)["rps"]
    c.stop()
    s = articled(bench, db, name="articled-feeds")
    warm(bench, path)
    r = wrk(bench, path, 32, bench.cfg.dround)
    s.stop()
    return ceil, r["rps"]


def feeds(bench, db):
    """Ratios to the ceiling for each path, in bench.res['feeds']."""
    bench.res.setdefault("ceiling_best", bench.cfg.ceiling_workers[-1])
    out = bench.res.setdefault("feeds", {})
    for path in PATHS:
        s = articled(bench, db, name="articled-feeds-fetch")
        status, body = http_get(bench.port, path)
        s.stop()
        if status != 200:
            raise NotRun("%s answered %d before its run" % (path, status))
        body_file = os.path.join(bench.work, "feeds-" + path.strip("/"))
        with open(body_file, "wb") as f:
            f.write(body)
        runs = [S_round(bench, db, path, body_file) for _ in range(bench.cfg.rounds)]
        ratios = sorted(a / c for c, a in runs if c)
        ratio = ratios[len(ratios) // 2] if ratios else 0.0
        out[path] = {"bytes": len(body), "runs": runs, "ratio": ratio}
        log("%-14s %6d bytes: articled %s req/s, ceiling %s req/s: ratio %.2f (target >= %.1f) %s" % (
            path, len(body), "/".join("%.0f" % a for _, a in runs),
            "/".join("%.0f" % c for c, _ in runs), ratio, TARGET,
            "ok" if ratio >= TARGET else "BELOW TARGET"))
    return out
