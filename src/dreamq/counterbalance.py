"""Counterbalancing section order across the sessions of a study.

When every focus group hears the sections in the same order, what people say
about a section is mixed up with where it came in the session (fatigue,
warming up) and with what came just before it (a pricing discussion colours
the packaging one that follows).  Varying the order between sessions with a
*balanced Latin square* -- a Williams design -- spreads both effects evenly.

What a Williams design for ``n`` treatments (here: movable sections) guarantees:

* **Position balance.**  Each treatment appears equally often in each position
  of the session (once per position for even ``n``, twice for odd ``n``).
* **First-order carry-over balance.**  Each ordered pair ``(a, b)``, ``a != b``,
  occurs equally often with ``a`` *immediately* followed by ``b`` (once for
  even ``n``, twice for odd ``n``).  Effects reaching further than the
  immediately preceding section are not balanced.

The construction is the standard one: the first row is ``0, 1, n-1, 2, n-2,
3, ...`` and row ``i`` adds ``i`` to every entry modulo ``n``.  For even ``n``
the differences between neighbours in the first row are all ``n - 1`` non-zero
residues, each once, so the ``n`` rows carry every ordered pair exactly once.

For odd ``n`` a single ``n``-row square of this kind cannot balance carry-over.
In a square built by adding ``i`` to a first row, the pair ``(a, b)`` occurs as
often as the difference ``b - a`` occurs between neighbours of the first row,
so balance needs the ``n - 1`` neighbour differences to be the ``n - 1``
non-zero residues, each once.  Their sum is then ``n(n-1)/2``, which for odd
``n`` is a multiple of ``n``: the last entry of the first row would equal the
first, so the row would not be a permutation.  (For ``n`` = 3, 5 and 7 no
``n``-row Latin square of any construction is carry-over balanced; a few larger
composite odd orders have non-cyclic ones, which this module does not use.)
In the standard first row for odd ``n`` some differences occur twice and their
negatives never; reversing a row turns each difference ``d`` into ``-d``, so
the square plus its reversed rows -- ``2n`` rows -- carries each ordered pair
exactly twice and holds each treatment twice in each position.

What this means for a study: the balance is exact only over complete blocks of
rows -- ``n`` sessions for even ``n``, ``2n`` for odd ``n``.
:func:`session_orders` cycles through the rows, so when the number of sessions
is not a multiple of the row count, the sessions of the last, incomplete block
use only the first rows of the design: some treatments then appear in some
positions, and some neighbour pairs occur, more often than others.  (For odd
``n`` with exactly ``n`` sessions, for instance, the positions are balanced but
the carry-over is not: half the ordered pairs occur twice and the rest never.)
Plan the number of sessions as a multiple of the row count where the study
allows it; otherwise :func:`balance_report` shows the counts actually achieved
so the imbalance can be reported rather than hidden.
"""

from __future__ import annotations

from itertools import pairwise

__all__ = ["balance_report", "place", "session_orders", "williams"]


def williams(n: int) -> list[list[int]]:
    """The rows of a Williams design for treatments ``0 .. n-1``.

    ``n`` rows for even ``n``; ``2n`` rows for odd ``n > 1`` (the square followed
    by each of its rows reversed).  ``williams(1)`` is ``[[0]]``.

    Raises :class:`ValueError` when ``n < 1``.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, not {type(n).__name__}")
    if n < 1:
        raise ValueError(f"a Williams design needs at least one treatment, got n={n}")
    if n == 1:
        return [[0]]
    first: list[int] = [0]
    low, high = 1, n - 1
    take_low = True
    while len(first) < n:
        if take_low:
            first.append(low)
            low += 1
        else:
            first.append(high)
            high -= 1
        take_low = not take_low
    square = [[(value + i) % n for value in first] for i in range(n)]
    if n % 2 == 0:
        return square
    return square + [list(reversed(row)) for row in square]


def session_orders(movable: int, sessions: int) -> list[list[int]]:
    """The order of ``movable`` sections for each of ``sessions`` sessions.

    Session ``s`` uses row ``s % len(rows)`` of :func:`williams` ``(movable)``;
    with no movable sections every session gets an empty order.  Balance is
    exact only when ``sessions`` is a multiple of the number of rows.

    Raises :class:`ValueError` when ``sessions < 1`` or ``movable < 0``.
    """
    if sessions < 1:
        raise ValueError(f"a study needs at least one session, got sessions={sessions}")
    if movable < 0:
        raise ValueError(f"the number of movable sections cannot be negative, got {movable}")
    if movable == 0:
        return [[] for _ in range(sessions)]
    rows = williams(movable)
    return [list(rows[s % len(rows)]) for s in range(sessions)]


def place(order: list[int], fixed: list[bool]) -> list[int]:
    """The full section order for one session.

    ``fixed`` lists the study's sections in written order, ``True`` for a section
    that keeps its place (introduction, warm-up, wrap-up).  ``order`` is a
    permutation of ``0 .. k-1`` indexing the ``k`` movable sections in written
    order.  Fixed sections stay at their index; the movable ones fill the
    remaining slots in the order given.  The result holds indices into the
    study's sections.

    >>> place([2, 0, 1], [True, True, False, False, False, True])
    [0, 1, 4, 2, 3, 5]

    Raises :class:`ValueError` when ``order`` is not a permutation of the
    movable sections.
    """
    movable = [index for index, is_fixed in enumerate(fixed) if not is_fixed]
    if sorted(order) != list(range(len(movable))):
        raise ValueError(
            f"order {order!r} is not a permutation of the {len(movable)} movable section(s)"
        )
    slots = iter(movable[k] for k in order)
    return [index if is_fixed else next(slots) for index, is_fixed in enumerate(fixed)]


def balance_report(rows: list[list[int]]) -> dict:
    """Counts for checking a design, as plain JSON-ready data.

    Returns ``{"position": position, "follows": follows}`` where
    ``position[t][p]`` counts the rows with treatment ``t`` in position ``p``,
    and ``follows["a>b"]`` counts the times ``a`` is immediately followed by
    ``b``.  Every ordered pair ``a != b`` has a key, so a pair that never occurs
    shows as ``0``.  The treatments are ``0 .. n-1`` with ``n`` the row length.

    Raises :class:`ValueError` unless every row is a permutation of ``0 .. n-1``.
    """
    if not rows:
        return {"position": [], "follows": {}}
    n = len(rows[0])
    expected = list(range(n))
    for number, row in enumerate(rows):
        if sorted(row) != expected:
            raise ValueError(f"row {number} {row!r} is not a permutation of 0..{n - 1}")
    position = [[0] * n for _ in range(n)]
    follows = {f"{a}>{b}": 0 for a in range(n) for b in range(n) if a != b}
    for row in rows:
        for p, t in enumerate(row):
            position[t][p] += 1
        for a, b in pairwise(row):
            follows[f"{a}>{b}"] += 1
    return {"position": position, "follows": follows}
