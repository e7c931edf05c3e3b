"""The Judger's legality test, `check()` of each action in env/actions.py: exact reasons on a
hand-written world view."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from pydantic import ValidationError

from env.actions import (
    Action,
    Activate,
    Craft,
    Dig,
    Kill,
    Milk,
    MoveTo,
    Place,
    Put,
    Rendezvous,
    Smelt,
    StepOn,
    Take,
    Wait,
    parse_action,
)
from env.rulebook import load_rulebook
from env.world import STAND_Y, BlockState, EntityState, FPos, Pos

RB = load_rulebook()
Y = STAND_Y
AIR = BlockState(name="air")


@dataclass
class View:
    """A `WorldView` over plain dicts: blocks not listed are air."""

    blocks: dict[Pos, BlockState] = field(default_factory=dict)
    inventories: dict[str, dict[str, int]] = field(default_factory=dict)
    containers: dict[Pos, dict[str, int]] = field(default_factory=dict)
    positions: dict[str, FPos] = field(default_factory=dict)
    animals: list[EntityState] = field(default_factory=list)

    def block(self, pos: Pos) -> BlockState:
        if pos[1] < Y and pos not in self.blocks:
            return BlockState(name="grass_block")
        return self.blocks.get(pos, AIR)

    def inventory(self, agent: str) -> dict[str, int]:
        return self.inventories[agent]

    def container(self, pos: Pos) -> dict[str, int] | None:
        return self.containers.get(pos)

    def agent_pos(self, agent: str) -> FPos:
        return self.positions[agent]

    def agents(self) -> list[str]:
        return list(self.positions)

    def entities(self) -> list[EntityState]:
        return self.animals


def world(items: dict[str, int] | None = None, **blocks: str) -> View:
    """Agent `a` at (0.5, Y, 0.5) holding `items`; a crafting table at (2, Y, 0), a furnace
    at (0, Y, 2), a chest of 3 oak logs at (-2, Y, 0), a far table at (20, Y, 0), a cow
    nearby and a pig far off."""
    view = View(
        blocks={(2, Y, 0): BlockState(name="crafting_table"),
                (0, Y, 2): BlockState(name="furnace"),
                (-2, Y, 0): BlockState(name="chest"),
                (20, Y, 0): BlockState(name="crafting_table")},
        inventories={"a": dict(items or {}), "b": {}},
        containers={(-2, Y, 0): {"oak_log": 3}},
        positions={"a": (0.5, float(Y), 0.5), "b": (1.5, float(Y), -1.5)},
        animals=[EntityState(id="cow#0", type="cow", pos=(2.5, Y, 2.5)),
                 EntityState(id="pig#0", type="pig", pos=(12.5, Y, 0.5))])
    return view



CASES: list[tuple[str, dict[str, int], dict[Pos, BlockState], Action, str | None]] = [
    # crafting
    ("craft ok 2x2", {"oak_log": 1}, {}, Craft(item="oak_planks"), None),
    ("craft missing", {"oak_planks": 1}, {}, Craft(item="stick"),
     "missing ingredients: 1 #planks"),
    ("craft missing times", {"oak_log": 2}, {}, Craft(item="oak_planks", times=3),
     "missing ingredients: 1 #oak_logs"),
    ("craft missing several", {"wheat": 1, "sugar": 2}, {}, Craft(item="cake", table=(2, Y, 0)),
     "missing ingredients: 1 egg, 3 milk_bucket, 2 wheat"),
    ("craft no recipe", {}, {}, Craft(item="bedrock"), "no recipe makes bedrock"),
    ("craft no table given", {"wheat": 3}, {}, Craft(item="bread"),
     "bread needs a crafting table (give table)"),
    ("craft no table there", {"wheat": 3}, {}, Craft(item="bread", table=(5, Y, 5)),
     "no crafting table at (5, -60, 5)"),
    ("craft table far", {"wheat": 3}, {}, Craft(item="bread", table=(20, Y, 0)),
     "(20, -60, 0) is out of reach from (0.5, -60.0, 0.5) (reach 4.5)"),
    ("craft at table", {"wheat": 3}, {}, Craft(item="bread", table=(2, Y, 0)), None),
    # smelting
    ("smelt ok", {"beef": 9, "coal": 2}, {}, Smelt(furnace=(0, Y, 2), item="beef", count=9),
     None),
    ("smelt fuel short", {"beef": 9, "coal": 1}, {},
     Smelt(furnace=(0, Y, 2), item="beef", count=9), "missing ingredients: 1 coal"),
    ("smelt not smeltable", {"stick": 1}, {}, Smelt(furnace=(0, Y, 2), item="stick"),
     "stick cannot be smelted"),
    ("smelt bad fuel", {"beef": 1, "dirt": 1}, {},
     Smelt(furnace=(0, Y, 2), item="beef", fuel="dirt"), "dirt is not a fuel"),
    ("smelt no furnace", {"beef": 1, "coal": 1}, {}, Smelt(furnace=(2, Y, 0), item="beef"),
     "no furnace at (2, -60, 0)"),
    # digging
    # vanilla breaks stone by hand too, slower and dropping nothing (minecraft.wiki/w/Breaking)
    ("dig no tool", {}, {(1, Y, 1): BlockState(name="stone")}, Dig(pos=(1, Y, 1)), None),
    ("dig with tool", {"golden_pickaxe": 1}, {(1, Y, 1): BlockState(name="stone")},
     Dig(pos=(1, Y, 1)), None),
    # a crop breaks at any age in vanilla (the Judger's policy keeps workers off unripe ones)
    ("dig unripe", {}, {(1, Y, 1): BlockState(name="carrots", state={"age": 2})},
     Dig(pos=(1, Y, 1)), None),
    ("dig air", {}, {}, Dig(pos=(1, Y, 1)), "nothing to dig at (1, -60, 1) (air)"),
    ("dig bedrock", {}, {(1, Y, 1): BlockState(name="bedrock")}, Dig(pos=(1, Y, 1)),
     "bedrock at (1, -60, 1) cannot be broken"),
    ("dig far", {}, {(9, Y, 0): BlockState(name="dirt")}, Dig(pos=(9, Y, 0)),
     "(9, -60, 0) is out of reach from (0.5, -60.0, 0.5) (reach 4.5)"),
    # chests
    ("take ok", {}, {}, Take(pos=(-2, Y, 0), item="oak_log", count=3), None),
    ("take too many", {}, {}, Take(pos=(-2, Y, 0), item="oak_log", count=5),
     "the chest at (-2, -60, 0) holds 3 oak_log, not 5"),
    ("take no chest", {}, {}, Take(pos=(-3, Y, 0), item="oak_log"), "no chest at (-3, -60, 0)"),
    ("put missing", {"egg": 1}, {}, Put(pos=(-2, Y, 0), item="egg", count=2),
     "missing ingredients: 1 egg"),
    # an item the game does not know is refused as such first, on both backends
    # (env/js/actions.js `itemId`), whatever else is wrong
    ("take unknown", {}, {}, Take(pos=(-3, Y, 0), item="unobtainium"),
     "unknown item unobtainium"),
    ("put unknown", {}, {}, Put(pos=(-2, Y, 0), item="unobtainium"), "unknown item unobtainium"),
    ("craft unknown", {}, {}, Craft(item="unobtainium"), "unknown item unobtainium"),
    ("smelt unknown fuel", {"beef": 1}, {}, Smelt(furnace=(2, Y, 0), item="beef", fuel="lavva"),
     "unknown item lavva"),
    # placing
    ("place ok", {"dirt": 1}, {}, Place(item="dirt", pos=(1, Y, 1)), None),
    ("place not a block", {"stick": 1}, {}, Place(item="stick", pos=(1, Y, 1)),
     "stick is not a block"),
    ("place missing", {}, {}, Place(item="dirt", pos=(1, Y, 1)), "missing ingredients: 1 dirt"),
    ("place taken", {"dirt": 1}, {}, Place(item="dirt", pos=(2, Y, 0)),
     "(2, -60, 0) is taken by crafting_table"),
    ("place on an agent", {"dirt": 1}, {}, Place(item="dirt", pos=(1, Y, -2)),
     "b stands in (1, -60, -2)"),
    ("place floating", {"dirt": 1}, {}, Place(item="dirt", pos=(1, Y + 3, 1)),
     "nothing to place against at (1, -57, 1): no solid neighbour"),
    # animals
    ("kill ok", {}, {}, Kill(entity="cow"), None),
    ("kill far", {}, {}, Kill(entity="pig"), "no pig within reach"),
    ("milk ok", {"bucket": 1}, {}, Milk(), None),
    ("milk no bucket", {}, {}, Milk(), "missing ingredients: 1 bucket"),
    ("milk a pig", {"bucket": 1}, {}, Milk(entity="pig"), "a pig cannot be milked"),
    # mechanisms
    ("lever", {}, {(1, Y, 1): BlockState(name="lever")}, Activate(pos=(1, Y, 1)), None),
    ("door", {}, {(1, Y, 1): BlockState(name="spruce_door")}, Activate(pos=(1, Y, 1)), None),
    ("iron door", {}, {(1, Y, 1): BlockState(name="iron_door")}, Activate(pos=(1, Y, 1)),
     "iron_door at (1, -60, 1) opens only with redstone power"),
    ("not usable", {}, {}, Activate(pos=(2, Y, 0)),
     "crafting_table at (2, -60, 0) cannot be activated"),
    ("button far", {}, {(8, Y, 0): BlockState(name="stone_button")}, Activate(pos=(8, Y, 0)),
     "(8, -60, 0) is out of reach from (0.5, -60.0, 0.5) (reach 4.5)"),
    ("plate", {}, {(9, Y, 9): BlockState(name="heavy_weighted_pressure_plate")},
     StepOn(pos=(9, Y, 9)), None),
    ("no plate", {}, {}, StepOn(pos=(9, Y, 9)), "no pressure plate at (9, -60, 9) (air)"),
    # the rest
    ("move", {}, {}, MoveTo(pos=(30, Y, 30)), None),
    ("wait", {}, {}, Wait(seconds=3), None),
    ("rendezvous", {}, {}, Rendezvous(tag="x", agents=["a", "b"]), None),
    ("rendezvous not in", {}, {}, Rendezvous(tag="x", agents=["b"]),
     "a is not one of the rendezvous agents (b)"),
    ("rendezvous unknown", {}, {}, Rendezvous(tag="x", agents=["a", "zz"]),
     "unknown agents in rendezvous: (zz)"),
]


@pytest.mark.parametrize(("items", "blocks", "action", "reason"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_check_reasons(items: dict[str, int], blocks: dict[Pos, BlockState], action: Action,
                       reason: str | None) -> None:
    view = world(items)
    view.blocks.update(blocks)
    got = action.check(view, "a", RB)
    assert (got.text if got is not None else None) == reason


def test_craft_picks_the_recipe_the_agent_can_make() -> None:
    view = world({"birch_planks": 2, "oak_planks": 1})
    assert Craft(item="stick").recipe(view, "a", RB).id == "craft:stick#2"
    assert Craft(item="stick", times=2).recipe(view, "a", RB) is None


def test_fuel_needed_rounds_up() -> None:
    assert [Smelt(furnace=(0, Y, 0), item="beef", count=n).fuel_needed(RB)
            for n in (1, 8, 9, 16, 17)] == [1, 1, 2, 2, 3]
    assert Smelt(furnace=(0, Y, 0), item="beef", count=3, fuel="stick").fuel_needed(RB) == 6
    # not a fuel (minecraft.wiki/w/Smelting#Fuel: dirt, crimson planks do not burn): none
    # would do, and no error; check() refuses it as not_fuel
    for fuel in ("dirt", "crimson_planks"):
        assert Smelt(furnace=(0, Y, 0), item="beef", fuel=fuel).fuel_needed(RB) == 0


def test_loose_input_is_parsed() -> None:
    action = parse_action({"name": "take", "pos": "[1, -60, 2]", "item": "Minecraft:Oak Log",
                           "count": " 3 "})
    assert action == Take(pos=(1, -60, 2), item="oak_log", count=3)
    with pytest.raises(ValidationError, match="count"):
        parse_action({"name": "take", "pos": [1, -60, 2], "item": "oak_log", "count": 0})
