"""Starts and drives articled + nginx for the end-to-end tests.

Site(tmpdir) makes a database with the real sqlite3 shell, derives an
nginx configuration from nginx.conf.example with tools/nginx-conf, and
starts both on a free loopback port, each in its own process group so a
test can stop every process it started.  The articled binary is
$ARTICLED_BIN (default: the sanitizer build if present, else bin/articled).
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SEED_SLUG = "sciatica-and-back-pain-what-s-the-difference-and-can-acupuncture-help"


def default_binary():
    env = os.environ.get("ARTICLED_BIN")
    if env:
        return env
    asan = os.path.join(ROOT, "build", "asan", "articled")
    return asan if os.path.exists(asan) else os.path.join(ROOT, "bin", "articled")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        self.log_path = os.path.join(self.var, "log", "articled.log")
        conf = subprocess.run([os.path.join(ROOT, "tools", "nginx-conf"), ROOT,
                               self.var, str(self.port), self.sock],
                              check=True, capture_output=True, text=True).stdout
        self.nginx_conf = os.path.join(self.var, "nginx.conf")
        with open(self.nginx_conf, "w") as f:
            f.write(conf)

    # ---- processes ------------------------------------------------------
    def articled_args(self):
        return [self.binary, "--db", self.db, "--templates",
                os.path.join(ROOT, "templates"), "--socket", self.sock,
                "--workers", str(self.workers), "--error-pages",
                os.path.join(self.var, "errors")] + self.extra_args

    def start_articled(self, wait=True):
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        log = open(self.log_path, "ab")
        self.articled = subprocess.Popen(self.articled_args(), stdout=log,
                                         stderr=log, env=self.env,
                                         start_new_session=True)
        log.close()
        if wait:
            self.wait_for_socket()

    def wait_for_socket(self, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if os.path.exists(self.sock):
                try:
                    with socket.socket(socket.AF_UNIX) as s:
                        s.connect(self.sock)
                    return
                except OSError:
                    pass
            if self.articled.poll() is not None:
                raise RuntimeError("articled exited %s: %s" % (
                    self.articled.returncode, self.log()))
            time.sleep(0.02)
        raise RuntimeError("articled did not listen: " + self.log())

    def start_nginx(self):
        subprocess.run(["nginx", "-t", "-q", "-c", self.nginx_conf, "-p", self.var,
                        "-e", os.path.join(self.var, "log", "error.log")],
                       check=True, capture_output=True)
        self.nginx = subprocess.Popen(
            ["nginx", "-c", self.nginx_conf, "-p", self.var, "-e",
             os.path.join(self.var, "log", "error.log"), "-g", "daemon off;"],
            start_new_session=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("nginx did not start")

    def start(self):
        self.start_articled()
        self.start_nginx()

    def stop_articled(self, sig=signal.SIGTERM, timeout=20):
        if self.articled is None:
            return None
        try:
            os.killpg(self.articled.pid, sig)
        except ProcessLookupError:
            pass
        try:
            rc = self.articled.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.articled.pid, signal.SIGKILL)
            rc = self.articled.wait()
        # Workers are in the same process group: make sure none is left.
        try:
            os.killpg(self.articled.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.articled = None
        return rc

    def stop(self):
        self.stop_articled()
        if self.nginx is not None:
            try:
                os.killpg(self.nginx.pid, signal.SIGQUIT)
                self.nginx.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.nginx.pid, signal.SIGKILL)
            self.nginx = None

    def master_pid(self):
        return self.articled.pid

    def worker_pids(self):
        out = subprocess.run(["pgrep", "-P", str(self.articled.pid)],
                             capture_output=True, text=True).stdout
        return [int(x) for x in out.split()]

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    # ---- HTTP -----------------------------------------------------------
    def request(self, path, method="GET", headers=None, body=None, timeout=10):
        """Sends path exactly as given (no normalisation)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
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

    def get(self, path, **kw):
        return self.request(path, **kw)

    def url(self, path="/"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    # ---- the owner's shell -------------------------------------------------
    def sql(self, sql, check=True):
        """Runs SQL through the real sqlite3 shell; returns stdout."""
        r = subprocess.run(["sqlite3", "-bail", self.db], input=sql,
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
        """Waits until the stored total reaches expected (the master folds
        every second); returns the last value seen."""
        deadline = time.time() + timeout
        v = self.stored_total(slug)
        while v != expected and time.time() < deadline:
            time.sleep(0.1)
            v = self.stored_total(slug)
        return v
