"""Issue 13: the end-to-end suites that exercise the rare paths, run again
on the release build (bin/articled) with its seccomp filter on.  Most of
tests/e2e runs the sanitizer build, which is built without the filter
(docs/security.md); here every scenario of these modules -- a replaced,
deleted, unreadable or restored database, a full disk, SIGHUP, SIGTERM,
the owner's mistakes, --user, pictures made, replaced, refused and the
maker killed -- is served by sandboxed workers and made by the picture
maker under its own filter, and Site.stop fails any test whose log shows
a refused system call."""
import os
import subprocess
import sys

import pytest

from site_harness import ROOT

BIN = os.path.join(ROOT, "bin", "articled")
MODULES = ["test_robustness.py", "test_owner_mistakes.py", "test_smoke.py",
           "test_user.py", "test_pages.py", "test_picture_maker.py"]


# A whole suite per test (26 s measured for the longest); the suite run
# inside has its own per-test limit and a 900 s one here.
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("module", MODULES)
def test_suite_passes_on_the_sandboxed_release_build(module):
    env = dict(os.environ, ARTICLED_BIN=BIN)
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        os.path.join(ROOT, "tests", "e2e", module)],
                       env=env, cwd=ROOT, capture_output=True, text=True,
                       timeout=900)
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]
    assert " passed" in r.stdout, r.stdout[-2000:]
