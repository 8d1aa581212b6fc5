#!/usr/bin/env bash
# What the service costs over the library flows (docs/performance.md, "Service").
#
#   scripts/bench-service.sh [PER_LEVEL] [CONCURRENCIES] [PSPS]
#
# Builds in release mode and runs examples/bench_service.rs: complete frictionless
# authentications of each PSP through the in-process service's HTTP API (sandbox, SQLite
# store in a temporary file) and through the PSP's flow directly, at each concurrency
# (default 1,8,32,64), printing auth/s and p50/p99 of both and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet --release --example bench_service -- \
    "${1:-2000}" "${2:-1,8,32,64}" ${3:+"$3"}
