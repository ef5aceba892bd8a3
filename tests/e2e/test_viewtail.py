"""viewtail, end to end: a real database made by the sqlite3 shell from schema.sql and
db/seed.sql, a real counter file written through cgi/lib/counter.c, and the exact output.

The binary is $VIEWTAIL (default bin/viewtail).  Run: /usr/bin/python3 -m pytest tests/e2e
A follower's polls are seen in /proc (tests/lib/proc.py): it sleeps to an absolute deadline
between two, so a test waits for "asleep after the poll that ..." instead of guessing a delay.
A slow wrapper (valgrind) may need longer waits: VIEWTAIL_STARTUP=10 (seconds, default 5).
"""
import datetime
import json
import os
import pathlib
import queue
import re
import shutil
import signal
import subprocess
import threading
import time

import pytest

from proc import tick_deadline
from wait import WaitTimeout, wait_until

ROOT = pathlib.Path(__file__).resolve().parents[2]
VIEWTAIL = os.environ.get("VIEWTAIL", str(ROOT / "bin" / "viewtail"))
STARTUP = float(os.environ.get("VIEWTAIL_STARTUP", "5"))
SEED = "sciatica-and-back-pain-what-s-the-difference-and-can-acupuncture-help"
SEED_TITLE = "Sciatica and back pain. What's the difference, and can acupuncture help?"
CFLAGS = ["-std=c11", "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE", "-Wall", "-Wextra",
          "-Werror", "-Wmissing-prototypes", "-Wstrict-prototypes", "-Wwrite-strings",
          "-Wshadow"]

# Stands in for articled's workers: counts views in DB-views through cgi/lib/counter.c.
#   counter_tool DB add KEY N   adds N views to KEY (creating the file), prints the count
#   counter_tool DB gen         prints the file's generation
COUNTER_TOOL_C = r"""
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/counter.h"

int main(int argc, char **argv)
{
	struct counter_slot *slot;
	struct counter *c;
	char err[1024];
	long n;

	if (argc < 3)
		return 2;
	if ((c = counter_open(argv[1], COUNTER_WRITE, err, sizeof(err))) == NULL) {
		fprintf(stderr, "counter_tool: %s\n", err);
		return 1;
	}
	if (strcmp(argv[2], "gen") == 0) {
		printf("%" PRIu64 "\n", counter_generation(c));
	} else if (strcmp(argv[2], "add") == 0 && argc == 5) {
		if ((slot = counter_slot(c, strtoll(argv[3], NULL, 10))) == NULL)
			return 1;
		for (n = strtol(argv[4], NULL, 10); n > 0; n--)
			counter_add(slot);
		printf("%" PRIu64 "\n", counter_get(slot));
	} else {
		return 2;
	}
	counter_close(c);
	return 0;
}
"""


# -- helpers ---------------------------------------------------------------------------

def q(text):
    """An SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def sql(db, script):
    """Runs SQL through the sqlite3 shell, as the owner would; returns its output."""
    done = subprocess.run(["sqlite3", "-bail", str(db)], input=script.encode(),
                          capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


def viewtail(*args, env=None, cwd=None, timeout=10):
    run_env = dict(os.environ, COLUMNS="200")
    run_env.update(env or {})
    done = subprocess.run([VIEWTAIL, *map(str, args)], capture_output=True, env=run_env,
                          cwd=cwd, timeout=timeout, check=False)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def add_article(db, slug, title=None, days=None, draft=0, title_sql=None):
    """Inserts an article with views per day ({days ago: views}), folded into total as
    articled's fold leaves them."""
    title_expr = title_sql if title_sql is not None else q(title or slug)
    script = [f"INSERT INTO articles(slug, title, body, draft) "
              f"VALUES ({q(slug)}, {title_expr}, 'Body.', {draft});",
              "BEGIN; INSERT INTO articled_writing(who) VALUES ('fold');"]  # as articled's fold
    for ago, views in (days or {}).items():
        script.append(f"INSERT INTO view_days VALUES ((SELECT id FROM articles WHERE slug = "
                      f"{q(slug)}), date('now', '-{ago} days'), {views});")
    done = sum((days or {}).values())
    script.append(f"UPDATE views SET total = total + {done}, folded = folded + {done} "
                  f"WHERE article_id = (SELECT id FROM articles WHERE slug = {q(slug)});")
    script.append("DELETE FROM articled_writing; COMMIT;")
    sql(db, "\n".join(script))


def key_of(db, slug):
    return int(sql(db, f"SELECT key FROM views JOIN articles ON id = article_id "
                       f"WHERE slug = {q(slug)};"))


def fold(db, tool, slug):
    """Folds the counter of one article into the database, as articled's fold does: in
    one transaction, today's view_days and total by what is new, folded to the count."""
    key = key_of(db, slug)
    generation = int(tool(db, "gen"))
    count = int(tool(db, "add", key, 0))
    sql(db, f"""
BEGIN;
INSERT INTO articled_writing(who) VALUES ('fold');
CREATE TEMP TABLE new AS
  SELECT article_id, {count} - CASE (SELECT generation FROM counter_state)
                               WHEN {generation} THEN folded ELSE 0 END AS views
  FROM views WHERE key = {key};
INSERT INTO view_days(article_id, day, views)
  SELECT article_id, date('now'), views FROM new WHERE true
  ON CONFLICT(article_id, day) DO UPDATE SET views = view_days.views + excluded.views;
UPDATE views SET total = total + (SELECT views FROM new), folded = {count} WHERE key = {key};
UPDATE counter_state SET generation = {generation};
DELETE FROM articled_writing;
COMMIT;
""")


def row(slug, title, total, today, week, spark, slug_w=69, title_w=72):
    return f"{slug:<{slug_w}}  {title:<{title_w}}  {total:>5}  {today:>5}  {week:>6}  {spark}"


def header(slug_w=69, title_w=72):
    return row("SLUG", "TITLE", "TOTAL", "TODAY", "7 DAYS", "LAST 14 DAYS", slug_w, title_w)


class Follower:
    """viewtail -f in the background, its lines collected as they come."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([VIEWTAIL, "-f", *map(str, args)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines, self.errors, self.stderr = queue.Queue(), queue.Queue(), []
        self.readers = [threading.Thread(target=self._read, args=(self.proc.stdout, None)),
                        threading.Thread(target=self._read, args=(self.proc.stderr, True))]
        for reader in self.readers:
            reader.daemon = True
            reader.start()
        # Its first snapshot, which prints nothing, is taken once it
        # first sleeps between polls.
        self.deadline = self.asleep("its first snapshot")

    def _tick(self):
        """The deadline of the sleep between two polls it is in, or None."""
        if self.proc.poll() is not None:
            raise AssertionError("viewtail -f exited %d: %s" % (
                self.proc.returncode, "".join(self.stderr)))
        return tick_deadline(self.proc.pid)

    def asleep(self, after):
        """Waits until it sleeps between two polls (so the poll or the
        snapshot before is done); returns that sleep's deadline."""
        return wait_until(self._tick, "viewtail -f asleep between polls, after "
                          + after, STARTUP, step=0.005)

    def polled(self, n=1, after="a poll"):
        """Waits until n more polls have finished since the last wait
        (it sleeps to a deadline n seconds later than then)."""
        target = self.deadline + n - 0.5

        def later():
            d = self._tick()
            return d is not None and d > target and d
        self.deadline = wait_until(later, "viewtail -f asleep after " + after,
                                   STARTUP + n, step=0.005)
        return self.deadline

    def _read(self, stream, is_stderr):
        for line in stream:
            if is_stderr:
                self.stderr.append(line.decode())
                self.errors.put(line.decode())
            else:
                self.lines.put(line.decode())

    def line(self, timeout=5):
        """The next line it prints; fails naming it if none comes in time."""
        return self._next(self.lines, "a line on viewtail -f's stdout", timeout)

    def error_line(self, timeout=5):
        return self._next(self.errors, "a line on viewtail -f's stderr", timeout)

    def _next(self, lines, what, timeout):
        try:
            return lines.get(timeout=timeout)
        except queue.Empty:
            raise WaitTimeout("waited %.1f s for %s; stderr so far: %r" % (
                timeout, what, "".join(self.stderr))) from None

    def quiet_for(self, seconds):
        """True if nothing was printed for that long."""
        try:
            self.lines.get(timeout=seconds)
        except queue.Empty:
            return True
        return False

    def stop(self, sig=signal.SIGINT):
        """Sends sig; returns the exit status and all it wrote to stderr."""
        self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=5)
        for reader in self.readers:
            reader.join(timeout=5)
        return rc, "".join(self.stderr)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for reader in self.readers:
            reader.join(timeout=5)
        self.proc.stdout.close()
        self.proc.stderr.close()


def utc_clock_near_now(clock):
    """True if an HH:MM:SS is within a few seconds of the UTC time now."""
    now = datetime.datetime.now(datetime.timezone.utc)
    h, m, s = map(int, clock.split(":"))
    seconds = h * 3600 + m * 60 + s
    here = now.hour * 3600 + now.minute * 60 + now.second
    return min((here - seconds) % 86400, (seconds - here) % 86400) <= 5


# -- fixtures --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def tool(tmp_path_factory):
    """counter_tool(db, *args) -> its output."""
    where = tmp_path_factory.mktemp("counter_tool")
    (where / "counter_tool.c").write_text(COUNTER_TOOL_C)
    subprocess.run(["gcc", *CFLAGS, "-I", str(ROOT / "cgi"), str(where / "counter_tool.c"),
                    str(ROOT / "cgi" / "lib" / "counter.c"), str(ROOT / "cgi" / "lib" / "alloc.c"),
                    "-o", str(where / "counter_tool")], check=True)

    def run(db, *args):
        done = subprocess.run([str(where / "counter_tool"), str(db), *map(str, args)],
                              capture_output=True, check=True)
        return done.stdout.decode().strip()
    return run


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "site.db"
    sql(path, (ROOT / "schema.sql").read_text())
    sql(path, (ROOT / "db" / "seed.sql").read_text())
    return path


@pytest.fixture
def follow():
    started = []

    def start(*args):
        started.append(Follower(*args))
        return started[-1]
    yield start
    for follower in started:
        follower.kill()


# -- the table -------------------------------------------------------------------------

def test_table_lists_every_article_by_live_total_drafts_marked(db):
    add_article(db, "knee-pain", "Knee pain",
                days={0: 2, 1: 4, 6: 8, 7: 1, 13: 8, 14: 100})
    add_article(db, "new-treatments", "New treatments", draft=1)
    add_article(db, "a-first", "A first")

    rc, out, err = viewtail("--db", db)

    assert (rc, err) == (0, "")
    assert out.splitlines() == [
        header(),
        row("knee-pain", "Knee pain", 123, 2, 14, "█     ▁█    ▄▂"),
        row(SEED, SEED_TITLE, 66, 0, 0, " " * 14),
        row("a-first", "A first", 0, 0, 0, " " * 14),
        row("new-treatments", "(draft) New treatments", 0, 0, 0, " " * 14),
        "",
        "Questions waiting: none",
    ]


def test_table_cuts_slug_and_title_to_the_width_by_code_points(db):
    sql(db, f"UPDATE articles SET title = 'Été à Paris — ' || title WHERE slug = {q(SEED)};")

    rc, out, _ = viewtail("--db", db, env={"COLUMNS": "80"})

    assert rc == 0
    assert out.splitlines() == [
        header(20, 20),
        row("sciatica-and-back-p…", "Été à Paris — Sciat…", 66, 0, 0, " " * 14, 20, 20),
        "",
        "Questions waiting: none",
    ]
    assert len(out.splitlines()[1]) == 80


def test_table_shows_control_characters_as_replacement(db):
    add_article(db, "ctl", title_sql="'red' || char(27) || '[31m' || char(10) || 'x'")

    _, out, _ = viewtail("--db", db)

    assert "\x1b" not in out
    assert row("ctl", "red\ufffd[31m x", 0, 0, 0, " " * 14) in out.splitlines()


def test_table_adds_unfolded_counter_views_to_total_and_today(db, tool):
    tool(db, "add", key_of(db, SEED), 5)

    _, out, _ = viewtail("--db", db)

    assert out.splitlines()[1] == row(SEED, SEED_TITLE, 71, 5, 5, " " * 13 + "█")


def test_table_counts_folded_views_once(db, tool):
    tool(db, "add", key_of(db, SEED), 5)
    fold(db, tool, SEED)
    tool(db, "add", key_of(db, SEED), 2)

    _, out, _ = viewtail("--db", db)

    assert out.splitlines()[1] == row(SEED, SEED_TITLE, 73, 7, 7, " " * 13 + "█")


def test_table_warns_of_a_broken_counter_file_and_shows_folded_views(db):
    pathlib.Path(f"{db}-views").write_bytes(b"not a counter file" * 10)

    rc, out, err = viewtail("--db", db)

    assert rc == 0
    assert err.startswith(f"viewtail: warning: {db}-views: ")
    assert err.endswith("; showing views as of the last fold\n")
    assert out.splitlines()[1] == row(SEED, SEED_TITLE, 66, 0, 0, " " * 14)


def test_table_saturates_counts_instead_of_overflowing(db, tool):
    # schema.sql caps imported far below this; a database edited with
    # the checks off must still not make viewtail overflow.
    sql(db, "PRAGMA ignore_check_constraints = 1; "
            "UPDATE views SET imported = 9223372036854775807;")
    tool(db, "add", key_of(db, SEED), 1)

    rc, out, err = viewtail("--db", db, "--json")

    assert (rc, err) == (0, "")
    assert json.loads(out)[0]["total"] == 9223372036854775807


def test_table_reads_while_the_owner_holds_a_write_transaction(db):
    owner = subprocess.Popen(["sqlite3", str(db)], stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        owner.stdin.write(b"BEGIN IMMEDIATE;\nUPDATE views SET imported = 1000;\n")
        owner.stdin.flush()
        wait_until(lambda: subprocess.run(["sqlite3", str(db), "BEGIN IMMEDIATE;"],
                                          capture_output=True,
                                          check=False).returncode != 0,
                   "the owner's sqlite3 to hold the write lock", 5, step=0.05)

        started = time.monotonic()
        rc, out, err = viewtail("--db", db)

        assert time.monotonic() - started < 2
        assert (rc, err) == (0, "")
        assert out.splitlines()[1] == row(SEED, SEED_TITLE, 66, 0, 0, " " * 14)
    finally:
        owner.stdin.close()
        owner.wait(timeout=5)


def test_table_changes_neither_database_nor_counter_file(db, tool):
    sql(db, "PRAGMA wal_checkpoint(TRUNCATE);")
    before = db.read_bytes()
    rc, _, _ = viewtail("--db", db)
    assert rc == 0
    assert db.read_bytes() == before
    assert not pathlib.Path(f"{db}-views").exists()

    tool(db, "add", key_of(db, SEED), 3)
    counts = pathlib.Path(f"{db}-views").read_bytes()
    viewtail("--db", db)
    assert pathlib.Path(f"{db}-views").read_bytes() == counts


def test_table_reads_db_site_db_by_default(db, tmp_path):
    (tmp_path / "db").mkdir()
    shutil.copy(db, tmp_path / "db" / "site.db")

    rc, out, _ = viewtail(cwd=tmp_path)

    assert rc == 0
    assert out.splitlines()[1].startswith(SEED)


def test_json_is_one_array_of_articles_most_viewed_first(db):
    add_article(db, "knee-pain", "Knee pain", days={0: 2, 1: 4, 13: 8, 14: 100}, draft=1)

    rc, out, _ = viewtail("--db", db, "--json")

    assert rc == 0
    assert json.loads(out) == [
        {"slug": "knee-pain", "title": "Knee pain", "draft": True, "total": 114,
         "today": 2, "last7": 6, "days": [8] + [0] * 11 + [4, 2],
         "pending_questions": 0, "oldest_question": None},
        {"slug": SEED, "title": SEED_TITLE, "draft": False, "total": 66,
         "today": 0, "last7": 0, "days": [0] * 14,
         "pending_questions": 0, "oldest_question": None},
    ]


def test_json_escapes_controls_and_replaces_invalid_utf8(db):
    # A title version 1 accepted; version 2 refuses invalid UTF-8 (db/migrations/0002).
    sql(db, "DELETE FROM articles; DROP TRIGGER articles_title_utf8_insert;")
    add_article(db, "odd", title_sql="'q\"b\\' || char(1, 9, 10, 127, 133) || "
                                     "CAST(X'41FF42' AS TEXT) || '日'")

    _, out, _ = viewtail("--db", db, "--json")

    assert '"title":"q\\"b\\\\\\u0001\\t\\n\\u007f\\u0085A\ufffdB日"' in out
    assert json.loads(out)[0]["title"] == 'q"b\\\x01\t\n\x7f\x85A\ufffdB日'


def test_json_of_no_articles_is_an_empty_array(db):
    sql(db, "DELETE FROM articles;")
    assert viewtail("--db", db, "--json") == (0, "[]\n", "")


# -- following -------------------------------------------------------------------------

LINE = re.compile(r"^(\d\d:\d\d:\d\d)  ([+-]\d+)  (\d+)  (\S+)\n$")


def test_follow_prints_each_second_what_the_counter_added(db, tool, follow):
    tail = follow("--db", db)
    key = key_of(db, SEED)

    tool(db, "add", key, 3)
    first = LINE.match(tail.line())
    tool(db, "add", key, 2)
    second = LINE.match(tail.line())
    rc, err = tail.stop()

    assert first.groups()[1:] == ("+3", "69", SEED)
    assert second.groups()[1:] == ("+2", "71", SEED)
    assert utc_clock_near_now(first.group(1))
    assert (rc, err) == (0, "")


def test_follow_prints_nothing_for_a_fold(db, tool, follow):
    tool(db, "add", key_of(db, SEED), 3)
    tail = follow("--db", db)

    fold(db, tool, SEED)
    tail.polled(2, "two polls since the fold")
    quiet = tail.lines.empty()
    tool(db, "add", key_of(db, SEED), 1)

    assert quiet
    assert LINE.match(tail.line()).groups()[1:] == ("+1", "70", SEED)


def test_follow_shows_no_burst_when_the_owner_changes_imported(db, tool, follow):
    """The owner types in the old site's count (views.imported + 1000):
    the total moves, but nobody viewed anything; the next view is +1."""
    tail = follow("--db", db)

    sql(db, f"UPDATE views SET imported = imported + 1000 WHERE article_id = "
            f"(SELECT id FROM articles WHERE slug = {q(SEED)});")
    tail.polled(2, "two polls since the owner's change")
    quiet = tail.lines.empty()
    tool(db, "add", key_of(db, SEED), 1)

    assert quiet
    assert LINE.match(tail.line()).groups()[1:] == ("+1", "1067", SEED)


def test_follow_sees_views_folded_by_sqlite_without_a_counter_file(db, follow):
    tail = follow("--db", db)

    sql(db, f"""
BEGIN;
INSERT INTO articled_writing(who) VALUES ('fold');
INSERT INTO view_days SELECT id, date('now'), 4 FROM articles WHERE slug = {q(SEED)};
UPDATE views SET total = total + 4, folded = folded + 4;
DELETE FROM articled_writing;
COMMIT;""")

    assert LINE.match(tail.line()).groups()[1:] == ("+4", "70", SEED)


def test_follow_opens_the_counter_file_when_it_appears(db, tool, follow):
    tail = follow("--db", db)
    tail.polled(1, "a poll without the file")

    tool(db, "add", key_of(db, SEED), 2)

    assert LINE.match(tail.line()).groups()[1:] == ("+2", "68", SEED)


def test_follow_reopens_a_replaced_counter_file(db, tool, follow):
    tool(db, "add", key_of(db, SEED), 5)
    fold(db, tool, SEED)
    tail = follow("--db", db)

    os.rename(f"{db}-views", f"{db}-views.old")    # articled started afresh: a new file
    tool(db, "add", key_of(db, SEED), 2)

    assert LINE.match(tail.line()).groups()[1:] == ("+2", "73", SEED)


def test_follow_survives_articles_added_and_deleted(db, tool, follow):
    add_article(db, "going", "Going")
    tail = follow("--db", db)

    sql(db, "DELETE FROM articles WHERE slug = 'going';")
    add_article(db, "fresh", "Fresh")
    tool(db, "add", key_of(db, "fresh"), 4)

    assert LINE.match(tail.line()).groups()[1:] == ("+4", "4", "fresh")
    tool(db, "add", key_of(db, SEED), 1)
    assert LINE.match(tail.line()).groups()[1:] == ("+1", "67", SEED)
    assert tail.stop() == (0, "")


def test_follow_reopens_a_replaced_database(db, tool, follow, tmp_path):
    tail = follow("--db", db)
    fresh = tmp_path / "fresh.db"
    sql(fresh, (ROOT / "schema.sql").read_text())
    add_article(fresh, "elsewhere", "Elsewhere", days={0: 9})

    os.rename(fresh, db)
    notice = tail.error_line()    # the switch itself prints no counts
    tail.asleep("the poll that noticed it and read the new file")
    sql(db, """
BEGIN;
INSERT INTO articled_writing(who) VALUES ('fold');
UPDATE view_days SET views = views + 1 WHERE day = date('now');
UPDATE views SET total = total + 1, folded = folded + 1;
DELETE FROM articled_writing;
COMMIT;""")

    assert notice == f"viewtail: {db} was replaced or removed; following the file at that path\n"
    assert LINE.match(tail.line()).groups()[1:] == ("+1", "10", "elsewhere")
    assert tail.stop() == (0, notice)


def test_follow_json_prints_one_object_a_line(db, tool, follow):
    tail = follow("--db", db, "--json")

    tool(db, "add", key_of(db, SEED), 3)
    change = json.loads(tail.line())

    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", change.pop("time"))
    assert change == {"slug": SEED, "delta": 3, "total": 69}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_follow_stops_quietly_on_a_signal(db, follow, sig):
    tail = follow("--db", db)
    assert tail.stop(sig) == (0, "")
    assert tail.quiet_for(0.1)


# -- options and errors ----------------------------------------------------------------

def test_help_prints_usage_on_stdout(db):
    rc, out, err = viewtail("--help")
    assert (rc, err) == (0, "")
    assert out.startswith("usage: viewtail [--db PATH] [--json] [-f | --follow]\n")
    for option in ("--db PATH", "-f, --follow", "--json", "-h, --help"):
        assert option in out


@pytest.mark.parametrize("args, complaint", [
    (["--frobnicate"], "viewtail: unknown option --frobnicate\n"),
    (["-x"], "viewtail: unknown option -x\n"),
    (["--db"], "viewtail: --db needs an argument\n"),
    (["extra"], "viewtail: unexpected argument extra\n"),
])
def test_bad_usage_prints_usage_on_stderr_and_exits_2(args, complaint):
    rc, out, err = viewtail(*args)
    assert (rc, out) == (2, "")
    assert err.startswith(complaint + "usage: viewtail ")


def test_missing_database_says_how_to_get_one(tmp_path):
    path = tmp_path / "none.db"
    assert viewtail("--db", path) == (
        1, "", f"viewtail: no database at {path} — pass --db or run make\n")
    assert not path.exists()


def test_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database, but long enough to look like a file header\n" * 20)
    assert viewtail("--db", path) == (1, "", f"viewtail: {path} is not an articled database\n")


def test_sqlite_database_without_our_tables_is_refused(tmp_path):
    path = tmp_path / "other.db"
    sql(path, "CREATE TABLE articles(id); CREATE TABLE things(id); PRAGMA user_version = 1;")
    assert viewtail("--db", path) == (1, "", f"viewtail: {path} is not an articled database\n")


def S_build_version():
    with open(os.path.join(ROOT, "cgi", "lib", "schema.h")) as f:
        return int(re.search(r"#define SCHEMA_VERSION\s+(\d+)", f.read()).group(1))


def test_newer_schema_is_refused(db):
    v = S_build_version()
    sql(db, "PRAGMA user_version = %d;" % (v + 1))
    assert viewtail("--db", db) == (
        1, "", f"viewtail: {db} has schema version {v + 1}; this viewtail knows {v} — "
        "upgrade viewtail\n")


def test_schema_version_0_is_refused(db):
    sql(db, "PRAGMA user_version = 0;")
    rc, out, err = viewtail("--db", db)
    assert (rc, out) == (1, "")
    assert err.startswith(f"viewtail: {db} has schema version 0; this viewtail knows "
                          f"{S_build_version()} — ")


# -- patients' questions (issue 19) ------------------------------------------------------

def ask(db, body, ago=0):
    """A question as articled stores it from the form, `ago` seconds old."""
    sql(db, "BEGIN; INSERT INTO articled_writing(who) VALUES ('comments');"
            "INSERT INTO comments(article_id, name, body, created_at) SELECT id, 'Ann', %s, "
            "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now', '-%d seconds') FROM articles "
            "WHERE slug = %s; DELETE FROM articled_writing; COMMIT;" % (q(body), ago, q(SEED)))


def test_table_says_how_many_questions_wait_and_the_oldest_age(db):
    ask(db, "first", ago=2 * 3600 + 5 * 60 + 30)
    ask(db, "second")
    rc, out, _ = viewtail("--db", db)
    assert rc == 0
    assert out.splitlines()[-1] == ("Questions waiting: 2, the oldest for 2 h 5 min "
                                    "(SELECT id, slug, name, body FROM comments_pending;)")
    sql(db, "UPDATE comments SET status = 'published';")
    assert viewtail("--db", db)[1].splitlines()[-1] == "Questions waiting: none"


def test_json_gains_the_questions_of_each_article_and_never_the_secret(db):
    ask(db, "first", ago=60)
    sql(db, "BEGIN; INSERT INTO articled_writing(who) VALUES ('comments');"
            "INSERT INTO comment_keys(day, secret) VALUES ('2024-01-01', x'00112233445566778899aabbccddeeff');"
            "DELETE FROM articled_writing; COMMIT;")
    rc, out, _ = viewtail("--db", db, "--json")
    art = json.loads(out)[0]
    assert art["pending_questions"] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", art["oldest_question"])
    assert "00112233" not in out and "00112233" not in viewtail("--db", db)[1]


def test_follow_prints_a_line_when_a_question_arrives(db, follow):
    tail = follow("--db", db)
    ask(db, "Is it safe?")
    line = tail.line()
    assert re.fullmatch(r"\d\d:\d\d:\d\d  a question arrived  1 waiting\n", line), line
    sql(db, "UPDATE comments SET status = 'published';")
    tail.polled(2, "the question published")
    assert tail.quiet_for(0.2)
