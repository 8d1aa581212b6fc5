"""`liability` decides as `threeds-bridge liability` does for the same flags."""

import json
import random

import pytest

from threeds_bridge import LiabilityError, liability

from conftest import run_cli

NETWORKS = [
    "visa", "mastercard", "amex", "discover", "diners", "jcb", "cartes_bancaires",
    "unionpay", "maestro", "unknown",
]
TRANS_STATUSES = [None, "Y", "N", "U", "A", "C", "D", "R", "I", "S"]
ECIS = [None, "05", "5", "02", "06", "01", "07", "00"]
VERSIONS = ["2.2.0", "2.1.0", "1.0.2"]
EXEMPTIONS = [None, "none", "low_value", "transaction_risk_assessment", "secure_corporate_payment"]
DATES = [None, "2019-03-01", "2021-10-20", "2026-01-15"]


def flags(args):
    """The CLI flags for liability()'s keyword arguments."""
    out = []
    for name, value in args.items():
        flag = "--" + name.replace("_", "-")
        if name == "network":
            continue
        if value is None:
            continue
        if name == "cavv_present":
            if value:
                out.append(flag)
            continue
        if name == "challenged":
            out += [flag, "true" if value else "false"]
            continue
        out += [flag, value]
    return ["--network", args["network"], *out]


def questions():
    """A fixed spread of questions over every argument: each network with each
    transStatus, then a seeded sample of the rest."""
    out = [{"network": n, "trans_status": t, "cavv_present": True, "eci": "05", "as_of": "2026-01-15"}
           for n in NETWORKS for t in ("Y", "A", "N")]
    out += [{"network": "visa", "version": "1.0.2", "enrollment": e, "trans_status": t,
             "signature": s, "eci": "05", "cavv_present": True, "as_of": "2026-01-15"}
            for e in ("Y", "N", "U") for t in (None, "Y", "A") for s in (None, "Y", "N")]
    rng = random.Random(11)
    for _ in range(120):
        out.append({
            "network": rng.choice(NETWORKS),
            "trans_status": rng.choice(TRANS_STATUSES),
            "eci": rng.choice(ECIS),
            "version": rng.choice(VERSIONS),
            "cavv_present": rng.choice([True, False]),
            "exemption": rng.choice(EXEMPTIONS),
            "category": rng.choice([None, "payment", "non_payment"]),
            "challenge_indicator": rng.choice([None, "01", "02", "04"]),
            "challenged": rng.choice([None, True, False]),
            "as_of": rng.choice(DATES[1:]),
        })
    return out


@pytest.mark.parametrize("args", questions(), ids=lambda a: ",".join(f"{k}={v}" for k, v in a.items() if v is not None))
def test_each_question_gets_the_clis_decision(args):
    code, out, err = run_cli("liability", *flags(args))
    assert code == 0, err
    decision = liability(**args)
    assert decision == json.loads(out[0])
    assert list(decision) == ["liability_shift", "rule", "source"]


def test_the_questions_reach_different_rules_and_all_three_answers():
    decisions = [liability(**a) for a in questions()]
    assert {d["liability_shift"] for d in decisions} == {True, False, None}
    assert len({d["rule"] for d in decisions}) > 15


def test_as_of_defaults_to_today_as_the_cli_does():
    code, out, _ = run_cli("liability", "--network", "visa", "--trans-status", "Y", "--eci", "05", "--cavv-present")
    assert code == 0
    assert liability("visa", trans_status="Y", eci="05", cavv_present=True) == json.loads(out[0])


def test_an_empty_eci_is_refused_with_the_clis_message():
    code, out, err = run_cli("liability", "--network", "visa", "--eci", "")
    assert code == 1 and out == []
    with pytest.raises(LiabilityError) as caught:
        liability("visa", eci="")
    assert [f"error: {caught.value}"] == err


@pytest.mark.parametrize(
    "args, flag",
    [
        ({"network": "VISA"}, "--network"),
        ({"network": "visa", "trans_status": "Q"}, "--trans-status"),
        ({"network": "visa", "enrollment": "X"}, "--enrollment"),
        ({"network": "visa", "signature": "maybe"}, "--signature"),
        ({"network": "visa", "category": "refund"}, "--category"),
    ],
)
def test_values_the_cli_refuses_are_refused(args, flag):
    # The CLI's parser refuses them first (a usage error, exit 2); the package, which has
    # no parser in front, refuses them with the library's message naming the same flag.
    code, _, _ = run_cli("liability", *flags(args))
    assert code == 2
    with pytest.raises(LiabilityError, match=flag):
        liability(**args)
    assert issubclass(LiabilityError, ValueError)


def test_a_bad_date_is_refused():
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        liability("visa", as_of="2026-13-01")
