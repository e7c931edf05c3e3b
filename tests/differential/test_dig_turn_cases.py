"""Two agents at one block at the same moment, on both backends (the harness of
tests/differential/test_cases.py). Vanilla 1.19.2: both may mine it, the first to finish breaks
it and gets its drop, the other's digging ends on air with nothing (minecraft.wiki/w/Breaking).
The simulator runs one dig before the other: one is done, the other finds nothing to dig. The
server used to call both done (each bot's dig ended when the block went); now the bots take
turns at a block (env/js/actions.js `inTurn`) and the second finds nothing to dig. Which agent
comes first is a matter of timing on the server, so the verdicts are compared as a set."""

from __future__ import annotations

import pytest

from env.minecraft.backend import MinecraftBackend
from env.refusals import Code
from env.rulebook import Rulebook
from env.world import GROUND_Y, BlockSpec, WorldSetup
from tests.differential.harness import Sequence_, reset_arena, run_on_server, run_on_sim
from tests.differential.test_cases import ORIGIN, A, B, at, backend, both

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]
__all__ = ["backend"]  # the module's server backend fixture, shared with test_cases


@pytest.mark.parametrize("rep", range(3))
def test_two_agents_digging_one_block_at_once_break_it_once(
        backend: MinecraftBackend, rules: Rulebook, rep: int) -> None:
    plank = at(2, 2)
    world = WorldSetup(blocks=[BlockSpec(name="oak_planks", pos=plank)],
                       spawn=[at(1, 0), at(3, 0)],
                       bounds=((ORIGIN[0] - 2, GROUND_Y, ORIGIN[2] - 2),
                               (ORIGIN[0] + 12, GROUND_Y + 6, ORIGIN[2] + 12)))
    dig = {"name": "dig", "pos": list(plank)}
    seq = Sequence_(seed=rep, world=world, agents=[A, B], rounds=[{A: dig, B: dig}])
    sim = run_on_sim(seq, rules, ORIGIN)
    try:
        srv = run_on_server(seq, backend, ORIGIN)
    finally:
        reset_arena(backend, ORIGIN)
    for run in (sim, srv):
        assert sorted((v.ok, v.code) for v in run.verdicts) == sorted(
            [(True, None), (False, Code.NOTHING_TO_DIG)])
        winner = next(v.agent for v in run.verdicts if v.ok)
        loser = B if winner == A else A
        assert run.final["inventories"][winner] == {"oak_planks": 1}
        assert run.final["inventories"][loser] == {}
        assert run.final["blocks"][",".join(map(str, plank))] == "air"


def test_a_block_placed_where_the_other_agent_stands_is_refused_as_occupied_on_both(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # Vanilla refuses a block whose shape would hold a player (BlockItem.canPlace). The
    # server's place used to read the other agent's position from the placer's view, which
    # lags behind the teleport that set the agents up: it tried, failed after 3 s, and said
    # action_failed.
    world = WorldSetup(spawn=[at(2, 0), at(4, 0)], agent_items={"dirt": 3})
    sim, srv = both(backend, rules, world, [
        {A: {"name": "place", "item": "dirt", "pos": list(at(4, 0))}},
        {A: {"name": "place", "item": "dirt", "pos": list(at(3, 0))}}])
    for run in (sim, srv):
        assert [(v.ok, v.code) for v in run.verdicts] == [
            (False, Code.CELL_OCCUPIED), (True, None)]
        assert run.final["inventories"][A] == {"dirt": 2}
