"""VillagerBench's escape instances: our state tree against theirs.

The expected trees are what VillagerAgent's own `StateTree` (env/minecraft_define.py, github.com/
cnsdqd-dyb/VillagerAgent) generates, run offline (bot None, bias (130, -60, 140)) on the public
`escape_atom.json`: per instance `<players>-<rooms>-<seed>` the complexity and each task as
(atom, centre, condition_repeat_num, layout). 480 instances (1-4 players, 1-4 rooms, seeds
0-29) matched when this port was written; these are a few of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tasks.catalog import load_task
from tasks.importers.escape_tree import state_tree

ATOMS = json.loads((Path(__file__).parents[1] / "tasks" / "data" / "villagerbench" /
                    "escape_atom.json").read_text())
LAYOUT = {"same": "same_room", "merge": "merge", "split": "split"}

THEIRS = {
    "3-1-0": (1.5, [[11, [130, -60, 131], 3, "same"]]),
    "3-2-0": (3.0, [[11, [130, -60, 131], 3, "same"], [9, [130, -60, 122], 3, "same"]]),
    "3-4-2": (18.75, [[7, [130, -60, 131], 3, "same"], [17, [130, -60, 122], 3, "same"],
                      [6, [130, -60, 113], 3, "same"], [8, [130, -60, 104], 3, "same"]]),
    "2-2-3": (1.5, [[2, [130, -60, 131], 2, "same"], [12, [130, -60, 122], 2, "same"]]),
    "1-3-0": (1 / 3, [[13, [130, -60, 77], 1, "same"]]),
    "3-3-1": (34 / 3, [[3, [121, -60, 131], 1, "merge"], [3, [130, -60, 131], 1, "merge"],
                       [3, [139, -60, 131], 1, "merge"], [13, [139, -60, 122], 1, "same"],
                       [7, [121, -60, 122], 1, "same"]]),
    "2-4-1": (5.25, [[3, [121, -60, 131], 1, "merge"], [3, [130, -60, 131], 1, "merge"],
                     [16, [121, -60, 122], 1, "same"], [4, [130, -60, 113], 2, "split"]]),
    "3-4-1": (25.0, [[3, [121, -60, 131], 1, "merge"], [3, [130, -60, 131], 1, "merge"],
                     [3, [139, -60, 131], 1, "merge"], [4, [130, -60, 122], 3, "split"],
                     [14, [130, -60, 113], 3, "same"], [8, [130, -60, 104], 3, "same"]]),
}


@pytest.mark.parametrize("key", sorted(THEIRS))
def test_state_tree_matches_theirs(key: str) -> None:
    players, rooms, seed = (int(v) for v in key.split("-"))
    tree = state_tree(ATOMS, players, rooms, seed)
    complexity, tasks = THEIRS[key]
    assert tree.complexity == pytest.approx(complexity)
    assert [[t.atom, list(t.center), t.repeat, t.layout] for t in tree.tasks] == \
        [[a, c, r, LAYOUT[k]] for a, c, r, k in tasks]


def test_same_room_complexity_by_hand() -> None:
    # 3-1-0: atom 11 (two plates, min_player 2), all three players hold nothing it takes:
    # score 1 x 3 copies x 2 conditions / wait_interval 4 = 1.5; budget 30 x 1.5 + 60
    spec = load_task("escape/vb-1-0", agents=3)
    assert spec.budget_s == 105.0
    assert [r.atom for r in spec.goal.rooms] == [11]  # type: ignore[union-attr]


def test_merge_stage_is_one_room_with_a_task_per_player() -> None:
    # 3-2-1: three merge tasks (atom 3, one lever each) at stage 0, then atom 13 at stage 1:
    # the players start in the last stage, so atom 13's room comes first; complexity
    # 3 x (1 x 3) + 1 x 1 x 1 / 3 = 9.333; budget 30 x 9.333 + 60 = 340
    spec = load_task("escape/vb-2-1", agents=3)
    goal = spec.goal
    assert [r.atom for r in goal.rooms] == [13, 3]  # type: ignore[union-attr]
    assert goal.rooms[1].parts == [["room1:main#0"], ["room1:main#1"], ["room1:main#2"]]  # type: ignore[union-attr]
    assert spec.budget_s == pytest.approx(340.0)
