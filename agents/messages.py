"""The messages the participants exchange on the bus (topics in `agents.bus.Topics`).

Worker -> Planner   `agent/<id>/request`  WorkRequest
Planner -> Worker   `planner/assign/<id>` Assignment
Worker -> Judger    `agent/<id>/action`   ActionRequest
Judger -> Worker    `judger/result/<id>`  ActionResult
Worker -> Planner   `agent/<id>/report`   SubtaskReport
Planner -> all      `state`               PlannerState (who waits for work; the end)
any -> viewers      `events`              Event (readable log lines)
Worker -> Judger    `agent/<id>/observe`  ObserveRequest (answered by an ActionResult, seq 0)
Worker -> Planner   `agent/<id>/alive`    Heartbeat (keeps its lease)
each -> runner      `.../summary`         Summary (its part of the result, at the end)
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from agents.bus import Message
from env.backend import Observation
from env.refusals import Code
from planner.subtask import Subtask


class WorkRequest(Message):
    kind: Literal["request"] = "request"
    agent: str
    clock: float = Field(0.0, ge=0.0, allow_inf_nan=False)
    pos: tuple[float, float, float] | None = None
    """Where the agent stands (for schedulers that weigh walking)."""


class Assignment(Message):
    """A subtask for one agent (with its role in a joint subtask), or `wait`, or `done`."""

    kind: Literal["assign"] = "assign"
    agent: str
    subtask: Subtask | None = None
    role: int = 0
    partners: list[str] = Field(default_factory=list)
    not_before: float = 0.0
    hub: tuple[int, int, int] | None = None
    attempt: int = 0
    keep_out: list[tuple[int, int]] = Field(default_factory=list)
    """Columns (x, z) of the building site: where not to stand while building."""
    wait: bool = False
    done: bool = False


class ActionRequest(Message):
    kind: Literal["action"] = "action"
    agent: str
    seq: int = Field(ge=1)
    """Counts up from 1 per worker: a number not above the last one seen is stale."""
    subtask: str | None = None
    attempt: int = Field(0, ge=0)
    action: dict[str, Any]
    speculate: bool = False
    """Answer with a provisional result if the action cannot run at once (see `ActionResult
    .provisional`): the worker thinks on while earlier actions are ordered."""
    after: int | None = Field(None, ge=1)
    """This action was chosen on the provisional result of the sender's action `after`; the
    Judger drops it if that result turns out otherwise."""


class ActionResult(Message):
    kind: Literal["result"] = "result"
    agent: str
    seq: int
    ok: bool
    reason: str | None = None
    code: Code | None = None
    """The refusal's typed code (`env.refusals.Code`); compare this, never `reason`."""
    params: dict[str, Any] = Field(default_factory=dict)
    """The values the refusal's text names (positions, items, who stands where)."""
    start: float
    end: float
    ready_at: float | None = None
    """When the agent's next action may start at the earliest (the Judger's clock for it):
    `end`, or on the simulator `end` plus the server's round trip between an agent's
    actions (pause_s); None: `end`. Read it as `clock`."""
    fired: list[str] = Field(default_factory=list)
    fired_total: list[str] = Field(default_factory=list)
    observation: Observation | None = None
    action: str | None = None
    """The action's name (`smelt`, `move_to`, ...)."""
    provisional: bool = False
    """What the action would give on the world as known now, before the actions of others
    that may still come before it in virtual time (nothing is run or logged): a worker may
    choose its next action on it. The real result follows."""
    confirmed: bool | None = None
    """On the real result of an action answered provisionally first: True if it is the same,
    False if not (the sender's actions chosen on it are then dropped); None otherwise."""

    @property
    def clock(self) -> float:
        """The agent's virtual clock after this result, as the Judger keeps it: the
        workers and the Planner read this, never `end`, so all keep one clock."""
        return self.end if self.ready_at is None else self.ready_at


class SubtaskReport(Message):
    kind: Literal["report"] = "report"
    agent: str
    subtask: str
    ok: bool
    reason: str | None = None
    code: Code | None = None
    """The refusal code of the action the subtask failed on, if any."""
    clock: float = Field(0.0, ge=0.0, allow_inf_nan=False)


class PlannerState(Message):
    """Published before any assignment that changes who is idle, so the Judger (which
    orders actions by virtual time) knows whom to wait for."""

    kind: Literal["state"] = "state"
    idle: list[str]
    """Agents with nothing to do, and agents taken for gone (lease ran out): the Judger does
    not wait for their next action."""
    done: bool = False
    seq: int = 0
    earliest: dict[str, float] = Field(default_factory=dict)
    """Agent at work -> virtual seconds before which its next action cannot start (its
    assignment's `not_before`). An assignment that needs no action moves the agent's clock
    there without a word to the Judger, which must not wait on the older clock."""


class TraceEntry(BaseModel):
    """One action as the Judger ran it (the result file's `trace`)."""

    agent: str
    name: str
    args: dict[str, Any]
    start: float
    end: float
    ok: bool
    reason: str | None = None
    code: Code | None = None
    subtask: str | None = None
    attempt: int = 0
    at: tuple[float, float, float] | None = None
    """Where the agent stood after the action."""


class Event(Message):
    kind: Literal["event"] = "event"
    text: str
    data: dict[str, Any] = Field(default_factory=dict)


class ObserveRequest(Message):
    """A worker that starts on its own asks the Judger what it sees (position, inventory)."""

    kind: Literal["observe"] = "observe"
    agent: str


class Heartbeat(Message):
    """A worker is alive (sent every few seconds): its lease on its subtask goes on."""

    kind: Literal["alive"] = "alive"
    agent: str


class Summary(Message):
    """A participant's part of the episode's result, sent once at its end to the runner.

    `role` planner: `subtasks`, `graph`, `plan_s`, `true_edges`; judger: `trace`, `score`,
    `completion`, `details`, `fired`; worker: `llm_calls`, `tokens`, `actions_sent`. All
    carry `rejected` (payloads that did not parse) and `duplicates` (copies dropped by id).
    """

    kind: Literal["summary"] = "summary"
    role: Literal["planner", "judger", "worker"]
    agent: str
    data: dict[str, Any] = Field(default_factory=dict)


class SeatRequest(Message):
    """A worker started without an agent id (``--id auto``, e.g. one replica of a scaled
    service) asks the Planner for one, on ``seat/<nonce>``."""

    kind: Literal["seat"] = "seat"
    nonce: str = Field(min_length=4, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


class Seat(Message):
    """The Planner's answer on ``planner/seat/<nonce>``: the agent id to work as (None: every
    agent of the episode is taken)."""

    kind: Literal["seated"] = "seated"
    nonce: str
    agent: str | None


class PlanGraph(Message):
    """The plan as refined, for viewers (topic `plan`, retained): every subtask, every edge
    the prior proposed or the refinement added with its verdict and ATE, and the DFS lines."""

    kind: Literal["plan"] = "plan"
    task: str
    backend: str
    planner: str
    agents: list[str]
    nodes: list[dict[str, Any]]
    """{id, kind, target, agents}"""
    edges: list[dict[str, Any]]
    """{source, target, kept, ate (None: not tested), origin ("prior" or "repair"), rules}"""
    lines: list[list[str]]
    minecraft: str | None = None
    """host:port of the game server a 1.19.2 client can join as a spectator."""


class PlanProgress(Message):
    """The Planner's view after each change (topic `progress`, retained): each subtask's
    state (waiting, ready, working, done, failed), who holds what, each line's busy rate,
    the edges added on failures."""

    kind: Literal["progress"] = "progress"
    status: dict[str, str]
    holders: dict[str, list[str]]
    busy: list[float]
    repaired: list[tuple[str, str, float]] = Field(default_factory=list)
    finished: bool = False


class ScoreUpdate(Message):
    """The score after an action (topic `score`, retained): the family's score and
    completion with its details, makespan so far and the lower bound of the work so far."""

    kind: Literal["score"] = "score"
    score: float
    completion: float
    details: dict[str, float] = Field(default_factory=dict)
    makespan_s: float
    lower_bound_s: float
    actions: int
    failed_actions: int
