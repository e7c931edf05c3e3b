"""Escape-room chains from VillagerBench's puzzle atoms: `escape_atom.json`.

Task `escape/<rooms>-<seed>`: the atoms are shuffled by `random.Random(seed).shuffle` over
their indexes in file order, and the first `rooms` (1 to 4) are taken, one room each. So
`escape/2-0` is `escape/1-0` plus one more room.

Geometry (relative to a room's origin; y 0 = STAND_Y, y -1 = the ground layer, as in the atoms):
room i has its origin at (0, STAND_Y, 11 * i). Its floor is x in [-6, 6], z in [-6, 3]; walls of
`stone_bricks`, 3 high (y 0..2), stand at x = -7 and x = 7, at z = -7 (room 0 only: room i's
back wall is room i-1's exit wall) and at z = 4, the exit wall. The exit cells (0, 0, 4) and
(0, 1, 4) are wall blocks until an effect clears them, unless the atom's `init` puts something
there (a door's upper half counts as occupied). So the next room is reached only through the
previous room's exit (or by its teleport). Agents spawn on room 0's back row (z = -6).

Atoms:
- `init` blocks become BlockSpecs with their states (`powered`, `open`, `facing`, `hinge`,
  `face`, ...); `summon_<mob>` becomes an entity. A chest's `command` `/item replace block
  _pos_ container.N with X [n]` fills it; its `lock_key` names the item that opens it, found
  as the item of a `/give` whose display name is that key (the atoms' key is a tripwire_hook).
- an `init` entry with `random: true` is placed once per agent, at free floor cells of the
  room drawn by `random.Random("<seed>:<room>")`; the conditions and effects at its position
  are copied with it (an "and" trigger then needs every copy at once).
- `condition`s become Conditions (every key but `name`, `position`, `sub_event` and
  `activate_mode` is a required block state); `effect`s become Effects: a block name with
  states is a `set_block` (keeping the initial block's other states, e.g. a door's hinge);
  commands: `/give` -> give (radius from `distance=..N`), `/tp ... _merge_pos_` -> teleport to
  the next room's entry cell (0, 0, -6), `_split_pos_` -> the cell two blocks east of it (one
  effect cannot scatter players), `_pos_` -> the effect's own position, `x y z` -> room-relative;
  `/execute ... tp @s ~dx ~dy ~dz` -> the effect's position plus the offset; `/setblock _pos_ B`
  (or `x y z`, room-relative) -> set_block B. After the last room, "the next room's entry" is
  (0, 0, 6), outside.
- conditions and effects are grouped by `sub_event` (no sub_event: "main"): one Trigger per
  (room, sub_event), id `room<i>:<sub_event>`; mode from `type` (default "and"), window_s from
  `activate_duration`, else `wait_interval`, else 1. `min_player` (default 1) is the room's
  need (`Room.min_players`, the task's `min_agents`); a trigger's min_players is it capped by
  the players its conditions can employ: one per condition ("and"), one ("or").
- an atom's `in` items that no earlier room's `out` provides are put in a chest in its room.

Budget (`budget_s`): VillagerBench's `30 * complexity + 60`, each room counted as the state
tree counts a same-room task for every player: players x the atom's conditions / its
wait_interval. The spec
records the player count it was built for (`TaskSpec.agents`).
"""

from __future__ import annotations

import math
import random
import re

from env.goals import EscapeGoal, Room
from env.world import (
    STAND_Y,
    BlockSpec,
    Condition,
    ContainerSpec,
    Effect,
    EntitySpec,
    Pos,
    StateValue,
    Trigger,
    WorldSetup,
)
from tasks.importers.common import (
    TaskError,
    block_states,
    bounds_covering,
    check_block,
    check_count,
    check_item,
    int_pos,
    state_value,
    where,
)
from tasks.spec import TaskSpec
from tasks.villagerbench import escape_budget

ATOMS_FILE = "escape_atom.json"
MAX_ROOMS = 4
MAX_AGENTS = 8
DEFAULT_SEEDS = 4
ROOM_PITCH = 11
HALF_WIDTH = 7  # side walls at x = -7 and x = 7
BACK_Z = -7
EXIT_Z = 4
WALL_HEIGHT = 3
WALL_BLOCK = "stone_bricks"
ENTRY: Pos = (0, 0, -6)
EXIT_CELLS: tuple[Pos, Pos] = ((0, 0, EXIT_Z), (0, 1, EXIT_Z))
SPAWN_ROW = (0, -1, 1, -2, 2, -3, 3, -4)
_FLOOR_X = range(-5, 6)
_FLOOR_Z = range(-4, 3)  # where random copies and supply chests may go
COPY_SPACING = 5.0
"""Blocks apart that a merge stage's per-player copies are put where the floor allows: a
player working its copy (within 2 blocks of it) is then out of another copy's effects
(VillagerBench's `distance=..2` selectors), as in VillagerBench, where each player's task
has a room of its own."""


def _spaced(rng: random.Random, free: list[Pos], k: int, spacing: float) -> list[Pos]:
    """`k` cells of `free` in `rng`'s order, each at least `spacing` from those taken before
    when the floor has room, else the next in order (the floor is too small)."""
    order = rng.sample(free, len(free))
    picks: list[Pos] = []
    for p in order:
        if len(picks) < k and all(math.dist(p, q) >= spacing for q in picks):
            picks.append(p)
    for p in order:
        if len(picks) < k and p not in picks:
            picks.append(p)
    return picks
_NOT_STATE = {"name", "position", "sub_event", "activate_mode", "random", "command", "lock_key"}
_ID = re.compile(r"^(\d+)-(\d+)$")
VB_PREFIX = "vb-"


def default_escape_ids() -> list[str]:
    """VillagerBench's instances escape/vb-1-0 ... escape/vb-4-3, then our chains escape/1-0
    ... escape/4-3: every room count with seeds 0 to 3."""
    pairs = [(r, s) for r in range(1, MAX_ROOMS + 1) for s in range(DEFAULT_SEEDS)]
    return [f"escape/{VB_PREFIX}{r}-{s}" for r, s in pairs] + \
        [f"escape/{r}-{s}" for r, s in pairs]


def parse_escape_name(name: str) -> tuple[int, int]:
    """`"2-1"` or `"vb-2-1"` -> (rooms, seed) = (2, 1)."""
    m = _ID.match(name.removeprefix(VB_PREFIX))
    if not m:
        raise TaskError(f"bad escape id 'escape/{name}': expected escape/<rooms>-<seed> "
                        f"or escape/vb-<rooms>-<seed>, e.g. escape/vb-2-1")
    rooms, seed = int(m.group(1)), int(m.group(2))
    if not 1 <= rooms <= MAX_ROOMS:
        raise TaskError(f"bad escape id 'escape/{name}': rooms must be 1 to {MAX_ROOMS}, "
                        f"got {rooms}")
    return rooms, seed


def choose_atoms(n_atoms: int, rooms: int, seed: int) -> list[int]:
    """The atom indexes of a chain: a seeded shuffle of all indexes, first `rooms` taken."""
    if rooms > n_atoms:
        raise TaskError(f"{ATOMS_FILE}: {rooms} rooms asked, only {n_atoms} atoms")
    order = list(range(n_atoms))
    random.Random(seed).shuffle(order)
    return order[:rooms]


def _add(a: Pos, b: Pos) -> Pos:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _states(raw: dict, at: str) -> dict[str, StateValue]:
    return {k: state_value(v, f"{at}, {k}") for k, v in raw.items() if k not in _NOT_STATE}


def _entry(raw: object, at: str) -> tuple[str, Pos]:
    if not isinstance(raw, dict):
        raise TaskError(f"{at}: expected an object, got {raw!r}")
    for key in ("name", "position"):
        if key not in raw:
            raise TaskError(f"{at}: missing field {key!r}")
    if not isinstance(raw["name"], str):
        raise TaskError(f"{at}, name: expected a string, got {raw['name']!r}")
    return raw["name"], int_pos(raw["position"], f"{at}, position")


def _selector_radius(selector: str) -> float:
    m = re.search(r"distance=\.\.(\d+(?:\.\d+)?)", selector)
    return float(m.group(1)) if m else 2.0


def _give_item(token: str, at: str) -> tuple[str, str | None]:
    """`minecraft:tripwire_hook{display:{Name:'{"text":"key"}'}}` -> (item, display name)."""
    item = token.split("{", 1)[0]
    m = re.search(r'"text"\s*:\s*"([^"]*)"', token)
    return check_item(item, at), (m.group(1) if m else None)


def _split_command(command: str, at: str) -> list[str]:
    """Words of a command; a selector's `[...]` and an item's `{...}` stay whole."""
    words: list[str] = []
    depth = 0
    current = ""
    for ch in command.strip():
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        if ch.isspace() and depth == 0:
            if current:
                words.append(current)
            current = ""
        else:
            current += ch
    if depth != 0:
        raise TaskError(f"{at}: unbalanced brackets in command {command!r}")
    if current:
        words.append(current)
    return words


def _lock_item(lock_key: object, atom: dict, at: str) -> str:
    if not isinstance(lock_key, str) or not lock_key:
        raise TaskError(f"{at}, lock_key: expected a key name, got {lock_key!r}")
    for eff in atom.get("effect", []):
        cmd = eff.get("command") if isinstance(eff, dict) else None
        if isinstance(cmd, str) and cmd.split()[:1] == ["/give"]:
            words = _split_command(cmd, at)
            if len(words) >= 3:
                item, display = _give_item(words[2], at)
                if display == lock_key:
                    return item
    return check_item(lock_key, f"{at}, lock_key (no /give of an item named so)")


class _Room:
    """Builds one room: its blocks, containers, entities and triggers, in absolute terms."""

    def __init__(self, index: int, atom_index: int, atom: dict, agents: int, seed: int,
                 merge_to: Pos, at: str, per_copy: bool = False, strict: bool = False) -> None:
        self.index = index
        self.atom_index = atom_index
        self.atom = atom
        self.at = at
        self.origin: Pos = (0, STAND_Y, ROOM_PITCH * index)
        self.merge_to = merge_to  # relative to this room's origin
        self.blocks: dict[Pos, BlockSpec] = {}  # keyed by relative position
        self.containers: list[ContainerSpec] = []
        self.entities: list[EntitySpec] = []
        self.triggers: list[Trigger] = []
        self.copies: dict[Pos, list[Pos]] = {}  # random init position -> its copies
        for key in ("init", "condition", "effect"):
            if not isinstance(atom.get(key), list):
                raise TaskError(f"{at}: missing field {key!r} (a list)")
        self.per_copy = per_copy and agents > 1
        self.strict = strict
        self.warnings: list[str] = []
        """Init blocks left out (see `_place`); with `strict` the first is a TaskError."""
        self._init(agents, seed)
        self._triggers()
        self.parts: list[list[str]] = []
        if per_copy and agents > 1:
            self._split_per_copy(agents)

    def abs(self, rel: Pos) -> Pos:
        return _add(self.origin, rel)

    # -- init ------------------------------------------------------------------------------

    def _init(self, agents: int, seed: int) -> None:
        randoms: list[tuple[int, dict, Pos]] = []
        used: set[tuple[int, int]] = set()
        operated: set[Pos] = set()  # where a condition is: what a player works
        for k in ("init", "condition", "effect"):
            for j, raw in enumerate(self.atom[k]):
                _, rel = _entry(raw, f"{self.at}, {k}[{j}]")
                used.add((rel[0], rel[2]))
                if k == "condition":
                    operated.add(rel)
        for j, raw in enumerate(self.atom["init"]):
            at = f"{self.at}, init[{j}]"
            name, rel = _entry(raw, at)
            flag = raw.get("random", False)
            if not isinstance(flag, bool):
                raise TaskError(f"{at}, random: expected true or false, got {flag!r}")
            # A merge stage gives each player its own task (VillagerAgent's `merge`: one
            # room per player), so each gets its own copy of what a condition works, even
            # when the atom does not mark it random: one lever per player, not one for all.
            if flag or (self.per_copy and rel in operated):
                randoms.append((j, raw, rel))
                continue
            self._place(raw, name, rel, at)
        free = [(x, 0, z) for z in _FLOOR_Z for x in _FLOOR_X if (x, z) not in used]
        rng = random.Random(f"{seed}:{self.index}")
        for j, raw, rel in randoms:
            at = f"{self.at}, init[{j}]"
            if len(free) < agents:
                raise TaskError(f"{at}: no room for {agents} copies of a random block")
            picks = (_spaced(rng, free, agents, COPY_SPACING) if self.per_copy
                     else rng.sample(free, agents))
            free = [p for p in free if p not in picks]
            self.copies[rel] = picks
            for p in picks:
                self._place(raw, raw["name"], p, at)
        self.free = free

    def _place(self, raw: dict, name: str, rel: Pos, at: str) -> None:
        if name.startswith("summon_"):
            mob = name.removeprefix("summon_")
            self.entities.append(EntitySpec(type=mob, pos=(self.origin[0] + rel[0] + 0.5,
                                                            self.origin[1] + rel[1],
                                                            self.origin[2] + rel[2] + 0.5)))
            return
        block = check_block(name, f"{at}, name")
        state = _states(raw, at)
        if not self._settable(raw, at):
            return
        self.blocks[rel] = BlockSpec(name=block, pos=self.abs(rel), state=state)
        items: dict[str, int] = {}
        command = raw.get("command")
        if command is not None:
            items = self._fill(command, rel, f"{at}, command")
        if block in ("chest", "trapped_chest", "barrel"):
            lock = _lock_item(raw["lock_key"], self.atom, at) if "lock_key" in raw else None
            facing = state.get("facing", "north")
            self.containers.append(ContainerSpec(pos=self.abs(rel), kind=block,
                                                 facing=facing,  # type: ignore[arg-type]
                                                 items=items, lock=lock))
        elif items or "lock_key" in raw:
            raise TaskError(f"{at}: only a chest can hold items or a lock, not {block!r}")

    def _fill(self, command: object, rel: Pos, at: str) -> dict[str, int]:
        """`/item replace block _pos_ container.N with X [n]` -> {X: n}."""
        if not isinstance(command, str):
            raise TaskError(f"{at}: expected a command string, got {command!r}")
        words = _split_command(command, at)
        if len(words) in (7, 8) and words[:3] == ["/item", "replace", "block"] \
                and words[5] == "with":
            if words[3] != "_pos_":
                raise TaskError(f"{at}: only _pos_ is supported as the target of {command!r}")
            item, _ = _give_item(words[6], at)
            count = check_count(int(words[7]) if len(words) == 8 and words[7].isdigit()
                                else (1 if len(words) == 7 else -1), at)
            return {item: count}
        raise TaskError(f"{at}: unsupported init command {command!r}")

    def _settable(self, raw: dict, at: str) -> bool:
        """Whether the game takes the `/setblock x y z block[k=v,...]` VillagerAgent sends for
        this init or effect block: it refuses the whole command for a property the block does
        not have (a redstone torch has no facing) or a value it does not allow (a chest facing
        up), so the block is left out with a warning (with `strict`: a TaskError)."""
        block = check_block(raw["name"], f"{at}, name")
        state = _states(raw, at)
        unknown = sorted(set(state) - block_states(block))
        if unknown:
            what = (f"{at}: {block} has no {', '.join(repr(k) for k in unknown)} state, so "
                    "the game refuses its /setblock")
        else:  # a value the block does not allow (a chest facing up): refused the same way
            from env.rulebook import load_rulebook, state_problem

            bad = state_problem(block, state, load_rulebook())
            if bad is None:
                return True
            what = f"{at}: {bad}, so the game refuses its /setblock"
        if self.strict:
            raise TaskError(what)
        self.warnings.append(f"{what}; left out")
        return False

    # -- conditions and effects ------------------------------------------------------------

    def _positions(self, rel: Pos) -> list[Pos]:
        """Where a condition or effect at `rel` applies: the random copies, or itself."""
        return self.copies.get(rel, [rel])

    def _effects(self, raw: dict, rel: Pos, at: str) -> list[Effect]:
        if raw.get("command") is None and not self._settable(raw, at):
            return []
        out = []
        for p in self._positions(rel):
            out.append(self._effect(raw, p, at))
        return out

    def _effect(self, raw: dict, rel: Pos, at: str) -> Effect:
        pos = self.abs(rel)
        command = raw.get("command")
        if command is None:
            block = check_block(raw["name"], f"{at}, name")
            state = _states(raw, at)
            initial = self.blocks.get(rel)
            if initial is not None and initial.name == block:
                state = {**initial.state, **state}
            return Effect(kind="set_block", pos=pos, block=block, state=state)
        if not isinstance(command, str):
            raise TaskError(f"{at}, command: expected a string, got {command!r}")
        words = _split_command(command, at)
        head = words[0] if words else ""
        if head == "/give" and len(words) in (3, 4):
            item, _ = _give_item(words[2], f"{at}, command")
            count = check_count(int(words[3]) if len(words) == 4 and words[3].isdigit()
                                else (1 if len(words) == 3 else -1), f"{at}, command")
            return Effect(kind="give", pos=pos, item=item, count=count,
                          radius=_selector_radius(words[1]))
        if head == "/tp" and len(words) in (3, 5):
            to = self._target(words[2:], rel, command, at)
            return Effect(kind="teleport", pos=pos, to=to, radius=_selector_radius(words[1]))
        if head == "/execute" and "run" in words:
            run = words[words.index("run") + 1:]
            selector = words[2] if len(words) > 2 else ""
            if len(run) == 5 and run[0] == "tp" and run[1] == "@s" and \
                    all(w.startswith("~") for w in run[2:]):
                offset = tuple(int(w[1:] or 0) for w in run[2:])
                to = self.abs(_add(rel, offset))  # type: ignore[arg-type]
                return Effect(kind="teleport", pos=pos, to=to,
                              radius=_selector_radius(selector))
        if head == "/setblock" and len(words) in (3, 5):
            target = self._target(words[1:-1], rel, command, at)
            block = check_block(words[-1], f"{at}, command")
            return Effect(kind="set_block", pos=target, block=block)
        raise TaskError(f"{at}: unsupported effect command {command!r}")

    def _target(self, words: list[str], rel: Pos, command: str, at: str) -> Pos:
        if words == ["_merge_pos_"]:
            return self.abs(self.merge_to)
        if words == ["_split_pos_"]:
            return self.abs(_add(self.merge_to, (2, 0, 0)))
        if words == ["_pos_"]:
            return self.abs(rel)
        if len(words) == 3:
            try:
                return self.abs((int(words[0]), int(words[1]), int(words[2])))
            except ValueError:
                pass
        raise TaskError(f"{at}: unsupported teleport target in {command!r}")

    def _triggers(self) -> None:
        atom, at = self.atom, self.at
        mode = atom.get("type", "and")
        if mode not in ("and", "or"):
            raise TaskError(f"{at}, type: expected 'and' or 'or', got {mode!r}")
        window = atom.get("activate_duration", atom.get("wait_interval", 1))
        if isinstance(window, bool) or not isinstance(window, int | float) or window <= 0:
            raise TaskError(f"{at}: activate_duration/wait_interval must be seconds > 0, "
                            f"got {window!r}")
        self.min_players = atom.get("min_player", 1)
        if isinstance(self.min_players, bool) or not isinstance(self.min_players, int) \
                or self.min_players < 1:
            raise TaskError(f"{at}, min_player: expected an integer >= 1, "
                            f"got {self.min_players!r}")
        groups: dict[str, tuple[list[Condition], list[Effect]]] = {}
        for j, raw in enumerate(atom["condition"]):
            cat = f"{at}, condition[{j}]"
            name, rel = _entry(raw, cat)
            block = check_block(name, f"{cat}, name")
            state = _states(raw, cat)
            sub = str(raw.get("sub_event", "main"))
            for p in self._positions(rel):
                groups.setdefault(sub, ([], []))[0].append(
                    Condition(pos=self.abs(p), block=block, state=state))
        for j, raw in enumerate(atom["effect"]):
            eat = f"{at}, effect[{j}]"
            _, rel = _entry(raw, eat)
            sub = str(raw.get("sub_event", "main"))
            if sub not in groups:
                raise TaskError(f"{eat}: sub_event {sub!r} has effects but no condition")
            groups[sub][1].extend(self._effects(raw, rel, eat))
        if not groups:
            raise TaskError(f"{at}: an atom needs at least one condition")
        for sub, (conditions, effects) in groups.items():
            # `min_player` is what the room needs (VillagerBench generates an atom only for
            # that many players); one trigger can employ at most one player per condition
            # ("and"), or one ("or"): a single plate fires for one player standing on it.
            employs = len(conditions) if mode == "and" else 1
            self.triggers.append(Trigger(id=f"room{self.index}:{sub}", room=self.index,
                                         conditions=conditions, mode=mode,
                                         window_s=float(window), effects=effects,
                                         min_players=min(self.min_players, employs)))

    def _split_per_copy(self, copies: int) -> None:
        """One trigger per copy of the random blocks (VillagerBench's merge stage: one task
        per player, each with its own copy): the copy's conditions and the effects placed at
        them; conditions and effects at a block that is not copied go with every copy. A
        room whose atom has no random block is not split: its one trigger (a shared lever
        and its teleport) stays whole, so the lever is flipped once and its effects kept."""
        if not self.copies:
            return
        copied = {self.abs(p) for cs in self.copies.values() for p in cs}
        split: list[Trigger] = []
        for t in self.triggers:
            if not any(c.pos in copied for c in t.conditions):
                split.append(t)  # nothing of it is copied: one trigger, for whoever fires it
                continue
            for j in range(copies):
                mine = {self.abs(cs[j]) for cs in self.copies.values() if j < len(cs)}
                conds = [c for c in t.conditions if c.pos in mine or c.pos not in copied]
                effects = [e for e in t.effects if e.pos in mine or e.pos not in copied]
                split.append(t.model_copy(update={
                    "id": f"{t.id}#{j}", "conditions": conds, "effects": effects,
                    "min_players": min(t.min_players, len(conds) if t.mode == "and" else 1)}))
        self.triggers = split
        whole = [t.id for t in split if "#" not in t.id]
        self.parts = [[t.id for t in split if t.id.endswith(f"#{j}")] + whole
                      for j in range(copies)]

    # -- walls and supplies ----------------------------------------------------------------

    def walls(self) -> list[BlockSpec]:
        """The room's wall blocks, leaving alone every cell the atom's init uses."""
        taken = set(self.blocks)
        for rel, b in self.blocks.items():
            if b.name.endswith("_door"):
                taken.add((rel[0], rel[1] + 1, rel[2]))
        cells: list[Pos] = []
        for y in range(WALL_HEIGHT):
            for z in range(BACK_Z, EXIT_Z + 1):
                cells += [(-HALF_WIDTH, y, z), (HALF_WIDTH, y, z)]
            for x in range(-HALF_WIDTH + 1, HALF_WIDTH):
                if self.index == 0:
                    cells.append((x, y, BACK_Z))
                cells.append((x, y, EXIT_Z))
        return [BlockSpec(name=WALL_BLOCK, pos=self.abs(c)) for c in cells if c not in taken]

    def supply(self, items: dict[str, int]) -> None:
        """A chest holding `items`, on the first free floor cell."""
        if not self.free:
            raise TaskError(f"{self.at}: no free cell for the chest of its 'in' items")
        rel = self.free.pop(0)
        self.blocks[rel] = BlockSpec(name="chest", pos=self.abs(rel), state={"facing": "north"})
        self.containers.append(ContainerSpec(pos=self.abs(rel), items=items))


def _item_counts(value: object, at: str) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TaskError(f"{at}: expected an object of item counts, got {value!r}")
    return {check_item(k, at): check_count(v, f"{at}, {k}") for k, v in value.items()}


def villagerbench_rooms(atoms: list, agents: int, rooms: int, seed: int
                        ) -> tuple[list[tuple[int, int, bool]], float, dict[str, int]]:
    """The rooms of VillagerBench's instance, as (atom, copies, one trigger per copy), in
    the order its players meet them (the tree's last stage first, then by x), its
    complexity, and the items every player starts with. A stage's merge tasks (one per
    player) share one room, one copy and one trigger per player."""
    from tasks.importers.escape_tree import state_tree

    try:
        tree = state_tree(atoms, agents, rooms, seed)
    except (KeyError, TypeError, AttributeError, IndexError) as err:
        raise TaskError(f"{ATOMS_FILE}: cannot generate an instance: {err!r}") from None
    except ValueError as err:
        raise TaskError(f"{ATOMS_FILE}: {err}") from None
    out: list[tuple[int, int, bool]] = []
    merges: dict[tuple[int, int], int] = {}
    for t in sorted(tree.tasks, key=lambda t: (-t.stage, t.center[0], t.center[2])):
        if t.layout == "merge":
            key = (t.stage, t.atom)
            if key in merges:
                i = merges[key]
                out[i] = (t.atom, out[i][1] + 1, True)
                continue
            merges[key] = len(out)
            out.append((t.atom, 1, True))
        else:
            out.append((t.atom, t.repeat, False))
    start: dict[str, int] = {}
    for needs in tree.inventories:  # each player's gives reach every player
        for item, n in needs.items():
            start[item] = start.get(item, 0) + n + 2
    return out, tree.complexity, start


def import_escape(name: str, atoms: object, agents: int = 2, *, file: str = ATOMS_FILE,
                  strict: bool = False) -> TaskSpec:
    """Build the TaskSpec of `name` for `agents` agents: `"vb-<rooms>-<seed>"` is
    VillagerBench's instance (`tasks.importers.escape_tree`), `"<rooms>-<seed>"` our chain."""
    rooms, seed = parse_escape_name(name)
    if isinstance(agents, bool) or not isinstance(agents, int) or not 1 <= agents <= MAX_AGENTS:
        raise TaskError(f"escape/{name}: agents must be 1 to {MAX_AGENTS}, got {agents!r}")
    if not isinstance(atoms, list) or not atoms:
        raise TaskError(f"{file}: expected a nonempty list of atoms")
    complexity: float | None = None
    if name.startswith(VB_PREFIX):
        # What the players still owe at the start (VillagerBench gives it to them) ends up,
        # like any `in` item no earlier room hands out, in a chest in the room that needs it.
        plan, complexity, _ = villagerbench_rooms(atoms, agents, rooms, seed)
    else:
        plan = [(a, agents, False) for a in choose_atoms(len(atoms), rooms, seed)]
    built: list[_Room] = []
    available: dict[str, int] = {}
    for i, (a, copies, per_copy) in enumerate(plan):
        atom = atoms[a]
        at = where(file, None, f"atom {a}")
        if not isinstance(atom, dict):
            raise TaskError(f"{at}: expected an object, got {type(atom).__name__}")
        last = i == len(plan) - 1
        merge_to = (0, 0, EXIT_Z + 2) if last else _add((0, 0, ROOM_PITCH), ENTRY)
        room = _Room(i, a, atom, copies, seed, merge_to, at, per_copy, strict)
        needed = _item_counts(atom.get("in"), f"{at}, in")
        missing = {k: v - available.get(k, 0) for k, v in needed.items()
                   if v > available.get(k, 0)}
        for k, v in needed.items():
            available[k] = max(0, available.get(k, 0) - v)
        if missing:
            room.supply(missing)
        for k, v in _item_counts(atom.get("out"), f"{at}, out").items():
            available[k] = available.get(k, 0) + v
        built.append(room)

    blocks: list[BlockSpec] = []
    containers: list[ContainerSpec] = []
    entities: list[EntitySpec] = []
    triggers: list[Trigger] = []
    goal_rooms: list[Room] = []
    for room in built:
        blocks += room.walls()
        blocks += list(room.blocks.values())
        containers += room.containers
        entities += room.entities
        triggers += room.triggers
        desc = room.atom.get("task_description", "")
        if not isinstance(desc, str):
            raise TaskError(f"{room.at}, task_description: expected a string")
        goal_rooms.append(Room(index=room.index, atom=room.atom_index, origin=room.origin,
                               triggers=[t.id for t in room.triggers], description=desc,
                               min_players=room.min_players, parts=room.parts))
    by_pos: dict[Pos, BlockSpec] = {}
    for b in blocks:  # a room's own blocks replace the previous room's wall where they meet
        by_pos.pop(b.pos, None)
        by_pos[b.pos] = b
    start = built[0]
    spawn = [start.abs((x, 0, ENTRY[2])) for x in SPAWN_ROW
             if (x, 0, ENTRY[2]) not in start.blocks and (x, 1, ENTRY[2]) not in start.blocks]
    targets = [e.to for t in triggers for e in t.effects if e.to is not None]
    world = WorldSetup(blocks=list(by_pos.values()), containers=containers, entities=entities,
                       triggers=triggers, spawn=spawn,
                       bounds=bounds_covering([*by_pos, *spawn, *targets]))
    description = "Escape every room in turn. " + " ".join(
        f"Room {r.index + 1}: {r.description}" for r in goal_rooms)
    # VillagerBench's state-tree complexity of a same-room task: score (1) x the players in
    # the room x the atom's conditions / its wait_interval (default 4), summed over rooms.
    if complexity is None:
        complexity = sum(agents * len(r.atom["condition"]) / r.atom.get("wait_interval", 4)
                         for r in built)
    return TaskSpec(id=f"escape/{name}", family="escape", description=description,
                    world=world, goal=EscapeGoal(rooms=goal_rooms),
                    min_agents=max(r.min_players for r in goal_rooms), agents=agents,
                    budget_s=escape_budget(complexity),
                    import_warnings=[w for r in built for w in r.warnings])

