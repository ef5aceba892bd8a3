"""bench/comments.py: patients' questions while pages are read (issue 19).

Three figures, on the 10-article database, articled with its default settings and the
question limits raised for the run (comments.gap_seconds 0, per_hour, per_minute and
pending_cap out of reach):
  1. the article page's p99 at a fixed rate (READ_RATE GETs a second, each its own
     connection, timed from the moment it was due), alone and then while ACCEPTED
     questions a second are taken and REFUSED posts a second (a token this site did not
     make) arrive from many 127.0.0.0/8 addresses: the target is at most 1.5 times;
  2. the rates the posters reached, and how the posts were answered;
  3. a refused POST's worker CPU time against a 404's (wrk -c32, the workers' utime +
     stime over the requests wrk counted), in microseconds.
The load generator is Python (asyncio): the rates it reached are printed, and a rate
below the one asked is said, not hidden.  Run alone with 'bench/run --comments'
(about 40 s; --quick: about 15 s)."""
import asyncio
import os
import random
import subprocess
import sys
import time
import urllib.parse

from context import ARTICLE, ROOT, SEED_SLUG, log
from measure import wrk
from servers import articled, http_get

sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from comment_form import day_of, siphash24  # noqa: E402

READ_RATE = 200
ACCEPTED = 20
REFUSED = 1000
TARGET = 1.5
COMMENT = "/comment/" + SEED_SLUG


def S_sql(db, sql):
    return subprocess.run(["sqlite3", "-bail", "-cmd", ".timeout 5000", db], input=sql,
                          capture_output=True, text=True, check=True).stdout.strip()


def S_token(key, article, age=10):
    t = int(time.time()) - age
    return "%d-%016x" % (t, siphash24(key, ("%d:%d" % (article, t)).encode()))


async def S_request(port, raw, source="127.0.0.1"):
    """One request on its own connection; (status, seconds)."""
    t0 = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port,
                                                       local_addr=(source, 0))
        writer.write(raw)
        data = await reader.read()
        writer.close()
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    except (OSError, ValueError, IndexError):
        status = -1
    return status, time.monotonic() - t0


def S_post(body):
    return (("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
             "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n"
             % (COMMENT, len(body))).encode() + body)


async def S_paced(rate, seconds, make, results):
    """make(i) -> coroutine, started at rate a second for seconds."""
    t0 = time.monotonic()
    tasks = []
    for i in range(int(rate * seconds)):
        delay = t0 + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(make(i)))
    results.extend(await asyncio.gather(*tasks))
    return time.monotonic() - t0


def S_p99(lat):
    lat = sorted(lat)
    return lat[int(len(lat) * 0.99) - 1] * 1000.0 if lat else None


async def S_phase(bench, seconds, posts, key, article):
    get = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
           % ARTICLE).encode()
    reads, acc, ref = [], [], []
    jobs = [S_paced(READ_RATE, seconds, lambda i: S_request(bench.port, get), reads)]
    if posts:
        run = "%d-%d" % (os.getpid(), time.time())

        def accepted(i):
            body = urllib.parse.urlencode({"token": S_token(key, article), "name": "Bench",
                                           "question": "Question %s %d" % (run, i)}).encode()
            return S_request(bench.port, S_post(body), "127.0.%d.%d" % (i // 250 % 250 + 1,
                                                                        i % 250 + 1))

        def refused(i):
            body = urllib.parse.urlencode({"token": "1-0000000000000000", "name": "Spam",
                                           "question": "Buy %d" % i}).encode()
            return S_request(bench.port, S_post(body), "127.%d.%d.%d" % (
                random.randint(1, 250), random.randint(0, 255), random.randint(1, 254)))
        jobs += [S_paced(ACCEPTED, seconds, accepted, acc),
                 S_paced(REFUSED, seconds, refused, ref)]
    took = await asyncio.gather(*jobs)
    return reads, acc, ref, took


def S_cpu(bench, path, script=None):
    r = wrk(bench, path, 32, 2 if bench.cfg.quick else 5, script)
    return r.get("wcpu"), r["requests"]


def S_refused_script(bench):
    path = os.path.join(bench.work, "comments-refused.lua")
    body = urllib.parse.urlencode({"token": "1-0000000000000000", "name": "Spam",
                                   "question": "Buy now"})
    with open(path, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = "%s"\n'
                'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n' % body)
    return path


def S_summary(what, rows, took, rate):
    statuses = {}
    for st, _ in rows:
        statuses[st] = statuses.get(st, 0) + 1
    log("%-10s asked %5d/s, sent %5.0f/s; answers %s" % (
        what, rate, len(rows) / took if took else 0,
        ", ".join("%s: %d" % kv for kv in sorted(statuses.items()))))


def comments(bench, db):
    """The figures, in bench.res['comments']."""
    S_sql(db, "INSERT OR REPLACE INTO settings(key, value) VALUES "
              "('comments.gap_seconds', '0'), ('comments.per_hour', '999999'), "
              "('comments.per_minute', '999999'), ('comments.pending_cap', '999999');")
    s = articled(bench, db, name="articled-comments")
    http_get(bench.port, ARTICLE)       # makes today's key
    key = bytes.fromhex(S_sql(db, "SELECT hex(secret) FROM comment_keys WHERE day = '%s';"
                              % day_of(time.time())))
    article = int(S_sql(db, "SELECT id FROM articles WHERE slug = '%s';" % SEED_SLUG))
    seconds = 3 if bench.cfg.quick else 10
    out = bench.res.setdefault("comments", {})
    base = asyncio.run(S_phase(bench, seconds, False, key, article))
    load = asyncio.run(S_phase(bench, seconds, True, key, article))
    out["p99_alone"], out["p99_posts"] = S_p99([t for _, t in base[0]]), S_p99([t for _, t in load[0]])
    S_summary("reads", base[0], base[3][0], READ_RATE)
    S_summary("reads+", load[0], load[3][0], READ_RATE)
    S_summary("accepted", load[1], load[3][1], ACCEPTED)
    S_summary("refused", load[2], load[3][2], REFUSED)
    ratio = out["p99_posts"] / out["p99_alone"] if out["p99_alone"] else 0
    log("article p99 at %d/s: alone %.2f ms, with posts %.2f ms: ratio %.2f (target <= %.1f) %s"
        % (READ_RATE, out["p99_alone"], out["p99_posts"], ratio, TARGET,
           "ok" if ratio <= TARGET else "ABOVE TARGET"))
    out["cpu_refused"], n1 = S_cpu(bench, COMMENT, S_refused_script(bench))
    out["cpu_404"], n2 = S_cpu(bench, "/post/no-such-article")
    log("worker CPU: a refused POST %.1f us (%d requests), a 404 %.1f us (%d requests)" % (
        out["cpu_refused"] or 0, n1, out["cpu_404"] or 0, n2))
    out["stored"] = int(S_sql(db, "SELECT count(*) FROM comments;"))
    log("questions stored: %d" % out["stored"])
    s.stop()
    return out
