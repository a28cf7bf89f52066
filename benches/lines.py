#!/usr/bin/env python3
"""Instructions per pricing by source line of the pricing core, for `benches/lines.sh`.

Reads a callgrind profile taken with `--dump-instr=yes` (a count per machine instruction), puts
each instruction on the innermost line of `runtime/src` it was compiled from — following the
inlining chain `addr2line -i` gives, so the work a small function inlined everywhere does is
counted where it is asked for — and prints the lines that hold the most, per pricing.

    python3 benches/lines.py PROFILE BINARY PRICINGS [TOP]

The profile must come from BINARY itself: its addresses mean nothing for another build.
"""

import collections
import re
import subprocess
import sys

USAGE = "usage: python3 benches/lines.py PROFILE BINARY PRICINGS [TOP]"


def self_counts(profile, binary_name):
    """Instructions per address of the binary's own code (calls' inclusive costs left out)."""
    counts = collections.Counter()
    objects = {}
    current_object = None
    address = 0
    after_call = False
    with open(profile) as lines:
        for line in lines:
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith("positions:") and "instr" not in line.split():
                sys.exit(f"lines.py: {profile} counts by line only: take it with --dump-instr=yes")
            # An object named once, then referred to by number (`ob=` where costs are, `cob=`
            # where calls go).
            named = re.match(r"(c?ob)=\((\d+)\)(?: (.*))?", line)
            if named:
                kind, number, name = named.groups()
                if name:
                    objects[number] = name
                if kind == "ob":
                    current_object = objects.get(number)
                continue
            if line.startswith("calls="):
                # The next cost line is the call's inclusive cost: not this address's own.
                after_call = True
                continue
            if line[0] not in "0123456789+-*":
                continue
            fields = line.split()
            position = fields[0]
            # Positions are absolute (0x…), relative to the last (+n, -n) or the same (*).
            if position.startswith("0x"):
                address = int(position, 16)
            elif position[0] in "+-":
                step = int(position[1:], 16) if position[1:].startswith("0x") else int(position[1:])
                address += step if position[0] == "+" else -step
            if after_call:
                after_call = False
                continue
            if len(fields) >= 3 and current_object and current_object.endswith(binary_name):
                counts[address] += int(fields[2])
    return counts


def by_line(counts, binary):
    """The counts summed by the innermost `runtime/src` line of each address's inlining chain
    (the outermost frame when none is in `runtime/src`)."""
    addresses = sorted(counts)
    found = subprocess.run(
        ["addr2line", "-i", "-a", "-e", binary],
        input="".join(f"{a:#x}\n" for a in addresses),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    totals = collections.Counter()
    address, frames = None, []

    def close():
        if address is None:
            return
        ours = [f for f in frames if "/runtime/src/" in f or f.startswith("runtime/src/")]
        place = ours[0] if ours else (frames[-1] if frames else "?")
        place = re.sub(r".*/runtime/src/", "runtime/src/", place).split(" ")[0]
        totals[place] += counts[address]

    for line in found:
        if line.startswith("0x"):
            close()
            address, frames = int(line, 16), []
        else:
            frames.append(line)
    close()
    return totals


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(USAGE)
    profile, binary = sys.argv[1], sys.argv[2]
    try:
        pricings = int(sys.argv[3])
        top = int(sys.argv[4]) if len(sys.argv) == 5 else 40
    except ValueError:
        sys.exit(f"lines.py: PRICINGS and TOP are whole numbers\n{USAGE}")
    if pricings < 1:
        sys.exit(f"lines.py: PRICINGS is at least 1\n{USAGE}")
    counts = self_counts(profile, binary.rsplit("/", 1)[-1])
    if not counts:
        sys.exit(f"lines.py: no counts for {binary} in {profile} (a profile of another binary?)")
    totals = by_line(counts, binary)
    whole = sum(totals.values())
    print(f"{whole / pricings:,.0f} instructions per pricing in the binary's own code, by line:")
    for place, count in totals.most_common(top):
        print(f"{count / pricings:10,.0f}  {100 * count / whole:4.1f} %  {place}")


if __name__ == "__main__":
    main()
