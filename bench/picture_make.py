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
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import picture_inputs  # noqa: E402


def one_run(binary, data):
    """(wall s, CPU s, peak RSS KiB, variants, their bytes) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run([binary], input=data, capture_output=True, check=True)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime -
                                                 before.ru_stime)
    _, variants = picture_inputs.parse(p.stdout)
    return wall, cpu, after.ru_maxrss, len(variants), \
        sum(len(v[3]) for v in variants)


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
        data = picture_inputs.photo(4000, 3000)
    runs = [one_run(args.binary, data) for _ in range(args.runs)]
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    print("picture maker, 12 MP JPEG (4000 x 3000, %.1f MB) -> %d variants "
          "(%.2f MB): %.2f s wall, %.2f s CPU (median of %d), peak RSS "
          "%d MiB" % (len(data) / 1e6, runs[0][3], runs[0][4] / 1e6, wall,
                      cpu, args.runs, max(r[2] for r in runs) // 1024))


if __name__ == "__main__":
    main()
