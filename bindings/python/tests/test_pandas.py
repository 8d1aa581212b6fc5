"""The package in a pandas job, as the README shows it: a column of raw PSP documents
mapped to normalized columns, and the same with normalize_many over the column."""

import json

import pandas as pd

from threeds_bridge import normalize, normalize_many

from conftest import AS_OF, fixture_files, run_cli


def frame():
    paths = fixture_files()
    return pd.DataFrame({
        "file": [p.name for p in paths],
        "raw": [p.read_text(encoding="utf-8") for p in paths],
    })


def test_a_column_of_documents_becomes_normalized_columns_as_the_cli_prints_them():
    df = frame()
    rows = normalize_many(df["raw"].tolist(), as_of=AS_OF, errors="return")
    out = pd.json_normalize(rows)
    assert len(out) == len(df)
    ok = out["error.kind"].isna() if "error.kind" in out else pd.Series(True, index=out.index)
    assert ok.sum() > len(df) // 2
    # Row by row, the status and next step are what the CLI printed for that file.
    paths = fixture_files()
    for i in out.index[ok][:10]:
        _, lines, _ = run_cli("normalize", "--as-of", AS_OF, paths[i].name, cwd=paths[i].parent)
        printed = json.loads(lines[0])
        assert out.loc[i, "status"] == printed["status"]
        assert out.loc[i, "next_step"] == printed["next_step"]
    assert set(out.loc[ok, "provider"]) == {"checkout", "paysafe", "mangopay", "pxp"}


def test_series_map_gives_the_same_rows_as_normalize_many():
    df = frame()
    good = df[[("error" not in r) for r in normalize_many(df["raw"].tolist(), as_of=AS_OF, errors="return")]]
    mapped = good["raw"].map(lambda t: normalize(t, as_of=AS_OF))
    assert mapped.tolist() == normalize_many(good["raw"].tolist(), as_of=AS_OF)
