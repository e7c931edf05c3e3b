"""The simulator's side of redstone power (the rule itself is `env.redstone`): when sources
change in virtual time, and when a walking agent steps off a pressure plate.

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

from env.redstone import PLATE_INSET
from env.sim.state import Walk
from env.sim.triggers import Hold, covers

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
