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

if ! command -v valgrind >/dev/null; then
    echo "count.sh needs valgrind (Debian: apt-get install valgrind)" >&2
    exit 1
fi

# The release build with line tables, as `cargo bench` builds it: sets `binary`.
script=count.sh
source benches/instructions-binary.sh

# The instructions callgrind collects inside `price_prepared` over `$2` pricings of case `$1`,
# after a first. A thread's first pricing makes the lists later pricings reuse (the stand-alone
# results, the scratch): `instructions.rs` makes it before its loop, `priced`, and callgrind's
# counts are zeroed as the loop is entered, so one run counts only steady pricings.
collected() {
    local out total
    out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" \
        --toggle-collect='promo_runtime::price::price_prepared*' \
        --zero-before='instructions::priced*' \
        "$binary" "$1" "$2" >/dev/null 2>"$out.log"
    total=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out.log")
    rm -f "$out" "$out.log"
    if [ -z "$total" ]; then
        echo "count.sh: callgrind reported no count for case $1" >&2
        exit 1
    fi
    echo "$total"
}

# Without its loop's symbol the counts would not be zeroed, and the first pricing would be
# counted with the rest: refuse rather than print that.
if ! grep -aq 'instructions6priced' "$binary"; then
    echo "count.sh: no \`instructions::priced\` in $binary, the loop whose pricings are counted" >&2
    exit 1
fi

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
