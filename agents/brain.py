"""Brains: what turns a subtask into actions, and what proposes the prior task graph.

One interface, two kinds (DESIGN "Brains"). The offline brain (the default, no network)
answers from the rulebook: it follows the subtask's kind step by step (see
`planner.subtask`), and proposes a **noisy prior graph** (`planner.prior.noisy_prior`): with a
seeded rate it drops true edges and adds plausible ones no rule supports, the way an LLM prior
errs. An LLM brain answers the same calls through an OpenAI-compatible endpoint.

A brain's `act` is a generator: it yields actions, receives each `ActionResult`, and returns
(ok, reason) for the subtask.
"""

from __future__ import annotations

import math
import random
from collections.abc import Generator
from typing import Protocol

import networkx as nx

from agents.messages import ActionResult
from env.actions import (
    Action,
    Craft,
    Dig,
    Kill,
    Milk,
    MoveTo,
    Place,
    Put,
    Rendezvous,
    Smelt,
    Take,
    Wait,
    parse_action,
)
from env.backend import Observation
from env.goals import BlueprintBlock
from env.gravity import falls
from env.refusals import Code
from env.rulebook import Rulebook
from env.support import rule_for
from env.world import STAND_Y, Pos, distance, in_reach
from planner.decompose import place_inputs, upper_halves
from planner.subtask import Plan, Subtask

DEFAULT_PRIOR_NOISE = 0.3
NEAR = 2.5  # how close a worker walks to a block it acts on
SCAFFOLD = "dirt"  # what builders stand floating blocks on (construction tasks give each some)
Placing = tuple[bool, Code | None, dict[str, object]]
"""(placed, refusal code, its values) of one block's placement."""
SCAFFOLD_WAITS = 6
"""How many times a builder who finds another's scaffold in its cell waits for it to go."""
SCAFFOLD_WAIT_S = 2.0
"""Seconds per such wait: a scaffold column is dug, top down, right after the block on it is
placed (about a second a cell), so the waits outlast the digging of a column as high as a
blueprint; only then is what is left dug by the waiter."""
SUPPORT_WAITS = 10
"""How many times a builder of a block that needs its support (a torch) waits for it."""
SUPPORT_WAIT_S = 2.0
"""Seconds per such wait."""
BELOW_WAITS = 30
"""How many times a builder of a block that falls (sand, gravel: env/data/gravity.json) waits
for the block its cell rests on, which a builder of the layer below places."""
PASS_WAITS = 3
"""How often a builder waits for another agent to leave a scaffold cell."""
PASS_WAIT_S = 0.5
"""Seconds per such wait: a walk crosses a cell in about a quarter of a second (1 block at
vanilla's 4.317 blocks/s)."""
MAX_STATION_WAITS = 20  # how often a worker waits for a busy furnace before giving up

Acting = Generator[Action, ActionResult, tuple[bool, str | None]]


class Brain(Protocol):
    name: str
    llm_calls: int
    tokens: int

    def prior(self, plan: Plan, true_graph: nx.DiGraph) -> nx.DiGraph: ...

    def act(self, subtask: Subtask, role: int, partners: list[str], me: str,
            obs: Observation, hub: Pos | None, attempt: int,
            keep_out: frozenset[tuple[int, int]] = frozenset()) -> Acting: ...


class OfflineBrain:
    """The rule-grounded brain. `prior_noise` is the prior's error rate (0: the rules' graph)."""

    name = "offline"
    replayable = True
    """The same calls give the same actions (a worker may replay a subtask's steps)."""

    def __init__(self, rules: Rulebook, prior_noise: float = DEFAULT_PRIOR_NOISE,
                 seed: int = 0) -> None:
        if not 0.0 <= prior_noise <= 1.0:
            raise ValueError(f"prior noise must be in [0, 1], got {prior_noise}")
        self.rules = rules
        self.prior_noise = prior_noise
        self.seed = seed
        self.llm_calls = 0
        self.tokens = 0

    def prior(self, plan: Plan, true_graph: nx.DiGraph) -> nx.DiGraph:
        from planner.prior import noisy_prior

        return noisy_prior(plan, true_graph, self.prior_noise, random.Random(self.seed))

    def act(self, subtask: Subtask, role: int, partners: list[str], me: str,
            obs: Observation, hub: Pos | None, attempt: int,
            keep_out: frozenset[tuple[int, int]] = frozenset()) -> Acting:
        return _Steps(self.rules, subtask, role, partners, me, obs, hub, attempt,
                      keep_out).run()


class _Steps:
    """The offline brain's procedure for one subtask (one generator per assignment)."""

    def __init__(self, rules: Rulebook, st: Subtask, role: int, partners: list[str], me: str,
                 obs: Observation, hub: Pos | None, attempt: int,
                 keep_out: frozenset[tuple[int, int]] = frozenset()) -> None:
        self.rules, self.st, self.role, self.partners = rules, st, role, partners
        self.keep_out = keep_out
        self.me, self.obs, self.hub, self.attempt = me, obs, hub, attempt
        self.last: ActionResult | None = None
        self.taken: dict[str, int] = {}
        self.borrowed: list[tuple[Pos, str, int]] = []
        """Taken from a container other than through the hub: (where, item, count)."""

    # -- plumbing -------------------------------------------------------------------------
    def do(self, action: Action) -> Generator[Action, ActionResult, bool]:
        result = yield action
        self.last = result
        if result.observation is not None:
            self.obs = result.observation
        return result.ok

    def refusal(self) -> tuple[Code | None, dict[str, object]]:
        """The last action's refusal code and its values (None, {} if it went through)."""
        if self.last is None or self.last.ok:
            return None, {}
        return self.last.code, self.last.params

    def held(self, item: str) -> int:
        return self.obs.inventory.get(item, 0)

    def fail(self, what: str) -> tuple[bool, str]:
        reason = self.last.reason if self.last and not self.last.ok else None
        return False, f"{what}: {reason}" if reason else what

    def go(self, pos: Pos, within: float = NEAR) -> Generator[Action, ActionResult, bool]:
        if distance(self.obs.pos, (pos[0] + 0.5, pos[1], pos[2] + 0.5)) <= within:
            return True
        return (yield from self.do(MoveTo(pos=pos, within=within)))

    def fetch_inputs(self, need: dict[str, int]) -> Generator[Action, ActionResult, bool]:
        """Take from the hub what the agent does not hold yet."""
        missing = {i: n - self.held(i) for i, n in sorted(need.items()) if self.held(i) < n}
        if not missing:
            return True
        if self.hub is None:
            return False
        if not (yield from self.go(self.hub)):
            return False
        for item, n in missing.items():
            if not (yield from self.do(Take(pos=self.hub, item=item, count=n))):
                return False
            self.taken[item] = self.taken.get(item, 0) + n
        return True

    def give_back(self) -> Generator[Action, ActionResult, None]:
        """After a failure, return what this subtask took where it came from (the hub, or
        the container of a `fetch` step), and to the hub what it was staged with (its inputs in
        hand), so a retry finds it."""
        for pos, item, n in self.borrowed:
            n = min(n, self.held(item))
            if n and (yield from self.go(pos)):
                yield from self.do(Put(pos=pos, item=item, count=n))
        owed = dict(self.st.inputs)
        for i, n in self.taken.items():
            owed[i] = max(owed.get(i, 0), n)
        back = {i: min(n, self.held(i)) for i, n in sorted(owed.items()) if self.held(i)}
        if not back or self.hub is None or not (yield from self.go(self.hub)):
            return
        for item, n in back.items():
            yield from self.do(Put(pos=self.hub, item=item, count=n))

    def deliver(self, item: str) -> Generator[Action, ActionResult, bool]:
        if self.st.keep or self.hub is None or self.held(item) == 0:
            return True
        if not (yield from self.go(self.hub)):
            return False
        return (yield from self.do(Put(pos=self.hub, item=item, count=self.held(item))))

    # -- the procedure per kind -----------------------------------------------------------
    def run(self) -> Acting:
        step = getattr(self, f"_{self.st.kind}")
        ok, reason = yield from step()
        if not ok:
            last = self.last
            yield from self.give_back()
            self.last = last
        return ok, reason

    def _harvest(self) -> Acting:
        st = self.st
        before = self.held(st.target)
        # Highest first, so that breaking a stalk's base never drops the rest on the ground.
        for site in sorted(st.sites, key=lambda p: (-p[1], p[0], p[2])):
            if self.held(st.target) - before >= st.count:
                break
            if st.tool and self.held(st.tool) == 0 and not (
                    yield from self.fetch_inputs({st.tool: 1})):
                return self.fail(f"no {st.tool} to dig with")
            if not (yield from self.go(site)):
                continue
            yield from self.do(Dig(pos=site))
        if self.held(st.target) - before < st.count:
            return self.fail(f"harvested {self.held(st.target) - before} of {st.count} "
                             f"{st.target}")
        if st.tool and self.taken.get(st.tool) and st.tool != st.target:
            yield from self.deliver(st.tool)  # back to the hub, for whoever digs next
        ok = yield from self.deliver(st.target)
        return (True, None) if ok else self.fail(f"could not deliver {st.target}")

    def _near_animal(self, kind: str) -> Generator[Action, ActionResult, bool]:
        seen = sorted((distance(self.obs.pos, e.pos), e.id, e.pos) for e in self.obs.entities
                      if e.type == kind)
        if not seen:
            if self.st.sites:
                return (yield from self.go(self.st.sites[0], within=2.0))
            return False
        _, _, pos = seen[0]
        if seen[0][0] <= 2.5:
            return True
        return (yield from self.go((math.floor(pos[0]), math.floor(pos[1]), math.floor(pos[2])),
                                   within=3.0))

    def _kill(self) -> Acting:
        st = self.st
        if st.tool and self.held(st.tool) == 0 and not (yield from self.fetch_inputs(
                {st.tool: 1})):
            return self.fail(f"could not get a {st.tool}")
        source = st.source or st.target
        before = self.held(st.target)
        tries = 0
        while self.held(st.target) - before < st.count and tries < 4 * st.count + 4:
            tries += 1
            if not (yield from self._near_animal(source)):
                continue
            yield from self.do(Kill(entity=source))
        if self.held(st.target) - before < st.count:
            return self.fail(f"got {self.held(st.target) - before} of {st.count} {st.target}")
        ok = yield from self.deliver(st.target)
        return (True, None) if ok else self.fail(f"could not deliver {st.target}")

    def _milk(self) -> Acting:
        st = self.st
        if not (yield from self.fetch_inputs({"bucket": st.count})):
            return self.fail("no buckets")
        source = st.source or "cow"
        done, tries = 0, 0
        while done < st.count and tries < 3 * st.count + 3:
            tries += 1
            if not (yield from self._near_animal(source)):
                continue
            if (yield from self.do(Milk(entity=source))):
                done += 1
        if done < st.count:
            return self.fail(f"milked {done} of {st.count}")
        ok = yield from self.deliver(st.target)
        return (True, None) if ok else self.fail(f"could not deliver {st.target}")

    def _craft(self) -> Acting:
        st = self.st
        if not (yield from self.fetch_inputs(st.inputs)):
            return self.fail(f"could not gather {st.inputs}")
        per = self._per_craft(st)
        times = max(1, math.ceil(st.count / per))
        if st.station is not None and not (yield from self.go(st.station)):
            return self.fail("could not reach the crafting table")
        if not (yield from self.do(Craft(item=st.target, times=times, table=st.station))):
            return self.fail(f"could not craft {st.target}")
        ok = yield from self.deliver(st.target)
        return (True, None) if ok else self.fail(f"could not deliver {st.target}")

    def _per_craft(self, st: Subtask) -> int:
        for rule in self.rules.producers(st.target, kind="craft"):
            if rule.output == st.target and set(rule.inputs) <= set(st.inputs):
                return int(rule.count)
        return 1

    def fetch_carry(self) -> Generator[Action, ActionResult, None]:
        """Take from the hub the `carry` items (for the agent's next work) beside the
        subtask's own inputs; what the hub does not hold is left (the work that needs it
        fetches it then)."""
        want = {i: n + self.st.inputs.get(i, 0) for i, n in self.st.carry.items()}
        missing = {i: n - self.held(i) for i, n in sorted(want.items()) if self.held(i) < n}
        if not missing or self.hub is None or not (yield from self.go(self.hub)):
            return
        for item, n in missing.items():
            if (yield from self.do(Take(pos=self.hub, item=item, count=n))):
                self.taken[item] = self.taken.get(item, 0) + n

    def _smelt(self) -> Acting:
        st = self.st
        if not (yield from self.fetch_inputs(st.inputs)):
            return self.fail(f"could not gather {st.inputs}")
        yield from self.fetch_carry()
        raw = next((i for i in st.inputs if self.rules.smelts_to(i) == st.target), None)
        fuel = next((i for i in st.inputs if i != raw and self.rules.fuel_value(i) > 0), "coal")
        if raw is None or st.station is None:
            return False, f"nothing in {st.inputs} smelts to {st.target}, or no furnace"
        if not (yield from self.go(st.station)):
            return self.fail("could not reach the furnace")
        smelt = Smelt(furnace=st.station, item=raw, count=st.count, fuel=fuel)
        smelted = yield from self.do(smelt)
        for _ in range(MAX_STATION_WAITS):
            code, params = self.refusal()
            if smelted or code is not Code.STATION_BUSY:
                break
            # A furnace smelts one job at a time: wait for the one in it to end, then retry.
            assert self.last is not None
            free_at = params.get("free_at")
            wait = float(free_at) - self.last.clock if isinstance(free_at, int | float) else 5.0
            yield from self.do(Wait(seconds=min(600.0, max(0.5, wait))))
            smelted = yield from self.do(smelt)
        if not smelted:
            return self.fail(f"could not smelt {raw}")
        ok = yield from self.deliver(st.target)
        return (True, None) if ok else self.fail(f"could not deliver {st.target}")

    def _fetch(self) -> Acting:
        st = self.st
        if st.station is None:
            return False, "fetch without a chest"
        if not (yield from self.go(st.station)):
            return self.fail("could not reach the chest")
        if not (yield from self.do(Take(pos=st.station, item=st.target, count=st.count))):
            return self.fail(f"could not take {st.target}")
        ok = yield from self.deliver(st.target)
        return (True, None) if ok else self.fail(f"could not deliver {st.target}")

    def _place(self) -> Acting:
        st = self.st
        need = place_inputs(st.blocks, self.rules)  # the items that place them
        before = {item: self.held(item) for item in need}
        # All at once when the hub has them; one by one on a retry, when some are built already.
        lazy = not (yield from self.fetch_inputs(need))
        upper = upper_halves(st.blocks)  # made by the door below them
        for b in sorted(st.blocks, key=lambda b: (b.pos[1], b.pos[0], b.pos[2])):
            if b.pos in upper:
                continue
            for item in place_inputs([b], self.rules):
                if not lazy or self.held(item) > 0 or self.hub is None:
                    continue
                if (yield from self.go(self.hub)):
                    if (yield from self.do(Take(pos=self.hub, item=item, count=1))):
                        self.taken[item] = self.taken.get(item, 0) + 1
            if not (yield from self._stand_for(b.pos)) and \
                    not (yield from self.go(b.pos, within=3.0)) and \
                    not (yield from self.go(b.pos, within=4.5)):
                return self.fail(f"could not reach {b.pos}")
            yield from self._step_off(b.pos)
            if falls(b.name) and b.pos[1] > STAND_Y and not (yield from self._await_below(b)):
                return self.fail(f"nothing holds {b.name} at {b.pos} up")
            placed, code, params = yield from self._place_one(b)
            if placed:
                continue
            if code is Code.CELL_TAKEN and params.get("block") == b.name:
                continue  # already there (an earlier attempt placed it)
            if code is Code.NO_SUPPORT and rule_for(b.name) is not None:
                # A torch, door or carpet would fall off once scaffold under it is dug: it
                # waits for the blueprint block it rests on, which another builder places.
                placed = yield from self._await_support(b)
            elif code is Code.NO_SUPPORT:
                placed = yield from self._scaffolded(b)
            if not placed:
                return self.fail(f"could not place {b.name} at {b.pos}")
        # Blocks left in hand go back for whoever builds next (an earlier attempt had already
        # placed some, or a preparation took more than this part needed), but not the
        # scaffold dirt the agent came with. Then wait off the building site, by the hub, so
        # as not to stand where others build.
        unused = {i: self.held(i) - (before.get(i, 0) if i == SCAFFOLD else 0)
                  for i in sorted(set(need) | set(self.taken))}
        unused = {i: n for i, n in unused.items() if n > 0}
        if unused and self.hub is not None and (yield from self.go(self.hub)):
            for item, n in unused.items():
                yield from self.do(Put(pos=self.hub, item=item, count=n))
        if self.hub is not None and not st.stay:
            yield from self.go(self.hub)
        return True, None

    def _place_one(self, b: BlueprintBlock) -> Generator[Action, ActionResult, Placing]:
        """Place `b`, giving way to what only passes: a player in its cell (the agent itself
        steps off; another one gets a moment to move on) and another builder's scaffold there
        (dug right after the block above it is placed). Scaffold still there after
        `SCAFFOLD_WAITS` waits was left behind: it is dug, as it is never part of a blueprint
        cell that wants something else. Returns (placed, refusal code, its values)."""
        placed, code, params = False, None, {}
        waited = blocked = 0
        for _ in range(4 + SCAFFOLD_WAITS):
            placed = yield from self.do(Place(item=b.name, pos=b.pos, facing=b.facing))
            code, params = self.refusal()
            if placed:
                break
            if code is Code.CELL_OCCUPIED and params.get("who") == self.me:
                yield from self._step_off(b.pos)
            elif code is Code.CELL_OCCUPIED:  # someone else is in the way: walking by (a
                # moment), or standing there (longer)
                yield from self.do(Wait(seconds=2.0 if blocked else PASS_WAIT_S))
                blocked += 1
            elif code is Code.CELL_TAKEN and params.get("block") == SCAFFOLD != b.name:
                if waited < SCAFFOLD_WAITS:
                    waited += 1
                    yield from self.do(Wait(seconds=SCAFFOLD_WAIT_S))
                elif not (yield from self.do(Dig(pos=b.pos))):
                    break
            else:
                break
        return placed, code, params

    def _await_support(self, b: BlueprintBlock) -> Generator[Action, ActionResult, bool]:
        """Retry placing `b` (a block that needs what it rests on, `env.support.rule_for`)
        until another builder has placed its support: at most `SUPPORT_WAITS` waits."""
        for _ in range(SUPPORT_WAITS):
            yield from self.do(Wait(seconds=SUPPORT_WAIT_S))
            placed, code, _ = yield from self._place_one(b)
            if placed or code is not Code.NO_SUPPORT:
                return placed
        return False

    def _await_below(self, b: BlueprintBlock) -> Generator[Action, ActionResult, bool]:
        """Wait until the cell under `b` (a block that falls) holds a block, so that `b` stays
        where it is placed: a block put over a free cell falls at once (env/gravity.py), and
        one put on a scaffold falls when the scaffold is dug. The builder asks the world by
        placing a scaffold block there: refused as taken by a block that is not scaffold, the
        cell is held; placed, the cell was empty, and the scaffold is dug again at once and
        the builder waits for the layer below (at most `BELOW_WAITS` waits). Without scaffold
        in hand it cannot ask and places at once."""
        x, y, z = b.pos
        below = (x, y - 1, z)
        for _ in range(BELOW_WAITS):
            if self.held(SCAFFOLD) == 0:
                return True
            if (yield from self.do(Place(item=SCAFFOLD, pos=below))):
                yield from self.do(Dig(pos=below))
            else:
                code, params = self.refusal()
                if code is Code.CELL_TAKEN and params.get("block") != SCAFFOLD:
                    return True
            yield from self.do(Wait(seconds=SUPPORT_WAIT_S))
        return False

    def _stand_for(self, pos: Pos, *more: Pos) -> Generator[Action, ActionResult, bool]:
        """Walk to a ground cell off the building site from which `pos` (and every cell of
        `more`) is in reach (so that a builder never walls itself in). False if there is none
        or none could be reached. The agent stays where it is when all are in reach from
        there: a walk ends near a cell's middle, not on it, so "in reach from here" is
        checked at the agent's own position."""
        if not self.keep_out:
            return False
        every = (pos, *more)
        here = (math.floor(self.obs.pos[0]), math.floor(self.obs.pos[2]))
        if here not in self.keep_out and all(in_reach(self.obs.pos, p) for p in every) and \
                math.floor(self.obs.pos[1]) == STAND_Y:
            return True
        x, _, z = pos
        cells = [(x + dx, z + dz) for dx in range(-4, 5) for dz in range(-4, 5)
                 if (x + dx, z + dz) not in self.keep_out]
        cells = [c for c in cells
                 if all(in_reach((c[0] + 0.5, STAND_Y, c[1] + 0.5), p) for p in every)]
        cells.sort(key=lambda c: (abs(c[0] - x) + abs(c[1] - z), c))
        for cx, cz in cells[:3]:
            if (yield from self.do(MoveTo(pos=(cx, STAND_Y, cz)))):
                return True
        return False

    def _step_off(self, pos: Pos) -> Generator[Action, ActionResult, None]:
        """Move aside if the agent stands where it is about to build."""
        x, y, z = pos
        feet = self.obs.pos
        if (math.floor(feet[0]), math.floor(feet[2])) != (x, z) or \
                math.floor(feet[1]) not in (y, y - 1):
            return
        for dx, dz in ((2, 0), (-2, 0), (0, 2), (0, -2), (2, 2), (-2, -2)):
            if (yield from self.do(MoveTo(pos=(x + dx, STAND_Y, z + dz), within=1.0))):
                feet = self.obs.pos
                if (math.floor(feet[0]), math.floor(feet[2])) != (x, z):
                    return

    def _scaffolded(self, b: BlueprintBlock) -> Generator[Action, ActionResult, bool]:
        """Place `b` on a temporary column of scaffold blocks under it, then dig the column."""
        x, y, z = b.pos
        yield from self._step_off((x, STAND_Y, z))
        # The agent stands where the block and every cell of its column are in reach: a
        # builder that reached the block from the edge of its reach would find the column's
        # foot, lower and so farther from its eyes, out of reach.
        yield from self._stand_for(b.pos, *[(x, level, z) for level in range(STAND_Y, y)])
        column: list[Pos] = []
        built = True
        for level in range(STAND_Y, y):
            cell = (x, level, z)
            if self.held(SCAFFOLD) == 0:
                built = False
                break
            for _ in range(PASS_WAITS + 1):
                if (yield from self.do(Place(item=SCAFFOLD, pos=cell))):
                    column.append(cell)
                    break
                code, params = self.refusal()
                if code is Code.CELL_TAKEN:  # something holds it up already
                    break
                if code is Code.CELL_OCCUPIED and params.get("who") != self.me:
                    yield from self.do(Wait(seconds=PASS_WAIT_S))  # someone walking by
                    continue
                built = False
                break
            else:
                built = False
            if not built:
                break
        placed = built and (yield from self.do(Place(item=b.name, pos=b.pos, facing=b.facing)))
        # the column goes, built or not: scaffold left behind would hold up the builders
        # of the cells it stands in
        for cell in reversed(column):
            yield from self.do(Dig(pos=cell))
        return placed

    def _trigger(self) -> Acting:
        st = self.st
        if not st.actions:
            return False, f"trigger {st.id} has no roles"
        spec = st.actions[self.role % len(st.actions)]
        steps = spec.get("steps") if isinstance(spec, dict) and "steps" in spec else [spec]
        actions = [parse_action(s) for s in steps]  # type: ignore[arg-type]
        # `fetch`: take what the role places from its container, unless already held
        for take in [parse_action(f) for f in (  # type: ignore[arg-type]
                spec.get("fetch", []) if isinstance(spec, dict) else [])]:
            if not isinstance(take, Take) or self.held(take.item) >= take.count:
                continue
            if not (yield from self.go(take.pos)):
                return self.fail(f"could not reach the chest at {take.pos}")
            if not (yield from self.do(take)):
                return self.fail(f"could not take {take.item}")
            self.borrowed.append((take.pos, take.item, take.count))
        first = actions[0]
        target = getattr(first, "pos", None)
        # `via`: what carries the agent where it acts (a plate that teleports), unless it is
        # there already (a retry after the carry worked).
        via = spec.get("via", []) if isinstance(spec, dict) else []
        if via and target is not None and distance(
                self.obs.pos, (target[0] + 0.5, target[1], target[2] + 0.5)) > 2.0:
            for carry in [parse_action(v) for v in via]:  # type: ignore[union-attr, arg-type]
                where = getattr(carry, "pos", None)
                if where is not None and not (yield from self.go(where, within=2.0)):
                    return self.fail(f"could not reach {where}")
                if not (yield from self.do(carry)):
                    return self.fail(f"{carry.name} failed")
        near = 2.0
        if isinstance(spec, dict) and "at" in spec:  # a place to stand at, not an action's
            target = tuple(spec["at"])  # type: ignore[arg-type, assignment]
            near = float(spec.get("within", near))  # type: ignore[arg-type]
        if target is not None and not (yield from self.go(target, within=near)):
            return self.fail(f"could not reach {target}")
        need = {a.item: 1 for a in actions if isinstance(a, Place)}
        if need and not all(self.held(i) for i in need):
            return False, f"missing {need} for {st.id}"
        group = sorted({self.me, *self.partners})
        if len(group) > 1:
            tag = f"{st.id}#{self.attempt}"
            if not (yield from self.do(Rendezvous(tag=tag, agents=group))):
                return self.fail("partners did not come")
        for action in actions:
            if not (yield from self.do(action)):
                return self.fail(f"{action.name} failed")
        return True, None

    def _stage(self) -> Acting:
        """Pre-positioning: take what is in the hub now, then wait where the work starts."""
        st = self.st
        if st.inputs and not (yield from self.fetch_inputs(st.inputs)):
            return self.fail(f"could not gather {st.inputs}")
        if st.blocks and self.keep_out:
            if (yield from self._stand_for(st.blocks[0].pos)):
                return True, None
        if st.sites and not (yield from self.go(st.sites[0])):
            return self.fail(f"could not reach {st.sites[0]}")
        return True, None

    def _walk(self) -> Acting:
        if not self.st.sites:
            return True, None
        ok = yield from self.go(self.st.sites[0], within=1.0)
        return (True, None) if ok else self.fail("could not get there")


def make_brain(kind: str, rules: Rulebook, prior_noise: float, seed: int,
               llm: object | None = None) -> Brain:
    """The brain called `kind`: offline, llm or hybrid (the last two need `llm`, an
    `agents.llm.LLMClient`)."""
    if kind == "offline":
        return OfflineBrain(rules, prior_noise, seed)
    if kind in ("llm", "hybrid"):
        from agents.llm import LLMClient, LLMError
        from agents.llm_brain import HybridBrain, LLMBrain

        if not isinstance(llm, LLMClient):
            raise LLMError(f"--brain {kind} needs an LLM endpoint: --base-url and --model "
                           "(or --replay FILE)")
        brain = LLMBrain(llm)
        return brain if kind == "llm" else HybridBrain(  # type: ignore[return-value]
            brain, rules, seed, prior_noise)
    raise ValueError(f"unknown brain {kind!r}: choose offline, llm or hybrid")
