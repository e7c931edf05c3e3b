"""Melee attacks as vanilla 1.19.2 deals them: damage and speed of the hand and each weapon
(env/data/attack.json, read by env/js/attack.js too), the weapon a bot picks, and how many hits
and seconds a kill takes.

    >>> weapon({"stone_sword": 1, "wooden_sword": 1, "bread": 2}), weapon({"bread": 1})
    ('stone_sword', None)
    >>> hits(10, None), hits(10, "wooden_sword"), hits(3, "stone_sword"), hits(10, "iron_shovel")
    (10, 3, 1, 3)
    >>> hit_interval(None), hit_interval("wooden_sword"), hit_interval("wooden_axe")
    (0.5, 0.625, 1.25)
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from functools import cache
from pathlib import Path

ATTACK_FILE = Path(__file__).parent / "data" / "attack.json"


@cache
def _data() -> dict:
    return json.loads(ATTACK_FILE.read_text())


def _stats(item: str | None) -> dict[str, float]:
    data = _data()
    return data["items"].get(item, data["hand"]) if item else data["hand"]


def damage(item: str | None) -> float:
    """Half-hearts one full-strength hit with `item` (None: the hand) takes; an item that is no
    weapon or tool hits as the hand does (1)."""
    return float(_stats(item)["damage"])


def weapon(inventory: Mapping[str, int]) -> str | None:
    """The item a bot attacks with: of the items held (count > 0), the one of the highest
    damage, ties to the faster then to the first name; None (the hand) when none beats it."""
    best: tuple[float, float, str] | None = None
    hand = _data()["hand"]["damage"]
    for item, n in inventory.items():
        if n <= 0 or item not in _data()["items"]:
            continue
        stats = _stats(item)
        if stats["damage"] <= hand:
            continue
        key = (-float(stats["damage"]), -float(stats["speed"]), item)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def hits(health: float, item: str | None) -> int:
    """Full-strength hits with `item` that kill a mob of `health` half-hearts."""
    return max(1, math.ceil(health / damage(item) - 1e-9))


def hit_interval(item: str | None) -> float:
    """Seconds between a bot's hits: the weapon's full recharge (1 / attack speed), at least
    the mob's hurt invulnerability (0.5 s), so that every hit lands at full strength."""
    return max(float(_data()["hurt_invulnerability_s"]), 1.0 / float(_stats(item)["speed"]))
