"""The rulebook: game facts as data, each a `Rule` with an id.

Loaded from the `minecraft-data` npm package for Minecraft 1.19.2 (crafting recipes, block
drops and tool tiers, entity drops, foods), plus what minecraft-data lacks (`data/smelting.json`:
furnace recipes and fuel values; recipe leftovers; milking) and, through `with_world`, the
task's own mechanics (container contents, source blocks and animals, escape-room triggers).

The Judger, the simulator, the offline brain and the causal tests all read the same rulebook;
a counterfactual test removes or swaps one rule (`without`, `replaced`) and asks again.

    >>> rb = load_rulebook()
    >>> [r.id for r in rb.producers("sugar")]
    ['craft:sugar#0', 'craft:sugar#1']
"""

from __future__ import annotations

import functools
import itertools
import json
import os
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from env.durations import DURATIONS, kill_seconds
from env.loot import drops as loot_drops
from env.loot import entity_drops, entity_loot_tables, loot_tables, shears_drop
from env.placement import Placement, placement
from env.tags import expand
from env.world import Model, StateValue, WorldSetup

VERSION = "1.19.2"
DATA_DIR = Path(__file__).parent / "data"

RuleKind = Literal[
    "craft",  # inputs consumed at a 2x2 grid or a crafting table -> output
    "smelt",  # one input item in a furnace, with fuel -> output
    "fuel",  # the item in `inputs` burns in a furnace for `count` items smelted
    "mine",  # digging block `source` (with a tool from `tools`, if any) -> output (+ byproducts)
    "kill",  # killing entity `source` -> output (+ byproducts)
    "milk",  # using `inputs` on entity `source` -> output
    "container",  # the container at `where` holds `count` of `output` at the start
    "source",  # the world holds `count` blocks or entities named `output` at the start
    "trigger",  # escape room: conditions `inputs` (block states) -> effect `output`
]

# Items that stay behind in the grid when a recipe uses them (vanilla's recipe remainders).
LEFTOVERS = {"milk_bucket": "bucket", "water_bucket": "bucket", "lava_bucket": "bucket",
             "honey_bottle": "glass_bottle"}

# Base durations in seconds, shared by the simulator, the offline brain and the lower bound.
CRAFT_S = DURATIONS["craft_s"]
MILK_S = DURATIONS["milk_s"]
KILL_S = DURATIONS["kill_s"]


class Rule(Model):
    """One game fact. `needs` are required but not consumed (a crafting table, a furnace);
    `tools` is any-of (a pickaxe tier and the tiers above it); `source` is the block or entity
    acted on; `where` is a position for world rules ("x,y,z")."""

    id: str
    kind: RuleKind
    output: str
    count: float = 1
    inputs: dict[str, int] = Field(default_factory=dict)
    byproducts: dict[str, int] = Field(default_factory=dict)
    needs: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    source: str | None = None
    where: str | None = None
    seconds: float = 0.0
    alternatives: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    """For a recipe input that is an item tag or an any-of cell: every item that may stand
    in for it (so 2 oak + 2 spruce planks make a crafting table, as in vanilla)."""

    def mentions(self) -> set[str]:
        """Every item, block, entity or location this rule speaks of."""
        out = {self.output, *self.inputs, *self.byproducts, *self.needs, *self.tools}
        if self.source:
            out.add(self.source)
        if self.where:
            out.add(self.where)
        return out


class BlockInfo(Model):
    name: str
    hardness: float | None
    tools: tuple[str, ...] = ()
    """Any of these is needed for the block to drop anything (empty: a hand will do)."""
    solid: bool = True
    states: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    """Its block-state properties and their allowed values (as minecraft-data spells them)."""
    speeds: dict[str, float] = Field(default_factory=dict)
    """How many times faster than a hand each tool breaks it (minecraft-data's materials:
    a wooden pickaxe 2 on stone, stone 4, iron 6, diamond 8, netherite 9, golden 12)."""


class Rulebook:
    """An immutable set of rules with indexes by id and by output."""

    def __init__(self, rules: Iterable[Rule], blocks: dict[str, BlockInfo],
                 items: frozenset[str], foods: frozenset[str]) -> None:
        self.rules: dict[str, Rule] = {}
        for rule in rules:
            if rule.id in self.rules:
                raise ValueError(f"rule id {rule.id!r} is defined twice")
            self.rules[rule.id] = rule
        self.blocks = blocks
        self.items = items
        self.foods = foods
        self._by_output: dict[str, list[Rule]] = {}
        for rule in self.rules.values():
            self._by_output.setdefault(rule.output, []).append(rule)
            for extra in rule.byproducts:
                self._by_output.setdefault(extra, []).append(rule)

    def __len__(self) -> int:
        return len(self.rules)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self.rules

    def get(self, rule_id: str) -> Rule:
        try:
            return self.rules[rule_id]
        except KeyError:
            raise KeyError(f"no rule {rule_id!r} in the rulebook") from None

    def producers(self, item: str, kind: RuleKind | None = None) -> list[Rule]:
        """Rules whose output (or byproduct) is `item`, in id order."""
        found = self._by_output.get(item, [])
        return sorted((r for r in found if kind is None or r.kind == kind), key=lambda r: r.id)

    def of_kind(self, kind: RuleKind) -> list[Rule]:
        return [r for r in self.rules.values() if r.kind == kind]

    def mentioning(self, names: Iterable[str]) -> list[Rule]:
        """Rules that speak of any of `names` (items, blocks, entities, locations), by id."""
        wanted = set(names)
        return sorted((r for r in self.rules.values() if r.mentions() & wanted), key=lambda r: r.id)

    def fuel_value(self, item: str, station: str = "furnace") -> float:
        """How many items one `item` smelts in `station` (a furnace, a smoker, a blast
        furnace: one coal smelts 8 in each); 0 if it is no fuel or no station."""
        rule = self.rules.get(f"fuel:{item}")
        st = furnace_table().stations.get(station)
        if rule is None or st is None:
            return 0.0
        furnace_ticks = round(rule.count * furnace_table().cook_ticks)
        return (furnace_ticks // st.burn_divisor) / st.cook_ticks

    def ripe_age(self, block: str) -> int | None:
        """The age at which crop `block` is ripe (its greatest `age` state: wheat 7, beetroots
        3), or None if it is no crop a worker waits for (env/data/crops.json)."""
        if block not in crops():
            return None
        ages = self.blocks[block].states.get("age", ()) if block in self.blocks else ()
        return max((int(a) for a in ages), default=None)

    def station_exclusive(self, station: str) -> bool:
        """Whether `station` serves one job at a time (a furnace: yes; a crafting table: no),
        from env/data/stations.json. Unknown stations are not exclusive."""
        return bool(stations().get(station, {}).get("exclusive", False))

    def station_turns(self, station: str) -> bool:
        """Whether players take turns at `station` (a chest, a barrel: a take or put waits for
        another player's under way), from env/data/stations.json."""
        return bool(stations().get(station, {}).get("turns", False))

    def smelts_to(self, item: str, station: str | None = None) -> str | None:
        """What `item` smelts to: in any station (None), or in `station` (a smoker cooks
        food only, a blast furnace ores and metal gear: env/data/smelting.json). None if it
        does not smelt there."""
        rule = self.rules.get(f"smelt:{item}")
        if rule is None:
            return None
        if station is not None:
            st = furnace_table().stations.get(station)
            if st is None or item not in st.recipes:
                return None
        return rule.output

    @staticmethod
    def smelting_station(block: str) -> SmeltingStation | None:
        """The smelting station `block` is (furnace, smoker, blast_furnace), or None."""
        return furnace_table().stations.get(block)

    def smelt_seconds(self, item: str, station: str = "furnace") -> float:
        """Seconds to smelt one `item` in `station`: its smelt rule's time (10 s in a
        furnace) scaled by the station's cook ticks (a smoker or blast furnace: 5 s)."""
        rule = self.rules.get(f"smelt:{item}")
        table = furnace_table()
        base = rule.seconds if rule is not None else table.cook_seconds
        st = table.stations.get(station)
        return base * (st.cook_ticks if st else table.cook_ticks) / table.cook_ticks

    def placement(self, block: str) -> Placement | None:
        """How a player places `block`: the item held, what else is used up or given back
        (env/data/block_items.json, see `env.placement`); None if it is not a block."""
        return placement(block)

    def without(self, *rule_ids: str) -> Rulebook:
        """The rulebook with these rules removed: do(r := nothing)."""
        for rid in rule_ids:
            self.get(rid)
        gone = set(rule_ids)
        return Rulebook((r for r in self.rules.values() if r.id not in gone),
                        self.blocks, self.items, self.foods)

    def replaced(self, rule_id: str, new: Rule) -> Rulebook:
        """The rulebook with one rule swapped for another (same id kept): do(r := r')."""
        self.get(rule_id)
        new = new.model_copy(update={"id": rule_id})
        return Rulebook((new if r.id == rule_id else r for r in self.rules.values()),
                        self.blocks, self.items, self.foods)

    def with_rules(self, extra: Iterable[Rule]) -> Rulebook:
        return Rulebook([*self.rules.values(), *extra], self.blocks, self.items, self.foods)

    def with_world(self, world: WorldSetup) -> Rulebook:
        """Add the task's own mechanics: containers, source blocks and animals, triggers."""
        return self.with_rules(world_rules(world))


def world_rules(world: WorldSetup) -> list[Rule]:
    """The facts a task's world adds to the game's rules."""
    rules: list[Rule] = []
    for c in world.containers:
        where = ",".join(str(v) for v in c.pos)
        for item, count in sorted(c.items.items()):
            rules.append(Rule(id=f"container:{where}:{item}", kind="container", output=item,
                              count=count, source=c.kind, where=where))
    block_counts: dict[str, int] = {}
    for b in world.blocks:
        if b.name != "air":
            block_counts[b.name] = block_counts.get(b.name, 0) + 1
    for name, count in sorted(block_counts.items()):
        rules.append(Rule(id=f"source:block:{name}", kind="source", output=name, count=count))
    entity_counts: dict[str, int] = {}
    for e in world.entities:
        entity_counts[e.type] = entity_counts.get(e.type, 0) + 1
    for name, count in sorted(entity_counts.items()):
        rules.append(Rule(id=f"source:entity:{name}", kind="source", output=name, count=count))
    for t in world.triggers:
        conds = {f"{c.block}@{','.join(str(v) for v in c.pos)}": 1 for c in t.conditions}
        rules.append(Rule(id=f"trigger:{t.id}", kind="trigger", output=t.id, inputs=conds,
                          where=None, count=len(t.conditions)))
    return rules


def minecraft_data_dir(version: str = VERSION) -> Path:
    """Where minecraft-data's JSON for `version` lives (env/node_modules, or
    $CAUSALCRAFT_MINECRAFT_DATA pointing at minecraft-data's `data` folder)."""
    override = os.environ.get("CAUSALCRAFT_MINECRAFT_DATA")
    candidates = [Path(override)] if override else []
    candidates.append(Path(__file__).parent / "node_modules" / "minecraft-data" / "minecraft-data"
                      / "data")
    for base in candidates:
        if (base / "dataPaths.json").is_file():
            return base
    raise FileNotFoundError(
        "minecraft-data is not installed: run `make setup` (npm install in env/), or set "
        "CAUSALCRAFT_MINECRAFT_DATA to minecraft-data's data folder")


@functools.cache
def build_height(version: str = VERSION) -> tuple[int, int]:
    """The overworld's lowest and highest block y, inclusive: (-64, 319) in 1.19.2.

    Source: the `minecraft:overworld` dimension type (`min_y`, `height`) of the login packet
    in minecraft-data (`loginPacket.json`). Raises FileNotFoundError without minecraft-data."""
    base = minecraft_data_dir(version)
    paths = json.loads((base / "dataPaths.json").read_text())["pc"].get(version)
    if paths is None or "loginPacket" not in paths:
        raise ValueError(f"minecraft-data has no login packet for Minecraft {version}")
    login = json.loads((base / paths["loginPacket"] / "loginPacket.json").read_text())
    types = login["dimensionCodec"]["value"]["minecraft:dimension_type"]["value"]["value"]
    for entry in types["value"]["value"]:
        if entry["name"]["value"] == "minecraft:overworld":
            element = entry["element"]["value"]
            low = int(element["min_y"]["value"])
            return low, low + int(element["height"]["value"]) - 1
    raise ValueError(f"minecraft-data's login packet for {version} has no overworld")


@functools.cache
def entity_names(version: str = VERSION) -> frozenset[str]:
    """Every entity type of Minecraft `version` (minecraft-data's entities.json): `cow`,
    `zombie`, `item`, ... Raises FileNotFoundError without minecraft-data."""
    base = minecraft_data_dir(version)
    paths = json.loads((base / "dataPaths.json").read_text())["pc"].get(version)
    if paths is None or "entities" not in paths:
        raise ValueError(f"minecraft-data has no entities for Minecraft {version}")
    entities = json.loads((base / paths["entities"] / "entities.json").read_text())
    return frozenset(e["name"] for e in entities)


def state_problem(block: str, state: Mapping[str, StateValue], rules: Rulebook) -> str | None:
    """Why the game refuses block `block` with `state` (/setblock: "Block minecraft:chest does
    not accept 'up' for facing property"), as one line, or None: a property the block does
    not have, or a value it does not allow (minecraft-data's states; spelled as the game's
    parser reads it, so "North" is not north: BlockStateParser, Property.getValue).

    >>> rules = load_rulebook()
    >>> state_problem("chest", {"facing": "up"}, rules)
    "chest's facing cannot be 'up' (east, north, south, west)"
    >>> state_problem("barrel", {"facing": "up"}, rules) is None
    True
    """
    allowed = rules.blocks[block].states if block in rules.blocks else {}
    for key, value in state.items():
        if key not in allowed:
            return f"{block} has no {key!r} state"
        # as the game's parser reads it: case and all ("North" is no facing)
        text = "true" if value is True else "false" if value is False else str(value)
        if text not in allowed[key]:
            return (f"{block}'s {key} cannot be {text!r} "
                    f"({', '.join(sorted(allowed[key]))})")
    return None


def world_problem(world: WorldSetup, rules: Rulebook) -> str | None:
    """The first name in `world` the game does not know, as one line (`unknown block
    'foo_block' at (1, -60, 0)`), or None. Checks every block (placed, a container's kind, a
    trigger's condition and set_block) and the states it is set with (`state_problem`: a
    chest cannot face up), every item (in containers, the agents' hands, a
    trigger's give) and every entity type; the backends refuse to build such a world, as
    the game's /setblock, /give and /summon refuse such names."""
    for b in world.blocks:
        if b.name not in rules.blocks:
            return f"unknown block {b.name!r} at {b.pos}"
        bad = state_problem(b.name, b.state, rules)
        if bad:
            return f"{bad} at {b.pos}"
    for c in world.containers:
        if c.kind not in rules.blocks:
            return f"unknown container block {c.kind!r} at {c.pos}"
        given: dict[str, StateValue] = {"facing": c.facing}
        if c.type != "single":
            given["type"] = c.type
        bad = state_problem(c.kind, given, rules)
        if bad:
            return f"{bad} at {c.pos}"
        for item in sorted(c.items):
            if item not in rules.items:
                return f"unknown item {item!r} in the {c.kind} at {c.pos}"
    for item in sorted(world.agent_items):
        if item not in rules.items:
            return f"unknown item {item!r} in the agents' hands"
    for e in world.entities:
        if e.type not in entity_names():
            return f"unknown entity type {e.type!r} at {e.pos}"
    for t in world.triggers:
        for cond in t.conditions:
            if cond.block not in rules.blocks:
                return f"trigger {t.id}: unknown block {cond.block!r} at {cond.pos}"
        for eff in t.effects:
            if eff.block is not None and eff.block not in rules.blocks:
                return f"trigger {t.id}: unknown block {eff.block!r} at {eff.pos}"
            bad = state_problem(eff.block, eff.state, rules) if eff.block else None
            if bad:
                return f"trigger {t.id}: {bad} at {eff.pos}"
            if eff.item is not None and eff.item not in rules.items:
                return f"trigger {t.id}: unknown item {eff.item!r}"
    return None


def _mcdata(version: str) -> dict[str, object]:
    base = minecraft_data_dir(version)
    paths = json.loads((base / "dataPaths.json").read_text())["pc"].get(version)
    if paths is None:
        raise ValueError(f"minecraft-data has no data for Minecraft {version}")
    out: dict[str, object] = {}
    for key in ("items", "blocks", "recipes", "foods", "materials"):
        out[key] = json.loads((base / paths[key] / f"{key}.json").read_text())
    return out


def _choices(cell: object) -> tuple[str, ...]:
    """The items a recipe cell accepts: an item, a '#tag' or a list of items."""
    if isinstance(cell, list):
        return tuple(cell)
    return expand(str(cell))


def recipe_variants(recipe: dict) -> list[tuple[dict[str, int], dict[str, tuple[str, ...]]]]:
    """The concrete inputs of one recipe of env/data/recipes.json, one per combination of its
    cell groups (cells with the same choices vary together, as minecraft-data lists them),
    each with the alternatives of every input that came from an any-of cell.

    >>> rb_recipe = {"result": "stick", "count": 4, "shape": [["#planks"], ["#planks"]]}
    >>> inputs, alts = recipe_variants(rb_recipe)[1]
    >>> inputs, alts["spruce_planks"][:2]
    ({'spruce_planks': 2}, ('oak_planks', 'spruce_planks'))
    """
    flat = [c for row in recipe["shape"] for c in row] if "shape" in recipe \
        else list(recipe["ingredients"])
    cells = [_choices(c) for c in flat if c is not None]
    groups = list(dict.fromkeys(c for c in cells if len(c) > 1))
    variants: list[tuple[dict[str, int], dict[str, tuple[str, ...]]]] = []
    for combo in itertools.product(*groups):
        pick = dict(zip(groups, combo, strict=True))
        inputs: dict[str, int] = {}
        alternatives: dict[str, tuple[str, ...]] = {}
        for c in cells:
            item = pick.get(c, c[0])
            inputs[item] = inputs.get(item, 0) + 1
            if len(c) > 1:
                alternatives[item] = c
        variants.append((inputs, alternatives))
    return variants


@cache
def crafting_recipes() -> list[dict]:
    """The crafting recipes with their tags (env/data/recipes.json)."""
    return json.loads((DATA_DIR / "recipes.json").read_text())["recipes"]


def _craft_rules() -> list[Rule]:
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for recipe in crafting_recipes():
        output = recipe["result"]
        if "shape" in recipe:
            rows = recipe["shape"]
            table = len(rows) > 2 or any(len(row) > 2 for row in rows)
        else:
            table = len(recipe["ingredients"]) > 4
        for inputs, alternatives in recipe_variants(recipe):
            k = seen.get(output, 0)
            seen[output] = k + 1
            leftovers = {LEFTOVERS[i]: n for i, n in inputs.items() if i in LEFTOVERS}
            rules.append(Rule(
                id=f"craft:{output}#{k}", kind="craft", output=output,
                count=recipe.get("count", 1), inputs=inputs, byproducts=leftovers,
                needs=("crafting_table",) if table else (), seconds=CRAFT_S,
                alternatives=alternatives))
    return rules


def _kill_rules(foods: frozenset[str]) -> list[Rule]:
    """One rule per mob that drops something (env/data/loot.json's entities, the game's loot
    tables): its main drop (a food first) and its byproducts, each at its least count, as a
    plan must count on them (a cow: 1 beef; leather 0-2 is no byproduct). A main drop whose
    least is 0 (a zombie's rotten flesh, 0-2 a kill) counts 1: nothing about it is sure, and a
    worker kills until it holds what it needs."""
    rules: list[Rule] = []
    for name, table in sorted(entity_loot_tables().items()):
        certain = entity_drops(name)
        # drops a kill may give without a roll of chance, those of any kill first (a spider's
        # string), else a player's kill's (a blaze's 0-1 rods); an entry of a weighted pick (a
        # witch's, a polar bear's fish) is chance, its last one too
        maybe = [[str(d["item"]) for d in table if float(d.get("chance", 1.0)) >= 1.0
                  and int(d.get("max", d["min"])) > 0 and "group" not in d
                  and d.get("when") == when] for when in (None, "killed_by_player")]
        maybe = maybe[0] or maybe[1]
        items = list(dict.fromkeys([*certain, *maybe]))
        if not items:
            continue
        food = [i for i in items if i in foods]
        main = food[0] if food else items[0]
        extra = {i: n for i, n in certain.items() if i != main}
        rules.append(Rule(id=f"kill:{name}", kind="kill", output=main,
                          count=certain.get(main, 1), byproducts=extra, source=name,
                          seconds=kill_seconds(name, None)))  # by hand: no tool needed
    return rules


def _mine_rules(blocks: dict[str, BlockInfo]) -> list[Rule]:
    """One rule per block that surely drops something: its certain drops by hand or with its
    harvest tool (env/data/loot.json, fully grown, no silk touch); a block that drops only to
    shears (leaves, grass, cobweb) has a rule that needs shears. Drops by chance (a sapling
    from leaves) are no rule: nothing can count on them."""
    rules: list[Rule] = []
    for name in sorted(loot_tables()):
        tools = blocks[name].tools if name in blocks else ()
        counts = loot_drops(name, set())
        if not counts and shears_drop(name):
            counts, tools = loot_drops(name, {"shears"}), ("shears",)
        if not counts:
            continue
        main = next(iter(counts))
        extra = {i: n for i, n in counts.items() if i != main}
        rules.append(Rule(id=f"mine:{name}", kind="mine", output=main, count=counts[main],
                          byproducts=extra, source=name, tools=tools))
    return rules


@cache
def crops() -> frozenset[str]:
    """Crops harvested only when ripe (env/data/crops.json)."""
    return frozenset(json.loads((DATA_DIR / "crops.json").read_text())["crops"])


def button_seconds(button: str) -> float:
    """How long `button` stays powered once pressed, in seconds at 20 ticks a second
    (env/data/redstone.json, from minecraft.wiki/w/Button: stone 20 ticks, wooden 30)."""
    data = _redstone()
    ticks = data["button_ticks"].get(button, data["button_ticks_default"])
    return ticks / data["ticks_per_second"]


@cache
def _redstone() -> dict[str, Any]:
    return json.loads((DATA_DIR / "redstone.json").read_text())


@cache
def stations() -> dict[str, dict[str, object]]:
    """Station name -> its facts (`exclusive`, ...), from env/data/stations.json."""
    return json.loads((DATA_DIR / "stations.json").read_text())["stations"]


class SmeltingStation(Model):
    """One smelting station of env/data/smelting.json: its `recipe_type` as the game's recipe
    JSON names it ("minecraft:smoking"), `cook_ticks` per item, `burn_divisor` (a fuel burns
    its furnace ticks // divisor there) and `recipes` input item -> output item, tags
    expanded."""

    recipe_type: str
    cook_ticks: int
    burn_divisor: int
    recipes: dict[str, str]


class FurnaceTable(Model):
    """The smelting rules (env/data/smelting.json) with every tag expanded: `recipes` input
    item -> output item (the furnace's), `fuel_ticks` fuel item -> burn ticks in a furnace,
    `cook_ticks` per item in a furnace, `stations` name -> its `SmeltingStation`."""

    cook_ticks: int
    ticks_per_second: int
    recipes: dict[str, str]
    fuel_ticks: dict[str, int]
    stations: dict[str, SmeltingStation]

    @property
    def cook_seconds(self) -> float:
        return self.cook_ticks / self.ticks_per_second


@cache
def furnace_table() -> FurnaceTable:
    """Vanilla 1.19.2's smelting recipes and fuels, tags expanded as the game does (a later
    fuel entry overrides an earlier one; #non_flammable_wood is never fuel), and its three
    smelting stations (a smoker cooks food, a blast furnace ores and metal gear, each twice
    as fast as a furnace, burning fuel twice as fast). Raises ValueError naming a station
    input that is no furnace recipe.

    >>> t = furnace_table()
    >>> t.fuel_ticks["lava_bucket"], t.fuel_ticks["oak_slab"], t.fuel_ticks["white_carpet"]
    (20000, 150, 67)
    >>> t.recipes["stripped_birch_wood"], "crimson_planks" in t.fuel_ticks
    ('charcoal', False)
    >>> s = t.stations["smoker"]
    >>> s.recipe_type, s.cook_ticks, s.burn_divisor, s.recipes["beef"], "raw_iron" in s.recipes
    ('minecraft:smoking', 100, 2, 'cooked_beef', False)
    """
    data = json.loads((DATA_DIR / "smelting.json").read_text())
    recipes = {item: out for src, out in data["recipes"].items() for item in expand(src)}
    never = set(expand(data.get("never_fuel", "#non_flammable_wood")))
    fuels: dict[str, int] = {}
    for src, ticks in data["fuel_ticks"]:
        for item in expand(src):
            if item not in never:
                fuels[item] = int(ticks)
    stations: dict[str, SmeltingStation] = {}
    for name, st in data["stations"].items():
        inputs = [i for src in st["inputs"] for i in expand(src)] if "inputs" in st \
            else list(recipes)
        unknown = [i for i in inputs if i not in recipes]
        if unknown:
            raise ValueError(f"smelting.json: {name} input {unknown[0]} is no furnace recipe")
        stations[name] = SmeltingStation(recipe_type=st["recipe_type"], cook_ticks=st["cook_ticks"],
                                          burn_divisor=st["burn_divisor"],
                                          recipes={i: recipes[i] for i in inputs})
    furnace = stations["furnace"]
    return FurnaceTable(cook_ticks=furnace.cook_ticks, ticks_per_second=data["ticks_per_second"],
                        recipes=recipes, fuel_ticks=fuels, stations=stations)


@cache
def load_rulebook(version: str = VERSION) -> Rulebook:
    """The game's rules for `version` (cached; rulebooks are immutable)."""
    data = _mcdata(version)
    items = {int(i["id"]): i["name"] for i in data["items"]}  # type: ignore[index]
    blocks: dict[str, BlockInfo] = {}
    for b in data["blocks"]:  # type: ignore[union-attr]
        tools = tuple(sorted(items[int(t)] for t in (b.get("harvestTools") or {})))
        states = {s["name"]: tuple(str(v) for v in s.get("values", ("false", "true")))
                  for s in b.get("states", [])}
        speeds = {items[int(i)]: float(v) for i, v in
                  data["materials"].get(b.get("material") or "", {}).items()}  # type: ignore[union-attr]
        blocks[b["name"]] = BlockInfo(name=b["name"], hardness=b.get("hardness"), tools=tools,
                                      solid=b.get("boundingBox") == "block", states=states,
                                      speeds=speeds)
    foods = frozenset(f["name"] for f in data["foods"])  # type: ignore[union-attr]
    rules = _craft_rules()
    rules += _mine_rules(blocks)
    rules += _kill_rules(foods)
    furnace = furnace_table()
    for src, out in sorted(furnace.recipes.items()):
        rules.append(Rule(id=f"smelt:{src}", kind="smelt", output=out, inputs={src: 1},
                          needs=("furnace",), seconds=furnace.cook_seconds))
    for fuel, ticks in sorted(furnace.fuel_ticks.items()):
        rules.append(Rule(id=f"fuel:{fuel}", kind="fuel", output="fuel", inputs={fuel: 1},
                          count=ticks / furnace.cook_ticks))
    for animal in ("cow", "mooshroom", "goat"):
        rules.append(Rule(id=f"milk:{animal}", kind="milk", output="milk_bucket",
                          inputs={"bucket": 1}, source=animal, seconds=MILK_S))
    return Rulebook(rules, blocks, frozenset(items.values()), foods)
