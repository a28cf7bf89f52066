#!/usr/bin/env bash
# Times two builds of the pricing core side by side: runs of `benches/instructions.rs`, the two
# builds alternating, so that a host's drift (on a shared machine, a tenth within minutes) falls
# on both alike. The README's "side by side" timings come from this script.
#
#   bash benches/compare.sh keep NAME           # build the working tree's benchmark, keep it as NAME
#   bash benches/compare.sh OLD NEW [RUNS] [CASE]
#                                               # time two kept builds: RUNS each (9), case 200
#
# A round compares its first commit with its last: check out the one, `keep before`, the other,
# `keep after`, then `bash benches/compare.sh before after`. Kept builds are under target/compare.
set -euo pipefail
cd "$(dirname "$0")/.."

kept=target/compare

usage() {
    echo "usage: bash benches/compare.sh keep NAME | bash benches/compare.sh OLD NEW [RUNS] [CASE]" >&2
    exit 2
}

if [ "${1:-}" = keep ]; then
    name=${2:-}
    [ -n "$name" ] || usage
    [[ $name =~ ^[A-Za-z0-9._-]+$ ]] || { echo "compare.sh: a build's name is letters, digits, \`.\`, \`_\` and \`-\`, not \`$name\`" >&2; exit 2; }
    # The release build with line tables, as `cargo bench` and `count.sh` build it: sets `binary`.
    script=compare.sh
    source benches/instructions-binary.sh
    mkdir -p "$kept"
    cp "$binary" "$kept/$name"
    echo "kept the working tree's build ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . || echo ', with changes')) as $kept/$name"
    exit 0
fi

[ $# -ge 2 ] || usage
old=$1 new=$2 runs=${3:-9} case=${4:-200}
[ "$old" != "$new" ] || { echo "compare.sh: OLD and NEW are both \`$old\`: name two kept builds" >&2; exit 2; }
for name in "$old" "$new"; do
    if [ ! -x "$kept/$name" ]; then
        echo "compare.sh: no kept build \`$name\` (make one: bash benches/compare.sh keep $name)" >&2
        exit 1
    fi
done
case $case in
    20) iterations=300000 ;;
    200 | 200-long | 200-flash | 200-store | 200-upcoming | 100k) iterations=3000 ;;
    *) echo "compare.sh: unknown case \`$case\`: expected 20, 200, 200-long, 200-flash, 200-store, 200-upcoming or 100k" >&2; exit 2 ;;
esac
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: RUNS must be a whole number of at least 1, not \`$runs\`" >&2; exit 2; }

times=$(mktemp -d)
trap 'rm -rf "$times"' EXIT
for _ in $(seq "$runs"); do
    for name in "$old" "$new"; do
        # The benchmark prints "CASE: N pricings, T each"; T is kept in microseconds.
        "$kept/$name" "$case" "$iterations" |
            sed -n 's/.*, \([0-9.]*\)\(µs\|ms\|ns\) each.*/\1 \2/p' |
            awk '{ t = $1; if ($2 == "ms") t *= 1000; if ($2 == "ns") t /= 1000; printf "%.3f\n", t }' >>"$times/$name"
    done
done
for name in "$old" "$new"; do
    sorted=$(sort -n "$times/$name")
    median=$(echo "$sorted" | sed -n "$(((runs + 1) / 2))p")
    echo "$name: median $median µs over $runs runs of $iterations pricings (case $case): $(echo "$sorted" | tr '\n' ' ')"
done
