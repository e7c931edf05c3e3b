"""Escape-room triggers over time: when do a trigger's conditions hold together.

Each condition holds over a set of `Hold`s in virtual time (a plate while an agent stands on
it, a lever while it is on, a block from when it was placed), each with the agent behind it
("" when none). An "and" trigger needs one moment per condition, all within `window`
seconds of each other, brought about by at least `min_agents` different agents; an "or"
trigger needs any.

    >>> earliest_together([[Hold(2.0, 4.0)], [Hold(3.5, 6.0)]], window=0.0)
    3.5
    >>> earliest_together([[Hold(0.0, 1.0)], [Hold(3.0, 4.0)]], window=1.0) is None
    True
    >>> earliest_together([[Hold(0.0, 3.0, "a")], [Hold(1.0, 4.0, "a")]], 0.0, min_agents=2)
"""

from __future__ import annotations

import itertools
from typing import NamedTuple


class Hold(NamedTuple):
    """A condition holding over [on, off) in virtual seconds (off may be math.inf), thanks
    to `agent` ("" when no agent is behind it)."""

    on: float
    off: float
    agent: str = ""


def earliest_together(spans: list[list[Hold]], window: float, min_agents: int = 1) -> float | None:
    """The earliest moment by which every condition has held, each at some moment within
    `window` seconds of the others (holds overlap once each is stretched by `window`), with
    at least `min_agents` different agents behind them; None when they never do or when there
    are no conditions."""
    if not spans or any(not s for s in spans):
        return None
    best: float | None = None
    for combo in itertools.product(*spans):
        start = max(h.on for h in combo)
        end = min(h.off for h in combo)
        if start < end + window and (best is None or start < best):
            if min_agents <= 1 or len({h.agent for h in combo if h.agent}) >= min_agents:
                best = start
    return best


def earliest_any(spans: list[list[Hold]]) -> float | None:
    """The earliest moment at which any condition holds; None if none ever does."""
    starts = [h.on for s in spans for h in s]
    return min(starts) if starts else None


def covers(holds: list[Hold], t: float) -> bool:
    return any(h.on <= t < h.off for h in holds)


def add_hold(holds: list[Hold], on: float, off: float, agent: str = "") -> None:
    """Record that `agent` holds [on, off), merged with that agent's holds it overlaps or
    touches (different agents' holds stay apart, so each is counted)."""
    mine = [h for h in holds if h.agent == agent]
    others = [h for h in holds if h.agent != agent]
    merged: list[Hold] = []
    for h in sorted([*mine, Hold(on, off, agent)]):
        if merged and h.on <= merged[-1].off:
            merged[-1] = merged[-1]._replace(off=max(merged[-1].off, h.off))
        else:
            merged.append(h)
    holds[:] = sorted([*others, *merged])
