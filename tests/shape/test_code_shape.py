"""The shape of cgi/ that docs/design.md promises, checked by
tools/code-shape (universal-ctags): files of at most 600 lines, short
functions (median <= 12 lines, p90 <= 40) and each library included by
one file per program."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def test_cgi_keeps_its_shape():
    res = subprocess.run([os.path.join(ROOT, "tools", "code-shape")],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "median" in res.stdout  # it measured something
