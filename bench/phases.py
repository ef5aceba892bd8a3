"""The phases of bench/run, in the order it runs them (see its docstring):
prepare, nginx, (a) the static limit, (b) the FastCGI ceiling, (c)
articled's pages, the interleaved rounds, the worker sweep, the
10,000-article site, the write lock, start-up again, search.  Each takes the run
(a context.Bench) and adds to bench.rows, bench.res or bench.info."""
import os
import shutil
import subprocess
import sys
import time

from context import ARTICLE, MISSING, ROOT, log, sh
from measure import articles_script, find, fmt_ms, measure, warm, wrk
from servers import Nginx, articled, build_ceiling, ceiling, http_get
from verify import Single


# ---- before measuring ------------------------------------------------------------

def S_dpkg(pattern):
    """The version of the first installed package matching pattern."""
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\n", pattern],
                             capture_output=True, text=True).stdout
    except FileNotFoundError:
        return "?"
    for line in out.splitlines():
        name, _, version = line.partition(" ")
        if version.strip():
            return version.strip()
    return "?"


def S_proc_field(path, prefix):
    with open(path) as f:
        for line in f:
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    return None


def versions(ncpu):
    nginx_v = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    cpu = S_proc_field("/proc/cpuinfo", "model name") or "?"
    mem = S_proc_field("/proc/meminfo", "MemTotal")
    mem = "%.1f GiB" % (int(mem.split()[0]) / 1048576) if mem else "?"
    return {
        "nproc": ncpu, "cpu": cpu, "memory": mem,
        "kernel": os.uname().release,
        "nginx": nginx_v.replace("nginx version: ", "") + " (Debian %s)" % S_dpkg("nginx"),
        "libfcgi": S_dpkg("libfcgi0*"),
        "sqlite": S_dpkg("libsqlite3-0"),
        "cmark": S_dpkg("libcmark0*"),
        "wrk": S_dpkg("wrk"),
        "gnuplot": S_dpkg("gnuplot-nox") if shutil.which("gnuplot") else "not installed",
    }


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def prepare(bench):
    """Checks the tools, copies the binaries into the working directory (a
    rebuild during the run does not change what is measured), notes the
    machine."""
    for tool in ("nginx", "wrk", "sqlite3", "cc"):
        if not shutil.which(tool):
            sys.exit("bench/run: %s is not installed (make bench runs tools/deps bench)"
                     % tool)
    binary = os.path.join(ROOT, "bin", "articled")
    if not os.access(binary, os.X_OK):
        sys.exit("bench/run: no bin/articled: run 'make' first")
    shutil.copy2(binary, bench.articled)
    info = bench.info
    info.update(versions(bench.cfg.ncpu))
    info["date"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    info["load_before"] = loadavg()
    try:
        info["commit"] = sh(["git", "-C", ROOT, "describe", "--always", "--dirty"]).strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        info["commit"] = "?"
    log("working in %s; load average %s" % (bench.work, info["load_before"]))
    shutil.copy2(build_ceiling(), bench.ceiling)


# ---- nginx ------------------------------------------------------------------------

def S_fetch_page(bench, db10):
    """The article page's exact bytes, from articled with counting off."""
    s = articled(bench, db10, views=False, name="articled-fetch")
    status, page = http_get(bench.port, ARTICLE)
    s.stop()
    if status != 200:
        sys.exit("bench/run: the article page answered %d" % status)
    with open(bench.page, "wb") as f:
        f.write(page)
    bench.info["page_bytes"] = len(page)


def S_publish_page(bench):
    shutil.copyfile(bench.page, os.path.join(bench.nginx.var, "static", "page.html"))


def nginx(bench, db10):
    """nginx's worker_processes: $NGINX_WORKERS, else the better of 1 and
    one per CPU for the FastCGI ceiling (b), which everything is compared
    with.  Leaves that nginx running as bench.nginx."""
    cfg, res = bench.cfg, bench.res
    if cfg.nginx_workers:
        choices = [cfg.nginx_workers]
    elif cfg.quick or cfg.ncpu == 1:
        choices = ["1"]
    else:
        choices = ["1", str(cfg.ncpu)]
    for nw in choices:
        bench.nginx = Nginx(bench, nw)
        if not os.path.exists(bench.page):
            S_fetch_page(bench, db10)
        S_publish_page(bench)
        if len(choices) > 1:
            c = ceiling(bench, 2)
            warm(bench, "/")
            res["nginx_trial"][nw] = wrk(bench, "/", 32, 3)["rps"]
            c.stop()
            log("nginx worker_processes %s: ceiling (2 workers) %.0f req/s" % (
                nw, res["nginx_trial"][nw]))
            if nw != choices[-1]:
                bench.nginx.stop()
    if len(choices) > 1:
        best_nw = max(choices, key=lambda k: res["nginx_trial"][k])
        if best_nw != choices[-1]:
            bench.nginx.stop()
            bench.nginx = Nginx(bench, best_nw)
            S_publish_page(bench)
    bench.info["nginx_workers"] = bench.nginx.workers


# ---- (a), (b), (c) ------------------------------------------------------------------

def static_limit(bench):
    """(a) nginx serving the page as a static file: the physical limit."""
    warm(bench, "/_bench/page.html")
    return measure(bench, "(a) nginx static file", "/_bench/page.html", group="a")


def fastcgi_ceiling(bench):
    """(b) bench/ceiling at its best worker count: the FastCGI ceiling.
    Its requests/s come from the interleaved rounds."""
    res = bench.res
    best = bench.cfg.ceiling_workers[0]
    for w in bench.cfg.ceiling_workers:
        c = ceiling(bench, w)
        warm(bench, "/")
        r = wrk(bench, "/", 32, bench.cfg.d32)
        c.stop()
        res["ceiling"][w] = r["rps"]
        log("ceiling, %d worker(s): %.0f req/s" % (w, r["rps"]))
        if r["rps"] > res["ceiling"][best]:
            best = w
    res["ceiling_best"] = best
    c = ceiling(bench, best)
    warm(bench, "/")
    b = measure(bench, "(b) FastCGI ceiling, %d worker%s" % (best, "s" if best > 1 else ""),
                "/", group="b", c32=False, c1=False, what="ceiling")
    c.stop()
    return b


def articled_pages(bench, db10):
    """(c) articled, default settings, 10 articles: counting on, then off.
    The article page's requests/s come from the interleaved rounds."""
    quick = bench.cfg.quick
    for views in (True, False):
        tag = "counting on" if views else "--no-views"
        s = articled(bench, db10, views=views,
                     name="articled-10-%s" % ("on" if views else "off"))
        bench.res["startup"]["10 articles, " + tag] = s.start_ms
        warm(bench, ARTICLE)
        measure(bench, "article page, " + tag, ARTICLE, group="c", db=10, views=views,
                what="article", c32=False, c1=False)
        warm(bench, "/blog")
        measure(bench, "/blog, " + tag, "/blog", group="c", db=10, views=views,
                what="blog", c1=not quick)
        warm(bench, MISSING, expect=404)
        measure(bench, "404, " + tag, MISSING, expect=404, group="c", db=10,
                views=views, what="404", c1=not quick)
        s.stop()


# ---- the interleaved rounds -----------------------------------------------------------

def S_median_into(row, runs):
    """Puts the median of interleaved runs (and each run's figure) in row."""
    by_rps = sorted(runs, key=lambda r: r["rps"])
    mid = by_rps[len(by_rps) // 2]
    row["rps"], row["wcpu"], row["ncpu"] = mid["rps"], mid.get("wcpu"), mid.get("ncpu")
    row["bad32"] = sum(r["errors"] + r["non2xx"] for r in runs)
    row["samples"] = [r["rps"] for r in runs]
    row["cmd32"] = mid["cmd"] + ("    # median of %d interleaved runs" % len(runs)
                                 if len(runs) > 1 else "")
    return mid


def S_round(bench, kind, best, db10):
    if kind == "ceiling":
        s, path = ceiling(bench, best), "/"
    else:
        s, path = articled(bench, db10, views=kind == "on", name="articled-round"), ARTICLE
    warm(bench, path)
    r = wrk(bench, path, 32, bench.cfg.dround)
    r1 = wrk(bench, path, 1, bench.cfg.d1round)
    r["p50"], r["p99"], r["cmd1"] = r1["p50"], r1["p99"], r1["cmd"]
    s.stop()
    return r


def rounds(bench, a, b, db10):
    """The figures the targets compare, in interleaved rounds (ceiling,
    counting on, counting off; each started afresh) so that a change in the
    machine's load during the run falls on all three alike; the median of
    each is used."""
    samples = {"ceiling": [], "on": [], "off": []}
    for rnd in range(bench.cfg.rounds):
        for kind in ("ceiling", "on", "off"):
            samples[kind].append(S_round(bench, kind, bench.res["ceiling_best"], db10))
        log("round %d: ceiling %.0f, counting on %.0f, --no-views %.0f req/s" % (
            rnd + 1, samples["ceiling"][-1]["rps"], samples["on"][-1]["rps"],
            samples["off"][-1]["rps"]))
    for kind, row in (("ceiling", b), ("on", find(bench.rows, "article", 10, True)),
                      ("off", find(bench.rows, "article", 10, False))):
        runs = samples[kind]
        mid = S_median_into(row, runs)
        p99s = sorted(r["p99"] for r in runs if r["p99"] is not None)
        p50s = sorted(r["p50"] for r in runs if r["p50"] is not None)
        row["p99"] = p99s[len(p99s) // 2] if p99s else None
        row["p50"] = p50s[len(p50s) // 2] if p50s else None
        row["p99_samples"] = [r["p99"] for r in runs]
        row["cmd1"] = mid["cmd1"] + ("    # median of %d interleaved runs" % len(runs)
                                     if len(runs) > 1 else "")
    bench.res["rounds"] = {k: [r["rps"] for r in v] for k, v in samples.items()}
    if not b["rps"] or not a["rps"]:
        sys.exit("bench/run: wrk measured nothing (see the logs in %s; BENCH_KEEP=1 keeps "
                 "them)" % bench.work)
    if not bench.cfg.sweep_workers:
        bench.res["sweep"][bench.cfg.ncpu] = find(bench.rows, "article", 10, True)["rps"]


def sweep(bench, db10):
    """Worker-count sweep of articled (article page, counting on), measured
    like the ceiling's."""
    for w in bench.cfg.sweep_workers:
        s = articled(bench, db10, workers=w, name="articled-sweep-%d" % w)
        warm(bench, ARTICLE)
        r = wrk(bench, ARTICLE, 32, bench.cfg.d32)
        bench.res["sweep"][w] = r["rps"]
        log("articled, %d worker(s): %.0f req/s" % (w, r["rps"]))
        s.stop()


# ---- 10,000 articles -----------------------------------------------------------------

SCALE_PAGES = (("article", ARTICLE, "article page"), ("blog", "/blog", "/blog"),
               ("blog500", "/blog/page/500", "/blog/page/500"))


def S_all_pages(bench, db10k):
    """Every article and list page in turn (cache misses): the caches must
    stay bounded however much of the site is read."""
    script = os.path.join(bench.work, "all-pages.lua")
    nurls, stream = articles_script(db10k, script)
    r = wrk(bench, "/", 32, bench.cfg.d32, script=script, stream=stream)
    bench.rows.append({"label": "all %d pages in turn, 10,000 articles" % nurls,
                       "path": "(all)", "rps": r["rps"], "group": "scale",
                       "wcpu": r.get("wcpu"), "ncpu": r.get("ncpu"),
                       "cmd32": r["cmd"].replace("--latency /",
                                                 "--latency -s all-pages.lua /"),
                       "bad32": r["non2xx"] + r["errors"], "db": 10000, "what": "all"})
    log("all %d pages in turn: %.0f req/s" % (nurls, r["rps"]))


def scale(bench, db10k):
    """The 10,000-article site, default settings: the article page, /blog
    and /blog/page/500, then every page in turn.  Returns its articled,
    still running (its workers' RSS is read after the write lock)."""
    s = articled(bench, db10k, name="articled-10k")
    bench.res["startup"]["10,000 articles, counting on"] = s.start_ms
    for what, path, label in SCALE_PAGES:
        warm(bench, path)
        measure(bench, label + ", 10,000 articles", path, group="scale", db=10000,
                views=True, what=what, c32=False)
    # requests/s of the three pages in interleaved rounds, as above
    runs = {what: [] for what, _, _ in SCALE_PAGES}
    for rnd in range(bench.cfg.rounds):
        for what, path, _ in SCALE_PAGES:
            runs[what].append(wrk(bench, path, 32, bench.cfg.dround))
    for what, path, _ in SCALE_PAGES:
        row = find(bench.rows, what, 10000)
        S_median_into(row, runs[what])
        log("%s, 10,000 articles: %s req/s" % (path, " / ".join(
            "%.0f" % x for x in row["samples"])))
    S_all_pages(bench, db10k)
    return s


# ---- the write lock, start-up ---------------------------------------------------------

def S_hold_lock(bench, db):
    """sqlite3 holding BEGIN IMMEDIATE on db (it answered 'locked')."""
    sq = subprocess.Popen(["sqlite3", db], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          start_new_session=True)
    bench.procs.append(sq)
    sq.stdin.write("BEGIN IMMEDIATE;\nSELECT 'locked';\n")
    sq.stdin.flush()
    line = sq.stdout.readline().strip()
    if line != "locked":
        sys.exit("bench/run: sqlite3 could not take the write lock: %s" % line)
    return sq


def write_lock(bench, s, db, n):
    """wrk on the article page while sqlite3 holds the write lock; then
    the RSS of s's workers, and s stopped."""
    warm(bench, ARTICLE)
    sq = S_hold_lock(bench, db)
    t_lock = time.monotonic()
    r = wrk(bench, ARTICLE, 32, bench.cfg.lock_seconds)
    held = time.monotonic() - t_lock
    sq.stdin.write("COMMIT;\n.quit\n")
    sq.stdin.flush()
    sq.stdin.close()
    sq.wait(10)
    bench.procs.remove(sq)
    lock = {"p99": r["p99"], "p50": r["p50"], "max": r["max"], "rps": r["rps"],
            "bad": r["non2xx"] + r["errors"], "held": held, "db": n, "cmd": r["cmd"]}
    bench.res["lock"] = lock
    log("during the write lock (%.1f s): p99 %s, max %s, %d failed answers" % (
        held, fmt_ms(r["p99"]), fmt_ms(r["max"]), lock["bad"]))
    bench.res["rss"] = s.rss()
    bench.res["rss_db"] = n
    s.stop()


def startup_again(bench, db10k):
    """Start-up with a fresh socket on the big database, once more, alone."""
    s = articled(bench, db10k, name="articled-start")
    bench.res["startup"]["10,000 articles (again)"] = s.start_ms
    s.stop()


# ---- search ---------------------------------------------------------------------------

SEARCH_TARGETS = (("rare", "a rare word", 5.0), ("none", "no match", 5.0),
                  ("common", "a word in nearly every article", 50.0))


def S_search_words(db):
    """Queries of three kinds, each distinct: a word in one article (200
    made-up words are added to 200 articles, through the owner's UPDATE), a
    word in none, and pairs of the words nearly every article holds."""
    sh(["sqlite3", "-bail", db,
        "UPDATE articles SET body = body || ' Qzrare' || (id / 50) || '.' "
        "WHERE id % 50 = 0;"])
    common = sh(["sqlite3", db,
                 "CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, articles_fts, 'row');"
                 "SELECT term FROM temp.vocab WHERE term GLOB '[a-z]*' AND doc >= "
                 "0.9 * (SELECT count(*) FROM articles) ORDER BY doc DESC LIMIT 24;"]).split()
    if len(common) < 2:
        sys.exit("bench/run: no word is in nearly every article of %s" % db)
    return {
        "rare": ["qzrare%d" % i for i in range(1, 201)],
        "none": ["qznothing%d" % i for i in range(2000)],
        "common": ["%s+%s" % (a, b) for a in common for b in common if a != b],
    }


def S_search_script(bench, what, words):
    path = os.path.join(bench.work, "search-%s.lua" % what)
    with open(path, "w") as f:
        f.write("local q = {\n%s}\nlocal i = 0\n" % "".join('"%s",\n' % w for w in words))
        f.write("request = function()\n  i = i + 1\n"
                "  return wrk.format('GET', '/search?q=' .. q[(i - 1) % #q + 1])\nend\n")
    return path


def search(bench, db10k):
    """Search over 10,000 articles at 1 connection, every query distinct
    within its kind (search pages are never cached): p99 for a rare word,
    no match and a word in nearly every article (targets 5, 5, 50 ms)."""
    db = os.path.join(bench.work, "search-10k.db")
    shutil.copyfile(db10k, db)
    words = S_search_words(db)
    s = articled(bench, db, name="articled-search")
    bench.res["search"] = {}
    for what, label, target in SEARCH_TARGETS:
        status, _ = http_get(bench.port, "/search?q=" + words[what][0])
        if status != 200:
            sys.exit("bench/run: /search answered %d" % status)
        script = S_search_script(bench, what, words[what])
        r = wrk(bench, "/", 1, bench.cfg.d1, script=script, stream=Single("/search"))
        row = {"label": "search, %s, 10,000 articles" % label, "path": "/search?q=…",
               "group": "search", "db": 10000, "what": "search-" + what,
               "p50": r.get("p50"), "p99": r.get("p99"), "target_p99_ms": target,
               "cmd1": r["cmd"].replace("--latency /", "--latency -s search-%s.lua /" % what),
               "bad1": r["non2xx"] + r["errors"]}
        bench.rows.append(row)
        bench.res["search"][what] = row
        log("%-44s p50 %s  p99 %s  (target p99 <= %.0f ms)%s" % (
            row["label"], fmt_ms(row["p50"]), fmt_ms(row["p99"]), target,
            "  %d bad answers" % row["bad1"] if row["bad1"] else ""))
    s.stop()
    return bench.res["search"]
