"""Melee damage (env/data/attack.json) as Python and JS read it, with vanilla 1.19.2's values."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from env.attack import damage, hit_interval, hits, weapon
from env.durations import DURATIONS, kill_seconds
from env.minecraft.server import node_binary

ROOT = Path(__file__).resolve().parents[1]
INVENTORIES = [{}, {"bread": 3}, {"wooden_sword": 1}, {"wooden_sword": 1, "stone_sword": 1},
               {"wooden_pickaxe": 1, "wooden_hoe": 1}, {"iron_axe": 1, "diamond_axe": 1},
               {"stone_sword": 0, "wooden_shovel": 1}]


def test_vanilla_damage() -> None:
    # minecraft.wiki/w/Sword, /w/Axe, /w/Pickaxe, /w/Shovel, /w/Hoe (Java Edition damage)
    assert [damage(i) for i in (None, "bread", "wooden_sword", "golden_sword", "stone_sword",
                                "iron_sword", "diamond_sword", "netherite_sword")] == \
        [1, 1, 4, 4, 5, 6, 7, 8]
    assert [damage(i) for i in ("wooden_axe", "stone_axe", "netherite_axe", "wooden_pickaxe",
                                "iron_shovel", "diamond_hoe")] == [7, 9, 10, 2, 4.5, 1]


def test_hits_and_kill_seconds() -> None:
    # a cow 10 health, a rabbit 3 (minecraft.wiki/w/Cow, /w/Rabbit)
    assert [hits(10, w) for w in (None, "wooden_sword", "stone_sword")] == [10, 3, 2]
    assert [hits(3, w) for w in (None, "wooden_sword", "stone_sword")] == [3, 1, 1]
    assert kill_seconds("cow", "wooden_sword") == DURATIONS["kill_s"] + 2 * 0.625
    assert kill_seconds("rabbit", None) == DURATIONS["kill_s"] + 2 * 0.5
    assert hit_interval("wooden_axe") == 1.25
    # hostile and other mobs by their own health (minecraft.wiki/w/Iron_Golem 100,
    # /w/Enderman 40, /w/Spider 16, /w/Zombie 20): a stone sword deals 5
    assert [kill_seconds(m, "stone_sword") - DURATIONS["kill_s"]
            for m in ("iron_golem", "enderman", "spider", "zombie")] == \
        [19 * 0.625, 7 * 0.625, 3 * 0.625, 3 * 0.625]


def test_python_and_js_pick_the_same_weapon() -> None:
    script = ("const a = require('./env/js/attack');"
              f"const invs = {json.dumps(INVENTORIES)};"
              "const items = i => Object.entries(i).map(([name, count]) => ({ name, count }));"
              "console.log(JSON.stringify(invs.map(i => { const w = a.weapon(items(i));"
              " return [w, a.damage(w), a.hitInterval(w)] })))")
    out = subprocess.run([node_binary(), "-e", script], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=30)
    expected = [[w, damage(w), hit_interval(w)] for w in map(weapon, INVENTORIES)]
    assert json.loads(out.stdout) == expected
    assert [row[0] for row in expected] == [None, None, "wooden_sword", "stone_sword",
                                            "wooden_pickaxe", "diamond_axe", "wooden_shovel"]
