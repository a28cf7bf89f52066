#!/usr/bin/env bash
# Instructions per pricing of the pricing benchmarks' carts, counted by callgrind inside
# `price_prepared` only (set-up and a thread's first pricing excluded). Counts do not vary with
# the host the way times do: the README's instruction table comes from this script.
#
#   bash benches/count.sh            # the 20-line and 200-line cases
#   bash benches/count.sh 100k 5     # one case, with its number of pricings
#
# Needs valgrind (Debian: apt-get install valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."

script=count.sh
source benches/needs.sh
needs valgrind valgrind

# The release build with line tables, as `cargo bench` builds it (`binary`), and the options
# that count its steady pricings (`steady`).
source benches/callgrind-steady.sh

# The instructions callgrind collects over `$2` steady pricings of case `$1` (`$steady`).
collected() {
    local out total
    out=$(mktemp)
    valgrind "${steady[@]}" --callgrind-out-file="$out" "$binary" "$1" "$2" >/dev/null 2>"$out.log"
    total=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out.log")
    rm -f "$out" "$out.log"
    if [ -z "$total" ]; then
        echo "count.sh: callgrind reported no count for case $1" >&2
        exit 1
    fi
    echo "$total"
}

count() {
    local name=$1 iterations=$2 all
    all=$(collected "$name" "$iterations")
    echo "$name: $((all / iterations)) instructions per pricing ($iterations pricings after a first)"
}

if [ $# -gt 0 ]; then
    count "$1" "${2:-10}"
else
    count 20 2000
    count 200 20
fi
