"""Real CGI servers in front of articled, each on a private configuration.

CgiServer(kind, workdir) starts Debian's Apache httpd (kind "apache-cgi":
prefork MPM with mod_cgi; "apache-cgid": event MPM with mod_cgid, what
`a2enmod cgi` gives on Debian's default MPM) or lighttpd (kind "lighttpd",
mod_cgi) as root on a free loopback port, with its own ServerRoot, pid file,
logs and sockets under workdir; the server runs its CGI programs as its own
user, www-data.  The machine's own configuration and instances are never
read or touched.

articled is mapped at /cgi-bin/articled directly (ScriptAlias / alias.url),
with ARTICLED_DB and ARTICLED_TEMPLATES set by the server's own directive,
as the README tells a host to do.  The site folder and its database belong
to www-data, as the README says they must.
"""
import http.client
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

from site_harness import ROOT, default_binary, free_port, make_db, wait_for_port
from wait import WaitTimeout

SCRIPT = "/cgi-bin/articled"
KINDS = ("apache-cgi", "apache-cgid", "lighttpd")
APACHE_MODULES = "/usr/lib/apache2/modules"
# The tree's decoder: the sanitizer build of articled has none beside it.
PICTURE_MAKER = os.path.join(ROOT, "bin", "articled-picture")


def available(kind):
    """None if kind can run here, else why not."""
    exe = "lighttpd" if kind == "lighttpd" else "apache2"
    if shutil.which(exe) is None and not os.path.exists("/usr/sbin/" + exe):
        return "%s is not installed (tools/deps test installs it)" % exe
    if os.geteuid() != 0:
        return "starting %s as www-data needs root" % exe
    return None


def _apache_conf(s, cgid):
    mpm = "event" if cgid else "prefork"
    mods = ["mpm_" + mpm, "authz_core", "alias", "env",
            "cgid" if cgid else "cgi"]
    lines = ["LoadModule %s_module %s/mod_%s.so" % (m, APACHE_MODULES, m)
             for m in mods]
    lines += [
        'ServerRoot "%s"' % s.dir,
        "ServerName localhost",
        "Listen 127.0.0.1:%d" % s.port,
        'PidFile "%s/run/httpd.pid"' % s.dir,
        'DefaultRuntimeDir "%s/run"' % s.dir,
        'ErrorLog "%s"' % s.server_log,
        "LogLevel warn",
        "User www-data",
        "Group www-data",
        "Timeout 20",
        'DocumentRoot "%s/www"' % s.dir,
        "StartServers 1",
        "MaxRequestWorkers %d" % (4 if not cgid else 25),
        "ScriptAlias %s \"%s\"" % (SCRIPT, s.binary),
        '<Directory "%s">' % os.path.dirname(s.binary),
        "    Require all granted",
        "</Directory>",
        "SetEnv ARTICLED_DB \"%s\"" % s.db,
        "SetEnv ARTICLED_TEMPLATES \"%s\"" % s.templates,
        "SetEnv ARTICLED_PICTURE_MAKER \"%s\"" % PICTURE_MAKER,
        "SetEnv ASAN_OPTIONS detect_leaks=0:abort_on_error=1",
    ]
    if cgid:
        lines.append('ScriptSock "%s/run/cgid.sock"' % s.dir)
    else:
        lines += ["MinSpareServers 1", "MaxSpareServers 2"]
    return "\n".join(lines) + "\n"


def _lighttpd_conf(s):
    return "\n".join([
        'server.modules = ("mod_alias", "mod_cgi", "mod_setenv")',
        'server.document-root = "%s/www"' % s.dir,
        'server.bind = "127.0.0.1"',
        "server.port = %d" % s.port,
        'server.username = "www-data"',
        'server.groupname = "www-data"',
        'server.pid-file = "%s/run/lighttpd.pid"' % s.dir,
        'server.errorlog = "%s"' % s.server_log,
        'alias.url = ("%s" => "%s")' % (SCRIPT, s.binary),
        '$HTTP["url"] =~ "^%s" { cgi.assign = ("" => "") }' % SCRIPT,
        'setenv.add-environment = ("ARTICLED_DB" => "%s", '
        '"ARTICLED_TEMPLATES" => "%s", '
        '"ARTICLED_PICTURE_MAKER" => "%s", '
        '"ASAN_OPTIONS" => "detect_leaks=0:abort_on_error=1")' % (
            s.db, s.templates, PICTURE_MAKER),
    ]) + "\n"


class CgiServer:
    """A CGI server of the given kind serving articled at SCRIPT."""

    def __init__(self, kind, binary=None, templates=None):
        assert kind in KINDS, kind
        self.kind = kind
        self.binary = os.path.abspath(binary or default_binary())
        self.templates = templates or os.path.join(ROOT, "templates")
        # Not under pytest's tmp_path: www-data must reach the folder.
        self.dir = tempfile.mkdtemp(prefix="articled-%s-" % kind)
        os.chmod(self.dir, 0o755)
        for d in ("www", "run", "site"):
            os.makedirs(os.path.join(self.dir, d))
        self.site = os.path.join(self.dir, "site")
        self.db = make_db(os.path.join(self.site, "site.db"))
        www = pwd.getpwnam("www-data")
        self.uid, self.gid = www.pw_uid, www.pw_gid
        # What the README tells the admin: the CGI user owns the folder
        # and the database (articled and SQLite create the rest).
        for p in (self.site, self.db):
            os.chown(p, self.uid, self.gid)
        self.server_log = os.path.join(self.dir, "server.log")
        # lighttpd opens its error log after becoming www-data.
        open(self.server_log, "w").close()
        os.chown(self.server_log, self.uid, self.gid)
        self.port = free_port()
        self.proc = None
        self.conf = os.path.join(self.dir, "server.conf")
        with open(self.conf, "w") as f:
            if kind == "lighttpd":
                f.write(_lighttpd_conf(self))
            else:
                f.write(_apache_conf(self, kind == "apache-cgid"))

    def command(self):
        if self.kind == "lighttpd":
            return ["lighttpd", "-D", "-f", self.conf]
        return ["apache2", "-f", self.conf, "-DFOREGROUND"]

    def start(self, timeout=10):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("ARTICLED_", "APACHE_"))}
        env["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
        self.proc = subprocess.Popen(self.command(), env=env,
                                     start_new_session=True,
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(self.server_log + ".stderr",
                                                 "wb"))
        try:
            wait_for_port(self.port, self.kind, timeout, proc=self.proc)
        except WaitTimeout as e:
            self.stop()
            raise RuntimeError("%s: %s" % (e, self.log())) from None
        return self

    def stop(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self):
        out = ""
        for p in (self.server_log, self.server_log + ".stderr"):
            try:
                with open(p, errors="replace") as f:
                    out += f.read()
            except FileNotFoundError:
                pass
        return out

    # ---- HTTP ---------------------------------------------------------
    def request(self, path, method="GET", headers=None, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, \
                r.read().decode("utf-8", "replace")
        finally:
            conn.close()

    # ---- the database, through the sqlite3 shell -------------------------
    def scalar(self, sql):
        # As www-data, as the README tells the owner: a root shell could
        # leave files the CGI user cannot write.
        return subprocess.run(
            ["runuser", "-u", "www-data", "--", "sqlite3", "-bail", self.db],
            input=".timeout 5000\n" + sql, capture_output=True, text=True,
            check=True).stdout.strip()

    def wait_scalar(self, sql, expected, timeout=5):
        """Waits until sql gives expected (a string); returns the last
        value seen."""
        deadline = time.time() + timeout
        v = self.scalar(sql)
        while v != expected and time.time() < deadline:
            time.sleep(0.05)
            v = self.scalar(sql)
        return v
