#!/usr/bin/env bash
# DuckDB's Python package (PyPI, pinned) in a venv under target/, for tests/parquet.rs,
# which reads the Parquet files `normalize` and `reconcile` write with it.
#
#   bash scripts/duckdb.sh        installs it if missing, prints the venv's python
#
# The venv lives under target/ (nothing in the source tree); CARGO_TARGET_DIR is honoured.
set -euo pipefail
cd "$(dirname "$0")/.."

DUCKDB_VERSION=2.0.0
target="${CARGO_TARGET_DIR:-$PWD/target}"
venv="$target/duckdb-venv"
# Tests run in parallel and each calls this script: one installs, the others wait for it.
mkdir -p "$target"
exec 9>"$target/duckdb-venv.lock"
flock 9

if ! "$venv/bin/python" -c "import duckdb, sys; sys.exit(duckdb.__version__ != '$DUCKDB_VERSION')" 2>/dev/null; then
  echo "duckdb.sh: installing duckdb $DUCKDB_VERSION into $venv" >&2
  if ! python3 -m venv --clear "$venv" >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y -qq --no-install-recommends python3-venv >&2
    python3 -m venv --clear "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "duckdb==$DUCKDB_VERSION" >&2
fi
echo "$venv/bin/python"
