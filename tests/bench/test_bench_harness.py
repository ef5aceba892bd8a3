"""bench/'s load runs keep a figure only when the run demonstrably
happened (issue 18): wrk through the bench's own nginx (tools/nginx-conf's
configuration, its access log) on static pages, fed a broken Lua script, a
run answered 404, a script that asks for other pages than its stream, and
a good stream, which must pass."""
import os
import shutil
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import context  # noqa: E402
import measure  # noqa: E402
import servers  # noqa: E402
import verify  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None or shutil.which("nginx") is None,
                                reason="needs wrk and nginx (tools/deps bench)")

PAGES = ["/_bench/p%d.html" % i for i in range(40)]


@pytest.fixture(scope="module")
def bench():
    b = context.Bench(context.Config(True))
    try:
        b.nginx = servers.Nginx(b, "1")
        static = os.path.join(b.nginx.var, "static")
        for i in range(40):
            with open(os.path.join(static, "p%d.html" % i), "w") as f:
                f.write("<p>page %d</p>\n" % i)
        yield b
    finally:
        b.cleanup()


def S_stream(bench, name, urls, seq):
    return measure.stream_script(os.path.join(bench.work, name), urls, seq)


def test_a_good_stream_gives_its_figure(bench):
    stream = S_stream(bench, "good.lua", PAGES, measure.crawl_seq(len(PAGES)))
    r = measure.wrk(bench, "/", 4, 1, script=os.path.join(bench.work, "good.lua"),
                    stream=stream)
    assert r["requests"] > 0 and r["rps"] > 0
    logged = {row[1] for row in verify.S_read_log(bench.nginx.access)}
    assert logged == set(PAGES)


def test_a_broken_lua_script_stops_the_bench(bench):
    S_stream(bench, "broken.lua", PAGES, measure.crawl_seq(len(PAGES)))
    path = os.path.join(bench.work, "broken.lua")
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:      # the old bug: a literal %% in the Lua
        f.write(text.replace("(i % #seq)", "(i %% #seq)"))
    with pytest.raises(verify.NotRun) as e:
        measure.wrk(bench, "/", 4, 1, script=path,
                    stream=verify.Stream(PAGES, measure.crawl_seq(len(PAGES))))
    assert "stderr" in e.value.reason


def test_a_run_answered_404_stops_the_bench(bench):
    with pytest.raises(verify.NotRun) as e:
        measure.wrk(bench, "/_bench/no-such-page.html", 4, 1)
    assert "not 2xx" in e.value.reason


def test_a_script_asking_for_other_pages_stops_the_bench(bench):
    # The script walks the first five pages only; the stream says forty.
    S_stream(bench, "narrow.lua", PAGES[:5], list(range(5)))
    with pytest.raises(verify.NotRun) as e:
        measure.wrk(bench, "/", 4, 1, script=os.path.join(bench.work, "narrow.lua"),
                    stream=verify.Stream(PAGES, list(range(40))))
    assert "distinct" in e.value.reason or "not the stream" in e.value.reason


def test_404s_asked_for_are_a_figure(bench):
    # nginx's own 404 goes through error_page: its log names that page.
    r = measure.wrk(bench, "/_bench/no-such-page.html", 4, 1, expect=404,
                    stream=verify.Single("/_error/404.html"))
    assert r["requests"] > 0


def test_the_fixed_rate_client_keeps_its_rate_and_refuses_wrong_answers(bench):
    import rate
    port = bench.port
    res, lag = rate.open_loop(port, lambda i: (PAGES[i % len(PAGES)], 200, "page"), 200, 1)
    rate.check(res, lag, "static pages at 200/s")
    assert len(res) == 200 and {r[3] for r in res} == set(PAGES)
    dues = sorted(r[0] for r in res)
    assert abs(dues[-1] - 199 / 200.0) < 1e-9, "each request due at i / rate"
    res, lag = rate.open_loop(port, lambda i: ("/_bench/no-such-page.html", 200, "x"), 100, 1)
    with pytest.raises(verify.NotRun) as e:
        rate.check(res, lag, "404s at 100/s")
    assert "not as expected" in e.value.reason
