"""The proofs that a load run ran as intended (issue 18): a figure is kept
only when the load tool wrote nothing on stderr, had no socket error, every
answer had the status asked for, and nginx's access log of the run holds the
requests it was meant to send (for a stream, the stream's own URIs: their
number of distinct ones and a sample of the first).  Otherwise NotRun stops
the bench with the reason, before any figure is written.  Used by measure.py
(wrk), callgrind.py (ab) and the Python clients."""
import re

WRK_THREAD_STRIDE = 7919    # each wrk thread starts this far into a stream (tail.S_lua)
HEAD_WINDOW = 4096
LOG_LINE = re.compile(r'^\[[^\]]*\] "(\S+) (\S+) [^"]*" (\d{3}) ')


class NotRun(SystemExit):
    """A run that did not demonstrably happen: the bench stops here."""

    def __init__(self, reason):
        super().__init__("bench/run: no figure: " + reason)
        self.reason = reason


class Stream:
    """What a wrk script walks: thread t asks for urls[seq[(t * STRIDE + k)
    % len(seq)]] for k = 1, 2, ... (the order tail.S_lua writes)."""

    def __init__(self, urls, seq):
        self.urls, self.seq = urls, seq

    def walk(self, t, n):
        start = t * WRK_THREAD_STRIDE
        return [self.urls[self.seq[(start + k) % len(self.seq)]] for k in range(1, n + 1)]

    def allowed(self, n, threads):
        """Every URI the threads can have asked for in n requests each."""
        return set(u for t in range(threads) for u in self.walk(t, n))

    def distinct(self, total, threads):
        """Distinct URIs of total requests split evenly among the threads."""
        return len(self.allowed(max(1, total // threads), threads))


class Single:
    """A run asking for one URI (a query string is not logged)."""

    def __init__(self, path):
        self.uri = path.split("?", 1)[0]

    def allowed(self, n, threads):
        return {self.uri}

    def distinct(self, total, threads):
        return 1


def wrk_output(out, err, r):
    """wrk's own signs of a run that did not happen."""
    if err.strip():
        raise NotRun("wrk wrote on stderr: %s" % err.strip()[:300])
    if not r.get("requests") or "Requests/sec" not in out:
        raise NotRun("wrk reported no requests:\n%s" % out[:500])
    if r.get("errors"):
        raise NotRun("%d socket errors (%s)" % (r["errors"], r["cmd"]))


def S_read_log(path):
    """(method, uri, status) of each line of nginx's access log."""
    rows = []
    with open(path, errors="replace") as f:
        for line in f:
            m = LOG_LINE.match(line)
            if m is None:
                raise NotRun("an access log line not in the articled format: %r" % line[:200])
            rows.append((m.group(1), m.group(2), int(m.group(3))))
    return rows


def S_statuses(rows, expect, conns, cmd):
    """Every answer has the status asked for (200: any 2xx); a client that
    closes when the run ends leaves about one 499 per connection (a few
    more on a loaded machine: wrk reopens a connection that timed out)."""
    closed = sum(1 for _, _, st in rows if st == 499)
    wrong = [(u, st) for _, u, st in rows if st != 499 and
             not (200 <= st < 300 if expect == 200 else st == expect)]
    if wrong:
        raise NotRun("%d answers not %s, e.g. %s %d (%s)" % (
            len(wrong), "2xx" if expect == 200 else expect, wrong[0][0], wrong[0][1], cmd))
    if closed > conns + len(rows) // 100:
        raise NotRun("%d requests closed unanswered (499) at %d connections (%s)"
                     % (closed, conns, cmd))


def S_uris(rows, stream, threads, cmd):
    """The logged URIs are the stream's: all of them among those its
    threads can have asked for, the first ones among the first of its
    walks, and about as many distinct ones as it holds for that many."""
    uris = [u for _, u, st in rows if st != 499]
    allowed = stream.allowed(len(uris), threads)
    stray = [u for u in uris if u not in allowed]
    if stray:
        raise NotRun("%d logged URIs are not the stream's, e.g. %s (%s)"
                     % (len(stray), stray[0], cmd))
    # The first answers logged are among the first the threads asked
    # for: not in order (a cold miss on one connection lets the others
    # run on ahead by a few thousand hits), but within HEAD_WINDOW.
    head = stream.allowed(HEAD_WINDOW, threads)
    if any(u not in head for u in uris[:16]):
        raise NotRun("the first logged URIs are not among the stream's first %d (%s)"
                     % (HEAD_WINDOW, cmd))
    want, got = stream.distinct(len(uris), threads), len(set(uris))
    if got < 0.8 * want:
        raise NotRun("%d distinct URIs logged where the stream holds %d for %d requests (%s)"
                     % (got, want, len(uris), cmd))


def access_log(path, requests, expect, conns, threads, stream, cmd):
    """nginx's log of the run: at least the requests wrk counted, each
    with the status asked for and among the stream's URIs."""
    rows = S_read_log(path)
    # nginx logs a request once its answer is sent, wrk counts it once
    # received: the last one per connection may not be in the log yet.
    if len(rows) + conns < requests:
        raise NotRun("nginx logged %d requests, the load tool counted %d (%s)"
                     % (len(rows), requests, cmd))
    S_statuses(rows, expect, conns, cmd)
    S_uris(rows, stream, threads, cmd)
    return rows


def ab_output(out, err, n):
    """ab's own signs: every request complete, none failed, all 2xx."""
    if err.strip():
        raise NotRun("ab wrote on stderr: %s" % err.strip()[:300])
    m = re.search(r"Complete requests:\s+(\d+)", out)
    f = re.search(r"Failed requests:\s+(\d+)", out)
    if not m or int(m.group(1)) != n or not f or int(f.group(1)):
        raise NotRun("ab did not complete %d requests:\n%s" % (n, out[-500:]))
    if "Non-2xx responses" in out:
        raise NotRun("ab saw non-2xx answers:\n%s" % out[-500:])
