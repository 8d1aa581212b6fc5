#!/usr/bin/env bash
# The property-based API test: schemathesis (PyPI, pinned) generates requests from the
# served OpenAPI document (/v1/openapi.json), valid and invalid ones, sends them to
# `threeds-bridge serve --sandbox` on loopback, and checks every answer: no 5xx, the body
# fits the documented schema, the status and content type are documented ones.
#
#   bash scripts/schemathesis.sh [SEED] [EXAMPLES]
#
# SEED makes a run reproducible (default: random, printed); EXAMPLES bounds the cases per
# operation (default 50: about 30 s on 2 cores). Exits non-zero on any failure; the
# service's log is printed then. The venv lives under target/ (nothing in the source tree).
set -euo pipefail
cd "$(dirname "$0")/.."

# The version the checks below were chosen with; a newer one may rename them.
SCHEMATHESIS_VERSION=4.32.5
seed="${1:-$RANDOM}"
examples="${2:-50}"
target="${CARGO_TARGET_DIR:-$PWD/target}"
venv="$target/schemathesis-venv"
work="$target/schemathesis"
# The sandbox's API key for this run: fixed, so the script can send it (it is a local
# sandbox key, not a secret).
key="sk_test_schemathesis_property_test"

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
  echo "schemathesis.sh: installing schemathesis $SCHEMATHESIS_VERSION into $venv" >&2
  if ! python3 -m venv --clear "$venv" >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y -qq --no-install-recommends python3-venv >&2
    python3 -m venv --clear "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

cargo build --quiet --bin threeds-bridge
mkdir -p "$work"
log="$work/serve.log"
banner="$work/banner.txt"
: >"$banner"
RUST_LOG=info THREEDS_BRIDGE_API_KEY="$key" "$target/debug/threeds-bridge" serve --sandbox \
  --listen 127.0.0.1:0 >"$banner" 2>"$log" &
serve=$!
stop() {
  kill "$serve" 2>/dev/null || true
  wait "$serve" 2>/dev/null || true
}
trap stop EXIT

base=""
for _ in $(seq 1 300); do
  base="$(sed -n 's/^base_url: //p' "$banner")"
  [ -n "$base" ] && break
  if ! kill -0 "$serve" 2>/dev/null; then
    echo "schemathesis.sh: serve --sandbox exited before it listened:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$base" ]; then
  echo "schemathesis.sh: serve --sandbox printed no base_url in 30 s" >&2
  exit 1
fi

echo "schemathesis.sh: schemathesis $SCHEMATHESIS_VERSION against $base, seed $seed, $examples examples per operation"
status=0
# One worker: with two, CPython 3.11's AST constructor (which Hypothesis calls to describe
# its filters) can fail with "AST constructor recursion depth mismatch" when two threads
# parse at once (python/cpython#106905), an error in the tool, not a finding.
# From target/schemathesis/: schemathesis keeps its crash cache (.schemathesis/) in the
# working directory, which must not be the source tree.
(cd "$work" && "$venv/bin/schemathesis" run "$base/v1/openapi.json" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,response_headers_conformance \
  --header "Authorization: Bearer $key" \
  --max-examples "$examples" \
  --seed "$seed" \
  --workers 1 \
  --request-timeout 30 \
  --generation-database none \
  --report junit --report-dir "$work" \
  --no-color) || status=$?
if [ "$status" -ne 0 ]; then
  echo "schemathesis.sh: failed (seed $seed); the service's log, last 50 lines:" >&2
  tail -n 50 "$log" >&2
fi
exit "$status"
