"""The Judger's vocabulary: one class per action.

Each action is a pydantic model whose validators accept loose LLM output ("[1, -60, 2]",
"3"), whose `describe()` is its line in the LLM's tool list, and whose `check()` is the
Judger's legality test against the rules and the current world (None = allowed, otherwise
a typed `env.refusals.Refusal`: a code and the values its text names). Backends execute
them: `env.sim` in process, `env.minecraft` through one JS body per action
(`env/js/actions.js`). Nothing an LLM writes is executed as code: an answer is parsed into
one of these models or refused.
"""

from __future__ import annotations

import math
from typing import Annotated, ClassVar, Literal

from pydantic import Field, TypeAdapter, field_validator

from env.capacity import container_slots, player_slots, room_after, room_for, stack_size
from env.chests import halves
from env.dig import nothing_to_dig
from env.placing import head_cell
from env.redstone import POWER_ONLY
from env.refusals import Code, Refusal, refuse
from env.replaceable import grown, replaceable
from env.rulebook import Rule, Rulebook
from env.support import looking, placed_state, two_tall
from env.support import refusal as support_refusal
from env.tags import tag_of
from env.world import (
    REACH,
    Facing,
    Model,
    Pos,
    WorldView,
    _as_pos,
    distance,
    entity_in_reach,
    in_reach,
)

WALK_SPEED = 4.317  # blocks per second, vanilla walking

UNBREAKABLE = frozenset({"bedrock", "barrier", "command_block", "end_portal_frame"})
PLATES = "_pressure_plate"
BUTTONS = "_button"
TOGGLED_BY_HAND = ("lever", "_fence_gate", "_door", "_trapdoor")
POWERED_ONLY = POWER_ONLY  # iron doors and trapdoors (env/data/redstone.json)


def _pos(v: object) -> object:
    return _as_pos(v)


def _count(v: object) -> object:
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return v


def _name(v: object) -> object:
    if isinstance(v, str):
        v = v.strip().lower().removeprefix("minecraft:").replace(" ", "_")
    return v


class Action(Model):
    """Base of every action. `not_before` is set by the Worker on the first action of a
    subtask whose predecessors ended at that virtual time (the sim's clock; ignored live)."""

    name: str
    not_before: float = 0.0
    summary: ClassVar[str] = ""

    @classmethod
    def describe(cls) -> str:
        fields = ", ".join(f for f in cls.model_fields if f not in ("name", "not_before"))
        return f"{cls.model_fields['name'].default}({fields}): {cls.summary}"

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> Refusal | None:
        """None when the action is legal now, else the typed reason (`env.refusals`)."""
        return None


def _unknown_item(rules: Rulebook, *names: str) -> Refusal | None:
    """UNKNOWN_ITEM for the first of `names` that is no 1.19.2 item, as the server's bodies
    refuse it before anything else (env/js/actions.js `itemId`); None when all are known."""
    for name in names:
        if name not in rules.items:
            return refuse(Code.UNKNOWN_ITEM, item=name)
    return None


def _block_reach(view: WorldView, agent: str, pos: Pos) -> Refusal | None:
    if not in_reach(view.agent_pos(agent), pos):
        where = tuple(round(v, 1) for v in view.agent_pos(agent))
        return refuse(Code.OUT_OF_REACH, pos=pos, where=where, reach=REACH)
    return None


def _holds(view: WorldView, agent: str, need: dict[str, int]) -> Refusal | None:
    inv = view.inventory(agent)
    missing = {i: n - inv.get(i, 0) for i, n in need.items() if inv.get(i, 0) < n}
    if missing:
        what = ", ".join(f"{n} {i}" for i, n in sorted(missing.items()))
        return refuse(Code.MISSING_ITEMS, what=what, missing=missing)
    return None


class MoveTo(Action):
    name: Literal["move_to"] = "move_to"
    pos: Pos
    within: float = Field(0.0, ge=0, le=32)
    summary: ClassVar[str] = "walk to the block position pos (feet there), or to the nearest " \
                             "standable cell within `within` blocks of it"
    _v = field_validator("pos", mode="before")(_pos)


class Take(Action):
    name: Literal["take"] = "take"
    pos: Pos
    item: str
    count: int = Field(1, ge=1)
    summary: ClassVar[str] = "take count of item from the chest at pos"
    _v = field_validator("pos", mode="before")(_pos)
    _c = field_validator("count", mode="before")(_count)
    _n = field_validator("item", mode="before")(_name)

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> Refusal | None:
        unknown = _unknown_item(rules, self.item)
        if unknown:
            return unknown
        held = view.container(self.pos)
        if held is None:
            return refuse(Code.NO_CONTAINER, pos=self.pos)
        # What a chest holds is seen only once it is open, and it opens only within reach.
        far = _block_reach(view, agent, self.pos)
        if far:
            return far
        if held.get(self.item, 0) < self.count:
            return refuse(Code.CONTAINER_SHORT, pos=self.pos, held=held.get(self.item, 0),
                          item=self.item, count=self.count)
        free = room_for(view.inventory(agent), self.item, player_slots())
        if free < self.count:
            return refuse(Code.INVENTORY_FULL, agent=agent, count=self.count, item=self.item,
                          free=free)
        return None


class Put(Action):
    name: Literal["put"] = "put"
    pos: Pos
    item: str
    count: int = Field(1, ge=1)
    summary: ClassVar[str] = "put count of item into the chest at pos"
    _v = field_validator("pos", mode="before")(_pos)
    _c = field_validator("count", mode="before")(_count)
    _n = field_validator("item", mode="before")(_name)

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> Refusal | None:
        unknown = _unknown_item(rules, self.item)
        if unknown:
            return unknown
        held = view.container(self.pos)
        if held is None:
            return refuse(Code.NO_CONTAINER, pos=self.pos)
        missing = _holds(view, agent, {self.item: self.count})
        if missing:
            return missing
        far = _block_reach(view, agent, self.pos)
        if far:
            return far
        kind_of = getattr(view, "container_kind", None)
        kind = kind_of(self.pos) if kind_of is not None else "chest"
        # a double chest is one container of both halves' slots (env/chests.py)
        free = room_for(held, self.item, container_slots(kind) * len(halves(self.pos, view.block)))
        if free < self.count:
            return refuse(Code.CONTAINER_FULL, kind=kind, pos=self.pos, count=self.count,
                          item=self.item, free=free)
        return None


class Craft(Action):
    name: Literal["craft"] = "craft"
    item: str
    times: int = Field(1, ge=1)
    table: Pos | None = None
    summary: ClassVar[str] = "craft item (times recipes' worth), at the crafting table at " \
                             "table if the recipe needs one"
    _v = field_validator("table", mode="before")(_pos)
    _c = field_validator("times", mode="before")(_count)
    _n = field_validator("item", mode="before")(_name)

    def recipe(self, view: WorldView, agent: str, rules: Rulebook) -> Rule | None:
        """The first recipe for item whose ingredients the agent holds, times over (an input
        that is an item tag may be filled by any mix of the tag's items)."""
        found = self.consumption(view, agent, rules)
        return found[0] if found else None

    def consumption(self, view: WorldView, agent: str,
                    rules: Rulebook) -> tuple[Rule, dict[str, int]] | None:
        """(recipe, the items crafting uses up) for the first recipe the agent can make."""
        inv = view.inventory(agent)
        recipes = [r for r in rules.producers(self.item, kind="craft") if r.output == self.item]
        # A recipe the agent can pay with its own items first; then any mix a tag allows.
        for rule in recipes:
            if all(inv.get(i, 0) >= n * self.times for i, n in rule.inputs.items()):
                return rule, {i: n * self.times for i, n in rule.inputs.items()}
        for rule in recipes:
            used, short = fill_inputs(rule, inv, self.times)
            if not short:
                return rule, used
        return None

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> Refusal | None:
        unknown = _unknown_item(rules, self.item)
        if unknown:
            return unknown
        recipes = [r for r in rules.producers(self.item, kind="craft") if r.output == self.item]
        if not recipes:
            return refuse(Code.NO_RECIPE, item=self.item)
        rule = self.recipe(view, agent, rules)
        if rule is None:
            inv = view.inventory(agent)
            shortfalls = [fill_inputs(r, inv, self.times)[1] for r in recipes]
            best = min(shortfalls, key=lambda m: sum(m.values()))
            what = ", ".join(f"{n} {i}" for i, n in sorted(best.items()))
            return refuse(Code.MISSING_ITEMS, what=what, missing=best)
        if "crafting_table" in rule.needs:
            if self.table is None:
                return refuse(Code.NEEDS_TABLE, item=self.item)
            if view.block(self.table).name != "crafting_table":
                return refuse(Code.NO_TABLE, pos=self.table)
            far = _block_reach(view, agent, self.table)
            if far:
                return far
        return self.no_room(view, agent, rules)

    def no_room(self, view: WorldView, agent: str, rules: Rulebook) -> Refusal | None:
        """inventory_full when the result cannot fit the inventory as it is once the inputs
        are spent (an input spent whole frees its slot; the result tops up part-filled stacks
        of itself first): vanilla's crafting result is not taken into an inventory without
        room by a shift-click (minecraft.wiki/w/Inventory), so the craft is refused before any
        input is spent. None when it fits, or when no recipe can be paid (check() says so)."""
        found = self.consumption(view, agent, rules)
        if found is None:
            return None
        rule, used = found
        count = int(rule.count) * self.times
        byproducts = {i: n * self.times for i, n in rule.byproducts.items()}
        free = room_after(view.inventory(agent), used, rule.output, player_slots(), byproducts)
        if free < count:
            return refuse(Code.INVENTORY_FULL, agent=agent, count=count, item=rule.output,
                          free=free)
        return None


def fill_inputs(rule: Rule, inventory: dict[str, int],
                times: int = 1) -> tuple[dict[str, int], dict[str, int]]:
    """(items used, shortfall) when `inventory` pays for `rule`'s inputs `times` over: each
    input takes its own item first, then its alternatives in the tag's order (an input with
    fewer alternatives is served first). A shortfall is named by the input's tag when it has
    one ('#planks'), else by the item.

    >>> from env.rulebook import load_rulebook
    >>> table = load_rulebook().get("craft:crafting_table#0")
    >>> fill_inputs(table, {"oak_planks": 2, "spruce_planks": 2})
    ({'oak_planks': 2, 'spruce_planks': 2}, {})
    >>> fill_inputs(table, {"oak_planks": 1})[1]
    {'#planks': 3}
    """
    left = dict(inventory)
    used: dict[str, int] = {}
    short: dict[str, int] = {}
    order = sorted(rule.inputs.items(), key=lambda kv: len(rule.alternatives.get(kv[0], ())))
    for item, n in order:
        need = n * times
        alternatives = rule.alternatives.get(item, ())
        for choice in (item, *(a for a in alternatives if a != item)):
            k = min(need, left.get(choice, 0))
            if k > 0:
                used[choice] = used.get(choice, 0) + k
                left[choice] -= k
                need -= k
            if need == 0:
                break
        if need:
            label = (tag_of(frozenset(alternatives)) or item) if alternatives else item
            short[label] = short.get(label, 0) + need
    return used, short


class Smelt(Action):
    name: Literal["smelt"] = "smelt"
    furnace: Pos
    item: str
    count: int = Field(1, ge=1)
    fuel: str = "coal"
    summary: ClassVar[str] = ("smelt count of item in the furnace at furnace (a furnace, or a "
                              "smoker for food, or a blast furnace for ores and metal gear, "
                              "each twice as fast), burning fuel")
    _v = field_validator("furnace", mode="before")(_pos)
    _c = field_validator("count", mode="before")(_count)
    _n = field_validator("item", "fuel", mode="before")(_name)

    def fuel_needed(self, rules: Rulebook, fire_s: float = 0.0,
                    station: str = "furnace") -> int:
        """How many `fuel` items smelting `count` items in `station` (furnace, smoker,
        blast_furnace) burns, when it still has `fire_s` seconds of fire from earlier fuel
        (a lit furnace keeps burning: after a lava bucket, 100 items' worth)."""
        cook_s = rules.smelt_seconds(self.item, station)
        left_s = max(0.0, cook_s * self.count - fire_s)
        per_item = rules.fuel_value(self.fuel, station)
        if per_item <= 0:  # not a fuel: none would do (check() refuses it as not_fuel)
            return 0
        return max(0, math.ceil(left_s / (cook_s * per_item) - 1e-9))

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> Refusal | None:
        unknown = _unknown_item(rules, self.item, self.fuel)
        if unknown:
            return unknown
        if rules.smelts_to(self.item) is None:
            return refuse(Code.NOT_SMELTABLE, item=self.item)
        if rules.fuel_value(self.fuel) <= 0:
            return refuse(Code.NOT_FUEL, fuel=self.fuel)
        station = view.block(self.furnace).name
        table = rules.smelting_station(station)
        if table is None:
            return refuse(Code.NO_FURNACE, pos=self.furnace)
        # A smoker cooks food only, a blast furnace ores and metal gear (their recipe types).
        if rules.smelts_to(self.item, station) is None:
            return refuse(Code.WRONG_STATION, item=self.item, station=station,
                          recipe_type=table.recipe_type)
        if self.count > stack_size(self.item):  # one input slot: one stack per job
            return refuse(Code.OVER_ONE_STACK, station=station, max=stack_size(self.item),
                          item=self.item, count=self.count)
        # The fire left in a furnace is seen only once it is open, and it opens within reach.
        far = _block_reach(view, agent, self.furnace)
        if far:
            return far
        need = {self.item: self.count}
        fire = getattr(view, "furnace_fire_s", None)
        fuel = self.fuel_needed(rules, fire(self.furnace) if fire is not None else 0.0, station)
        if fuel:
            need[self.fuel] = need.get(self.fuel, 0) + fuel
        short = _holds(view, agent, need)
        if short:
            return short
        # The smelt ends with its output taken out of the furnace: with no room for it the
        # output would stay in the furnace's output slot (vanilla's result slot is not taken
        # into a full inventory), so, as a craft is, the smelt is refused before anything is
        # loaded (the input and the fuel spent free their slots first).
        output = rules.smelts_to(self.item, station)
        assert output is not None
        free = room_after(view.inventory(agent), need, output, player_slots())
        if free < self.count:
            return refuse(Code.INVENTORY_FULL, agent=agent, count=self.count, item=output,
                          free=free)
        return None


class Dig(Action):
    name: Literal["dig"] = "dig"
    pos: Pos
    summary: ClassVar[str] = ("break the block at pos and pick up what it drops (a block that "
                              "needs a tool, e.g. stone and a pickaxe, breaks without it too, "
                              "slowly and dropping nothing)")
    _v = field_validator("pos", mode="before")(_pos)

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> Refusal | None:
        block = view.block(self.pos)
        if nothing_to_dig(block.name):  # air and fluids (env/data/dig.json)
            return refuse(Code.NOTHING_TO_DIG, pos=self.pos, block=block.name)
        info = rules.blocks.get(block.name)
        if block.name in UNBREAKABLE or (info and (info.hardness is None or info.hardness < 0)):
            return refuse(Code.UNBREAKABLE, block=block.name, pos=self.pos)
        # A crop breaks at any age, as in vanilla, and drops by its age (unripe wheat one
        # seed: env/data/loot.json); not digging a crop before it is ripe is the Judger's
        # policy (agents/policy.py), not a rule of the game.
        # A block whose harvest tool is not held still breaks, slower and dropping nothing
        # (minecraft.wiki/w/Breaking: hardness x 5 s by hand for stone), as in vanilla.
        return _block_reach(view, agent, self.pos)


class Place(Action):
    name: Literal["place"] = "place"
    item: str
    pos: Pos
    facing: Facing | Literal["x", "y", "z"] | None = None
    grow: bool = False
    """Click the open face of a half slab or snow cover of the item's own kind at pos, making
    it a double slab or a layer thicker (env/data/replaceable.json `grows`). Without it such a
    cell counts as taken, as a builder who sees the block there places nothing."""
    summary: ClassVar[str] = ("place the block named item at pos (facing a direction or axis), "
                              "holding the item that places it (a torch for wall_torch, "
                              "wheat_seeds for wheat); what cannot float needs its support "
                              "(a crop farmland below, a wall torch or ladder a full block "
                              "behind it, a lever or button the block below, or behind it "
                              "when facing a side); grow: true to make a half slab there "
                              "double or a snow cover a layer thicker")
    _v = field_validator("pos", mode="before")(_pos)
    _n = field_validator("item", mode="before")(_name)

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> Refusal | None:
        if self.item not in rules.blocks:
            return refuse(Code.NOT_A_BLOCK, item=self.item)
        how = rules.placement(self.item)
        if how is None or how.item is None:
            return refuse(Code.NOT_PLACEABLE, item=self.item)
        missing = _holds(view, agent, how.needs())
        if missing:
            return missing
        here = view.block(self.pos)
        # not by its own item, which may grow it instead (env/data/replaceable.json)
        if not replaceable(here.name, here.state, how.item) or \
                (not self.grow and grown(here.name, here.state, how.item) is not None):
            return refuse(Code.CELL_TAKEN, pos=self.pos, block=here.name)
        x, y, z = self.pos
        # a door or tall plant takes the cell above too, which must be free to replace
        above = view.block((x, y + 1, z))
        if two_tall(self.item) and not replaceable(above.name, above.state, how.item):
            return refuse(Code.NO_ROOM_ABOVE, item=self.item, pos=(x, y + 1, z))
        # a bed's head takes the next cell the way it faces (BedBlock), which must be free
        head = head_cell(self.item, self.pos, self.facing, looking(view.agent_pos(agent),
                                                                   self.pos))
        if head is not None:
            there = view.block(head)
            if not replaceable(there.name, there.state, how.item):
                return refuse(Code.NO_ROOM_FOR_HEAD, item=self.item, pos=head)
        neighbours = [(x + 1, y, z), (x - 1, y, z), (x, y + 1, z), (x, y - 1, z), (x, y, z + 1),
                      (x, y, z - 1)]
        # Vanilla places against any block that is not replaceable (a click on a torch or a
        # flower puts the block beside it), env/data/replaceable.json.
        if all(replaceable(view.block(n).name, view.block(n).state, how.item)
               for n in neighbours):
            return refuse(Code.NO_SUPPORT, pos=self.pos)
        unheld = support_refusal(self.item, placed_state(self.item, self.facing), self.pos,
                                 view.block)
        if unheld is not None:
            return unheld
        for other in view.agents():
            feet = view.agent_pos(other)
            if (math.floor(feet[0]), math.floor(feet[2])) == (x, z) and \
                    math.floor(feet[1]) in (y, y - 1):
                return refuse(Code.CELL_OCCUPIED, who=other, pos=self.pos)
        return _block_reach(view, agent, self.pos)


class Kill(Action):
    name: Literal["kill"] = "kill"
    entity: str
    summary: ClassVar[str] = "attack the nearest entity of this type within reach until it dies"
    _n = field_validator("entity", mode="before")(_name)

    def target(self, view: WorldView, agent: str) -> str | None:
        me = view.agent_pos(agent)
        near = [(distance(me, e.pos), e.id) for e in view.entities()
                if e.type == self.entity and entity_in_reach(me, e.pos)]
        return min(near)[1] if near else None

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> Refusal | None:
        if self.target(view, agent) is None:
            return refuse(Code.NO_ENTITY, entity=self.entity)
        return None


class Milk(Action):
    name: Literal["milk"] = "milk"
    entity: str = "cow"
    summary: ClassVar[str] = "fill an empty bucket from the nearest cow within reach"
    _n = field_validator("entity", mode="before")(_name)

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> Refusal | None:
        if f"milk:{self.entity}" not in rules:
            return refuse(Code.NOT_MILKABLE, entity=self.entity)
        missing = _holds(view, agent, {"bucket": 1})
        if missing:
            return missing
        if Kill(entity=self.entity).target(view, agent) is None:
            return refuse(Code.NO_ENTITY, entity=self.entity)
        # No room is needed (vanilla's ItemUtils.createFilledResult): a last bucket becomes
        # the milk bucket in place, else the milk bucket that does not fit is dropped at the
        # feet (env/ground.py).
        return None


class Activate(Action):
    name: Literal["activate"] = "activate"
    pos: Pos
    summary: ClassVar[str] = "use the block at pos: flip a lever, press a button, open a door"
    _v = field_validator("pos", mode="before")(_pos)

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> Refusal | None:
        block = view.block(self.pos).name
        if block in POWERED_ONLY:
            return refuse(Code.POWERED_ONLY, block=block, pos=self.pos)
        if not (block.endswith(BUTTONS) or any(block == t or block.endswith(t)
                                               for t in TOGGLED_BY_HAND)):
            return refuse(Code.NOT_ACTIVATABLE, block=block, pos=self.pos)
        return _block_reach(view, agent, self.pos)


class StepOn(Action):
    name: Literal["step_on"] = "step_on"
    pos: Pos
    hold_s: float = Field(2.0, ge=0, le=60)
    summary: ClassVar[str] = "walk onto the pressure plate at pos and stay hold_s seconds"
    _v = field_validator("pos", mode="before")(_pos)

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> Refusal | None:
        block = view.block(self.pos).name
        if not block.endswith(PLATES):
            return refuse(Code.NO_PLATE, pos=self.pos, block=block)
        return None


class Wait(Action):
    name: Literal["wait"] = "wait"
    seconds: float = Field(1.0, ge=0, le=600)
    summary: ClassVar[str] = "do nothing for seconds"


class Rendezvous(Action):
    name: Literal["rendezvous"] = "rendezvous"
    tag: str
    agents: list[str]
    summary: ClassVar[str] = "wait until every agent named has reached the rendezvous tag"

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> Refusal | None:
        if agent not in self.agents:
            return refuse(Code.NOT_IN_RENDEZVOUS, agent=agent, agents=self.agents)
        unknown = set(self.agents) - set(view.agents())
        if unknown:
            return refuse(Code.UNKNOWN_RENDEZVOUS_AGENTS, agents=sorted(unknown))
        return None


ACTIONS: tuple[type[Action], ...] = (MoveTo, Take, Put, Craft, Smelt, Dig, Place, Kill, Milk,
                                     Activate, StepOn, Wait, Rendezvous)
AnyAction = Annotated[MoveTo | Take | Put | Craft | Smelt | Dig | Place | Kill | Milk | Activate
                      | StepOn | Wait | Rendezvous, Field(discriminator="name")]
ACTION_ADAPTER: TypeAdapter[AnyAction] = TypeAdapter(AnyAction)


def parse_action(data: object) -> Action:
    """Parse a dict (from JSON, an LLM tool call or a bus message) into an action.
    Raises pydantic.ValidationError naming the bad field."""
    return ACTION_ADAPTER.validate_python(data)


def tool_list() -> str:
    """The action list as the LLM sees it."""
    return "\n".join(a.describe() for a in ACTIONS)
