# Sourced by `count.sh` and `lines.sh`: builds `benches/instructions.rs` (sets `binary`, through
# `instructions-binary.sh`) and sets `steady` to the callgrind options both count with — inside
# `price_prepared` only, the counts zeroed as the loop `priced` is entered, so the thread's first
# pricing (made before the loop, making the lists later pricings reuse) is left out and one run
# counts only steady pricings. The caller has `cd`'d to the workspace root and names itself in
# `$script`.

source benches/instructions-binary.sh

# Without the loop's symbol the counts would not be zeroed, and the first pricing would be counted
# with the rest: refuse rather than print that.
if ! grep -aq 'instructions6priced' "$binary"; then
    echo "$script: no \`instructions::priced\` in $binary, the loop whose pricings are counted" >&2
    exit 1
fi

steady=(
    --tool=callgrind
    --toggle-collect='promo_runtime::price::price_prepared*'
    --zero-before='instructions::priced*'
)
