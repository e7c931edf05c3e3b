"""Items that do not fit an inventory lie on the ground, on the simulator (env/ground.py,
env/sim/ground.py), as vanilla 1.19.2 keeps them (env/data/ground_items.json): a player
picks one up when its box grown by 1 block on x and z and 0.5 on y meets the item's 0.25
box (1.425 blocks apart at most on each of x and z), once its pickup delay is over (a block's
drop 10 ticks, a player's drop 40, a /give's overflow none, for its owner only), as much as
fits; an item despawns after 6000 ticks (300 s).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from env.actions import Dig, Milk, MoveTo, Put, StepOn, Wait
from env.durations import DURATIONS
from env.ground import DESPAWN_S, PICKUP_DELAY_S, REACH_XZ, dropped, first_touch, touches
from env.minecraft.server import node_binary
from env.rulebook import MILK_S, load_rulebook
from env.sim import SimBackend
from env.sim.ground import pick_up
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

ROOT = Path(__file__).resolve().parents[1]
RB = load_rulebook()
Y = STAND_Y
FY = float(Y)
CHEST = (1, Y, 1)
LOG = (-1, Y, 0)
FULL = {"dirt": 35 * 64, "wooden_axe": 1}  # 36 slots taken
TICK = 0.05


def test_the_numbers_are_vanillas() -> None:
    # ItemEntity: pickupDelay 10 (block drops), Player.drop 40, GiveCommand none; 6000 ticks
    assert PICKUP_DELAY_S == {"block_drop": 0.5, "player_drop": 2.0, "give_overflow": 0.0}
    assert DESPAWN_S == 300.0
    assert REACH_XZ == pytest.approx(1.425)


@pytest.mark.parametrize(("item", "touched"), [
    ((1.9, FY, 0.5), True), ((1.925, FY, 0.5), False), ((-0.9, FY, -0.9), True),
    ((0.5, FY - 0.7, 0.5), True), ((0.5, FY - 0.75, 0.5), False),
    ((0.5, FY + 2.29, 0.5), True), ((0.5, FY + 2.31, 0.5), False)])
def test_a_player_touches_an_item_within_its_grown_box(
        item: tuple[float, float, float], touched: bool) -> None:
    assert touches((0.5, FY, 0.5), item) is touched


def test_a_walk_touches_an_item_when_it_passes_within_reach() -> None:
    g = dropped("oak_log", 1, (5.5, FY, 1.5), 0.0, "block_drop")
    # along z = 0.5 from x = 0.5 to 10.5 in 10 s: |dx| < 1.425 from x = 4.075 on
    path = [(0.0, (0.5, FY, 0.5)), (10.0, (10.5, FY, 0.5))]
    assert first_touch(path, 10.0, g, "a") == pytest.approx(3.575)
    far = g._replace(pos=(5.5, FY, 2.5))  # 2 blocks off the line: never
    assert first_touch(path, 10.0, far, "a") is None
    late = g._replace(ready=20.0)  # ready only after the walk has passed, and it stands far
    assert first_touch(path, 30.0, late, "a") is None
    mine = g._replace(owner="b")
    assert first_touch(path, 10.0, mine, "a") is None
    assert first_touch(path, 10.0, mine, "b") == pytest.approx(3.575)


def test_a_pickup_takes_what_fits_and_leaves_the_rest() -> None:
    ground = [dropped("oak_log", 64, (0.5, FY, 0.5), 0.0, "block_drop")]
    inv = {"dirt": 35 * 64, "oak_log": 54}  # room for 10 logs
    got = pick_up(ground, inv, "a", [(1.0, (0.5, FY, 0.5))], 1.0)
    assert got == {"oak_log": 10}
    assert inv["oak_log"] == 64
    assert [(g.item, g.count) for g in ground] == [("oak_log", 54)]


def full_digger(**extra: object) -> SimBackend:
    sim = SimBackend(RB)
    sim.build(WorldSetup(blocks=[BlockSpec(name="oak_log", pos=LOG)],
                         containers=[ContainerSpec(pos=CHEST, items={})],
                         agent_items=FULL, **extra), ["a"])  # type: ignore[arg-type]
    return sim


def test_a_full_inventory_digs_a_log_and_it_lies_at_its_feet() -> None:
    sim = full_digger()
    out = sim.execute("a", Dig(pos=LOG), 0.0)
    assert out.ok
    assert sim.view().inventory("a") == FULL
    broke = out.seconds - DURATIONS["dig_overhead_s"]  # the log breaks before the overhead
    [g] = sim.state.ground
    assert (g.item, g.count, g.pos, g.owner) == ("oak_log", 1, (0.5, FY, 0.5), None)
    assert (g.ready, g.gone) == pytest.approx((broke + 0.5, broke + 300.0))
    assert sim.snapshot()["ground"] == [["oak_log", 1, [0.5, FY, 0.5]]]


def test_room_freed_where_it_stands_picks_the_log_up_at_the_puts_end() -> None:
    sim = full_digger()
    t = sim.execute("a", Dig(pos=LOG), 0.0).seconds
    assert sim.execute("a", Put(pos=CHEST, item="dirt", count=64), t).ok
    assert sim.view().inventory("a") == {"dirt": 34 * 64, "wooden_axe": 1, "oak_log": 1}
    assert sim.state.ground == []


def test_an_agent_that_walks_away_then_by_picks_it_up_on_the_way() -> None:
    sim = full_digger()
    t = sim.execute("a", Dig(pos=LOG), 0.0).seconds
    t += sim.execute("a", MoveTo(pos=(4, Y, 0)), t).seconds
    sim.state.inventories["a"]["dirt"] -= 64  # room, far from the log
    sim.advance(t + 1.0)
    assert sim.state.ground != []  # 3.5 blocks away: not touched
    assert sim.execute("a", MoveTo(pos=(-3, Y, 0)), t + 1.0).ok  # passes over it
    assert sim.view().inventory("a")["oak_log"] == 1
    assert sim.state.ground == []


def test_an_item_despawns_after_five_minutes() -> None:
    sim = full_digger()
    t = sim.execute("a", Dig(pos=LOG), 0.0).seconds
    broke = t - DURATIONS["dig_overhead_s"]
    assert sim.execute("a", MoveTo(pos=(4, Y, 0)), t).ok
    sim.state.inventories["a"]["dirt"] -= 64  # room, but it stands 3.5 blocks off
    sim.advance(broke + 299.9)
    assert len(sim.state.ground) == 1
    sim.advance(broke + 300.0)
    assert sim.state.ground == []
    assert sim.execute("a", MoveTo(pos=(0, Y, 0)), broke + 301).ok
    assert "oak_log" not in sim.view().inventory("a")


def cow_world(buckets: int) -> SimBackend:
    """36 slots taken: dirt, an egg and the buckets (16 to a stack)."""
    sim = SimBackend(RB)
    held = {"dirt": (35 - -(-buckets // 16)) * 64, "egg": 1, "bucket": buckets}
    sim.build(WorldSetup(entities=[EntitySpec(type="cow", pos=(2.5, FY, 0.5))],
                         containers=[ContainerSpec(pos=CHEST, items={})],
                         agent_items=held), ["a"])
    return sim


@pytest.mark.parametrize(("buckets", "after", "ground"), [
    (1, {"milk_bucket": 1}, []),
    (17, {"bucket": 16, "milk_bucket": 1}, []),  # the stack of one bucket is used
    (2, {"bucket": 1}, [("milk_bucket", 1)]),
    (16, {"bucket": 15}, [("milk_bucket", 1)])])
def test_milking_a_full_inventory(buckets: int, after: dict[str, int],
                                  ground: list[tuple[str, int]]) -> None:
    # ItemUtils.createFilledResult: a stack of one bucket becomes the milk bucket in place;
    # else one bucket goes and the milk bucket, with no room, is dropped at the feet.
    sim = cow_world(buckets)
    out = sim.execute("a", Milk(), 0.0)
    assert out.ok
    inv = sim.view().inventory("a")
    assert {k: v for k, v in inv.items() if k not in ("dirt", "egg")} == after
    assert [(g.item, g.count) for g in sim.state.ground] == ground


def test_a_dropped_milk_bucket_waits_40_ticks() -> None:
    sim = cow_world(2)
    t = sim.execute("a", Milk(), 0.0).seconds
    [g] = sim.state.ground
    assert g.ready == pytest.approx(MILK_S + 2.0)
    t += sim.execute("a", Put(pos=CHEST, item="dirt", count=64), t).seconds
    assert sim.state.ground != []  # room, but the delay is not over at the put's end
    sim.advance(MILK_S + 2.0 - TICK)
    assert sim.state.ground != []
    sim.advance(MILK_S + 2.0)
    assert sim.state.ground == []
    assert sim.view().inventory("a")["milk_bucket"] == 1


def trigger_world() -> SimBackend:
    plate = (2, Y, 0)
    sim = SimBackend(RB)
    sim.build(WorldSetup(
        blocks=[BlockSpec(name="stone_pressure_plate", pos=plate)],
        triggers=[Trigger(id="gift", conditions=[Condition(pos=plate,
                                                           block="stone_pressure_plate",
                                                           state={"powered": True})],
                          effects=[Effect(kind="give", pos=plate, item="diamond", count=3,
                                          radius=1.0)])],
        spawn=[(0, Y, 0), (0, Y, 1)], agent_items=FULL), ["a", "b"])
    sim.state.inventories["b"] = {}
    return sim


def test_a_triggers_give_into_a_full_inventory_lies_for_its_owner_only() -> None:
    sim = trigger_world()
    out = sim.execute("a", StepOn(pos=(2, Y, 0), hold_s=0.5), 0.0)
    assert out.ok and out.fired == ["gift"]
    [g] = sim.state.ground
    assert (g.item, g.count, g.pos, g.owner) == ("diamond", 3, (2.5, FY, 0.5), "a")
    assert g.ready == g.at  # a /give's overflow has no pickup delay
    # b, with room, walks over it: not its item
    assert sim.execute("b", MoveTo(pos=(3, Y, 1)), 5.0).ok
    assert "diamond" not in sim.view().inventory("b")
    sim.state.inventories["a"]["dirt"] -= 64  # a has room: standing there, it takes them
    assert sim.execute("a", Wait(seconds=0.5), 6.0).ok
    assert sim.view().inventory("a")["diamond"] == 3


def test_another_agent_with_room_picks_up_a_drop_it_touches() -> None:
    sim = SimBackend(RB)
    sim.build(WorldSetup(blocks=[BlockSpec(name="oak_log", pos=LOG)],
                         spawn=[(0, Y, 0), (1, Y, 0)], agent_items=FULL), ["a", "b"])
    sim.state.inventories["b"] = {}
    t = sim.execute("a", Dig(pos=LOG), 0.0).seconds
    sim.advance(t + 1.0)
    assert sim.view().inventory("b") == {"oak_log": 1}


def test_the_observation_lists_the_stacks_lying_near() -> None:
    sim = full_digger()
    sim.execute("a", Dig(pos=LOG), 0.0)
    seen = sim.observe("a").ground
    assert [(g.item, g.count, g.pos) for g in seen] == [("oak_log", 1, (0.5, FY, 0.5))]


def test_the_server_reads_the_same_rule() -> None:
    """env/server/ground.js (the server's pickups) and env/ground.py agree on the delays, the
    despawn time and which items a player touches."""
    cases = [[(0.5, FY, 0.5), item] for item in [
        (1.9, FY, 0.5), (1.925, FY, 0.5), (0.5, FY - 0.7, 0.5), (0.5, FY - 0.76, 0.5),
        (0.5, FY + 2.29, 0.5), (0.5, FY + 2.31, 0.5), (-0.9, FY + 1.0, 1.9)]]
    js = ("const g = require('./env/server/ground.js');"
          "const v = (p) => ({ x: p[0], y: p[1], z: p[2] });"
          f"const cases = {json.dumps(cases)};"
          "console.log(JSON.stringify({touch: cases.map(([f, i]) => g.touches(v(f), v(i))),"
          " delays: Object.fromEntries(['block_drop', 'player_drop', 'give_overflow']"
          ".map(k => [k, g.delayMs(k) / 1000])), despawn: g.DESPAWN_MS / 1000}))")
    out = json.loads(subprocess.run([str(node_binary()), "-e", js], cwd=ROOT, check=True,
                                    capture_output=True, text=True).stdout)
    assert out == {"touch": [touches(tuple(f), tuple(i)) for f, i in cases],
                   "delays": PICKUP_DELAY_S, "despawn": DESPAWN_S}
    assert out["touch"] == [True, False, True, False, True, False, True]


def test_the_llm_step_prompt_names_what_lies_near_only_when_something_does() -> None:
    from agents.llm_brain import step_prompt
    from planner.subtask import Subtask

    sim = full_digger()
    st = Subtask(id="s1", kind="harvest", target="oak_log")
    before = step_prompt(st, 0, [], "a", sim.observe("a"), None, [])
    assert "On the ground" not in before
    sim.execute("a", Dig(pos=LOG), 0.0)
    after = step_prompt(st, 0, [], "a", sim.observe("a"), None, [])
    assert "On the ground: 1 oak_log at (0.5, -60.0, 0.5).\n" in after
