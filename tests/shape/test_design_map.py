"""docs/design.md's map of cgi/ cannot go stale: tools/design-map writes
it from the files' opening comments, and this fails when the committed
table differs from what the tool writes now, names a file that does not
exist, or misses one."""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
CGI = os.path.join(ROOT, "cgi")


def _mapped():
    with open(os.path.join(ROOT, "docs", "design.md"),
              encoding="utf-8") as f:
        doc = f.read()
    table = doc.split("<!-- design-map: begin", 1)[1].split(
        "<!-- design-map: end -->", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", table, re.M)


def test_the_map_is_what_the_comments_say():
    res = subprocess.run([os.path.join(ROOT, "tools", "design-map"),
                          "--check"], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_the_map_names_every_source_file_and_only_those():
    mapped = _mapped()
    on_disk = set()
    for top, _dirs, names in os.walk(CGI):
        for name in names:
            if name.endswith(".c"):
                on_disk.add(os.path.relpath(os.path.join(top, name), CGI))
    assert len(mapped) == len(set(mapped)), "a file is named twice"
    assert [m for m in mapped
            if not os.path.exists(os.path.join(CGI, m))] == []
    assert sorted(on_disk - set(mapped)) == []
