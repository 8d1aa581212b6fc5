"""`normalize_many`: input order, both error modes, and the GIL released while the core
works (a thread pool gives the serial answers, and other Python threads run meanwhile)."""

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from threeds_bridge import NormalizeError, normalize, normalize_many

from conftest import AS_OF, fixture_files

BAD = '{"foo": 1}'


def texts():
    return [p.read_text(encoding="utf-8") for p in fixture_files()]


def one_by_one(docs):
    """What `normalize` gives for each document: its dict, or the error dict."""
    out = []
    for index, text in enumerate(docs):
        try:
            out.append(normalize(text, as_of=AS_OF))
        except NormalizeError as e:
            out.append({"error": {"index": index, "kind": e.kind, "message": e.message}})
    return out


def test_return_mode_keeps_input_order_and_puts_each_error_in_its_slot():
    docs = texts()
    # A known failure in the middle, and the fixtures reversed: order is the input's.
    docs = list(reversed(docs))
    docs.insert(len(docs) // 2, BAD)
    many = normalize_many(docs, as_of=AS_OF, errors="return")
    assert len(many) == len(docs)
    assert many == one_by_one(docs)
    slot = many[len(docs) // 2]
    assert slot["error"]["kind"] == "unknown_document"
    assert slot["error"]["index"] == len(docs) // 2
    # The good documents came through as well.
    assert sum("error" not in row for row in many) > len(docs) // 2


def test_raise_mode_raises_the_first_failure_with_its_index():
    good = [d for d, r in zip(texts(), one_by_one(texts())) if "error" not in r]
    docs = good[:5] + [BAD] + good[5:10] + ["not json"]
    with pytest.raises(NormalizeError) as caught:
        normalize_many(docs, as_of=AS_OF)
    assert caught.value.index == 5
    assert caught.value.kind == "unknown_document"
    assert normalize_many(good, as_of=AS_OF) == [normalize(d, as_of=AS_OF) for d in good]


def test_a_none_in_a_column_fails_in_its_slot_and_does_not_shift_the_rest():
    good = [d for d, r in zip(texts(), one_by_one(texts())) if "error" not in r][:3]
    rows = normalize_many([good[0], None, good[1]], as_of=AS_OF, errors="return")
    assert rows[1] == {"error": {"index": 1, "kind": "missing", "message": "no document: the value is None"}}
    assert [rows[0], rows[2]] == normalize_many([good[0], good[1]], as_of=AS_OF)
    with pytest.raises(NormalizeError) as caught:
        normalize_many([good[0], None], as_of=AS_OF)
    assert (caught.value.kind, caught.value.index) == ("missing", 1)
    with pytest.raises(TypeError):
        normalize_many([good[0], 5], as_of=AS_OF, errors="return")


def test_an_unknown_errors_mode_is_refused():
    with pytest.raises(ValueError, match="raise or return"):
        normalize_many([], errors="ignore")
    assert normalize_many([]) == []


def test_a_thread_pool_gives_the_serial_answers():
    docs = texts() * 20
    serial = normalize_many(docs, as_of=AS_OF, errors="return")
    chunks = [docs[i : i + 50] for i in range(0, len(docs), 50)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parts = list(pool.map(lambda c: normalize_many(c, as_of=AS_OF, errors="return"), chunks))
    pooled = [row for part in parts for row in part]
    # The indexes in error slots are per call: compare everything else.
    for row in serial + pooled:
        if "error" in row:
            row["error"].pop("index")
    assert pooled == serial


def test_other_threads_run_while_the_core_normalizes():
    """With a switch interval far longer than the call, a thread that held the GIL would
    not let the waiting thread run at all until it returned; the waiting thread counts
    how often it woke during the call."""
    docs = [d for d, r in zip(texts(), one_by_one(texts())) if "error" not in r] * 400
    started, done = threading.Event(), threading.Event()
    result = {}

    def work():
        started.set()
        result["rows"] = normalize_many(docs, as_of=AS_OF)
        done.set()

    previous = sys.getswitchinterval()
    sys.setswitchinterval(30.0)
    try:
        worker = threading.Thread(target=work)
        worker.start()
        started.wait()
        woke = 0
        # Each wait releases the GIL, so the worker can take it back at once.
        while not done.wait(0.001):
            woke += 1
        worker.join()
    finally:
        sys.setswitchinterval(previous)
    assert len(result["rows"]) == len(docs)
    assert woke >= 5, f"the waiting thread woke {woke} times during the call"
