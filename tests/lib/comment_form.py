"""The question form from outside (issue 19): its token made the way articled makes it
(SipHash-2-4 of "ARTICLE:T" under the day's secret, which the test reads from the
database with the sqlite3 shell, as anyone holding the file could), and POSTs to
/comment/<slug> through nginx, from a chosen 127.0.0.0/8 address."""
import datetime
import html
import http.client
import re
import struct
import time
import urllib.parse

from site_harness import Response

MASK = (1 << 64) - 1


def _rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & MASK


def _round(v):
    v[0] = (v[0] + v[1]) & MASK; v[1] = _rotl(v[1], 13); v[1] ^= v[0]; v[0] = _rotl(v[0], 32)  # noqa: E702
    v[2] = (v[2] + v[3]) & MASK; v[3] = _rotl(v[3], 16); v[3] ^= v[2]  # noqa: E702
    v[0] = (v[0] + v[3]) & MASK; v[3] = _rotl(v[3], 21); v[3] ^= v[0]  # noqa: E702
    v[2] = (v[2] + v[1]) & MASK; v[1] = _rotl(v[1], 17); v[1] ^= v[2]; v[2] = _rotl(v[2], 32)  # noqa: E702


def siphash24(key, msg):
    """The reference SipHash-2-4 (its published test vector is checked below)."""
    k0, k1 = struct.unpack("<QQ", key)
    v = [k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d,
         k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573]
    n = len(msg)
    end = n - n % 8
    for i in range(0, end, 8):
        m = struct.unpack("<Q", msg[i:i + 8])[0]
        v[3] ^= m; _round(v); _round(v); v[0] ^= m  # noqa: E702
    last = (n & 0xff) << 56
    for i, b in enumerate(msg[end:]):
        last |= b << (8 * i)
    v[3] ^= last; _round(v); _round(v); v[0] ^= last  # noqa: E702
    v[2] ^= 0xff
    for _ in range(4):
        _round(v)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


# SipHash-2-4's paper, appendix A: key 00..0f, message 00..0e.
assert siphash24(bytes(range(16)), bytes(range(15))) == 0xa129ca6149be45e5


def day_of(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%d")


def secret(site, day):
    """The day's key as stored, or None."""
    h = site.scalar("SELECT hex(secret) FROM comment_keys WHERE day = '%s';" % day)
    return bytes.fromhex(h) if h else None


def article_id(site, slug):
    return int(site.scalar("SELECT id FROM articles WHERE slug = '%s';" % slug))


def token(site, slug, age=10, key=None):
    """A token as articled would have made it `age` seconds ago (the day's key must
    exist: any GET of a post makes today's)."""
    t = int(time.time()) - age
    key = key or secret(site, day_of(t))
    assert key is not None, "no key for %s" % day_of(t)
    mac = siphash24(key, ("%d:%d" % (article_id(site, slug), t)).encode())
    return "%d-%016x" % (t, mac)


def page_token(text):
    m = re.search(r'name="token" value="([^"]*)"', text)
    return m and m.group(1)


def textarea(text):
    """What the form's question field holds, as the browser shows it."""
    m = re.search(r'<textarea id="comment-text"[^>]*>\n?(.*?)</textarea>', text, re.S)
    return m and html.unescape(m.group(1))


def name_value(text):
    m = re.search(r'<input id="comment-name"[^>]* value="([^"]*)"', text)
    return m and html.unescape(m.group(1))


def refusal(text):
    m = re.search(r'<p class="comment-refused" role="alert">(.*?)</p>', text, re.S)
    return m and html.unescape(m.group(1))


def post(site, slug, fields=None, headers=None, body=None, source="127.0.0.1",
         content_type="application/x-www-form-urlencoded"):
    """POSTs the form (fields urlencoded, or body as given) from source."""
    if body is None:
        body = urllib.parse.urlencode(fields or {}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10,
                                      source_address=(source, 0))
    try:
        conn.putrequest("POST", "/comment/" + slug, skip_accept_encoding=True)
        if content_type is not None:
            conn.putheader("Content-Type", content_type)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        r = conn.getresponse()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    finally:
        conn.close()


def post_to(port, path, fields, chunked=False, headers=None):
    """POSTs fields to 127.0.0.1:port (a CGI server), with a length or chunked."""
    body = urllib.parse.urlencode(fields).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        hdrs = dict({"Content-Type": "application/x-www-form-urlencoded"}, **(headers or {}))
        if chunked:
            conn.request("POST", path, body=iter([body]), headers=hdrs, encode_chunked=True)
        else:
            conn.request("POST", path, body=body, headers=hdrs)
        r = conn.getresponse()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    finally:
        conn.close()
