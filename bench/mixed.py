"""No reader waits behind another's slow request (issue 18, section 3),
on the 10,000-article site (10 with --quick), articled with its default
workers, through nginx, by the fixed-arrival-rate client (rate.py):

- the mixed stream, on a site whose renders and related links are stored
  (every article viewed once first), workers' caches cold: article pages by Zipf 89 %, list and tag pages 5 %,
  search 3 % (common and rare words), /feed.xml 1 %, 404s 1 %, and an
  owner's edit (a body, by the sqlite3 shell) every second;
- its highest rate with 0 errors, found by doubling; R is half of it;
- at R for the run's length: the article pages' p99 (target <= 10 ms);
- while one article runs to its render bound (a 200 KB pathological body
  added just before), every other request sent during that render must be
  answered within 50 ms (the maximum): at 4 connections (closed loop) and
  at R.  Results in bench.res["mixed"] (report.py)."""
import bisect
import os
import random
import subprocess

import rate
from context import log, sh
from measure import site_urls
from servers import articled, make_db
from verify import NotRun

SEED = 18
ITEMS = 100000
SLOW_BODY = "![[]()" * 34000         # tests/e2e/test_render_bound.py's: ~350 ms bound
RATES = (250, 500, 1000, 2000, 4000, 8000)


def S_words(db):
    """Rare words (made up, added to 50 articles by the owner's UPDATE)
    and pairs of common title words."""
    sh(["sqlite3", "-bail", db, "UPDATE articles SET body = body || ' Qzmix' || id || '.' "
        "WHERE id % 200 = 0;"])
    rare = ["qzmix%d" % i for i in range(200, 10001, 200)]
    common = ["back+pain", "acupuncture+help", "knee+pain", "sleep+stress", "neck+pain"]
    return rare, common


def S_items(db):
    """The mix as ITEMS (path, expected status, kind), drawn once."""
    rng = random.Random(SEED)
    posts = [u for u in site_urls(db) if u.startswith("/post/")]
    rng.shuffle(posts)                  # popularity unrelated to age
    cum, total = [], 0.0
    for k in range(1, len(posts) + 1):
        total += 1.0 / k
        cum.append(total)
    tags = sh(["sqlite3", db, "SELECT DISTINCT tag FROM tags"]).split()
    pages = min(40, (len(posts) + 9) // 10)
    lists = ["/blog"] + ["/blog/page/%d" % n for n in range(2, pages + 1)] + \
        ["/blog/tag/" + t for t in tags]
    rare, common = S_words(db)
    out = []
    for i in range(ITEMS):
        x = rng.random() * 100
        if x < 89:
            out.append((posts[bisect.bisect_left(cum, rng.random() * total)], 200, "article"))
        elif x < 94:
            out.append((rng.choice(lists), 200, "list"))
        elif x < 97:
            q = rng.choice(rare if rng.random() < 0.5 else common)
            out.append(("/search?q=" + q, 200, "search"))
        elif x < 98:
            # On a site of fewer than 20 articles (--quick) the feed would
            # hold the pathological ones: its share goes to the list pages.
            out.append(("/feed.xml", 200, "feed") if len(posts) > 20 else
                       (rng.choice(lists), 200, "list"))
        else:
            out.append(("/post/no-such-article-%d" % i, 404, "404"))
    return out, posts


class S_Editor:
    """The owner's shell, editing one article's body each tick."""

    def __init__(self, bench, db, posts):
        self.sq = subprocess.Popen(["sqlite3", db], stdin=subprocess.PIPE, text=True,
                                   stdout=subprocess.DEVNULL, start_new_session=True)
        bench.procs.append(self.sq)
        self.bench, self.posts, self.n = bench, posts, 0
        self.sq.stdin.write(".timeout 5000\n")

    def __call__(self, _due):
        slug = self.posts[self.n * 7919 % len(self.posts)][len("/post/"):]
        self.sq.stdin.write("UPDATE articles SET body = body || char(10, 10) || "
                            "'Mixed edit %d.' WHERE slug = '%s';\n" % (self.n, slug))
        self.sq.stdin.flush()
        self.n += 1

    def close(self):
        self.sq.stdin.close()
        self.sq.wait(10)
        self.bench.procs.remove(self.sq)


def S_at(port, items, r, seconds, editor):
    res, lag = rate.open_loop(port, lambda i: items[i % len(items)], r, seconds, editor)
    return res, rate.check(res, lag, "the mixed stream at %d/s" % r)


def S_max_rate(bench, items, editor, seconds):
    """The highest of RATES at which the mix runs with 0 errors."""
    best = None
    for r in RATES:
        try:
            S_at(bench.port, items, r, seconds, editor)
        except NotRun as e:
            log("mixed: %d/s does not run: %s" % (r, e.reason))
            break
        best = r
        log("mixed: %d/s runs with 0 errors" % r)
    if best is None:
        raise NotRun("the mixed stream does not run even at %d/s" % RATES[0])
    return best


def S_add_slow(bench, db, name):
    """A pathological article, dated long ago: on the newest list pages it
    would be another render of the same body (their excerpt), which is
    not "another reader's request"."""
    path = os.path.join(bench.work, name + ".md")
    with open(path, "w") as f:
        f.write(SLOW_BODY)
    sh(["sqlite3", "-bail", "-cmd", ".timeout 5000", db,
        "INSERT INTO articles(slug, title, body, published_at) VALUES ('%s', 'Slow one', "
        "readfile('%s'), '2001-01-01T00:00:00Z');" % (name, path)])
    return "/post/" + name


def S_during(res, slow):
    """The slowest answer among the requests sent while slow rendered."""
    s = [r for r in res if r[3] == slow]
    if len(s) != 1 or s[0][2] != 503:
        raise NotRun("the pathological article was not answered 503 once: %s" % s)
    t0, t1 = s[0][0], s[0][0] + s[0][1] / 1000.0
    others = [r[1] for r in res if r[3] != slow and t0 <= r[0] <= t1]
    if not others:
        raise NotRun("no request was sent during the render (%.0f ms)" % s[0][1])
    return {"render_ms": s[0][1], "n": len(others), "max": max(others)}


def S_bound(bench, items, r, seconds, slow4, slowr):
    """The maximum latency of the others while one article runs to its
    render bound: at 4 connections, then at r.  The two articles were added
    before the site was warmed: adding an article empties every stored
    related list, which would be measured instead."""
    out = {}
    mix4 = lambda i: (slow4, 503, "slow") if i == 40 else items[i % len(items)]
    res, lag = rate.closed_loop(bench.port, mix4, 4, seconds)
    rate.check(res, [], "4 connections during a render to its bound")
    out["c4"] = S_during(res, slow4)
    log("render to its bound (%.0f ms), 4 connections: the %d other requests sent "
        "meanwhile answered within %.1f ms (target 50)" % (
            out["c4"]["render_ms"], out["c4"]["n"], out["c4"]["max"]))
    at = int(r * 1.0)
    mixr = lambda i: (slowr, 503, "slow") if i == at else items[i % len(items)]
    res, lag = rate.open_loop(bench.port, mixr, r, seconds)
    rate.check(res, lag, "%d/s during a render to its bound" % r)
    out["rate"] = S_during(res, slowr)
    return out


def S_warm(bench, db, posts):
    """Every article viewed once, so that its render and related links are
    stored, as on a site running for a while; then articled restarted, its
    workers' caches cold.  (On a fresh copy every view is a first one:
    ~10 ms of related links each over this site's large tags.)"""
    from concurrent.futures import ThreadPoolExecutor
    from servers import http_get
    s = articled(bench, db, name="articled-mixed-warm")
    with ThreadPoolExecutor(4) as ex:
        bad = [u for u, (st, _) in zip(posts, ex.map(lambda u: http_get(bench.port, u, 30),
                                                     posts)) if st != 200]
    s.stop()
    if bad:
        raise NotRun("%d articles not answered 200 while warming, e.g. %s" % (len(bad), bad[0]))


def mixed(bench, n):
    db = make_db(bench, n)
    items, posts = S_items(db)
    seconds = 2 if bench.cfg.quick else 5
    slow = [S_add_slow(bench, db, "bench-slow-four"), S_add_slow(bench, db, "bench-slow-rate")]
    S_warm(bench, db, posts)
    s = articled(bench, db, name="articled-mixed")
    editor = S_Editor(bench, db, posts)
    try:
        top = S_max_rate(bench, items, editor, 2 if bench.cfg.quick else 3)
        r = top // 2
        res, late = S_at(bench.port, items, r, seconds, editor)
    finally:
        editor.close()
    art = [x[1] for x in res if x[4] == "article"]
    out = {"db": n, "top": top, "rate": r, "workers": len(s.workers()),
           "article_p99": rate.pct(art, 99), "article_p50": rate.pct(art, 50),
           "all_p99": rate.pct([x[1] for x in res], 99), "max": max(x[1] for x in res),
           "requests": len(res), "edits": editor.n, "client_late_p99": late}
    log("mixed stream, %d workers: highest rate with 0 errors %d/s, R = %d/s; at R "
        "article pages p50 %.2f ms, p99 %.2f ms (all %.2f ms, max %.1f ms) over %d requests "
        "and %d edits (the client's own lateness p99 %.1f ms, in those figures)" % (
            out["workers"], top, r, out["article_p50"], out["article_p99"], out["all_p99"],
            out["max"], out["requests"], out["edits"], late))
    out["bound"] = S_bound(bench, items, r, seconds, slow[0], slow[1])
    s.stop()
    b = out["bound"]["rate"]
    log("render to its bound (%.0f ms), %d/s: the %d other requests sent meanwhile "
        "answered within %.1f ms (target 50)" % (b["render_ms"], r, b["n"], b["max"]))
    bench.res["mixed"] = out
    return out
