"""gaodi.core.memo: N concurrent misses of one key compute once; failures are not cached."""

from __future__ import annotations

import threading
import time

import pytest

from gaodi.core.memo import Memo, scope_key
from gaodi.core.permissions import Principal


def test_concurrent_misses_compute_once() -> None:
    memo: Memo[int] = Memo(max_age=60)
    calls = 0
    gate = threading.Event()

    def slow() -> int:
        nonlocal calls
        calls += 1
        gate.wait(5)  # hold the computation until every thread has asked
        return 42

    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(memo.get("k", slow))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in threads:
        t.join(5)
    assert results == [42] * 8
    assert calls == 1 and memo.computed == 1


def test_other_keys_are_not_held_up_and_age_expires() -> None:
    memo: Memo[str] = Memo(max_age=60)
    assert memo.get(("a", 1), lambda: "a1") == "a1"
    assert memo.get(("a", 2), lambda: "a2") == "a2"  # a new data version: a new entry
    assert memo.get(("a", 1), lambda: "other") == "a1"
    assert memo.get(("a", 1), lambda: "fresh", max_age=0.0) == "fresh"  # off: always computes
    time.sleep(0.02)
    assert memo.get(("a", 1), lambda: "expired", max_age=0.01) == "expired"
    assert memo.get(("a", 1), lambda: "again") == "expired"


def test_a_failure_is_not_cached_and_waiters_compute_themselves() -> None:
    memo: Memo[int] = Memo(max_age=60)
    started, release = threading.Event(), threading.Event()

    def failing() -> int:
        started.set()
        release.wait(5)
        raise RuntimeError("database is locked")

    errors: list[Exception] = []

    def owner() -> None:
        try:
            memo.get("k", failing)
        except RuntimeError as exc:
            errors.append(exc)

    first = threading.Thread(target=owner)
    first.start()
    started.wait(5)
    waiter_result: list[int] = []
    second = threading.Thread(target=lambda: waiter_result.append(memo.get("k", lambda: 7)))
    second.start()
    time.sleep(0.1)
    release.set()
    first.join(5)
    second.join(5)
    assert len(errors) == 1
    assert waiter_result == [7]  # the waiter computed for itself, not the failure
    assert memo.get("k", lambda: 8) == 7


def test_bounded_least_recently_used() -> None:
    memo: Memo[int] = Memo(max_entries=2, max_age=60)
    memo.get(1, lambda: 1)
    memo.get(2, lambda: 2)
    memo.get(1, lambda: -1)  # 1 used again: 2 is now the oldest
    memo.get(3, lambda: 3)
    assert set(memo.keys()) == {1, 3}


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (Principal("x", "park_office", park_ids=frozenset({1})), Principal("y", "park_office", park_ids=frozenset({1})), True),
        (Principal("x", "park_office", park_ids=frozenset({1})), Principal("x", "park_office", park_ids=frozenset({2})), False),
        (Principal("x", "analyst"), Principal("y", "viewer"), False),
        (Principal("x", "chain_office", chain_ids=frozenset({1})), Principal("y", "park_office", park_ids=frozenset({1})), False),
    ],
)  # fmt: skip
def test_scope_key_is_role_and_scope_not_name(a: Principal, b: Principal, same: bool) -> None:
    assert (scope_key(a) == scope_key(b)) is same


def test_an_aged_entry_is_served_while_one_request_refreshes_it() -> None:
    memo: Memo[str] = Memo(max_age=0.05)
    assert memo.get("k", lambda: "old") == "old"
    time.sleep(0.06)
    started, release = threading.Event(), threading.Event()

    def refresh() -> str:
        started.set()
        release.wait(5)
        return "new"

    refreshed: list[str] = []
    owner = threading.Thread(target=lambda: refreshed.append(memo.get("k", refresh)))
    owner.start()
    started.wait(5)
    assert memo.get("k", lambda: "unused") == "old"  # not held up by the refresh
    release.set()
    owner.join(5)
    assert refreshed == ["new"] and memo.get("k", lambda: "unused") == "new"


def test_a_weighed_memo_keeps_its_budget_and_never_keeps_a_value_over_a_quarter_of_it() -> None:
    memo: Memo[str] = Memo(100, 60, weigh=len, max_weight=100)
    for key in "abcd":
        memo.get(key, lambda: "x" * 25)  # 4 x 25 = 100: all kept
    assert (len(memo), memo.weight) == (4, 100)
    memo.get("a", lambda: "unused")  # a hit: "a" is now the most recently used
    memo.get("e", lambda: "y" * 10)  # 110 > 100: the least recently used ("b") goes
    assert sorted(memo.keys()) == ["a", "c", "d", "e"] and memo.weight == 85
    huge = memo.get("f", lambda: "z" * 26)  # over 100 // 4: served, not kept
    assert huge == "z" * 26 and "f" not in memo and memo.weight == 85
    assert memo.get("f", lambda: "again") == "again"  # computed again, since it was not kept
    memo.clear()
    assert (len(memo), memo.weight) == (0, 0)
