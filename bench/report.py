"""bench/run's report: the table and the targets on stdout, and
docs/benchmarks.md with its chart (benchmarks.svg, by gnuplot) in the
output directory."""
import os
import shutil
import subprocess

from context import MISSING, ROOT, log
from measure import find, fmt_ms


def ratio(x, y):
    return "%.2f" % (x / y) if x and y else "-"


def fmt_cpu(v):
    return "-" if v is None else "%.1f" % v


def S_table(rows, a, b):
    """The results table (markdown): one line per row measured."""
    lines = ["| configuration | req/s (c32) | vs (b) | vs (a) | p50 (c1) | p99 (c1) "
             "| worker CPU µs/req | nginx CPU µs/req | bytes |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        label = r["label"]
        if r.get("bad32"):
            label += " (**%d failed or unexpected answers**)" % r["bad32"]
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            label, "%.0f" % r["rps"] if r.get("rps") else "-",
            ratio(r.get("rps"), b["rps"]), ratio(r.get("rps"), a["rps"]),
            fmt_ms(r.get("p50")), fmt_ms(r.get("p99")), fmt_cpu(r.get("wcpu")),
            fmt_cpu(r.get("ncpu")), r.get("bytes", "")))
    return "\n".join(lines)


def S_target(targets, name, ok, detail):
    if ok is None:
        verdict = "not measured"
    else:
        verdict = "met" if ok else "**not met**"
    targets.append("| %s | %s | %s |" % (name, verdict, detail))


def S_runs_ms(r):
    s = [x for x in r.get("p99_samples", []) if x is not None]
    return " (median of %s)" % " / ".join(fmt_ms(x) for x in s) if len(s) > 1 else ""


def S_runs(r):
    s = r.get("samples", [])
    return " (median of %s)" % " / ".join("%.0f" % x for x in s) if len(s) > 1 else ""


def S_article_targets(targets, rows, b):
    """The article page against the ceiling (b), and counting's cost."""
    art_on, art_off = find(rows, "article", 10, True), find(rows, "article", 10, False)
    on, off = art_on["rps"], art_off["rps"]
    loss = (1 - on / off) * 100 if off else 0.0
    S_target(targets, "article page with counting: requests/s >= 0.90 x (b)",
             on >= 0.90 * b["rps"],
             "%.0f%s / %.0f%s = %.2f" % (on, S_runs(art_on), b["rps"], S_runs(b),
                                         on / b["rps"]))
    if art_on.get("p99") and b.get("p99"):
        S_target(targets, "article page with counting: 1-connection p99 <= 1.5 x (b)'s",
                 art_on["p99"] <= 1.5 * b["p99"],
                 "%s%s vs %s%s = %.2f x" % (
                     fmt_ms(art_on["p99"]), S_runs_ms(art_on), fmt_ms(b["p99"]),
                     S_runs_ms(b), art_on["p99"] / b["p99"]))
    detail = "counting on %.0f%s, --no-views %.0f%s req/s: %.1f %% %s" % (
        on, S_runs(art_on), off, S_runs(art_off), abs(loss),
        "loss" if loss >= 0 else "gain (noise)")
    if art_on.get("wcpu") is not None and art_off.get("wcpu") is not None:
        detail += "; CPU per request (workers + nginx) %.1f vs %.1f µs" % (
            art_on["wcpu"] + art_on["ncpu"], art_off["wcpu"] + art_off["ncpu"])
    S_target(targets, "counting costs <= 5 % of requests/s at 32 connections",
             loss <= 5.0, detail)


def S_scale_targets(targets, rows):
    """The list pages of 10,000 articles against that site's article page."""
    art10k = find(rows, "article", 10000)
    for what, name in (("blog", "/blog (page 1)"), ("blog500", "/blog/page/500")):
        r = find(rows, what, 10000)
        title = "%s of 10,000 articles: cost <= 1.2 x the article page's" % name
        if not (r and art10k):
            S_target(targets, title, None, "--quick runs the 10-article database only")
            continue
        detail = "%.0f%s vs %.0f%s req/s: %.2f x" % (
            r["rps"], S_runs(r), art10k["rps"], S_runs(art10k), art10k["rps"] / r["rps"])
        if r.get("wcpu") is not None and art10k.get("wcpu") is not None:
            c1_, c2_ = r["wcpu"] + r["ncpu"], art10k["wcpu"] + art10k["ncpu"]
            detail += "; CPU per request (workers + nginx) %.1f vs %.1f µs: %.2f x" % (
                c1_, c2_, c1_ / c2_)
        S_target(targets, title, art10k["rps"] / r["rps"] <= 1.2, detail)


def S_search_targets(targets, res):
    """Search over 10,000 articles, distinct queries at 1 connection."""
    from phases import SEARCH_TARGETS
    for what, label, limit in SEARCH_TARGETS:
        title = "search, %s, 10,000 articles: p99 <= %.0f ms" % (label, limit)
        r = res.get("search", {}).get(what)
        if not r or r.get("p99") is None:
            S_target(targets, title, None, "--quick runs the 10-article database only")
            continue
        S_target(targets, title, r["p99"] <= limit,      # both in ms
                 "p50 %s, p99 %s" % (fmt_ms(r["p50"]), fmt_ms(r["p99"])))


def S_resource_targets(targets, res):
    """Worker memory, start-up time, latency under the owner's write lock."""
    if res["rss"]:
        worst = max(S_anon(res["rss"]))
        S_target(targets, "worker RssAnon + RssShmem <= 8 MiB after the %s-article run" % (
            "{:,}".format(res["rss_db"])), worst <= 8 * 1024,
            "VmRSS %s KiB (of it RssAnon %s, RssFile %s, RssShmem %s)" % (
                " / ".join(str(x[0]) for x in res["rss"]),
                " / ".join(str(x[1]) for x in res["rss"]),
                " / ".join(str(x[2]) for x in res["rss"]),
                " / ".join(str(x[3]) for x in res["rss"])))
    st = [v for v in res["startup"].values() if v is not None]
    S_target(targets, "start to first answer < 100 ms", bool(st) and max(st) < 100,
             "; ".join("%s: %.0f ms" % (k, v) for k, v in res["startup"].items()))
    lk = res["lock"]
    S_target(targets, "p99 while sqlite3 holds the write lock < 10 ms",
             lk["p99"] is not None and lk["p99"] < 10 and lk["bad"] == 0,
             "p99 %s, max %s, %.0f req/s, %d failed answers; lock held %.1f s; "
             "%s articles" % (fmt_ms(lk["p99"]), fmt_ms(lk["max"]), lk["rps"],
                              lk["bad"], lk["held"], "{:,}".format(lk["db"])))


def S_media_targets(targets, res):
    """Issue 9's: a picture's size through nginx against nginx static, and
    worker RSS after every size of 100 pictures (bench/media.py)."""
    m = res.get("media")
    if not m or "ratio" not in m:
        return
    S_target(targets, "a ~100 KB picture size (/media/v/) >= 0.8 of nginx static",
             m["ratio"] >= 0.8, "%s, %d bytes: %s req/s against static %s req/s "
             "(articled alone, no file: %.0f req/s)" % (
                 m["url"], m["bytes"], "/".join("%.0f" % a for _, a in m["runs"]),
                 "/".join("%.0f" % c for c, _ in m["runs"]), m["articled_rps"]))
    if m.get("rss_kib"):
        S_target(targets, "worker RssAnon + RssShmem <= 8 MiB after serving every size of "
                 "%d pictures" % m["pictures"], max(m["rss_kib"]) <= 8 * 1024,
                 "%s KiB after %d sizes (RssFile, the mapped database, not capped: %s)" % (
                     " / ".join(map(str, m["rss_kib"])), m["sizes_served"],
                     " / ".join(map(str, m.get("rss_file_kib", [])))))


def S_anon(rss):
    """RssAnon + RssShmem of each worker, KiB (RssFile, the mapped
    database and libraries, is reported, not capped)."""
    return [x[1] + x[3] for x in rss]


def S_cost_targets(targets, t):
    """Issue 18's: the uncached article page whose render is stored."""
    c = t.get("costs")
    if not c or "article, render stored, not cached" not in c:
        return
    a, f = c["article, render stored, not cached"], c["fastcgi"]
    beyond = a["calls"] - f["calls"]
    S_target(targets, "uncached article page, render stored: <= 16 system calls beyond "
             "FastCGI's own, <= 60 µs worker CPU", beyond <= 16 and a["cpu_us"] <= 60,
             "%.1f calls beyond the ceiling's %.1f (%s); worker CPU %.1f µs (strace -c "
             "and /proc/PID/schedstat over %d URLs each)" % (
                 beyond, f["calls"], ", ".join("%s %.1f" % kv for kv in sorted(
                     a["by_call"].items(), key=lambda kv: -kv[1]) if kv[1] >= 0.05),
                 a["cpu_us"], a["n"]))


def S_tail_targets(targets, res):
    """Issues 8 and 18: ratios to the per-URL ceiling on the same stream,
    median of interleaved rounds, articled restarted (cold) before each."""
    t = res.get("tail")
    if not t:
        return
    for name, label, goal, cpu in (("zipf", "Zipf mix (s = 1.0)", 0.80, 40),
                                   ("crawl", "the crawl (every page once, in turn)", 0.6,
                                    None)):
        m = t[name]
        r = m["rps"] / m["ceiling"] if m["ceiling"] else 0.0
        ok = r >= goal and (cpu is None or (m["wcpu"] or 1e9) <= cpu)
        S_target(targets, "%s >= %.2f of the per-URL ceiling%s, %s articles" % (
            label, goal, ", worker CPU <= %d µs/req" % cpu if cpu else "",
            "{:,}".format(t["db"])), ok,
            "%.2f (runs %s): %.0f req/s against %.0f (%d pages, median page %d bytes); "
            "worker CPU %s (runs %s), nginx %s µs/req; `%s`" % (
                r, " ".join("%.2f" % x for x in m["ratios"]), m["rps"], m["ceiling"],
                m["pages"], m["page_bytes"], fmt_cpu(m["wcpu"]),
                " ".join(fmt_cpu(x) for x in m["wcpus"]), fmt_cpu(m["ncpu"]), m["cmd"]))
    e = t["edit"]
    S_target(targets, "an edited article's first view p99 <= 2 ms (1 connection)",
             e["p99"] <= 2.0, "p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d edits; "
             "worker CPU %.0f µs per view" % (
                 e["p50"], e["p99"], e["max"], e["n"], e.get("wcpu_us", 0)))
    S_cost_targets(targets, t)
    worst = max(S_anon(t["crawl"]["rss"]) + S_anon(t["zipf"]["rss"]) + S_anon(e["rss"]),
                default=0)
    S_target(targets, "worker RssAnon + RssShmem <= 8 MiB after the crawl, the Zipf mix "
             "and the edits", worst <= 8 * 1024,
             "KiB after the crawl %s, the Zipf mix %s, the edits %s (RssFile, not capped: "
             "%s / %s / %s)" % (
                 " / ".join(map(str, S_anon(t["crawl"]["rss"]))),
                 " / ".join(map(str, S_anon(t["zipf"]["rss"]))),
                 " / ".join(map(str, S_anon(e["rss"]))),
                 " / ".join(str(x[2]) for x in t["crawl"]["rss"]),
                 " / ".join(str(x[2]) for x in t["zipf"]["rss"]),
                 " / ".join(str(x[2]) for x in e["rss"])))


def S_mixed_targets(targets, res):
    """Issue 18, section 3: bench/mixed.py's fixed-rate runs."""
    m = res.get("mixed")
    if not m:
        return
    S_target(targets, "mixed stream at R (half its highest errorless rate): article "
             "pages' p99 <= 10 ms", m["article_p99"] <= 10,
             "%d workers; highest rate with 0 errors %d/s, R = %d/s; article p50 %.2f ms, "
             "p99 %.2f ms; all pages p99 %.2f ms, max %.1f ms; %d requests, %d edits; the "
             "client's own lateness p99 %.1f ms (counted in)" % (
                 m["workers"], m["top"], m["rate"], m["article_p50"], m["article_p99"],
                 m["all_p99"], m["max"], m["requests"], m["edits"], m["client_late_p99"]))
    for k, label in (("c4", "4 connections"), ("rate", "R")):
        b = m["bound"][k]
        S_target(targets, "while one article runs to its render bound, every other request "
                 "answered within 50 ms, %s" % label, b["max"] <= 50,
                 "%d requests sent during the %.0f ms render: slowest %.1f ms" % (
                     b["n"], b["render_ms"], b["max"]))


def S_feeds_targets(targets, res):
    """bench/feeds.py's ratios: each document, once cached, against the
    ceiling answering its very bytes."""
    from feeds import TARGET
    for path, r in res.get("feeds", {}).items():
        S_target(targets, "`%s` (%s bytes), cached: >= %.1f of the ceiling answering "
                 "the same bytes" % (path, "{:,}".format(r["bytes"]), TARGET),
                 r["ratio"] >= TARGET,
                 "median ratio %.2f: articled %s req/s, ceiling %s (interleaved rounds)" % (
                     r["ratio"], " / ".join("%.0f" % a for _, a in r["runs"]),
                     " / ".join("%.0f" % c for c, _ in r["runs"])))


def report(bench, a, b):
    """Prints the table and the targets; writes benchmarks.md and the chart."""
    table = S_table(bench.rows, a, b)
    print(table)
    targets = []
    S_article_targets(targets, bench.rows, b)
    S_scale_targets(targets, bench.rows)
    S_search_targets(targets, bench.res)
    S_resource_targets(targets, bench.res)
    S_tail_targets(targets, bench.res)
    S_mixed_targets(targets, bench.res)
    S_feeds_targets(targets, bench.res)
    S_media_targets(targets, bench.res)
    print()
    print("\n".join(["| target | | figures |", "|---|---|---|"] + targets))
    log("done in %.0f s" % bench.info["elapsed"])

    os.makedirs(bench.cfg.out, exist_ok=True)
    chart = write_chart(bench)
    write_doc(bench, table, targets, chart)


def write_chart(bench):
    res = bench.res
    if not shutil.which("gnuplot"):
        log("gnuplot is not installed: no chart")
        return None
    data = os.path.join(bench.work, "configs.dat")
    with open(data, "w") as f:
        for r in bench.rows:
            if r.get("rps") and r.get("what") != "404":
                f.write('"%s" %.0f\n' % (r["label"].replace('"', "'"), r["rps"]))
    sweep = os.path.join(bench.work, "workers.dat")
    with open(sweep, "w") as f:
        for w in sorted(set(res["ceiling"]) | set(res["sweep"])):
            f.write("%d %s %s\n" % (w, "%.0f" % res["ceiling"][w] if w in res["ceiling"] else "NaN",
                                    "%.0f" % res["sweep"][w] if w in res["sweep"] else "NaN"))
    out = os.path.join(bench.cfg.out, "benchmarks.svg")
    subprocess.run(["gnuplot", "-e", "configs='%s'; workers='%s'; out='%s'" % (
        data, sweep, out + ".tmp"), os.path.join(ROOT, "bench", "plot.gp")],
        check=True)
    os.replace(out + ".tmp", out)
    return out


def S_doc_machine(bench):
    """The title and the machine the run was on."""
    info, cfg = bench.info, bench.cfg
    D = []
    D.append("# Benchmarks\n")
    D.append("Written by `bench/run` (`make bench`)%s on %s, commit `%s`." % (
        " **with --quick: 1-second runs that prove the benchmark works and measure "
        "nothing**" if cfg.quick else "", info["date"], info["commit"]))
    D.append("Compare figures from one run only: each run measures everything side by side "
             "because absolute figures move with the machine and its load.\n")
    D.append("## Machine\n")
    D.append("- %d CPUs: %s; memory %s; Linux %s" % (info["nproc"], info["cpu"], info["memory"],
                                                  info["kernel"]))
    D.append("- load average (1, 5, 15 min) before the run: %s; after: %s%s" % (
        info["load_before"], info["load_after"],
        " — **the machine was busy: the figures are noisy**"
        if float(info["load_before"].split()[0]) > 0.5 else ""))
    D.append("- nginx %s with worker_processes %s; libfcgi %s; SQLite %s; cmark %s; wrk %s" % (
        info["nginx"], info["nginx_workers"], info["libfcgi"], info["sqlite"], info["cmark"],
        info["wrk"]))
    D.append("- the run took %.0f s\n" % info["elapsed"])
    return D


def S_doc_results(bench, table, targets, chart):
    """The table, the chart and the targets."""
    info, cfg = bench.info, bench.cfg
    D = []
    D.append("## Results\n")
    D.append("req/s: `wrk -t2 -c32 -d%ds --latency URL`; p50 and p99: `wrk -t1 -c1 -d%ds "
             "--latency URL`; both through nginx on loopback.  (a) and (b) answer the seed "
             "article page's exact %d bytes.  \"vs (b)\" and \"vs (a)\": requests/s over "
             "the FastCGI ceiling's and over nginx's static file's.  CPU µs/req: user + system "
             "time of the FastCGI workers and of nginx's workers during the 32-connection run, "
             "per request (from /proc/PID/stat; less sensitive to other load than requests/s)."
             "\n" % (cfg.d32, cfg.d1, info["page_bytes"]))
    D.append(table + "\n")
    if chart:
        D.append("![requests/s by configuration and by worker count](%s)\n" %
                 os.path.basename(chart))
    D.append("## Targets\n")
    D.append("\n".join(["| target | | figures |", "|---|---|---|"] + targets) + "\n")
    return D


def S_doc_profile(pr):
    """Instructions per request, if callgrind ran."""
    D = []
    if pr:
        D.append("## Where the time goes\n")
        D.append("Instructions per request in one worker, counted by callgrind "
                 "(`valgrind --tool=callgrind`, 1 worker, `ab -n 2000 -c 2` through nginx; "
                 "the seed article page with counting on, 10 articles).  They do not move "
                 "with the machine's load, unlike requests/s; they leave out the kernel's "
                 "share (socket calls), which the CPU µs/req column above includes.\n")
        D.append("| | instructions per request |")
        D.append("|---|---:|")
        D.append("| (b) bench/ceiling: all of it (libfcgi accept, params, finish) | %.1fk |" %
                 (pr["ceiling"] / 1000))
        D.append("| articled: all of it | %.1fk |" % (pr["articled"] / 1000))
        for ir, name in pr["parts"]:
            D.append("| &nbsp;&nbsp;%s | %.1fk |" % (name, ir / 1000))
            if name == "pages_handle":
                for ir2, name2 in pr["pages"]:
                    D.append("| &nbsp;&nbsp;&nbsp;&nbsp;%s | %.1fk |" % (name2, ir2 / 1000))
        D.append("")
    return D


def S_doc_workers(res, cfg):
    """The worker-count sweep."""
    D = []
    if res["ceiling"] or res["sweep"]:
        D.append("## By worker count (article page, 10 articles, counting on)\n")
        D.append("| workers | (b) ceiling req/s | articled req/s | articled / ceiling |")
        D.append("|---:|---:|---:|---:|")
        for w in sorted(set(res["ceiling"]) | set(res["sweep"])):
            c, s = res["ceiling"].get(w), res["sweep"].get(w)
            D.append("| %d | %s | %s | %s |" % (w, "%.0f" % c if c else "-",
                                               "%.0f" % s if s else "-", ratio(s, c)))
        D.append("\n(b) in the results is the ceiling at its best worker count, %d; articled "
                 "runs its default, %s (%d on %d CPUs).\n" % (
                     res["ceiling_best"], cfg.default_workers_rule, cfg.default_workers,
                     cfg.ncpu))
    return D


def S_doc_method(bench):
    """How it was measured, and every command."""
    info, res, cfg, rows = bench.info, bench.res, bench.cfg, bench.rows
    D = []
    D.append("## How it was measured\n")
    trial = ", ".join("%s: %.0f req/s" % (k, v) for k, v in res["nginx_trial"].items())
    D.append("- One nginx serves every measurement, configured by `tools/nginx-conf` from "
             "`nginx.conf.example` (what is deployed), plus one `location ^~ /_bench/` that "
             "serves (a)'s file.  worker_processes %s: %s.  (b) and articled listen in turn on "
             "the socket of the `articled` upstream, so nginx treats them alike." % (
                 info["nginx_workers"],
                 "the better for (b) of " + trial if trial else
                 "from $NGINX_WORKERS" if cfg.nginx_workers else "fixed for --quick"))
    D.append("- (a) is the article page as `articled --no-views` answers it.  (b) is "
             "`bench/ceiling.c` (`cc -O2`, libfcgi): it answers Status, Content-Type and "
             "Content-Length and those bytes from memory, with libfcgi's lingering close off "
             "(`LIBFCGI_OS_CLOSE_POLL_TIMEOUT=0`), at the best of %s workers.  articled sends "
             "its full header set (Content-Security-Policy and others) besides." %
             ", ".join(str(w) for w in sorted(res["ceiling"])))
    D.append("- Databases: `schema.sql`, `db/seed.sql` (the measured article), and "
             "`bench/make-articles.sql` for the rest: Markdown bodies of 2-4 KB (headings, "
             "lists, emphasis, a link) with distinct `published_at`, put in through the sqlite3 "
             "shell like the owner's own articles; 10 and 10,000 articles.")
    D.append("- Each server is warmed up (%s) before it is measured.  The 404 is `%s`.  "
             "\"all pages in turn\" cycles through every article and list page of the 10,000 "
             "(a wrk Lua script), so nearly every request misses the page cache: it is the cost "
             "of a render, and it fills every cache before RSS is read." % (
                 "20 requests" if cfg.quick else "`wrk -d%ds`" % cfg.warm, MISSING))
    D.append("- The figures the targets compare are medians of interleaved runs.  (b) and the "
             "article page with counting on and off: %d rounds (ceiling, counting on, "
             "`--no-views`, each started afresh; `wrk -t2 -c32 -d%ds` then `wrk -t1 -c1 "
             "-d%ds`), so that a change in the machine's load falls on all three alike.  The "
             "three pages of the 10,000-article site: %d rounds of `wrk -t2 -c32 -d%ds` each, "
             "on one articled." % (cfg.rounds, cfg.dround, cfg.d1round, cfg.rounds,
                                         cfg.dround))
    D.append("- Start to first answer: from starting `articled` (default settings, a fresh "
             "socket) until a GET of the article page through nginx answers 200, polled every "
             "millisecond.")
    D.append("- Write lock: `sqlite3 DB` runs `BEGIN IMMEDIATE;` and holds it while "
             "`wrk -t2 -c32 -d%ds --latency` reads the article page; then `COMMIT;`." %
             cfg.lock_seconds)
    D.append("- Worker RSS: `VmRSS` of each worker (`pgrep -P` the master) in "
             "`/proc/PID/status` after the %s-article runs.  It counts the pages of shared "
             "libraries and of the mapped counter file (RssFile, RssShmem) besides private "
             "memory (RssAnon).\n" % "{:,}".format(res["rss_db"]))
    D.append("Commands, in the order they ran (URL: http://127.0.0.1:PORT followed by the path):\n")
    D.append("```")
    for r in rows:
        for k in ("cmd32", "cmd1"):
            if r.get(k):
                D.append(r[k])
    D.append(res["lock"]["cmd"] + "    # while sqlite3 holds BEGIN IMMEDIATE")
    D.append("```\n")
    return D


def write_doc(bench, table, targets, chart):
    """docs/benchmarks.md (or --out's), written whole or not at all."""
    D = (S_doc_machine(bench) + S_doc_results(bench, table, targets, chart) +
         S_doc_profile(bench.res.get("profile")) + S_doc_workers(bench.res, bench.cfg) +
         S_doc_method(bench))
    miss = os.path.join(os.path.dirname(os.path.abspath(__file__)), "miss.md")
    if os.path.exists(miss):    # the hand-written breakdown of a miss
        with open(miss) as f:
            D.append(f.read())
    path = os.path.join(bench.cfg.out, "benchmarks.md")
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(D))
    os.replace(path + ".tmp", path)
    log("wrote %s%s" % (path, " and " + chart if chart else ""))
