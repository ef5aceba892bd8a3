#!/usr/bin/python3
"""bench/readers.py: what counting readers and sources costs (issue 20).

The hot article page through nginx with wrk -c32, articled (the optimised
bin/articled) started twice on the same database and nginx: with readers
and sources counted, and with --no-readers (views only), in alternating
rounds so both see the same machine.  Every request carries its own
User-Agent and a Referer (wrk's Lua script), so each is a new reader: the
set's inserts are measured, not one repeated hit.  The FastCGI ceiling is
the same for both in one run, so "≥ 0.95 of its ratio to the ceiling" is
requests/s with readers ≥ 0.95 × requests/s without.

Also prints the workers' RssShmem (the readers' memory is shared, and
counted there as it is touched) after the readers' rounds, and proves the
counting ran: readers folded into SQLite equal the views of those rounds.

    bench/readers.py [--rounds 3] [--seconds 10]

A separate file (bench/run's phases are being reworked): the hook is
bench/run --readers, or run this directly."""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

from site_harness import SEED_SLUG, Site  # noqa: E402

POST = "/post/" + SEED_SLUG
LUA = """
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "%s", {["User-Agent"] = "Mozilla/5.0 bench-" .. n .. "-" .. math.random(1e9),
                                  ["Referer"] = "https://www.google.com/search?q=x"})
end
""" % POST


def wrk(port, seconds, script):
    """Requests/s, only from a run that demonstrably ran as meant: wrk's
    stderr empty (a broken Lua script is reported there, and wrk then
    sends plain GETs), no socket errors, no answer but 2xx."""
    res = subprocess.run(["wrk", "-t2", "-c32", "-d%ds" % seconds, "-s", script,
                          "http://127.0.0.1:%d%s" % (port, POST)],
                         capture_output=True, text=True, timeout=seconds + 60)
    out = res.stdout
    rps = 0.0
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            rps = float(line.split()[1])
    if res.returncode != 0 or res.stderr.strip() or rps == 0 or \
            "Non-2xx" in out or "Socket errors" in out:
        sys.exit("bench/readers: the run did not run as meant; no figure:\n"
                 + out + res.stderr)
    return rps


def warm(port):
    """One reader, the page cached: a fixed User-Agent, no script."""
    subprocess.run(["wrk", "-t2", "-c32", "-d1s", "http://127.0.0.1:%d%s" % (port, POST)],
                   capture_output=True, timeout=60, check=True)


def shmem(site):
    out = []
    for pid in site.worker_pids():
        with open("/proc/%s/status" % pid) as f:
            out += [l.split()[1] + " kB" for l in f if l.startswith("RssShmem")]
    return out


def one_round(site, readers, seconds, script):
    site.extra_args = [] if readers else ["--no-readers"]
    site.start_articled()
    try:
        warm(site.port)                            # the page in every worker's cache
        rps = wrk(site.port, seconds, script)
        mem = shmem(site) if readers else None
    finally:
        site.stop_articled()
    return rps, mem


def main():
    ap = argparse.ArgumentParser()
    # Short rounds: a day's set holds 98,304 hashes, two a request (the
    # article's and the site's), so inserts, not a full set, are measured.
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=None)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-readers-")
    script = os.path.join(tmp, "ua.lua")
    with open(script, "w") as f:
        f.write(LUA)
    site = Site(tmp, binary=os.path.join(ROOT, "bin", "articled"),
                workers=a.workers or max(1, (os.cpu_count() + 1) // 2))
    site.start_nginx()
    on, off, mem = [], [], None
    try:
        for _ in range(a.rounds):
            off.append(one_round(site, False, a.seconds, script)[0])
            rps, mem = one_round(site, True, a.seconds, script)
            on.append(rps)
        readers = int(site.scalar("SELECT coalesce(sum(readers), 0) FROM reader_days;"))
        google = int(site.scalar("SELECT coalesce(sum(views), 0) FROM source_days "
                                 "WHERE source = 'Google';"))
        full = site.scalar("SELECT max(lower_bound) FROM site_reader_days;")
    finally:
        site.stop_articled()
        site.stop()
    m_on, m_off = statistics.median(on), statistics.median(off)
    print("hot article, wrk -c32, a User-Agent per request, %d rounds of %d s, %d workers"
          % (a.rounds, a.seconds, site.workers))
    print("  views only (--no-readers): %s  median %.0f req/s" % (
        " ".join("%.0f" % r for r in off), m_off))
    print("  readers and sources:       %s  median %.0f req/s" % (
        " ".join("%.0f" % r for r in on), m_on))
    print("  ratio %.3f (target >= 0.95)" % (m_on / m_off))
    print("  readers folded: %d; views from Google folded: %d (proof the counting ran); "
          "a set full: %s" % (readers, google, "yes" if full == "1" else "no"))
    print("  workers' RssShmem after the last readers round: %s" % ", ".join(mem or []))


if __name__ == "__main__":
    main()
