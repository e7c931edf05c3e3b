"""A walk cut short by a trigger's teleport ends when the teleport comes, on the simulator as on
the server (env/js/actions.js `walk`: a bot's walk ends where a teleport puts it, and the action
returns then). The simulator's walk leaves after move_overhead_s and goes walk_speed blocks/s
(env/data/durations.json; vanilla's 4.317 blocks/s); a lever's change comes at its action's end
(activate_s); a teleport reaches feet within its radius (env/world.py effect_reaches)."""

from __future__ import annotations

import pytest

from env.actions import WALK_SPEED, parse_action
from env.durations import DURATIONS
from env.rulebook import load_rulebook
from env.sim import SimBackend
from env.world import BlockSpec, Condition, Effect, Trigger, WorldSetup

Y = -60
LEVER = (0, Y, 0)
DEST = (20.5, float(Y), 20.5)
PLATE = (6, Y, 1)
WALK_S = 12 / WALK_SPEED  # x = -6 to x = 6 along z = 1
MOVE_S = WALK_S + DURATIONS["move_overhead_s"] + DURATIONS["centre_s"]


def _world(radius: float = 2.0, around: tuple[int, int, int] = LEVER) -> SimBackend:
    # "walker" starts at x = -6 on z = 1 and walks to x = 6, past the lever's teleport (radius
    # around (0.5, Y, 0.5)); "flipper" flips the lever from 3 blocks away. A plate lies at the
    # walk's end.
    world = WorldSetup(
        blocks=[BlockSpec(name="lever", pos=LEVER, state={"powered": False}),
                BlockSpec(name="stone_pressure_plate", pos=PLATE)],
        triggers=[Trigger(id="t", conditions=[Condition(pos=LEVER, block="lever",
                                                        state={"powered": True})],
                          effects=[Effect(kind="teleport", pos=around, to=(20, Y, 20),
                                          radius=radius)])],
        spawn=[(-6, Y, 1), (0, Y, -3)])
    sim = SimBackend(load_rulebook().with_world(world))
    sim.build(world, ["walker", "flipper"])
    return sim


def _flip(sim: SimBackend, at: float) -> float:
    """Flips the lever at `at`; answers when the trigger fired."""
    out = sim.execute("flipper", parse_action({"name": "activate", "pos": list(LEVER)}), at)
    assert out.ok and out.fired == ["t"]
    fired = sim.view().fired["t"]
    assert fired == pytest.approx(at + DURATIONS["activate_s"])
    return fired


def test_a_walk_a_teleport_cuts_takes_the_time_until_the_teleport() -> None:
    # The lever, flipped at 1.5 s, fires at 1.8 s; the walker is then at
    # x = -5.5 + (1.8 - 0.13) * 4.317 = 1.71, z = 1.5: 1.57 blocks from the lever, in reach.
    sim = _world()
    fired = _flip(sim, 1.5)
    out = sim.execute("walker", parse_action({"name": "move_to", "pos": list(PLATE)}), 0.0)
    assert out.ok
    assert out.seconds == pytest.approx(fired)
    assert sim.view().agent_pos("walker") == DEST


def test_a_walk_cut_later_than_it_started_takes_the_time_from_its_start() -> None:
    sim = _world()
    fired = _flip(sim, 1.5)
    out = sim.execute("walker", parse_action({"name": "move_to", "pos": list(PLATE)}), 0.4)
    assert out.ok
    assert out.seconds == pytest.approx(fired - 0.4)
    assert sim.view().agent_pos("walker") == DEST


@pytest.mark.parametrize("flip_at", [0.0, 3.4])
def test_a_teleport_before_the_walk_reaches_it_or_after_it_ends_leaves_it_whole(
        flip_at: float) -> None:
    # Fired at 0.3 s the walker is at x = -4.77 (5.4 blocks away); fired at 3.7 s its move
    # (walk, overhead and centring: 3.26 s) is over, at x = 6.
    sim = _world()
    _flip(sim, flip_at)
    out = sim.execute("walker", parse_action({"name": "move_to", "pos": list(PLATE)}), 0.0)
    assert out.ok
    assert out.seconds == pytest.approx(MOVE_S)
    assert sim.view().agent_pos("walker") == (6.5, float(Y), 1.5)


def test_a_teleport_during_the_centring_ends_the_move_there() -> None:
    # The walk arrives at move_overhead_s + 2.78 s; the centring (centre_s) runs until
    # MOVE_S. A teleport reaching the arrival cell (and only it) half-way through the
    # centring ends the move then, as it ends the server's centring step (env/js/actions.js
    # centre).
    sim = _world(radius=1.0, around=PLATE)
    arrive = WALK_S + DURATIONS["move_overhead_s"]
    fired = _flip(sim, (arrive + MOVE_S) / 2 - DURATIONS["activate_s"])
    assert arrive < fired < MOVE_S
    out = sim.execute("walker", parse_action({"name": "move_to", "pos": list(PLATE)}), 0.0)
    assert out.seconds == pytest.approx(fired)
    assert sim.view().agent_pos("walker") == DEST


def test_a_step_on_cut_by_a_teleport_never_presses_its_plate_and_holds_where_it_lands() -> None:
    # A step_on's walk leaves at once: at 1.6 s the walker is at x = 1.41, 1.35 blocks away.
    sim = _world()
    fired = _flip(sim, 1.3)
    out = sim.execute("walker", parse_action({"name": "step_on", "pos": list(PLATE),
                                              "hold_s": 1.0}), 0.0)
    assert out.ok
    assert out.seconds == pytest.approx(fired + 1.0)
    assert sim.view().agent_pos("walker") == DEST
    assert sim.view().block(PLATE).state.get("powered") in (None, False)
    assert PLATE not in sim.view().powered


def test_a_step_on_with_no_teleport_on_the_way_presses_its_plate() -> None:
    sim = _world()
    out = sim.execute("walker", parse_action({"name": "step_on", "pos": list(PLATE),
                                              "hold_s": 1.0}), 0.0)
    assert out.ok
    assert out.seconds == pytest.approx(WALK_S + 1.0)
    assert sim.view().block(PLATE).state["powered"] is True


@pytest.mark.parametrize("name", ["move_to", "step_on"])
def test_a_walk_begun_before_a_teleport_that_took_its_agent_standing_ends_at_the_teleport(
        name: str) -> None:
    # The lever, run first, fires at 1.8 s and finds the walker at its spawn (6.1 blocks from
    # the lever, inside 6.5): the walker is teleported there and then. Its walk, begun at
    # 0.0 s but run after, was under way at 1.8 s: it ends then, where the teleport put it
    # (on the server both happen at once), and a step_on presses nothing.
    sim = _world(radius=6.5)
    fired = _flip(sim, 1.5)
    assert sim.view().agent_pos("walker") == DEST
    hold = 1.0 if name == "step_on" else 0.0
    act = {"name": name, "pos": list(PLATE)} | ({"hold_s": hold} if hold else {})
    out = sim.execute("walker", parse_action(act), 0.0)
    assert out.ok
    assert out.seconds == pytest.approx(fired + hold)
    assert sim.view().agent_pos("walker") == DEST
    assert PLATE not in sim.view().powered
    # its next walk starts from there
    again = sim.execute("walker", parse_action({"name": "move_to", "pos": [20, Y, 22]}), fired)
    assert again.ok and again.seconds > 0
    assert sim.view().agent_pos("walker") == (20.5, float(Y), 22.5)


def test_a_walk_cut_by_a_teleport_presses_no_plate_beyond_where_it_was_cut() -> None:
    # A plate at x = 4 on the walk's row: the walker, teleported at 1.8 s from x = 1.71,
    # never reaches it (a walk presses the plates it passes over, env/sim/backend.py).
    sim = _world()
    on_the_way = (4, Y, 1)
    sim.state.blocks[on_the_way] = sim.state.block(PLATE)
    fired = _flip(sim, 1.5)
    out = sim.execute("walker", parse_action({"name": "move_to", "pos": list(PLATE)}), 0.0)
    assert out.seconds == pytest.approx(fired)
    assert not sim.view().powered.get(on_the_way)
