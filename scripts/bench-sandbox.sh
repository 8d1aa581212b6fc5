#!/usr/bin/env bash
# Per-request cost of the sandbox as its history grows (docs/performance.md, "Sandbox").
#
#   scripts/bench-sandbox.sh [BATCHES] [BATCH_SIZE]
#
# Builds in release mode and runs examples/bench_sandbox.rs against an in-process sandbox
# on loopback: batches of Mangopay and Checkout authentications, printing the records held
# and the authentications per second of each batch. The rate should stay flat.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet --release --example bench_sandbox -- "${1:-10}" "${2:-1000}"
