"""The Judger: validates every action against the rules before the game runs it, runs it on
the backend, logs it, and answers the Worker with the result and, on failure, the reason.

Two clocks:
- virtual (the simulator): the Judger is the time authority. It runs one action at a time, in
  order of virtual start time (ties by agent id), and only once every agent that is not idle
  has submitted its next action, so the same seed gives the same trace whatever the message
  timing. A `rendezvous` waits until all its agents have reached it; they leave together.
- real time (a Minecraft server): each action runs as it arrives, in its own thread.

`JudgerCore` holds the rules (ordering, validation, logging) and no transport; `Judger` wires
it to the bus.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from agents.messages import (
    ActionRequest,
    ActionResult,
    Event,
    PlannerState,
    ScoreUpdate,
    TraceEntry,
)
from env.actions import Action, Rendezvous, parse_action
from env.backend import Backend, Outcome
from env.refusals import Code, refuse

log = logging.getLogger("causalcraft.judger")


def _validation_refusal(err: ValidationError) -> Outcome:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "action"
    return Outcome.refused(refuse(Code.BAD_ACTION, field=where, error=first.get("msg")))


@dataclass
class _Pending:
    request: ActionRequest
    action: Action | None
    error: Outcome | None
    start: float


@dataclass
class JudgerCore:
    """Validation, ordering and the log. Feed it requests and planner states; it hands back
    the results to publish, in order."""

    backend: Backend
    agents: list[str]
    clock: dict[str, float] = field(default_factory=dict)
    pending: dict[str, _Pending] = field(default_factory=dict)
    idle: set[str] = field(default_factory=set)
    finished: bool = False
    trace: list[TraceEntry] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for a in self.agents:
            self.clock.setdefault(a, 0.0)

    # -- input ----------------------------------------------------------------------------
    def submit(self, req: ActionRequest) -> None:
        if req.agent not in self.clock:
            log.warning("action from unknown agent %r ignored", req.agent)
            return
        action: Action | None = None
        error: Outcome | None = None
        try:
            action = parse_action(req.action)
        except ValidationError as err:
            error = _validation_refusal(err)
        start = max(self.clock[req.agent], action.not_before if action else 0.0)
        self.pending[req.agent] = _Pending(req, action, error, start)
        self.idle.discard(req.agent)

    def planner_state(self, state: PlannerState) -> None:
        self.idle = set(state.idle)
        self.finished = state.done

    # -- virtual-time ordering ------------------------------------------------------------
    def waiting_for(self) -> list[str]:
        """Agents whose next move is unknown (neither an action pending nor idle)."""
        return [a for a in self.agents if a not in self.pending and a not in self.idle]

    def step(self) -> list[ActionResult]:
        """Run what can run now, in virtual-time order. Returns the results to send."""
        results: list[ActionResult] = []
        while self.pending and not self.waiting_for():
            runnable = [p for p in self.pending.values() if self._ready(p)]
            if not runnable:
                # Only rendezvous whose partners will not come (idle or gone): fail the earliest.
                stuck = min(self.pending.values(), key=lambda p: (p.start, p.request.agent))
                results.append(self._finish(stuck, self._missed(stuck)))
                continue
            chosen = min(runnable, key=lambda p: (p.start, p.request.agent))
            if isinstance(chosen.action, Rendezvous):
                group = [self.pending[a] for a in chosen.action.agents]
                meet = max(p.start for p in group)
                for p in sorted(group, key=lambda p: p.request.agent):
                    p.start = meet
                    results.append(self._finish(p, Outcome(ok=True, seconds=0.0)))
                continue
            results.append(self.run(chosen))
        return results

    def _missed(self, p: _Pending) -> Outcome:
        """The refusal of a rendezvous whose partners will not come."""
        assert isinstance(p.action, Rendezvous)
        tag = p.action.tag
        late = [a for a in p.action.agents if not (
            a in self.pending and isinstance(self.pending[a].action, Rendezvous)
            and self.pending[a].action.tag == tag)]
        return Outcome.refused(refuse(Code.RENDEZVOUS_MISSED, tag=tag, late=late))

    def _ready(self, p: _Pending) -> bool:
        if not isinstance(p.action, Rendezvous):
            return True
        others = p.action.agents
        return all(a in self.pending and isinstance(self.pending[a].action, Rendezvous)
                   and self.pending[a].action.tag == p.action.tag for a in others)

    # -- running one action ---------------------------------------------------------------
    def run(self, p: _Pending) -> ActionResult:
        """Validate and execute one pending action (any clock)."""
        agent = p.request.agent
        if p.error is not None:
            return self._finish(p, p.error)
        assert p.action is not None
        refusal = p.action.check(self.backend.view(), agent, self.backend.rules)
        if refusal is not None:
            return self._finish(p, Outcome.refused(refusal))
        try:
            outcome = self.backend.execute(agent, p.action, p.start)
        except Exception as err:  # a backend fault is the action's failure, not the Judger's
            log.exception("backend failed on %s", p.request.action)
            outcome = Outcome.refused(refuse(Code.BACKEND_ERROR, error=str(err)))
        return self._finish(p, outcome)

    def _finish(self, p: _Pending, outcome: Outcome) -> ActionResult:
        agent = p.request.agent
        self.pending.pop(agent, None)
        end = p.start + max(0.0, outcome.seconds)
        self.clock[agent] = end
        self.fired.extend(f for f in outcome.fired if f not in self.fired)
        name = p.action.name if p.action else str(p.request.action.get("name", "?"))
        args = p.action.model_dump(exclude={"name", "not_before"}) if p.action else \
            dict(p.request.action)
        observation = self.backend.observe(agent)
        self.trace.append(TraceEntry(agent=agent, name=name, args=args, start=p.start, end=end,
                                     ok=outcome.ok, reason=outcome.reason, code=outcome.code,
                                     subtask=p.request.subtask, attempt=p.request.attempt,
                                     at=tuple(round(v, 3) for v in observation.pos)))
        return ActionResult(sender="judger", agent=agent, seq=p.request.seq, ok=outcome.ok,
                            reason=outcome.reason, code=outcome.code,
                            params=outcome.params, start=p.start, end=end,
                            fired=list(outcome.fired), fired_total=list(self.fired),
                            observation=observation)

    def describe(self, r: ActionResult) -> str:
        t = self.trace[-1]
        args = ", ".join(f"{k}={v}" for k, v in t.args.items() if v not in (None, 0.0, []))
        verdict = "ok" if r.ok else f"REFUSED: {r.reason}"
        fired = f" -> fired {', '.join(r.fired)}" if r.fired else ""
        return f"[{r.start:8.2f}s] {r.agent:>8} {t.name}({args}) {verdict}{fired}"


class Judger:
    """The Judger on the bus."""

    def __init__(self, bus: object, topics: object, backend: Backend, agents: list[str],
                 scorer: Callable[[Sequence[TraceEntry]], ScoreUpdate] | None = None) -> None:
        self.bus, self.topics = bus, topics
        self.scorer = scorer
        """The score after each action, published (retained) for viewers."""
        self.core = JudgerCore(backend, list(agents))
        self.realtime = backend.realtime
        self._threads: dict[str, asyncio.Task[None]] = {}
        self._rendezvous: dict[str, tuple[set[str], asyncio.Event]] = {}
        self.wall_start = time.monotonic()

    async def _send(self, result: ActionResult) -> None:
        await self.bus.publish(self.topics.result(result.agent), result)
        line = self.core.describe(result)
        log.info(line)
        entry = next((t for t in reversed(self.core.trace) if t.agent == result.agent), None)
        data = {"action": entry.model_dump(mode="json")} if entry is not None else {}
        await self.bus.publish(self.topics.events, Event(sender="judger", text=line, data=data))
        if self.scorer is not None:
            try:
                update = self.scorer(list(self.core.trace))
            except Exception:  # a viewer's figure must never stop the episode
                log.exception("scoring for viewers failed")
                return
            await self.bus.publish(self.topics.score, update, retain=True)

    async def serve(self, stop: asyncio.Event) -> None:
        """Handle actions and planner states until `stop` is set."""
        await self.bus.subscribe(self.topics.agent_pattern("action"))
        await self.bus.subscribe(self.topics.state)
        async for _topic, msg in self.bus.messages(stop):
            if isinstance(msg, PlannerState):
                self.core.planner_state(msg)
            elif isinstance(msg, ActionRequest):
                if self.realtime:
                    self._start_realtime(msg)
                    continue
                self.core.submit(msg)
            else:
                continue
            if not self.realtime:
                for result in self.core.step():
                    await self._send(result)

    # -- real time ------------------------------------------------------------------------
    def _start_realtime(self, req: ActionRequest) -> None:
        self.core.submit(req)
        pending = self.core.pending[req.agent]
        pending.start = time.monotonic() - self.wall_start
        self._threads[req.agent] = asyncio.create_task(self._run_realtime(pending))

    async def _run_realtime(self, p: _Pending) -> None:
        if isinstance(p.action, Rendezvous):
            group = set(p.action.agents)
            seen, event = self._rendezvous.setdefault(p.action.tag, (set(), asyncio.Event()))
            seen.add(p.request.agent)
            if seen >= group:
                event.set()
            try:
                await asyncio.wait_for(event.wait(), timeout=120.0)
                outcome = Outcome(ok=True, seconds=time.monotonic() - self.wall_start - p.start)
            except TimeoutError:
                late = sorted(set(p.action.agents) - seen)
                outcome = Outcome.refused(refuse(Code.RENDEZVOUS_MISSED, tag=p.action.tag,
                                                 late=late))
            await self._send(self.core._finish(p, outcome))
            return
        result = await asyncio.to_thread(self.core.run, p)
        await self._send(result)
