"""A copy of the source tree, as an admin unpacks a release: what `make
install` needs, without build products, so that a test's build never
touches the checkout's build/ (other tests use it at the same time)."""
import os
import shutil

from site_harness import ROOT

PARTS = ("Makefile", "cgi", "templates", "db", "docs", "tools", "schema.sql",
         "nginx.conf.example", "README.md")


def copy_source(dest):
    os.makedirs(dest, exist_ok=True)
    for part in PARTS:
        src = os.path.join(ROOT, part)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(dest, part), symlinks=True,
                            ignore=shutil.ignore_patterns("*.db", "*.db-*"))
        else:
            shutil.copy2(src, os.path.join(dest, part))
    return dest
