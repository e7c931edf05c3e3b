"""Crops as vanilla 1.19.2 has them: a crop breaks at any age and drops what its loot table gives
at that age; not digging one before it is ripe is the Judger's policy and the planner's, not a
rule of the game.

Sources: minecraft.wiki/w/Crops ("crops can be broken at any stage of growth"), the game's loot
tables blocks/wheat.json, carrots.json, potatoes.json, beetroots.json, nether_wart.json,
cocoa.json, sweet_berry_bush.json (minecraft.wiki/w/Wheat_Seeds#Breaking, /w/Carrot#Breaking,
/w/Potato#Breaking, /w/Beetroot_Seeds#Breaking, /w/Nether_Wart#Breaking, /w/Cocoa_Beans#Breaking,
/w/Sweet_Berries#Breaking): unripe wheat and beetroots drop one seed, unripe carrots and
potatoes one of themselves, unripe nether wart and cocoa one, a sweet berry bush under age 2
nothing. A crop's default age (minecraft-data's blocks: what `/setblock carrots` places) is 0.
"""

from __future__ import annotations

import pytest

from agents.judger import JudgerCore
from agents.messages import ActionRequest, ActionResult
from agents.policy import policy_refusal
from env.actions import Dig
from env.block_states import full_state, unripe
from env.refusals import Code
from env.rulebook import load_rulebook
from env.sim import SimBackend
from env.world import STAND_Y, BlockSpec, BlockState, WorldSetup

Y = STAND_Y
RB = load_rulebook()


@pytest.mark.parametrize(("crop", "state", "drops"), [
    ("wheat", {"age": 3}, {"wheat_seeds": 1}),
    ("wheat", {"age": 0}, {"wheat_seeds": 1}),
    ("carrots", {"age": 6}, {"carrot": 1}),
    ("carrots", {}, {"carrot": 1}),  # no age: the game's default, 0
    ("potatoes", {"age": 2}, {"potato": 1}),
    ("beetroots", {"age": 2}, {"beetroot_seeds": 1}),
    ("nether_wart", {"age": 1}, {"nether_wart": 1}),
    ("cocoa", {"age": 1, "facing": "north"}, {"cocoa_beans": 1}),
    ("sweet_berry_bush", {"age": 1}, {}),
])
def test_an_unripe_crop_breaks_and_drops_by_its_age(crop: str, state: dict, drops: dict) -> None:
    for seed in range(5):  # whatever the roll: an unripe crop's loot is certain
        sim = SimBackend(RB, seed=seed)
        sim.build(WorldSetup(blocks=[BlockSpec(name=crop, pos=(1, Y, 0), state=state)]), ["a"])
        out = sim.execute("a", Dig(pos=(1, Y, 0)), 0.0)
        assert (out.ok, out.code) == (True, None)
        assert sim.view().inventory("a") == drops
        assert sim.view().block((1, Y, 0)).name == "air"


def test_a_ripe_crop_gives_its_harvest() -> None:
    # ripe carrots 2-5 (1 + 1 + B(3, 4/7)), ripe wheat 1 wheat and 1-4 seeds
    sim = SimBackend(RB, seed=2)
    sim.build(WorldSetup(blocks=[BlockSpec(name="carrots", pos=(1, Y, 0), state={"age": 7}),
                                 BlockSpec(name="wheat", pos=(-1, Y, 0), state={"age": 7})]),
              ["a"])
    assert sim.execute("a", Dig(pos=(1, Y, 0)), 0.0).ok
    assert sim.execute("a", Dig(pos=(-1, Y, 0)), 1.0).ok
    inv = sim.view().inventory("a")
    assert 2 <= inv["carrot"] <= 5 and inv["wheat"] == 1 and 1 <= inv["wheat_seeds"] <= 4


def test_a_crop_with_no_age_is_at_the_game_s_default_age() -> None:
    assert full_state("carrots", {}) == {"age": "0"}
    assert unripe(BlockState(name="carrots"), RB) == (0, 7)
    assert unripe(BlockState(name="wheat", state={"age": "7"}), RB) is None
    assert unripe(BlockState(name="cocoa", state={"age": 1}), RB) == (1, 2)
    assert unripe(BlockState(name="oak_log"), RB) is None


def test_the_game_allows_an_unripe_dig_and_the_judger_s_policy_refuses_it() -> None:
    young = BlockState(name="wheat", state={"age": 3})

    class View:  # the read side the check and the policy look at
        def block(self, pos):  # noqa: ANN001, ANN202
            return young if pos == (1, Y, 0) else BlockState(name="air")

        def agent_pos(self, agent):  # noqa: ANN001, ANN202
            return (0.5, float(Y), 0.5)

    dig = Dig(pos=(1, Y, 0))
    assert dig.check(View(), "a", RB) is None  # type: ignore[arg-type]
    refusal = policy_refusal(dig, View(), "a", RB)  # type: ignore[arg-type]
    assert refusal is not None and refusal.code == Code.NOT_RIPE
    assert refusal.params == {"block": "wheat", "pos": (1, Y, 0), "age": 3, "max_age": 7}
    assert refusal.text == "wheat at (1, -60, 0) is not ripe (age 3 of 7)"
    young = BlockState(name="wheat", state={"age": 7})
    assert policy_refusal(dig, View(), "a", RB) is None  # type: ignore[arg-type]


def _judge(policies: bool) -> tuple[ActionResult, SimBackend]:
    sim = SimBackend(RB, seed=0)
    sim.build(WorldSetup(blocks=[BlockSpec(name="carrots", pos=(1, Y, 0)),
                                 BlockSpec(name="carrots", pos=(-1, Y, 0), state={"age": 7})]),
              ["a"])
    core = JudgerCore(sim, ["a"], policies=policies)
    core.submit(ActionRequest(sender="a", agent="a", seq=1,
                              action={"name": "dig", "pos": [1, Y, 0]}))
    [result] = core.step()
    return result, sim


def test_the_judger_keeps_a_worker_off_an_unripe_crop() -> None:
    result, sim = _judge(policies=True)
    assert (result.ok, result.code) == (False, Code.NOT_RIPE)
    assert result.reason == "carrots at (1, -60, 0) is not ripe (age 0 of 7)"
    assert sim.view().block((1, Y, 0)).name == "carrots" and sim.view().inventory("a") == {}
    # without the Judger's policies the game's rule alone: the dig runs, one carrot
    result, sim = _judge(policies=False)
    assert result.ok and sim.view().inventory("a") == {"carrot": 1}


def test_the_planner_harvests_only_ripe_crops() -> None:
    # cooking/rabbit_stew_8: 7 ripe carrots and 7 set with no age (age 0); the harvest's sites
    # are the ripe ones only
    from planner.decompose import decompose
    from tasks.catalog import load_task
    task = load_task("cooking/rabbit_stew_8", agents=3)
    ripe = {b.pos for b in task.world.blocks if b.name == "carrots" and b.state.get("age") == 7}
    young = {b.pos for b in task.world.blocks if b.name == "carrots"} - ripe
    assert len(ripe) == 7 and len(young) == 7
    plan = decompose(task, RB)
    sites = {tuple(p) for st in plan.subtasks if st.kind == "harvest" and st.target == "carrot"
             for p in st.sites}
    assert sites and sites <= ripe
