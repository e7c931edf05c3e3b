"""Action durations in seconds (env/data/durations.json), calibrated against the embedded server:
the simulator's clock, the planner's estimates and the lower bound read them here.

    >>> DURATIONS["craft_s"] > 0
    True
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from env.attack import hit_interval, hits

KEYS = ("take_s", "put_s", "chest_again_s", "place_s", "activate_s", "craft_s", "milk_s", "kill_s",
        "move_overhead_s", "centre_s", "dig_overhead_s", "smelt_overhead_s", "pause_s")


def load_durations(path: Path = Path(__file__).parent / "data" / "durations.json"
                   ) -> dict[str, float]:
    """The durations by key; raises ValueError naming a missing or negative one."""
    data = json.loads(path.read_text())
    out: dict[str, float] = {}
    for key in KEYS:
        value = data.get(key)
        if not isinstance(value, int | float) or value < 0:
            raise ValueError(f"{path}: {key} must be a number of seconds >= 0, got {value!r}")
        out[key] = float(value)
    return out


DURATIONS = load_durations()

ANIMALS = json.loads((Path(__file__).parent / "data" / "animals.json").read_text())


def kill_seconds(entity: str, weapon: str | None) -> float:
    """How long killing one `entity` with `weapon` (None: the hand) takes on the server: the
    hits the weapon needs for the animal's max health (env/data/animals.json, vanilla damage
    from env/data/attack.json), one every `hit_interval`; the last hit, the body's removal and
    the loot cost kill_s.

    >>> [round(kill_seconds("cow", w), 2) for w in (None, "wooden_sword", "stone_sword")]
    [5.92, 2.67, 2.04]
    >>> [round(kill_seconds("rabbit", w), 2) for w in (None, "wooden_sword")]
    [2.42, 1.42]
    """
    health = ANIMALS["max_health"].get(entity, ANIMALS["default_health"])
    return DURATIONS["kill_s"] + hit_interval(weapon) * (hits(health, weapon) - 1)


def not_before(t: float) -> float:
    """`t` (virtual s) rounded up to the millisecond: the moment a refusal tells a player to
    come back at (a station's `free_at`), never before it is free; rounding to the nearest
    could send the player back a fraction of a millisecond early, to be refused again.

    >>> not_before(15.285342), not_before(2.0)
    (15.286, 2.0)
    """
    return math.ceil(round(t * 1000, 6)) / 1000
