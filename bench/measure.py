"""One measurement: wrk through nginx, with the CPU time the FastCGI
workers and nginx's workers spent meanwhile; a row of the report."""
import os
import re
import subprocess
import sys

import verify
from context import log, sh
from verify import NotRun
from servers import http_get

HZ = os.sysconf("SC_CLK_TCK")
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_ms(s):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", s)
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def fmt_ms(v):
    if v is None:
        return "-"
    return "%.3f ms" % v if v < 1 else "%.2f ms" % v


def cpu_ticks(pids):
    """utime + stime of these processes, in clock ticks."""
    n = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            n += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return n


def S_parse_wrk(out, r):
    """wrk's figures into r: rps, requests, p50, p99, max, non2xx, errors."""
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if m:
        r["rps"] = float(m.group(1))
    m = re.search(r"(\d+) requests in", out)
    r["requests"] = int(m.group(1)) if m else 0
    for pct in ("50", "99"):
        m = re.search(r"^\s+%s%%\s+(\S+)" % pct, out, re.M)
        r["p" + pct] = parse_ms(m.group(1)) if m else None
    m = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", out)
    r["max"] = parse_ms(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        r["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                  out)
    if m:
        r["errors"] = sum(int(x) for x in m.groups())


def wrk(bench, path, conns, seconds, script=None, expect=200, stream=None):
    """One wrk run through nginx: its figures, with the CPU time of the
    workers and nginx's meanwhile.  Stops the bench (verify.NotRun) unless
    the run demonstrably happened: see verify.py.  A script's run names
    the stream it walks (verify.Stream, or verify.Single for one URI)."""
    threads = 1 if conns == 1 else 2
    args = ["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % seconds, "--latency"]
    if script:
        args += ["-s", script]
        if stream is None:
            raise NotRun("bug: a wrk script's run (%s) without the stream it walks" % script)
    args.append("http://127.0.0.1:%d%s" % (bench.port, path))
    bench.nginx.truncate_log()
    server = bench.server
    wpids = server.workers() if server is not None else []
    npids = bench.nginx.workers_pids()
    w0, n0 = cpu_ticks(wpids), cpu_ticks(npids)
    p = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 30)
    w1, n1 = cpu_ticks(wpids), cpu_ticks(npids)
    cmd = " ".join(args[:-1] + [path])
    r = {"cmd": cmd, "rps": 0.0, "non2xx": 0, "errors": 0}
    S_parse_wrk(p.stdout, r)
    verify.wrk_output(p.stdout, p.stderr, r)
    if expect == 200 and r["non2xx"]:
        raise verify.NotRun("%d answers not 2xx/3xx (%s)" % (r["non2xx"], cmd))
    verify.access_log(bench.nginx.access, r["requests"], expect, conns, threads,
                      stream or verify.Single(path), cmd)
    us = 1e6 / HZ / r["requests"]
    r["wcpu"] = (w1 - w0) * us if wpids else None
    r["ncpu"] = (n1 - n0) * us
    return r


def measure(bench, label, path, expect=200, c32=True, c1=True, group="", **meta):
    """One row: requests/s at 32 connections, p50/p99 at 1."""
    status, body = http_get(bench.port, path)
    if status != expect:
        sys.exit("bench/run: %s answered %d, expected %d" % (path, status, expect))
    row = {"label": label, "path": path, "status": status, "bytes": len(body),
           "group": group}
    row.update(meta)
    if c32:
        r = wrk(bench, path, 32, bench.cfg.d32, expect=expect)
        row["rps"] = r["rps"]
        row["wcpu"], row["ncpu"] = r.get("wcpu"), r.get("ncpu")
        row["cmd32"] = r["cmd"]
        row["bad32"] = (r["non2xx"] if expect == 200 else 0) + r["errors"]
    if c1:
        r = wrk(bench, path, 1, bench.cfg.d1, expect=expect)
        row["p50"], row["p99"] = r["p50"], r["p99"]
        row["cmd1"] = r["cmd"]
    log("%-44s %9s req/s  p50 %s  p99 %s" % (
        label, "%.0f" % row["rps"] if "rps" in row else "(later)",
        fmt_ms(row.get("p50")), fmt_ms(row.get("p99"))))
    bench.rows.append(row)
    return row


def find(rows, what, db, views=True):
    """The row measured for what (article, blog, ...) on the db-article
    database with counting on or off."""
    for r in rows:
        if r.get("what") == what and r.get("db") == db and r.get("views", True) == views:
            return r
    return None


def warm(bench, path, expect=200):
    """Fills every worker's caches before a measurement."""
    if bench.cfg.quick:
        for _ in range(20):
            http_get(bench.port, path)
    else:
        wrk(bench, path, 32, bench.cfg.warm, expect=expect)


def stream_script(path, urls, seq):
    """A wrk script walking seq (indices into urls), each thread from its
    own offset so that two threads do not ask for the same page together;
    the verify.Stream that checks a run of it."""
    with open(path, "w") as f:
        f.write("local urls = {\n%s}\n" % "".join('"%s",\n' % u for u in urls))
        f.write("local seq = {%s}\n" % ",".join(str(i + 1) for i in seq))
        f.write("local n = 0\n"
                "function setup(thread) thread:set('id', n); n = n + 1 end\n"
                "local i = nil\n"
                "request = function()\n"
                "  if i == nil then i = (id or 0) * %d end\n"
                "  i = i + 1\n"
                "  return wrk.format('GET', urls[seq[(i %% #seq) + 1]])\n"
                "end\n" % verify.WRK_THREAD_STRIDE)
    return verify.Stream(urls, seq)


def site_urls(db):
    """Every article page and list page of db, in a fixed order."""
    slugs = sh(["sqlite3", db, "SELECT slug FROM articles ORDER BY id"]).split()
    pages = (len(slugs) + 9) // 10
    return (["/post/" + s for s in slugs] + ["/blog"] +
            ["/blog/page/%d" % n for n in range(2, pages + 1)])


def crawl_seq(n):
    """Every one of n pages once, in turn (a stride through all of them)."""
    stride = 7919 if n % 7919 else 7907
    return [(i * stride) % n for i in range(n)]


def articles_script(db, path):
    """A wrk script cycling through every article and list page, so a
    worker's caches see the whole site (RSS must stay bounded): its
    number of URLs and its verify.Stream."""
    urls = site_urls(db)
    return len(urls), stream_script(path, urls, crawl_seq(len(urls)))
