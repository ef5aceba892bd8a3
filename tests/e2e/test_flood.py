"""Issue 13: a slow-client flood cannot take the site down.

With the configuration derived from nginx.conf.example (tools/nginx-conf),
one client address (127.0.0.1) keeps 2,000 connections open, each having
sent half a request and reconnecting when nginx drops it, while a normal
reader from another address (127.0.0.2) reads pages.  Every normal
request must be answered, quickly.  Bounded: 2,000 sockets, 14 s, loopback
only; the test raises its own RLIMIT_NOFILE to hold them."""
import errno
import http.client
import os
import resource
import selectors
import socket
import threading
import time

import pytest

from site_harness import ROOT, SEED_SLUG, Site

FLOOD = 2000
SECONDS = 14.0          # more than twice client_header_timeout (5 s)
HALF = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow/1.0\r\n"
READER_ADDRESS = "127.0.0.2"


def raise_nofile(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        if hard != resource.RLIM_INFINITY and hard < need:
            pytest.skip("RLIMIT_NOFILE hard limit %d < %d" % (hard, need))
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))


class Flood:
    """FLOOD half-sent requests from 127.0.0.1, each reopened when nginx
    closes it, for SECONDS; counts what nginx did to them."""

    def __init__(self, port):
        self.port = port
        self.sel = selectors.DefaultSelector()
        self.open = 0
        self.dropped = 0        # closed or reset by nginx
        self.peak = 0
        self.stop = threading.Event()
        self.started = threading.Event()

    def _connect(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        rc = s.connect_ex(("127.0.0.1", self.port))
        if rc not in (0, errno.EINPROGRESS):
            s.close()
            return
        self.sel.register(s, selectors.EVENT_WRITE, "connecting")
        self.open += 1

    def _drop(self, s):
        self.sel.unregister(s)
        s.close()
        self.open -= 1

    def _event(self, key, mask):
        s = key.fileobj
        if key.data == "connecting":
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                self._drop(s)
                return
            try:
                s.send(HALF)
            except OSError:
                self._drop(s)
                return
            self.sel.modify(s, selectors.EVENT_READ, "waiting")
            return
        try:
            data = s.recv(4096)
        except OSError:
            data = b""
        if not data:                # nginx timed it out (reset or FIN)
            self.dropped += 1
            self._drop(s)

    def run(self):
        deadline = time.time() + SECONDS
        while not self.stop.is_set() and time.time() < deadline:
            while self.open < FLOOD:
                self._connect()
            self.peak = max(self.peak, self.open)
            self.started.set()
            for key, mask in self.sel.select(0.2):
                self._event(key, mask)
        self.started.set()
        for key in list(self.sel.get_map().values()):
            self._drop(key.fileobj)


def read_page(port, path):
    """(status, body, seconds); status is the error's text when nginx
    reset or refused the reader."""
    t0 = time.time()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10,
                                   source_address=(READER_ADDRESS, 0))
    try:
        c.request("GET", path, headers={"User-Agent": "reader/1.0"})
        r = c.getresponse()
        body = r.read()
        return r.status, body, time.time() - t0
    except OSError as e:
        return "%s %s" % (path, e), b"", time.time() - t0
    finally:
        c.close()


@pytest.fixture
def fsite(tmp_path):
    raise_nofile(FLOOD + 1000)
    s = Site(tmp_path, workers=1, binary=os.path.join(ROOT, "bin", "articled"))
    s.start()
    yield s
    s.stop()


def test_example_config_holds_the_limits():
    conf = open(os.path.join(ROOT, "nginx.conf.example")).read()
    for needle in ("limit_conn_zone $binary_remote_addr", "limit_conn articled",
                   "worker_rlimit_nofile 20000;", "worker_connections 8192;",
                   "client_header_timeout 5s;", "client_body_timeout 5s;",
                   "reset_timedout_connection on;"):
        assert needle in conf, needle


def test_2000_slow_connections_from_one_address_normal_reader_always_answered(fsite):
    flood = Flood(fsite.port)
    t = threading.Thread(target=flood.run, daemon=True)
    t.start()
    assert flood.started.wait(10), "the flood never opened its connections"
    answers = []
    paths = ["/", "/blog", "/post/" + SEED_SLUG]
    try:
        while t.is_alive():
            answers.append(read_page(fsite.port, paths[len(answers) % 3]))
    finally:
        flood.stop.set()
        t.join(30)
    assert flood.peak >= FLOOD, "only %d flood connections open" % flood.peak
    # nginx dropped the half-sent requests at its header timeout, and the
    # flood came back: the reader met fresh connections all along.
    assert flood.dropped >= FLOOD, "nginx dropped only %d" % flood.dropped
    bad = [(s, round(d, 2)) for s, b, d in answers if s != 200 or b"</html>" not in b]
    assert not bad, bad
    assert len(answers) >= 50, len(answers)
    slowest = max(d for _, _, d in answers)
    assert slowest < 2.0, "a normal request took %.2f s" % slowest
    err = open(os.path.join(fsite.var, "log", "error.log")).read()
    assert "worker_connections are not enough" not in err, err[-2000:]
    assert "limiting connections" not in err, err[-2000:]
