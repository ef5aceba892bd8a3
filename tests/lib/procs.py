"""Processes started by the tests and by bench/run: each in its own
process group (its session leader's pid), so that stopping it stops every
process it started; a free loopback port; waiting until a port accepts.

    p = start(["nginx", ...], log_path)     # stdout and stderr appended there
    wait_for_port(port, who="nginx", proc=p)
    stop(p, signal.SIGQUIT)                 # then SIGKILL to whatever is left
"""
import os
import signal
import socket
import subprocess

from wait import WaitTimeout, wait_until


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepts(port):
    """True if something accepts a connection on 127.0.0.1:port now."""
    try:
        with socket.create_connection(("127.0.0.1", port), 0.2):
            return True
    except OSError:
        return False


def wait_for_port(port, who="a server", timeout=10, proc=None):
    """Returns once something accepts on 127.0.0.1:port; raises
    WaitTimeout at the deadline, or at once if proc (the server's Popen)
    exits first."""
    def up():
        if proc is not None and proc.poll() is not None:
            raise WaitTimeout("%s exited with %s before accepting on 127.0.0.1:%d"
                              % (who, proc.returncode, port))
        return accepts(port)
    wait_until(up, "%s to accept on 127.0.0.1:%d" % (who, port), timeout)


def start(args, log_path=None, env=None, stdin=subprocess.DEVNULL):
    """Popen of args as the leader of a new process group; its stdout and
    stderr are appended to log_path (discarded if None)."""
    if log_path is None:
        return subprocess.Popen(args, stdin=stdin, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env,
                                start_new_session=True)
    with open(log_path, "ab") as log:
        return subprocess.Popen(args, stdin=stdin, stdout=log, stderr=log, env=env,
                                start_new_session=True)


def kill_group(pgid, sig=signal.SIGKILL):
    """Sends sig to the process group; False if nothing is left in it."""
    try:
        os.killpg(pgid, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def stop(proc, sig=signal.SIGTERM, timeout=15):
    """Sends sig to proc's group, waits up to timeout for proc to exit
    (SIGKILL after that), then SIGKILLs whatever of its group is left
    (workers of a master that died first).  Returns proc's exit status."""
    if proc is None:
        return None
    kill_group(proc.pid, sig)
    try:
        rc = proc.wait(timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        rc = proc.wait()
    kill_group(proc.pid)
    return rc


def group_members(pgid):
    """The pids in a process group now (pgrep -g)."""
    out = subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True,
                         text=True).stdout
    return [int(x) for x in out.split()]


def children(pid):
    """The pids whose parent is pid now (pgrep -P)."""
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                         text=True).stdout
    return [int(x) for x in out.split()]


def comm(pid):
    """A process's name (/proc/PID/comm), "" once it is gone."""
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


def articled_workers(master):
    """The master's workers: its children but the picture maker, which
    names itself articled-maker (cgi/maker/maker.c)."""
    return [p for p in children(master) if comm(p) != "articled-maker"]


def articled_maker(master):
    """The master's picture maker's pid, or None."""
    found = [p for p in children(master) if comm(p) == "articled-maker"]
    return found[0] if found else None


def command_lines_with(text):
    """The pids whose command line (/proc/PID/cmdline) holds text now:
    the processes a test started with its own temporary path as an
    argument, whoever their parent is by now."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % name, "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(name))
    return found


def stop_groups_of(pids):
    """SIGKILLs the process group of each pid (never the caller's own):
    a server started under setsid by a script the test ran, with every
    process it started."""
    own = os.getpgrp()
    for pid in pids:
        try:
            pgid = os.getpgid(pid)
        except ProcessLookupError:
            continue
        if pgid != own:
            kill_group(pgid)
