"""Headless Chromium driven over the DevTools protocol, with a small
RFC 6455 WebSocket client (stdlib only): for the layout checks of
tests/e2e/test_html.py and the crawl of tests/e2e/test_adversarial.py.

    b = Browser(375, 800, tmpdir)      # a window of that size
    b.goto(url); b.eval("document.title"); b.screenshot(path); b.quit()

A missing or broken Chromium raises BrowserError with the reason (and the
tail of Chromium's log): the tests fail, they are never skipped.
$CHROMIUM names the binary (default /usr/bin/chromium).
"""
import base64
import hashlib
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

from wait import wait_until

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


class BrowserError(RuntimeError):
    """Chromium is missing, did not start, or broke the protocol."""


class WebSocket:
    """A minimal RFC 6455 client: text frames out (masked), frames in."""
    GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self, url, timeout=30):
        u = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout)
        key = base64.b64encode(os.urandom(16))
        self.sock.sendall(
            b"GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
            b"Sec-WebSocket-Version: 13\r\n\r\n" % (
                u.path.encode(), u.hostname.encode(), u.port, key))
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise BrowserError("websocket: closed during the handshake")
            data += chunk
        head, self.buf = data.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        if b" 101 " not in lines[0]:
            raise BrowserError("websocket: handshake refused: %r" % head)
        accept = base64.b64encode(hashlib.sha1(key + self.GUID).digest())
        if not any(l.lower().startswith(b"sec-websocket-accept:") and
                   l.split(b":", 1)[1].strip() == accept for l in lines):
            raise BrowserError("websocket: bad Sec-WebSocket-Accept: %r" % head)

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buf)))
            if not chunk:
                raise BrowserError("websocket: connection closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _send(self, opcode, payload):
        head = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(head + mask + masked)

    def send(self, text):
        self._send(0x1, text.encode())

    def recv(self):
        """The next whole text message."""
        parts = []
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise BrowserError("websocket: closed by the browser")
            if opcode == 0x9:
                self._send(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            parts.append(payload)
            if b0 & 0x80:
                return b"".join(parts).decode()

    def close(self):
        try:
            self._send(0x8, b"")
        except OSError:
            pass
        self.sock.close()


class Browser:
    """Headless Chromium with one page, driven over DevTools."""

    def __init__(self, width, height, tmpdir):
        self.profile = tempfile.mkdtemp(prefix="chromium-", dir=tmpdir)
        self.log = os.path.join(tmpdir, "chromium-%d.log" % width)
        if not os.access(CHROMIUM, os.X_OK):
            raise BrowserError("%s is missing: tools/deps test installs chromium"
                               % CHROMIUM)
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--hide-scrollbars",
                 "--user-data-dir=" + self.profile,
                 "--window-size=%d,%d" % (width, height),
                 "--remote-debugging-port=0", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True)
        self.ws = None
        self.next_id = 0
        self.events = []
        try:
            self._connect()
        except Exception as e:
            self.quit()
            raise BrowserError("Chromium did not start: %s\n%s" % (e, self._log_tail()))

    def _log_tail(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def _devtools_port(self):
        """The port Chromium wrote to DevToolsActivePort, or None yet."""
        if self.proc.poll() is not None:
            raise BrowserError("chromium exited with %d" % self.proc.returncode)
        try:
            with open(os.path.join(self.profile, "DevToolsActivePort")) as f:
                return int(f.readline().strip())
        except (OSError, ValueError):
            return None

    def _connect(self):
        port = wait_until(self._devtools_port, "Chromium to write its "
                          "DevToolsActivePort", 30, step=0.05)

        def page_targets():
            with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port,
                                        timeout=10) as r:
                return [t for t in json.load(r) if t.get("type") == "page"]
        targets = wait_until(page_targets, "Chromium to list a page target",
                             30, step=0.05)
        self.ws = WebSocket(targets[0]["webSocketDebuggerUrl"])
        self.call("Page.enable")
        self.call("Runtime.enable")

    def call(self, method, **params):
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise BrowserError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            self.events.append(msg)

    def goto(self, url, timeout=20):
        self.events = []
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > deadline:
                raise BrowserError("no load event for %s in %d s" % (url, timeout))
            self.events.append(json.loads(self.ws.recv()))    # blocks until one

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        if "exceptionDetails" in r:
            raise BrowserError("%s: %s" % (expr[:60], r["exceptionDetails"]))
        return r["result"].get("value")

    def screenshot(self, path):
        m = self.call("Page.getLayoutMetrics")
        size = m.get("cssContentSize") or m["contentSize"]
        r = self.call("Page.captureScreenshot", format="png",
                      captureBeyondViewport=True,
                      clip={"x": 0, "y": 0, "width": size["width"],
                            "height": min(size["height"], 6000), "scale": 1})
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))

    def quit(self):
        if self.ws is not None:
            try:
                self.call("Browser.close")
            except Exception:
                pass
            self.ws.close()
            self.ws = None
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)
