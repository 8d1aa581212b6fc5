#!/usr/bin/env bash
# Runs Mangopay's official Python SDK (mangopay4-python-sdk, pinned) against
# `threeds-bridge sandbox`, changing only the SDK's base URL. Exits non-zero on any mismatch.
# Needs python3 (with venv) and network access to PyPI for the first install.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
sdk_version="4.2.0"
venv="$target/sdk/mangopay-python-$sdk_version"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "mangopay4-python-sdk==$sdk_version"

(cd "$root" && cargo build --quiet --bin threeds-bridge)
log="$(mktemp)"
"$target/debug/threeds-bridge" sandbox --listen 127.0.0.1:0 --quiet >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT

addr=""
for _ in $(seq 1 100); do
  addr="$(sed -n 's#^threeds-bridge sandbox listening on http://\([0-9.:]*\).*#\1#p' "$log" | head -n1)"
  [ -n "$addr" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "the sandbox did not start" >&2; exit 1; }
  sleep 0.1
done
[ -n "$addr" ] || { cat "$log"; echo "no sandbox address in its banner" >&2; exit 1; }

# The banner's [mangopay] lines name the test credentials and seeded objects.
value() { sed -n "/^\[mangopay\]/,/^\[/s#^  $1  *\(.*\)#\1#p" "$log" | head -n1; }
client_id="$(value ClientId)"
api_key="$(value 'API key')"
user_id="$(value 'user (PAYER)')"
wallet_id="$(value 'wallet (EUR)')"

"$venv/bin/python" "$root/scripts/sdk/mangopay/check.py" \
  "http://$addr/mangopay/v2.01/" "$client_id" "$api_key" "$user_id" "$wallet_id"
