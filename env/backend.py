"""The interface every game backend implements (`env.sim`, `env.minecraft`)."""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import Field

from env.actions import Action
from env.ground import GroundStack
from env.refusals import Code, Refusal
from env.rulebook import Rulebook
from env.world import EntityState, FPos, Model, WorldSetup, WorldView


class BackendError(RuntimeError):
    """A backend could not start, build or read its world (no server answers, a bot could not
    join, the Node side failed). Its text is one line a user can act on; the CLI prints it
    alone (`-v` adds the traceback)."""


class Outcome(Model):
    """What running one action did. `seconds` is its duration: virtual on the simulator,
    measured on a real server. `fired` lists the triggers the action set off. A refusal has
    its typed `code` (`env.refusals.Code`), the values its text names (`params`) and the
    text itself (`reason`); callers compare the code, never the text."""

    ok: bool
    reason: str | None = None
    code: Code | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    seconds: float = 0.0
    fired: list[str] = Field(default_factory=list)

    @classmethod
    def refused(cls, refusal: Refusal, seconds: float = 0.0) -> Outcome:
        """The outcome of a refused action."""
        return cls(ok=False, reason=refusal.text, code=refusal.code,
                   params=dict(refusal.params), seconds=seconds)


class Observation(Model):
    """What an agent sees after an action: where it is, what it holds, animals nearby."""

    agent: str
    pos: FPos
    inventory: dict[str, int]
    entities: list[EntityState] = Field(default_factory=list)
    ground: list[GroundStack] = Field(default_factory=list)
    """Items lying near it (what did not fit an inventory): env/ground.py `nearest_ground`."""


class Backend(Protocol):
    """A world the Judger runs actions on.

    - `realtime` False: virtual time; `execute` returns at once with the action's duration,
      and the Judger orders actions by virtual start time (same seed, same trace).
    - `realtime` True: `execute` blocks for the action's real duration; the Judger runs each
      agent's actions in its own thread.
    `execute` is only called with actions whose `check` passed; a backend may still refuse
    (the world moved on) and must then leave the world unchanged.
    """

    name: str
    realtime: bool
    rules: Rulebook
    pause_s: float
    """Virtual seconds between one of an agent's actions ending and its next starting (the
    server's round trip, env/data/durations.json pause_s); 0 for a real-time backend, whose
    clock has the real pause in it."""

    def build(self, world: WorldSetup, agents: list[str]) -> None: ...

    def view(self, at: float | None = None) -> WorldView:
        """The world for `check()`, as it is at virtual time `at` (the start of the action to
        be judged; None: as it is once every action run so far is done). A real-time backend
        reads its world as it is now."""
        ...

    def execute(self, agent: str, action: Action, start: float) -> Outcome: ...

    def observe(self, agent: str) -> Observation: ...

    def fired(self) -> set[str]:
        """Ids of the triggers that have fired so far."""
        ...

    def close(self) -> None: ...

    @property
    def closed(self) -> bool:
        """Whether `close` has begun: an action still running then fails because the run is
        ending, not because of the game."""
        ...
