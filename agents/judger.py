"""The Judger: validates every action against the rules before the game runs it, runs it on
the backend, logs it, and answers the Worker with the result and, on failure, the reason.

Two clocks:
- virtual (the simulator): the Judger is the time authority. It runs one action at a time, in
  order of virtual start time (ties by agent id), and only once no agent still to move could
  come before it, so the same seed gives the same trace whatever the message timing. A
  `rendezvous` waits until all its agents have reached it; they leave together.
  An action that must wait for its turn can be answered at once with a *provisional* result
  (what it gives on a copy of the world as known now, with the sender's own earlier waiting
  actions): its worker chooses its next actions on it meanwhile. When the action's turn
  comes, the real result says whether the provisional one held; if not, the actions chosen on
  it are dropped and the worker chooses again from the real one. What runs, and in which
  order, is what a Judger without provisional answers runs (speculation, as in optimistic
  parallel simulation, with the rollback on the worker's side).
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
    ObserveRequest,
    PlannerState,
    ScoreUpdate,
    TraceEntry,
)
from agents.policy import policy_refusal
from env.actions import Action, Rendezvous, parse_action
from env.backend import Backend, Observation, Outcome
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
    received: float = field(default_factory=time.monotonic)
    answered: ActionResult | None = None
    """The provisional result sent for it, if any."""


RENDEZVOUS_LOOK_S = 1.0
"""Seconds between a real-time rendezvous's looks at whether its late partners are idle."""
RENDEZVOUS_MOST_S = 120.0
"""Seconds a real-time rendezvous waits at most for its partners."""
_ENVELOPE = {"message_id", "sent_at", "provisional", "confirmed"}


def same_result(a: ActionResult, b: ActionResult) -> bool:
    """Whether two results of one action say the same to its worker (message ids and send
    times aside)."""
    return a.model_dump(exclude=_ENVELOPE) == b.model_dump(exclude=_ENVELOPE)


@dataclass
class JudgerCore:
    """Validation, ordering and the log. Feed it requests and planner states; it hands back
    the results to publish, in order."""

    backend: Backend
    agents: list[str]
    clock: dict[str, float] = field(default_factory=dict)
    pending: dict[str, _Pending] = field(default_factory=dict)
    idle: set[str] = field(default_factory=set)
    earliest: dict[str, float] = field(default_factory=dict)
    """Agent at work -> when its next action may start at the earliest (the Planner's state:
    its assignment's `not_before`), beside its clock."""
    finished: bool = False
    trace: list[TraceEntry] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)
    last_seq: dict[str, int] = field(default_factory=dict)
    refused: list[tuple[str, int, str]] = field(default_factory=list)
    """Requests refused before they could run: (agent, seq, reason); none is in the trace."""
    queued: dict[str, list[_Pending]] = field(default_factory=dict)
    """Actions chosen on a provisional result, behind the agent's pending one, in order."""
    settled: dict[str, tuple[int, bool | None]] = field(default_factory=dict)
    """Each agent's last action run: (seq, whether its provisional result held; None: none)."""
    dropped: int = 0
    """Actions dropped because the provisional result they were chosen on did not hold."""
    held_s: dict[str, float] = field(default_factory=dict)
    """Wall seconds each agent's actions waited between arriving and running (their turn)."""
    policies: bool = True
    """Whether the Judger's policies (agents/policy.py: no unripe crop is dug) stand beside
    the game's rules."""

    def __post_init__(self) -> None:
        for a in self.agents:
            self.clock.setdefault(a, 0.0)

    @property
    def pause_s(self) -> float:
        """Virtual seconds between an agent's action ending and its next starting (the
        backend's `pause_s`: the server's round trip, for the simulator); 0 in real time."""
        return 0.0 if self.backend.realtime else float(getattr(self.backend, "pause_s", 0.0))

    # -- input ----------------------------------------------------------------------------
    def screen(self, req: ActionRequest, sender: str | None = None) -> str | None:
        """Why `req` cannot be taken at all (None: it can): an unknown agent, a request
        sent on another agent's topic (`sender`: the agent id of the topic), a stale
        sequence number, or a second action while one is pending."""
        if req.agent not in self.clock:
            return f"unknown agent {req.agent!r}"
        if sender is not None and sender != req.agent:
            return f"an action for {req.agent!r} sent on {sender!r}'s topic"
        last = self.last_seq.get(req.agent, 0)
        if req.seq <= last:
            return f"stale sequence number {req.seq} (last taken {last})"
        if req.after is not None:
            if not self.follows(req):
                return f"action {req.seq} was chosen on a result of action {req.after} " \
                       "that is not (or no longer) the agent's latest provisional one"
            return None
        if req.agent in self.pending:
            return f"{req.agent} already has action {self.pending[req.agent].request.seq} pending"
        return None

    def chain(self, agent: str) -> list[_Pending]:
        """The agent's actions not run yet: the pending one, then those queued behind it."""
        head = self.pending.get(agent)
        return [] if head is None else [head, *self.queued.get(agent, [])]

    def follows(self, req: ActionRequest) -> bool:
        """Whether `req` (chosen on the provisional result of action `req.after`) may be
        taken: that result is the latest one sent to the agent and still stands, or its
        action has run since and it held."""
        chain = self.chain(req.agent)
        if chain:
            last = chain[-1]
            return last.request.seq == req.after and last.answered is not None
        return self.settled.get(req.agent) == (req.after, True)

    def superseded(self, req: ActionRequest, sender: str | None) -> bool:
        """A well-formed action chosen on a provisional result that did not hold (or on an
        action dropped with it): the worker has dropped it too. It is not run and not
        answered (`dropped` counts it); any other bad request is for `screen`."""
        if req.after is None or req.agent not in self.clock or sender != req.agent or \
                req.seq <= self.last_seq.get(req.agent, 0) or self.follows(req):
            return False
        self.last_seq[req.agent] = req.seq
        self.dropped += 1
        log.debug("dropped action %s of %s: chosen on a result that did not hold", req.seq,
                  req.agent)
        return True

    def refuse(self, req: ActionRequest, reason: str) -> ActionResult:
        """The answer to a screened-out request: the world, the clocks and the trace are
        left as they were."""
        log.warning("refused request %s of %r: %s", req.seq, req.agent, reason)
        self.refused.append((req.agent, req.seq, reason))
        now = self.clock.get(req.agent, 0.0)
        return ActionResult(sender="judger", agent=req.agent, seq=req.seq, ok=False,
                            reason=reason, start=now, end=now, ready_at=now)

    def submit(self, req: ActionRequest) -> None:
        """Take a screened request (see `screen`); invalid action bodies fail when run."""
        if req.agent not in self.clock:
            log.warning("action from unknown agent %r ignored", req.agent)
            return
        self.last_seq[req.agent] = max(self.last_seq.get(req.agent, 0), req.seq)
        action: Action | None = None
        error: Outcome | None = None
        try:
            action = parse_action(req.action)
        except ValidationError as err:
            error = _validation_refusal(err)
        if req.after is not None and req.agent in self.pending:
            self.queued.setdefault(req.agent, []).append(_Pending(req, action, error, 0.0))
            return
        start = max(self.clock[req.agent], action.not_before if action else 0.0)
        self.pending[req.agent] = _Pending(req, action, error, start)
        self.idle.discard(req.agent)

    def planner_state(self, state: PlannerState) -> None:
        self.idle = set(state.idle)
        self.finished = state.done
        self.earliest = dict(state.earliest)
        for agent in self.idle:
            # Gone (its lease ran out): what it chose ahead is not run.
            self.dropped += len(self.queued.pop(agent, []))

    # -- virtual-time ordering ------------------------------------------------------------
    def waiting_for(self) -> list[str]:
        """Agents whose next move is unknown (neither an action pending nor idle)."""
        return [a for a in self.agents if a not in self.pending and a not in self.idle]

    def next_at_least(self, agent: str) -> float:
        """The earliest start of `agent`'s next action: its clock, or later when its
        assignment may not start before (a worker whose assignment needs no action moves its
        clock there and reports to the Planner alone; waiting on the older clock would hold
        everyone behind an agent that will not send anything then)."""
        return max(self.clock[agent], self.earliest.get(agent, 0.0))

    def step(self) -> list[ActionResult]:
        """Run what can run now, in virtual-time order. Returns the results to send.

        The earliest pending action (by start, then agent id) runs as soon as no agent still
        to move could come before it: an agent's next action starts no earlier than its clock,
        so an action starting before every such clock is first whatever they send (the
        conservative rule of parallel discrete-event simulation). The order is the one a
        Judger that waited for everyone would take; the agents think in parallel meanwhile.
        """
        results: list[ActionResult] = []
        while self.pending:
            waiting = self.waiting_for()
            runnable = [p for p in self.pending.values() if self._ready(p)]
            if not runnable:
                if waiting:
                    break
                # Only rendezvous whose partners will not come (idle or gone): fail the earliest.
                stuck = min(self.pending.values(), key=lambda p: (p.start, p.request.agent))
                results.append(self._finish(stuck, self._missed(stuck)))
                continue
            chosen = min(runnable, key=lambda p: (p.start, p.request.agent))
            if any((self.next_at_least(a), a) <= (chosen.start, chosen.request.agent)
                   for a in waiting):
                break
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

    # -- provisional results --------------------------------------------------------------
    def can_answer_ahead(self) -> bool:
        """Provisional results need a world that can be copied (the simulator's)."""
        return not self.backend.realtime and callable(getattr(self.backend, "clone", None))

    def to_answer(self) -> list[str]:
        """Agents whose latest action waits for its turn, asked for a provisional answer and
        not answered yet (a rendezvous never is: it depends on others)."""
        if not self.can_answer_ahead():
            return []
        out = []
        for agent in self.agents:
            chain = self.chain(agent)
            if chain and chain[-1].answered is None and chain[-1].request.speculate and \
                    not any(isinstance(p.action, Rendezvous) for p in chain):
                out.append(agent)
        return out

    def answer_ahead(self, agent: str) -> ActionResult:
        """The provisional result of `agent`'s latest action: its chain of waiting actions
        run on a copy of the world as it is now (nothing here changes)."""
        chain = self.chain(agent)
        world = self.backend.clone()  # type: ignore[attr-defined]
        fired = list(self.fired)
        end = self.clock[agent]
        result: ActionResult | None = None
        for i, p in enumerate(chain):
            start = p.start if i == 0 else max(end + self.pause_s,
                                               p.action.not_before if p.action else 0.0)
            outcome = self._outcome(world, p, start)
            end = start + max(0.0, outcome.seconds)
            fired.extend(f for f in outcome.fired if f not in fired)
            result = self._result(p, outcome, start, end, end + self.pause_s, fired,
                                  world.observe(agent))
        assert result is not None
        result = result.model_copy(update={"provisional": True})
        chain[-1].answered = result
        return result

    # -- running one action ---------------------------------------------------------------
    def _outcome(self, backend: Backend, p: _Pending, start: float) -> Outcome:
        if p.error is not None:
            return p.error
        assert p.action is not None
        agent = p.request.agent
        view = backend.view(start)
        refusal = p.action.check(view, agent, backend.rules)
        if refusal is None and self.policies:
            refusal = policy_refusal(p.action, view, agent, backend.rules)
        if refusal is not None:
            return Outcome.refused(refusal)
        try:
            return backend.execute(agent, p.action, start)
        except Exception as err:  # a backend fault is the action's failure, not the Judger's
            # one line; with -v (INFO) the traceback too
            first = (str(err).strip().splitlines() or [type(err).__name__])[0]
            if getattr(backend, "closed", False):  # the run is ending under it: no fault
                log.info("%s did not finish: the run is ending (%s)", p.request.action, first)
                return Outcome.refused(refuse(Code.BACKEND_ERROR, error=str(err)))
            log.error("backend failed on %s: %s", p.request.action, first)
            log.info("details of the backend failure above", exc_info=True)
            return Outcome.refused(refuse(Code.BACKEND_ERROR, error=str(err)))

    def run(self, p: _Pending) -> ActionResult:
        """Validate and execute one pending action (any clock)."""
        return self._finish(p, self._outcome(self.backend, p, p.start))

    def _result(self, p: _Pending, outcome: Outcome, start: float, end: float,
                ready_at: float, fired_total: list[str],
                observation: Observation) -> ActionResult:
        name = p.action.name if p.action else str(p.request.action.get("name", "?"))
        return ActionResult(sender="judger", agent=p.request.agent, seq=p.request.seq,
                            ok=outcome.ok, reason=outcome.reason, code=outcome.code,
                            params=outcome.params, start=start, end=end, ready_at=ready_at,
                            fired=list(outcome.fired), fired_total=list(fired_total),
                            observation=observation, action=name)

    def _finish(self, p: _Pending, outcome: Outcome) -> ActionResult:
        agent = p.request.agent
        self.pending.pop(agent, None)
        self.held_s[agent] = self.held_s.get(agent, 0.0) + time.monotonic() - p.received
        end = p.start + max(0.0, outcome.seconds)
        self.clock[agent] = end + self.pause_s
        self.fired.extend(f for f in outcome.fired if f not in self.fired)
        name = p.action.name if p.action else str(p.request.action.get("name", "?"))
        args = p.action.model_dump(exclude={"name", "not_before"}) if p.action else \
            dict(p.request.action)
        observation = self.backend.observe(agent)
        self.trace.append(TraceEntry(agent=agent, name=name, args=args, start=p.start, end=end,
                                     ok=outcome.ok, reason=outcome.reason, code=outcome.code,
                                     subtask=p.request.subtask, attempt=p.request.attempt,
                                     at=tuple(round(v, 3) for v in observation.pos)))
        result = self._result(p, outcome, p.start, end, self.clock[agent], self.fired,
                              observation)
        if p.answered is not None:
            result.confirmed = same_result(result, p.answered)
        self.settled[agent] = (p.request.seq, result.confirmed)
        behind = self.queued.pop(agent, [])
        if behind and result.confirmed:
            head, rest = behind[0], behind[1:]
            head.start = max(end + self.pause_s, head.action.not_before if head.action else 0.0)
            self.pending[agent] = head
            if rest:
                self.queued[agent] = rest
        else:
            self.dropped += len(behind)
        return result

    def describe(self, r: ActionResult) -> str:
        t = next((t for t in reversed(self.trace) if t.agent == r.agent), self.trace[-1])
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
        self._scoring: asyncio.Task[None] | None = None
        self._score_due = False
        self.core = JudgerCore(backend, list(agents))
        self.realtime = backend.realtime
        self._threads: dict[str, asyncio.Task[None]] = {}
        self._rendezvous: dict[str, tuple[set[str], asyncio.Event]] = {}
        self.wall_start = time.monotonic()
        self.ready = asyncio.Event()
        """Set once subscribed: from then on no action is lost."""
        self.done = asyncio.Event()
        """Set when the Planner has said the episode is over."""

    async def _send(self, result: ActionResult) -> None:
        await self.bus.publish(self.topics.result(result.agent), result)
        if result.seq == 0:
            return
        line = self.core.describe(result)
        log.info(line)
        entry = next((t for t in reversed(self.core.trace) if t.agent == result.agent), None)
        data = {"action": entry.model_dump(mode="json")} if entry is not None else {}
        await self.bus.publish(self.topics.events, Event(sender="judger", text=line, data=data))
        if self.scorer is None:
            return
        if not self.realtime:
            await self._publish_score()
            return
        # A real server's score reads the world (one bridge call per block): in a thread,
        # one at a time, for the latest trace, so that the loop (and an embedded broker on
        # it) never waits on the game for a viewer's figure.
        self._score_due = True
        if self._scoring is None or self._scoring.done():
            self._scoring = asyncio.create_task(self._score_latest())

    async def _publish_score(self, in_thread: bool = False) -> None:
        assert self.scorer is not None
        trace = list(self.core.trace)
        try:
            update = (await asyncio.to_thread(self.scorer, trace) if in_thread
                      else self.scorer(trace))
        except Exception:  # a viewer's figure must never stop the episode
            log.exception("scoring for viewers failed")
            return
        await self.bus.publish(self.topics.score, update, retain=True)

    async def _score_latest(self) -> None:
        while self._score_due:
            self._score_due = False
            await self._publish_score(in_thread=True)

    async def serve(self, stop: asyncio.Event) -> None:
        """Handle actions and planner states until `stop` is set."""
        await self.bus.subscribe(self.topics.agent_pattern("action"), ActionRequest)
        await self.bus.subscribe(self.topics.agent_pattern("observe"), ObserveRequest)
        await self.bus.subscribe(self.topics.state, PlannerState)
        self.ready.set()
        async for topic, msg in self.bus.messages(stop):
            if isinstance(msg, PlannerState):
                if not self.core.finished:
                    self.core.planner_state(msg)
                if self.core.finished:
                    self.done.set()
            elif isinstance(msg, ObserveRequest):
                if msg.agent in self.core.clock and msg.agent == _topic_agent(topic):
                    await self.bus.publish(self.topics.result(msg.agent), ActionResult(
                        sender="judger", agent=msg.agent, seq=0, ok=True,
                        start=self.core.clock[msg.agent], end=self.core.clock[msg.agent],
                        ready_at=self.core.clock[msg.agent], fired_total=list(self.core.fired),
                        observation=self.core.backend.observe(msg.agent)))
                continue
            elif isinstance(msg, ActionRequest):
                sender = _topic_agent(topic)
                if not self.realtime and self.core.superseded(msg, sender):
                    continue
                reason = self.core.screen(msg, sender)
                if reason is not None:
                    refusal = self.core.refuse(msg, reason)
                    # The answer goes to whoever sent it, never to the agent it claims to be.
                    to = sender if sender in self.core.clock else None
                    if to is not None:
                        await self.bus.publish(self.topics.result(to),
                                               refusal.model_copy(update={"agent": to}))
                    continue
                if self.realtime:
                    self._start_realtime(msg)
                    continue
                self.core.submit(msg)
            else:
                continue
            if not self.realtime:
                for result in self.core.step():
                    await self._send(result)
                for agent in self.core.to_answer():
                    await self.bus.publish(self.topics.result(agent),
                                           self.core.answer_ahead(agent))
        if self._scoring is not None:
            # The last score a viewer sees is the world's at the end.
            await asyncio.gather(self._scoring, return_exceptions=True)

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
            if await self._meet(event, group, seen, p.action.tag):
                outcome = Outcome(ok=True, seconds=time.monotonic() - self.wall_start - p.start)
            else:
                late = sorted(group - seen)
                outcome = Outcome.refused(refuse(Code.RENDEZVOUS_MISSED, tag=p.action.tag,
                                                 late=late))
            await self._send(self.core._finish(p, outcome))
            return
        result = await asyncio.to_thread(self.core.run, p)
        await self._send(result)


    async def _meet(self, event: asyncio.Event, group: set[str], seen: set[str],
                    tag: str) -> bool:
        """Wait until every agent of `group` has reached the rendezvous `tag` (True), or until
        one that has not will not come (False): on two looks `RENDEZVOUS_LOOK_S` apart it was
        idle (its assignment ended, failed or was given up, or it is gone, as the Planner's
        state says) or waiting at another rendezvous, as the virtual-time rule fails a
        rendezvous whose partners are idle or elsewhere; or after `RENDEZVOUS_MOST_S` in all."""
        deadline = time.monotonic() + RENDEZVOUS_MOST_S
        idle_before: set[str] = set()
        while time.monotonic() < deadline:
            try:
                await asyncio.wait_for(event.wait(), timeout=RENDEZVOUS_LOOK_S)
                return True
            except TimeoutError:
                pass
            idle_now = {a for a in group - seen if a in self.core.idle or (
                a in self.core.pending and isinstance(self.core.pending[a].action, Rendezvous)
                and self.core.pending[a].action.tag != tag)}
            if idle_now & idle_before:
                return False
            idle_before = idle_now
        return event.is_set()


def _topic_agent(topic: str) -> str | None:
    """The agent id of a ``cc/<episode>/agent/<id>/<leaf>`` topic (None for other topics)."""
    parts = topic.split("/")
    return parts[3] if len(parts) == 5 and parts[2] == "agent" else None
