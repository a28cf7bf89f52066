#!/usr/bin/env bash
# Where a pricing's instructions go, by source line: callgrind counts every machine instruction
# of the steady pricings of `benches/instructions.rs` (as `count.sh` does, the thread's first
# pricing left out), and `benches/lines.py` puts each on the innermost line of `runtime/src` it
# was inlined from. The pricing core is mostly inlined into a few large functions, so counts by
# function say little; by line they show what each statement costs wherever it was inlined.
#
#   bash benches/lines.sh              # the 200-line case, 6 pricings, the top 40 lines
#   bash benches/lines.sh 20 200 25    # CASE PRICINGS TOP
#
# Needs valgrind, python3 and addr2line (Debian: valgrind, python3, binutils).
set -euo pipefail
cd "$(dirname "$0")/.."

script=lines.sh
source benches/needs.sh
needs "valgrind python3 binutils" valgrind python3 addr2line

case_name=${1:-200}
pricings=${2:-6}
top=${3:-40}

# The release build with line tables, as `cargo bench` builds it (`binary`), and the options
# that count its steady pricings (`steady`).
source benches/callgrind-steady.sh

profile=$(mktemp)
trap 'rm -f "$profile" "$profile.log"' EXIT
valgrind "${steady[@]}" --dump-instr=yes --callgrind-out-file="$profile" \
    "$binary" "$case_name" "$pricings" >/dev/null 2>"$profile.log"
python3 benches/lines.py "$profile" "$binary" "$pricings" "$top"
