"""What one request of each page type costs articled's workers, counted,
not estimated (issue 18): the system calls of every worker under `strace
-c -f` over N requests of the type, one connection, each URL asked once on
a freshly started articled (so each is a miss of its page cache; the
article's render is stored, fetched once beforehand by tail.py); then the
workers' CPU time (/proc/PID/schedstat) over N other URLs of the type.
The per-URL ceiling (bench/ceiling --pages) is counted the same way: its
calls are FastCGI's own, which the target leaves out."""
import http.client
import os
import re
import signal
import time

from context import log, sh
from servers import Server, articled
from verify import NotRun

N = 100                 # requests per page type and pass
STRACE_LINE = re.compile(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:(\d+)\s+)?(\w+)\s*$")


def S_types(db):
    """{type: [URL, ...]}: 2N distinct URLs per type (fewer if the site
    has fewer), in a fixed order."""
    slugs = sh(["sqlite3", db, "SELECT slug FROM articles ORDER BY id DESC"]).split()
    tags = sh(["sqlite3", db, "SELECT DISTINCT tag FROM tags ORDER BY tag"]).split()
    npages = (len(slugs) + 9) // 10
    return {
        "article, render stored, not cached": ["/post/" + s for s in slugs[:2 * N]],
        "list page, not cached": ["/blog/page/%d" % k for k in range(2, min(npages, 2 * N + 2))],
        "tag page, not cached": ["/blog/tag/" + t for t in tags[:2 * N]],
        "article, cached": ["/post/" + slugs[0]] * (2 * N),
    }


def S_ask(bench, urls):
    conn = http.client.HTTPConnection("127.0.0.1", bench.port, timeout=10)
    for u in urls:
        conn.request("GET", u, headers={"User-Agent": "bench/run"})
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise NotRun("%s answered %d while counting its cost" % (u, r.status))
    conn.close()


def S_traced(pids):
    for pid in pids:
        with open("/proc/%d/status" % pid) as f:
            if "TracerPid:\t0\n" in f.read():
                return False
    return True


def S_strace(bench, pids, urls, out):
    """System calls of pids while urls are asked: {call: count}."""
    args = ["strace", "-c", "-f", "-o", out] + [x for p in pids for x in ("-p", str(p))]
    st = bench.start(args, "strace-%d.log" % len(os.listdir(bench.work)))
    t0 = time.monotonic()
    while not S_traced(pids):
        if time.monotonic() - t0 > 10 or st.poll() is not None:
            raise NotRun("strace did not attach to %s" % pids)
        time.sleep(0.01)    # polling strace's attach, not a measured wait
    S_ask(bench, urls)
    bench.stop(st, signal.SIGINT)
    calls = {}
    with open(out) as f:
        for line in f:
            m = STRACE_LINE.match(line)
            if m and m.group(3) != "total":
                calls[m.group(3)] = int(m.group(1))
    if not calls:
        raise NotRun("strace counted no call over %d requests (%s)" % (len(urls), out))
    return calls


def S_cpu_ns(pids):
    n = 0
    for pid in pids:
        with open("/proc/%d/schedstat" % pid) as f:
            n += int(f.read().split()[0])
    return n


def S_count(bench, server, urls, name):
    """Calls and CPU per request of urls' first and second halves."""
    pids = server.workers()
    half = len(urls) // 2
    calls = S_strace(bench, pids, urls[:half], os.path.join(bench.work, "strace-" + name))
    c0 = S_cpu_ns(pids)
    S_ask(bench, urls[half:])
    cpu_us = (S_cpu_ns(pids) - c0) / 1000.0 / (len(urls) - half)
    per = {k: v / half for k, v in calls.items()}
    return {"calls": sum(per.values()), "by_call": per, "cpu_us": cpu_us, "n": half}


def page_costs(bench, db, pages):
    """{type: {calls, by_call, cpu_us, n}} for each page type, and under
    "fastcgi" the ceiling's calls and CPU per request on the article URLs."""
    types = S_types(db)
    c = Server(bench, [bench.ceiling, bench.sock, "1", "--pages", pages],
               "ceiling-costs", "/blog")
    res = {"fastcgi": S_count(bench, c, types["article, render stored, not cached"],
                              "ceiling")}
    c.stop()
    log("the per-URL ceiling (FastCGI's own): %.1f system calls per request, CPU %.1f us"
        % (res["fastcgi"]["calls"], res["fastcgi"]["cpu_us"]))
    for name, urls in types.items():
        if len(urls) < 4:
            continue
        s = articled(bench, db, name="articled-costs")
        if name == "article, cached":
            S_ask(bench, urls[:1])
        res[name] = S_count(bench, s, urls, name.split(",")[0].replace(" ", "-"))
        s.stop()
        r = res[name]
        log("%s: %.1f system calls per request (%s), worker CPU %.1f us" % (
            name, r["calls"], ", ".join("%s %.1f" % kv for kv in sorted(
                r["by_call"].items(), key=lambda kv: -kv[1]) if kv[1] >= 0.05),
            r["cpu_us"]))
    return res
