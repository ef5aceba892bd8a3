"""The long tail (issues 8 and 18), on the 10,000-article site (the
10-article one with --quick), shaped like a clinic's (bench/make-articles.sql:
bodies of 3-8 KB, tags, a few pictures): a Zipf mix of its pages and the
crawl (every page once, in turn), each against the per-URL ceiling
(bench/ceiling --pages: every URL of the stream answered with that URL's own
bytes, fetched from articled beforehand) in interleaved rounds, articled
restarted before each so that its caches are cold; then the first view of an
article right after the owner edits it; the workers' memory after each.
Results go to bench.res["tail"] (report.py)."""
import bisect
import http.client
import os
import random
import shutil
import statistics
import subprocess
import time

from context import ROOT, log, sh
from measure import crawl_seq, site_urls, stream_script, wrk
from servers import Server, articled, make_db
from verify import NotRun

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


PICTURES = 5            # /media/bench-K.jpg, shown by one article in 40


def S_pictures(bench, db):
    """The pictures the articles show, made by articled's picture maker
    (copied beside articled, as media.py does)."""
    import media
    shutil.copy2(os.path.join(ROOT, "bin", "articled-picture"),
                 os.path.join(os.path.dirname(bench.articled), "articled-picture"))
    for k in range(PICTURES):
        media.S_add(bench, db, "bench-%d.jpg" % k, 1200, 800, 50 + k)
    return lambda: media.S_wait_ready(db, PICTURES, 60 + 10 * PICTURES)


def S_fetch_pages(bench, urls, path):
    """Every URL's bytes from articled, into path as ceiling --pages reads
    them; also renders and stores every article (the uncached page whose
    render is stored is what the runs then measure)."""
    conn = http.client.HTTPConnection("127.0.0.1", bench.port, timeout=10)
    sizes = []
    with open(path, "wb") as f:
        for u in urls:
            conn.request("GET", u, headers={"User-Agent": "bench/run"})
            r = conn.getresponse()
            body = r.read()
            if r.status != 200:
                raise NotRun("%s answered %d while fetching the ceiling's pages" % (u, r.status))
            f.write(b"%s\t%d\n" % (u.encode(), len(body)) + body)
            sizes.append(len(body))
    conn.close()
    sizes.sort()
    return sizes[len(sizes) // 2]


def S_run_on(bench, kind, db, pages, script, stream, seconds):
    """One run of the stream on a fresh articled (cold caches) or on the
    per-URL ceiling; articled's workers' memory after it."""
    if kind == "ceiling":
        best = bench.res.get("ceiling_best") or bench.cfg.ncpu
        s = Server(bench, [bench.ceiling, bench.sock, str(best), "--pages", pages],
                   "ceiling-pages", stream.urls[0])
    else:
        s = articled(bench, db, name="articled-tail")
    r = wrk(bench, "/", 32, seconds, script=script, stream=stream)
    r["rss"] = s.rss() if kind == "articled" else []
    s.stop()
    return r


def S_rounds(bench, name, db, pages, script, stream, nurls):
    """Interleaved rounds of articled and the ceiling on one stream: the
    median ratio, with its runs' figures."""
    seconds = bench.cfg.d32
    runs = []
    for _ in range(bench.cfg.rounds):
        a = S_run_on(bench, "articled", db, pages, script, stream, seconds)
        c = S_run_on(bench, "ceiling", db, pages, script, stream, seconds)
        runs.append((a, c))
        log("%s: articled %.0f req/s (worker CPU %.1f us/req), per-URL ceiling %.0f: %.2f"
            % (name, a["rps"], a["wcpu"] or 0, c["rps"], a["rps"] / c["rps"]))
    runs.sort(key=lambda ac: ac[0]["rps"] / ac[1]["rps"])
    a, c = runs[len(runs) // 2]
    return {"rps": a["rps"], "ceiling": c["rps"], "wcpu": a.get("wcpu"),
            "ncpu": a.get("ncpu"), "bad": 0, "pages": nurls, "rss": a["rss"],
            "ratios": [x["rps"] / y["rps"] for x, y in runs],
            "wcpus": [x.get("wcpu") for x, _ in runs], "cmd": a["cmd"]}


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


def long_tail(bench, n):
    """The measurements on a fresh copy of the n-article site: every page
    fetched once (renders stored, the ceiling's pages), then the rounds,
    the edits and the cost of each page type (costs.py)."""
    import costs
    db = make_db(bench, n)
    zipf_lua = os.path.join(bench.work, "zipf.lua")
    crawl_lua = os.path.join(bench.work, "crawl.lua")
    _, zn, zstream = zipf_script(db, zipf_lua)
    _, cn, cstream = crawl_script(db, crawl_lua)
    pages = os.path.join(bench.work, "pages.txt")
    ready = S_pictures(bench, db)
    s = articled(bench, db, name="articled-fetch")
    ready()
    size = S_fetch_pages(bench, cstream.urls, pages)
    s.stop()
    res = {"db": n}
    res["zipf"] = S_rounds(bench, "zipf", db, pages, zipf_lua, zstream, zn)
    res["crawl"] = S_rounds(bench, "crawl", db, pages, crawl_lua, cstream, cn)
    for k in ("zipf", "crawl"):
        res[k]["page_bytes"] = size
    s = articled(bench, db, name="articled-edits")
    res["edit"] = S_edit_first_views(bench, db, 20 if bench.cfg.quick else EDITS, s)
    res["edit"]["rss"] = s.rss()
    S_smaps(s)
    s.stop()
    res["costs"] = costs.page_costs(bench, db, pages)
    e = res["edit"]
    log("edited article's first view, %d edits: p50 %.2f ms, p99 %.2f ms, max %.2f ms "
        "(the slowest five: %s ms); worker CPU %.0f us per view; worker RSS after the "
        "edits %s KiB"
        % (e["n"], e["p50"], e["p99"], e["max"], " ".join("%.2f" % x for x in e["slowest"]),
           e["wcpu_us"], " / ".join(str(x[0]) for x in e["rss"])))
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
