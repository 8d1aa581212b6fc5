"""normalize_many's throughput against a plain `json.loads` loop over the same lines.

    python bench.py [--docs N] [--rounds R] [--threads T]

Warnings are issued and ignored (a filter). The lines are the repository's fixtures that normalize (as compact JSON Lines), repeated
to N documents. Each round runs every contender once, in turn, so that a busy machine
slows them alike; the median round is printed with each contender's rate and its ratio to
the `json.loads` loop (the floor any Python job pays to read the lines at all).
"""

import argparse
import json
import platform
import statistics
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import threeds_bridge

AS_OF = "2026-01-15"
ROOT = Path(__file__).resolve().parents[2]


def lines(count):
    docs = []
    for psp in ("checkout", "paysafe", "mangopay", "pxp"):
        for path in sorted((ROOT / "fixtures" / psp).glob("*.json")):
            if path.name == "manifest.json" or path.name.endswith(".golden.json"):
                continue
            text = path.read_text(encoding="utf-8")
            try:
                compact = json.dumps(json.loads(text), separators=(",", ":"))
                threeds_bridge.normalize(compact, as_of=AS_OF)
            except (ValueError, threeds_bridge.NormalizeError):
                continue
            docs.append(compact)
    return (docs * (count // len(docs) + 1))[:count], len(docs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    # A job decides what to do with the fixtures' warnings; issuing them is counted, the
    # printing is not.
    warnings.simplefilter("ignore", threeds_bridge.NormalizeWarning)
    docs, distinct = lines(args.docs)
    size = sum(len(d) for d in docs)

    def chunks(n):
        step = len(docs) // n + 1
        return [docs[i : i + step] for i in range(0, len(docs), step)]

    pool = ThreadPoolExecutor(max_workers=args.threads)
    parts = chunks(args.threads * 4)
    contenders = {
        "json.loads loop": lambda: [json.loads(d) for d in docs],
        "normalize loop": lambda: [threeds_bridge.normalize(d, as_of=AS_OF) for d in docs],
        "normalize_many": lambda: threeds_bridge.normalize_many(docs, as_of=AS_OF),
        f"normalize_many x{args.threads} threads": lambda: [
            r for part in pool.map(lambda c: threeds_bridge.normalize_many(c, as_of=AS_OF), parts) for r in part
        ],
    }
    seconds = {name: [] for name in contenders}
    for _ in range(args.rounds):
        for name, run in contenders.items():
            start = time.perf_counter()
            out = run()
            seconds[name].append(time.perf_counter() - start)
            assert len(out) == len(docs)
    pool.shutdown()
    base = statistics.median(seconds["json.loads loop"])
    print(f"{len(docs)} documents ({distinct} distinct fixtures, {size / len(docs):.0f} bytes each on average), "
          f"{args.rounds} rounds, median; Python {platform.python_version()}, threeds_bridge {threeds_bridge.__version__}")
    print(f"{'contender':<28} {'docs/s':>10} {'MB/s':>7} {'time vs json.loads':>20}")
    for name, times in seconds.items():
        t = statistics.median(times)
        print(f"{name:<28} {len(docs) / t:>10.0f} {size / t / 1e6:>7.1f} {t / base:>19.2f}x")


if __name__ == "__main__":
    main()
