"""The test harness itself (tests/lib/site_harness.py): a site whose nginx
fails to start leaves no articled behind, so a failed fixture cannot leave
processes running into the next test."""
import socket

import pytest

from procs import command_lines_with
from site_harness import Site
from wait import WaitTimeout


def test_a_broken_nginx_configuration_stops_articled(tmp_path):
    s = Site(tmp_path)
    with open(s.nginx_conf, "a") as f:
        f.write("this is not a directive;\n")
    with pytest.raises(Exception):
        s.start()
    assert s.articled is None and s.nginx is None
    assert command_lines_with(s.db) == []


def test_nginx_that_cannot_bind_its_port_stops_articled_and_nginx(tmp_path):
    s = Site(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", s.port))
        # Bound, not listening: nginx -t passes, nginx itself exits
        # unable to bind, and nothing accepts there meanwhile.
        with pytest.raises(WaitTimeout):
            s.start()
    assert s.articled is None and s.nginx is None
    assert command_lines_with(s.db) == [] and command_lines_with(s.var) == []
