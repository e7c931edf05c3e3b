"""Escape-room triggers over time: when do a trigger's conditions hold together.

Each condition holds over a set of intervals of virtual time (a plate while it is pressed,
a lever while it is on, a block from when it was placed). An "and" trigger needs one moment
per condition, all within `window` seconds of each other; an "or" trigger needs any.

    >>> earliest_together([[(2.0, 4.0)], [(3.5, 6.0)]], window=0.0)
    3.5
    >>> earliest_together([[(0.0, 1.0)], [(3.0, 4.0)]], window=1.0) is None
    True
"""

from __future__ import annotations

import itertools

Interval = tuple[float, float]
"""[on, off) in virtual seconds; off may be math.inf (still holding)."""


def earliest_together(spans: list[list[Interval]], window: float) -> float | None:
    """The earliest moment by which every condition has held, each at some moment within
    `window` seconds of the others (intervals overlap once each is stretched by `window`);
    None when they never do. With no conditions, None."""
    if not spans or any(not s for s in spans):
        return None
    best: float | None = None
    for combo in itertools.product(*spans):
        start = max(a for a, _ in combo)
        end = min(b for _, b in combo)
        if start < end + window:
            if best is None or start < best:
                best = start
    return best


def earliest_any(spans: list[list[Interval]]) -> float | None:
    """The earliest moment at which any condition holds; None if none ever does."""
    starts = [a for s in spans for a, _ in s]
    return min(starts) if starts else None


def covers(intervals: list[Interval], t: float) -> bool:
    return any(a <= t < b for a, b in intervals)


def add_interval(intervals: list[Interval], on: float, off: float) -> None:
    """Record [on, off), merging with the intervals it overlaps or touches."""
    intervals.append((on, off))
    intervals.sort()
    merged: list[Interval] = []
    for a, b in intervals:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    intervals[:] = merged
