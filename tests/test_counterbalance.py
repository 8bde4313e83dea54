"""Counterbalanced section orders: the Williams designs are Latin and balanced
for first-order carry-over, sessions cycle through the rows, fixed sections
keep their place, and the balance report counts what a hand count finds."""

from __future__ import annotations

import json
from collections import Counter
from itertools import pairwise

import pytest

from dreamq.counterbalance import balance_report, place, session_orders, williams

SIZES = range(2, 13)


def expected_rows(n: int) -> int:
    return n if n % 2 == 0 else 2 * n


def is_balanced(rows: list[list[int]], times: int) -> bool:
    """Every ordered pair a != b adjacent exactly ``times`` times, counted
    directly from the rows (independently of balance_report)."""
    n = len(rows[0])
    pairs = Counter((a, b) for row in rows for a, b in pairwise(row))
    wanted = {(a, b): times for a in range(n) for b in range(n) if a != b}
    return dict(pairs) == wanted


def is_position_balanced(rows: list[list[int]], times: int) -> bool:
    n = len(rows[0])
    return all(Counter(row[p] for row in rows) == dict.fromkeys(range(n), times) for p in range(n))


def cyclic_square(n: int) -> list[list[int]]:
    return [[(i + j) % n for j in range(n)] for i in range(n)]


# ---- williams ---------------------------------------------------------------


def test_small_designs_written_out() -> None:
    assert williams(1) == [[0]]
    assert williams(2) == [[0, 1], [1, 0]]
    assert williams(3) == [[0, 1, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0], [0, 2, 1], [1, 0, 2]]
    assert williams(4) == [[0, 1, 3, 2], [1, 2, 0, 3], [2, 3, 1, 0], [3, 0, 2, 1]]


@pytest.mark.parametrize("n", SIZES)
def test_first_row_follows_standard_construction(n: int) -> None:
    first = williams(n)[0]
    assert first[:2] == [0, 1]
    for j in range(2, n):
        assert first[j] == (n - j // 2 if j % 2 == 0 else (j + 1) // 2)
    for i, row in enumerate(williams(n)[:n]):
        assert row == [(v + i) % n for v in first]


@pytest.mark.parametrize("n", SIZES)
def test_latin_property(n: int) -> None:
    rows = williams(n)
    assert len(rows) == expected_rows(n)
    for row in rows:
        assert sorted(row) == list(range(n))
    times = 1 if n % 2 == 0 else 2
    assert is_position_balanced(rows, times)


@pytest.mark.parametrize("n", SIZES)
def test_carry_over_balance(n: int) -> None:
    rows = williams(n)
    times = 1 if n % 2 == 0 else 2
    assert is_balanced(rows, times)
    report = balance_report(rows)
    assert set(report["follows"].values()) == {times}
    assert all(count == times for column in report["position"] for count in column)


@pytest.mark.parametrize("n", [3, 5, 7, 9, 11])
def test_odd_square_alone_is_not_carry_over_balanced(n: int) -> None:
    square = williams(n)[:n]
    assert is_position_balanced(square, 1)
    assert not is_balanced(square, 1)
    # Half the ordered pairs twice, the other half never.
    assert Counter(balance_report(square)["follows"].values()) == {
        2: n * (n - 1) // 2,
        0: n * (n - 1) // 2,
    }


@pytest.mark.parametrize("n", [4, 6, 8])
def test_check_rejects_plain_cyclic_square(n: int) -> None:
    square = cyclic_square(n)
    assert is_position_balanced(square, 1)  # Latin, yet ...
    assert not is_balanced(square, 1)  # ... a always followed by a + 1
    assert balance_report(square)["follows"]["1>0"] == 0


@pytest.mark.parametrize("bad", [0, -1, -5])
def test_williams_rejects_fewer_than_one_treatment(bad: int) -> None:
    with pytest.raises(ValueError):
        williams(bad)


# ---- session_orders ---------------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
def test_session_orders_cycle_rows(n: int) -> None:
    rows = williams(n)
    orders = session_orders(n, 2 * len(rows))
    assert orders == rows + rows
    counts = Counter(tuple(order) for order in orders)
    assert counts == dict.fromkeys((tuple(row) for row in rows), 2)


def test_session_orders_partial_block() -> None:
    assert session_orders(4, 6) == williams(4) + williams(4)[:2]
    assert session_orders(3, 1) == [[0, 1, 2]]
    assert session_orders(1, 3) == [[0], [0], [0]]


def test_session_orders_are_copies() -> None:
    orders = session_orders(2, 4)
    orders[0].append(99)
    assert orders[2] == [0, 1]
    assert williams(2) == [[0, 1], [1, 0]]


def test_session_orders_without_movable_sections() -> None:
    assert session_orders(0, 3) == [[], [], []]


@pytest.mark.parametrize(("movable", "sessions"), [(3, 0), (3, -1), (0, 0), (-1, 2)])
def test_session_orders_rejects_bad_counts(movable: int, sessions: int) -> None:
    with pytest.raises(ValueError):
        session_orders(movable, sessions)


# ---- place ------------------------------------------------------------------

T, F = True, False


def test_place_brief_example() -> None:
    assert place([2, 0, 1], [T, T, F, F, F, T]) == [0, 1, 4, 2, 3, 5]


def test_place_identity_order_keeps_written_order() -> None:
    assert place([0, 1, 2], [T, F, T, F, F, T]) == [0, 1, 2, 3, 4, 5]


def test_place_interleaved_fixed() -> None:
    # movable sections are 1, 3, 4; order [1, 2, 0] -> 3, 4, 1
    assert place([1, 2, 0], [T, F, T, F, F, T]) == [0, 3, 2, 4, 1, 5]


def test_place_no_movable_sections() -> None:
    assert place([], [T, T, T]) == [0, 1, 2]
    assert place([], []) == []


def test_place_all_movable() -> None:
    assert place([2, 0, 3, 1], [F, F, F, F]) == [2, 0, 3, 1]


@pytest.mark.parametrize(
    ("order", "fixed"),
    [
        ([0, 1], [T, F, F, F]),  # too short
        ([0, 1, 2, 3], [T, F, F, F]),  # too long
        ([0, 0, 1], [T, F, F, F]),  # repeated
        ([1, 2, 3], [T, F, F, F]),  # out of range
        ([0], [T, T]),  # nothing movable
    ],
)
def test_place_rejects_orders_that_are_not_permutations(
    order: list[int], fixed: list[bool]
) -> None:
    with pytest.raises(ValueError):
        place(order, fixed)


def test_place_with_session_orders_end_to_end() -> None:
    fixed = [T, F, F, F, F, T]
    full = [place(order, fixed) for order in session_orders(4, 4)]
    for row in full:
        assert row[0] == 0 and row[-1] == 5
        assert sorted(row) == list(range(6))
    # the movable sections (1..4) are counterbalanced among themselves
    inner = [[s - 1 for s in row[1:-1]] for row in full]
    assert is_balanced(inner, 1)


# ---- balance_report ---------------------------------------------------------


def test_balance_report_matches_hand_count_for_four() -> None:
    # williams(4) = 0 1 3 2 / 1 2 0 3 / 2 3 1 0 / 3 0 2 1
    report = balance_report(williams(4))
    assert report["position"] == [
        [1, 1, 1, 1],  # treatment 0 in positions 0..3: rows 0, 3, 2, 1
        [1, 1, 1, 1],
        [1, 1, 1, 1],
        [1, 1, 1, 1],
    ]
    assert report["follows"] == {
        "0>1": 1,  # row 0
        "1>3": 1,  # row 0
        "3>2": 1,  # row 0
        "1>2": 1,  # row 1
        "2>0": 1,  # row 1
        "0>3": 1,  # row 1
        "2>3": 1,  # row 2
        "3>1": 1,  # row 2
        "1>0": 1,  # row 2
        "3>0": 1,  # row 3
        "0>2": 1,  # row 3
        "2>1": 1,  # row 3
    }


def test_balance_report_unbalanced_hand_count() -> None:
    rows = [[0, 1, 2, 3], [0, 1, 3, 2], [1, 0, 2, 3]]
    report = balance_report(rows)
    # treatment t in position p, counted by hand
    assert report["position"] == [
        [2, 1, 0, 0],
        [1, 2, 0, 0],
        [0, 0, 2, 1],
        [0, 0, 1, 2],
    ]
    assert report["follows"] == {
        "0>1": 2,
        "0>2": 1,
        "0>3": 0,
        "1>0": 1,
        "1>2": 1,
        "1>3": 1,
        "2>0": 0,
        "2>1": 0,
        "2>3": 2,
        "3>0": 0,
        "3>1": 0,
        "3>2": 1,
    }


def test_balance_report_is_json_ready() -> None:
    report = balance_report(williams(5))
    assert json.loads(json.dumps(report)) == report
    assert balance_report([]) == {"position": [], "follows": {}}


@pytest.mark.parametrize("rows", [[[0, 1], [0, 0]], [[0, 1, 2], [0, 1]], [[1, 2]]])
def test_balance_report_rejects_non_permutations(rows: list[list[int]]) -> None:
    with pytest.raises(ValueError):
        balance_report(rows)
