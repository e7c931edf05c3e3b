"""Two agents at one chest in the same moment, on both backends (the harness of
tests/differential/test_cases.py): every take and put ends as vanilla 1.19.2 ends it for one
player at a time (minecraft.wiki/w/Chest: any number of players may use a chest), whichever
comes first, since each asks only for what is there whatever the order.

On the server two bots clicking in one chest at once used to click on each other's stale
slots (one bot's apples went into the chest during the other's take), and a bot opening the
chest right after another's put could read it before that put's last click had come in
("holds 0 apple"): about 1 case in 10 of these. The server now hands the chest's window to one
player at a time (env/server/plugins/chest.js). Repeated, as the race was one of timing.
"""

from __future__ import annotations

import pytest

from env.minecraft.backend import MinecraftBackend
from env.rulebook import Rulebook
from env.world import ContainerSpec, WorldSetup
from tests.differential.test_cases import A, B, at, backend, both

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]
__all__ = ["backend"]  # the module's server backend fixture, shared with test_cases

CHEST = at(2, 2)


def key(p: tuple[int, int, int]) -> str:
    return ",".join(map(str, p))


@pytest.mark.parametrize("rep", range(12))
def test_a_take_and_a_put_at_one_chest_at_once_then_two_takes_of_what_was_put(
        backend: MinecraftBackend, rules: Rulebook, rep: int) -> None:
    # A chest of 5 bread; both agents hold 3 apples. One takes the bread while the other puts
    # its apples (each order in turn); then both take apples at once: 2 and 1 of the 3.
    world = WorldSetup(containers=[ContainerSpec(pos=CHEST, items={"bread": 5})],
                       spawn=[at(1, 0), at(3, 0)], agent_items={"apple": 3})
    taker, putter = (A, B) if rep % 2 == 0 else (B, A)
    sim, srv = both(backend, rules, world, [
        {taker: {"name": "take", "pos": list(CHEST), "item": "bread", "count": 5},
         putter: {"name": "put", "pos": list(CHEST), "item": "apple", "count": 3}},
        {A: {"name": "take", "pos": list(CHEST), "item": "apple", "count": 2},
         B: {"name": "take", "pos": list(CHEST), "item": "apple", "count": 1}}])
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True, True, True, True]
        assert run.final["chests"][key(CHEST)] == {}
        assert run.final["inventories"][taker] == {"bread": 5, "apple": 3 + (2 if taker == A
                                                                             else 1)}
        assert run.final["inventories"][putter] == {"apple": 2 if putter == A else 1}
