"""What a process is doing now, read from /proc (Linux; root or the
process's own user).

tick_deadline(pid) tells whether a program that wakes once a second on
an absolute deadline (viewtail -f: clock_nanosleep(CLOCK_MONOTONIC,
TIMER_ABSTIME, ...)) is asleep between two polls, and until when.  A
test then knows, without guessing a delay, that the poll before that
sleep has finished, and how many polls happened since it last looked.
"""
import os
import platform
import struct

# clock_nanosleep's number in /proc/PID/syscall, per architecture.
CLOCK_NANOSLEEP = {"x86_64": 230, "aarch64": 115}.get(platform.machine())
CLOCK_MONOTONIC = 1
TIMER_ABSTIME = 1


def tick_deadline(pid):
    """The CLOCK_MONOTONIC second (a float) that pid sleeps until in
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, ...), or None if it
    is not in that call now (running, in another call, or gone)."""
    if CLOCK_NANOSLEEP is None:
        raise RuntimeError("tick_deadline: no clock_nanosleep number for "
                           + platform.machine())
    try:
        with open("/proc/%d/syscall" % pid) as f:
            fields = f.read().split()
        if len(fields) < 4 or not fields[0].isdigit() or \
                int(fields[0]) != CLOCK_NANOSLEEP or \
                int(fields[1], 16) != CLOCK_MONOTONIC or \
                int(fields[2], 16) != TIMER_ABSTIME:
            return None
        fd = os.open("/proc/%d/mem" % pid, os.O_RDONLY)
        try:
            raw = os.pread(fd, 16, int(fields[3], 16))
        finally:
            os.close(fd)
    except (OSError, ValueError):
        return None
    if len(raw) != 16:
        return None
    sec, nsec = struct.unpack("qq", raw)
    return sec + nsec / 1e9
