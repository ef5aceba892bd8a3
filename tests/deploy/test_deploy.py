"""The README's "Deploying behind nginx" is a tested path.

The two shell blocks marked `<!-- deploy:setup … -->` and `<!-- deploy:check
… -->` in README.md are read from the README itself (so the two cannot drift)
and run as written, in order, as root, on a copy of the source tree — with the
machine untouched: inside `unshare --mount --net --pid`, with overlay mounts
over /etc, /usr, /var/lib, /var/cache and /var/log (their changes land in
a tmpfs that goes with the namespace), a tmpfs over /run, and a network
namespace of its own whose loopback carries nginx's port 80.  When the
namespace's first process ends, every process started in it ends too.

The run ends with the seed article served through that nginx, counted, and
the installed `viewtail` (no options: the installed database) agreeing, and
the counts moved into SQLite."""
import json
import os
import re
import shutil
import subprocess

import pytest

from site_harness import ROOT, SEED_SLUG
from source_tree import copy_source

# /usr, not only /usr/local: `apt-get install` in the README may upgrade
# a package, and dpkg writes its files under /usr.
OVERLAID = ("/etc", "/usr", "/var/lib", "/var/cache", "/var/log")
# Watched for any change by the run: directories whose mtime moves when a
# file in them is added, removed or replaced.
WATCHED = ("/etc", "/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu",
           "/usr/local/bin", "/usr/local/share", "/var/lib", "/var/lib/dpkg")


def readme_block(marker):
    """The first ```sh block after the line holding marker."""
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    at = text.index(marker)
    m = re.compile(r"```sh\n(.*?)```", re.S).search(text, at)
    assert m, "no ```sh block after %s" % marker
    return m.group(1)


DRIVER = r'''
set -eu
stage=$1 src=$2
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# The copy-on-write layer of every overlay lives in this tmpfs, which
# exists only in this mount namespace.
mount -t tmpfs tmpfs "$stage"
for d in %(overlaid)s; do
	n=$(echo "$d" | tr / _)
	mkdir -p "$stage/$n.up" "$stage/$n.work"
	mount -t overlay overlay \
	    -o "lowerdir=$d,upperdir=$stage/$n.up,workdir=$stage/$n.work" "$d"
done
mount -t tmpfs -o mode=0755 tmpfs /run
ip link set lo up
cd "$src"
echo "== setup"
sh -eux "$stage/../setup.sh"
# Facts, with deadlines: articled's socket, nginx's port.
i=0
until [ -S /run/articled/articled.sock ]; do
	i=$((i + 1)); [ $i -le 200 ] || { echo "no socket"; cat /var/log/articled/articled.log; exit 1; }
	sleep 0.05
done
i=0
until curl -s -o /dev/null http://127.0.0.1/static/style.css; do
	i=$((i + 1)); [ $i -le 200 ] || { echo "nginx does not answer"; exit 1; }
	sleep 0.05
done
echo "== check"
sh -eu "$stage/../check.sh"
echo "== after"
curl -s http://127.0.0.1/post/%(slug)s | grep -o '[0-9]* views'
# The master moves the counts into SQLite every second.
i=0
until [ "$(runuser -u articled -- sqlite3 /var/lib/articled/site.db \
    "SELECT total FROM views")" = 68 ]; do
	i=$((i + 1)); [ $i -le 100 ] || { echo "counts not folded"; exit 1; }
	sleep 0.1
done
echo "stored $(runuser -u articled -- sqlite3 /var/lib/articled/site.db 'SELECT total FROM views')"
echo "viewtail-json $(viewtail --json | tr -d '\n')"
echo "owners $(stat -c '%%U' /var/lib/articled/* /var/lib/articled/errors/* | sort -u | tr '\n' ' ')"
echo "== log"
cat /var/log/articled/articled.log
'''


# The first test pays for the fixture: a build and install inside the
# namespace (16 s measured with the packages there; apt-get may download).
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("deploy")
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("the deployment is run as root inside unshare")
    src = copy_source(str(tmp_path / "articled"))
    os.makedirs(tmp_path / "stage")
    (tmp_path / "setup.sh").write_text(readme_block("<!-- deploy:setup"))
    (tmp_path / "check.sh").write_text(readme_block("<!-- deploy:check"))
    driver = tmp_path / "driver.sh"
    driver.write_text(DRIVER % {"overlaid": " ".join(OVERLAID),
                                "slug": SEED_SLUG})
    before = watched_state(), host_state()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ARTICLED_", "MAKEFLAGS", "MFLAGS"))}
    r = subprocess.run(
        ["unshare", "--mount", "--net", "--pid", "--fork", "--mount-proc",
         "--propagation", "private", "sh", str(driver),
         str(tmp_path / "stage"), src],
        capture_output=True, text=True, timeout=600, env=env)
    r.watched = (before[0], watched_state())
    r.host = (before[1], host_state())
    return r


def watched_state():
    out = {}
    for d in WATCHED:
        try:
            out[d] = os.stat(d).st_mtime_ns
        except FileNotFoundError:
            out[d] = None
    with open("/var/lib/dpkg/status", "rb") as f:
        out["dpkg status"] = hash(f.read())
    return out


# What a deployment makes; a machine where one was done before has some
# of them already, and the run must leave them as they were.
DEPLOYED = ("/var/lib/articled", "/run/articled", "/usr/local/share/articled",
            "/var/log/articled")


def tree_state(top):
    """Every path under top with its kind, size, mode, owner and mtime;
    None if top does not exist."""
    if not os.path.lexists(top):
        return None
    out = {}
    for d, dirs, files in os.walk(top):
        for name in [""] + dirs + files:
            p = os.path.join(d, name) if name else d
            st = os.lstat(p)
            out[p] = (st.st_mode, st.st_size, st.st_uid, st.st_mtime_ns)
    return out


def host_state():
    """The articled user's passwd entry (None if absent) and the trees a
    deployment writes."""
    import pwd
    try:
        user = tuple(pwd.getpwnam("articled"))
    except KeyError:
        user = None
    return {"user articled": user, **{p: tree_state(p) for p in DEPLOYED}}


def section(out, name):
    m = re.search(r"^== %s\n(.*?)(?=^== |\Z)" % name, out, re.S | re.M)
    assert m, "no '== %s' in:\n%s" % (name, out[-3000:])
    return m.group(1)


def test_readme_deployment_serves_counts_and_viewtail_agrees(run):
    out = run.stdout
    assert run.returncode == 0, out[-4000:] + run.stderr[-4000:]
    check = section(out, "check").splitlines()
    # curl … | grep -o '[0-9]* views': the seed article through nginx,
    # with the view that shows it.
    assert check[0] == "67 views", check
    # viewtail: the installed one, no options, reads the installed
    # database and shows the live count.
    header, row = check[1], next(l for l in check if l.startswith("sciatica"))
    assert header.split()[:3] == ["SLUG", "TITLE", "TOTAL"], header
    assert " 67 " in row, row
    after = section(out, "after")
    assert after.startswith("68 views\n")
    assert "stored 68\n" in after
    rows = json.loads(re.search(r"^viewtail-json (.*)$", after, re.M).group(1))
    assert [(r["slug"], r["total"], r["today"]) for r in rows] == \
        [(SEED_SLUG, 68, 2)]
    assert re.search(r"^owners articled $", after, re.M), after
    log = section(out, "log")
    assert "serving /var/lib/articled/site.db on /run/articled/articled.sock" \
        in log


def test_the_machine_is_untouched(run):
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    before, after = run.watched
    assert {k: v for k, v in after.items() if before[k] != v} == {}
    # The articled user and the deployed trees as they were before the
    # run: absent on a fresh machine, unchanged where a deployment had
    # been done before.
    before, after = run.host
    assert {k: v for k, v in after.items() if before[k] != v} == {}
