"""The simulator's side of redstone power (the rule itself is `env.redstone`): when sources
change in virtual time, and when a walking agent presses a pressure plate or steps off one.

A source's `Hold`s (`SimState.powered`) say when it is powered; its *edges* are the moments
that changes. At each edge the doors, trapdoors and fence gates near the source are
re-evaluated, as the server's plugin does on every source change.

    >>> power_edges([Hold(1.0, 3.0, "a"), Hold(2.0, 5.0, "b")], since=0.0, until=10.0, was=False)
    [(1.0, True), (5.0, False)]
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from env.redstone import PLATE_HEIGHT, PLATE_INSET
from env.sim.state import Walk
from env.sim.triggers import Hold, covers
from env.world import Pos

_WALKING = json.loads((Path(__file__).resolve().parent.parent / "data" / "walking.json")
                      .read_text())
PLATE_REACH = 0.5 - PLATE_INSET + _WALKING["body_width"] / 2
"""How far (along x or z) the feet may be from a plate's middle while the body's box still
touches the plate's box: 0.5 - 1/16 + 0.3 = 0.7375 blocks."""


def power_edges(holds: list[Hold], since: float, until: float,
                was: bool) -> list[tuple[float, bool]]:
    """The moments in [since, until] at which a source held over `holds` turns on or off,
    with its new state, given it was `was` just before `since`."""
    marks = sorted({t for h in holds for t in (h.on, h.off) if since <= t <= until})
    out: list[tuple[float, bool]] = []
    for t in marks:
        now = covers(holds, t)
        if now != was:
            out.append((t, now))
            was = now
    return out


def plate_exit(walk: Walk) -> float:
    """When an agent walking `walk` away from the plate in its first cell stops pressing it:
    when its feet are `PLATE_REACH` from the plate's middle along x or z (the server releases
    a plate when the player's box leaves the plate's).

    >>> plate_exit(Walk(1.0, ((0, -60, 0), (1, -60, 0), (2, -60, 0)), 4.0))
    1.184375
    """
    a, gone = walk.cells[0], 0.0
    for b in walk.cells[1:]:
        step = math.dist(a, b)
        dx = max(abs(b[0] - walk.cells[0][0]), abs(b[2] - walk.cells[0][2]))
        before = max(abs(a[0] - walk.cells[0][0]), abs(a[2] - walk.cells[0][2]))
        if dx >= PLATE_REACH and dx > before:
            return walk.leave + (gone + step * (PLATE_REACH - before) / (dx - before)) / walk.speed
        gone += step
        a = b
    return walk.arrive


def _within(u0: float, u1: float, lo: float, hi: float) -> tuple[float, float] | None:
    """The part of f in [0, 1] where u0 + f (u1 - u0) lies in [lo, hi)."""
    if u0 == u1:
        return (0.0, 1.0) if lo <= u0 < hi else None
    a, b = (lo - u0) / (u1 - u0), (hi - u0) / (u1 - u0)
    a, b = max(0.0, min(a, b)), min(1.0, max(a, b))
    return (a, b) if a < b else None


def plate_crossings(walk: Walk, plates: list[Pos]) -> list[tuple[Pos, float, float]]:
    """The plates among `plates` (cells) that a walk presses on its way, each with when the
    body's box first touches the plate's box and when it leaves it (virtual s): a plate is
    pressed while the feet are within `PLATE_REACH` of its middle along x and z and less than
    the plate's height above its floor (the server checks on every move).

    >>> plate_crossings(Walk(0.0, ((0, -60, 0), (1, -60, 0), (2, -60, 0)), 1.0), [(1, -60, 0)])
    [((1, -60, 0), 0.2625, 1.7375)]
    """
    out: list[tuple[Pos, float, float]] = []
    for cell in plates:
        cx, cz = cell[0] + 0.5, cell[2] + 0.5
        t, first, last = walk.leave, None, None
        for a, b in zip(walk.cells, walk.cells[1:], strict=False):
            dt = math.dist(a, b) / walk.speed
            parts = [_within(a[0] + 0.5, b[0] + 0.5, cx - PLATE_REACH, cx + PLATE_REACH),
                     _within(a[2] + 0.5, b[2] + 0.5, cz - PLATE_REACH, cz + PLATE_REACH),
                     _within(a[1], b[1], cell[1], cell[1] + PLATE_HEIGHT)]
            if all(p is not None for p in parts):
                lo = max(p[0] for p in parts if p is not None)
                hi = min(p[1] for p in parts if p is not None)
                if lo < hi:
                    first = t + lo * dt if first is None else first
                    last = t + hi * dt
            t += dt
        if first is not None and last is not None:
            out.append((cell, round(first, 9), round(last, 9)))
    return out
