"""Starts and drives articled + nginx for the end-to-end tests.

Site(tmpdir) makes a database with the real sqlite3 shell, derives an
nginx configuration from nginx.conf.example with tools/nginx-conf, and
starts both on a free loopback port, each in its own process group so a
test can stop every process it started.  The articled binary is
$ARTICLED_BIN (default: the sanitizer build if present, else bin/articled).

Which worker answered a request is read from /proc/PID/io (get_answered),
so get_everywhere and wait_every_worker reach every worker for certain;
folds are waited for in views.total (wait_folded) or until it equals the
live count bin/viewtail reads (fold_settled).  Processes: procs.py; every
wait: wait.py (wait_until); the CGI site: cgi_site.py; Chromium: browser.py.
"""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import time

import procs
from procs import free_port, wait_for_port  # noqa: F401 (for the tests)
from wait import WaitTimeout, wait_until

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SEED_SLUG = "sciatica-and-back-pain-what-s-the-difference-and-can-acupuncture-help"


def default_binary():
    env = os.environ.get("ARTICLED_BIN")
    if env:
        return env
    asan = os.path.join(ROOT, "build", "asan", "articled")
    return asan if os.path.exists(asan) else os.path.join(ROOT, "bin", "articled")


def written(pid):
    """(bytes written, write calls) by a process so far, from
    /proc/PID/io; None once it is gone.  A worker writes only to answer
    a request (and to log), so these move exactly when it answered."""
    try:
        with open("/proc/%d/io" % pid) as f:
            io = dict(line.split(":") for line in f)
    except (OSError, ValueError):
        return None
    return int(io["wchar"]), int(io["syscw"])


class OwnerLock:
    """The owner's sqlite3 shell holding the write lock (BEGIN IMMEDIATE)
    until commit(); as a context manager, killed if still running."""

    def __init__(self, db):
        self.proc = subprocess.Popen(["sqlite3", db], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.proc.stdin.write("BEGIN IMMEDIATE;\nSELECT 'locked';\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "locked"

    def commit(self):
        self.proc.stdin.write("COMMIT;\n")
        self.proc.stdin.close()
        assert self.proc.wait(10) == 0, self.proc.stderr.read()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def make_db(path, seed=True):
    """A new database through the owner's tool, the sqlite3 shell."""
    for f in ("schema.sql",) + (("db/seed.sql",) if seed else ()):
        with open(os.path.join(ROOT, f), "rb") as sql:
            subprocess.run(["sqlite3", "-bail", path], stdin=sql, check=True,
                           capture_output=True)
    return path


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers      # lower-case name -> value (last wins)
        self.header_list = []
        self.body = body            # bytes
        self.text = body.decode("utf-8", "replace")

    def header(self, name):
        return self.headers.get(name.lower())


def http_request(port, path, method="GET", headers=None, body=None, timeout=10):
    """One request to 127.0.0.1:port, path sent exactly as given (no
    normalisation); returns a Response."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        r = conn.getresponse()
        data = r.read()
        resp = Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
        resp.header_list = r.getheaders()
        return resp
    finally:
        conn.close()


class Site:
    def __init__(self, tmpdir, seed=True, workers=2, binary=None,
                 extra_args=(), env=None, db=None):
        self.dir = str(tmpdir)
        self.var = os.path.join(self.dir, "var")
        for d in ("log", "tmp", "errors"):
            os.makedirs(os.path.join(self.var, d), exist_ok=True)
        self.db = db or make_db(os.path.join(self.dir, "site.db"), seed)
        self.sock = os.path.join(self.var, "articled.sock")
        self.port = free_port()
        self.workers = workers
        self.binary = binary or default_binary()
        self.extra_args = list(extra_args)
        self.env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:abort_on_error=1",
                        **(env or {}))
        self.articled = None
        self.nginx = None
        self.forbidden_expected = False
        self.log_path = os.path.join(self.var, "log", "articled.log")
        conf = subprocess.run([os.path.join(ROOT, "tools", "nginx-conf"), ROOT,
                               self.var, str(self.port), self.sock,
                               os.path.dirname(os.path.abspath(self.db))],
                              check=True, capture_output=True, text=True).stdout
        self.nginx_conf = os.path.join(self.var, "nginx.conf")
        with open(self.nginx_conf, "w") as f:
            f.write(conf)

    # ---- processes ------------------------------------------------------
    def articled_args(self):
        return [self.binary, "--db", self.db, "--templates",
                os.path.join(ROOT, "templates"), "--socket", self.sock,
                "--workers", str(self.workers), "--error-pages",
                os.path.join(self.var, "errors")] + self.picture_maker() + \
            self.extra_args

    def picture_maker(self):
        """The decoder of this tree (the sanitizer build of articled has
        none beside it), unless the test chose one."""
        if "--picture-maker" in self.extra_args:
            return []
        return ["--picture-maker", os.path.join(ROOT, "bin", "articled-picture")]

    def start_articled(self, wait=True):
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        self.articled = procs.start(self.articled_args(), self.log_path, self.env)
        if wait:
            self.wait_for_socket()

    def wait_for_socket(self, timeout=10):
        """Until articled accepts on its socket; raises if it exits first
        or does not listen by the deadline."""
        def listening():
            if self.articled.poll() is not None:
                raise RuntimeError("articled exited %s: %s" % (
                    self.articled.returncode, self.log()))
            try:
                with socket.socket(socket.AF_UNIX) as s:
                    s.connect(self.sock)
                return True
            except OSError:
                return False
        try:
            wait_until(listening, "articled to accept on " + self.sock, timeout)
        except WaitTimeout as e:
            raise RuntimeError("%s\n%s" % (e, self.log()))

    def start_nginx(self):
        subprocess.run(["nginx", "-t", "-q", "-c", self.nginx_conf, "-p", self.var,
                        "-e", os.path.join(self.var, "log", "error.log")],
                       check=True, capture_output=True)
        self.nginx = procs.start(
            ["nginx", "-c", self.nginx_conf, "-p", self.var, "-e",
             os.path.join(self.var, "log", "error.log"), "-g", "daemon off;"])
        wait_for_port(self.port, "nginx", proc=self.nginx)

    def start(self):
        """articled, then nginx; if either fails to start, whatever did
        start is stopped before the error goes up (the fixture that
        called this never reaches its own stop)."""
        try:
            self.start_articled()
            self.start_nginx()
        except BaseException:
            self.stop_processes()
            raise

    def stop_articled(self, sig=signal.SIGTERM, timeout=20):
        """Stops articled and every worker (its process group); returns
        the master's exit status."""
        rc = procs.stop(self.articled, sig, timeout)
        self.articled = None
        return rc

    def stop_processes(self):
        """Stops articled and nginx (each one's process group), if started."""
        try:
            self.stop_articled()
        finally:
            procs.stop(self.nginx, signal.SIGQUIT, 10)
            self.nginx = None

    def stop(self):
        self.stop_processes()
        if not self.forbidden_expected:    # tests/e2e/test_sandbox.py's own
            self.assert_no_forbidden_call()

    def forbidden_calls(self):
        """The system calls the sandbox refused, from the log
        (cgi/serve/sandbox.c's line): none on any path articled serves."""
        return re.findall(r"sandbox: forbidden system call (\S+)", self.log())

    def assert_no_forbidden_call(self):
        calls = self.forbidden_calls()
        assert not calls, "the sandbox refused %s:\n%s" % (calls, self.log())

    def master_pid(self):
        return self.articled.pid

    def worker_pids(self):
        return procs.articled_workers(self.articled.pid)

    def maker_pid(self):
        return procs.articled_maker(self.articled.pid)

    def get_answered(self, path, **kw):
        """(response, pid of the worker that answered it): the one worker
        whose /proc/PID/io shows a write of at least the body's length
        while the request was in flight; None if nginx answered itself
        or it is ambiguous (a worker logged at the same moment).  Only
        meaningful with one request in flight at a time."""
        pids = self.worker_pids()
        before = {p: written(p) for p in pids}
        r = self.request(path, **kw)
        writers = []
        for p in pids:
            now, then = written(p), before[p]
            if now and then and now[1] > then[1] and now[0] - then[0] >= len(r.body):
                writers.append(p)
        return r, writers[0] if len(writers) == 1 else None

    def get_everywhere(self, path, timeout=10, **kw):
        """GETs path until every worker has answered it at least once
        (seen in /proc/PID/io, see get_answered); returns every response,
        so a check of all of them is a check of every worker's answer
        (and its cache).  Raises WaitTimeout naming the workers that
        never answered."""
        answered, responses = set(), []

        def everyone():
            r, pid = self.get_answered(path, **kw)
            responses.append(r)
            if pid is not None:
                answered.add(pid)
            return set(self.worker_pids()) <= answered
        wait_until(everyone, "every worker to answer GET %s" % path, timeout,
                   step=0, describe=lambda _: "workers %s, answered by %s" % (
                       sorted(self.worker_pids()), sorted(answered)))
        return responses

    def wait_every_worker(self, path, pred, what, timeout=10, since=None):
        """GETs path until the latest answer of every current worker
        satisfies pred (a worker replaced meanwhile must answer too);
        answers before the time `since` (time.time()) do not count.
        Returns every response; raises WaitTimeout naming `what`."""
        latest, responses = {}, []

        def all_done():
            r, pid = self.get_answered(path)
            responses.append(r)
            if pid is not None and (since is None or time.time() >= since):
                latest[pid] = bool(pred(r))
            workers = self.worker_pids()
            return bool(workers) and all(latest.get(p) for p in workers)
        wait_until(all_done, "every worker to answer GET %s with %s" % (path, what),
                   timeout, step=0.02, describe=lambda _: "workers %s, latest %s" % (
                       sorted(self.worker_pids()), latest))
        return responses

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    # ---- HTTP -----------------------------------------------------------
    def request(self, path, method="GET", headers=None, body=None, timeout=10):
        """Sends path exactly as given (no normalisation)."""
        return http_request(self.port, path, method, headers, body, timeout)

    def get(self, path, **kw):
        return self.request(path, **kw)

    def url(self, path="/"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    # ---- the owner's shell -------------------------------------------------
    def sql(self, sql, check=True):
        """Runs SQL through the real sqlite3 shell, set up as the README
        advises the owner (~/.sqliterc: .timeout 5000, so a statement
        typed while articled's fold holds the lock for its millisecond
        waits instead of failing); returns stdout."""
        r = subprocess.run(["sqlite3", "-bail", "-cmd", ".timeout 5000", self.db],
                           input=sql,
                           capture_output=True, text=True, cwd=self.dir)
        if check and r.returncode != 0:
            raise AssertionError("sqlite3 failed: %s" % r.stderr)
        return r if not check else r.stdout

    def scalar(self, sql):
        return self.sql(sql).strip()

    def stored_total(self, slug):
        return int(self.scalar(
            "SELECT v.total FROM views v JOIN articles a ON a.id = v.article_id "
            "WHERE a.slug = '%s';" % slug))

    def live_views(self, slug):
        """The live count as the admin sees it (bin/viewtail --json)."""
        out = subprocess.run([os.path.join(ROOT, "bin", "viewtail"), "--db", self.db,
                              "--json"], capture_output=True, text=True, check=True)
        for row in json.loads(out.stdout):
            if row["slug"] == slug:
                return row["total"]
        raise KeyError(slug)

    def wait_folded(self, slug, expected, timeout=10):
        """Waits until the stored views.total of slug is expected (the
        master folds every second); returns it, or raises WaitTimeout
        with the last value seen."""
        def reached():
            return self.stored_total(slug) == expected
        wait_until(reached, "views.total of %s to reach %d" % (slug, expected),
                   timeout, step=0.05,
                   describe=lambda _: "views.total %d" % self.stored_total(slug))
        return expected

    def fold_settled(self, slug, timeout=10):
        """Waits until every view counted in the counter file for slug is
        folded into SQLite: views.total equals the live count that
        bin/viewtail reads (total - folded + the shared counter).  Call
        it once no more views of slug are being made; returns the total."""
        def caught_up():
            stored = self.stored_total(slug)
            return stored == self.live_views(slug) and (stored, )
        return wait_until(caught_up, "the fold of %s to catch up with its live "
                          "counter (views.total = viewtail's total)" % slug, timeout,
                          step=0.05, describe=lambda _: "views.total %d, live %d" % (
                              self.stored_total(slug), self.live_views(slug)))[0]

    # ---- load (added for tests/e2e/test_views.py and test_robustness.py) ---
    def load(self, path, n, concurrency=32, **kw):
        """Sends exactly n GETs of path over `concurrency` keep-alive
        connections with our own client and returns a LoadResult that
        knows every request's outcome (see LoadResult)."""
        return LoadRun(self.port, path, n, concurrency, **kw).run()

    def load_background(self, path, n, concurrency=32, **kw):
        """The same, in a thread: returns the LoadRun at once; call
        .wait(timeout) for the LoadResult, .done for progress."""
        return LoadRun(self.port, path, n, concurrency, **kw).start()


class LoadResult:
    """Outcomes of a load run, counted by the client itself.
    ok: 200 answers whose whole Content-Length body arrived.
    statuses: every complete answer by status (200 included).
    truncated: answers cut before their body was complete, by status.
    errors: requests that got no answer at all (refused, reset, EOF).
    latencies: seconds per request, from send to last byte or failure."""

    def __init__(self):
        import collections
        self.statuses = collections.Counter()
        self.truncated = collections.Counter()
        self.errors = 0
        self.latencies = []
        self.bodies_bad = 0       # 200 whose body lacks </html>
        self.seconds = 0.0

    @property
    def ok(self):
        return self.statuses[200]

    @property
    def sent(self):
        return sum(self.statuses.values()) + sum(self.truncated.values()) + \
            self.errors

    @property
    def failed(self):
        """Every request that did not end in a complete 200."""
        return self.sent - self.ok

    @property
    def max_latency(self):
        return max(self.latencies) if self.latencies else 0.0

    def summary(self):
        return ("sent %d, ok %d, statuses %s, truncated %s, errors %d, "
                "max latency %.3f s, %.1f s" % (
                    self.sent, self.ok, dict(self.statuses),
                    dict(self.truncated), self.errors, self.max_latency,
                    self.seconds))


class LoadRun:
    """An asyncio HTTP/1.1 keep-alive client: exactly n requests, each
    one accounted for.  A request is taken from the budget before it is
    sent, so the budget is never exceeded; after a failure a connection
    waits `backoff` seconds before its next request, so a restart gap
    does not burn the whole budget.  max_seconds bounds the run."""

    def __init__(self, port, path, n, concurrency=32, headers=None,
                 backoff=0.005, timeout=10.0, max_seconds=120.0):
        import threading
        self.port = port
        self.path = path
        self.n = n
        self.concurrency = concurrency
        self.headers = headers or {}
        self.backoff = backoff
        self.timeout = timeout
        self.max_seconds = max_seconds
        self.taken = 0
        self.done = 0
        self.failures = 0         # requests so far without a complete 200
        self.result = LoadResult()
        self._thread = None
        self._finished = threading.Event()
        self._exc = None

    def _request_bytes(self):
        lines = ["GET %s HTTP/1.1" % self.path, "Host: 127.0.0.1:%d" % self.port,
                 "User-Agent: articled-tests/1.0"]
        lines += ["%s: %s" % kv for kv in self.headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    async def _one(self, reader, writer, req):
        """Returns (status, complete, keep_alive) or raises."""
        import asyncio
        writer.write(req)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        hdr = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                hdr[k.strip().lower()] = v.strip()
        keep = hdr.get("connection", "").lower() != "close"
        body = b""
        try:
            if "content-length" in hdr:
                body = await reader.readexactly(int(hdr["content-length"]))
            elif hdr.get("transfer-encoding", "").lower() == "chunked":
                while True:
                    size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    body += await reader.readexactly(size + 2)
                    if size == 0:
                        break
                    body = body[:-2]
            else:
                body = await reader.read()
                keep = False
        except (asyncio.IncompleteReadError, ConnectionError):
            return status, False, False, body
        return status, True, keep, body

    async def _conn_loop(self, deadline):
        import asyncio
        req = self._request_bytes()
        reader = writer = None
        res = self.result
        while self.taken < self.n and time.time() < deadline:
            self.taken += 1
            t0 = time.time()
            failed = False
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                status, complete, keep, body = await asyncio.wait_for(
                    self._one(reader, writer, req), self.timeout)
                if complete:
                    res.statuses[status] += 1
                    if status == 200 and not body.rstrip().endswith(b"</html>"):
                        res.bodies_bad += 1
                    failed = status != 200
                else:
                    res.truncated[status] += 1
                    failed = True
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError,
                    asyncio.LimitOverrunError, ValueError, IndexError):
                res.errors += 1
                failed, keep = True, False
            res.latencies.append(time.time() - t0)
            self.done += 1
            self.failures += failed
            if failed or not keep:
                if writer is not None:
                    writer.close()
                reader = writer = None
            if failed and self.backoff:
                await asyncio.sleep(self.backoff)
        if writer is not None:
            writer.close()

    async def _main(self):
        import asyncio
        deadline = time.time() + self.max_seconds
        t0 = time.time()
        await asyncio.gather(*(self._conn_loop(deadline)
                               for _ in range(self.concurrency)))
        self.result.seconds = time.time() - t0

    def run(self):
        import asyncio
        try:
            asyncio.run(self._main())
        finally:
            self._finished.set()
        return self.result

    def start(self):
        import threading

        def target():
            try:
                self.run()
            except BaseException as e:  # reported by wait()
                self._exc = e
        self._thread = threading.Thread(target=target, daemon=True)
        self._thread.start()
        return self

    def cancel(self):
        """Sends no further requests; those in flight finish."""
        self.taken = max(self.taken, self.n)

    def wait_done(self, count, timeout=30):
        """Waits until at least count requests have finished; raises
        WaitTimeout if the load ends or the deadline passes first."""
        def done():
            if self.done < count and self._finished.is_set():
                raise WaitTimeout("the load ended after %d requests, before %d: %s"
                                  % (self.done, count, self.result.summary()))
            return self.done >= count
        wait_until(done, "%d requests of the load to finish" % count, timeout,
                   step=0.01, describe=lambda _: "%d done" % self.done)
        return self.done

    def wait(self, timeout=180):
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise AssertionError("load did not finish in %s s" % timeout)
        if self._exc is not None:
            raise self._exc
        return self.result
