"""Decomposition: a task becomes a `Plan` of subtasks (the offline brain's version).

    rules = task_rules(task, load_rulebook())
    [s.id for s in decompose(task, rules).subtasks]
    # a cake task: ['craft:cake', 'harvest:wheat', 'fetch:egg', 'craft:sugar', ...]

Cooking walks the rulebook backwards from the dish, choosing for each needed item one way the
world supports, in this order: stock in the hub (no subtask), a chest that is not the hub
(`fetch`), a block or animal in the world (`harvest`, `kill`, `milk`), a recipe (`craft`), a
furnace recipe (`smelt`); an item the task says comes from the world (`"coal": "coal in
mine"`) tries the world first, and a tool a block needs may come from any chest or a recipe.
Counts multiply through: 3 milk buckets need 3 buckets, which need 9 iron ingots. Choices are
made against the whole task: fuels are chosen last, never burning what the dish consumes, and
an item the hub holds too little of gets the rest from its next way (`_Supplier`).
Construction groups blueprint blocks into `place` subtasks by layer and material, each taking
the items that place its blocks (`Rulebook.placement`); escape makes one `trigger` subtask
per trigger, except a trigger that carries a player (a teleport) to where another trigger's
condition is acted on: it becomes the `via` step of that condition's role (`carriers`); a
trigger whose teleport takes players where no walk goes wants every player of the task by it
(`gathering`). Every subtask lists the rule ids it rests on and an estimated `seconds` from
the shared durations (`env.rulebook`, `env.actions`).

The rulebook given may be the game's alone: the task's world rules (containers, sources,
triggers) are added here when missing (`task_rules`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx

from env.actions import WALK_SPEED
from env.block_states import unripe
from env.goals import BlueprintBlock, ConstructionGoal, CookingGoal, EscapeGoal
from env.rulebook import CRAFT_S, KILL_S, MILK_S, Rule, Rulebook
from env.sim.path import Walker, world_walker
from env.world import (
    BlockState,
    Condition,
    Pos,
    Trigger,
    distance,
    effect_reaches,
    feet_center,
)
from planner.subtask import Plan, Subtask

PLACE_S = 0.5
"""Seconds to place one block (no shared constant exists; the sim may refine it)."""
DIG_BASE_S = 0.25
"""Seconds added to every dig on top of 1.5 x hardness (bare hand, vanilla's formula)."""
ACT_S = 1.0
"""Seconds to flip a lever or press a button."""
PLACE_GROUP = 8
"""At most this many blueprint blocks per `place` subtask."""
GATHER_WAIT_S = 1.0
"""How long a player who only gathers for a teleport waits by it after everyone has come
(the trigger fires meanwhile, from the rendezvous on)."""
CARRY_NEAR = 2.0
"""How near a condition a teleported player must land to act on it (the offline brain acts
from within 2 blocks of what it uses)."""
CELL_SLACK = 0.75
"""How far from its cell's centre a player's feet may stand once a walk ends in that cell
(up to half a cell's diagonal, 0.71 blocks: a bot's path finder stops as soon as the bot is
in the cell). A player who must be within a teleport's reach walks to within the radius
less this, so that the teleport takes it wherever in the cell it stopped."""

if TYPE_CHECKING:  # the planner reads task specs; it does not import the tasks package
    from tasks.spec import TaskSpec

MECHANISMS = ("lever", "_button", "_pressure_plate")


class DecompositionError(ValueError):
    """The task cannot be decomposed under the given rules (names the missing item)."""


def pos_key(pos: Pos) -> str:
    """A position as the rulebook writes it in `where`: "x,y,z"."""
    return ",".join(str(v) for v in pos)


def hub_of(task: TaskSpec) -> Pos | None:
    """The task's shared chest: `task.hub` when the spec has it, else the first container
    without a lock (None if there is none)."""
    hub = getattr(task, "hub", None)
    if hub is not None:
        return tuple(hub)  # type: ignore[return-value]
    return next((c.pos for c in task.world.containers if c.lock is None), None)


def task_rules(task: TaskSpec, rules: Rulebook) -> Rulebook:
    """`rules` with the task's own rules added, unless they are there already: the world's
    (containers, sources, triggers: `Rulebook.with_world`) and the escape triggers' effects
    (`effect_rules`). Pass the result to `rule_graph` and the estimators."""
    if not any(r.kind in ("container", "source", "trigger") for r in rules.rules.values()):
        rules = rules.with_world(task.world)
    extra = [r for r in [*effect_rules(task), *order_rules(task, rules)] if r.id not in rules]
    return rules.with_rules(extra) if extra else rules


def effect_rules(task: TaskSpec) -> list[Rule]:
    """What escape triggers do, as rules (kind `trigger`: the fired trigger -> its effect),
    so a counterfactual test can remove one:

    - `exit:<t>`: t opens its room's exit (clears a block, opens a door, teleports) ->
      `room:<next room index>`;
    - `give:<t>:<item>`: t gives an item;
    - `set:<t>:<x,y,z>`: t sets a block another trigger's condition reads -> `<block>@<x,y,z>`.
    """
    goal = task.goal
    if not isinstance(goal, EscapeGoal):
        return []
    order = sorted(r.index for r in goal.rooms)
    following = {a: b for a, b in zip(order, order[1:], strict=False)}
    room_of = {tid: r.index for r in goal.rooms for tid in r.triggers}
    out: dict[str, Rule] = {}
    for t in task.world.triggers:
        room = room_of.get(t.id, t.room)
        if opens_exit(t) and room in following:
            out[f"exit:{t.id}"] = Rule(id=f"exit:{t.id}", kind="trigger",
                                       output=f"room:{following[room]}", inputs={t.id: 1})
        for e in t.effects:
            if e.kind == "give" and e.item:
                rid = f"give:{t.id}:{e.item}"
                before = out[rid].count if rid in out else 0
                out[rid] = Rule(id=rid, kind="trigger", output=e.item, inputs={t.id: 1},
                                count=before + e.count)
            elif e.kind == "set_block" and e.block and e.block not in ("air", "cave_air"):
                rid = f"set:{t.id}:{pos_key(e.pos)}"  # the last effect at a position wins
                out[rid] = Rule(id=rid, kind="trigger", output=f"{e.block}@{pos_key(e.pos)}",
                                inputs={t.id: 1}, where=pos_key(e.pos))
    return list(out.values())


def order_rules(task: TaskSpec, rules: Rulebook) -> list[Rule]:
    """`after:<t3>:<t2>` (kind `trigger`, output t3, input `fired:<t2>`): a teleport of
    trigger t3 takes away whoever stands where a carrier lands a player to act on t2's
    condition (see `carriers`), so t2 must fire first. Escape atom 8: its lever pulls every
    player within 7 blocks down to the exit, the one on the button's ledge too."""
    carried = carriers(task, rules)
    parted = isinstance(task.goal, EscapeGoal) and any(len(r.parts) > 1 for r in task.goal.rooms)
    if not carried and not parted:
        return []
    walker = world_walker(task.world, rules.blocks)
    out: dict[str, Rule] = {}
    if parted:
        out.update((r.id, r) for r in part_order_rules(task, walker))
    for (tid, _), carrier in sorted(carried.items(), key=lambda kv: kv[0]):
        spots = [walker.landing(e.to) for e in carrier.effects
                 if e.kind == "teleport" and e.to is not None]
        for t3 in task.world.triggers:
            if t3.id in (tid, carrier.id) or t3.room != carrier.room:
                continue
            for e in t3.effects:
                if e.kind != "teleport" or e.to is None:
                    continue
                takes = [p for p in spots if walker.landing(e.to) != p and distance(
                    (p[0] + 0.5, p[1], p[2] + 0.5), (e.pos[0] + 0.5, e.pos[1], e.pos[2] + 0.5))
                    <= e.radius]
                if takes:
                    rid = f"after:{t3.id}:{tid}"
                    out[rid] = Rule(id=rid, kind="trigger", output=t3.id,
                                    inputs={f"fired:{tid}": 1})
    return list(out.values())


def part_order_rules(task: TaskSpec, walker: Walker) -> list[Rule]:
    """`after:<tj>:<tk>` between the triggers of one room that belong to different players'
    parts (`EscapeRoom.parts`: each player fires its own copy, a lever whose teleport takes
    whoever is within its reach): when a player on its way to tk's condition stands or walks
    within the reach of tj's teleport, tj fires only once tk has (tk's player is gone by
    then). The way is the walk from where players come into the room (the spawn for the
    first room, else where the previous room's teleports land) to within reach of the
    condition, as the players' path finder walks it. Edges that would close a cycle are
    left out (the order stays a partial order); VillagerBench's merge layouts place the
    levers side by side, and players spawn within one lever's reach."""
    assert isinstance(task.goal, EscapeGoal)
    triggers = {t.id: t for t in task.world.triggers}
    rooms = sorted(task.goal.rooms, key=lambda r: r.index)
    order = nx.DiGraph()
    out: list[Rule] = []
    for k, room in enumerate(rooms):
        if len(room.parts) < 2:
            continue
        if k == 0:
            starts = list(task.world.spawn)
        else:
            starts = sorted({walker.landing(e.to) for tid in rooms[k - 1].triggers
                             if tid in triggers for e in triggers[tid].effects
                             if e.kind == "teleport" and e.to is not None})
        owner = {tid: j for j, part in enumerate(room.parts) for tid in part
                 if sum(tid in p for p in room.parts) == 1}
        edges: list[tuple[str, str]] = []
        for tk in sorted(owner):
            cells: set[Pos] = set()
            for c in triggers[tk].conditions:
                for start in starts:
                    cells.update(walker.find(start, c.pos, within=CARRY_NEAR) or [])
            for tj in sorted(owner):
                if owner[tj] == owner[tk]:
                    continue
                if any(e.kind == "teleport" and any(effect_reaches(e, feet_center(cell))
                                                    for cell in cells)
                       for e in triggers[tj].effects):
                    edges.append((tk, tj))  # tk fires first, then tj
        for tk, tj in edges:
            order.add_edge(tk, tj)
            if not nx.is_directed_acyclic_graph(order):
                order.remove_edge(tk, tj)
                continue
            out.append(Rule(id=f"after:{tj}:{tk}", kind="trigger", output=tj,
                            inputs={f"fired:{tk}": 1}))
    return out


def walk_s(a: Pos | None, b: Pos | None) -> float:
    """Seconds to walk from a to b and back at WALK_SPEED (0 if either is unknown)."""
    if a is None or b is None:
        return 0.0
    return 2 * distance(a, b) / WALK_SPEED


def decompose(task: TaskSpec, rules: Rulebook) -> Plan:
    """The task's subtasks under `rules` (the game's rulebook, with or without world rules).

    In: a `TaskSpec` of any family and a `Rulebook`. Out: a `Plan` whose subtasks carry
    their kind, target, count, inputs, sites, station, the ids of the rules they rest on,
    and `seconds`. Raises `DecompositionError` naming an item no way can supply.

    Example: a cake task whose hub holds sugar, eggs and buckets, with ripe wheat and cows
    in the world and a crafting table, gives `craft:cake` (keep), `harvest:wheat`,
    `milk:milk_bucket`, each resting on its rules.
    """
    rules = task_rules(task, rules)
    goal = task.goal
    if isinstance(goal, CookingGoal):
        subtasks = _cooking(task, goal, rules)
    elif isinstance(goal, ConstructionGoal):
        subtasks = _construction(task, goal.blueprint, rules)
    elif isinstance(goal, EscapeGoal):
        subtasks = _escape(task, goal, rules)
    else:  # pragma: no cover - the Goal union is closed
        raise DecompositionError(f"unknown goal family {goal!r}")
    return Plan(task=task.id, hub=hub_of(task), subtasks=subtasks)


# --- cooking -----------------------------------------------------------------------------


@dataclass
class _Way:
    """How one item is obtained: the rule that makes it and what one operation takes."""

    kind: str  # stock, fetch, harvest, kill, milk, craft, smelt
    item: str
    rule: Rule | None = None
    per_op: float = 1.0
    inputs: dict[str, int] = field(default_factory=dict)
    """Inputs of one operation."""
    station: Pos | None = None
    tool: str | None = None
    source: str | None = None
    sites: list[Pos] = field(default_factory=list)
    extra_rules: list[str] = field(default_factory=list)
    fuel: str | None = None
    capacity: float = math.inf
    """How many items this way can supply at most (a chest's count, the world's blocks)."""


WAY_ORDER = ("stock", "fetch", "world", "craft", "smelt")
"""The order ways are tried in: the hub's stock, another chest, the world, a recipe."""
WORLD_FIRST = ("world", "stock", "fetch", "craft", "smelt")
"""The order for an item the task says comes from a place in the world (a farm, a mine)."""
IN_CHEST = "chest"


def source_hints(goal: CookingGoal) -> dict[str, str]:
    """Where the task says things come from: VillagerBench's `"<ingredient>": "<item> in
    <place>"` hints as {item: place}, place lowercased (`{"coal": "mine"}` for `"coal":
    "coal in mine"`, `{"acacia_log": "pasture"}` for `"bowl": "acacia_log in pasture"`).

    >>> source_hints(CookingGoal(target="cake", check_points=[], sources={
    ...     "wheat": "hay_block in farm", "milk": "bucket in chest"}))
    {'hay_block': 'farm', 'bucket': 'chest'}
    """
    out: dict[str, str] = {}
    for text in goal.sources.values():
        item, sep, place = text.rpartition(" in ")
        if sep and item.strip() and place.strip():
            out[item.strip().removeprefix("minecraft:")] = place.strip().lower()
    return out


class _Supplier:
    """Chooses a way for each item (memoized), then sums demand down the item graph.

    Choices are made against the whole task: an item the task says comes from a place in the
    world (`"coal": "coal in mine"`) is taken there first; the fuel of every smelt is chosen
    after the dish's own needs are known, so that nothing the dish consumes is burnt (the
    stew's one bowl), preferring a fuel the task names, then the one that burns longest; and
    where the hub holds too little of an item, the rest comes from its next way."""

    def __init__(self, task: TaskSpec, rules: Rulebook) -> None:
        self.task = task
        self.rules = rules
        self.hub = hub_of(task)
        self.hub_items: dict[str, int] = {}
        self.chests: list[tuple[Pos, dict[str, int], str | None]] = []
        for c in task.world.containers:
            if c.pos == self.hub:
                self.hub_items = dict(c.items)
            else:
                self.chests.append((c.pos, dict(c.items), c.lock))
        self.blocks: dict[str, list[Pos]] = {}
        for b in task.world.blocks:
            # a crop is harvested ripe: an unripe one breaks, but gives a seed or one of
            # itself, not the harvest its rule counts (the Judger refuses it: agents/policy.py)
            if unripe(BlockState(name=b.name, state=b.state), rules) is None:
                self.blocks.setdefault(b.name, []).append(b.pos)
        self.animals: dict[str, list[Pos]] = {}
        for e in task.world.entities:
            self.animals.setdefault(e.type, []).append(
                (math.floor(e.pos[0]), math.floor(e.pos[1]), math.floor(e.pos[2])))
        goal = task.goal
        self.hints = source_hints(goal) if isinstance(goal, CookingGoal) else {}
        self.named: set[str] = set(self.hints)
        if isinstance(goal, CookingGoal):
            self.named |= {k.removeprefix("minecraft:") for k in goal.sources}
        self.banned: set[tuple[str, str]] = set()
        """(item, way kind) pairs ruled out because they cannot supply enough."""
        self.ways: dict[str, _Way | None] = {}
        self._visiting: set[str] = set()
        self._fuels: list[str] | None = None
        """Fuels some way supplies (computed once per set of ways)."""

    def near(self, sites: Iterable[Pos]) -> list[Pos]:
        ref = self.hub or (0, 0, 0)
        return sorted(sites, key=lambda p: (distance(p, ref), p))

    def stock_rule(self, item: str) -> str | None:
        if self.hub is None or item not in self.hub_items:
            return None
        return f"container:{pos_key(self.hub)}:{item}"

    def station_for(self, block: str) -> tuple[Pos | None, str | None]:
        """A station block in the world, or the item a predecessor must make."""
        if block in self.blocks:
            return self.near(self.blocks[block])[0], None
        return None, block

    def has_rule(self, rid: str) -> bool:
        return rid in self.rules

    def way(self, item: str) -> _Way | None:
        if item in self.ways:
            return self.ways[item]
        if item in self._visiting:
            return None
        self._visiting.add(item)
        try:
            found = self._choose(item)
        finally:
            self._visiting.discard(item)
        self.ways[item] = found
        return found

    def _choose(self, item: str) -> _Way | None:
        place = self.hints.get(item)
        order = WORLD_FIRST if place is not None and place != IN_CHEST else WAY_ORDER
        for kind in order:
            if (item, kind) in self.banned:
                continue
            found = getattr(self, f"_by_{kind}")(item)
            if found is not None:
                return found
        return None

    def _by_stock(self, item: str) -> _Way | None:
        if item in self.hub_items and self.has_rule(self.stock_rule(item) or ""):
            return _Way("stock", item, capacity=self.hub_items[item])
        return None

    def _by_fetch(self, item: str) -> _Way | None:
        ref = self.hub or (0, 0, 0)
        for pos, items, lock in sorted(self.chests, key=lambda c: (distance(c[0], ref), c[0])):
            rid = f"container:{pos_key(pos)}:{item}"
            if item in items and self.has_rule(rid):
                return _Way("fetch", item, rule=self.rules.get(rid), per_op=1, station=pos,
                            tool=lock, capacity=items[item])
        return None

    def _by_world(self, item: str) -> _Way | None:
        for rule in self.rules.producers(item, kind="mine"):
            src = rule.source or ""
            if src in self.blocks and self.has_rule(f"source:block:{src}") and rule.output == item:
                info = self.rules.blocks.get(src)
                tool = None
                if info and info.tools:
                    tool = self.tool_for(info.tools)
                    if tool is None:
                        continue
                return _Way("harvest", item, rule=rule, per_op=rule.count, source=src, tool=tool,
                            sites=self.near(self.blocks[src]),
                            extra_rules=[f"source:block:{src}"],
                            capacity=rule.count * len(self.blocks[src]))
        for kind in ("kill", "milk"):
            for rule in self.rules.producers(item, kind=kind):  # type: ignore[arg-type]
                src = rule.source or ""
                if src in self.animals and self.has_rule(f"source:entity:{src}") \
                        and rule.output == item:
                    tool = None
                    if kind == "kill":
                        tool = next((t for t in sorted(self.hub_items) if t.endswith("_sword")),
                                    None)
                    return _Way(kind, item, rule=rule, per_op=rule.count, inputs=dict(rule.inputs),
                                source=src, tool=tool, sites=self.near(self.animals[src])[:1],
                                extra_rules=[f"source:entity:{src}"],
                                capacity=(rule.count * len(self.animals[src]) if kind == "kill"
                                          else math.inf))
        return None

    def _by_craft(self, item: str) -> _Way | None:
        for rule in self.rules.producers(item, kind="craft"):
            if rule.output != item or not all(self.way(i) for i in rule.inputs):
                continue
            station, make = (None, None)
            if "crafting_table" in rule.needs:
                station, make = self.station_for("crafting_table")
                if make and not self.way(make):
                    continue
            return _Way("craft", item, rule=rule, per_op=rule.count, inputs=dict(rule.inputs),
                        station=station, tool=make)
        return None

    def _by_smelt(self, item: str) -> _Way | None:
        for rule in self.rules.producers(item, kind="smelt"):
            if rule.output != item or not all(self.way(i) for i in rule.inputs):
                continue
            station, make = self.station_for("furnace")
            if make and not self.way(make):
                continue
            if not self.fuel_candidates():
                continue
            # the fuel is chosen in `plan`, once the whole task's needs are known
            return _Way("smelt", item, rule=rule, per_op=rule.count, inputs=dict(rule.inputs),
                        station=station, tool=make)
        return None

    def tool_for(self, tools: Iterable[str]) -> str | None:
        """The tool to dig with, of any that will do: one in the hub, else one in another
        chest, else one that can be crafted."""
        tools = list(tools)
        for t in tools:
            if self.hub_items.get(t, 0) > 0:
                return t
        for kinds in (("fetch",), ("craft",)):
            for t in tools:
                w = self.way(t)
                if w is not None and w.kind in kinds:
                    return t
        return None

    def fuel_candidates(self, consumed: dict[str, int] | None = None) -> list[str]:
        """Fuels that some way other than a furnace supplies (or the hub holds), in order of
        preference: one the task names first, what the dish consumes last, then one the hub
        holds, and else the longest burning, then by name."""
        consumed = consumed or {}
        if self._fuels is None:
            self._fuels = []
            for rule in self.rules.of_kind("fuel"):
                fuel = next(iter(rule.inputs), None)
                if fuel is None or self.rules.fuel_value(fuel) <= 0:
                    continue
                if self.hub_items.get(fuel, 0) <= 0:
                    w = self.way(fuel)
                    if w is None or w.kind not in ("fetch", "harvest", "kill", "craft"):
                        continue
                self._fuels.append(fuel)
        return sorted(self._fuels, key=lambda f: (consumed.get(f, 0) > 0, f not in self.named,
                                          self.hub_items.get(f, 0) <= 0,
                                          -self.rules.fuel_value(f), f))

    def _available(self, item: str, demand: dict[str, int]) -> float:
        """How many more of `item` the world can supply beyond `demand`."""
        w = self.way(item)
        have = self.hub_items.get(item, 0)
        if w is not None and w.kind != "stock":
            have += w.capacity
        return have - demand.get(item, 0)

    # -- demand ---------------------------------------------------------------------------
    def _ops(self, way: _Way, need: int) -> tuple[int, dict[str, int]]:
        """Operations for `need` items and the inputs they take (fuel included)."""
        ops = math.ceil(need / way.per_op)
        inputs = {i: n * ops for i, n in way.inputs.items()}
        if way.kind == "smelt" and way.fuel:
            fuel_need = math.ceil(ops / self.rules.fuel_value(way.fuel))
            inputs[way.fuel] = inputs.get(way.fuel, 0) + fuel_need
        return ops, inputs

    def _short(self, item: str, need: int, target: str) -> int:
        """How many of `item` its way must make (the hub's stock covers the rest)."""
        if item == target:
            return need
        return max(0, need - self.hub_items.get(item, 0))

    def demand(self, target: str, count: int) -> tuple[list[str], dict[str, int]]:
        """The items in order (parents first) and how many of each the task consumes."""
        order = self._topo(target)
        demand: dict[str, int] = {target: count}
        for item in order:
            need = demand.get(item, 0)
            way = self.ways.get(item)
            short = self._short(item, need, target)
            if need <= 0 or way is None or short <= 0 or (way.kind == "stock" and item != target):
                continue
            _, inputs = self._ops(way, short)
            for i, n in inputs.items():
                demand[i] = demand.get(i, 0) + n
            if way.tool and way.kind in ("craft", "smelt", "harvest"):
                demand[way.tool] = max(demand.get(way.tool, 0), 1)
        return order, demand

    def _choose_fuels(self, target: str, count: int) -> None:
        """Give every smelt its fuel, against what the rest of the task consumes."""
        smelts = [w for w in self.ways.values() if w is not None and w.kind == "smelt"]
        for w in smelts:
            w.fuel, w.extra_rules = None, []
        order, demand = self.demand(target, count)
        consumed = dict(demand)
        for item in order:
            way = self.ways.get(item)
            short = self._short(item, demand.get(item, 0), target)
            if way is None or way.kind != "smelt" or short <= 0:
                continue
            ops = math.ceil(short / way.per_op)
            candidates = self.fuel_candidates(consumed)
            pick = next((f for f in candidates
                         if self._available(f, demand) >= math.ceil(
                             ops / self.rules.fuel_value(f))), None)
            if pick is None:
                pick = candidates[0] if candidates else None
            if pick is None:
                continue
            way.fuel, way.extra_rules = pick, [f"fuel:{pick}"]
            demand[pick] = demand.get(pick, 0) + math.ceil(ops / self.rules.fuel_value(pick))

    def _shortage(self, target: str, count: int) -> tuple[str, str] | None:
        """An (item, way kind) whose hub stock or chest holds less than the task needs."""
        order, demand = self.demand(target, count)
        for item in order:
            way = self.ways.get(item)
            need = demand.get(item, 0)
            if way is None or need <= 0:
                continue
            if way.kind == "stock" and item != target and need > self.hub_items.get(item, 0):
                return item, "stock"
            if way.kind == "fetch" and self._short(item, need, target) > way.capacity:
                return item, "fetch"
        return None

    def settle(self, target: str, count: int) -> None:
        """Choose the ways for `target`: fuels last, and a way that holds too little replaced
        by the next one (keeping it where there is no other)."""
        kept: set[tuple[str, str]] = set()
        for _ in range(32):
            if self.way(target) is None:
                return
            self._choose_fuels(target, count)
            short = self._shortage(target, count)
            if short is None or short in kept:
                return
            self.banned.add(short)
            self._forget()
            if self.way(target) is None or self.way(short[0]) is None:
                self.banned.discard(short)
                kept.add(short)
                self._forget()

    def _forget(self) -> None:
        """Drop every way chosen (after a ban), to choose again."""
        self.ways.clear()
        self._fuels = None

    def plan(self, target: str, count: int) -> list[Subtask]:
        self.settle(target, count)
        if self.way(target) is None:
            raise DecompositionError(f"no way to obtain {target!r} in task {self.task.id}: "
                                     f"no stock, chest, world source or recipe supplies it")
        order = self._topo(target)
        demand: dict[str, int] = {target: count}
        subtasks: list[Subtask] = []
        for item in order:
            need = demand.get(item, 0)
            if need <= 0:
                continue
            way = self.ways[item]
            assert way is not None
            if item == target:
                subtasks.append(self._subtask(way, need, keep=True, demand=demand))
                continue
            short = need - self.hub_items.get(item, 0)
            if way.kind == "stock" or short <= 0:
                continue
            subtasks.append(self._subtask(way, short, keep=False, demand=demand))
        return subtasks

    def _subtask(self, way: _Way, need: int, keep: bool, demand: dict[str, int]) -> Subtask:
        if way.kind == "stock":  # the dish itself is in the hub: take it in hand
            return Subtask(id=f"fetch:{way.item}", kind="fetch", target=way.item, count=need,
                           station=self.hub, keep=keep, rules=[self.stock_rule(way.item) or ""],
                           seconds=walk_s(self.hub, self.hub) + 1.0)
        ops, inputs = self._ops(way, need)
        for i, n in inputs.items():
            demand[i] = demand.get(i, 0) + n
        if way.tool and way.kind in ("craft", "smelt", "harvest"):
            demand[way.tool] = max(demand.get(way.tool, 0), 1)
        rule_ids = ([way.rule.id] if way.rule else []) + way.extra_rules
        rule_ids += [r for r in (self.stock_rule(i) for i in inputs) if r]
        if way.tool and self.stock_rule(way.tool):
            rule_ids.append(self.stock_rule(way.tool) or "")
        # items to deliver; a recipe makes whole batches
        count = ops * int(way.per_op) if way.kind == "craft" else need
        here = way.station or (way.sites[0] if way.sites else None)
        seconds = walk_s(self.hub, here)
        if way.kind == "craft":
            seconds += CRAFT_S * ops
        elif way.kind == "smelt":
            seconds += (way.rule.seconds if way.rule else 10.0) * ops
        elif way.kind == "milk":
            seconds += MILK_S * ops
        elif way.kind == "kill":
            seconds += KILL_S * ops
        elif way.kind == "harvest":
            info = self.rules.blocks.get(way.source or "")
            hardness = info.hardness if info and info.hardness else 0.0
            seconds += (1.5 * hardness + DIG_BASE_S) * ops
        elif way.kind == "fetch":
            seconds += 1.0
        target = way.item
        return Subtask(id=f"{way.kind}:{target}", kind=way.kind,  # type: ignore[arg-type]
                       target=target, count=count, inputs=inputs, source=way.source,
                       sites=way.sites, station=way.station, tool=way.tool, keep=keep,
                       rules=list(dict.fromkeys(rule_ids)), seconds=round(seconds, 3))

    def _topo(self, target: str) -> list[str]:
        """Items reachable from target through the chosen ways, parents before inputs."""
        seen: list[str] = []
        mark: set[str] = set()

        def visit(item: str) -> None:
            if item in mark:
                return
            mark.add(item)
            way = self.way(item)
            if way is not None:
                deps = list(way.inputs) + ([way.fuel] if way.fuel else []) + \
                    ([way.tool] if way.tool and way.kind in ("craft", "smelt", "harvest")
                     else [])
                for dep in deps:
                    visit(dep)
            seen.append(item)

        visit(target)
        return list(reversed(seen))


def _cooking(task: TaskSpec, goal: CookingGoal, rules: Rulebook) -> list[Subtask]:
    count = next((c.count for c in goal.check_points if c.item == goal.target), 1)
    return _Supplier(task, rules).plan(goal.target, count)


# --- construction ------------------------------------------------------------------------


def upper_halves(blueprint: Iterable[BlueprintBlock]) -> set[Pos]:
    """The cells of a blueprint that are the upper half of a door listed below them: placing
    the lower half (one door item) makes both, so the upper one is never placed on its own.
    Pairs are taken from the bottom up (two doors stacked are lower, upper, lower, upper)."""
    doors = sorted((b for b in blueprint if b.name.endswith("_door")),
                   key=lambda b: (b.pos[0], b.pos[2], b.pos[1]))
    names = {b.pos: b.name for b in doors}
    upper: set[Pos] = set()
    for b in doors:
        x, y, z = b.pos
        if (x, y - 1, z) not in upper and names.get((x, y - 1, z)) == b.name:
            upper.add(b.pos)
    return upper


def place_groups(blueprint: list[BlueprintBlock], size: int = PLACE_GROUP
                 ) -> list[list[BlueprintBlock]]:
    """Blueprint blocks grouped by layer (y) and material, nearby blocks together (sorted by
    x then z), at most `size` per group; groups ordered by y, material, first position. The
    upper half of a door goes with its lower half (`upper_halves`), placed by it."""
    upper = upper_halves(blueprint)
    by_key: dict[tuple[int, str], list[BlueprintBlock]] = {}
    for b in blueprint:
        if b.name == "air" or b.pos in upper:
            continue
        by_key.setdefault((b.pos[1], b.name), []).append(b)
    groups: list[list[BlueprintBlock]] = []
    for key in sorted(by_key):
        row = sorted(by_key[key], key=lambda b: (b.pos[0], b.pos[2]))
        groups += [row[i:i + size] for i in range(0, len(row), size)]
    above = {(b.pos[0], b.pos[1] - 1, b.pos[2]): b for b in blueprint if b.pos in upper}
    return [group + [above[b.pos] for b in group if b.pos in above] for group in groups]


def place_inputs(blocks: Iterable[BlueprintBlock], rules: Rulebook) -> dict[str, int]:
    """The items that place `blocks` ({item: count}, `Rulebook.placement`: wheat from wheat
    seeds, a wall torch from a torch, fire from one flint and steel, which is not used up)."""
    blocks = list(blocks)
    upper = upper_halves(blocks)
    need: dict[str, int] = {}
    for b in blocks:
        if b.pos in upper:
            continue  # made with its lower half
        found = rules.placement(b.name)
        if found is None or found.item is None:
            continue
        for item, n in found.cost().items():
            need[item] = need.get(item, 0) + n
        if found.kept:
            need[found.item] = max(need.get(found.item, 0), 1)
    return need


def _construction(task: TaskSpec, blueprint: list[BlueprintBlock], rules: Rulebook
                  ) -> list[Subtask]:
    supplier = _Supplier(task, rules)
    hub = supplier.hub
    subtasks: list[Subtask] = []
    counter: dict[tuple[int, str], int] = {}
    for group in place_groups(blueprint):
        name, y = group[0].name, group[0].pos[1]
        k = counter.get((y, name), 0)
        counter[(y, name)] = k + 1
        inputs = place_inputs(group, rules)
        stock = [r for r in (supplier.stock_rule(i) for i in inputs) if r]
        far = max(distance(hub, b.pos) for b in group) if hub else 0.0
        subtasks.append(Subtask(
            id=f"place:{name}:y{y}:{k}", kind="place", target=name, count=len(group),
            inputs=inputs, blocks=group, sites=[b.pos for b in group], rules=stock,
            seconds=round(2 * far / WALK_SPEED + PLACE_S * len(group), 3)))
    needed = place_inputs([b for b in blueprint if b.name != "air"], rules)
    made: dict[str, str] = {}
    extra: list[Subtask] = []
    for name, n in sorted(needed.items()):  # materials the hub lacks come from elsewhere
        if supplier.hub_items.get(name, 0) >= n:
            continue
        if supplier.way(name) is None:
            raise DecompositionError(f"no way to obtain {n} {name!r} for the blueprint of "
                                     f"{task.id}")
        for sub in supplier.plan(name, n - supplier.hub_items.get(name, 0)):
            if sub.target == name and sub.rules:
                made[name] = sub.rules[0]
            extra.append(sub.model_copy(update={"keep": False}))
    # a place subtask rests on the rules that supply its items
    subtasks = [s.model_copy(update={"rules": list(dict.fromkeys(
        [*s.rules, *(made[i] for i in s.inputs if i in made)]))}) for s in subtasks]
    return subtasks + extra


# --- escape ------------------------------------------------------------------------------


def is_mechanism(block: str) -> bool:
    return block == "lever" or block.endswith("_button") or block.endswith("_pressure_plate")


def opens_exit(trigger: Trigger) -> bool:
    """A trigger opens its room's exit when it clears or opens a block, or teleports."""
    for e in trigger.effects:
        if e.kind == "teleport":
            return True
        if e.kind == "set_block" and (e.block in ("air", "cave_air")
                                      or e.state.get("open") is True):
            return True
    return False


def carriers(task: TaskSpec, rules: Rulebook) -> dict[tuple[str, int], Trigger]:
    """Conditions a player reaches only by another trigger's teleport: (trigger id, index of
    the condition) -> the carrying trigger.

    Trigger T1 carries to condition c of trigger T2 (T1 != T2, same room) when one player
    fires T1 alone by standing on its pressure plate, a teleport of T1 takes whoever stands
    there (the plate lies within the effect's radius), the player lands (falling from the
    target, as the sim does) within CARRY_NEAR of c, and no walk from the plate in the world
    as built comes that near c. Escape atom 8 is the case: a plate lifts its player to a
    ledge, where the only button of the next trigger is.
    """
    triggers = task.world.triggers
    if not triggers:
        return {}
    walker = world_walker(task.world, rules.blocks)
    out: dict[tuple[str, int], Trigger] = {}
    for t1 in triggers:
        if len(t1.conditions) != 1 or trigger_agents(t1) != 1 \
                or not t1.conditions[0].block.endswith("_pressure_plate"):
            continue
        plate = t1.conditions[0].pos
        feet = (plate[0] + 0.5, plate[1], plate[2] + 0.5)
        landings = [walker.landing(e.to) for e in t1.effects if e.kind == "teleport"
                    and e.to is not None
                    and distance(feet, (e.pos[0] + 0.5, e.pos[1], e.pos[2] + 0.5)) <= e.radius]
        for t2 in triggers:
            if t2.id == t1.id or t2.room != t1.room:
                continue
            for i, c in enumerate(t2.conditions):
                spot = (c.pos[0] + 0.5, c.pos[1], c.pos[2] + 0.5)
                if (t2.id, i) in out or not any(
                        distance((p[0] + 0.5, p[1], p[2] + 0.5), spot) <= CARRY_NEAR
                        for p in landings):
                    continue
                if walker.find(plate, c.pos, CARRY_NEAR) is None:
                    out[(t2.id, i)] = t1
    return out


def gathering(trigger: Trigger, walker: Walker) -> tuple[Pos, float] | None:
    """Where the players must gather when `trigger` fires, and within what distance: the
    position and radius of a teleport that takes players where no walk goes (into the next
    room, past a closed exit). A player left out stays behind for good. None when the trigger
    has no such teleport."""
    for e in trigger.effects:
        if e.kind != "teleport" or e.to is None:
            continue
        start = walker.landing(e.pos)
        if walker.find(start, walker.landing(e.to), 1.0) is None:
            return e.pos, e.radius
    return None


def carried_within(radius: float) -> float:
    """How near a teleport's position a player waits to be taken by it: within `radius`
    less `CELL_SLACK` (at most CARRY_NEAR; 0, the cell itself, for a reach under a cell).

    >>> carried_within(2.0), carried_within(7.0), carried_within(0.5)
    (1.25, 2.0, 0.0)
    """
    return max(0.0, min(CARRY_NEAR, radius - CELL_SLACK))


def stand_to_be_carried(trigger: Trigger, cond: Condition,
                        role: dict[str, object]) -> dict[str, object]:
    """The role of a lever's or button's player (`activate` from up to 2 blocks away) whose
    own trigger teleports whoever is near that lever on: it stands within the teleport's
    reach less `CELL_SLACK` (`{"at": pos, "within": d, "steps": [activate]}`), so that the
    teleport takes it on the server too, where its feet are anywhere in the cell it
    stopped in. Any other role is returned as is."""
    if role.get("name") != "activate":
        return role
    centre = feet_center(cond.pos)
    for e in trigger.effects:
        if e.kind == "teleport" and e.to is not None and effect_reaches(e, centre):
            # near the lever, and so within the reach less the slack of the teleport's centre
            off = distance(centre, feet_center(e.pos))
            within = carried_within(e.radius - off)
            if within >= CARRY_NEAR:
                return role  # where the brain acts from anyway
            if within >= 1.0:
                return {"at": list(cond.pos), "within": within, "steps": [role]}
            return {"at": list(e.pos), "within": carried_within(e.radius), "steps": [role]}
    return role


def trigger_roles(trigger: Trigger, occupied: frozenset[Pos] = frozenset(),
                  via: dict[int, dict[str, object]] | None = None) -> list[dict[str, object]]:
    """One action per role (an `env.actions` action as a dict): step on a plate, activate a
    lever or button, or, for a block condition, `{"steps": [dig, place]}` (the dig only when
    a block is in `occupied` at that position). `via` maps a condition's index to the action
    that carries a player there (see `carriers`): that role becomes
    `{"via": [carry], "steps": [...]}`, done by one player in that order. (`_escape` adds
    roles `{"at": pos, "within": d, "steps": [wait]}` for players who only gather by a
    teleport: see `gathering`.)"""
    roles: list[dict[str, object]] = []
    for c in trigger.conditions:
        if c.block.endswith("_pressure_plate"):
            roles.append({"name": "step_on", "pos": list(c.pos),
                          "hold_s": max(2.0, trigger.window_s)})
        elif is_mechanism(c.block):
            roles.append({"name": "activate", "pos": list(c.pos)})
        else:
            steps: list[dict[str, object]] = []
            if c.pos in occupied:
                steps.append({"name": "dig", "pos": list(c.pos)})
            steps.append({"name": "place", "item": c.block, "pos": list(c.pos)})
            roles.append({"steps": steps})
    for i, carry in sorted((via or {}).items()):
        role = roles[i]
        roles[i] = {"via": [carry], "steps": role["steps"] if "steps" in role else [role]}
    return roles


def trigger_agents(trigger: Trigger) -> int:
    """Players needed at once: an "and" trigger wants all its conditions within `window_s`
    of each other, so each condition (plate, lever, button, block) gets its own player, one
    role each; an "or" trigger needs one (or its `min_players`)."""
    if trigger.mode == "or":
        return max(1, trigger.min_players)
    return max(1, len(trigger.conditions), trigger.min_players)


def _chest_stock(task: TaskSpec) -> dict[Pos, dict[str, int]]:
    """What each unlocked container holds at the start (a locked one wants a key first)."""
    return {c.pos: dict(c.items) for c in task.world.containers if c.lock is None}


def _take_from(stock: dict[Pos, dict[str, int]], item: str, near: Pos) -> Pos | None:
    """The unlocked container nearest `near` that still holds `item`, one taken from it
    (`stock` is updated); None when none holds it."""
    held = [pos for pos, items in stock.items() if items.get(item, 0) > 0]
    if not held:
        return None
    pos = min(held, key=lambda p: (distance(p, near), p))
    stock[pos][item] -= 1
    return pos


def _escape(task: TaskSpec, goal: EscapeGoal, rules: Rulebook) -> list[Subtask]:
    """One `trigger` subtask per trigger. A block condition's player brings the block: from
    what the players start with (`world.agent_items`), or a trigger gives it, or else it is
    taken from the nearest unlocked container holding one (a `fetch` list of `take` actions
    on the role, done before going to the condition); anything else is obtained the cooking
    ways (`_Supplier.plan`: a locked chest's key, a recipe...), delivered to the hub and
    taken from there (kept by whoever got it when there is no hub)."""
    triggers = {t.id: t for t in task.world.triggers}
    supplier = _Supplier(task, rules)
    given = {e.item for t in triggers.values() for e in t.effects if e.kind == "give" and e.item}
    subtasks: list[Subtask] = []
    stock = _chest_stock(task)
    players = max(1, task.agents or task.min_agents or 1)
    held = {i: n * players for i, n in task.world.agent_items.items() if n > 0}
    short: dict[str, int] = {}
    origin = task.world.spawn[0] if task.world.spawn else None
    occupied = frozenset(b.pos for b in task.world.blocks if b.name not in ("air", "cave_air"))
    carried = carriers(task, rules)
    folded = {t.id for t in carried.values()}
    walker = world_walker(task.world, rules.blocks)
    for room in sorted(goal.rooms, key=lambda r: r.index):
        for tid in room.triggers:
            if tid not in triggers:
                raise DecompositionError(f"room {room.index} of {task.id} names trigger {tid!r}, "
                                         f"which the world does not define")
            if tid in folded:
                continue  # fired on the way, by the role it carries (see `carriers`)
            t = triggers[tid]
            mine = {i: c for (cid, i), c in carried.items() if cid == tid}
            roles = trigger_roles(t, occupied, {i: trigger_roles(c)[0] for i, c in mine.items()})
            fetch_s = 0.0
            fetch_rules: list[str] = []
            for i, c in enumerate(t.conditions):
                if is_mechanism(c.block) or c.block in given:
                    continue
                if held.get(c.block, 0) > 0:
                    held[c.block] -= 1
                    continue
                chest = _take_from(stock, c.block, c.pos)
                if chest is None:  # made (or fetched with a key) and brought to the hub;
                    short[c.block] = short.get(c.block, 0) + 1  # with no hub, kept in hand
                    chest = supplier.hub
                    if chest is None:
                        continue
                else:
                    fetch_rules.append(f"container:{pos_key(chest)}:{c.block}")
                roles[i] = {**roles[i], "fetch": [
                    {"name": "take", "pos": list(chest), "item": c.block, "count": 1}]}
                fetch_s += walk_s(chest, c.pos) / 2 + 1.0
            carry_s = sum(max(2.0, c.window_s) for c in mine.values())  # standing on the plate
            agents = trigger_agents(t)
            # A merge stage's task per player (`room.parts`): each player is taken by its
            # own copy's teleport, so nobody gathers at another's.
            own_part = len(room.parts) > 1 and any(tid in part for part in room.parts)
            meet = None if own_part else gathering(t, walker)
            if meet is not None and task.agents is not None and task.agents > agents:
                # the others come along, to be within the teleport's reach when it fires
                pos, radius = meet
                roles += [{"at": list(pos), "within": carried_within(radius),
                           "steps": [{"name": "wait", "seconds": GATHER_WAIT_S}]}
                          ] * (task.agents - agents)
                agents = task.agents
            roles = [stand_to_be_carried(t, c, role) for c, role in zip(t.conditions, roles,
                                                                         strict=False)] \
                + roles[len(t.conditions):]
            far = max((distance(origin or room.origin, c.pos) for c in t.conditions), default=0.0)
            hold = max((float(r.get("hold_s", 0.0)) for r in roles), default=0.0)  # type: ignore[arg-type]
            subtasks.append(Subtask(
                id=f"trigger:{tid}", kind="trigger", target=tid,
                sites=[c.pos for c in t.conditions], actions=roles,
                agents=agents, room=room.index,
                rules=[f"trigger:{tid}"] + sorted({f"trigger:{c.id}" for c in mine.values()})
                + sorted(r.id for r in rules.rules.values()
                         if r.kind == "trigger" and (tid in r.inputs or (
                             r.id.startswith("after:") and r.output == tid)))
                + sorted(set(fetch_rules) & set(rules.rules)),
                seconds=round(far / WALK_SPEED + ACT_S + hold + carry_s + fetch_s, 3)))
    for name, n in sorted(short.items()):
        if supplier.way(name) is None:
            raise DecompositionError(f"no way to obtain {name!r} for a trigger of {task.id}")
        subtasks += supplier.plan(name, n)
    return [s.model_copy(update={"keep": False}) for s in subtasks]
