"""No authentication value (CAVV / AAV / cryptogram) in any output, warning or error
message of the package. The values are the fixtures' own, read back with the CLI's
`--reveal-secrets`."""

import json
import warnings

import pytest

from threeds_bridge import NormalizeError, normalize, normalize_many

from conftest import AS_OF, fixture_files, run_cli


def secrets():
    """(fixture text, its authentication value) for every fixture that carries one."""
    out = []
    for path in fixture_files():
        code, lines, _ = run_cli("normalize", "--reveal-secrets", "--as-of", AS_OF, path.name, cwd=path.parent)
        if code != 0:
            continue
        value = json.loads(lines[0]).get("authentication_value")
        if value:
            out.append((path.read_text(encoding="utf-8"), value))
    return out


SECRETS = secrets()


def test_the_fixtures_carry_authentication_values():
    assert len(SECRETS) >= 10, len(SECRETS)


def everything_said(call):
    """What a call returned or raised, and its warnings, as one string."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            said = repr(call())
        except Exception as e:  # noqa: BLE001 - every failure's text is checked
            said = f"{type(e).__name__}: {e} {getattr(e, 'message', '')}"
    return said + "".join(str(w.message) for w in caught)


@pytest.mark.parametrize("explain", [False, True])
def test_no_output_carries_the_authentication_value(explain):
    for text, value in SECRETS:
        said = everything_said(lambda: normalize(text, as_of=AS_OF, explain=explain))
        assert value not in said
        assert normalize(text, as_of=AS_OF)["authentication_value"] == "[redacted]"
    many = everything_said(lambda: normalize_many([t for t, _ in SECRETS], as_of=AS_OF))
    assert not [v for _, v in SECRETS if v in many]


OTHER_TYPES = ({"a": 1}, [1, "x"], "s", 1.5, None, True)


def holder(node, value):
    """The object holding the string `value` and its key, anywhere in `node`."""
    if isinstance(node, dict):
        for key, child in node.items():
            if child == value:
                return node, key
            found = holder(child, value)
            if found:
                return found
    elif isinstance(node, list):
        for child in node:
            found = holder(child, value)
            if found:
                return found
    return None


def mutations(text, value):
    """The document, still carrying its authentication value, broken in ways that reach
    the error paths: each other member of the value's object (and of the top object) of
    another type; the value's own member of another type around it; the text cut right
    after the value, and a stray quote after it."""
    doc = json.loads(text)
    out = []
    found = holder(doc, value)
    if not isinstance(doc, dict) or not found:
        return out
    obj, key = found
    for target in (doc, obj):
        for other in list(target):
            if target is obj and other == key:
                continue
            original = target[other]
            for replacement in OTHER_TYPES:
                target[other] = replacement
                out.append(json.dumps(doc))
            target[other] = original
    for replacement in ([value], {value: value}, {"value": value}, 12345, value + "\u0000"):
        obj[key] = replacement
        out.append(json.dumps(doc))
    obj[key] = value
    compact = json.dumps(doc)
    end = compact.index(value) + len(value)
    out.append(compact[:end])
    out.append(compact[:end] + '"' + compact[end:])
    return out


def test_no_error_message_carries_the_authentication_value():
    failures = 0
    for text, value in SECRETS:
        for doc in mutations(text, value):
            for provider in (None, "checkout", "paysafe", "mangopay", "pxp"):
                try:
                    said = everything_said(lambda: normalize(doc, provider=provider, as_of=AS_OF, explain=True))
                except Exception as e:  # pragma: no cover - everything_said catches
                    raise AssertionError(e)
                assert value not in said, said
                failures += "NormalizeError" in said
    # The mutations do reach the error paths.
    assert failures > 100, failures


def test_errors_in_return_mode_carry_no_authentication_value():
    docs = [m for text, value in SECRETS[:5] for m in mutations(text, value)]
    rows = normalize_many(docs, as_of=AS_OF, errors="return")
    said = json.dumps(rows)
    assert any("error" in r for r in rows)
    assert not [v for _, v in SECRETS[:5] if v in said]
