"""The in-process simulator: the whole world in memory, in virtual time.

Every action is checked again with its own `check()` (the Judger's test) and then run whole:
`execute` returns at once with the action's virtual duration. The Judger runs actions in
start-time order, so plates, buttons and levers keep their powered intervals in virtual time,
and two agents' holds that overlap in time count as simultaneous for a trigger.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from env.actions import (
    BUTTONS,
    PLATES,
    WALK_SPEED,
    Action,
    Activate,
    Craft,
    Dig,
    Kill,
    Milk,
    MoveTo,
    Place,
    Put,
    Smelt,
    StepOn,
    Take,
    Wait,
)
from env.attack import weapon
from env.backend import Observation, Outcome
from env.block_states import full_state
from env.capacity import container_slots, spread_put, spread_take, stack_size, stocked
from env.chests import is_chest, placed_chest, set_shape, shape_updates, sneaks
from env.connections import reconnected
from env.dig import left_behind
from env.durations import DURATIONS, kill_seconds, not_before
from env.gravity import rest_height
from env.gravity import settle as gravity_settle
from env.ground import GroundStack, dropped, nearest_ground
from env.loot import SILK_TOUCH, entity_drops
from env.loot import drops as loot_drops
from env.placing import click_side, head_cell, nearest_looking, placing_extras, reshaped
from env.redstone import (
    is_plate,
    is_source,
    settle,
    weighted_power,
)
from env.refusals import Code, Refusal, refuse
from env.replaceable import grown
from env.rulebook import (
    CRAFT_S,
    LEFTOVERS,
    MILK_S,
    Rulebook,
    button_seconds,
    load_rulebook,
    world_problem,
)
from env.sim.ground import despawn, pick_up
from env.sim.path import Walker, path_length
from env.sim.power import plate_crossings, plate_exit, power_edges
from env.sim.state import Container, SimState, Walk, ground_block, same_state, truthy
from env.sim.triggers import Hold, add_hold, covers, earliest_any, earliest_together
from env.support import OPPOSITE, STEP, looking, placed_state, popped, two_tall
from env.world import (
    BlockState,
    Condition,
    Effect,
    EntityState,
    FPos,
    Pos,
    StateValue,
    Trigger,
    WorldSetup,
    distance,
    effect_reaches,
    feet_center,
)

TAKE_S = DURATIONS["take_s"]
PUT_S = DURATIONS["put_s"]
CHEST_AGAIN_S = DURATIONS["chest_again_s"]
PLACE_S = DURATIONS["place_s"]
ACTIVATE_S = DURATIONS["activate_s"]
MOVE_OVERHEAD_S = DURATIONS["move_overhead_s"]
CENTRE_S = DURATIONS["centre_s"]
DIG_OVERHEAD_S = DURATIONS["dig_overhead_s"]
SMELT_OVERHEAD_S = DURATIONS["smelt_overhead_s"]
HARVEST_DIVISOR = 30.0
NO_HARVEST_DIVISOR = 100.0
TICKS_PER_S = 20.0
SEE_RADIUS = 32.0
CONTAINERS = ("chest", "trapped_chest", "barrel")

Apply = Callable[[], None]
Plan = Refusal | tuple[float, Apply]
"""What a handler gives: a refusal, or the duration and the change to make."""


def dig_seconds(block: str, inventory: dict[str, int], rules: Rulebook) -> float:
    """How long digging `block` takes with the fastest tool in `inventory` (or a hand), as
    vanilla 1.19.2 times it (minecraft.wiki, Breaking; mineflayer's `digTime`, which the
    server's bots wait): each tick does speed / hardness / 30 of the block (/ 100 when the
    block needs a tool that is not held), speed being the tool's multiplier on the block's
    material (1 by hand); the block breaks after ceil(1 / that) ticks of 1/20 s, at once
    when one tick is enough (hardness 0: crops, torches).

    >>> from env.rulebook import load_rulebook
    >>> dig_seconds("coal_ore", {"wooden_pickaxe": 1}, load_rulebook())
    2.25
    """
    info = rules.blocks.get(block)
    hardness = info.hardness if info is not None and info.hardness is not None else 0.0
    if hardness <= 0:
        return 0.0
    held = [item for item, n in inventory.items() if n > 0]
    best = math.inf
    for item in [None, *held]:
        speed = info.speeds.get(item, 1.0) if info is not None and item is not None else 1.0
        harvests = info is None or not info.tools or item in info.tools
        per_tick = speed / hardness / (HARVEST_DIVISOR if harvests else NO_HARVEST_DIVISOR)
        ticks = 0 if per_tick > 1 else math.ceil(1 / per_tick - 1e-9)
        best = min(best, ticks / TICKS_PER_S)
    return round(best, 6)


def cell_of(pos: FPos) -> Pos:
    return (math.floor(pos[0]), math.floor(pos[1] + 1e-6), math.floor(pos[2]))


def _is_powerable(name: str) -> bool:
    return name == "lever" or name.endswith(BUTTONS) or name.endswith(PLATES)


def _key(pos: Pos) -> str:
    return ",".join(str(v) for v in pos)


class SimBackend:
    """`env.backend.Backend` in process and in virtual time.

    Durations: walking path length / WALK_SPEED; take, put, place, activate 0.5 s; craft 1 s
    per time; smelt 10 s per item; dig by hardness (`dig_seconds`); kill by the animal's
    health and the weapon held (`env.durations.kill_seconds`); milk 1 s; step_on the walk
    plus `hold_s`. A lever, button or door changes at the action's end (the click, as a bot
    turns to it first); a plate is held from the agent's arrival until its box leaves the
    plate on a later walk (or a teleport takes it away), and a walk presses the plates it
    passes over while the box touches them. Doors, trapdoors and fence gates near a source
    that turns on or off open or shut at that moment (`env.redstone`), and a walk sees them
    as they are at its start. Drops by chance and drop
    counts (env/data/loot.json: 2-5 raw copper, 1-3 beef) are rolled with a generator seeded
    with `seed`. What does not fit an inventory (a dig's drop, a kill's loot, a trigger's give,
    a milk bucket) lies at the agent's feet and is picked up by the rules of env/ground.py at
    the moments env/sim/ground.py names (an action's start and end, along a walk, `advance`).
    `view()` is the
    live state (call it after `build`), `snapshot()` a plain-data copy for comparisons,
    `clone()` an independent world.
    """

    name = "sim"
    realtime = False
    pause_s = DURATIONS["pause_s"]

    def __init__(self, rules: Rulebook, seed: int = 0) -> None:
        self.rules = rules
        self.seed = seed
        self.rng = random.Random(seed)
        """Rolls the drops that come by chance (a sapling from leaves) and drop counts, seeded."""
        self._full_rules = load_rulebook()  # the game's own rules, to tell a changed one
        self.state = SimState()
        self.world = WorldSetup()
        self._closed = False
        self.walker = Walker(self.state.block, rules.blocks, self.world.bounds)
        self._handlers: dict[str, Callable[[str, Action, float], Plan]] = {
            "move_to": self._move_to, "take": self._take, "put": self._put,
            "craft": self._craft, "smelt": self._smelt, "dig": self._dig,
            "place": self._place, "kill": self._kill, "milk": self._milk,
            "activate": self._activate, "step_on": self._step_on, "wait": self._wait,
            "rendezvous": self._rendezvous,
        }

    # -- Backend --------------------------------------------------------------------------
    def build(self, world: WorldSetup, agents: list[str]) -> None:
        """Lay out `world` on the superflat ground and spawn `agents` (cycling the spawn
        points), each holding `world.agent_items`."""
        if not agents:
            raise ValueError("build needs at least one agent")
        if len(set(agents)) != len(agents):
            raise ValueError(f"agent names repeat: {agents}")
        if not world.spawn:
            raise ValueError("world.spawn is empty: give at least one spawn point")
        problem = world_problem(world, self.rules)
        if problem:
            raise ValueError(f"world: {problem}")
        s = self.state
        s.reset()
        self.rng = random.Random(self.seed)
        self.world = world
        self.walker = Walker(s.block, self.rules.blocks, world.bounds)
        for spec in world.blocks:
            s.blocks[spec.pos] = BlockState(name=spec.name, state=dict(spec.state))
            if spec.name == "lever" and truthy(spec.state.get("powered")):
                s.powered[spec.pos] = [Hold(0.0, math.inf)]
                s.power_seen[spec.pos] = (0.0, True)
            # as the server's /setblock: the circuit around it settles (blocks placed so far)
            self._circuit(spec.pos, 0.0, lambda p: s.block(p))
            # and a block that falls over a free cell falls, as after the server's /setblock
            self._fall([spec.pos], 0.0)
            self._reconnect(spec.pos, 0.0)
            self._reshape_chests(spec.pos, 0.0, set_by_command=True)  # ChestBlock halves
        stock = stocked(world)
        for c in world.containers:
            state: dict[str, StateValue] = {"facing": c.facing}
            if is_chest(c.kind) and c.type != "single":
                state["type"] = c.type
            s.blocks[c.pos] = BlockState(name=c.kind, state=state)
            self._circuit(c.pos, 0.0, lambda p: s.block(p))
            self._reconnect(c.pos, 0.0)
            # as the server's /setblock: it and the chests beside it update (ChestBlock)
            self._reshape_chests(c.pos, 0.0, set_by_command=True)
            # a double chest's half holds what its 27 slots cannot in the other (capacity.py)
            s.containers[c.pos] = Container(stock[c.pos], c.kind, c.lock)
        counts: dict[str, int] = {}
        for e in world.entities:
            k = counts.get(e.type, 0)
            counts[e.type] = k + 1
            eid = f"{e.type}#{k}"
            s.entities_by_id[eid] = EntityState(id=eid, type=e.type, pos=e.pos)
        for i, agent in enumerate(agents):
            s.positions[agent] = feet_center(world.spawn[i % len(world.spawn)])
            s.inventories[agent] = {i: n for i, n in world.agent_items.items() if n > 0}

    def view(self, at: float | None = None) -> SimState:
        """The world as `check()` reads it; `at` (virtual s): the moment it is read at, so an
        agent still walking then is seen on its way (`SimState.now`)."""
        self.state.now = at
        return self.state

    def fired(self) -> set[str]:
        return set(self.state.fired)

    def close(self) -> None:
        self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed

    def observe(self, agent: str) -> Observation:
        s = self.state
        me = s.where(agent, None)
        near = sorted((distance(me, e.pos), e.id) for e in s.entities_by_id.values()
                      if distance(me, e.pos) <= SEE_RADIUS)
        return Observation(agent=agent, pos=me, inventory=dict(s.inventory(agent)),
                           entities=[s.entities_by_id[i] for _, i in near],
                           ground=nearest_ground(me, [GroundStack(item=g.item, count=g.count,
                                                                  pos=g.pos)
                                                      for g in s.ground]))

    def execute(self, agent: str, action: Action, start: float) -> Outcome:
        """Run `action` for `agent` from virtual time `start`. A refusal (the action's own
        `check`, or what only the simulator knows: a path, a lock) changes nothing."""
        s = self.state
        if agent not in s.positions:
            return Outcome.refused(refuse(Code.UNKNOWN_AGENT, agent=agent))
        self._collect_all(start)  # what agents standing still picked up meanwhile
        s.now = start  # other agents as they are then: one may be half-way along a walk
        try:
            refusal = action.check(s, agent, self.rules)
            if refusal is not None:
                return Outcome.refused(refusal)
            handler = self._handlers.get(action.name)
            if handler is None:
                return Outcome.refused(refuse(Code.CANNOT_RUN, backend=self.name,
                                              action=action.name))
            plan = handler(agent, action, start)
        finally:
            s.now = None
        if isinstance(plan, Refusal):
            return Outcome.refused(plan)
        seconds, apply = plan
        self._advance(start)
        walk_before = s.walks.get(agent)
        where = s.agent_pos(agent)
        apply()
        self._settle_touched()
        s.last_used[agent] = action.pos if isinstance(action, Take | Put) else None
        self._reach_late(agent, start)
        fired = self._fire_triggers(start + seconds)
        self._collect(agent, start, start + seconds, where, walk_before)
        return Outcome(ok=True, seconds=seconds, fired=fired)

    # -- for tests and the planner --------------------------------------------------------
    def advance(self, t: float) -> None:
        """Bring the world to virtual time `t` (no earlier than its clock): buttons and plates
        powered as they are then (an agent's hold on a plate begins on its arrival, after its
        step_on has started), so a view read now shows the world at `t`; every agent picks
        up the items it touches then (env/sim/ground.py)."""
        self._advance(t)
        self._collect_all(t)

    def snapshot(self) -> dict[str, object]:
        """The state as plain data: inventories, containers, blocks that differ from the
        superflat ground, fired triggers, agent positions and entities."""
        s = self.state
        blocks: dict[str, dict[str, object]] = {}
        for pos in sorted(s.blocks):
            b = s.blocks[pos]
            if b != ground_block(pos[1]):
                blocks[_key(pos)] = {"name": b.name, "state": dict(sorted(b.state.items()))}
        return {
            "inventories": {a: dict(sorted(inv.items())) for a, inv in sorted(
                s.inventories.items())},
            "containers": {_key(p): dict(sorted(c.items.items()))
                           for p, c in sorted(s.containers.items())},
            "blocks": blocks,
            "fired": sorted(s.fired),
            "positions": {a: list(p) for a, p in sorted(s.positions.items())},
            "entities": {i: [e.type, list(e.pos)] for i, e in sorted(s.entities_by_id.items())},
            "ground": [[g.item, g.count, list(g.pos)] for g in s.ground],
        }

    def clone(self) -> SimBackend:
        """An independent copy of this world (same rules, world setup and seed)."""
        other = SimBackend(self.rules, self.seed)
        other.rng.setstate(self.rng.getstate())
        other.world = self.world
        other.state = self.state.copy()
        other.walker = Walker(other.state.block, self.rules.blocks, self.world.bounds)
        return other

    # -- items on the ground (env/sim/ground.py) -------------------------------------------
    def _collect_all(self, t: float) -> None:
        """Every agent picks up the ground items it touches where it is at virtual time t
        (after the items gone by then despawn)."""
        s = self.state
        despawn(s.ground, t)
        if not s.ground:
            return
        for agent in s.positions:
            pick_up(s.ground, s.inventories[agent], agent, [(t, self.pos_at(agent, t))], t)

    def _collect(self, agent: str, start: float, end: float, where: FPos,
                 walk_before: Walk | None) -> None:
        """`agent`'s action ran from `start` to `end`: it picks up what it touched on the way,
        from `where` (its feet at `start`) along the walk the action made, if any, to where
        the action left it, standing there until `end`."""
        s = self.state
        despawn(s.ground, start)
        if not s.ground:
            return
        walk = s.walks.get(agent)
        path: list[tuple[float, FPos]] = [(start, where)]
        if walk is not None and walk is not walk_before and s.teleported.get(agent, -1.0) < start:
            t = walk.leave
            path.append((t, feet_center(walk.cells[0])))
            for a, b in zip(walk.cells, walk.cells[1:], strict=False):
                t += math.dist(a, b) / walk.speed
                path.append((min(t, end), feet_center(b)))
        path.append((end, s.agent_pos(agent)))
        pick_up(s.ground, s.inventories[agent], agent, path, end)

    # -- time and triggers ----------------------------------------------------------------
    def _advance(self, t: float) -> None:
        """Bring buttons and plates to their powered state at time t, the doors, trapdoors
        and fence gates near every source that changed since to theirs, and furnaces to their
        `lit` state (lit while their fire burns, as the game's block state follows it)."""
        s = self.state
        s.clock = max(s.clock, t)
        for pos, intervals in s.powered.items():
            b = s.blocks.get(pos)
            if b is None or b.name == "lever" or not is_source(b.name):
                continue
            now = _pressed_state(b, intervals, s.clock)
            if now != b:
                s.blocks[pos] = now
        for pos, until in s.lit_until.items():
            b = s.blocks.get(pos)
            lit = s.clock < until
            if b is not None and truthy(b.state.get("lit")) != lit:
                s.blocks[pos] = BlockState(name=b.name, state={**b.state, "lit": lit})
        self._power_through(s.clock)

    def _power_through(self, t: float) -> None:
        """Move the doors near each source that turned on or off up to time t (once each
        change), in the order of the changes."""
        s = self.state
        changes: list[tuple[float, Pos]] = []
        for pos, intervals in s.powered.items():
            b = s.blocks.get(pos)
            since, was = s.power_seen.get(pos, (0.0, False))
            if b is None or not is_source(b.name) or t < since:
                continue
            changes += [(at, pos) for at, _ in power_edges(intervals, since, t, was)]
            s.power_seen[pos] = (t, covers(intervals, t))
        for at, pos in sorted(changes):
            self._repower(pos, at, at)

    def _repower(self, source: Pos, at: float, when: float) -> None:
        """A source at `source` changed at virtual time `at`: the circuit around it settles
        with every lever, button and plate powered as its holds say at `when`
        (`env.redstone.settle`: doors open when they gain power and shut when they lose it,
        dust, torches and lamps follow)."""
        s = self.state

        def at_when(p: Pos) -> BlockState:
            b = s.block(p)
            if not is_source(b.name) or p not in s.powered:
                return b
            if b.name == "lever":
                on = covers(s.powered[p], when)
                return b if truthy(b.state.get("powered")) == on else BlockState(
                    name=b.name, state={**b.state, "powered": on})
            return _pressed_state(b, s.powered[p], when)

        self._circuit(source, at, at_when)

    def _circuit(self, changed: Pos, at: float, block: Callable[[Pos], BlockState]) -> None:
        """Settle the redstone circuit around a change at `changed` (virtual time `at`), the
        world read through `block`; the block at `changed` keeps the states it was set with
        when it is a torch, a lamp or a door (`env.redstone.settle`)."""
        s = self.state
        for pos, b in settle([changed], block, keep={changed}).items():
            s.blocks[pos] = b
            s.changed_at[pos] = at

    def _settle_touched(self) -> None:
        """Settle the circuit around each cell `set_block` changed, in the order they changed."""
        s = self.state
        while s.touched:
            pos, at = s.touched.pop(0)
            self._reconnect(pos, at)
            self._circuit(pos, at, s.block)

    def _reconnect(self, changed: Pos, at: float) -> None:
        """Fences, panes, walls and gates at `changed` and beside it take the connections
        their neighbours give them (env/connections.py), as after any block change in the game."""
        s = self.state
        for pos, b in reconnected(changed, s.block).items():
            s.blocks[pos] = b
            s.changed_at[pos] = at

    def _press_on_the_way(self, agent: str, walk: Walk, skip: Pos | None = None,
                          until: float | None = None) -> None:
        """The plates `walk` passes over (or by, on a diagonal step: the body is 0.6 wide)
        are pressed while the agent's box touches them, as on a server, which checks every
        move; one it ends on stays pressed until the agent walks on (open-ended hold). A walk
        a teleport cuts at `until` presses only what it touched before then."""
        s = self.state
        near: set[Pos] = set()
        for x, y, z in walk.cells:
            near |= {(x + dx, y + dy, z + dz) for dx in (-1, 0, 1) for dz in (-1, 0, 1)
                     for dy in (-1, 0, 1)}
        near.discard(walk.cells[0])  # the plate it starts on is left (`_leave_plates`)
        if skip is not None:
            near.discard(skip)
        plates = sorted(p for p in near if is_plate(s.block(p).name))
        for pos, on, off in plate_crossings(walk, plates):
            if until is not None:
                if on >= until:
                    continue
                off = min(off, until)
            stays = until is None and pos == walk.cells[-1] and off >= walk.arrive - 1e-9
            add_hold(s.powered.setdefault(pos, []), on, math.inf if stays else off, agent)

    def _leave_plates(self, agent: str, at: float) -> None:
        """`agent` steps off any plate it stands on at virtual time `at`: its open-ended
        holds there end (the plate stays pressed while another agent stands on it)."""
        for pos, holds in self.state.powered.items():
            if is_plate(self.state.block(pos).name):
                holds[:] = [h._replace(off=max(h.on, at)) if h.agent == agent
                            and h.off == math.inf else h for h in holds]

    def _spans(self, cond: Condition) -> list[Hold]:
        """When the condition holds, as holds in virtual time."""
        s = self.state
        b = s.block(cond.pos)
        if b.name != cond.block:
            return []
        for k, v in cond.state.items():
            if k != "powered" and not same_state(b.state.get(k), v):
                return []
        since = s.changed_at.get(cond.pos, 0.0)
        if "powered" not in cond.state:
            return [Hold(since, math.inf)]
        want = truthy(cond.state["powered"])
        if _is_powerable(b.name) and want:
            return [Hold(max(h.on, since), h.off, h.agent) for h in s.powered.get(cond.pos, [])
                    if h.off > since]
        now = covers(s.powered.get(cond.pos, []), s.clock) if _is_powerable(b.name) \
            else truthy(b.state.get("powered"))
        return [Hold(since, math.inf)] if now == want else []

    def _fire_triggers(self, now: float) -> list[str]:
        s = self.state
        fired: list[str] = []
        progress = True
        while progress:
            progress = False
            for trig in self.world.triggers:
                if trig.id in s.fired:
                    continue
                spans = [self._spans(c) for c in trig.conditions]
                at = earliest_together(spans, trig.window_s, trig.min_players) \
                    if trig.mode == "and" else earliest_any(spans)
                if at is None:
                    continue
                at = max(at, 0.0)
                s.fired[trig.id] = at
                fired.append(trig.id)
                self._apply_effects(trig, at)
                progress = True
        return fired

    def _apply_effects(self, trig: Trigger, at: float) -> None:
        s = self.state
        self._power_through(at)  # a plate pressed before the trigger fired moved its doors
        for eff in trig.effects:
            if eff.kind == "set_block":
                s.set_block(eff.pos, BlockState(name=eff.block or "air", state=dict(eff.state)),
                            at)
                # What the old block held pops off (env/data/support.json), as after any
                # block change in the game; no player broke it, so its loot lies in its cell
                # (Block.updateOrDestroy: Level.destroyBlock with its drops).
                gone = popped(eff.pos, s.block, cleared=False)
                drops: list[tuple[Pos, str, int]] = []
                for cell in gone:
                    drops += [(cell, item, n) for item, n in self._pop_loot(s.block(cell))]
                    s.set_block(cell, _AIR, at)
                self._reshape_chests(eff.pos, at, set_by_command=True)
                self._fall([eff.pos, *gone], at, drops)
                self._settle_touched()
            else:
                for agent in self._agents_near(eff, at):
                    self._reach(trig.id, eff, agent, at)
        self._settle()

    def _reach(self, trigger_id: str, eff: Effect, agent: str, at: float) -> None:
        """A trigger's give or teleport effect on one agent it reaches, at virtual time `at`."""
        s = self.state
        s.reached.setdefault(trigger_id, set()).add(agent)
        if eff.kind == "give" and eff.item:  # as /give: what does not fit lies at its feet
            s.give(agent, eff.item, eff.count, at=at, kind="give_overflow",
                   where=self.pos_at(agent, at))
        elif eff.kind == "teleport" and eff.to is not None:
            self._leave_plates(agent, s.fired.get(trigger_id, s.clock))
            s.positions[agent] = feet_center(eff.to)
            s.walks.pop(agent, None)  # the walk ends here, as a bot's does
            s.teleported[agent] = at

    def _reach_late(self, agent: str, start: float) -> None:
        """Actions run in start-time order, so a trigger that an earlier-run action fired at a
        moment after `start` had its effects applied before this agent's action, begun at
        `start`, was known: a walk of it under way at that moment was missed. As on the
        server (where the two happen at once), each give or teleport of such a trigger
        reaches the agent if it is within reach where the action has it at that moment."""
        s = self.state
        late = sorted((at, tid) for tid, at in s.fired.items()
                      if at > start and agent not in s.reached.get(tid, set()))
        if not late:
            return
        triggers = {t.id: t for t in self.world.triggers}
        for at, tid in late:
            for eff in triggers[tid].effects:
                if eff.kind in ("give", "teleport") and effect_reaches(eff, self.pos_at(agent, at)):
                    self._reach(tid, eff, agent, at)
        self._settle()

    def pos_at(self, agent: str, t: float) -> FPos:
        """Where `agent` is at virtual time `t`: along its walk while it walks (a walk is
        applied whole when it starts, but an agent is only part of the way at any moment
        of it, and a trigger's give or teleport reaches it there, as on a server)."""
        return self.state.where(agent, t)

    def _agents_near(self, eff: Effect, at: float) -> list[str]:
        return [a for a in self.state.positions if effect_reaches(eff, self.pos_at(a, at))]

    def _settle(self) -> None:
        """Agents whose floor is gone fall to the next block down."""
        s = self.state
        for agent, p in list(s.positions.items()):
            x, y, z = cell_of(p)
            landed = self.walker.landing((x, y, z))[1]
            if landed != y:
                s.positions[agent] = (p[0], float(landed), p[2])

    # -- actions --------------------------------------------------------------------------
    def _walk(self, agent: str, goal: Pos, at: float,
              within: float = 0.0) -> Refusal | list[Pos]:
        """A path from where `agent` stands to `goal`, through the world as it is at virtual
        time `at` (doors and trapdoors moved by power up to then)."""
        self._power_through(at)
        start = cell_of(self.state.agent_pos(agent))
        path = self.walker.find(start, goal, within)
        if path is None:
            if within == 0.0 and not self.walker.standable(goal):
                return refuse(Code.NOT_STANDABLE, pos=goal,
                              why=self.walker.why_not_standable(goal))
            return refuse(Code.NO_PATH, pos=goal, start=start)
        return path

    def _cut_before(self, agent: str, start: float) -> float | None:
        """The moment, after `start`, of a teleport that already put `agent` elsewhere: a
        trigger fired by an action run before this one (whose moment is later than this
        action's start) found the agent where it stood and teleported it. A walk begun at
        `start` was under way then, and ended there (as on the server, where both happen at
        once); None when no such teleport came."""
        tp = self.state.teleported.get(agent)
        return tp if tp is not None and tp > start else None

    def _move_to(self, agent: str, action: Action, start: float) -> Plan:
        assert isinstance(action, MoveTo)
        cut = self._cut_before(agent, start)
        if cut is not None:
            return cut - start, _nothing
        path = self._walk(agent, action.pos, start, action.within)
        if isinstance(path, Refusal):
            return path
        end = path[-1]
        walk = Walk(start + MOVE_OVERHEAD_S, tuple(path), WALK_SPEED)
        overhead = MOVE_OVERHEAD_S + (CENTRE_S if action.within == 0.0 else 0.0)
        seconds = path_length(path) / WALK_SPEED + overhead
        cut = self._teleported_at(agent, walk, start, start + seconds) if len(path) > 1 \
            else None

        def apply() -> None:
            if len(path) > 1:
                self._leave_plates(agent, plate_exit(walk))
                self._press_on_the_way(agent, walk, until=cut)
                self.state.positions[agent] = feet_center(end)
                self.state.walks[agent] = walk

        if len(path) <= 1:
            return 0.0, apply
        return (seconds if cut is None else cut - start), apply

    def _teleported_at(self, agent: str, walk: Walk, start: float, end: float) -> float | None:
        """The first moment in (start, end) at which a trigger already fired (by an action run
        before this one, `_reach_late`) teleports `agent` off `walk`: one of its teleport
        effects reaches where the walk has the agent then. As a bot's walk on the server ends
        where a teleport puts it (env/js/actions.js `walk`), the action ends at that moment.
        None when no teleport comes in time."""
        s = self.state
        triggers = {t.id: t for t in self.world.triggers}
        late = sorted((at, tid) for tid, at in s.fired.items()
                      if start < at < end and agent not in s.reached.get(tid, set()))
        for at, tid in late:
            where = walk.at(at)
            if any(eff.kind == "teleport" and eff.to is not None and effect_reaches(eff, where)
                   for eff in triggers[tid].effects):
                return at
        return None

    def _lock(self, agent: str, pos: Pos) -> Refusal | None:
        c = self.state.containers[pos]
        if c.lock and self.state.inventory(agent).get(c.lock, 0) < 1:
            return refuse(Code.LOCKED, kind=c.kind, pos=pos, key=c.lock)
        return None

    def _take(self, agent: str, action: Action, start: float) -> Plan:
        assert isinstance(action, Take)
        locked = self._lock(agent, action.pos)
        if locked:
            return locked
        s = self.state
        parts = [s.containers[c].items for c in s.chest_halves(action.pos)]

        def apply() -> None:
            # a double chest's right half's slots come first (env/chests.py `halves`)
            for items, n in zip(parts, spread_take(parts, action.item, action.count),
                                strict=True):
                left = items.get(action.item, 0) - n
                if left:
                    items[action.item] = left
                else:
                    items.pop(action.item, None)
            s.give(agent, action.item, action.count)

        # players take turns at the container: a double chest's, from either half
        return self._in_turn(s.chest_halves(action.pos)[0], start,
                             self._chest_seconds(agent, action.pos, TAKE_S),
                             apply)

    def _chest_seconds(self, agent: str, pos: Pos, first_s: float) -> float:
        """A take or put: `first_s` (turning to the chest, opening it), or chest_again_s
        right after another action at the same chest (the server's bot already faces it)."""
        return CHEST_AGAIN_S if self.state.last_used.get(agent) == pos else first_s

    def _in_turn(self, pos: Pos, start: float, own_s: float, apply: Callable[[], None]) -> Plan:
        """A take or put at a container players take turns at (env/data/stations.json
        `turns`): it waits for the one under way there, then takes `own_s`; answers its
        seconds from `start` (the wait counted) and an `apply` that holds the container."""
        s = self.state
        if not self.rules.station_turns(s.containers[pos].kind):
            return own_s, apply
        seconds = max(0.0, s.held_until.get(pos, 0.0) - start) + own_s

        def hold() -> None:
            apply()
            s.held_until[pos] = max(s.held_until.get(pos, 0.0), start + seconds)

        return seconds, hold

    def _put(self, agent: str, action: Action, start: float) -> Plan:
        assert isinstance(action, Put)
        locked = self._lock(agent, action.pos)
        if locked:
            return locked
        s = self.state
        cells = s.chest_halves(action.pos)
        parts = [s.containers[c].items for c in cells]
        slots = container_slots(s.container_kind(action.pos))

        def apply() -> None:
            s.take(agent, action.item, action.count)
            for items, n in zip(parts, spread_put(parts, action.item, action.count, slots),
                                strict=True):
                if n:
                    items[action.item] = items.get(action.item, 0) + n

        # players take turns at the container: a double chest's, from either half
        return self._in_turn(s.chest_halves(action.pos)[0], start,
                             self._chest_seconds(agent, action.pos, PUT_S),
                             apply)

    def _craft(self, agent: str, action: Action, start: float) -> Plan:
        assert isinstance(action, Craft)
        s = self.state
        found = action.consumption(s, agent, self.rules)
        if found is None:  # check() already refuses this; kept for a clear message
            return refuse(Code.NO_RECIPE, item=action.item)
        rule, used = found
        times = action.times

        def apply() -> None:
            for item, n in used.items():
                s.take(agent, item, n)
            s.give(agent, rule.output, int(rule.count) * times)
            for item, n in rule.byproducts.items():
                s.give(agent, item, n * times)

        return CRAFT_S * times, apply

    def _smelt(self, agent: str, action: Action, start: float) -> Plan:
        assert isinstance(action, Smelt)
        s = self.state
        rule = self.rules.get(f"smelt:{action.item}")
        pos = action.furnace
        station = s.block(pos).name  # furnace, smoker or blast_furnace: check() saw to it
        # One job at a time (env/data/stations.json): a second smelt waits for the first.
        busy = s.busy_until.get(pos, 0.0)
        if self.rules.station_exclusive(station) and busy > start + 1e-9:
            return refuse(Code.STATION_BUSY, station=station, pos=pos, free_at=not_before(busy))
        # A lit furnace burns on until its fuel is spent (its cook time per item a fuel is
        # worth there), so a smelt that follows another soon enough needs less new fuel, or none.
        cook_s = self.rules.smelt_seconds(action.item, station)
        burn_s = self.rules.fuel_value(action.fuel, station) * cook_s
        lit = s.lit_until.get(pos, 0.0)
        fuel = action.fuel_needed(self.rules, s.furnace_fire_s(pos, start), station)
        if s.inventory(agent).get(action.fuel, 0) < fuel + (
                action.count if action.fuel == action.item else 0):
            short = fuel - s.inventory(agent).get(action.fuel, 0)
            return refuse(Code.MISSING_ITEMS, what=f"{short} {action.fuel}",
                          missing={action.fuel: short})
        seconds = cook_s * action.count

        def apply() -> None:
            s.lit_until[pos] = max(lit, start) + fuel * burn_s
            s.busy_until[pos] = start + seconds + SMELT_OVERHEAD_S  # until its output is out
            s.take(agent, action.item, action.count)
            s.take(agent, action.fuel, fuel)
            s.give(agent, rule.output, int(rule.count) * action.count)
            if action.fuel in LEFTOVERS:
                s.give(agent, LEFTOVERS[action.fuel], fuel)

        return seconds + SMELT_OVERHEAD_S, apply

    def _drops(self, agent: str, block: BlockState) -> dict[str, int]:
        """What breaking `block` gives `agent`: its certain drops as its `mine:` rule says
        (so a counterfactual rule change shows), unless that rule needs shears the agent lacks,
        plus what the block's loot table (env/data/loot.json) gives by chance under its
        conditions (shears if the agent holds them; no silk touch), rolled with the world's
        seeded generator: leaves by hand give no leaves, and a sapling only now and then. A
        block that needs a harvest tool the agent lacks (stone by hand) gives nothing."""
        inv = self.state.inventory(agent)
        info = self.rules.blocks.get(block.name)
        if info is not None and info.tools and not any(inv.get(t, 0) > 0 for t in info.tools):
            return {}  # broken without its harvest tool: nothing (minecraft.wiki/w/Breaking)
        tools = {"shears"} if inv.get("shears", 0) > 0 else set()
        if any(n > 0 and i.endswith("_pickaxe") for i, n in inv.items()):
            tools.add("pickaxe")
        # every property, the game's default where none was set (a crop set with no age is
        # at age 0, as a server places it)
        state = full_state(block.name, block.state)
        age = int(state["age"]) if "age" in state else None
        rule = self.rules.rules.get(f"mine:{block.name}")
        ripe = self.rules.ripe_age(block.name)
        young = ripe is not None and age is not None and age < ripe
        if rule is None or young or rule == self._full_rules.rules.get(rule.id):
            # the game's table, as is: chances and counts rolled (2-5 raw copper); an unripe
            # crop's too (one seed), which its harvest rule (the ripe crop's) does not tell;
            # and a block with no sure drop to make a rule of (a melon stem's 0-3 seeds)
            return loot_drops(block.name, tools, age, self.rng, state=state)
        out: dict[str, int] = {}  # a counterfactual rule: its drops, and chance's on top
        if rule is not None and all(inv.get(t, 0) > 0 for t in rule.tools if t == "shears"):
            out[rule.output] = int(rule.count)
            for item, n in rule.byproducts.items():
                out[item] = out.get(item, 0) + n
        extra = loot_drops(block.name, tools, age, self.rng, certain=False, state=state)
        for item, n in extra.items():
            out[item] = out.get(item, 0) + n
        return out

    def _both_halves(self, pos: Pos) -> list[Pos]:
        """A two-block block's cells, the dug one first: a door (the other half is the same
        door just above or below), or a tall plant (tall grass, a large fern, a sunflower:
        its `half` says where the other is). Breaking either half breaks both, as vanilla's
        DoorBlock and DoublePlantBlock do; any other block is one cell."""
        block = self.state.block(pos)
        x, y, z = pos
        half = str(block.state.get("half", ""))
        if block.name.endswith("_door"):
            others = [(x, y + 1, z), (x, y - 1, z)]
        elif half in ("upper", "lower"):
            others = [(x, y - 1, z) if half == "upper" else (x, y + 1, z)]
        else:
            return [pos]
        return [pos] + [p for p in others if self.state.block(p).name == block.name][:1]

    def _dig(self, agent: str, action: Action, start: float) -> Plan:
        assert isinstance(action, Dig)
        s = self.state
        block = s.block(action.pos)
        seconds = dig_seconds(block.name, s.inventory(agent), self.rules)
        drops = self._drops(agent, block)
        container = s.containers.get(action.pos)
        cells = self._both_halves(action.pos)
        x, y, z = action.pos
        # ice over a block that blocks motion turns into water (env/data/dig.json)
        left = left_behind(block.name, s.block((x, y - 1, z)), SILK_TOUCH)

        def apply() -> None:
            for cell in cells:
                s.set_block(cell, _AIR, start + seconds)
            if left != _AIR.name:
                s.set_block(action.pos, BlockState(name=left), start + seconds)
            broke = start + seconds  # what does not fit lies at the digger's feet
            for item, n in drops.items():
                s.give(agent, item, n, at=broke)
            if container is not None:
                for item, n in container.items.items():
                    s.give(agent, item, n, at=broke)
            gone = self._pop_unheld(agent, cells, start + seconds)
            self._fall(cells + gone, start + seconds)  # what rested on them too
            self._reshape_chests(action.pos, start + seconds)
            self._settle()

        return seconds + DIG_OVERHEAD_S, apply

    def _pop_unheld(self, agent: str, removed: list[Pos], at: float) -> list[Pos]:
        """Blocks that lose their support with `removed` pop off (env/data/support.json):
        each goes, and its loot (a torch, a lever, a crop's seeds by its age) goes to
        `agent`, the player who broke the support, as the server's drops plugin hands it.
        Answers the cells they left (a block resting on one may fall now)."""
        s = self.state
        left: list[Pos] = []
        for cell in removed:
            for gone in popped(cell, s.block):
                left.append(gone)
                loot = self._pop_loot(s.block(gone))
                s.set_block(gone, _AIR, at)
                for item, n in loot:
                    s.give(agent, item, n, at=at)
        return left

    def _reshape_chests(self, pos: Pos, at: float, set_by_command: bool = False) -> None:
        """Chests beside `pos` join or leave a double chest with the block now at `pos`
        (env/chests.py `shape_updates`, ChestBlock.updateShape); their items stay. A chest
        `set_by_command` (the world build, a trigger: /setblock) first takes its own shape
        from its neighbours (`set_shape`)."""
        s = self.state
        own = set_shape(pos, s.block) if set_by_command else None
        if own is not None:
            s.blocks[pos] = own
            s.changed_at[pos] = at
        for cell, block in shape_updates(pos, s.block).items():
            s.blocks[cell] = block
            s.changed_at[cell] = at

    def _pop_loot(self, block: BlockState) -> list[tuple[str, int]]:
        """What `block` drops when it pops off with no tool (its loot, env/data/loot.json, by
        its state: a crop's default age is 0; a two-block-tall block's is its lower half's:
        one door, one plant)."""
        if str(block.state.get("half", "")) == "upper":
            return []
        state = full_state(block.name, block.state)
        age = state.get("age")
        return list(loot_drops(block.name, set(), int(age) if age is not None else None,
                               self.rng, state=state).items())

    def _fall(self, changed: list[Pos], at: float,
              drops: list[tuple[Pos, str, int]] | None = None) -> None:
        """Blocks that fall (env/data/gravity.json) at or above the `changed` cells fall at
        once, as the server's gravity plugin settles them: each leaves its cell and lands, or
        breaks and drops as its own item where it broke; what a fall leaves without support
        pops off and drops its loot in its cell (no player broke it: it goes to nobody's
        inventory). The items lie on the first block below their cell, once all have fallen,
        with `drops` (cell, item, count) already made by the change."""
        s = self.state
        drops = list(drops or [])
        for move in gravity_settle(changed, s.block):
            if move.dst != move.src:
                s.set_block(move.src, _AIR, at)
            if move.dst is not None:
                s.set_block(move.dst, move.block, at)
            if move.broke is not None:  # FallingBlockEntity.spawnAtLocation(block)
                drops.append((move.broke, move.block.name, 1))
            for pop in move.pops:
                s.set_block(pop.pos, _AIR, at)
                drops += [(pop.pos, item, n) for item, n in self._pop_loot(pop.block)]
        for (x, y, z), item, n in drops:
            where = (x + 0.5, rest_height((x, y, z), s.block), z + 0.5)
            while n > 0:  # one item entity per stack
                k = min(n, stack_size(item))
                n -= k
                s.ground.append(dropped(item, k, where, at, "block_drop"))

    def _solid(self, name: str) -> bool:
        info = self.rules.blocks.get(name)
        return info.solid if info is not None else True

    def _place(self, agent: str, action: Action, start: float) -> Plan:
        assert isinstance(action, Place)
        s = self.state
        here = s.block(action.pos)
        how = self.rules.placement(action.item)
        # a snow cover grows by a layer, a half slab becomes double (env/data/replaceable.json)
        more = grown(here.name, here.state, how.item) if how and how.item else None
        feet = s.agent_pos(agent)
        look = looking(feet, action.pos)
        state = more or placed_state(action.item, action.facing, look)
        if not more:  # what the click adds: six-way facing, half, hinge (env/placing.py)
            side = click_side(action.item, action.pos, action.facing, s.block,
                              self._solid, how.item if how else None)
            clicked = OPPOSITE[side] if side else None
            state = {**state, **placing_extras(
                action.item, action.facing, action.pos, look,
                nearest_looking(feet, action.pos), clicked, s.block)}
            if is_chest(action.item) and side is not None:  # joins a chest beside it
                dx, dy, dz = STEP[side]
                x, y, z = action.pos
                against = s.block((x + dx, y + dy, z + dz))
                joined = placed_chest(action.item, action.pos, str(state.get("facing", "north")),
                                      clicked, sneaks(against.name), s.block)
                state = {**state, **{k: v for k, v in joined.items() if v != "single"}}
        cells = [(action.pos, state)]
        if two_tall(action.item):  # both halves (check() saw the cell above free)
            x, y, z = action.pos
            shut = {"open": False} if action.item.endswith("_door") else {}
            cells = [(action.pos, {**state, **shut, "half": "lower"}),
                     ((x, y + 1, z), {**state, **shut, "half": "upper"})]
        head = head_cell(action.item, action.pos, action.facing, look)
        if head is not None:  # a bed's head (check() saw that cell free)
            cells.append((head, {**state, "part": "head"}))
        at = start + PLACE_S

        def apply() -> None:
            for item, n in (how.cost() if how else {action.item: 1}).items():
                s.take(agent, item, n)
            for item, n in (how.leaves if how else {}).items():
                s.give(agent, item, n)
            for cell, st in cells:
                s.set_block(cell, BlockState(name=action.item, state=st), at)
            # stairs take their corner shape from the stairs beside them, and reshape those
            for cell, block in reshaped(action.pos, s.block).items():
                s.set_block(cell, block, at)
            if action.item in CONTAINERS:
                s.containers[action.pos] = Container({}, action.item, None)
            self._reshape_chests(action.pos, at)
            self._fall([c for c, _ in cells], at)

        return PLACE_S, apply

    def _kill(self, agent: str, action: Action, start: float) -> Plan:
        assert isinstance(action, Kill)
        s = self.state
        target = action.target(s, agent)
        if target is None:
            return refuse(Code.NO_ENTITY, entity=action.entity)
        rule = self.rules.rules.get(f"kill:{action.entity}")
        held = weapon(s.inventory(agent))

        if rule is not None and rule == self._full_rules.rules.get(rule.id):
            # the game's table, as is: counts and chances rolled (a cow: 1-3 beef, 0-2 leather)
            loot = entity_drops(action.entity, self.rng)
        elif rule is not None:  # a counterfactual rule: its drops
            loot = {rule.output: int(rule.count), **rule.byproducts}
        else:
            loot = {}

        def apply() -> None:
            del s.entities_by_id[target]
            for item, n in loot.items():
                s.give(agent, item, n, at=start + seconds)

        seconds = kill_seconds(action.entity, held)
        return seconds, apply

    def _milk(self, agent: str, action: Action, start: float) -> Plan:
        assert isinstance(action, Milk)
        s = self.state
        rule = self.rules.get(f"milk:{action.entity}")

        def apply() -> None:
            # ItemUtils.createFilledResult: a last bucket becomes the milk bucket in place
            # (its slot freed by the take); else the milk bucket goes where it fits or, with
            # no room, is dropped at the feet (Player.drop: 40 ticks before a pickup).
            for item, n in rule.inputs.items():
                s.take(agent, item, n)
            s.give(agent, rule.output, int(rule.count), at=start + MILK_S, kind="player_drop")

        return MILK_S, apply

    def _activate(self, agent: str, action: Action, start: float) -> Plan:
        assert isinstance(action, Activate)
        s = self.state
        pos = action.pos
        block = s.block(pos)
        name = block.name

        # The block changes on the click that ends the action (a bot turns to it, then
        # uses it), so a trigger it completes fires then, not when the action starts.
        click = start + ACTIVATE_S

        def apply() -> None:
            intervals = s.powered.setdefault(pos, [])
            if name == "lever":
                on = not truthy(block.state.get("powered"))
                if on:
                    intervals.append(Hold(click, math.inf, agent))
                else:
                    intervals[:] = [h._replace(off=click) if h.off == math.inf else h
                                    for h in intervals]
                s.blocks[pos] = BlockState(name=name, state={**block.state, "powered": on})
            elif name.endswith(BUTTONS):
                hold = button_seconds(name)
                add_hold(intervals, click, click + hold, agent)
                s.blocks[pos] = BlockState(name=name, state={**block.state, "powered": True})
            else:
                s.powered.pop(pos, None)
                is_open = not truthy(block.state.get("open"))
                for cell in self._both_halves(pos):
                    b = s.block(cell)
                    s.set_block(cell, BlockState(name=b.name, state={**b.state, "open": is_open}),
                                click)

        return ACTIVATE_S, apply

    def _step_on(self, agent: str, action: Action, start: float) -> Plan:
        assert isinstance(action, StepOn)
        s = self.state
        gone = self._cut_before(agent, start)
        if gone is not None:  # teleported on its way: it holds where it landed
            return gone - start + action.hold_s, _nothing
        path = self._walk(agent, action.pos, start)
        if isinstance(path, Refusal):
            return path
        walk = Walk(start, tuple(path), WALK_SPEED)
        arrive = walk.arrive
        # A teleport on the way ends the walk where it puts the agent, which then holds still
        # for hold_s there (as the server's step_on body: its walk ends, then it waits); the
        # plate is never reached, so never pressed.
        cut = self._teleported_at(agent, walk, start, arrive) if len(path) > 1 else None

        def apply() -> None:
            if len(path) > 1:
                self._leave_plates(agent, plate_exit(walk))
                self._press_on_the_way(agent, walk, skip=action.pos, until=cut)
            s.positions[agent] = feet_center(action.pos)
            s.walks[agent] = walk
            if cut is not None:
                return
            # pressed from the arrival for as long as the agent stands there (its next walk
            # or a teleport ends the hold), as a player on a server's plate
            add_hold(s.powered.setdefault(action.pos, []), arrive, math.inf, agent)
            s.blocks[action.pos] = _pressed_state(s.block(action.pos), s.powered[action.pos],
                                                  arrive)

        return (arrive if cut is None else cut) - start + action.hold_s, apply

    def _wait(self, agent: str, action: Action, start: float) -> Plan:
        assert isinstance(action, Wait)
        return action.seconds, _nothing

    def _rendezvous(self, agent: str, action: Action, start: float) -> Plan:
        return 0.0, _nothing


_AIR = BlockState(name="air")


def _pressed_state(b: BlockState, holds: list[Hold], t: float) -> BlockState:
    """A button or plate `b` as its `holds` say at time t: `powered` while any holds it; a
    weighted plate instead a `power` by the agents on it (env/redstone.py `weighted_power`)."""
    if b.name.endswith("weighted_pressure_plate"):
        power = weighted_power(b.name, len({h.agent for h in holds if h.on <= t < h.off}))
        if int(str(b.state.get("power", 0))) == power:
            return b
        return BlockState(name=b.name, state={**b.state, "power": power})
    on = covers(holds, t)
    if truthy(b.state.get("powered")) == on:
        return b
    return BlockState(name=b.name, state={**b.state, "powered": on})


def _nothing() -> None:
    return None
