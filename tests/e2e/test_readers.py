"""Issue 20: readers and where they came from, through real nginx.

A reader is a distinct (address, User-Agent) pair per article per UTC day;
the tests send from many 127.0.0.0/8 addresses (the client socket is bound
to each; nginx passes it as REMOTE_ADDR).  The IPv6 test talks FastCGI to
articled's socket directly (cgi-fcgi), setting REMOTE_ADDR itself: nginx
here listens on 127.0.0.1 only, and the loopback holds one IPv6 address.

Figures reach SQLite through the master's fold, after the views of the
same fold.  settle() waits for that fact, not for time: a view that makes
no reader (Sec-GPC) is folded twice over, so the readers' transaction of
every earlier fold has committed."""
import http.client
import json
import os
import re
import select
import signal
import struct
import subprocess
import time

import pytest

from site_harness import ROOT, SEED_SLUG, OwnerLock, Site
from wait import wait_until

POST = "/post/" + SEED_SLUG
VIEWTAIL = os.path.join(ROOT, "bin", "viewtail")
UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0 readers-test-%d"


@pytest.fixture
def site(tmp_path):
    s = Site(tmp_path)
    s.start()
    yield s
    s.stop()


def get_from(site, addr, ua, path=POST, headers=None):
    """One GET from source address addr (any of 127.0.0.0/8)."""
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10,
                                      source_address=(addr, 0))
    try:
        conn.request("GET", path, headers=dict({"User-Agent": ua}, **(headers or {})))
        r = conn.getresponse()
        r.read()
        return r.status
    finally:
        conn.close()


def addr(i):
    return "127.%d.%d.%d" % (1 + i // 62500, (i // 250) % 250, 1 + i % 250)


def settle(site):
    """Waits until every view and reader so far is in SQLite (see above)."""
    for _ in range(2):
        assert get_from(site, "127.0.0.1", "settle", headers={"Sec-GPC": "1"}) == 200
        site.fold_settled(SEED_SLUG)


def readers(site, slug=SEED_SLUG):
    return int(site.scalar(
        "SELECT coalesce(sum(r.readers), 0) FROM reader_days r JOIN articles a "
        "ON a.id = r.article_id WHERE a.slug = '%s';" % slug))


def site_days(site):
    """{day: (readers, keys, lower_bound)}"""
    out = {}
    for line in site.sql("SELECT day, readers, keys, lower_bound FROM "
                         "site_reader_days ORDER BY day;").split():
        day, n, keys, lower = line.split("|")
        out[day] = (int(n), int(keys), int(lower))
    return out


def site_readers(site):
    return sum(n for n, _, _ in site_days(site).values())


def sources(site, slug=SEED_SLUG):
    rows = site.sql("SELECT s.source, sum(s.views) FROM source_days s JOIN articles a "
                    "ON a.id = s.article_id WHERE a.slug = '%s' GROUP BY s.source;" % slug)
    return {r.split("|")[0]: int(r.split("|")[1]) for r in rows.splitlines() if r}


def other_slug(site):
    site.sql("INSERT INTO articles(title, body) VALUES ('Knee pain', 'About knees.');")
    return site.scalar("SELECT slug FROM articles WHERE title = 'Knee pain';")


def viewtail(site, *args):
    done = subprocess.run([VIEWTAIL, "--db", site.db, *args], capture_output=True,
                          text=True, timeout=20, env=dict(os.environ, COLUMNS="250"))
    assert done.returncode == 0, done.stderr
    return done.stdout


# ---- counting ---------------------------------------------------------------

def test_n_distinct_pairs_are_n_readers_and_the_same_pair_again_is_none(site):
    knee = other_slug(site)
    pairs = [(addr(i), UA % (i % 3)) for i in range(40)]    # 40 addresses, 3 browsers
    for a, ua in pairs + pairs:                              # each pair twice
        assert get_from(site, a, ua) == 200
    for a, ua in pairs[:10]:                                 # the same people, elsewhere
        assert get_from(site, a, ua, "/post/" + knee) == 200
    # one address, two browsers: two readers
    assert get_from(site, "127.9.9.9", "Firefox") == 200
    assert get_from(site, "127.9.9.9", "Chrome") == 200
    settle(site)

    assert readers(site) == 42
    assert readers(site, knee) == 10
    assert site_readers(site) == 42           # the site counts a pair once
    assert site.stored_total(SEED_SLUG) == 66 + 82 + 2    # views: every GET, GPC too


def test_sec_gpc_and_dnt_are_views_but_never_readers_or_sources(site):
    assert get_from(site, "127.0.5.1", "A", headers={"Sec-GPC": "1",
                                                      "Referer": "https://www.bing.com/"}) == 200
    assert get_from(site, "127.0.5.2", "B", headers={"DNT": "1",
                                                      "Referer": "https://www.bing.com/"}) == 200
    assert get_from(site, "127.0.5.3", "C", headers={"Sec-GPC": "0"}) == 200
    settle(site)

    assert site.stored_total(SEED_SLUG) == 66 + 3 + 2
    assert readers(site) == 1
    assert sources(site) == {"direct": 1}


def test_a_robot_is_neither_a_view_nor_a_reader_nor_a_source(site):
    assert get_from(site, "127.0.6.1", "Mozilla/5.0 (compatible; Googlebot/2.1)",
                    headers={"Referer": "https://www.google.com/"}) == 200
    assert get_from(site, "127.0.6.2", "Mozilla/5.0", headers={"Sec-Purpose": "prefetch"}) == 200
    settle(site)

    assert site.stored_total(SEED_SLUG) == 66 + 2
    assert readers(site) == 0
    assert sources(site) == {}


def test_sources_are_hosts_grouped_never_paths_or_queries(site):
    sent = {
        "https://www.google.co.uk/search?q=secret-words": "Google",
        "android-app://com.google.android.googlequicksearchbox/": "Google",
        "https://news.google.de/x": "Google",
        "https://mail.google.com/mail/u/0/#inbox/private-id": "email",
        "android-app://com.google.android.gm": "email",
        "https://WWW.Bing.com:443/search?q=secret-words": "Bing",
        "https://duckduckgo.com/?q=secret-words": "DuckDuckGo",
        "https://l.facebook.com/l.php?u=private-id": "Facebook",
        "android-app://com.whatsapp/": "WhatsApp",
        "https://www.nhs.uk/conditions/back-pain/?private-id": "nhs.uk",
        "http://user:pw@Example.ORG.:8080/path/private-id": "example.org",
        "not a url": "other",
        "http://127.0.0.1:8080/blog": None,     # the site's own base URL: no source
    }
    for i, ref in enumerate(sent):
        assert get_from(site, addr(i), "A", headers={"Referer": ref}) == 200
    assert get_from(site, addr(99), "A") == 200
    settle(site)

    want = {"direct": 1}
    for group in sent.values():
        if group:
            want[group] = want.get(group, 0) + 1
    assert sources(site) == want
    dump = site.sql(".dump")
    for word in ("secret-words", "private-id", "/search", "pw@", "8080/path"):
        assert word not in dump


def test_past_50_sources_an_article_day_the_rest_are_other(site):
    for i in range(60):
        assert get_from(site, addr(i), "A",
                        headers={"Referer": "https://site%d.example/" % i}) == 200
    assert get_from(site, addr(70), "A", headers={"Referer": "https://site3.example/"}) == 200
    settle(site)

    got = sources(site)
    assert len(got) == 51 and got["other"] == 10
    assert sum(got.values()) == 61
    assert got["site3.example"] == 2


def fcgi_get(site, remote_addr, ua):
    """One request straight to articled's FastCGI socket, REMOTE_ADDR set
    by the test (an IPv6 address nginx on this host cannot give)."""
    env = {"REQUEST_METHOD": "GET", "REQUEST_URI": POST, "DOCUMENT_URI": POST,
           "SCRIPT_NAME": POST, "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1",
           "HTTP_USER_AGENT": ua, "REMOTE_ADDR": remote_addr, "PATH": "/usr/bin:/bin"}
    out = subprocess.run(["cgi-fcgi", "-bind", "-connect", site.sock], env=env,
                         capture_output=True, timeout=10).stdout
    assert out.startswith(b"Status: 200") or b"\r\n\r\n<!DOCTYPE" in out, out[:200]


def test_many_addresses_in_one_ipv6_64_are_one_reader(site):
    for host in ("1", "2", "abcd:1234:5678:9abc", "ffff:ffff:ffff:ffff"):
        fcgi_get(site, "2001:db8:1:2:" + host if host.count(":") else "2001:db8:1:2::" + host, "A")
    fcgi_get(site, "2001:db8:1:3::1", "A")           # the next /64: someone else
    fcgi_get(site, "::ffff:127.0.0.7", "A")          # an IPv4 in IPv6 clothing ...
    assert get_from(site, "127.0.0.7", "A") == 200    # ... is that IPv4
    settle(site)

    assert readers(site) == 3


# ---- nothing on disk identifies anyone --------------------------------------

def siphash24(key, data):
    """SipHash-2-4, as cgi/lib/siphash.c computes it."""
    k0, k1 = struct.unpack("<QQ", key)
    v = [k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d,
         k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573]
    m64 = (1 << 64) - 1

    def rotl(x, b):
        return ((x << b) | (x >> (64 - b))) & m64

    def rnd():
        v[0] = (v[0] + v[1]) & m64; v[1] = rotl(v[1], 13) ^ v[0]; v[0] = rotl(v[0], 32)
        v[2] = (v[2] + v[3]) & m64; v[3] = rotl(v[3], 16) ^ v[2]
        v[0] = (v[0] + v[3]) & m64; v[3] = rotl(v[3], 21) ^ v[0]
        v[2] = (v[2] + v[1]) & m64; v[1] = rotl(v[1], 17) ^ v[2]; v[2] = rotl(v[2], 32)

    def word(m):
        v[3] ^= m
        rnd(); rnd()
        v[0] ^= m

    whole = len(data) // 8 * 8
    for i in range(0, whole, 8):
        word(struct.unpack("<Q", data[i:i + 8])[0])
    last = int.from_bytes(data[whole:], "little") | ((len(data) & 0xff) << 56)
    word(last)
    v[2] ^= 0xff
    for _ in range(4):
        rnd()
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def master_key(site):
    """Today's key, read from the master's memory (root may), and the flags
    of the mapping that holds it."""
    pid = site.articled.pid
    with open("/proc/%d/smaps" % pid) as f:
        smaps = f.read()
    maps, cur_map = [], None
    for line in smaps.splitlines():
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) .*?(\S*(?: \(deleted\))?)$", line)
        if m and not line.startswith("VmFlags"):
            cur_map = [int(m.group(1), 16), int(m.group(2), 16), line, []]
            maps.append(cur_map)
        elif line.startswith("VmFlags:"):
            cur_map[3] = line.split()[1:]
    for start, end, line, flags in maps:
        if end - start < 2 * 1024 * 1024 or " rw-s " not in line or "/dev/zero" not in line:
            continue
        with open("/proc/%d/mem" % pid, "rb") as mem:
            mem.seek(start)
            head = mem.read(64)
        assert struct.unpack("<i", head[:4])[0] == 0     # bank 0: today's
        return head[8:24], flags
    raise AssertionError("no readers' mapping in the master:\n" + smaps)


def test_no_address_user_agent_or_hash_of_them_reaches_any_file(site):
    key_of = int(site.scalar("SELECT key FROM views v JOIN articles a ON a.id = v.article_id "
                             "WHERE a.slug = '%s';" % SEED_SLUG))
    pairs = [("127.77.%d.%d" % (i, i + 1), "Mozilla/5.0 marker-%d-zq" % i) for i in range(12)]
    for a, ua in pairs:
        assert get_from(site, a, ua) == 200
    settle(site)
    key, flags = master_key(site)
    assert "dd" in flags                              # MADV_DONTDUMP: not in a core dump
    assert key != bytes(16)
    hashes = []
    for a, ua in pairs:
        packed = bytes([4]) + bytes(int(x) for x in a.split("."))
        for article in (key_of, 0):
            h = siphash24(key, struct.pack("<q", article) + packed + ua.encode())
            hashes += [h, h | 1]            # as computed, and as kept in the set
    files = []
    for top in (site.dir,):
        for d, _, names in os.walk(top):
            files += [os.path.join(d, n) for n in names if not n.endswith(".sock")]
    assert any(f.endswith("site.db-views") for f in files)
    assert any(f.endswith("access.log") for f in files)
    needles = [key, key.hex().encode()]
    for a, ua in pairs:
        needles += [a.encode(), ua.encode(), ua.split()[-1].encode()]
    for h in hashes:
        needles += [struct.pack("<Q", h), struct.pack(">Q", h), str(h).encode(),
                    str(h - (1 << 64) if h >> 63 else h).encode(), ("%x" % h).encode()]
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        for n in needles:
            assert n not in data, (path, n)
    assert readers(site) == 12                      # and yet they were counted


# ---- honest figures ---------------------------------------------------------

def test_a_restart_mid_day_flags_the_day_and_viewtail_says_so(site):
    assert get_from(site, "127.0.8.1", "A") == 200
    settle(site)
    site.stop_articled()
    site.start_articled()
    assert get_from(site, "127.0.8.1", "A") == 200      # the same person, a new key
    settle(site)

    (day, (n, keys, lower)), = site_days(site).items()
    assert (n, keys, lower) == (2, 2, 0)
    assert readers(site) == 2
    out = viewtail(site)
    assert "%s: articled restarted that day: a reader may be counted twice." % day in out
    art = json.loads(viewtail(site, "--json"))[0]
    assert art["readers_today_flags"] == ["restarted"]


def test_past_the_tables_capacity_the_day_is_a_lower_bound(tmp_path):
    # The test build only: ARTICLED_TEST_READERS_MAX shrinks the set (docs/design.md).
    s = Site(tmp_path, env={"ARTICLED_TEST_READERS_MAX": "6"})
    s.start()
    try:
        for i in range(10):
            assert get_from(s, addr(i), "A") == 200
        settle(s)
        (n, keys, lower), = site_days(s).values()
        assert lower == 1 and keys == 1
        assert 0 < readers(s) < 10 and n < 10
        assert "(at least: the day's table was full)" in viewtail(s)
        assert "more readers than the table holds" in viewtail(s)
        assert json.loads(viewtail(s, "--json"))[0]["readers_today_flags"] == ["lower_bound"]
    finally:
        s.stop()


def test_at_midnight_the_key_is_replaced_and_the_day_closes(tmp_path):
    # The test build only: a day of ARTICLED_TEST_DAY_SECONDS (docs/design.md);
    # the days then follow the real date of the start.
    s = Site(tmp_path, env={"ARTICLED_TEST_DAY_SECONDS": "8"})
    s.start()
    try:
        assert get_from(s, "127.0.9.1", "A") == 200
        settle(s)
        first = dict(site_days(s))
        # the day that counted it (the next may have begun during settle())
        (first_day, _), = [(d, v) for d, v in first.items() if v[0] > 0]
        assert first[first_day][0] == 1
        # the next day's key is announced by the fold after the roll
        wait_until(lambda: max(site_days(s)) > first_day, "a new day", 20)
        assert get_from(s, "127.0.9.1", "A") == 200     # the same pair: a reader again
        settle(s)
        days = site_days(s)
        assert days[first_day] == first[first_day]        # the old day closed as it was
        assert all(keys == 1 for _, keys, _ in days.values())
        assert sum(n for n, _, _ in days.values()) == 2
        assert readers(s) == 2
        assert len(set(s.sql("SELECT day FROM reader_days;").split())) == 2
    finally:
        s.stop()


# ---- exactly once through the fold -------------------------------------------

def test_readers_wait_out_the_owners_lock_and_arrive_once(site):
    with OwnerLock(site.db):
        for i in range(20):
            assert get_from(site, addr(i), "A") == 200
        assert readers(site) == 0           # the fold cannot write meanwhile
    settle(site)
    assert readers(site) == 20
    assert site_readers(site) == 20


def test_a_worker_killed_between_requests_loses_no_reader_and_adds_none(site):
    for i in range(15):
        assert get_from(site, addr(i), "A") == 200
    for pid in site.worker_pids():
        os.kill(int(pid), signal.SIGKILL)
    wait_until(lambda: len(site.worker_pids()) == site.workers, "the workers back", 20)
    for i in range(10, 25):                           # 10..14 again: no new reader
        assert get_from(site, addr(i), "A") == 200
    settle(site)
    assert readers(site) == 25
    assert site_readers(site) == 25


def test_readers_counted_under_load_arrive_exactly_once(site):
    runs = []
    for i in range(8):
        runs.append(site.load_background(POST, 50, concurrency=4,
                                         headers={"User-Agent": UA % i}))
    done = [r.wait(60) for r in runs]
    assert all(d.ok == 50 for d in done), [d.summary() for d in done]
    settle(site)
    assert readers(site) == 8                 # 400 views from 8 browsers at one address
    assert site.stored_total(SEED_SLUG) == 66 + 400 + 2


# ---- viewtail ---------------------------------------------------------------

def test_viewtail_shows_readers_and_sources_of_a_real_run(site):
    for i in range(5):
        assert get_from(site, addr(i), "A", headers={"Referer": "https://www.google.com/"}) == 200
    assert get_from(site, addr(9), "B") == 200
    settle(site)

    table = viewtail(site)
    line = next(l for l in table.splitlines() if l.startswith(SEED_SLUG))
    assert re.search(r"\b6\s+6\s+\S*$", line.rstrip()) or " 6  " in line
    assert "Readers today: 6;" in table
    assert "Readers: not counted under CGI" in table
    art = next(a for a in json.loads(viewtail(site, "--json")) if a["slug"] == SEED_SLUG)
    assert (art["readers_today"], art["reader_days_last7"]) == (6, 6)
    assert art["sources_today"] == {"Google": 5, "direct": 1}
    assert art["readers_today_flags"] == []
    srcs = json.loads(viewtail(site, "--json", "--sources", SEED_SLUG))
    assert srcs == [{"source": "Google", "today": 5, "last7": 5},
                    {"source": "direct", "today": 1, "last7": 1}]
    text = viewtail(site, "--sources")
    assert re.search(r"^Google\s+5\s+5$", text, re.M)


def test_viewtail_follow_shows_readers_and_the_source_of_a_burst(site):
    tail = subprocess.Popen([VIEWTAIL, "--db", site.db, "-f"], stdout=subprocess.PIPE,
                            text=True)
    try:
        settle(site)                    # viewtail has its first snapshot by now
        for i in range(3):
            assert get_from(site, addr(i), "A",
                            headers={"Referer": "android-app://com.whatsapp/"}) == 200
        # Views are live (the counter file), readers and sources arrive with
        # the next fold: a line for them then, with +0 views if none moved.
        seen, line = 0, ""
        deadline = time.monotonic() + 15
        while seen < 3:
            ready, _, _ = select.select([tail.stdout], [], [], deadline - time.monotonic())
            assert ready, "no line naming WhatsApp +%d in time (last: %r)" % (3 - seen, line)
            line = tail.stdout.readline()
            m = re.search(r"  %s  readers today (\d+)  from WhatsApp \+(\d+)$" % SEED_SLUG,
                          line)
            seen += int(m.group(2)) if m else 0
        assert seen == 3 and "readers today 3  from" in line, line
    finally:
        tail.terminate()
        tail.wait(10)
