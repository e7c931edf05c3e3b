"""What a task asks for, per family, in the form the scorers and the planner read.

The scoring functions (VillagerBench's formulas) live in `env.scoring`; these are the models.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from env.world import Facing, Model, Pos, _as_pos


class CheckPoint(Model):
    """Cooking: holding `count` of `item` (any agent) earns `score`.

    `sub` names the check points that stop counting once this one is held (the ingredients
    of a dish no longer count once the dish exists).
    """

    item: str
    count: int = 1
    score: float
    sub: list[str] = Field(default_factory=list)


class CookingGoal(Model):
    family: Literal["cooking"] = "cooking"
    target: str
    check_points: list[CheckPoint]
    sources: dict[str, str] = Field(default_factory=dict)
    """VillagerBench's hints, e.g. {"wheat": "hay_block in farm"} (kept for the LLM prompt)."""


class BlueprintBlock(Model):
    """Construction: a block of the blueprint. `facing` is None for "any" (VillagerBench's `A`),
    an axis `x`/`y`/`z` for logs and pillars, or a direction."""

    name: str
    pos: Pos
    facing: Facing | Literal["x", "y", "z"] | None = None

    _pos = field_validator("pos", mode="before")(_as_pos)


class ConstructionGoal(Model):
    family: Literal["construction"] = "construction"
    blueprint: list[BlueprintBlock]


class Room(Model):
    """Escape: one room of the chain. It is solved when every trigger listed has fired;
    otherwise it scores the fraction of its conditions met."""

    index: int
    atom: int
    origin: Pos
    triggers: list[str]
    description: str = ""
    min_players: int = 1
    parts: list[list[str]] = Field(default_factory=list)
    """VillagerBench's tasks in this room when it holds several (a merge stage: one per
    player), each as its trigger ids; empty: the room is one task."""

    _pos = field_validator("origin", mode="before")(_as_pos)


class EscapeGoal(Model):
    family: Literal["escape"] = "escape"
    rooms: list[Room]


Goal = Annotated[CookingGoal | ConstructionGoal | EscapeGoal, Field(discriminator="family")]
