"""The Python baseline of scripts/bench-normalize.sh.

Reads JSON Lines (a file, or stdin for `-`) the way a reconciliation script would: every
non-empty line parsed with `json.loads`, and for each a small JSON object written with
`json.dumps` (the line number, the document's type and its number of top-level members),
one per line on stdout. A line that is not JSON is counted and reported on stderr at the end.
"""

import json
import sys


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else "-"
    source = sys.stdin.buffer if path == "-" else open(path, "rb")
    out = sys.stdout
    bad = 0
    for number, line in enumerate(source, 1):
        line = line.strip()
        if not line:
            continue
        try:
            doc = json.loads(line)
        except ValueError:
            bad += 1
            continue
        members = len(doc) if isinstance(doc, (dict, list)) else 0
        out.write(json.dumps({"line": number, "type": type(doc).__name__, "members": members}))
        out.write("\n")
    if bad:
        print(f"{bad} lines were not JSON", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
