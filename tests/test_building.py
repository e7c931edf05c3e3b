"""Builders share a site: one's scaffold never costs another its block, and a block that
needs what it rests on (a torch) is never placed on scaffold that is dug after."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tasks.episode import run_episode

# Two floating stones at y-57 over ground stones at y-60 (nothing between: the y-57 builder
# stands its scaffold column in the y-60 cells, built by another job at the same time), and
# oak planks at y-59 with a torch on them. Lines as VillagerBench's
# blueprint_description_all.json writes them.
BLUEPRINT = {"task_0": [
    "material: stone facing: A position: [-8, -60, 0]",
    "material: stone facing: A position: [-8, -57, 0]",
    "material: stone facing: A position: [-8, -60, 2]",
    "material: stone facing: A position: [-8, -57, 2]",
    "material: oak_planks facing: A position: [-6, -59, 0]",
    "material: torch facing: A position: [-6, -58, 0]",
]}


def _blueprint_source(tmp_path: Path) -> Path:
    (tmp_path / "blueprint_description_all.json").write_text(json.dumps(BLUEPRINT))
    return tmp_path


def _retried(r: dict) -> list[str]:
    return sorted({t["subtask"] for t in r["trace"] if t["attempt"] > 1})


@pytest.mark.parametrize(("planner", "agents"),
                         [("full", 3), ("full", 4), ("causal-cp", 2), ("villager", 4)])
def test_a_block_under_another_builders_scaffold_waits_for_it(tmp_path: Path, planner: str,
                                                              agents: int) -> None:
    r = run_episode({"task": "construction/task_0", "source": str(_blueprint_source(tmp_path)),
                     "planner": planner, "agents": agents, "seed": 0})
    assert r["metrics"]["completion"] == 1.0
    assert _retried(r) == []  # no job failed: the ground stones waited for the scaffold
    refused = {(t["args"]["item"], tuple(t["args"]["pos"]), t["code"])
               for t in r["trace"] if t["name"] == "place" and not t["ok"]}
    # a blueprint block is refused only for want of support or by scaffold that then goes
    assert {code for item, _, code in refused if item != "dirt"} <= {"no_support",
                                                                     "cell_taken"}
    placed = {(t["args"]["item"], tuple(t["args"]["pos"]))
              for t in r["trace"] if t["name"] == "place" and t["ok"]}
    assert {(i, p) for i, p, c in refused if c == "cell_taken" and i != "dirt"} <= placed


@pytest.mark.parametrize(("task", "planner", "agents"), [
    ("construction/task_84", "causal-cp", 4),  # was 0.967: a y-60 job "taken by dirt"
    ("construction/task_94", "full", 4),  # was 0.986: a torch placed on scaffold, then dug
    ("construction/task_94", "full", 8),
])
def test_builders_complete_every_block_without_a_retry(task: str, planner: str,
                                                       agents: int) -> None:
    r = run_episode({"task": task, "planner": planner, "agents": agents, "seed": 0})
    assert (r["metrics"]["completion"], _retried(r)) == (1.0, [])
    torches = {tuple(t["args"]["pos"]) for t in r["trace"]
               if t["name"] == "place" and t["ok"] and t["args"]["item"] == "torch"}
    below = {(x, y - 1, z) for x, y, z in torches}
    # nothing under a placed torch is ever dug: it would have fallen off
    assert not [t for t in r["trace"] if t["name"] == "dig" and tuple(t["args"]["pos"]) in below]
