"""The Judger's vocabulary: one class per action.

Each action is a pydantic model whose validators accept loose LLM output ("[1, -60, 2]",
"3"), whose `describe()` is its line in the LLM's tool list, and whose `check()` is the
Judger's legality test against the rules and the current world (None = allowed, otherwise
the reason). Backends execute them: `env.sim` in process, `env.minecraft` through one JS
body per action (`env/js/actions.js`). Nothing an LLM writes is executed as code: an answer
is parsed into one of these models or refused.
"""

from __future__ import annotations

import math
from typing import Annotated, ClassVar, Literal

from pydantic import Field, TypeAdapter, field_validator

from env.rulebook import Rule, Rulebook
from env.world import REACH, Facing, Model, Pos, WorldView, _as_pos, distance, in_reach

WALK_SPEED = 4.317  # blocks per second, vanilla walking
ENTITY_REACH = 3.0

# Blocks an action may be placed into (they are replaced).
REPLACEABLE = frozenset({"air", "cave_air", "water", "lava", "grass", "tall_grass", "fern",
                         "snow", "dead_bush"})
UNBREAKABLE = frozenset({"bedrock", "barrier", "command_block", "end_portal_frame"})
PLATES = "_pressure_plate"
BUTTONS = "_button"
TOGGLED_BY_HAND = ("lever", "_fence_gate", "_door", "_trapdoor")
POWERED_ONLY = frozenset({"iron_door", "iron_trapdoor"})


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

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> str | None:
        return None


def _block_reach(view: WorldView, agent: str, pos: Pos) -> str | None:
    if not in_reach(view.agent_pos(agent), pos):
        where = tuple(round(v, 1) for v in view.agent_pos(agent))
        return f"{pos} is out of reach from {where} (reach {REACH})"
    return None


def _holds(view: WorldView, agent: str, need: dict[str, int]) -> str | None:
    inv = view.inventory(agent)
    missing = {i: n - inv.get(i, 0) for i, n in need.items() if inv.get(i, 0) < n}
    if missing:
        what = ", ".join(f"{n} {i}" for i, n in sorted(missing.items()))
        return f"missing ingredients: {what}"
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

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> str | None:
        held = view.container(self.pos)
        if held is None:
            return f"no chest at {self.pos}"
        if held.get(self.item, 0) < self.count:
            return f"the chest at {self.pos} holds {held.get(self.item, 0)} {self.item}, " \
                   f"not {self.count}"
        return _block_reach(view, agent, self.pos)


class Put(Action):
    name: Literal["put"] = "put"
    pos: Pos
    item: str
    count: int = Field(1, ge=1)
    summary: ClassVar[str] = "put count of item into the chest at pos"
    _v = field_validator("pos", mode="before")(_pos)
    _c = field_validator("count", mode="before")(_count)
    _n = field_validator("item", mode="before")(_name)

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> str | None:
        if view.container(self.pos) is None:
            return f"no chest at {self.pos}"
        return _holds(view, agent, {self.item: self.count}) or _block_reach(view, agent, self.pos)


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
        """The first recipe for item whose ingredients the agent holds, times over."""
        inv = view.inventory(agent)
        for rule in rules.producers(self.item, kind="craft"):
            if rule.output != self.item:
                continue
            if all(inv.get(i, 0) >= n * self.times for i, n in rule.inputs.items()):
                return rule
        return None

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> str | None:
        recipes = [r for r in rules.producers(self.item, kind="craft") if r.output == self.item]
        if not recipes:
            return f"no recipe makes {self.item}"
        rule = self.recipe(view, agent, rules)
        if rule is None:
            best = min(recipes, key=lambda r: sum(
                max(0, n * self.times - view.inventory(agent).get(i, 0))
                for i, n in r.inputs.items()))
            return _holds(view, agent, {i: n * self.times for i, n in best.inputs.items()})
        if "crafting_table" in rule.needs:
            if self.table is None:
                return f"{self.item} needs a crafting table (give table)"
            if view.block(self.table).name != "crafting_table":
                return f"no crafting table at {self.table}"
            return _block_reach(view, agent, self.table)
        return None


class Smelt(Action):
    name: Literal["smelt"] = "smelt"
    furnace: Pos
    item: str
    count: int = Field(1, ge=1)
    fuel: str = "coal"
    summary: ClassVar[str] = "smelt count of item in the furnace at furnace, burning fuel"
    _v = field_validator("furnace", mode="before")(_pos)
    _c = field_validator("count", mode="before")(_count)
    _n = field_validator("item", "fuel", mode="before")(_name)

    def fuel_needed(self, rules: Rulebook) -> int:
        return math.ceil(self.count / rules.fuel_value(self.fuel))

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> str | None:
        if rules.smelts_to(self.item) is None:
            return f"{self.item} cannot be smelted"
        if rules.fuel_value(self.fuel) <= 0:
            return f"{self.fuel} is not a fuel"
        if view.block(self.furnace).name != "furnace":
            return f"no furnace at {self.furnace}"
        need = {self.item: self.count}
        need[self.fuel] = need.get(self.fuel, 0) + self.fuel_needed(rules)
        return _holds(view, agent, need) or _block_reach(view, agent, self.furnace)


class Dig(Action):
    name: Literal["dig"] = "dig"
    pos: Pos
    summary: ClassVar[str] = "break the block at pos and pick up what it drops"
    _v = field_validator("pos", mode="before")(_pos)

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> str | None:
        block = view.block(self.pos)
        if block.name in REPLACEABLE:
            return f"nothing to dig at {self.pos} ({block.name})"
        info = rules.blocks.get(block.name)
        if block.name in UNBREAKABLE or (info and (info.hardness is None or info.hardness < 0)):
            return f"{block.name} at {self.pos} cannot be broken"
        age = block.state.get("age")
        if block.name in ("wheat", "carrots", "potatoes") and age is not None and int(age) < 7:
            return f"{block.name} at {self.pos} is not ripe (age {age} of 7)"
        if info and info.tools:
            inv = view.inventory(agent)
            if not any(inv.get(t, 0) > 0 for t in info.tools):
                return f"{block.name} needs a tool: any of {', '.join(info.tools)}"
        return _block_reach(view, agent, self.pos)


class Place(Action):
    name: Literal["place"] = "place"
    item: str
    pos: Pos
    facing: Facing | Literal["x", "y", "z"] | None = None
    summary: ClassVar[str] = ("place the block named item at pos (facing a direction or axis), "
                              "holding the item that places it (a torch for wall_torch, "
                              "wheat_seeds for wheat)")
    _v = field_validator("pos", mode="before")(_pos)
    _n = field_validator("item", mode="before")(_name)

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> str | None:
        if self.item not in rules.blocks:
            return f"{self.item} is not a block"
        how = rules.placement(self.item)
        if how is None or how.item is None:
            return f"{self.item} cannot be placed by a player"
        missing = _holds(view, agent, how.needs())
        if missing:
            return missing
        here = view.block(self.pos)
        if here.name not in REPLACEABLE:
            return f"{self.pos} is taken by {here.name}"
        x, y, z = self.pos
        neighbours = [(x + 1, y, z), (x - 1, y, z), (x, y + 1, z), (x, y - 1, z), (x, y, z + 1),
                      (x, y, z - 1)]
        if not any(view.block(n).name not in REPLACEABLE for n in neighbours):
            return f"nothing to place against at {self.pos}: no solid neighbour"
        for other in view.agents():
            feet = view.agent_pos(other)
            if (math.floor(feet[0]), math.floor(feet[2])) == (x, z) and \
                    math.floor(feet[1]) in (y, y - 1):
                return f"{other} stands in {self.pos}"
        return _block_reach(view, agent, self.pos)


class Kill(Action):
    name: Literal["kill"] = "kill"
    entity: str
    summary: ClassVar[str] = "attack the nearest entity of this type within reach until it dies"
    _n = field_validator("entity", mode="before")(_name)

    def target(self, view: WorldView, agent: str) -> str | None:
        me = view.agent_pos(agent)
        near = [(distance(me, e.pos), e.id) for e in view.entities()
                if e.type == self.entity and distance(me, e.pos) <= ENTITY_REACH + 1.0]
        return min(near)[1] if near else None

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> str | None:
        if self.target(view, agent) is None:
            return f"no {self.entity} within reach"
        return None


class Milk(Action):
    name: Literal["milk"] = "milk"
    entity: str = "cow"
    summary: ClassVar[str] = "fill an empty bucket from the nearest cow within reach"
    _n = field_validator("entity", mode="before")(_name)

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> str | None:
        if f"milk:{self.entity}" not in rules:
            return f"a {self.entity} cannot be milked"
        missing = _holds(view, agent, {"bucket": 1})
        if missing:
            return missing
        if Kill(entity=self.entity).target(view, agent) is None:
            return f"no {self.entity} within reach"
        return None


class Activate(Action):
    name: Literal["activate"] = "activate"
    pos: Pos
    summary: ClassVar[str] = "use the block at pos: flip a lever, press a button, open a door"
    _v = field_validator("pos", mode="before")(_pos)

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> str | None:
        block = view.block(self.pos).name
        if block in POWERED_ONLY:
            return f"{block} at {self.pos} opens only with redstone power"
        if not (block.endswith(BUTTONS) or any(block == t or block.endswith(t)
                                               for t in TOGGLED_BY_HAND)):
            return f"{block} at {self.pos} cannot be activated"
        return _block_reach(view, agent, self.pos)


class StepOn(Action):
    name: Literal["step_on"] = "step_on"
    pos: Pos
    hold_s: float = Field(2.0, ge=0, le=60)
    summary: ClassVar[str] = "walk onto the pressure plate at pos and stay hold_s seconds"
    _v = field_validator("pos", mode="before")(_pos)

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> str | None:
        block = view.block(self.pos).name
        if not block.endswith(PLATES):
            return f"no pressure plate at {self.pos} ({block})"
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

    def check(self, view: WorldView, agent: str, rules: Rulebook) -> str | None:
        if agent not in self.agents:
            return f"{agent} is not one of the rendezvous agents {self.agents}"
        unknown = set(self.agents) - set(view.agents())
        if unknown:
            return f"unknown agents in rendezvous: {sorted(unknown)}"
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
