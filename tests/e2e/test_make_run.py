"""tools/serve, the script behind 'make run', as a person runs it: in a
terminal (a real pseudo-terminal here), then Ctrl-C.  Its messages go to
var/log/ as the README says, and Ctrl-C ends it cleanly."""
import os
import pty
import select
import subprocess
import time

from procs import accepts, command_lines_with, kill_group, stop_groups_of
from site_harness import ROOT, free_port, wait_for_port


def read_until(fd, pred, timeout):
    """What the terminal showed, once pred(text) holds; fails at timeout."""
    out = b""
    deadline = time.time() + timeout
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:     # the terminal closed: everything ended
                break
            if not data:
                break
            out += data
        if pred(out.decode(errors="replace")):
            return out.decode(errors="replace")
    text = out.decode(errors="replace")
    assert pred(text), "the terminal never showed it; it showed:\n" + text
    return text


def stop_everything(pid, tmp_path):
    """Stops sh and tools/serve (pid's group: pty.fork made it a session
    leader) and articled and nginx, which tools/serve started under
    setsid in groups of their own: found by the temporary paths on their
    command lines, so a failed test leaves none of them running."""
    kill_group(pid)
    stop_groups_of(command_lines_with(str(tmp_path)))
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def test_ctrl_c_stops_make_run_cleanly_and_logs_go_to_var_log(tmp_path):
    db = tmp_path / "site.db"
    subprocess.run("sqlite3 -bail %s < schema.sql && sqlite3 -bail %s < db/seed.sql"
                   % (db, db), shell=True, cwd=ROOT, check=True)
    var = tmp_path / "var"
    port = free_port()
    env = dict(os.environ, PORT=str(port), DB=str(db), VAR=str(var))
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.execvpe("sh", ["sh", "-c", "tools/serve; echo serve-exit=$?"], env)
    try:
        read_until(fd, lambda t: "Ctrl-C stops" in t, 20)
        wait_for_port(port, "make run's nginx")
        os.write(fd, b"\x03")           # the terminal's Ctrl-C
        shown = read_until(fd, lambda t: "tools/serve: stopped" in t, 20)
        _, status = os.waitpid(pid, 0)
    finally:
        stop_everything(pid, tmp_path)
        os.close(fd)
    assert "unexpectedly" not in shown, shown
    assert "Error" not in shown, shown
    log = (var / "log" / "articled.log").read_text()
    assert "serving %s" % db in log and "stopped" in log, log
    # articled's own lines went to the log, not to the terminal
    assert "articled[" not in shown, shown
    assert not accepts(port), "nginx still answers after Ctrl-C"
