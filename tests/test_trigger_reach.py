"""A trigger's give/teleport effect reaches the same players on both backends: feet within the
radius (inclusive) of the effect block's floor centre (env/world.py's effect_reaches; the server
used to reach half a block further than the simulator)."""

from __future__ import annotations

from env.actions import parse_action
from env.minecraft.backend import effect_commands
from env.rulebook import load_rulebook
from env.sim import SimBackend
from env.world import BlockSpec, Condition, Effect, Trigger, WorldSetup, effect_reaches

Y = -60
TELEPORT = Effect(kind="teleport", pos=(0, Y, 0), to=(20, Y, 20), radius=2.0)


def test_the_edge_of_the_radius_is_inside_and_a_tenth_beyond_is_outside() -> None:
    assert effect_reaches(TELEPORT, (2.5, float(Y), 0.5))
    assert not effect_reaches(TELEPORT, (2.6, float(Y), 0.5))
    assert not effect_reaches(TELEPORT, (0.5, float(Y), 2.6))


def test_the_server_commands_pick_the_same_players() -> None:
    trig = Trigger(id="t", conditions=[], effects=[TELEPORT])
    where = {"inside": (2.5, float(Y), 0.5), "outside": (2.6, float(Y), 0.5)}
    assert effect_commands(trig, where) == ["/tp inside 20.5 -60.0 20.5"]


def test_the_simulator_teleports_the_same_players() -> None:
    # "near" stands 2 blocks from the effect block's floor centre, "far" 3.
    world = WorldSetup(
        blocks=[BlockSpec(name="lever", pos=(0, Y, -2), state={"powered": False})],
        triggers=[Trigger(id="t", conditions=[Condition(pos=(0, Y, -2), block="lever",
                                                        state={"powered": True})],
                          effects=[TELEPORT])],
        spawn=[(2, Y, 0), (3, Y, 0)])
    sim = SimBackend(load_rulebook().with_world(world))
    sim.build(world, ["near", "far"])
    out = sim.execute("near", parse_action({"name": "activate", "pos": [0, Y, -2]}), 0.0)
    assert out.ok and out.fired == ["t"]
    assert sim.view().agent_pos("near") == (20.5, float(Y), 20.5)
    assert sim.view().agent_pos("far") == (3.5, float(Y), 0.5)
