"""bench/run's settings (Config) and the state of one run (Bench): its
working directory, the processes it started, the nginx and the server in
front, the rows measured.  Processes start and stop through tests/lib/procs.py,
as the tests' do: each in its own process group, all killed on exit."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import procs  # noqa: E402  (tests/lib/procs.py)

BUILD = os.path.join(ROOT, "build", "bench")
SEED_SLUG = "sciatica-and-back-pain-what-s-the-difference-and-can-acupuncture-help"
ARTICLE = "/post/" + SEED_SLUG
MISSING = "/post/no-such-article"


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


class Config:
    """Durations and counts; --quick makes every one small.  The full run
    stays under 5 minutes on 2 cores; --quick under 30 s.  wrk takes
    whole seconds."""

    def __init__(self, quick, out=None):
        self.quick = quick
        self.out = out or (os.path.join(BUILD, "quick") if quick
                           else os.path.join(ROOT, "docs"))
        self.d32 = 1 if quick else 5        # wrk -t2 -c32: requests/s
        self.d1 = 1 if quick else 3         # wrk -t1 -c1: p50/p99 latency
        self.warm = 1                       # wrk warm-up before a server's first run
        self.lock_seconds = 1 if quick else 5
        self.ncpu = os.cpu_count() or 1
        # articled's default (cgi/serve/main.c): one worker per two CPUs,
        # at least two
        self.default_workers = max(2, (self.ncpu + 1) // 2)
        self.default_workers_rule = "one per two CPUs, at least two"
        self.ceiling_workers = [self.ncpu] if quick else [1, 2, 3, 4]
        self.sweep_workers = [] if quick else [1, 2, 3, 4]
        self.rounds = 1 if quick else 3     # interleaved rounds: ceiling, on, off
        self.dround = 1 if quick else 3     # their wrk -c32 duration
        self.d1round = 1 if quick else 2    # and their wrk -c1 duration
        self.nginx_workers = os.environ.get("NGINX_WORKERS")


class Bench:
    """One run: cfg, the working directory (removed at the end unless
    BENCH_KEEP is set), every process started (killed at the end), and
    what the phases share: nginx, the server in front, the rows."""

    def __init__(self, cfg):
        self.cfg = cfg
        os.makedirs(BUILD, exist_ok=True)
        # Outside build/, so that a 'make clean' elsewhere cannot pull the
        # floor from under a run.
        self.work = tempfile.mkdtemp(prefix="articled-bench-")
        os.makedirs(os.path.join(self.work, "log"))
        self.procs = []         # Popen objects, each leading its process group
        self.articled = os.path.join(self.work, "articled")
        self.ceiling = os.path.join(self.work, "ceiling")
        self.sock = os.path.join(self.work, "fcgi.sock")
        self.port = procs.free_port()
        self.page = os.path.join(self.work, "page.html")
        self.nginx = None
        self.server = None
        self.rows = []
        self.res = {"startup": {}, "rss": [], "sweep": {}, "ceiling": {},
                    "nginx_trial": {}}
        self.info = {}

    def start(self, args, logname, env=None):
        p = procs.start(args, os.path.join(self.work, "log", logname), env)
        self.procs.append(p)
        return p

    def stop(self, p, sig=signal.SIGTERM, timeout=15):
        if p is None:
            return
        procs.stop(p, sig, timeout)
        self.procs.remove(p)

    def cleanup(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                procs.kill_group(p.pid)
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    pass
            procs.kill_group(p.pid)     # workers left by a master that died first
        if os.path.isdir(self.work) and not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(self.work, ignore_errors=True)


def sh(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout
