"""Shared fixtures: a real articled behind a real nginx, on a free loopback
port, with a temporary database made by the real sqlite3 shell from
schema.sql and db/seed.sql.  Nothing here mocks what users run."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))

import pytest  # noqa: E402

from site_harness import Site, ROOT  # noqa: E402,F401


@pytest.fixture
def site(tmp_path):
    """A fresh site per test: its own database, articled and nginx."""
    s = Site(tmp_path)
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def shared_site(tmp_path_factory):
    """One site for a module of read-mostly tests."""
    s = Site(tmp_path_factory.mktemp("site"))
    s.start()
    yield s
    s.stop()
