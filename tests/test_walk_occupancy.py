"""On the simulator a walk is applied whole when it starts, but the walker is only part of
the way at any moment of it: another agent's action judged at that moment sees it there, as
the server's bots are seen. Vanilla refuses a block whose cell a player's body is in
(BlockItem.canPlace: the placed shape must not collide with an entity)."""
from __future__ import annotations

import pytest

from env.actions import Place
from env.rulebook import load_rulebook
from env.sim import SimBackend
from env.sim.backend import MOVE_OVERHEAD_S, WALK_SPEED
from env.world import STAND_Y, WorldSetup, feet_center

Y = STAND_Y


@pytest.fixture
def sim() -> SimBackend:
    """b walks 8 blocks east from (0, Y, 0) at virtual time 0; a stands at (4, Y, 3) with
    stone."""
    from env.actions import MoveTo

    s = SimBackend(load_rulebook(), seed=0)
    s.build(WorldSetup(spawn=[(4, Y, 3), (0, Y, 0)], agent_items={"stone": 4}), ["a", "b"])
    out = s.execute("b", MoveTo(pos=(8, Y, 0)), 0.0)
    assert out.ok
    return s


def _in_cell_4(t: float) -> bool:
    x = 0.5 + (t - MOVE_OVERHEAD_S) * WALK_SPEED
    return 4.0 <= x < 5.0


def test_a_walker_is_seen_where_its_walk_has_it_at_the_moment_asked(sim: SimBackend) -> None:
    leave, arrive = MOVE_OVERHEAD_S, MOVE_OVERHEAD_S + 8 / WALK_SPEED
    assert sim.view(0.0).agent_pos("b") == feet_center((0, Y, 0))  # not yet left
    assert sim.view(leave + 2 / WALK_SPEED).agent_pos("b") == pytest.approx((2.5, Y, 0.5))
    assert sim.view(arrive).agent_pos("b") == feet_center((8, Y, 0))
    assert sim.view().agent_pos("b") == feet_center((8, Y, 0))  # once its walks are done
    assert sim.observe("b").pos == feet_center((8, Y, 0))


def test_a_block_is_refused_in_the_cell_a_walker_passes_through_at_that_moment(
        sim: SimBackend) -> None:
    rules = sim.rules
    place = Place(item="stone", pos=(4, Y, 0))
    t = 1.0
    assert _in_cell_4(t)
    refusal = place.check(sim.view(t), "a", rules)
    assert refusal is not None and refusal.code.value == "cell_occupied"
    assert refusal.params["who"] == "b"
    out = sim.execute("a", place, t)
    assert (out.ok, out.code.value if out.code else None) == (False, "cell_occupied")
    assert sim.view().block((4, Y, 0)).name == "air"  # a refused action changes nothing
    assert sim.view().inventory("a") == {"stone": 4}
    # once b has gone by, the same place is allowed
    later = MOVE_OVERHEAD_S + 8 / WALK_SPEED + 0.5
    assert place.check(sim.view(later), "a", rules) is None
    assert sim.execute("a", place, later).ok
    assert sim.view().block((4, Y, 0)).name == "stone"
