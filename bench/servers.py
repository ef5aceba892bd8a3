"""What bench/run measures through: the databases, the one nginx, and the
FastCGI server behind it (articled or bench/ceiling) on one socket."""
import hashlib
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import procs
from context import ARTICLE, BUILD, ROOT, sh
from wait import WaitTimeout


# ---- build and data ----------------------------------------------------------

def build_ceiling():
    src = os.path.join(ROOT, "bench", "ceiling.c")
    out = os.path.join(BUILD, "ceiling")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        os.makedirs(BUILD, exist_ok=True)
        tmp = "%s.%d.tmp" % (out, os.getpid())
        sh(["cc", "-std=c11", "-O2", "-Wall", "-Wextra", "-o", tmp, src, "-lfcgi"])
        os.replace(tmp, out)
    return out


def S_sources_hash():
    h = hashlib.sha256()
    for f in ("schema.sql", "db/seed.sql", "bench/make-articles.sql"):
        with open(os.path.join(ROOT, f), "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()[:12]


def S_remove_db(path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)


def S_build_db(n, tmp):
    """n articles in tmp: the schema, the seed and n - 1 made by
    bench/make-articles.sql, through the sqlite3 shell."""
    S_remove_db(tmp)
    for f in ("schema.sql", "db/seed.sql"):
        with open(os.path.join(ROOT, f), "rb") as fh:
            subprocess.run(["sqlite3", "-bail", tmp], stdin=fh, check=True,
                           stdout=subprocess.DEVNULL)
    sql = "CREATE TEMP TABLE bench_count AS SELECT %d AS n;\n" % (n - 1)
    with open(os.path.join(ROOT, "bench", "make-articles.sql")) as fh:
        sql += fh.read()
    sql += "\nPRAGMA wal_checkpoint(TRUNCATE);\n"
    subprocess.run(["sqlite3", "-bail", tmp], input=sql, text=True, check=True,
                   stdout=subprocess.DEVNULL)
    got = int(sh(["sqlite3", tmp, "SELECT count(*) FROM articles"]).strip())
    if got != n:
        sys.exit("bench/run: %s has %d articles, not %d" % (tmp, got, n))


def make_db(bench, n):
    """A database of n articles, kept in build/bench while its sources are
    unchanged, and copied for each run."""
    cached = os.path.join(BUILD, "articles-%d-%s.db" % (n, S_sources_hash()))
    if not os.path.exists(cached):
        for old in os.listdir(BUILD):
            if old.startswith("articles-%d-" % n) and old.endswith(".db") and \
                    not cached.endswith(old):
                os.unlink(os.path.join(BUILD, old))     # made from older sources
        tmp = "%s.%d.tmp" % (cached, os.getpid())
        S_build_db(n, tmp)
        os.replace(tmp, cached)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(tmp + suffix):
                os.unlink(tmp + suffix)
    dest = os.path.join(bench.work, "site-%d.db" % n)
    shutil.copyfile(cached, dest)
    return dest


# ---- nginx ----------------------------------------------------------------------

def S_nginx_conf(var, port, sock, workers, dbdir):
    """tools/nginx-conf's configuration plus (a)'s location: the page's
    bytes as a static file, with every other setting as articled's pages
    have them."""
    env = dict(os.environ, NGINX_WORKERS=workers)
    conf = subprocess.run([os.path.join(ROOT, "tools", "nginx-conf"), ROOT, var,
                           str(port), sock, dbdir], check=True, capture_output=True,
                          text=True, env=env).stdout
    if "worker_processes %s;" % workers not in conf:
        sys.exit("bench/run: tools/nginx-conf did not set worker_processes %s" % workers)
    static = ("location ^~ /_bench/ {\n\t\t\talias %s/static/;\n\t\t}\n\n\t\t" % var)
    anchor = "location = /favicon.ico {"
    if anchor not in conf:
        sys.exit("bench/run: nginx.conf.example has no '%s' to anchor on" % anchor)
    return conf.replace(anchor, static + anchor, 1)


class Nginx:
    def __init__(self, bench, workers):
        self.bench = bench
        self.port = bench.port
        self.var = os.path.join(bench.work, "nginx-%s" % workers)
        for d in ("log", "tmp", "errors", "static"):
            os.makedirs(os.path.join(self.var, d), exist_ok=True)
        # The databases are copied into bench.work: media/ beside them.
        conf = S_nginx_conf(self.var, self.port, bench.sock, workers, bench.work)
        self.conf = os.path.join(self.var, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        m = re.search(r"^worker_processes\s+(\S+);", conf, re.M)
        self.workers = m.group(1) if m else "?"
        self.errlog = os.path.join(self.var, "log", "error.log")
        self.access = os.path.join(self.var, "log", "access.log")
        sh(["nginx", "-t", "-q", "-c", self.conf, "-p", self.var, "-e", self.errlog])
        self.proc = bench.start(["nginx", "-c", self.conf, "-p", self.var, "-e",
                                 self.errlog, "-g", "daemon off;"],
                                "nginx-%s.out" % workers)
        try:
            procs.wait_for_port(self.port, "nginx", proc=self.proc)
        except WaitTimeout as e:
            sys.exit("bench/run: nginx did not start: %s (see %s)" % (e, self.errlog))

    def workers_pids(self):
        return procs.children(self.proc.pid)

    def stop(self):
        self.bench.stop(self.proc, signal.SIGQUIT)

    def truncate_log(self):
        # nginx appends (O_APPEND), so truncating in place is safe; keeps the
        # disk from filling with millions of lines.
        if os.path.exists(self.access):
            open(self.access, "w").close()


def http_get(port, path, timeout=5):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"User-Agent": "bench/run"})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def wait_answer(port, path, t0, timeout=10):
    """Polls path through nginx every millisecond until it answers 200:
    the milliseconds since t0 (the start-up time measured), None at the
    deadline."""
    deadline = t0 + timeout
    while True:
        try:
            status, _ = http_get(port, path, timeout=2)
            if status == 200:
                return (time.monotonic() - t0) * 1000.0
        except OSError:
            pass
        if time.monotonic() > deadline:
            return None
        time.sleep(0.001)


# ---- servers ----------------------------------------------------------------------

class Server:
    """articled or bench/ceiling on the one socket nginx forwards to."""

    def __init__(self, bench, args, name, probe, timeout=10):
        if os.path.exists(bench.sock):
            os.unlink(bench.sock)
        self.bench = bench
        self.name = name
        t0 = time.monotonic()
        self.proc = bench.start(args, name + ".log")
        self.start_ms = wait_answer(bench.port, probe, t0, timeout)
        bench.server = self
        if self.start_ms is None:
            bench.stop(self.proc, signal.SIGKILL)
            sys.exit("bench/run: %s did not answer %s (see %s)" % (
                name, probe, os.path.join(bench.work, "log", name + ".log")))

    def workers(self):
        try:   # not the picture maker: it serves nothing
            return procs.articled_workers(self.proc.pid)
        except FileNotFoundError:
            return []

    def rss(self):
        """Per worker: (VmRSS, RssAnon, RssFile, RssShmem) in KiB."""
        res = []
        for pid in self.workers():
            vals = {}
            try:
                with open("/proc/%d/status" % pid) as f:
                    for line in f:
                        k, _, v = line.partition(":")
                        if k in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
                            vals[k] = int(v.split()[0])
            except OSError:
                continue
            res.append((vals.get("VmRSS", 0), vals.get("RssAnon", 0),
                        vals.get("RssFile", 0), vals.get("RssShmem", 0)))
        return res

    def stop(self):
        self.bench.stop(self.proc)
        if self.bench.server is self:
            self.bench.server = None


def articled(bench, db, workers=None, views=True, name="articled"):
    args = [bench.articled, "--db", db, "--templates", os.path.join(ROOT, "templates"),
            "--socket", bench.sock, "--error-pages",
            os.path.join(bench.nginx.var, "errors")]
    if workers is not None:
        args += ["--workers", str(workers)]
    if not views:
        args.append("--no-views")
    return Server(bench, args, name, ARTICLE)


def ceiling(bench, workers):
    return Server(bench, [bench.ceiling, bench.sock, str(workers), bench.page],
                  "ceiling-%d" % workers, "/")
