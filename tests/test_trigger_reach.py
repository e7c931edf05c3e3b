"""A trigger's give/teleport effect reaches the same players on both backends: feet within the
radius (inclusive) of the effect block's floor centre (env/world.py's effect_reaches; the server
used to reach half a block further than the simulator)."""

from __future__ import annotations

import pytest

from env.actions import parse_action
from env.durations import DURATIONS
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


def _walker_and_lever() -> SimBackend:
    # "walker" walks along z = 1 from x = -6 to x = 6, past the lever's teleport (radius 2
    # around (0.5, Y, 0.5)); "flipper" flips the lever from 3 blocks away.
    world = WorldSetup(
        blocks=[BlockSpec(name="lever", pos=(0, Y, 0), state={"powered": False})],
        triggers=[Trigger(id="t", conditions=[Condition(pos=(0, Y, 0), block="lever",
                                                        state={"powered": True})],
                          effects=[Effect(kind="teleport", pos=(0, Y, 0), to=(20, Y, 20),
                                          radius=2.0)])],
        spawn=[(-6, Y, 1), (0, Y, -3)])
    sim = SimBackend(load_rulebook().with_world(world))
    sim.build(world, ["walker", "flipper"])
    out = sim.execute("walker", parse_action({"name": "move_to", "pos": [6, Y, 1]}), 0.0)
    assert out.ok
    return sim


def test_a_teleport_catches_an_agent_walking_past_where_it_then_is() -> None:
    # The walk leaves at move_overhead_s and goes 4.317 blocks/s (env/data/durations.json,
    # vanilla's walking speed): at 1.5 s the walker is about 0.5 blocks from the lever,
    # though its walk, applied whole, ends at x = 6. On a server a bot is where its walk has
    # got to when the effect runs, and is teleported there.
    sim = _walker_and_lever()
    leave = DURATIONS["move_overhead_s"]
    assert sim.pos_at("walker", 1.5)[0] == pytest.approx(-6 + 0.5 + (1.5 - leave) * 4.317)
    assert abs(sim.pos_at("walker", 1.5)[0]) < 1.0
    out = sim.execute("flipper", parse_action({"name": "activate", "pos": [0, Y, 0]}), 1.5)
    assert out.ok and out.fired == ["t"]
    assert sim.view().agent_pos("walker") == (20.5, float(Y), 20.5)
    assert sim.view().agent_pos("flipper") == (0.5, float(Y), -2.5)


def test_a_teleport_misses_an_agent_still_far_along_its_walk_or_already_past() -> None:
    for at in (0.2, 3.0):  # x = -5.7 (not there yet), x = 6 (arrived, 5.5 blocks away)
        sim = _walker_and_lever()
        out = sim.execute("flipper", parse_action({"name": "activate", "pos": [0, Y, 0]}), at)
        assert out.ok and out.fired == ["t"]
        assert sim.view().agent_pos("walker") == (6.5, float(Y), 1.5)


@pytest.mark.parametrize("walker_first", [True, False])
def test_a_teleport_reaches_a_walk_begun_before_it_fired_whichever_action_runs_first(
        walker_first: bool) -> None:
    # The simulator runs actions one at a time; a lever flipped at 1.5 s may be run before a
    # walk begun at 0.0 s (episodes run actions in the order they were decided). At 1.5 s
    # the walker is at x = 0.41, in the teleport's reach (as above), whichever ran first; on
    # a server both happen at once and the bot is teleported from its walk.
    world = WorldSetup(
        blocks=[BlockSpec(name="lever", pos=(0, Y, 0), state={"powered": False})],
        triggers=[Trigger(id="t", conditions=[Condition(pos=(0, Y, 0), block="lever",
                                                        state={"powered": True})],
                          effects=[Effect(kind="teleport", pos=(0, Y, 0), to=(20, Y, 20),
                                          radius=2.0)])],
        spawn=[(-6, Y, 1), (0, Y, -3)])
    sim = SimBackend(load_rulebook().with_world(world))
    sim.build(world, ["walker", "flipper"])
    walk = parse_action({"name": "move_to", "pos": [6, Y, 1]})
    flip = parse_action({"name": "activate", "pos": [0, Y, 0]})
    if walker_first:
        assert sim.execute("walker", walk, 0.0).ok
        assert sim.execute("flipper", flip, 1.5).fired == ["t"]
    else:
        assert sim.execute("flipper", flip, 1.5).fired == ["t"]
        assert sim.execute("walker", walk, 0.0).ok
    assert sim.view().agent_pos("walker") == (20.5, float(Y), 20.5)
    assert sim.fired() == {"t"}
