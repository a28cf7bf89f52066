#!/usr/bin/env bash
# Load figures for the README: wrk against a release build of `promo serve` on the example store,
# with its embedded SQLite in a temporary folder (or the database in $PROMO_BENCH_DATABASE).
#   bash host/bench/load.sh            # 2 threads, 32 connections, 15 s per endpoint
set -euo pipefail
cd "$(dirname "$0")/../.."
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
command -v wrk >/dev/null || { $SUDO apt-get update -qq; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null; }
cargo build --release --locked --quiet
tmp=$(mktemp -d)
database="${PROMO_BENCH_DATABASE:-sqlite://$tmp/host.db}"
addr=127.0.0.1:18080
./target/release/promo serve examples/smp-flash-sale --addr "$addr" --database "$database" \
  --manager-password bench --at 2026-12-01T12:00:00Z > "$tmp/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do curl -sf "http://$addr/healthz" >/dev/null && break; sleep 0.2; done
run() { echo "== $1"; shift; wrk -t2 -c32 -d"${DURATION:-15s}" --latency "$@" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"; }
run "product page (renders, records the view)" "http://$addr/sales/FJ-NAMALE-6N?src=facebook"
run "POST /api/v1/price (2 lines, the flash sale and an extra)" -s host/bench/price.lua "http://$addr/api/v1/price"
run "POST /api/v1/events (one committed event per request)" -s host/bench/event.lua "http://$addr/api/v1/events"
