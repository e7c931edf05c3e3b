"""Cooking tasks (VillagerBench's farm-to-table): `farm_setting.json` + `farm_blue_print.json`.

A task names its `target` dish, where each ingredient comes from (`"wheat": "hay_block in
farm"`), the `component`s to place and its `check_point`s. A component is a single block
(`"type": "block"`: a chest with `items`, a crafting table, ...) or a named structure from the
blueprint file (`"type": "structure"`), placed at a `position` relative to the task's origin.

Relative y = 0 is the first layer above the superflat ground, so a relative (x, y, z) lands at
(x, STAND_Y + y, z). A structure's block lands at component position + block position; its
entities (cows, rabbits) likewise, as floats. Every chest becomes a `ContainerSpec` and also a
`chest` block. The task's first top-level `chest` component is the shared hub.

Budget (`budget_s`): VillagerBench's max_action_time, `tasks.villagerbench.cooking_budget`
(40 s per step of complexity; cake_0: 120 s). A dish named neither cake nor rabbit stew
gets one step.
"""

from __future__ import annotations

import logging

from env.goals import CheckPoint, CookingGoal
from env.world import STAND_Y, BlockSpec, ContainerSpec, EntitySpec, Pos, StateValue, WorldSetup
from tasks.importers.common import (
    TaskError,
    bounds_covering,
    check_block,
    check_count,
    check_item,
    dedupe_blocks,
    fit_state,
    float_pos,
    free_cells_near,
    int_pos,
    state_value,
    where,
)
from tasks.spec import TaskSpec
from tasks.villagerbench import cooking_budget, cooking_budget_of

SETTINGS_FILE = "farm_setting.json"
STRUCTURES_FILE = "farm_blue_print.json"
log = logging.getLogger("causalcraft.tasks")
CONTAINER_BLOCKS = ("chest", "trapped_chest", "barrel")
FACINGS = ("north", "south", "east", "west", "up", "down")
_TASK_KEYS = {"name", "target", "component", "check_point"}
_COMPONENT_KEYS = {"name", "type", "position", "items"}
_BLOCK_KEYS = {"name", "position", "items"}


def cooking_names(settings: object, file: str = SETTINGS_FILE) -> list[str]:
    """The task names in a farm_setting file, in file order."""
    if not isinstance(settings, list):
        raise TaskError(f"{file}: expected a list of tasks, got {type(settings).__name__}")
    names = []
    for i, task in enumerate(settings):
        if not isinstance(task, dict) or not isinstance(task.get("name"), str):
            raise TaskError(f"{where(file, None, f'entry {i}')}: a task needs a string 'name'")
        names.append(task["name"])
    return names


def _items(value: object, at: str) -> dict[str, int]:
    if not isinstance(value, list):
        raise TaskError(f"{at}: 'items' must be a list of {{name, count}}, got {value!r}")
    out: dict[str, int] = {}
    for j, entry in enumerate(value):
        here = f"{at}, items[{j}]"
        if not isinstance(entry, dict) or "name" not in entry:
            raise TaskError(f"{here}: an item needs a 'name' (and a 'count')")
        item = check_item(entry["name"], here)
        out[item] = out.get(item, 0) + check_count(entry.get("count", 1), here)
    return out


def _states(raw: dict, skip: set[str], at: str) -> dict[str, StateValue]:
    return {k: state_value(v, f"{at}, {k}") for k, v in raw.items() if k not in skip}


def _container(name: str, pos: Pos, state: dict[str, StateValue], items: dict[str, int],
               at: str) -> ContainerSpec:
    facing = state.get("facing", "north")
    if facing not in FACINGS:
        raise TaskError(f"{at}: facing must be one of {', '.join(FACINGS)}, got {facing!r}")
    return ContainerSpec(pos=pos, kind=name, facing=facing, items=items)  # type: ignore[arg-type]


def _place(raw: object, origin: Pos, at: str, skip: set[str]
           ) -> tuple[BlockSpec, ContainerSpec | None]:
    """One block dict (a component or a structure's block) at origin + its position."""
    if not isinstance(raw, dict):
        raise TaskError(f"{at}: expected an object, got {raw!r}")
    for key in ("name", "position"):
        if key not in raw:
            raise TaskError(f"{at}: missing field {key!r}")
    name = check_block(raw["name"], f"{at}, name")
    rel = int_pos(raw["position"], f"{at}, position")
    pos = (origin[0] + rel[0], origin[1] + rel[1], origin[2] + rel[2])
    name, state = fit_state(name, _states(raw, skip, at))
    container = None
    if "items" in raw:
        if name not in CONTAINER_BLOCKS:
            raise TaskError(f"{at}: only {', '.join(CONTAINER_BLOCKS)} can hold items, "
                            f"not {name!r}")
        container = _container(name, pos, state, _items(raw["items"], at), at)
    elif name in CONTAINER_BLOCKS:
        container = _container(name, pos, state, {}, at)
    return BlockSpec(name=name, pos=pos, state=state), container


def _structure(name: str, structures: dict, origin: Pos, at: str
               ) -> tuple[list[BlockSpec], list[ContainerSpec], list[EntitySpec]]:
    if name not in structures:
        known = ", ".join(sorted(structures))
        raise TaskError(f"{at}: unknown structure {name!r} (known: {known})")
    body = structures[name]
    sat = where(STRUCTURES_FILE, name)
    if not isinstance(body, dict) or not isinstance(body.get("blocks"), list):
        raise TaskError(f"{sat}: a structure needs a 'blocks' list")
    blocks, containers, entities = [], [], []
    for j, raw in enumerate(body["blocks"]):
        block, container = _place(raw, origin, f"{sat}, blocks[{j}]", _BLOCK_KEYS)
        blocks.append(block)
        if container:
            containers.append(container)
    raw_entities = body.get("entities", [])
    if not isinstance(raw_entities, list):
        raise TaskError(f"{sat}: 'entities' must be a list")
    for j, raw in enumerate(raw_entities):
        eat = f"{sat}, entities[{j}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) \
                or "position" not in raw:
            raise TaskError(f"{eat}: an entity needs a 'name' and a 'position'")
        rel = float_pos(raw["position"], f"{eat}, position")
        entities.append(EntitySpec(type=raw["name"], pos=(origin[0] + rel[0],
                                                          origin[1] + rel[1],
                                                          origin[2] + rel[2])))
    return blocks, containers, entities


def _check_points(raw: object, at: str) -> list[CheckPoint]:
    if not isinstance(raw, list) or not raw:
        raise TaskError(f"{at}: 'check_point' must be a nonempty list")
    out = []
    for j, cp in enumerate(raw):
        here = f"{at}[{j}]"
        if not isinstance(cp, dict):
            raise TaskError(f"{here}: expected an object, got {cp!r}")
        for key in ("name", "score"):
            if key not in cp:
                raise TaskError(f"{here}: missing field {key!r}")
        score = cp["score"]
        if isinstance(score, bool) or not isinstance(score, int | float) or score < 0:
            raise TaskError(f"{here}: score must be a number >= 0, got {score!r}")
        sub = cp.get("sub_check_point", [])
        if not isinstance(sub, list) or not all(isinstance(s, str) for s in sub):
            raise TaskError(f"{here}: sub_check_point must be a list of item names")
        out.append(CheckPoint(item=check_item(cp["name"], f"{here}, name"),
                              count=check_count(cp.get("count", 1), f"{here}, count"),
                              score=float(score),
                              sub=[check_item(s, f"{here}, sub_check_point") for s in sub]))
    return out


def import_cooking(task: object, structures: object, *, file: str = SETTINGS_FILE,
                   strict: bool = False) -> TaskSpec:
    """Build the TaskSpec of one farm_setting task, with `structures` the blueprint file.

    What only advises (a source hint that is not `<item> in <place>`, an unknown field on a
    structure component) is passed over with a warning kept in the spec's `import_warnings`;
    with `strict` it is a TaskError. Everything that builds the world is checked strictly."""
    if not isinstance(task, dict) or not isinstance(task.get("name"), str):
        raise TaskError(f"{file}: a task needs a string 'name'")
    name = task["name"]
    at = where(file, name)
    warnings: list[str] = []

    def warn(here: str, what: str) -> None:
        if strict:
            raise TaskError(f"{here}: {what}")
        warnings.append(f"{here.removeprefix(at + ', ')}: {what}; passed over")
        log.warning("%s: %s; passed over", here, what)

    if not isinstance(structures, dict):
        raise TaskError(f"{STRUCTURES_FILE}: expected an object of named structures")
    for key in ("target", "component", "check_point"):
        if key not in task:
            raise TaskError(f"{at}: missing field {key!r}")
    target = check_item(task["target"], f"{at}, target")
    sources: dict[str, str] = {}
    for key, value in task.items():
        if key in _TASK_KEYS:
            continue
        parts = value.split(" in ") if isinstance(value, str) else []
        if len(parts) != 2 or not all(p.strip() for p in parts):
            warn(f"{at}, field {key!r}", f"expected an '<item> in <place>' hint, got {value!r}")
            continue
        sources[key] = value
    if not isinstance(task["component"], list):
        raise TaskError(f"{at}: 'component' must be a list")

    blocks: list[BlockSpec] = []
    containers: list[ContainerSpec] = []
    entities: list[EntitySpec] = []
    hub: Pos | None = None
    structure_count = 0
    set_by: dict[Pos, tuple[str, str]] = {}  # who set each cell last, and with what

    def claim(new: list[BlockSpec], here: str) -> None:
        """Say when a component's block replaces another component's (VillagerAgent sets
        them one after another: the last set stays, so the first is not in the world)."""
        for b in new:
            old = set_by.get(b.pos)
            if old is not None and old[0] != here:  # a chest over a chest loses its items
                warn(here, f"its {b.name} at {b.pos} replaces the {old[1]} of "
                           f"{old[0].removeprefix(at + ', ')} (the last block set stays)")
            set_by[b.pos] = (here, b.name)

    for i, comp in enumerate(task["component"]):
        cat = f"{at}, component[{i}]"
        if not isinstance(comp, dict):
            raise TaskError(f"{cat}: expected an object, got {comp!r}")
        for key in ("name", "type", "position"):
            if key not in comp:
                raise TaskError(f"{cat}: missing field {key!r}")
        rel = int_pos(comp["position"], f"{cat}, position")
        origin = (rel[0], STAND_Y + rel[1], rel[2])
        if comp["type"] == "block":
            block, container = _place(comp, (0, STAND_Y, 0), cat, _COMPONENT_KEYS)
            claim([block], cat)
            blocks.append(block)
            if container:
                containers.append(container)
                if hub is None and block.name == "chest":
                    hub = block.pos
        elif comp["type"] == "structure":
            extra = set(comp) - {"name", "type", "position"}
            if extra:
                warn(cat, f"unexpected field(s) {sorted(extra)} on a structure")
            if not isinstance(comp["name"], str):
                raise TaskError(f"{cat}: structure name must be a string")
            b, c, e = _structure(comp["name"], structures, origin, cat)
            claim(b, cat)
            blocks += b
            containers += c
            entities += e
            structure_count += 1
        else:
            raise TaskError(f"{cat}, type: expected 'block' or 'structure', "
                            f"got {comp['type']!r}")

    check_points = _check_points(task["check_point"], f"{at}, check_point")
    if target not in [cp.item for cp in check_points]:
        raise TaskError(f"{at}: no check point for the target {target!r}")
    blocks = dedupe_blocks(blocks)
    final = {b.pos: b.name for b in blocks}
    by_pos = {c.pos: c for c in containers if final.get(c.pos) == c.kind}
    containers = [by_pos[p] for p in dict.fromkeys(c.pos for c in containers) if p in by_pos]
    occupied = {b.pos for b in blocks}
    spawn = free_cells_near((0, STAND_Y, 0), occupied)
    world = WorldSetup(blocks=blocks, containers=containers, entities=entities, spawn=spawn,
                       bounds=bounds_covering([*occupied, *spawn]))
    hints = "; ".join(f"{k}: {v}" for k, v in sources.items())
    description = f"Make {target} and hold it." + (f" Where things are: {hints}." if hints
                                                   else "")
    return TaskSpec(id=f"cooking/{name}", family="cooking", description=description,
                    world=world, goal=CookingGoal(target=target, check_points=check_points,
                                                  sources=sources),
                    hub=hub, budget_s=cooking_budget(name, sources)
                    or cooking_budget(target, sources) or cooking_budget_of(1),
                    import_warnings=warnings)
