#!/usr/bin/env bash
# Streams a large JSON Lines input through `normalize` and reports throughput and peak
# memory, to show that memory stays constant as the input grows.
# Usage: scripts/bench-stream.sh [documents]   (default 200000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200000}
cargo build --release --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One line per fixture document, repeated until n lines.
python3 - "$n" > "$tmp/in.jsonl" <<'PY'
import json, os, sys
docs = []
for p in ("checkout", "paysafe", "mangopay", "pxp"):
    d = os.path.join("fixtures", p)
    for f in sorted(os.listdir(d)):
        if f.endswith(".json") and not f.endswith(".golden.json") and f != "manifest.json":
            try:
                docs.append(json.dumps(json.load(open(os.path.join(d, f))), separators=(",", ":")))
            except ValueError:
                pass
n = int(sys.argv[1])
for i in range(n):
    print(docs[i % len(docs)])
PY
for size in $((n / 10)) "$n"; do
  head -n "$size" "$tmp/in.jsonl" > "$tmp/part.jsonl"
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$tmp/rss" ./target/release/threeds-bridge normalize "$tmp/part.jsonl" > /dev/null 2>"$tmp/err" || true
  end=$(date +%s.%N)
  secs=$(echo "$end - $start" | bc)
  echo "documents=$size seconds=$secs docs_per_second=$(echo "$size / $secs" | bc) peak_rss_kib=$(cat "$tmp/rss")"
done
