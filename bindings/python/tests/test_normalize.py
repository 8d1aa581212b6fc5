"""`normalize` answers as `threeds-bridge normalize` does, document by document, on every
fixture of the repository: the same object (and member order), the same warnings, the
same error message."""

import json
import warnings

import pytest

import threeds_bridge
from threeds_bridge import NormalizeError, NormalizeWarning, normalize

from conftest import AS_OF, FIXTURES, diagnostics, fixture_files, run_cli


def python_answer(text, **kwargs):
    """normalize's result or error, and the warnings it issued."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = normalize(text, as_of=AS_OF, **kwargs)
        except NormalizeError as e:
            result = e
    said = [str(w.message) for w in caught if issubclass(w.category, NormalizeWarning)]
    return result, said


@pytest.mark.parametrize("explain", [False, True], ids=["plain", "explain"])
@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_normalizes_as_the_cli_prints_it(path, explain):
    flags = ["--explain"] if explain else []
    code, out, err = run_cli(
        "normalize", "--as-of", AS_OF, *flags, path.name, cwd=path.parent
    )
    result, said = python_answer(path.read_text(encoding="utf-8"), explain=explain)
    if code == 0:
        assert len(out) == 1, f"{path}: one document per fixture, the CLI printed {len(out)}"
        printed = json.loads(out[0])
        assert not isinstance(result, Exception), f"{path}: {result}"
        assert result == printed
        # Member order too: a DataFrame built from the dicts has the CLI's columns.
        assert list(result) == list(printed)
        assert said == diagnostics(err, "warning")
    else:
        assert code == 1, err
        assert out == []
        assert isinstance(result, NormalizeError), f"{path}: the CLI refused it, Python gave {result!r}"
        assert [result.message] == diagnostics(err, "error")
        assert str(result) == result.message
        assert result.index is None


def test_the_fixtures_include_failures_and_successes():
    """The comparison above covers both paths, not only one."""
    outcomes = [python_answer(p.read_text(encoding="utf-8"))[0] for p in fixture_files()]
    failures = [r for r in outcomes if isinstance(r, NormalizeError)]
    assert failures and len(failures) < len(outcomes)


def cli_error(text, *flags):
    code, out, err = run_cli("normalize", "--as-of", AS_OF, *flags, stdin=text)
    assert code == 1 and out == [], (code, out, err)
    return diagnostics(err, "error")


def checkout_session():
    return (FIXTURES / "checkout" / "session_approved_frictionless_node.json").read_text()


@pytest.mark.parametrize(
    "text, kind",
    [
        ('{"status": "approved", ', "not_json"),
        ("not a document at all", "not_json"),
        ('{"foo": 1}', "unknown_document"),
        ("[1, 2]", "unknown_document"),
        ("[" * 200 + "]" * 200, "not_json"),
    ],
    ids=["truncated", "text", "unknown-object", "array", "too-deep-text"],
)
def test_a_bad_document_raises_the_cli_message_with_its_kind(text, kind):
    with pytest.raises(NormalizeError) as caught:
        normalize(text, as_of=AS_OF)
    assert caught.value.kind == kind
    assert [caught.value.message] == cli_error(text)
    assert isinstance(caught.value, ValueError)


def test_a_document_of_another_psp_is_refused_as_the_cli_refuses_it():
    text = checkout_session()
    with pytest.raises(NormalizeError) as caught:
        normalize(text, provider="paysafe", as_of=AS_OF)
    assert caught.value.kind == "unsupported"
    assert "it looks like a checkout document" in caught.value.message
    assert [caught.value.message] == cli_error(text, "--provider", "paysafe")
    # The right provider skips detection and gives the detected answer.
    assert normalize(text, provider="checkout", as_of=AS_OF) == normalize(text, as_of=AS_OF)


def test_arguments_the_cli_would_refuse_are_value_errors_not_normalize_errors():
    text = checkout_session()
    with pytest.raises(ValueError, match="not a registered PSP") as caught:
        normalize(text, provider="stripe")
    assert not isinstance(caught.value, NormalizeError)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        normalize(text, as_of="15/01/2026")
    with pytest.raises(TypeError):
        normalize(text, as_of=20260115)
    assert threeds_bridge.providers() == ["checkout", "paysafe", "mangopay", "pxp"]


def test_as_of_takes_a_date_object_like_its_string():
    import datetime

    text = (FIXTURES / "paysafe" / "auth_3ds1_not_enrolled_visa_variant.json").read_text()
    as_date = normalize(text, as_of=datetime.date(2026, 1, 15), explain=True)
    assert as_date == normalize(text, as_of=AS_OF, explain=True)


def test_the_as_of_date_reaches_the_liability_rules_as_the_clis_flag_does():
    """A 3DS 1.0.2 approval without a date of its own, judged at two dates around Visa's
    3DS1 retirement: the CLI's answers for both, and they differ."""
    path = FIXTURES / "checkout" / "session_threeds1_approved_variant.json"
    text = path.read_text()
    answers = {}
    for date in ("2019-06-01", "2026-06-01"):
        _, out, _ = run_cli("normalize", "--explain", "--as-of", date, path.name, cwd=path.parent)
        mine = normalize(text, as_of=date, explain=True)
        assert mine == json.loads(out[0])
        answers[date] = (mine["liability_shift"], mine["explain"]["liability"]["rule"])
    assert answers == {"2019-06-01": (True, "visa.v1.y"), "2026-06-01": (False, "visa.v1.retired")}


def test_a_byte_order_mark_and_surrounding_blank_lines_are_read_as_the_cli_reads_them():
    text = checkout_session()
    assert normalize("\ufeff\n" + text + "\n\n", as_of=AS_OF) == normalize(text, as_of=AS_OF)
