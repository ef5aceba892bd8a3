"""A fixed-arrival-rate HTTP client (issue 18).  Request i is due at
t0 + i / rate whatever became of the ones before it, and its latency is
counted from that scheduled time: a server that stalls is charged for
every request that waited behind the stall, which a closed-loop client
such as wrk hides (it sends the next request only when an answer came).
Keep-alive connections are reused; a new one is opened when none is idle.
Also a closed loop of N connections (closed()), for "at 4 connections".

Each result is (scheduled s, latency ms, status, path, kind).  A run is a
figure only when every answer has its expected status, none timed out and
the client itself kept to the schedule (verify.NotRun otherwise)."""
import asyncio
import time

from verify import NotRun

TIMEOUT_S = 5.0         # an answer later than this is an error
MAX_IN_FLIGHT = 512     # more means the server is far past its rate
# The client's own lateness, p99: above this it did not keep its rate (no
# figure).  Below it, lateness is in the latencies (counted from the
# schedule), against the server: on a shared machine, a few ms of it are
# the client waiting for a CPU.
CLIENT_LAG_MS = 50.0


async def S_get(pool, port, path):
    """(status, body length) of GET path on an idle connection or a new one."""
    if pool:
        reader, writer = pool.pop()
    else:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench/rate\r\n\r\n"
                  % path).encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length, close = 0, False
    for line in lines[1:]:
        k, _, v = line.partition(":")
        if k.lower() == "content-length":
            length = int(v)
        elif k.lower() == "connection" and v.strip().lower() == "close":
            close = True
    await reader.readexactly(length)
    if close:               # nginx's keepalive_requests reached
        writer.close()
    else:
        pool.append((reader, writer))
    return status


async def S_timed(pool, port, item, due, t0, out, lag):
    path, expect, kind = item
    sent = time.monotonic()
    lag.append((sent - t0 - due) * 1000.0)
    try:
        status = await asyncio.wait_for(S_get(pool, port, path), TIMEOUT_S)
    except (asyncio.TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as e:
        status = "error: %s" % (type(e).__name__)
    out.append((due, (time.monotonic() - t0 - due) * 1000.0, status, path, kind, expect))


async def S_open_loop(port, items, rate, seconds, on_tick):
    pool, out, lag, tasks = [], [], [], []
    n = int(rate * seconds)
    t0 = time.monotonic()
    next_tick = 1.0
    for i in range(n):
        due = i / rate
        delay = t0 + due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if on_tick is not None and due >= next_tick:
            on_tick(due)
            next_tick += 1.0
        tasks = [t for t in tasks if not t.done()]
        if len(tasks) >= MAX_IN_FLIGHT:
            raise NotRun("%d requests in flight at %.0f/s: far past the server's rate"
                         % (len(tasks), rate))
        tasks.append(asyncio.ensure_future(S_timed(pool, port, items(i), due, t0, out, lag)))
    await asyncio.gather(*tasks)
    for _, writer in pool:
        writer.close()
    return out, lag


def open_loop(port, items, rate, seconds, on_tick=None):
    """items(i) -> (path, expected status, kind); on_tick(s) once a second
    (the owner's edit).  Returns (results, client lag in ms per request)."""
    return asyncio.run(S_open_loop(port, items, rate, seconds, on_tick))


async def S_closed_loop(port, items, conns, seconds):
    out, lag = [], []
    t0 = time.monotonic()
    counter = iter(range(1 << 62))

    async def one():
        pool = []
        while time.monotonic() - t0 < seconds:
            due = time.monotonic() - t0     # sent at once: closed loop
            await S_timed(pool, port, items(next(counter)), due, t0, out, lag)
        for _, writer in pool:
            writer.close()
    await asyncio.gather(*(one() for _ in range(conns)))
    return out, lag


def closed_loop(port, items, conns, seconds):
    """conns connections, each sending its next request when answered."""
    return asyncio.run(S_closed_loop(port, items, conns, seconds))


def check(results, lag, what):
    """The proofs of a run (see the module's comment); the client's
    lateness p99, ms."""
    bad = [r for r in results if r[2] != r[5]]
    if bad:
        raise NotRun("%s: %d of %d answers not as expected, e.g. %s -> %s (expected %s)"
                     % (what, len(bad), len(results), bad[0][3], bad[0][2], bad[0][5]))
    late = sorted(lag)[int(len(lag) * 0.99) - 1] if lag else 0
    if late > CLIENT_LAG_MS:
        raise NotRun("%s: the client sent 1 %% of its requests more than %.1f ms late "
                     "(%.1f ms): it did not keep its rate" % (what, CLIENT_LAG_MS, late))
    return late


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(len(v) * p / 100.0 + 0.5) - 1))] if v else None
