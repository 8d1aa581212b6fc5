#!/usr/bin/env bash
# The Python package (bindings/python: pyo3 + maturin) built, installed and tested:
#
#   bash scripts/python.sh [pytest arguments]
#
# Creates a venv under target/ (nothing in the source tree) with maturin and pytest from
# PyPI (pinned), checks the bindings crate with cargo fmt and clippy, builds the CLI binary
# the tests compare with, builds the package optimized (`maturin build --release`) and installs
# the wheel into the venv, and runs its pytest suite. The bindings crate is not a workspace member: it
# has its own Cargo.lock and builds into target/python.
set -euo pipefail
cd "$(dirname "$0")/.."

MATURIN_VERSION=1.16.0
PYTEST_VERSION=9.2.0
PANDAS_VERSION=3.1.1
root="$PWD"
target="${CARGO_TARGET_DIR:-$root/target}"
venv="$target/python-venv"
export CARGO_TARGET_DIR="$target/python"
# Nothing written into the source tree: no bytecode caches, no pytest cache.
export PYTHONDONTWRITEBYTECODE=1

wanted="maturin==$MATURIN_VERSION pytest==$PYTEST_VERSION pandas==$PANDAS_VERSION"
if [ "$(cat "$venv/.installed" 2>/dev/null)" != "$wanted" ]; then
  echo "python.sh: installing $wanted into $venv" >&2
  if ! python3 -m venv --clear "$venv" >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y -qq --no-install-recommends python3-venv >&2
    python3 -m venv --clear "$venv"
  fi
  # shellcheck disable=SC2086 # one word per requirement
  "$venv/bin/pip" install --quiet --disable-pip-version-check $wanted
  echo "$wanted" >"$venv/.installed"
fi

# The binary the tests compare with, as `cargo build` makes it (the workspace's target).
CARGO_TARGET_DIR="$target" cargo build --quiet --bin threeds-bridge
export THREEDS_BRIDGE_BIN="$target/debug/threeds-bridge"

cd bindings/python
cargo fmt --check
cargo clippy --quiet --all-targets -- -D warnings
# A wheel into target/, installed into the venv (`maturin develop` would put the built
# module into the source tree).
wheels="$CARGO_TARGET_DIR/wheels"
rm -rf "$wheels"
"$venv/bin/maturin" build --quiet --release --interpreter "$venv/bin/python" --out "$wheels"
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheels"/threeds_bridge-*.whl
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
