"""Subtasks: the nodes of the task graph, and what a Worker is handed.

How items move between subtasks: every task has a **hub** (the task's shared chest). A
subtask takes its `inputs` from the hub, does its work, and puts its output into the hub,
unless it is a final goal (`keep`), whose output the agent keeps in hand (VillagerBench scores
what agents hold). Items that are in the hub at the start are stock, not subtasks.

Kinds and what a Worker does for each (the offline brain in `agents.brain` follows this):
- `harvest`: dig `count` crops or blocks named `source` at any of `sites` (mature crops), then
  deliver the drops (`target`).
- `kill`: kill `count` animals of type `source` near `sites[0]` (with `tool` if given), deliver
  `target` (the meat).
- `milk`: take `count` buckets from the hub, milk animals `source` near `sites[0]`, deliver.
- `craft`: take `inputs` from the hub, craft `target` x `count` (at `station` if given), deliver.
- `smelt`: take `inputs` (item + fuel) from the hub, smelt at furnace `station`, deliver.
- `fetch`: take `count` of `target` from the chest at `station` (not the hub) and deliver.
- `place`: take the blocks from the hub and place each of `blocks` (name, pos, facing), then
  wait off the building site by the hub (where the next work starts), or where it is if
  `stay`.
- `trigger`: bring about an escape-room trigger: `sites` are the positions to act on
  (levers, buttons, plates), `agents` the number of players needed at once.
- `walk`: reach `sites[0]` (pass through an opened exit).
- `stage`: prepare for another subtask (pre-positioning, while its predecessors still run):
  take `inputs` from the hub, then wait where that subtask starts: off the building site
  next to `blocks[0]` if given, else at `sites[0]`. Its id is `stage:<the subtask's id>`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from env.goals import BlueprintBlock
from env.world import Model, Pos, _as_pos

SubtaskKind = Literal["harvest", "kill", "milk", "craft", "smelt", "fetch", "place", "trigger",
                      "walk", "stage"]


def sites_before(v: object) -> object:
    """Sites as given (`[x, y, z]` lists or dicts) to positions; other shapes left to pydantic."""
    return [_as_pos(p) for p in v] if isinstance(v, list) else v


def station_before(v: object) -> object:
    """A station as given to a position; None stays None."""
    return _as_pos(v) if v is not None else v


class Subtask(Model):
    """One node of the task graph."""

    id: str
    kind: SubtaskKind
    target: str
    """The item produced, the block placed, or the trigger brought about."""
    count: int = 1
    inputs: dict[str, int] = Field(default_factory=dict)
    """Items taken from the hub (ingredients, fuel, buckets, blocks to place)."""
    source: str | None = None
    """The block or animal acted on (harvest, kill, milk)."""
    sites: list[Pos] = Field(default_factory=list)
    station: Pos | None = None
    """Crafting table, furnace, or the chest to fetch from."""
    tool: str | None = None
    blocks: list[BlueprintBlock] = Field(default_factory=list)
    actions: list[dict[str, object]] = Field(default_factory=list)
    """For `trigger`: the per-agent actions, one list item per role (name, pos, hold_s)."""
    agents: int = 1
    keep: bool = False
    stay: bool = False
    """For `place`: once built, wait off the building site where the work ended, not back
    by the hub (a scheduler sets it: the walk to the hub is then made only when the next
    work needs it)."""
    carry: dict[str, int] = Field(default_factory=dict)
    """Items to take from the hub along with `inputs`, for work the same agent does next (a
    scheduler sets it); what the hub lacks is not waited for."""
    rules: list[str] = Field(default_factory=list)
    """Ids of the rules this subtask rests on."""
    seconds: float = 1.0
    """Estimated duration (for the critical path and the lower bound)."""
    room: int | None = None

    _s = field_validator("sites", mode="before")(sites_before)
    _t = field_validator("station", mode="before")(station_before)


class Plan(Model):
    """A task decomposed: its subtasks, the hub, and the known-true dependency edges
    (from the rules; the brain's prior may differ)."""

    task: str
    hub: Pos | None
    subtasks: list[Subtask]

    def by_id(self) -> dict[str, Subtask]:
        return {s.id: s for s in self.subtasks}
