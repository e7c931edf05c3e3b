"""Builders and blocks that fall (sand, gravel: env/gravity.py): a falling block is placed only
once the cell under it holds a block, so it stays where the blueprint wants it (vanilla
1.19.2: a gravel block put over a free cell, or on scaffold that is dug later, falls;
minecraft.wiki/w/Gravel, /w/Falling_Block)."""

from __future__ import annotations

from agents.brain import BELOW_WAITS, OfflineBrain
from env.goals import BlueprintBlock
from env.rulebook import load_rulebook
from env.sim import SimBackend
from env.world import STAND_Y, BlockSpec, WorldSetup
from planner.subtask import Subtask
from tasks.episode import EpisodeConfig, run_episode
from tests.test_building import _drive

GRAVEL = (-11, STAND_Y + 2, -3)
BELOW = (-11, STAND_Y + 1, -3)


def _gravel_job(blocks: list[BlockSpec]) -> tuple[SimBackend, list, object]:
    rules = load_rulebook()
    sim = SimBackend(rules, seed=0)
    sim.build(WorldSetup(blocks=blocks, spawn=[(-14, STAND_Y, -3)],
                         agent_items={"gravel": 1, "dirt": 4}), ["a"])
    st = Subtask(id="place:gravel", kind="place", target="gravel",
                 blocks=[BlueprintBlock(name="gravel", pos=GRAVEL)])
    steps = OfflineBrain(rules).act(st, 0, [], "a", sim.observe("a"), None, attempt=1,
                                    keep_out=frozenset({(-11, -3), (-10, -3)}))
    seen, done = _drive(sim, steps, "a", rules)
    return sim, seen, done


def test_gravel_on_the_block_below_it_is_placed_and_stays() -> None:
    # a wall beside it to click on, the blueprint's block under it already in
    wall = [BlockSpec(name="stone", pos=(-10, STAND_Y + y, -3)) for y in range(3)]
    sim, seen, done = _gravel_job([*wall, BlockSpec(name="stone", pos=(-11, STAND_Y, -3)),
                                   BlockSpec(name="stone", pos=BELOW)])
    assert done[0] is True
    assert sim.view().block(GRAVEL).name == "gravel"
    assert not [s for s in seen if s[0] == "dig"]


def test_gravel_over_an_empty_cell_waits_and_is_never_put_where_it_falls() -> None:
    # the cell under it is empty (its blueprint block is another builder's, not there yet):
    # placed now, the gravel would fall to the ground. The builder waits instead, and gives
    # the job back when the block under it never comes.
    wall = [BlockSpec(name="stone", pos=(-10, STAND_Y + y, -3)) for y in range(3)]
    sim, seen, done = _gravel_job(wall)
    assert done[0] is False
    assert sim.view().block(GRAVEL).name == "air"
    assert sim.view().block((-11, STAND_Y, -3)).name == "air"  # no gravel fell there
    assert sim.view().block(BELOW).name == "air"  # its probing scaffold went again
    assert sum(1 for s in seen if s[0] == "wait") == BELOW_WAITS


def test_blueprints_with_gravel_complete_on_the_simulator() -> None:
    # construction/task_82 holds 37 gravel blocks in three layers (VillagerBench's
    # blueprint_description_all.json); with gravity and builders that placed gravel over
    # empty cells it ended at 0.983
    r = run_episode(EpisodeConfig(task="construction/task_82", backend="sim", agents=3, seed=1,
                                  planner="full"))
    assert r["metrics"]["completion"] == 1.0
    assert r["metrics"]["block_hit_rate"] == 1.0
