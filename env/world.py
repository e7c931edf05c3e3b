"""World description shared by every backend: what a task puts in the world, and how it is read.

A `WorldSetup` is what a task asks the backend to build (blocks, containers, entities,
escape-room triggers, spawn points, starting items). A `WorldView` is the read side that the
Judger, the scorers and the offline brain use, whatever backend holds the state.

Coordinates are absolute Minecraft coordinates (x, y, z). The ground of the vanilla 1.19.2
superflat world is at y = -61, so players stand at y = -60 (`GROUND_Y + 1`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

GROUND_Y = -61
STAND_Y = GROUND_Y + 1
_REACH = json.loads((Path(__file__).parent / "data" / "reach.json").read_text())
REACH: float = _REACH["block"]
"""Blocks; the vanilla survival reach (env/data/reach.json, shared with the server's bodies)."""
REACH_SLACK: float = _REACH["block_slack"]
EYE_HEIGHT: float = _REACH["eye_height"]
ENTITY_REACH: float = _REACH["entity"]
ENTITY_SLACK: float = _REACH["entity_slack"]

Pos = tuple[int, int, int]
FPos = tuple[float, float, float]
StateValue = str | int | bool
Facing = Literal["north", "south", "east", "west", "up", "down"]


def _as_pos(value: object) -> object:
    """Accept [x, y, z], (x, y, z) or "x y z" / "[x, y, z]" and give a tuple of ints."""
    if isinstance(value, str):
        parts = value.replace("[", " ").replace("]", " ").replace(",", " ").split()
        value = [int(float(p)) for p in parts]
    if isinstance(value, list | tuple) and len(value) == 3:
        return tuple(int(v) for v in value)
    return value


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BlockSpec(Model):
    """One block to place: its name and its block states (`facing`, `open`, `age`, ...)."""

    name: str
    pos: Pos
    state: dict[str, StateValue] = Field(default_factory=dict)

    _pos = field_validator("pos", mode="before")(_as_pos)


class ContainerSpec(Model):
    """A chest (or barrel) at `pos` and what it holds."""

    pos: Pos
    kind: str = "chest"
    facing: Facing = "north"
    items: dict[str, int] = Field(default_factory=dict)
    lock: str | None = None
    """An item a player must hold to open it (escape rooms' locked chests)."""
    type: Literal["single", "left", "right"] = "single"
    """A chest's half of a double chest (env/chests.py); `items` are this block's own 27
    slots. Chests set side by side as single stay single, as vanilla's /setblock leaves them."""

    _pos = field_validator("pos", mode="before")(_as_pos)


class EntitySpec(Model):
    """An animal (or other mob) to summon."""

    type: str
    pos: FPos


class Condition(Model):
    """A block state that must hold: the block at `pos` is `block` and has every `state`."""

    pos: Pos
    block: str
    state: dict[str, StateValue] = Field(default_factory=dict)

    _pos = field_validator("pos", mode="before")(_as_pos)


class Effect(Model):
    """What a trigger does when its conditions are met.

    - `set_block`: the block at `pos` becomes `block` with `state` (e.g. air opens a wall).
    - `give`: every player within `radius` of `pos` gets `count` of `item`.
    - `teleport`: every player within `radius` of `pos` is moved to `to`.
    """

    kind: Literal["set_block", "give", "teleport"]
    pos: Pos
    block: str | None = None
    state: dict[str, StateValue] = Field(default_factory=dict)
    item: str | None = None
    count: int = 1
    to: Pos | None = None
    radius: float = 2.0

    _pos = field_validator("pos", mode="before")(_as_pos)


class Trigger(Model):
    """An escape-room mechanism: conditions over block states, and the effects that follow.

    `mode` "and" needs all conditions at one moment (within `window_s` seconds of each other),
    "or" needs any. A trigger fires once.
    """

    id: str
    room: int = 0
    conditions: list[Condition]
    mode: Literal["and", "or"] = "and"
    window_s: float = 1.0
    effects: list[Effect] = Field(default_factory=list)
    min_players: int = 1


class WorldSetup(Model):
    """Everything a task places in the world before the agents start."""

    blocks: list[BlockSpec] = Field(default_factory=list)
    containers: list[ContainerSpec] = Field(default_factory=list)
    entities: list[EntitySpec] = Field(default_factory=list)
    triggers: list[Trigger] = Field(default_factory=list)
    spawn: list[Pos] = Field(default_factory=lambda: [(0, STAND_Y, 0)])
    agent_items: dict[str, int] = Field(default_factory=dict)
    """Items every agent holds at the start."""
    bounds: tuple[Pos, Pos] = ((-64, GROUND_Y, -64), (64, STAND_Y + 30, 64))
    """The area the task lives in (min corner, max corner): where agents may walk and build."""


class BlockState(Model):
    name: str
    state: dict[str, StateValue] = Field(default_factory=dict)


class EntityState(Model):
    id: str
    type: str
    pos: FPos


class WorldView(Protocol):
    """The read side of a world, whatever backend holds it."""

    def block(self, pos: Pos) -> BlockState: ...

    def inventory(self, agent: str) -> dict[str, int]: ...

    def container(self, pos: Pos) -> dict[str, int] | None: ...

    def agent_pos(self, agent: str) -> FPos: ...

    def agents(self) -> list[str]: ...

    def entities(self) -> list[EntityState]: ...


def distance(a: FPos | Pos, b: FPos | Pos) -> float:
    return float(sum((float(x) - float(y)) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5)


def block_center(pos: Pos) -> FPos:
    return (pos[0] + 0.5, pos[1] + 0.5, pos[2] + 0.5)


def in_reach(agent: FPos, pos: Pos, reach: float = REACH) -> bool:
    """Vanilla measures reach from the eyes (1.62 above the feet) to the block's centre."""
    eyes = (agent[0], agent[1] + EYE_HEIGHT, agent[2])
    return distance(eyes, block_center(pos)) <= reach + REACH_SLACK


def entity_in_reach(agent: FPos, entity: FPos) -> bool:
    """Whether an animal at `entity` is within reach of a player whose feet are at `agent`."""
    return distance(agent, entity) <= ENTITY_REACH + ENTITY_SLACK


def feet_center(pos: Pos) -> FPos:
    """Feet (x, y, z) of a player standing at the middle of block cell `pos`, in blocks.

    >>> feet_center((2, -60, -3))
    (2.5, -60.0, -2.5)
    """
    return (pos[0] + 0.5, float(pos[1]), pos[2] + 0.5)


def effect_reaches(effect: Effect, feet: FPos) -> bool:
    """Whether a trigger's give/teleport effect reaches a player whose feet are at `feet`:
    within `effect.radius` (inclusive) of (x + 0.5, y, z + 0.5) of the effect's block, as the
    vanilla selector `@a[x=x+0.5,y=y,z=z+0.5,distance=..radius]` would pick. The one rule for
    both backends.

    >>> e = Effect(kind="teleport", pos=(0, -60, 0), to=(9, -60, 9), radius=2.0)
    >>> effect_reaches(e, (2.5, -60.0, 0.5)), effect_reaches(e, (2.6, -60.0, 0.5))
    (True, False)
    """
    return distance(feet, feet_center(effect.pos)) <= effect.radius + 1e-9
