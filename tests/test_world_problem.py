"""A world with a name the game does not know is refused before anything is built, in one line
naming it, as the game's /setblock, /give and /summon refuse such names (names from
minecraft-data's 1.19.2 blocks, items and entities)."""

from __future__ import annotations

import pytest

from env.rulebook import load_rulebook, world_problem
from env.sim import SimBackend
from env.world import (
    STAND_Y,
    BlockSpec,
    Condition,
    ContainerSpec,
    Effect,
    EntitySpec,
    Trigger,
    WorldSetup,
)

RB = load_rulebook()
Y = STAND_Y


def _trigger(**effect: object) -> Trigger:
    return Trigger(id="t1", conditions=[Condition(pos=(0, Y, 3), block="lever")],
                   effects=[Effect(kind="give", pos=(0, Y, 0), **effect)])


@pytest.mark.parametrize(("world", "problem"), [
    (WorldSetup(blocks=[BlockSpec(name="foo_block", pos=(1, Y, 0))]),
     "unknown block 'foo_block' at (1, -60, 0)"),
    # a 1.20 block: not in 1.19.2
    (WorldSetup(blocks=[BlockSpec(name="torchflower_crop", pos=(1, Y, 0))]),
     "unknown block 'torchflower_crop' at (1, -60, 0)"),
    (WorldSetup(containers=[ContainerSpec(pos=(2, Y, 0), items={"eggg": 3})]),
     "unknown item 'eggg' in the chest at (2, -60, 0)"),
    (WorldSetup(containers=[ContainerSpec(pos=(2, Y, 0), kind="crate")]),
     "unknown container block 'crate' at (2, -60, 0)"),
    (WorldSetup(agent_items={"bread": 1, "unobtainium": 2}),
     "unknown item 'unobtainium' in the agents' hands"),
    (WorldSetup(entities=[EntitySpec(type="cowe", pos=(3.5, Y, 3.5))]),
     "unknown entity type 'cowe' at (3.5, -60.0, 3.5)"),
    (WorldSetup(triggers=[_trigger(item="diamondd")]), "trigger t1: unknown item 'diamondd'"),
])
def test_a_world_with_an_unknown_name_is_refused_in_one_line(world: WorldSetup,
                                                             problem: str) -> None:
    assert world_problem(world, RB) == problem
    sim = SimBackend(RB)
    with pytest.raises(ValueError) as err:
        sim.build(world, ["a"])
    assert str(err.value) == f"world: {problem}"


def test_a_world_of_known_names_has_no_problem() -> None:
    world = WorldSetup(blocks=[BlockSpec(name="oak_log", pos=(1, Y, 0))],
                       containers=[ContainerSpec(pos=(2, Y, 0), items={"egg": 3})],
                       entities=[EntitySpec(type="cow", pos=(3.5, Y, 3.5))],
                       agent_items={"bread": 1}, triggers=[_trigger(item="diamond")])
    assert world_problem(world, RB) is None
