"""Shared helpers: the repository's fixtures and the threeds-bridge command line that the
package's answers are compared with (scripts/python.sh builds it and sets
THREEDS_BRIDGE_BIN)."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "fixtures"
PSPS = ("checkout", "paysafe", "mangopay", "pxp")
# A fixed date for the liability rules, so that the command line and the package are
# asked the same question whatever day the tests run.
AS_OF = "2026-01-15"


def cli_path() -> Path:
    path = Path(os.environ.get("THREEDS_BRIDGE_BIN", ROOT / "target" / "debug" / "threeds-bridge"))
    if not path.is_file():
        # Not a skip: the comparison is the point of these tests.
        raise RuntimeError(f"{path}: no threeds-bridge binary; run scripts/python.sh (or cargo build --bin threeds-bridge)")
    return path


def run_cli(*args, stdin=None, cwd=None):
    """Runs the command line; returns (exit code, stdout lines, stderr lines)."""
    done = subprocess.run(
        [str(cli_path()), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )
    return done.returncode, done.stdout.splitlines(), done.stderr.splitlines()


def fixture_files():
    """Every PSP document of fixtures/<psp>/ (not the golden outputs, not the manifests)."""
    files = []
    for psp in PSPS:
        for path in sorted((FIXTURES / psp).iterdir()):
            name = path.name
            if name == "manifest.json" or name.endswith(".golden.json"):
                continue
            if name.endswith(".json") or name.endswith(".query"):
                files.append(path)
    return files


def diagnostics(lines, kind):
    """The messages of the command line's `{kind}: {place}: {message}` lines, place cut off.
    Places are `name:line` (the tests run the CLI with short relative names)."""
    out = []
    for line in lines:
        prefix = f"{kind}: "
        if not line.startswith(prefix):
            continue
        rest = line[len(prefix):]
        # `name:line: message`
        name, number, message = rest.split(":", 2)
        assert number.isdigit(), line
        out.append(message[1:])
    return out


@pytest.fixture(scope="session")
def fixtures():
    files = fixture_files()
    assert len(files) > 50, files
    return files


def loads_lines(lines):
    return [json.loads(line) for line in lines]
