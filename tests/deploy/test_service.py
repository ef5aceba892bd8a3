"""The systemd unit that `make install` installs: `systemd-analyze verify`
has nothing to say about it (it exits 0 even on unknown keys, so any output
fails), and `systemd-analyze security --offline=yes` rates its exposure at
most THRESHOLD.  No systemd runs here: both commands work offline.  The
unit is checked where it is installed, inside a private mount namespace
with the DESTDIR's /usr/local over the machine's, so that its ExecStart
binary and its man: documentation exist as they will on a real host."""
import os
import re
import shutil
import subprocess

import pytest

from source_tree import copy_source

# systemd rates 0 (best) to 10 (worst); 2.0 and below is "OK", and
# articled needs only its state folder and a Unix socket.
THRESHOLD = 1.5
UNIT = "/usr/local/lib/systemd/system/articled.service"


def in_namespace(dest, script):
    """Runs script (sh) with dest/usr/local mounted over /usr/local."""
    return subprocess.run(
        ["unshare", "--mount", "sh", "-c",
         "mount --bind %s/usr/local /usr/local && %s" % (dest, script)],
        capture_output=True, text=True, timeout=120)


# The first test pays for the fixture's make install (up to 300 s).
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    if os.geteuid() != 0 or shutil.which("systemd-analyze") is None:
        pytest.skip("needs root and systemd-analyze (tools/deps test)")
    src = copy_source(str(tmp_path_factory.mktemp("src")))
    dest = str(tmp_path_factory.mktemp("dest"))
    subprocess.run(["make", "-s", "install", "PREFIX=/usr/local",
                    "DESTDIR=" + dest], cwd=src, check=True,
                   capture_output=True, timeout=300)
    return dest


def test_verify_says_nothing_about_the_installed_unit(installed):
    r = in_namespace(installed, "systemd-analyze verify %s" % UNIT)
    assert r.returncode == 0
    assert r.stdout + r.stderr == ""


def test_verify_would_have_spoken(installed, tmp_path):
    # The check above is not vacuous: an unknown key or a missing binary
    # is reported (with exit status 0 for the key).
    bad = tmp_path / "bad.service"
    bad.write_text("[Service]\nExecStart=/usr/local/bin/articled\n"
                   "NoNewPrivilege=yes\n")
    r = in_namespace(installed, "systemd-analyze verify %s" % bad)
    assert "Unknown key" in r.stdout + r.stderr


def test_security_exposure_is_under_the_threshold(installed):
    # --threshold counts in tenths of the level shown.
    r = in_namespace(installed, "systemd-analyze security --offline=yes "
                     "--threshold=%d %s" % (round(THRESHOLD * 10), UNIT))
    m = re.search(r"Overall exposure level for articled.service: ([0-9.]+)",
                  r.stdout)
    assert m, r.stdout + r.stderr
    assert float(m.group(1)) <= THRESHOLD, r.stdout
    assert r.returncode == 0, r.stdout + r.stderr


def test_unit_has_the_hardening_asked_for(installed):
    with open(installed + UNIT) as f:
        text = f.read()
    settings = dict(re.findall(r"^(\w+)=(.*)$", text, re.M))
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict",
                       "ProtectHome": "yes", "PrivateTmp": "yes",
                       "RestrictAddressFamilies": "AF_UNIX",
                       "ReadWritePaths": "/var/lib/articled",
                       "User": "articled",
                       "ExecReload": "/bin/kill -HUP $MAINPID"}.items():
        assert settings.get(key) == value, (key, settings.get(key))
    assert settings["ExecStart"].startswith("/usr/local/bin/articled ")


def test_man_pages_read_with_man(installed):
    for page, title in (("articled", "ARTICLED(8)"), ("viewtail", "VIEWTAIL(1)")):
        r = in_namespace(installed, "MANWIDTH=80 man --warnings %s 2>&1 | "
                         "col -b" % page)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith(title), r.stdout[:200]
        assert "warning" not in r.stdout.lower()
        assert "SYNOPSIS" in r.stdout and "--db" in r.stdout
