#!/usr/bin/env bash
# Runs Checkout.com's official Python SDK (checkout-sdk from PyPI, pinned) against a local
# `threeds-bridge sandbox`, with only the SDK environment's URLs changed (see flow.py).
#
#   scripts/sdk/checkout/run.sh [VENV_DIR]
#
# VENV_DIR defaults to $CARGO_TARGET_DIR/sdk-venv/checkout (or target/sdk-venv/checkout).
# THREEDS_BRIDGE_BIN names a prebuilt binary; otherwise it is built with `cargo build
# --offline`. The only network access is pip fetching the SDK (once; the venv is reused).
# Exits non-zero on any mismatch.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="${1:-$TARGET/sdk-venv/checkout}"
SDK_VERSION="4.8.1"
PYTHON="${PYTHON:-python3}"

if [[ ! -x "$VENV/bin/python" ]]; then
  "$PYTHON" -m venv "$VENV"
fi
if [[ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("checkout-sdk"))' 2>/dev/null)" != "$SDK_VERSION" ]]; then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "checkout-sdk==$SDK_VERSION"
fi

BIN="${THREEDS_BRIDGE_BIN:-}"
if [[ -z "$BIN" ]]; then
  (cd "$ROOT" && cargo build --offline --quiet --bin threeds-bridge)
  BIN="$TARGET/debug/threeds-bridge"
fi

PORT="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
LOG="$(mktemp)"
"$BIN" sandbox --listen "127.0.0.1:$PORT" >"$LOG" 2>&1 &
SANDBOX_PID=$!
cleanup() {
  kill "$SANDBOX_PID" 2>/dev/null || true
  wait "$SANDBOX_PID" 2>/dev/null || true
  rm -f "$LOG"
}
trap cleanup EXIT

# Wait for the listener (the banner is printed once it is bound).
for _ in $(seq 1 100); do
  if grep -q "listening on" "$LOG" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
    echo "threeds-bridge sandbox exited:" >&2
    cat "$LOG" >&2
    exit 1
  fi
  sleep 0.1
done
grep -q "listening on" "$LOG" || { echo "threeds-bridge sandbox did not start" >&2; cat "$LOG" >&2; exit 1; }

echo "checkout-sdk $SDK_VERSION against http://127.0.0.1:$PORT/checkout"
# The sandbox is on loopback: keep any configured proxy out of the way.
NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}" \
  "$VENV/bin/python" "$HERE/flow.py" "http://127.0.0.1:$PORT/checkout"
