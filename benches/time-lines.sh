#!/usr/bin/env bash
# Where a pricing's time goes, by source line: `perf record` samples a run of
# `benches/instructions.rs` by the clock (`cpu-clock`, which a virtual machine without hardware
# counters has too), and `benches/time_lines.py` puts each sample on the innermost line of
# `runtime/src` it was inlined from, as `lines.sh` does for instructions. Time does not follow
# instructions closely here (benches/HISTORY.md: steps that cut instructions moved no time, and
# a value moved through the stack costs far more than its instructions), so a step aimed at time
# is aimed from this. The set-up before the loop is sampled too: a few thousand pricings keep it
# small beside them.
#
#   bash benches/time-lines.sh                # the 200-line case, 20,000 pricings, the top 40 lines
#   bash benches/time-lines.sh 20 2000000 25  # CASE PRICINGS TOP
#
# Needs perf, python3, addr2line and readelf (Debian: linux-perf, python3, binutils).
set -euo pipefail
cd "$(dirname "$0")/.."

script=time-lines.sh
source benches/needs.sh
needs "linux-perf python3 binutils" perf python3 addr2line readelf

case_name=${1:-200}
pricings=${2:-20000}
top=${3:-40}

# The release build with line tables, as `cargo bench` builds it: sets `binary`.
source benches/instructions-binary.sh

data=$(mktemp)
trap 'rm -f "$data" "$data.maps" "$data.samples" "$data.log"' EXIT
if ! perf record -e cpu-clock -F 20000 -o "$data" "$binary" "$case_name" "$pricings" >/dev/null 2>"$data.log"; then
    echo "time-lines.sh: perf record failed:" >&2
    cat "$data.log" >&2
    exit 1
fi
perf script -i "$data" --show-mmap-events 2>/dev/null | grep 'MMAP' >"$data.maps" || true
perf script -i "$data" -F ip,dso 2>/dev/null >"$data.samples"
python3 benches/time_lines.py "$data.maps" "$data.samples" "$binary" "$top"
