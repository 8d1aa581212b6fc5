#!/usr/bin/env bash
# The README's test command: installs what the tests need beyond cargo, then runs them all.
#
#   bash scripts/test.sh [extra cargo test arguments]
#
# * Chromium and playwright-core (scripts/browser.sh: apt-get, npm into target/) for the
#   browser tests (tests/browser, tests/service_browser);
# * PostgreSQL's server binaries (scripts/postgres.sh install: apt-get) for the store's and
#   the service's tests, which start their own throwaway server on loopback;
# * DuckDB's Python package (scripts/duckdb.sh: PyPI into target/) for tests/parquet.rs;
# then `cargo test --workspace`, then the Python package's tests (scripts/python.sh:
# maturin, pytest and pandas from PyPI into a venv under target/), then the property-based
# API test (scripts/schemathesis.sh: schemathesis from PyPI into a venv under target/,
# against `serve --sandbox`), with a seed from the commit (SCHEMATHESIS_SEED overrides
# it). Each test that needs one of these also calls its install script itself, so
# `cargo test --test NAME` works alone too; nothing skips when something is missing: it is installed or the test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/browser.sh
bash scripts/postgres.sh install
bash scripts/duckdb.sh >/dev/null
cargo test --workspace "$@"
bash scripts/python.sh
seed="${SCHEMATHESIS_SEED:-$(( 16#$(git rev-parse --short=8 HEAD 2>/dev/null || echo 0) % 1000000 ))}"
bash scripts/schemathesis.sh "$seed"
