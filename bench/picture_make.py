#!/usr/bin/python3
"""bench/picture_make.py: the time bin/articled-picture takes to make the
variants of a 12 MP photo (issue 9), median of 5 runs, wall and CPU
(user + system of the child), with its peak RSS.  Prints one line for
docs/benchmarks.md.

    bench/picture_make.py [--runs N] [--binary PATH] [--jpeg FILE]

The photo is made here with Pillow (python3-pil): 4000 x 3000, JPEG
quality 90, gradients with grain (compresses like a camera's photo, a few
MB), unless --jpeg gives a real one."""
import argparse
import os
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import picture_inputs  # noqa: E402


def S_photo():
    """The photo, made in a child: a forked child's peak RSS counts the
    parent's memory until exec, so this process stays small."""
    code = ("import sys; sys.path.insert(0, %r); import picture_inputs; "
            "sys.stdout.buffer.write(picture_inputs.photo(4000, 3000))"
            % os.path.join(ROOT, "tests", "lib"))
    return subprocess.run([sys.executable, "-c", code], check=True,
                          capture_output=True).stdout


def one_run(binary, data):
    """(wall s, CPU s, peak RSS KiB, variants, their bytes) of one run,
    from the maker's own rusage (wait4)."""
    t0 = time.monotonic()
    p = subprocess.Popen([binary], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE)
    feeder = threading.Thread(target=S_feed, args=(p.stdin, data))
    feeder.start()
    out = p.stdout.read()
    feeder.join()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit("articled-picture ended with %d" % p.returncode)
    _, variants = picture_inputs.parse(out)
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, len(variants), \
        sum(len(v[3]) for v in variants)


def S_feed(pipe, data):
    pipe.write(data)
    pipe.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--binary", default=os.path.join(ROOT, "bin",
                                                     "articled-picture"))
    ap.add_argument("--jpeg")
    args = ap.parse_args()
    if args.jpeg:
        with open(args.jpeg, "rb") as f:
            data = f.read()
    else:
        data = S_photo()
    runs = [one_run(args.binary, data) for _ in range(args.runs)]
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    print("picture maker, 12 MP JPEG (4000 x 3000, %.1f MB) -> %d variants "
          "(%.2f MB): %.2f s wall, %.2f s CPU (median of %d), peak RSS "
          "%d MiB" % (len(data) / 1e6, runs[0][3], runs[0][4] / 1e6, wall,
                      cpu, args.runs, max(r[2] for r in runs) // 1024))


if __name__ == "__main__":
    main()
