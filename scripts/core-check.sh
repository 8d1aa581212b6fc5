#!/usr/bin/env bash
# The library's offline core (normalize, translate, liability, catalogs) built as a user who
# only normalizes gets it: `threeds-bridge = { default-features = false }`. Prints how many
# crates it compiles and fails if any of the live stack (async runtime, HTTP client and
# server, CLI parser) is among them.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -p threeds-bridge --no-default-features
cargo clippy -p threeds-bridge --no-default-features --all-targets -- -D warnings
crates=$(cargo tree -p threeds-bridge --no-default-features -e normal --prefix none \
  | sed 's/ (\*)$//' | sort -u)
count=$(printf '%s\n' "$crates" | wc -l)
echo "offline core: $count crates (threeds-bridge and its provider crates included)"
live=$(printf '%s\n' "$crates" | awk '{print $1}' \
  | grep -E '^(tokio|reqwest|hyper|axum|clap|tracing|h2|rustls|hmac|sha2|rand)$' || true)
if [ -n "$live" ]; then
  echo "error: the offline core pulls in the live stack:" $live >&2
  exit 1
fi

# Each feature builds on its own (a user may take `live` without the sandbox).
for feature in live sandbox; do
  cargo check -p threeds-bridge --no-default-features --features "$feature" --lib
done
