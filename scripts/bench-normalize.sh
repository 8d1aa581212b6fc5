#!/usr/bin/env bash
# Throughput and peak memory of `normalize` on a large mixed JSON Lines input, side by side
# with what it is measured against, in one run:
#   bare     examples/bench_parse.rs: every line parsed into a serde_json::Value, nothing more
#   python   scripts/bench_normalize_baseline.py: json.loads per line, json.dumps of a small dict
#   jobs1    threeds-bridge normalize --jobs 1 (one thread)
#   jobsN    threeds-bridge normalize (default --jobs: the machine's cores)
# The input is generated: every JSON document and Mangopay hook query of fixtures/<psp>/ (all
# four PSPs: sessions, callbacks, webhooks, errors, pay-ins, hooks, authentications), one per
# line, repeated to LINES lines. It runs at LINES and at 10 x LINES; the larger input is the
# same file streamed ten times through a pipe (never held on disk or in memory whole), and
# every program reads it from the same pipe.
# Usage: scripts/bench-normalize.sh [LINES]   (default 1000000)
# BENCH_NO_BUILD=1 measures the release binaries already built instead of building first.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
[ "${BENCH_NO_BUILD:-}" = 1 ] || cargo build --release --quiet --bin threeds-bridge --example bench_parse
bin=./target/release/threeds-bridge
bare=./target/release/examples/bench_parse
jobs=$(nproc)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$lines" > "$tmp/in.jsonl" <<'PY'
import json, os, sys
docs = []
for p in ("checkout", "paysafe", "mangopay", "pxp"):
    d = os.path.join("fixtures", p)
    for f in sorted(os.listdir(d)):
        path = os.path.join(d, f)
        if f.endswith(".golden.json") or f == "manifest.json":
            continue
        if f.endswith(".json"):
            try:
                docs.append(json.dumps(json.load(open(path)), separators=(",", ":")))
            except ValueError:
                pass  # the fixtures that are deliberately not JSON
        elif f.endswith(".query"):
            docs.append(open(path).read().strip())
n = int(sys.argv[1])
block = "\n".join(docs) + "\n"
out = sys.stdout
for _ in range(n // len(docs)):
    out.write(block)
out.write("\n".join(docs[: n % len(docs)]) + ("\n" if n % len(docs) else ""))
PY
echo "input: $lines lines, $(du -m "$tmp/in.jsonl" | cut -f1) MB; machine: $(nproc) cores; load before: $(uptime | sed 's/.*load average: //')"

# Runs "$@" on the input repeated $2 times (stdin), prints "seconds peak_rss_kib".
measure() {
  local name=$1 times=$2
  shift 2
  local start end
  start=$(date +%s.%N)
  for _ in $(seq "$times"); do cat "$tmp/in.jsonl"; done |
    /usr/bin/time -f "%M" -o "$tmp/rss.$name" "$@" > /dev/null 2> "$tmp/err.$name" || true
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $(tail -n 1 "$tmp/rss.$name")"
}

for times in 1 10; do
  total=$((lines * times))
  read -r t_bare m_bare < <(measure bare "$times" "$bare" -)
  read -r t_py m_py < <(measure python "$times" python3 scripts/bench_normalize_baseline.py -)
  read -r t_one m_one < <(measure jobs1 "$times" "$bin" normalize --jobs 1 -)
  read -r t_all m_all < <(measure jobsN "$times" "$bin" normalize --jobs "$jobs" -)
  echo "== $total lines"
  for row in "bare $t_bare $m_bare" "python $t_py $m_py" "jobs1 $t_one $m_one" "jobs$jobs $t_all $m_all"; do
    set -- $row
    printf '%-8s %8.2f s %12.0f lines/s  peak_rss %6d KiB\n' "$1" "$2" "$(echo "$total / $2" | bc -l)" "$3"
  done
  printf 'ratios (throughput): jobs1/bare %.2f  jobs%s/jobs1 %.2f  jobs1/python %.2f\n' \
    "$(echo "$t_bare / $t_one" | bc -l)" "$jobs" "$(echo "$t_one / $t_all" | bc -l)" \
    "$(echo "$t_py / $t_one" | bc -l)"
done
