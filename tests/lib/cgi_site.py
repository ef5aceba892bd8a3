"""articled as a classic CGI program behind busybox httpd, as a host that
offers only CGI runs it: DOCROOT/cgi-bin/articled is a small shell
wrapper that sets the database and the templates and execs articled.

CgiSite(tmpdir) makes the database with the sqlite3 shell (site_harness
.make_db), starts busybox httpd in its own process group on a free port
(procs), and answers like Site: request() gives a site_harness.Response.
"""
import os
import signal
import subprocess

import procs
from site_harness import ROOT, SEED_SLUG, default_binary, http_request, make_db
from wait import wait_until

SCRIPT = "/cgi-bin/articled"

WRAPPER = """#!/bin/sh
# How a CGI-only host runs articled: set where the
# database and the templates are, then exec it.
ARTICLED_DB='%s'
ARTICLED_TEMPLATES='%s'
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export ARTICLED_DB ARTICLED_TEMPLATES ASAN_OPTIONS
exec '%s' 2>>'%s'
"""


def busybox_has_httpd():
    r = subprocess.run(["busybox", "--list"], capture_output=True, text=True)
    return r.returncode == 0 and "httpd" in r.stdout.split()


class CgiSite:
    """busybox httpd on a free port, articled under /cgi-bin/articled."""

    def __init__(self, tmp_path, binary=None):
        self.dir = str(tmp_path)
        self.db = make_db(os.path.join(self.dir, "site.db"))
        self.binary = binary or default_binary()
        self.docroot = os.path.join(self.dir, "www")
        os.makedirs(os.path.join(self.docroot, "cgi-bin"))
        self.stderr_path = os.path.join(self.dir, "httpd.log")
        wrapper = os.path.join(self.docroot, "cgi-bin", "articled")
        with open(wrapper, "w") as f:
            f.write(WRAPPER % (self.db, os.path.join(ROOT, "templates"),
                               self.binary, self.stderr_path))
        os.chmod(wrapper, 0o755)
        self.port = procs.free_port()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("ARTICLED_")}
        self.httpd = procs.start(["busybox", "httpd", "-f", "-p",
                                  "127.0.0.1:%d" % self.port, "-h", self.docroot],
                                 env=env)
        try:
            procs.wait_for_port(self.port, "busybox httpd", proc=self.httpd)
        except AssertionError:
            self.stop()
            raise

    def stop(self):
        procs.stop(self.httpd, signal.SIGKILL, 10)
        self.httpd = None

    def request(self, path, method="GET", headers=None, body=None):
        return http_request(self.port, path, method, headers,
                            body.encode() if isinstance(body, str) else body, 20)

    def runs_finished(self, timeout=10):
        """Waits until every CGI run has exited, its fold done: nothing
        is left in httpd's process group but httpd itself (a run and the
        httpd child that started it are in that group)."""
        wait_until(lambda: procs.group_members(self.httpd.pid) == [self.httpd.pid],
                   "every CGI run to exit (its fold done)", timeout,
                   describe=lambda _: "processes %s" % procs.group_members(
                       self.httpd.pid))

    def scalar(self, sql):
        # A CGI run is the last connection when it exits: it checkpoints
        # and removes the WAL, and a reader arriving just then is told
        # "database is locked" unless it waits a moment.
        return subprocess.run(["sqlite3", "-bail", self.db],
                              input=".timeout 5000\n" + sql,
                              capture_output=True, text=True,
                              check=True).stdout.strip()

    def stored_total(self):
        return int(self.scalar(
            "SELECT v.total FROM views v JOIN articles a ON a.id = "
            "v.article_id WHERE a.slug = '%s';" % SEED_SLUG))

    def log(self):
        try:
            with open(self.stderr_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""
