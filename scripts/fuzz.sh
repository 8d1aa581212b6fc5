#!/usr/bin/env bash
# Runs every fuzz target in tests/fuzz.rs for a time budget with a fresh seed.
# Usage: scripts/fuzz.sh [TOTAL_SECONDS] [SEED]   (default 60 s, a random seed)
# A failing input is saved under target/fuzz-failures/ and named in the failure; rerun it
# with the printed seed: FUZZ_SEED=<seed> scripts/fuzz.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-60}
seed=${2:-${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}}
threads=${FUZZ_THREADS:-2}
targets=$(grep -c '^fn fuzz_[a-z_]*() {' tests/fuzz.rs)
# Targets run $threads at a time; each gets its share of the total.
per_target=$(( total * threads / targets ))
(( per_target >= 1 )) || per_target=1
cargo test -p threeds-bridge --test fuzz --no-run --quiet
echo "fuzz: $targets targets, ${per_target}s each, seed $seed"
FUZZ_SECONDS=$per_target FUZZ_SEED=$seed \
  cargo test -p threeds-bridge --test fuzz --quiet -- --test-threads="$threads" --nocapture
