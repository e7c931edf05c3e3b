"""The task spec every importer produces and every runner consumes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from env.goals import Goal
from env.world import Model, Pos, WorldSetup, _as_pos

Family = Literal["cooking", "construction", "escape"]


class TaskSpec(Model):
    """One episode's task: what is built in the world, what is asked, and its budget.

    `id` is `<family>/<name>`: `cooking/cake_0`, `construction/task_0`, `escape/2-1`.
    `budget_s` is VillagerBench's `max_action_time`, the numerator of efficiency: a
    per-task budget that grows with the task's complexity.
    """

    id: str
    family: Family
    description: str
    world: WorldSetup
    goal: Goal
    min_agents: int = 1
    max_agents: int = 8
    budget_s: float = Field(gt=0)
    hub: Pos | None = None
    """The shared chest, where the task has one (cooking's top-level chest, construction's
    supply chest)."""
    agents: int | None = None
    """The number of players the spec was built for, where it depends on it (an escape chain
    places one copy of a random block per player); None otherwise."""
    import_warnings: list[str] = Field(default_factory=list)
    """Parts of the task file that could not be read and were skipped, each quoting its line
    (`line 3: skipped: unknown block 'glowstne' in '...'`); empty for a clean file."""

    _hub = field_validator("hub", mode="before")(_as_pos)

    @model_validator(mode="after")
    def _holders_hold_their_items(self) -> TaskSpec:
        from env.capacity import world_problem

        problem = world_problem(self.world)
        if problem:
            raise ValueError(problem)
        return self

    @field_validator("id")
    @classmethod
    def _id_has_family(cls, v: str) -> str:
        family, _, name = v.partition("/")
        if not name or family not in ("cooking", "construction", "escape"):
            raise ValueError(f"task id {v!r} is not <cooking|construction|escape>/<name>")
        return v
