"""The differential test of the two backends: seeded random action sequences, run on the
simulator and on a real server from the same world, compared action by action and at the end.

A *sequence* is a small world (an arena: a chest, a crafting table, a furnace, a few blocks,
2 or 3 agents with starting items) and a few *rounds*; in each round every agent does one
action, all agents at once (the server runs them in parallel threads, the simulator at one
virtual start time). The generator never lets two actions of one round touch the same chest,
furnace or block cell, so the game's verdicts do not depend on which packet arrives first:
each action's ok/refused verdict is a function of the world before the round, on both sides.

    seq = make_sequence(seed=7)
    sim = run_on_sim(seq, rules)
    srv = run_on_server(seq, backend, origin)
    diff = compare(seq, sim, srv)   # [] when the backends agree

Compared: every action's verdict (and its refusal code, when both sides give one), the final
inventories, chest contents and every block of the arena, name and whole state (each property
the block has in the game, defaults filled in: `env.block_states.full_state`); the durations
are collected for the calibration (`duration_table`) and checked within `DURATION_TOLERANCE`.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from env.actions import Action, parse_action
from env.backend import Backend, BackendError, Outcome
from env.block_states import full_state
from env.rulebook import Rulebook
from env.sim import SimBackend
from env.world import (
    ENTITY_REACH,
    ENTITY_SLACK,
    GROUND_Y,
    REACH,
    STAND_Y,
    BlockSpec,
    Condition,
    ContainerSpec,
    Effect,
    EntitySpec,
    Pos,
    Trigger,
    WorldSetup,
    block_center,
    distance,
)

AGENT_SUFFIXES = ("a", "b", "c")
# The arena, relative to its origin (x, STAND_Y, z): agents stand on row z = 0, the stations
# on row z = 2, blocks to dig on row z = 3, a far chest out of reach at z = 8.
SIZE = (9, 4, 10)  # x, y, z extent of the arena box, from (0, GROUND_Y, 0)
CHEST = (1, 0, 2)
FAR_CHEST = (1, 0, 8)
TABLE = (3, 0, 2)
FURNACE = (5, 0, 2)
SPAWNS = ((0, 0, 0), (3, 0, 0), (6, 0, 0))
PARK = (4, 0, -3)  # where bots not in a sequence wait, outside the arena
DIG_ROW = tuple((x, 0, 3) for x in range(0, 8))
# A pressure plate whose trigger clears a plank wall (and so pops the torch on it); a cow to
# milk and kill. (No give or teleport at the plate: the server fires it when the player's
# box first touches the plate, up to 0.75 from its middle, the simulator on arrival.)
PLATE = (8, 0, 0)
PLATE_WALL = (8, 0, 3)
COW = (4, 0, 1)
STOCK = ("cobblestone", "oak_log", "oak_planks", "spruce_planks", "stick", "coal", "potato",
         "wheat", "bucket", "milk_bucket", "dirt", "raw_iron", "sand")
BLOCKS_TO_DIG = ("dirt", "oak_log", "oak_planks", "cobblestone", "sand", "crafting_table",
                 "gravel")
# Gravel drops flint 1 time in 10, else itself (minecraft.wiki/w/Gravel; the game's loot table):
# these items come only by chance, so they are left out of the inventories compared one by one
# and compared over the whole run instead, as rates (`chance_test`). No other arena item is
# gravel or flint, so a chance drop changes no later verdict.
CHANCE_ITEMS = ("flint", "gravel")
# A killed animal's loot comes in rolled counts (a cow: 1-3 beef, 0-2 leather; the game's
# loot tables, env/data/loot.json): left out of the one-by-one comparison too (no arena action
# takes or smelts them), compared as distributions by tests/differential/test_cases.py.
ROLLED_ITEMS = ("beef", "leather", "rabbit", "rabbit_hide", "rabbit_foot")
CHANCE_ALPHA = 0.001
"""Significance level of the chance-drop comparison (Fisher's exact test, two-sided)."""
CRAFTS = (("oak_planks", None), ("stick", None), ("crafting_table", None),
          ("wooden_pickaxe", TABLE), ("bread", TABLE), ("chest", TABLE), ("bowl", TABLE),
          ("wooden_shovel", TABLE), ("torch", None))
SMELTS = ("potato", "raw_iron", "sand", "oak_log", "cobblestone", "wheat")
FUELS = ("coal", "oak_planks", "oak_log", "stick")
PLACEABLE = ("cobblestone", "dirt", "oak_planks", "oak_log", "sand", "crafting_table")
RETRIES = 1
"""A sequence whose server run fails (a bot or the server, not a verdict) runs once more."""
DURATION_TOLERANCE = (1.0, 0.5)
"""An action's server duration d agrees with the simulator's s when |d - s| <= 1.0 s + 0.5 d."""


@dataclass
class Sequence_:
    """One generated case: the world, the agents and the rounds (one action per agent)."""

    seed: int
    world: WorldSetup
    agents: list[str]
    rounds: list[dict[str, dict[str, Any]]]

    def actions(self) -> list[tuple[int, str, Action]]:
        return [(i, a, parse_action(act)) for i, rnd in enumerate(self.rounds)
                for a, act in rnd.items()]


@dataclass
class Verdict:
    round: int
    agent: str
    name: str
    args: dict[str, Any]
    ok: bool
    reason: str | None
    code: str | None
    seconds: float


@dataclass
class Run:
    verdicts: list[Verdict] = field(default_factory=list)
    final: dict[str, Any] = field(default_factory=dict)


def _abs(origin: Pos, rel: tuple[int, int, int]) -> Pos:
    return (origin[0] + rel[0], STAND_Y + rel[1], origin[2] + rel[2])


def make_world(rng: random.Random, origin: Pos, agents: int) -> WorldSetup:
    """A random arena at `origin`: stations, a stocked chest (and a far one), blocks to dig."""
    stock = {i: rng.choice((1, 2, 3, 5, 8, 64)) for i in rng.sample(STOCK, rng.randint(3, 7))}
    stock.pop("milk_bucket", None) if stock.get("milk_bucket", 0) > 1 else None
    far = {rng.choice(STOCK): 3}
    far.pop("milk_bucket", None)
    blocks = [BlockSpec(name="crafting_table", pos=_abs(origin, TABLE)),
              BlockSpec(name="furnace", pos=_abs(origin, FURNACE), state={"facing": "north"})]
    for rel in DIG_ROW:
        if rng.random() < 0.6:
            blocks.append(BlockSpec(name=rng.choice(BLOCKS_TO_DIG), pos=_abs(origin, rel)))
    held = {i: rng.choice((1, 2, 4, 9, 16)) for i in rng.sample(STOCK, rng.randint(3, 7))}
    held.pop("milk_bucket", None)
    if rng.random() < 0.3:
        held["wooden_pickaxe"] = 1
    if rng.random() < 0.3:
        held["wooden_sword"] = 1
    plate, wall = _abs(origin, PLATE), _abs(origin, PLATE_WALL)
    blocks += [BlockSpec(name="stone_pressure_plate", pos=plate),
               BlockSpec(name="oak_planks", pos=wall),
               BlockSpec(name="torch", pos=(wall[0], wall[1] + 1, wall[2]))]
    trigger = Trigger(id="plate", conditions=[
        Condition(pos=plate, block="stone_pressure_plate", state={"powered": True})],
        effects=[Effect(kind="set_block", pos=wall, block="air")])
    cow = _abs(origin, COW)
    return WorldSetup(
        blocks=blocks,
        triggers=[trigger],
        entities=[EntitySpec(type="cow", pos=(cow[0] + 0.5, float(cow[1]), cow[2] + 0.5))]
        if rng.random() < 0.7 else [],
        containers=[ContainerSpec(pos=_abs(origin, CHEST), items=stock),
                    ContainerSpec(pos=_abs(origin, FAR_CHEST), items=far)],
        spawn=[_abs(origin, s) for s in SPAWNS[:agents]],
        agent_items=held,
        bounds=((origin[0] - 2, GROUND_Y, origin[2] - 2),
                (origin[0] + SIZE[0] + 2, GROUND_Y + SIZE[1] + 2, origin[2] + SIZE[2] + 2)))


def _footprint(act: dict[str, Any], origin: Pos) -> set[tuple[str, Pos]]:
    """What an action touches that another agent's action of the same round must not."""
    name = act["name"]
    if name in ("take", "put"):
        # Agents take turns at a chest (env/data/stations.json `turns`), in whichever order
        # they come on the server: two actions on different items end alike in either order.
        return {("chest", tuple(act["pos"]), act["item"])}
    if name == "smelt":
        return {("furnace", tuple(act["furnace"]))}
    if name in ("dig", "place"):
        x, y, z = act["pos"]
        near = [(x, y, z), (x + 1, y, z), (x - 1, y, z), (x, y + 1, z), (x, y - 1, z),
                (x, y, z + 1), (x, y, z - 1)]
        return {("cell", p) for p in near}
    if name == "move_to":
        x, y, z = act["pos"]
        return {("cell", (x, y, z)), ("cell", (x, y + 1, z)), ("cell", (x, y - 1, z))}
    if name == "step_on":  # the plate's cell and the wall its trigger clears
        x, y, z = act["pos"]
        wx, wy, wz = _abs(origin, PLATE_WALL)
        return {("cell", (x, y, z)), ("cell", (x, y + 1, z)), ("cell", (wx, wy, wz)),
                ("cell", (wx, wy + 1, wz))}
    if name in ("kill", "milk"):
        return {("entity", act["entity"])}
    return set()


KINDS = ("take", "put", "craft", "smelt", "dig", "place", "move_to", "wait", "step_on",
         "milk", "kill")
PROFILES = {
    # Every kind, 2 to 4 rounds: the bench script.
    "full": {"weights": (5, 4, 4, 2, 3, 3, 2, 1, 1, 1, 1), "rounds": (2, 3, 4)},
    # No smelting (10 s of real time an item) and fewer digs, 2 rounds: the CI test.
    "ci": {"weights": (5, 4, 4, 0, 1, 3, 2, 0, 1, 1, 1), "rounds": (2,)},
}


def _random_action(rng: random.Random, origin: Pos,
                   weights: tuple[int, ...] = PROFILES["full"]["weights"]) -> dict[str, Any]:
    kind = rng.choices(KINDS, weights=weights)[0]
    chest = _abs(origin, FAR_CHEST if rng.random() < 0.1 else CHEST)
    if kind == "take":
        return {"name": "take", "pos": list(chest), "item": rng.choice(STOCK),
                "count": rng.choice((1, 1, 2, 3, 5, 8, 64, 3000))}
    if kind == "put":
        return {"name": "put", "pos": list(chest), "item": rng.choice(STOCK),
                "count": rng.choice((1, 1, 2, 4, 9))}
    if kind == "craft":
        item, table = rng.choice(CRAFTS)
        if table is not None and rng.random() < 0.2:
            table = None
        return {"name": "craft", "item": item, "times": rng.choice((1, 1, 2)),
                "table": list(_abs(origin, table)) if table else None}
    if kind == "smelt":
        return {"name": "smelt", "furnace": list(_abs(origin, FURNACE)),
                "item": rng.choice(SMELTS), "count": 1,
                "fuel": rng.choice(FUELS)}
    if kind == "dig":
        x, _, z = rng.choice(DIG_ROW)
        return {"name": "dig", "pos": list(_abs(origin, (x, rng.choice((0, 0, 1)), z)))}
    if kind == "place":
        x = rng.randrange(0, 8)
        z = rng.choice((1, 3, 4))
        if (x, z) == (COW[0], COW[2]):
            z = 4  # not into the cow
        return {"name": "place", "item": rng.choice(PLACEABLE),
                "pos": list(_abs(origin, (x, rng.choice((0, 0, 1)), z)))}
    if kind == "move_to":
        return {"name": "move_to", "pos": list(_abs(origin, (rng.randrange(0, 8), 0, 0)))}
    if kind == "step_on":
        return {"name": "step_on", "pos": list(_abs(origin, PLATE)), "hold_s": 1.0}
    if kind in ("milk", "kill"):
        return {"name": kind, "entity": "cow"}
    return {"name": "wait", "seconds": 0.5}


def _borderline(feet: Pos, target: tuple[int, ...], margin: float = 0.3) -> bool:
    """Whether the target block is within `margin` of the reach limit from the middle of the
    cell `feet` (a bot stands up to 0.15 from the middle: such cases would be a coin toss)."""
    eyes = (feet[0] + 0.5, feet[1] + 1.62, feet[2] + 0.5)
    d = distance(eyes, block_center(target))  # type: ignore[arg-type]
    return abs(d - (REACH + 0.5)) < margin


def _borderline_entity(feet: Pos, animal: Pos, margin: float = 0.3) -> bool:
    """Whether an animal standing in cell `animal` is within `margin` of the reach limit for
    entities (feet to the animal) from the middle of the cell `feet`."""
    d = distance((feet[0] + 0.5, float(feet[1]), feet[2] + 0.5),
                 (animal[0] + 0.5, float(animal[1]), animal[2] + 0.5))
    return abs(d - (ENTITY_REACH + ENTITY_SLACK)) < margin


def make_sequence(seed: int, origin: Pos = (0, STAND_Y, 0), agents: int | None = None,
                  rounds: int | None = None, prefix: str = "df",
                  profile: str = "full") -> Sequence_:
    """The seeded random case number `seed` at `origin` (same seed, same case), with agents
    named prefix + a, b, c; `profile` picks the mix of actions (PROFILES)."""
    rng = random.Random(seed)
    n = agents or rng.choice((2, 2, 3))
    names = [prefix + s for s in AGENT_SUFFIXES[:n]]
    world = make_world(rng, origin, n)
    plan: list[dict[str, dict[str, Any]]] = []
    cells = {a: _abs(origin, SPAWNS[i]) for i, a in enumerate(names)}
    mix = PROFILES[profile]
    for _ in range(rounds or rng.choice(mix["rounds"])):
        taken: set[tuple[str, Pos]] = set()
        rnd: dict[str, dict[str, Any]] = {}
        busy = {("cell", c) for p in cells.values() for c in (p, (p[0], p[1] + 1, p[2]))}
        for agent in names:
            me = cells[agent]
            mine = {("cell", c) for c in (me, (me[0], me[1] + 1, me[2]))}
            for _try in range(20):
                act = _random_action(rng, origin, mix["weights"])
                fp = _footprint(act, origin)
                target = tuple(act.get("pos") or act.get("furnace") or act.get("table") or ())
                if fp & taken:
                    continue
                if act["name"] in ("dig", "place", "move_to") and fp & (busy - mine):
                    continue
                if act["name"] == "dig" and target == (me[0], me[1] - 1, me[2]):
                    continue
                if len(target) == 3 and act["name"] not in ("move_to", "step_on") \
                        and _borderline(me, target):
                    continue
                if act["name"] in ("kill", "milk") and _borderline_entity(
                        me, _abs(origin, COW)):
                    continue
                if act["name"] == "step_on" and fp & (busy - mine):
                    continue
                taken |= fp
                rnd[agent] = act
                if act["name"] in ("move_to", "step_on"):
                    cells[agent] = target  # type: ignore[assignment]
                    busy |= {("cell", c) for c in (target, (target[0], target[1] + 1,
                                                            target[2]))}
                break
            else:
                rnd[agent] = {"name": "wait", "seconds": 0.5}
        plan.append(rnd)
    return Sequence_(seed=seed, world=world, agents=names, rounds=plan)


def arena_cells(origin: Pos) -> list[Pos]:
    """Every block position of the arena (ground included)."""
    return [(origin[0] + x, GROUND_Y + y, origin[2] + z)
            for x in range(SIZE[0]) for y in range(SIZE[1]) for z in range(SIZE[2])]


def final_state(backend: Backend, seq: Sequence_, origin: Pos) -> dict[str, Any]:
    """What the comparison reads at the end: inventories, chests, the arena's blocks."""
    view = backend.view()
    cells = arena_cells(origin)
    read = getattr(backend, "read_blocks", None)
    blocks = read(cells) if read else {p: view.block(p) for p in cells}
    chests = {}
    for c in seq.world.containers:
        reader = getattr(backend, "read_container", None)
        chests[c.pos] = (reader(c.pos) if reader else view.container(c.pos)) or {}
    return {
        "inventories": {a: {k: v for k, v in sorted(view.inventory(a).items()) if v}
                        for a in seq.agents},
        "chests": {",".join(map(str, p)): {k: v for k, v in sorted(items.items()) if v}
                   for p, items in chests.items()},
        "blocks": {",".join(map(str, p)): b.name for p, b in blocks.items()},
        # every property of each block (the game's defaults filled in where a backend keeps
        # only what it set): waterlogged, lit, powered, open, half, facing, layers, age, ...
        "states": {",".join(map(str, p)): full_state(b.name, b.state)
                   for p, b in blocks.items()},
    }


def _code(outcome: Outcome) -> str | None:
    code = getattr(outcome, "code", None)
    return str(code.value if hasattr(code, "value") else code) if code else None


def run_on_sim(seq: Sequence_, rules: Rulebook, origin: Pos) -> Run:
    """The sequence on a fresh simulator: each round's actions start together."""
    sim = SimBackend(rules, seed=seq.seed)
    sim.build(seq.world, seq.agents)
    run = Run()
    t = 0.0
    for i, rnd in enumerate(seq.rounds):
        end = t
        for agent, act in rnd.items():
            out = sim.execute(agent, parse_action(act), t)
            run.verdicts.append(Verdict(i, agent, act["name"], act, out.ok, out.reason,
                                        _code(out), out.seconds))
            end = max(end, t + out.seconds)
        t = end
    sim.advance(t)  # the world as the last round leaves it (a plate held from an arrival)
    run.final = final_state(sim, seq, origin)
    return run


def reset_arena(backend: Any, origin: Pos) -> None:
    """Puts the arena back to the superflat ground (grass, air above) on a server."""
    x0, z0 = origin[0], origin[2]
    x1, z1 = x0 + SIZE[0] - 1, z0 + SIZE[2] - 1
    # A cow left alive goes to a pen 40 blocks off, out of every arena's reach (killing it
    # would drop its loot where a bot could pick it up); the selector's radius, around the
    # operator bot in this arena, stops short of the next arena (16 blocks on).
    backend.send_commands([f"/tp @e[type=cow,r=6] {x0 + 4} {STAND_Y} {z0 - 40}"])
    # Each /fill's answer is awaited ("no blocks were filled" when nothing changed), so that
    # no late answer is taken for a later command's.
    for line in (f"/fill {x0} {GROUND_Y} {z0} {x1} {GROUND_Y} {z1} grass_block",
                 f"/fill {x0} {GROUND_Y + 1} {z0} {x1} {GROUND_Y + SIZE[1] - 1} {z1} air"):
        backend.command(line, r"filled")


def clear_items(backend: Any, origin: Pos) -> None:
    """Removes the items lying in the arena on a server (a drop no bot picked up, what a fall
    broke), so that a sequence's bots do not pick up an earlier one's, which the simulator's
    do not have. The box reaches 1.5 blocks past the arena, not the next one. A backend with
    no bot yet (no build) has run nothing here to clear."""
    if not backend.joined:
        return
    x0, z0 = origin[0], origin[2]
    cx, cz = x0 + SIZE[0] / 2, z0 + SIZE[2] / 2
    backend.command(f"/drops {cx} {STAND_Y + 2} {cz} {max(SIZE) / 2 + 1} clear", r"^drops ")


def run_on_server(seq: Sequence_, backend: Any, origin: Pos, spare: Sequence[str] = ()) -> Run:
    """The sequence on a real server: the items lying in the arena cleared (`clear_items`), the
    arena built, then each round's actions in parallel
    threads, one per agent (the next round starts when all have ended), the state read, and
    the arena reset to the bare ground. `spare` bots (online, not in this sequence) wait
    outside the arena."""
    if spare:
        x, y, z = _abs(origin, PARK)
        backend.send_commands([f"/tp {name} {x + 0.5} {y} {z + 0.5}" for name in spare])
    clear_items(backend, origin)
    backend.build(seq.world, seq.agents)
    run = Run()
    for i, rnd in enumerate(seq.rounds):
        results: dict[str, Outcome | BackendError] = {}

        def act(agent: str, data: dict[str, Any], into: dict[str, Outcome | BackendError]
                ) -> None:
            try:
                into[agent] = backend.execute(agent, parse_action(data), 0.0)
            except BackendError as err:  # the server or a bot failed: the caller's to retry
                into[agent] = err

        threads = [threading.Thread(target=act, args=(a, d, results)) for a, d in rnd.items()]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        for agent, data in rnd.items():
            out = results[agent]
            if isinstance(out, BackendError):
                raise out
            run.verdicts.append(Verdict(i, agent, data["name"], data, out.ok, out.reason,
                                        _code(out), out.seconds))
    time.sleep(0.3)  # the last slot updates reach the bots
    run.final = final_state(backend, seq, origin)
    reset_arena(backend, origin)  # for the next sequence built here
    return run


def duration_ok(sim_s: float, server_s: float) -> bool:
    slack, share = DURATION_TOLERANCE
    return abs(server_s - sim_s) <= slack + share * server_s


def compare(seq: Sequence_, sim: Run, server: Run,
            durations: bool = True) -> list[str]:
    """Every disagreement, one line each ([] when the backends agree)."""
    out: list[str] = []
    for a, b in zip(sim.verdicts, server.verdicts, strict=True):
        what = f"seed {seq.seed} round {a.round} {a.agent} {a.name} {a.args}"
        if a.ok != b.ok:
            out.append(f"{what}: sim {'ok' if a.ok else 'refused (' + str(a.reason) + ')'}, "
                       f"server {'ok' if b.ok else 'refused (' + str(b.reason) + ')'}")
        elif not a.ok and a.code and b.code and a.code != b.code:
            out.append(f"{what}: refused as {a.code} by the sim, as {b.code} by the server")
        elif a.ok and durations and not duration_ok(a.seconds, b.seconds):
            out.append(f"{what}: took {a.seconds:.2f} s on the sim, {b.seconds:.2f} s on the "
                       "server")
    for key in ("inventories", "chests", "blocks", "states"):
        sa, sb = sim.final[key], server.final[key]
        if key == "inventories":
            sa, sb = _certain(sa), _certain(sb)
        for k in sorted(set(sa) | set(sb)):
            if key == "states" and sim.final["blocks"].get(k) != server.final["blocks"].get(k):
                continue  # a different block: told once, by name
            if sa.get(k) != sb.get(k):
                out.append(f"seed {seq.seed} final {key} {k}: sim {sa.get(k)}, "
                           f"server {sb.get(k)}")
    return out


def _certain(inventories: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {a: {i: n for i, n in inv.items() if i not in CHANCE_ITEMS + ROLLED_ITEMS}
            for a, inv in inventories.items()}


def chance_counts(run: Run) -> tuple[int, int]:
    """(gravel digs, of which gave flint) in a run: each gravel dig gives one gravel or one
    flint, so they are read off the final inventories."""
    flint = sum(inv.get("flint", 0) for inv in run.final["inventories"].values())
    gravel = sum(inv.get("gravel", 0) for inv in run.final["inventories"].values())
    return flint + gravel, flint


def chance_test(sim: tuple[int, int], server: tuple[int, int]) -> float:
    """Fisher's exact test (two-sided) of the flint rate per gravel dig, simulator against
    server: the p-value (1.0 when either side dug no gravel)."""
    from scipy.stats import fisher_exact
    (n_a, k_a), (n_b, k_b) = sim, server
    if not n_a or not n_b:
        return 1.0
    return float(fisher_exact([[k_a, n_a - k_a], [k_b, n_b - k_b]]).pvalue)


def duration_table(pairs: Sequence[tuple[Verdict, Verdict]]) -> dict[str, dict[str, float]]:
    """Per action name: count, mean sim seconds, mean server seconds (ok on both sides)."""
    acc: dict[str, list[tuple[float, float]]] = {}
    for a, b in pairs:
        if a.ok and b.ok:
            acc.setdefault(a.name, []).append((a.seconds, b.seconds))
    return {name: {"n": len(v), "sim_s": sum(x for x, _ in v) / len(v),
                   "server_s": sum(y for _, y in v) / len(v)} for name, v in sorted(acc.items())}


@dataclass
class Tally:
    """The figures of a differential run."""

    sequences: int = 0
    actions: int = 0
    refused: int = 0
    disagreements: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    pairs: list[tuple[Verdict, Verdict]] = field(default_factory=list)
    seconds: float = 0.0
    chance_sim: tuple[int, int] = (0, 0)
    """(gravel digs, flint drops) on the simulator, summed over the run (`chance_counts`)."""
    chance_server: tuple[int, int] = (0, 0)

    @property
    def chance_p(self) -> float:
        """The p-value of the flint rates compared (`chance_test`)."""
        return chance_test(self.chance_sim, self.chance_server)

    @property
    def disagreeing_sequences(self) -> int:
        return len({d.split(" ")[1] for d in self.disagreements})


def run_many(seeds: Sequence[int], rules: Rulebook, server: Any, workers: int = 3,
             durations: bool = True, profile: str = "full",
             on_sequence: Callable[[Tally], None] | None = None) -> Tally:
    """Runs every seed on the simulator and on `server` (a started `ServerProcess`), with
    `workers` arenas side by side (each its own bots, its own thread); answers the tally.
    `on_sequence(tally)` is called (under the tally's lock) after each compared sequence: a
    progress bar's hook."""
    from env.minecraft.backend import MinecraftBackend

    tally = Tally()
    lock = threading.Lock()
    todo = list(seeds)
    t0 = time.perf_counter()

    joining = threading.Lock()

    def fresh(k: int, origin: Pos) -> Any:
        """A backend with this worker's three bots joined (one worker joins at a time: a
        crowd of joins is what a loaded server answers late) and its arena bare."""
        with joining:
            for attempt in range(3):
                backend = MinecraftBackend(rules, server=server)
                try:
                    backend.build(WorldSetup(spawn=[_abs(origin, c) for c in SPAWNS]),
                                  [f"d{k}{s}" for s in AGENT_SUFFIXES])
                    reset_arena(backend, origin)
                    return backend
                except BackendError as err:
                    backend.close()
                    if attempt == 2:
                        raise
                    with lock:
                        tally.retried.append(f"worker {k} joining: {err}")
            raise AssertionError("unreachable")

    def worker(k: int) -> None:
        origin: Pos = (200 + 16 * k, STAND_Y, 200)
        try:
            backend = fresh(k, origin)
        except BackendError as err:
            with lock:
                tally.errors.append(f"worker {k} could not join: {err}")
            return
        try:
            while True:
                with lock:
                    if not todo:
                        return
                    seed = todo.pop(0)
                seq = make_sequence(seed, origin, prefix=f"d{k}", profile=profile)
                sim = run_on_sim(seq, rules, origin)
                srv = None
                for attempt in range(RETRIES + 1):
                    try:
                        spare = [f"d{k}{s}" for s in AGENT_SUFFIXES
                                 if f"d{k}{s}" not in seq.agents]
                        srv = run_on_server(seq, backend, origin, spare)
                        break
                    except BackendError as err:
                        # The server or a bot failed (not a verdict): bots rejoined, again.
                        with lock:
                            (tally.retried if attempt < RETRIES else tally.errors).append(
                                f"seed {seed}: {err}")
                        backend.close()
                        try:
                            backend = fresh(k, origin)
                        except BackendError as gone:  # the server is gone: this worker ends
                            with lock:
                                tally.errors.append(f"worker {k} could not rejoin: {gone}")
                            return
                if srv is None:
                    continue
                found = compare(seq, sim, srv, durations=durations)
                cs, cv = chance_counts(sim), chance_counts(srv)
                if cs[0] != cv[0]:
                    found.append(f"seed {seed} gravel digs: sim {cs[0]}, server {cv[0]}")
                with lock:
                    tally.chance_sim = (tally.chance_sim[0] + cs[0], tally.chance_sim[1] + cs[1])
                    tally.chance_server = (tally.chance_server[0] + cv[0],
                                           tally.chance_server[1] + cv[1])
                    tally.sequences += 1
                    tally.actions += len(sim.verdicts)
                    tally.refused += sum(1 for v in sim.verdicts if not v.ok)
                    tally.disagreements += found
                    tally.pairs += list(zip(sim.verdicts, srv.verdicts, strict=True))
                    if on_sequence is not None:
                        on_sequence(tally)
        finally:
            backend.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(workers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    tally.seconds = time.perf_counter() - t0
    return tally
