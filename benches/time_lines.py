#!/usr/bin/env python3
"""A pricing's time by source line of the pricing core, for `benches/time-lines.sh`.

Reads `perf script` output of a `perf record -e cpu-clock` run of BINARY: the binary's memory
map (to turn each sample's run-time address into the binary's own) and each sample's address and
object. Every sample in the binary is put on the innermost line of `runtime/src` it was compiled
from, as `lines.py` does for instructions (`addr2line -i`), and the lines with the most samples
are printed with their share of the binary's samples.

    python3 benches/time_lines.py MAPS SAMPLES BINARY [TOP]

MAPS is `perf script --show-mmap-events` output, SAMPLES is `perf script -F ip,dso` output, both
of the same recording of BINARY: its addresses mean nothing for another build.
"""

import collections
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lines  # noqa: E402  (benches/lines.py: the attribution to source lines)

USAGE = "usage: python3 benches/time_lines.py MAPS SAMPLES BINARY [TOP]"


def text_shift(binary):
    """How far the executable segment's addresses are from its offsets in the file."""
    headers = subprocess.run(["readelf", "-lW", binary], capture_output=True, text=True, check=True).stdout
    for line in headers.splitlines():
        fields = line.split()
        if fields[:1] == ["LOAD"] and "E" in fields[6:-1]:
            return int(fields[2], 16) - int(fields[1], 16)
    sys.exit(f"time_lines.py: {binary} has no executable segment")


def mapping(maps, binary):
    """Where the recording mapped the binary's executable segment: (start, file offset)."""
    name = os.path.realpath(binary)
    with open(maps) as events:
        for line in events:
            if "MMAP" not in line or "r-xp" not in line:
                continue
            found = re.search(r"\[(0x[0-9a-f]+)\((0x[0-9a-f]+)\) @ (0x[0-9a-f]+) .*\]: r-xp (\S+)", line)
            if found and os.path.realpath(found.group(4)) == name:
                return int(found.group(1), 16), int(found.group(3), 16)
    sys.exit(f"time_lines.py: {maps} does not map {binary} (a recording of another binary?)")


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(USAGE)
    maps, samples, binary = sys.argv[1:4]
    try:
        top = int(sys.argv[4]) if len(sys.argv) == 5 else 40
    except ValueError:
        sys.exit(f"time_lines.py: TOP is a whole number\n{USAGE}")
    start, offset = mapping(maps, binary)
    shift = offset + text_shift(binary) - start
    base = os.path.basename(binary)
    counts = collections.Counter()
    elsewhere = 0
    with open(samples) as lines_in:
        for line in lines_in:
            fields = line.split()
            if len(fields) < 2:
                continue
            if base in fields[-1]:
                counts[int(fields[0], 16) + shift] += 1
            else:
                elsewhere += 1
    if not counts:
        sys.exit(f"time_lines.py: no samples in {binary} in {samples}")
    totals = lines.by_line(counts, binary)
    whole = sum(totals.values())
    share = 100 * whole / (whole + elsewhere)
    print(f"{whole:,} samples in the binary's own code ({share:.1f} % of all; the rest in the kernel "
          "and shared libraries), by line:")
    for place, count in totals.most_common(top):
        print(f"{count:10,}  {100 * count / whole:4.1f} %  {place}")


if __name__ == "__main__":
    main()
