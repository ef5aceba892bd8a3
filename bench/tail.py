"""The long tail (issue 8), on the 10,000-article site (the 10-article one
with --quick): a Zipf mix of its pages, the crawl (every page once, in
turn) and the first view of an article right after the owner edits it,
with the workers' RSS after each.  The ceiling is measured on the same URL
stream: bench/ceiling answering every URL with one page of the stream's
median size, since nginx's own cost differs between one URL and a
Lua-driven stream.  Results go to bench.res["tail"] (report.py)."""
import bisect
import http.client
import os
import random
import statistics
import subprocess
import time

from context import log, sh
from measure import crawl_seq, site_urls, stream_script, wrk
from servers import Server, articled, http_get, make_db

ZIPF_S = 1.0            # the exponent: popularity of rank k is 1/k^s
ZIPF_SEED = 8           # the popularity order and the draw, the same every run
ZIPF_DRAWS = 200000     # the stream wrk's threads walk through
EDITS = 200             # edited articles, for the first view's p50/p99


def zipf_script(db, path):
    """The Zipf mix: pages ranked in a fixed random order, drawn with
    probability 1/rank^ZIPF_S.  Returns the URLs drawn most (for the
    stream's page size) and the number of distinct pages."""
    urls = site_urls(db)
    rng = random.Random(ZIPF_SEED)
    order = list(range(len(urls)))
    rng.shuffle(order)
    cum, total = [], 0.0
    for k in range(1, len(urls) + 1):
        total += 1.0 / k ** ZIPF_S
        cum.append(total)
    seq = [order[bisect.bisect_left(cum, rng.random() * total)]
           for _ in range(ZIPF_DRAWS)]
    stream = stream_script(path, urls, seq)
    return [urls[i] for i in seq[:200]], len(urls), stream


def crawl_script(db, path):
    """The crawl: every page once, in turn (a stride through all of them)."""
    urls = site_urls(db)
    seq = crawl_seq(len(urls))
    stream = stream_script(path, urls, seq)
    return [urls[i] for i in seq[:200]], len(urls), stream


def S_stream_page(bench, sample, name):
    """A page of the stream's median size (from articled's answers to a
    sample of its URLs), for the ceiling to answer every URL with."""
    sizes = []
    for u in sample[:100]:
        status, body = http_get(bench.port, u)
        if status == 200:
            sizes.append((len(body), body))
    sizes.sort(key=lambda x: x[0])
    page = os.path.join(bench.work, "stream-%s.html" % name)
    with open(page, "wb") as f:
        f.write(sizes[len(sizes) // 2][1])
    return page, sizes[len(sizes) // 2][0]


def S_ceiling_on(bench, page, script, stream, seconds):
    best = bench.res.get("ceiling_best") or bench.cfg.ncpu
    c = Server(bench, [bench.ceiling, bench.sock, str(best), page],
               "ceiling-stream", "/")
    wrk(bench, "/", 32, bench.cfg.warm, script=script, stream=stream)
    r = wrk(bench, "/", 32, seconds, script=script, stream=stream)
    c.stop()
    return r


def S_cpu_ns(pids):
    """Time on a CPU of these processes, in ns (/proc/PID/schedstat: finer
    than /proc/PID/stat's ticks for 200 short views)."""
    n = 0
    for pid in pids:
        try:
            with open("/proc/%d/schedstat" % pid) as f:
                n += int(f.read().split()[0])
        except (OSError, IndexError, ValueError):
            pass
    return n


def S_edit_first_views(bench, db, n, server):
    """n edits by the owner's shell, each followed at once by the edited
    article's page on one connection: the view's latency in ms, and the
    workers' CPU time per view (less moved by other load than latency)."""
    slugs = sh(["sqlite3", db, "SELECT slug FROM articles ORDER BY id"]).split()
    picks = random.Random(ZIPF_SEED).sample(slugs, min(n, len(slugs)))
    sq = subprocess.Popen(["sqlite3", db], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, start_new_session=True)
    bench.procs.append(sq)
    sq.stdin.write(".timeout 5000\n")
    conn = http.client.HTTPConnection("127.0.0.1", bench.port, timeout=10)
    ms = []
    pids = server.workers()
    cpu = 0
    for k, slug in enumerate((picks * (n // len(picks) + 1))[:n]):
        sq.stdin.write("UPDATE articles SET body = body || char(10, 10) || 'Edit %d.' "
                       "WHERE slug = '%s';\nSELECT 'edited';\n" % (k, slug))
        sq.stdin.flush()
        line = sq.stdout.readline().strip()
        if line != "edited":
            raise SystemExit("bench/run: the edit failed: %s" % line)
        c0 = S_cpu_ns(pids)
        t0 = time.perf_counter()
        conn.request("GET", "/post/" + slug)
        resp = conn.getresponse()
        body = resp.read()
        ms.append((time.perf_counter() - t0) * 1000)
        cpu += S_cpu_ns(pids) - c0
        if resp.status != 200 or ("Edit %d." % k).encode() not in body:
            raise SystemExit("bench/run: the edited page is not shown at once (%d)"
                             % resp.status)
    conn.close()
    sq.stdin.close()
    sq.wait(10)
    bench.procs.remove(sq)
    ms.sort()
    return {"p50": statistics.median(ms), "p99": ms[max(0, int(len(ms) * 0.99) - 1)],
            "max": ms[-1], "n": len(ms), "slowest": ms[-5:],
            "wcpu_us": cpu / 1000.0 / len(ms)}


def S_smaps(server):
    """With BENCH_SMAPS=FILE, the first worker's /proc/PID/smaps into FILE
    (what its RSS is made of)."""
    if os.environ.get("BENCH_SMAPS") and server.workers():
        with open("/proc/%d/smaps" % server.workers()[0]) as f, \
                open(os.environ["BENCH_SMAPS"], "w") as out:
            out.write(f.read())


def S_mix(bench, name, script, stream, sample, nurls, seconds):
    """articled then the ceiling on one stream; RSS of articled's workers."""
    r = wrk(bench, "/", 32, seconds, script=script, stream=stream)
    rss = bench.server.rss()
    page, size = S_stream_page(bench, sample, name)
    return {"rps": r["rps"], "wcpu": r.get("wcpu"), "ncpu": r.get("ncpu"),
            "bad": r["non2xx"] + r["errors"], "pages": nurls, "rss": rss,
            "page": page, "page_bytes": size, "cmd": r["cmd"]}


def long_tail(bench, n):
    """The three measurements on a fresh copy of the n-article site (no
    render stored yet: the crawl's first pass renders and stores)."""
    db = make_db(bench, n)
    seconds = bench.cfg.d32
    zipf_lua = os.path.join(bench.work, "zipf.lua")
    crawl_lua = os.path.join(bench.work, "crawl.lua")
    zs, zn, zstream = zipf_script(db, zipf_lua)
    cs, cn, cstream = crawl_script(db, crawl_lua)
    s = articled(bench, db, name="articled-tail")
    res = {"db": n}
    res["crawl"] = S_mix(bench, "crawl", crawl_lua, cstream, cs, cn, seconds)
    wrk(bench, "/", 32, bench.cfg.warm, script=zipf_lua, stream=zstream)
    res["zipf"] = S_mix(bench, "zipf", zipf_lua, zstream, zs, zn, seconds)
    res["edit"] = S_edit_first_views(bench, db, 20 if bench.cfg.quick else EDITS, s)
    res["edit"]["rss"] = s.rss()
    S_smaps(s)
    s.stop()
    for name, lua, stream in (("crawl", crawl_lua, cstream), ("zipf", zipf_lua, zstream)):
        c = S_ceiling_on(bench, res[name]["page"], lua, stream, seconds)
        res[name]["ceiling"] = c["rps"]
        log("%s over %d pages: %.0f req/s, ceiling on the same stream %.0f (%.2f); "
            "worker RSS %s KiB" % (name, res[name]["pages"], res[name]["rps"], c["rps"],
                                   res[name]["rps"] / c["rps"] if c["rps"] else 0,
                                   " / ".join(str(x[0]) for x in res[name]["rss"])))
    e = res["edit"]
    log("edited article's first view, %d edits: p50 %.2f ms, p99 %.2f ms, max %.2f ms "
        "(the slowest five: %s ms); worker CPU %.0f us per view; worker RSS after the "
        "edits %s KiB"
        % (e["n"], e["p50"], e["p99"], e["max"], " ".join("%.2f" % x for x in e["slowest"]),
           e["wcpu_us"],
           " / ".join(str(x[0]) for x in e["rss"])))
    bench.res["tail"] = res


def edits_only(bench, n):
    """The edited article's first view alone (bench/run --phase edits), on a
    fresh n-article site: what its log line says, nothing stored."""
    db = make_db(bench, n)
    cg = os.environ.get("BENCH_CALLGRIND")   # a directory: one worker under callgrind
    if cg:
        from callgrind import CALLGRIND_BUILD
        from servers import ROOT
        s = Server(bench, ["valgrind", "--tool=callgrind",
                           "--callgrind-out-file=%s/cg.%%p" % cg, CALLGRIND_BUILD,
                           "--db", db, "--templates", os.path.join(ROOT, "templates"),
                           "--socket", bench.sock, "--workers", "1"],
                   "callgrind-edits", "/blog", timeout=60)
    else:
        s = articled(bench, db, name="articled-edits")
    e = S_edit_first_views(bench, db, 20 if bench.cfg.quick else EDITS, s)
    rss = s.rss()
    S_smaps(s)
    s.stop()
    log("worker RSS after the edits (VmRSS, RssAnon, RssFile, RssShmem KiB): %s" % rss)
    log("edited article's first view, %d edits: p50 %.2f ms, p99 %.2f ms, max %.2f ms "
        "(the slowest five: %s ms); worker CPU %.0f us per view"
        % (e["n"], e["p50"], e["p99"], e["max"], " ".join("%.2f" % x for x in e["slowest"]),
           e["wcpu_us"]))
