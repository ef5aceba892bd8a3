"""Where the time goes: instructions per request of one ceiling worker and
one articled worker under callgrind (deterministic, unlike requests/s on
a busy machine; kernel time is not in these counts)."""
import os
import re
import shutil
import subprocess

import verify
from context import ARTICLE, ROOT, log
from servers import Server

CG_LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+([*>])\s+(\S+)(?:\s+\(([\d,]+)x\))?")
TOOLS = ("valgrind", "callgrind_annotate", "ab")
CALLGRIND_BUILD = os.path.join(ROOT, "build", "callgrind", "articled")


def callgrind_tree(path):
    """{function: (inclusive Ir, {callee: (Ir, calls)})} from callgrind_annotate."""
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--tree=calling",
                          "--threshold=100", path], capture_output=True, text=True).stdout
    tree, cur = {}, None
    for line in out.splitlines():
        m = CG_LINE.match(line)
        if not m:
            if not line.strip():
                cur = None
            continue
        ir = int(m.group(1).replace(",", ""))
        name = m.group(3).rsplit(":", 1)[-1].split(".")[0]   # S_x.isra.0: S_x
        if m.group(2) == "*":
            cur = tree.setdefault(name, (ir, {}))
        elif cur is not None:
            calls = int(m.group(4).replace(",", "")) if m.group(4) else 0
            old = cur[1].get(name, (0, 0))
            cur[1][name] = (old[0] + ir, old[1] + calls)
    return tree


def S_per_request(callees, reqs):
    """The callees costing at least 100 instructions a request, costliest first."""
    return sorted(((ir / max(reqs, 1), name) for name, (ir, _) in callees.items()
                   if ir / max(reqs, 1) >= 100), reverse=True)


def S_run(bench, kind, db, n):
    """One server under callgrind answering n requests: its busiest
    worker's call tree, or None."""
    d = os.path.join(bench.work, "callgrind-" + kind)
    os.makedirs(d)
    vg = ["valgrind", "--tool=callgrind", "--callgrind-out-file=%s/cg.%%p" % d]
    if kind == "ceiling":
        args, path = vg + [bench.ceiling, bench.sock, "1", bench.page], "/"
    else:
        # The build without the seccomp filter: valgrind's own calls
        # would trip it (docs/security.md).
        args = vg + [CALLGRIND_BUILD, "--db", db, "--templates",
                     os.path.join(ROOT, "templates"), "--socket", bench.sock,
                     "--workers", "1"]
        path = ARTICLE
    s = Server(bench, args, "callgrind-" + kind, path, timeout=60)
    p = subprocess.run(["ab", "-q", "-n", str(n), "-c", "2",
                        "http://127.0.0.1:%d%s" % (bench.port, path)],
                       capture_output=True, text=True, timeout=300)
    s.stop()
    verify.ab_output(p.stdout, p.stderr, n)
    files = sorted((os.path.getsize(os.path.join(d, f)), f) for f in os.listdir(d))
    if not files:
        return None
    return callgrind_tree(os.path.join(d, files[-1][1]))   # the busy worker


def profile(bench, db):
    """Instructions per request (article page, counting on); None with
    --quick or without the tools."""
    if bench.cfg.quick or not all(shutil.which(x) for x in TOOLS):
        if not bench.cfg.quick:
            log("no profile: needs %s" % ", ".join(TOOLS))
        return None
    res = {}
    for kind in ("ceiling", "articled"):
        tree = S_run(bench, kind, db, 2000)
        if tree is None:
            return None
        if kind == "ceiling":
            total, callees = tree.get("main", (0, {}))
            reqs = callees.get("FCGX_Accept_r", (0, 1))[1] - 1
            res["ceiling"] = total / max(reqs, 1)
        else:
            total, callees = tree.get("fastcgi_serve", (0, {}))
            reqs = callees.get("request_parse", (0, 1))[1]
            res["articled"] = total / max(reqs, 1)
            res["parts"] = S_per_request(callees, reqs)
            res["pages"] = S_per_request(tree.get("pages_handle", (0, {}))[1], reqs)
        res[kind + "_requests"] = reqs
        log("callgrind: %s %.1fk instructions per request" % (kind, res[kind] / 1000))
    return res
