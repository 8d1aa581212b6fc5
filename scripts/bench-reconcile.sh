#!/usr/bin/env bash
# Reconciles N PSP records against a ledger of about N rows with a known mix of
# discrepancies, through the release binary; prints the time, the peak memory and the
# finding counts, and fails unless the counts are the generated mix.
#
#   bash scripts/bench-reconcile.sh [N]   (default 1000000)
#
# The records are real fixture documents (Checkout's approved, declined, unavailable and
# 3DS 1.0.2 sessions, Paysafe's frictionless authentication, Mangopay's succeeded pay-in)
# with their reference, id and amount varied per record. The ledger is shuffled (a fixed
# seed), so that matching does not ride on the records' order. CPU seconds are printed
# beside the wall time: on a shared machine the wall time says more about the others.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
cargo build --release --quiet --bin threeds-bridge
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$n" "$tmp" <<'PY'
import json, os, random, sys

n, tmp = int(sys.argv[1]), sys.argv[2]
REF, ID, AMOUNT = "__REF__", "__ID__", 987654321

def template(path, ref, id_, amount):
    """The fixture as one line, with its reference, id and amount as placeholders."""
    doc = json.load(open(os.path.join("fixtures", path)))
    def put(pointer, value):
        node = doc
        *parents, last = pointer.strip("/").split("/")
        for p in parents:
            node = node[p]
        assert last in node, (path, pointer)
        node[last] = value
    put(ref, REF)
    put(id_, ID)
    for a in amount:
        put(a, AMOUNT)
    return json.dumps(doc, separators=(",", ":"))

checkout = lambda f: template("checkout/" + f, "/reference", "/id", ["/amount"])
ok = [
    (checkout("session_approved_frictionless_node.json"), "USD"),
    (template("paysafe/auth_frictionless_y_blueprint.json", "/merchantRefNum", "/id", ["/amount"]), "EUR"),
    (template("mangopay/payin_succeeded_challenge_variant.json", "/Tag", "/Id",
              ["/DebitedFunds/Amount"]), "EUR"),
]
declined = (checkout("session_declined_variant.json"), "USD")
unavailable = (checkout("session_unavailable_variant.json"), "USD")
no_shift = (checkout("session_threeds1_approved_variant.json"), "USD")

counts = dict.fromkeys(["matched", "missing_at_psp", "missing_in_ledger", "amount_mismatch",
                        "currency_mismatch", "status_mismatch", "duplicate_authentication",
                        "captured_without_authentication", "no_liability_shift"], 0)
ledger = []
with open(os.path.join(tmp, "records.jsonl"), "w") as out:
    def record(tpl, ref, i, amount):
        out.write(tpl.replace(REF, ref).replace(ID, "id-%09d" % i)
                  .replace(str(AMOUNT), str(amount)) + "\n")
    for i in range(n):
        slot = i % 100
        ref = "R%09d" % i
        amount = 100 + i % 5000
        if slot < 80 or slot >= 97:
            tpl, cur = ok[i % 3]
            record(tpl, ref, i, amount)
            ledger.append((ref, amount, cur, "captured"))
            counts["matched"] += 1
        elif slot < 85:
            tpl, cur = ok[i % 3]
            record(tpl, ref, i, amount)
            ledger.append((ref, amount + 50, cur, "captured"))
            counts["amount_mismatch"] += 1
        elif slot < 87:
            tpl, cur = ok[i % 3]
            record(tpl, ref, i, amount)
            ledger.append((ref, amount, "GBP", "captured"))
            counts["currency_mismatch"] += 1
        elif slot < 89:
            record(declined[0], ref, i, amount)
            ledger.append((ref, amount, declined[1], "captured"))
            counts["status_mismatch"] += 1
        elif slot == 89:
            record(unavailable[0], ref, i, amount)
            ledger.append((ref, amount, unavailable[1], "captured"))
            counts["captured_without_authentication"] += 1
        elif slot < 92:
            record(no_shift[0], ref, i, amount)
            ledger.append((ref, amount, no_shift[1], "captured"))
            counts["no_liability_shift"] += 1
        elif slot == 92:
            # Two approved sessions (different ids) for one ledger row.
            tpl, cur = ok[0]
            record(tpl, ref, i, amount)
            ledger.append((ref, amount, cur, "captured"))
            counts["duplicate_authentication"] += 1
        elif slot == 93:
            tpl, _ = ok[0]
            record(tpl, "R%09d" % (i - 1), i, 100 + (i - 1) % 5000)
        else:
            # 94, 95, 96: no ledger row.
            tpl, _ = ok[i % 3]
            record(tpl, ref, i, amount)
            counts["missing_in_ledger"] += 1
# Ledger rows the PSPs never saw.
for j in range(max(1, n // 50)):
    ledger.append(("L%09d" % j, 100, "EUR", "captured"))
    counts["missing_at_psp"] += 1
random.Random(1).shuffle(ledger)
with open(os.path.join(tmp, "ledger.csv"), "w") as f:
    f.write("reference,amount,currency,booked\n")
    for row in ledger:
        f.write("%s,%d,%s,%s\n" % row)
with open(os.path.join(tmp, "expected"), "w") as f:
    for k, v in counts.items():
        f.write("summary: %s %d\n" % (k, v))
print("generated: %d records, %d ledger rows" % (n, len(ledger)))
PY

start=$(date +%s.%N)
status=0
/usr/bin/time -f "%M %U %S" -o "$tmp/rss" ./target/release/threeds-bridge reconcile --as-of 2026-12-01 \
  --ledger "$tmp/ledger.csv" --out "$tmp/findings.jsonl" "$tmp/records.jsonl" 2>"$tmp/err" || status=$?
end=$(date +%s.%N)
secs=$(echo "$end - $start" | bc)
findings=$(wc -l < "$tmp/findings.jsonl")
read -r rss user sys < <(tail -n 1 "$tmp/rss")
echo "records=$n seconds=$secs cpu_user_s=$user cpu_sys_s=$sys peak_rss_kib=$rss findings=$findings exit=$status"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
grep '^summary:' "$tmp/err"
if [ "$status" -ne 1 ]; then
  echo "bench-reconcile.sh: expected exit 1 (discrepancies), got $status" >&2
  grep -v '^summary:' "$tmp/err" | head -n 20 >&2
  exit 1
fi
if ! diff <(grep '^summary: [a-z_]* [0-9]*$' "$tmp/err") "$tmp/expected" >&2; then
  echo "bench-reconcile.sh: the finding counts are not the generated mix" >&2
  exit 1
fi
echo "bench-reconcile.sh: the finding counts are the generated mix"
