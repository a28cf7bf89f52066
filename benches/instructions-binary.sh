# Sourced by `compare.sh`, `time-lines.sh` and `callgrind-steady.sh`: builds
# `benches/instructions.rs` as `cargo bench` builds it (release, with line tables for profiles)
# and sets `binary` to its path, or exits saying why.
# The caller has `cd`'d to the workspace root and names itself in `$script`.

export CARGO_PROFILE_RELEASE_DEBUG=line-tables-only
binary=$(cargo bench --bench instructions --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*instructions[^"]*\)".*/\1/p' | tail -n 1)
if [ -z "$binary" ]; then
    echo "$script: could not build the instructions benchmark (run: cargo bench --bench instructions --no-run)" >&2
    exit 1
fi
