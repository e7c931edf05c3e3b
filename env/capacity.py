"""How much a player or a container can hold: slots (env/data/capacity.json) times stack
sizes (minecraft-data's items: milk buckets stack to 1, eggs to 16, most to 64).

Pure functions, used by the actions' `check()` (a take into a full inventory, a put into a
full chest are refused), by the simulator, and by `world_problem`, which the task spec calls
so that a task whose chest cannot hold its contents is refused at import.

    >>> stack_size("milk_bucket"), stack_size("egg"), stack_size("cobblestone")
    (1, 16, 64)
    >>> slots_for({"milk_bucket": 30})
    30
    >>> room_for({"cobblestone": 100}, "cobblestone", 36)
    2204
    >>> room_after({"dirt": 34 * 64, "oak_planks": 3, "cobblestone": 1}, {"oak_planks": 2},
    ...            "stick", 36)
    0
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

from env.chests import built_halves
from env.world import Pos, WorldSetup

DATA = Path(__file__).parent / "data" / "capacity.json"


@cache
def _capacity() -> dict[str, object]:
    return json.loads(DATA.read_text())


@cache
def _stack_sizes() -> dict[str, int]:
    from env.rulebook import VERSION, minecraft_data_dir  # env.rulebook imports env.world too

    base = minecraft_data_dir(VERSION)
    paths = json.loads((base / "dataPaths.json").read_text())["pc"][VERSION]
    items = json.loads((base / paths["items"] / "items.json").read_text())
    return {i["name"]: int(i["stackSize"]) for i in items}


def stack_size(item: str) -> int:
    """How many of `item` one slot holds (64 for a name minecraft-data does not know)."""
    return _stack_sizes().get(item, 64)


def player_slots() -> int:
    return int(_capacity()["player"])  # type: ignore[arg-type]


def container_slots(kind: str = "chest") -> int:
    """Slots of a container kind (chest, barrel: 27); unknown kinds count as a chest."""
    kinds: dict[str, int] = _capacity()["containers"]  # type: ignore[assignment]
    return int(kinds.get(kind, kinds["chest"]))


def slots_for(items: dict[str, int]) -> int:
    """Slots that `items` fill when each kind is packed into full stacks."""
    return sum(math.ceil(n / stack_size(i)) for i, n in items.items() if n > 0)


def room_for(items: dict[str, int], item: str, slots: int) -> int:
    """How many more of `item` fit in `slots` slots that hold `items` (the free slots, and
    the rest of a partly filled stack of `item`)."""
    size = stack_size(item)
    free = max(0, slots - slots_for(items))
    held = items.get(item, 0)
    partial = (-held) % size if held > 0 else 0
    return free * size + partial


def room_after(items: dict[str, int], spent: dict[str, int], item: str, slots: int,
               added: dict[str, int] | None = None) -> int:
    """How many of `item` fit in `slots` slots that hold `items` once an action has taken
    `spent` out of them (an item spent whole frees its slots) and put `added` in: the room
    for what a craft or a milking yields. Vanilla fills part-filled stacks of the item
    first, then empty slots (minecraft.wiki/w/Inventory); a crafting result cannot be
    shift-clicked into an inventory without room for it. Raises nothing; an item spent
    beyond what is held counts as spent whole."""
    left = {i: n - spent.get(i, 0) for i, n in items.items() if n > spent.get(i, 0)}
    for i, n in (added or {}).items():
        left[i] = left.get(i, 0) + n
    return room_for(left, item, slots)


def world_problem(world: WorldSetup) -> str | None:
    """One line naming the first holder in `world` that cannot hold what the task puts in it
    (a chest with more stacks than its 27 slots, a double chest than its 54, a player given
    more than 36), else None."""
    cells = built_halves(world.containers)
    specs = {c.pos: c for c in world.containers}
    for c in world.containers:
        group = [specs[p] for p in cells[c.pos] if p in specs]
        if group[0].pos != c.pos:
            continue  # a double chest is checked once, from its first half
        items: dict[str, int] = {}
        for g in group:
            for i, n in g.items.items():
                items[i] = items.get(i, 0) + n
        need, have = slots_for(items), container_slots(c.kind) * len(cells[c.pos])
        if need > have:
            what = ", ".join(f"{n} {i}" for i, n in sorted(items.items())
                             if stack_size(i) < 64 or n > 64 * 4)
            where = (f"double {c.kind} at {' and '.join(str(g.pos) for g in group)}"
                     if len(cells[c.pos]) > 1 else f"{c.kind} at {c.pos}")
            return (f"the {where} cannot hold its contents: they need {need} "
                    f"slots and it has {have}" + (f" ({what} ...)" if what else ""))
    need = slots_for(world.agent_items)
    if need > player_slots():
        return (f"the items every player starts with need {need} slots and a player has "
                f"{player_slots()}")
    return None


def stocked(world: WorldSetup) -> dict[Pos, dict[str, int]]:
    """What each container of `world` holds once built: its own items, except that the
    stacks a half of a double chest cannot hold (over its 27 slots; the stacks of the items
    last in name order, as the build lays them from slot 0 in name order) go into its other
    half's free slots, so that a double chest holds up to 54 stacks whichever half names
    them. `world_problem` first: raises ValueError when they do not fit.

    >>> from env.world import ContainerSpec
    >>> w = WorldSetup(containers=[
    ...     ContainerSpec(pos=(0, 0, 0), type="right", items={"dirt": 30 * 64}),
    ...     ContainerSpec(pos=(-1, 0, 0), type="left", items={"stone": 5})])
    >>> stocked(w)
    {(0, 0, 0): {'dirt': 1728}, (-1, 0, 0): {'stone': 5, 'dirt': 192}}
    """
    cells = built_halves(world.containers)
    out = {c.pos: {i: n for i, n in c.items.items() if n > 0} for c in world.containers}
    for c in world.containers:
        per = container_slots(c.kind)
        others = [p for p in cells[c.pos] if p != c.pos and p in out]
        stacks = [(i, min(stack_size(i), n - k)) for i, n in sorted(out[c.pos].items())
                  for k in range(0, n, stack_size(i))]
        over = stacks[per:]
        if not over:
            continue
        if not others or slots_for(out[others[0]]) + len(over) > per:
            raise ValueError(f"the {c.kind} at {c.pos} cannot hold {c.items}")
        for i, n in over:
            out[c.pos][i] -= n
            if not out[c.pos][i]:
                del out[c.pos][i]
            out[others[0]][i] = out[others[0]].get(i, 0) + n
    return out


def spread_put(parts: list[dict[str, int]], item: str, count: int, slots: int) -> list[int]:
    """How many of `count` `item` go into each of `parts` (the halves of a double chest in
    slot order, each of `slots` slots, or one chest) when a player puts them in: part-filled
    stacks of the item first, in slot order, then empty slots in slot order, as mineflayer's
    transfer and vanilla's moveItemStackTo fill a window. What does not fit is left out.

    >>> spread_put([{"dirt": 27 * 64 - 10}, {"dirt": 5}], "dirt", 100, 27)
    [10, 90]
    >>> spread_put([{}, {}], "dirt", 40 * 64, 27)
    [1728, 832]
    """
    size = stack_size(item)
    out = [0] * len(parts)
    left = count
    for i, p in enumerate(parts):  # part-filled stacks
        held = p.get(item, 0)
        n = min(left, (-held) % size if held > 0 else 0)
        out[i] += n
        left -= n
    for i, p in enumerate(parts):  # then empty slots
        n = min(left, max(0, slots - slots_for(p)) * size)
        out[i] += n
        left -= n
    return out


def spread_take(parts: list[dict[str, int]], item: str, count: int) -> list[int]:
    """How many of `count` `item` come out of each of `parts` (in slot order) when a player
    takes them: from the first slots holding the item on (mineflayer's transfer).

    >>> spread_take([{"dirt": 30}, {"dirt": 64}], "dirt", 50)
    [30, 20]
    """
    out = []
    left = count
    for p in parts:
        n = min(left, p.get(item, 0))
        out.append(n)
        left -= n
    return out
