"""Action durations in seconds (env/data/durations.json), calibrated against the embedded server:
the simulator's clock, the planner's estimates and the lower bound read them here.

    >>> DURATIONS["craft_s"] > 0
    True
"""

from __future__ import annotations

import json
from pathlib import Path

KEYS = ("take_s", "put_s", "chest_again_s", "place_s", "activate_s", "craft_s", "milk_s", "kill_s",
        "kill_bare_s", "move_overhead_s", "centre_s", "dig_overhead_s", "smelt_overhead_s")


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


def kill_seconds(entity: str, armed: bool) -> float:
    """How long killing one `entity` takes on the server: the bot hits every `hit_s` and each
    hit takes `damage_per_hit` of the animal's max health (env/data/animals.json); the last
    hit, the body's removal and the loot cost kill_s (armed) or kill_bare_s.

    >>> round(kill_seconds("cow", True), 2), round(kill_seconds("rabbit", False), 2)
    (6.33, 2.83)
    """
    health = ANIMALS["max_health"].get(entity, ANIMALS["default_health"])
    hits = -(-health // ANIMALS["damage_per_hit"])
    last = DURATIONS["kill_s"] if armed else DURATIONS["kill_bare_s"]
    return last + ANIMALS["hit_s"] * (hits - 1)
