"""The Planner on the bus: hands out subtasks, tracks the graph, replans on failure.

The algorithms (decomposition, prior, refinement, lines, schedulers) are pure functions in
`planner`; `PlannerCore` is the state machine around them (who holds what, what is ready,
retries, leases, the end), with no transport; `PlannerService` wires it to the bus.

Joint subtasks (`agents` > 1, e.g. two pressure plates at once) are handed to several free
agents together, one role each; a joint subtask waits until enough agents are free.
A failed subtask is re-opened and reassigned up to `max_retries` times. A subtask whose
worker stops answering is taken back after `lease_s` seconds of silence and reassigned.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import networkx as nx

from agents.messages import (
    ActionResult,
    Assignment,
    Event,
    Heartbeat,
    PlanGraph,
    PlannerState,
    PlanProgress,
    Seat,
    SeatRequest,
    SubtaskReport,
    Summary,
    WorkRequest,
)
from env.refusals import Code
from env.world import Pos
from planner.schedule import Dispatch, DispatchView, Scheduler, ScheduleState, split_parts
from planner.subtask import Plan, Subtask

log = logging.getLogger("causalcraft.planner")


@dataclass
class PlannerCore:
    plan: Plan
    graph: nx.DiGraph
    lines: list[list[str]]
    scheduler: Scheduler
    agents: list[str]
    max_retries: int = 2
    status: dict[str, str] = field(default_factory=dict)  # open / running / done / failed
    holders: dict[str, list[str]] = field(default_factory=dict)  # subtask -> agents
    role_reports: dict[str, dict[str, bool]] = field(default_factory=dict)
    retries: dict[str, int] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    free: dict[str, float] = field(default_factory=dict)  # waiting agent -> its clock
    done_at: dict[str, float] = field(default_factory=dict)
    fired: set[str] = field(default_factory=set)
    reasons: dict[str, str] = field(default_factory=dict)
    finished: bool = False
    state_seq: int = 0
    repair: Callable[[nx.DiGraph, str, set[str]], list[tuple[str, str, float]]] | None = None
    """On failure: the edges the graph missed into the failed subtask (planner.replan)."""
    repaired: list[tuple[str, str, float]] = field(default_factory=list)
    keep_out: list[tuple[int, int]] = field(default_factory=list)
    rounds: bool = False
    """Hand out work in rounds: nothing until every agent is free (AgentVerse's protocol)."""
    asked: set[str] = field(default_factory=set)
    """Agents that have asked for work at least once: the first work is handed out when all
    have (or the others are gone), so who gets what does not depend on who started first."""
    gone: set[str] = field(default_factory=set)
    """Agents whose lease ran out: not waited for, until they ask for work again."""
    refused: list[tuple[str, str]] = field(default_factory=list)
    """Messages refused: (agent, reason)."""
    repair_blocking: bool = False
    """`repair` may call a model: reports are then handled in a thread."""
    deferred: dict[str, int] = field(default_factory=dict)
    """A failed subtask waits until the world has moved on: it is ready again only once more
    subtasks are done than when it failed (retrying at once would fail the same way)."""
    pos: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    """Where each agent stood when it last asked for work."""
    reserved: dict[str, str] = field(default_factory=dict)
    """Pre-positioning (dispatching schedulers): subtask -> the agent staged for it."""
    staging: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Stage subtask id -> (agent, the subtask it prepares), while it runs."""
    released: dict[str, float] = field(default_factory=dict)
    """Running subtask -> when its station action (a `smelt` of a smelt subtask, ...)
    ended: its station is free again before the subtask reports."""
    work_end: dict[str, float] = field(default_factory=dict)
    """Subtask -> when its last work action (not walking or waiting) ended: when its
    output came to exist, before its worker walked back and reported."""
    started: bool = False
    """Dispatching schedulers decide once every agent has asked for work the first time."""
    no_stage: set[str] = field(default_factory=set)
    """Subtasks whose preparation failed: not prepared again."""
    barred: dict[str, dict[str, int]] = field(default_factory=dict)
    """subtask -> agent that found no path to it (a closed door, or a teleport took it where
    no walk leads back) -> subtasks done then: it is not given to that agent again until
    another subtask is done (which may open the way)."""
    next_start: dict[str, float] = field(default_factory=dict)
    """Agent -> the `not_before` of its latest assignment: its next action starts no earlier,
    even when the assignment needs no action at all (the Judger waits on it, `state`)."""
    now: float = 0.0
    """The clock of the event (request, report, station freed) being handled: pre-positioning
    decided on it starts no earlier (it takes from the hub what is there by then)."""

    def __post_init__(self) -> None:
        self.subtasks: dict[str, Subtask] = self.plan.by_id()
        for sid in self.subtasks:
            self.status.setdefault(sid, "open")
            self.graph.add_node(sid)
        self.sched_state = ScheduleState.start(self.lines, self.agents)

    # -- what is ready --------------------------------------------------------------------
    def ready(self) -> list[str]:
        progress = self.n_done()
        open_ = sorted(s for s, st in self.status.items() if st == "open" and all(
            self.status[p] == "done" for p in self.graph.predecessors(s)))
        fresh = [s for s in open_ if self.deferred.get(s, -1) < progress]
        # Deferred subtasks wait while anything else can change the world; when nothing
        # can, they are tried again as they are.
        return fresh if fresh or self.running() else open_

    def n_done(self) -> int:
        return sum(1 for v in self.status.values() if v == "done")

    def running(self) -> list[str]:
        return sorted(s for s, st in self.status.items() if st == "running")

    # -- events ---------------------------------------------------------------------------
    def screen(self, agent: str, sender: str | None = None) -> str | None:
        """Why a message about `agent` cannot be taken (None: it can): an unknown agent, or
        one sent on another agent's topic (`sender`: the agent id of the topic)."""
        if agent not in self.agents:
            return f"unknown agent {agent!r}"
        if sender is not None and sender != agent:
            return f"a message for {agent!r} sent on {sender!r}'s topic"
        return None

    def refuse(self, agent: str, reason: str) -> None:
        log.warning("refused a message of %r: %s", agent, reason)
        self.refused.append((agent, reason))

    def action_done(self, res: ActionResult) -> bool:
        """An action ended: if it was the station action of a subtask held at a station,
        that station is free from its end. True when that may let a free agent start."""
        if not res.ok or res.action is None:
            return False
        for sid, holders in self.holders.items():
            st = self.subtasks[sid]
            if res.agent in holders and res.action not in ("move_to", "wait", "rendezvous"):
                self.work_end[sid] = max(self.work_end.get(sid, 0.0), res.end)
            if res.agent in holders and st.station is not None and res.action == st.kind:
                self.released[sid] = res.end
                self.now = res.end
                return bool(self.free) and hasattr(self.scheduler, "dispatch")
        return False

    def request(self, req: WorkRequest) -> None:
        reason = self.screen(req.agent)
        if reason is not None:
            self.refuse(req.agent, reason)
            return
        held = self.holding(req.agent)
        if held:
            self.refuse(req.agent, f"{req.agent} still holds {held[0]}: report it first")
            return
        self.gone.discard(req.agent)
        self.asked.add(req.agent)
        self.free[req.agent] = req.clock
        self.now = req.clock
        if req.pos is not None:
            self.pos[req.agent] = req.pos

    def holding(self, agent: str) -> list[str]:
        """The subtasks `agent` holds and has not reported yet (at most one)."""
        return [sid for sid, holders in self.holders.items()
                if agent in holders and agent not in self.role_reports.get(sid, {})]

    def report(self, rep: SubtaskReport) -> None:
        sid = rep.subtask
        reason = self.screen(rep.agent)
        if reason is not None:
            self.refuse(rep.agent, reason)
            return
        self.now = rep.clock
        if sid in self.staging and self.staging[sid][0] == rep.agent:
            agent, target = self.staging.pop(sid)
            if not rep.ok:
                self.no_stage.add(target)
                if self.reserved.get(target) == agent:
                    self.reserved.pop(target)  # what it took went back: anyone may do it
            log.info("%s staged for %s (%s)", agent, target, "ok" if rep.ok else rep.reason)
            return
        if sid not in self.subtasks or self.status.get(sid) != "running" or \
                rep.agent not in self.holders.get(sid, []):
            self.refuse(rep.agent, f"stale report on {sid!r}: {rep.agent} does not hold it")
            return
        st = self.subtasks[sid]
        self.role_reports.setdefault(sid, {})[rep.agent] = rep.ok
        if not rep.ok and rep.code is Code.NO_PATH:
            self.barred.setdefault(sid, {})[rep.agent] = self.n_done()
        self.done_at[sid] = max(self.done_at.get(sid, 0.0), rep.clock)
        if not rep.ok:
            self.reasons[sid] = rep.reason or "failed"
        if len(self.role_reports[sid]) < len(self.holders[sid]):
            return
        ok = all(self.role_reports[sid].values())
        if st.kind == "trigger":
            ok = ok and st.target in self.fired
            if not ok and sid not in self.reasons:
                self.reasons[sid] = f"{st.target} did not fire"
        for a in self.holders.pop(sid):
            self.sched_state.release(a)
        self.role_reports.pop(sid, None)
        if ok:
            self.status[sid] = "done"
            self.sched_state.mark_done(sid)
            log.info("subtask %s done at %.1fs", sid, self.done_at[sid])
            return
        added = self._repair(sid)
        if added:
            # The graph was wrong, not the worker: wait for the new predecessors, no retry used.
            self.status[sid] = "open"
            log.info("subtask %s failed (%s); added missing edges %s", sid,
                     self.reasons.get(sid), [(u, v) for u, v, _ in added])
            return
        self.retries[sid] = self.retries.get(sid, 0) + 1
        if self.retries[sid] > self.max_retries:
            self.status[sid] = "failed"
            log.warning("subtask %s failed for good: %s", sid, self.reasons.get(sid))
        else:
            self.status[sid] = "open"
            self.deferred[sid] = self.n_done()
            log.info("subtask %s failed (%s); re-opened (retry %d)", sid,
                     self.reasons.get(sid), self.retries[sid])

    def _repair(self, sid: str) -> list[tuple[str, str, float]]:
        if self.repair is None:
            return []
        done = {s for s, v in self.status.items() if v == "done"}
        added = self.repair(self.graph, sid, done)
        for u, v, _ate in added:
            self.graph.add_edge(u, v)
        self.repaired.extend(added)
        return added

    def take_back(self, agent: str) -> list[str]:
        """The agent stopped answering: re-open what it held."""
        back = []
        for sid, holders in list(self.holders.items()):
            if agent in holders:
                for a in self.holders.pop(sid):
                    self.sched_state.release(a)
                self.role_reports.pop(sid, None)
                self.status[sid] = "open"
                back.append(sid)
        self.free.pop(agent, None)
        self.reserved = {s: x for s, x in self.reserved.items() if x != agent}
        self.staging = {s: v for s, v in self.staging.items() if v[0] != agent}
        return back

    def lose(self, agent: str) -> list[str]:
        """The agent's lease ran out: re-open what it held and stop waiting for it."""
        back = self.take_back(agent)
        self.gone.add(agent)
        return back

    def assign(self, hub: Pos | None) -> list[Assignment]:
        """Hand ready subtasks to waiting agents (in clock order, ties by id)."""
        out = self._assign(hub)
        for a in out:
            self.next_start[a.agent] = max(self.next_start.get(a.agent, 0.0), a.not_before)
        return out

    def _assign(self, hub: Pos | None) -> list[Assignment]:
        done = self.n_done()
        self.barred = {s: kept for s, bars in self.barred.items()
                       if (kept := {a: n for a, n in bars.items() if n >= done})}
        out: list[Assignment] = []
        if self.rounds and len(self.free) < len(self.agents):
            return out
        if len(self.asked | self.gone) < len(self.agents):
            return out
        if hasattr(self.scheduler, "dispatch"):
            self.started = True
            out = self._dispatch(hub)
            if not out and not self.running() and not self.staging and \
                    len(set(self.free) | self.gone) == len(self.agents):
                self.finished = True
            return out
        while self.free:
            agent, ready = "", []
            for agent in sorted(self.free, key=lambda a: (self.free[a], a)):
                ready = [s for s in self.ready() if agent not in self.barred.get(s, ())
                         and self.subtasks[s].agents <= len(self.free)
                         - len(self.barred.get(s, {}).keys() & set(self.free))]
                if ready:
                    break
            if not ready:
                break
            sid = self.scheduler.pick(agent, ready, self.sched_state)
            if sid is None or sid not in ready:
                sid = ready[0]
            st = self.subtasks[sid]
            others = sorted((a for a in self.free if a != agent
                             and a not in self.barred.get(sid, ())),
                            key=lambda a: (self.free[a], a))[: st.agents - 1]
            group = [agent, *others]
            not_before = max([self.free[a] for a in group] +
                             [self.done_at.get(p, 0.0) for p in self.graph.predecessors(sid)])
            self.status[sid] = "running"
            self.holders[sid] = group
            self.attempts[sid] = self.attempts.get(sid, 0) + 1
            for role, a in enumerate(group):
                self.free.pop(a)
                self.sched_state.claim(a, sid)
                out.append(Assignment(sender="planner", agent=a, subtask=st, role=role,
                                      partners=[g for g in group if g != a],
                                      not_before=not_before, hub=hub,
                                      attempt=self.attempts[sid],
                                      keep_out=self.keep_out if st.kind == "place" else []))
        if not out and not self.running() and self.free and \
                len(set(self.free) | self.gone) == len(self.agents):
            self.finished = True
        return out

    def _dispatch(self, hub: Pos | None) -> list[Assignment]:
        """Assignments from a dispatching scheduler (one that decides for all free agents
        at once, pre-positions and splits): see `planner.schedule.LookaheadScheduler`."""
        view = DispatchView(self.subtasks, self.graph, self.status, dict(self.free), self.pos,
                            self.ready(), dict(self.reserved), hub, self.holders,
                            dict(self.done_at), dict(self.released), set(self.no_stage),
                            {s: set(a) for s, a in self.barred.items()}, set(self.gone))
        out: list[Assignment] = []
        for d in self.scheduler.dispatch(view):  # type: ignore[attr-defined]
            if d.stage:
                out.append(self._stage(d, hub))
            else:
                out += self._start(d, hub)
        return out

    def _stage(self, d: Dispatch, hub: Pos | None) -> Assignment:
        st = self.subtasks[d.sid]
        agent = d.agents[0]
        stage = st.model_copy(update={"id": f"stage:{d.sid}", "kind": "stage",
                                      "inputs": dict(d.inputs), "keep": False,
                                      "sites": [d.wait_at] if d.wait_at else [],
                                      "blocks": st.blocks[:1] if d.wait_at is not None
                                      and st.blocks and d.wait_at != hub else []})
        self.reserved[d.sid] = agent
        self.staging[stage.id] = (agent, d.sid)
        not_before = max(self.free.pop(agent), self.now)
        return Assignment(sender="planner", agent=agent, subtask=stage, role=0, partners=[],
                          not_before=not_before, hub=hub, attempt=1,
                          keep_out=self.keep_out if st.kind == "place" else [])

    def _start(self, d: Dispatch, hub: Pos | None) -> list[Assignment]:
        sid, group = d.sid, list(d.agents)
        st = self.subtasks[sid]
        parts = split_parts(st, len(group)) if st.agents == 1 else [st] * len(group)
        if (d.last or getattr(self.scheduler, "builders_stay", False)) and st.kind == "place":
            parts = [p.model_copy(update={"stay": True}) for p in parts]
        if d.keep:
            parts = [p.model_copy(update={"keep": True}) for p in parts]
        if d.carry:
            parts[0] = parts[0].model_copy(update={"carry": dict(d.carry)})
        group = group[:len(parts)]
        # A predecessor's output exists from its last work action on (its worker may still
        # be walking back to report).
        not_before = max([self.free[a] for a in group] + [d.not_before] +
                         [self.work_end.get(p, self.done_at.get(p, 0.0))
                          for p in self.graph.predecessors(sid)])
        self.status[sid] = "running"
        self.holders[sid] = group
        self.attempts[sid] = self.attempts.get(sid, 0) + 1
        out = []
        for role, a in enumerate(group):
            self.reserved = {s: x for s, x in self.reserved.items() if x != a}
            self.free.pop(a)
            self.sched_state.claim(a, sid)
            out.append(Assignment(sender="planner", agent=a, subtask=parts[role], role=role,
                                  partners=[g for g in group if g != a],
                                  not_before=not_before, hub=hub, attempt=self.attempts[sid],
                                  keep_out=self.keep_out if st.kind == "place" else []))
        return out

    def state(self) -> PlannerState:
        self.state_seq += 1
        idle = set(self.free) | self.gone
        return PlannerState(sender="planner", idle=sorted(idle), done=self.finished,
                            seq=self.state_seq,
                            earliest={a: t for a, t in sorted(self.next_start.items())
                                      if a not in idle and t > 0.0})

    def progress(self) -> PlanProgress:
        """What viewers show: each subtask waiting (a predecessor not done), ready, working,
        done or failed; holders; each line's busy rate."""
        status = {}
        for sid, st in self.status.items():
            if st == "open":
                preds_done = all(self.status.get(p) == "done" for p in self.graph.predecessors(sid))
                st = "ready" if preds_done else "waiting"
            status[sid] = {"running": "working"}.get(st, st)
        busy = [round(self.sched_state.busy(k), 4) for k in range(len(self.lines))]
        return PlanProgress(sender="planner", status=status,
                            holders={s: list(h) for s, h in self.holders.items()}, busy=busy,
                            repaired=[(u, v, round(a, 4)) for u, v, a in self.repaired],
                            finished=self.finished)

    def summary(self) -> dict[str, object]:
        return {
            "done": sorted(s for s, v in self.status.items() if v == "done"),
            "failed": {s: self.reasons.get(s, "") for s, v in self.status.items()
                       if v in ("failed", "open")},
            "attempts": dict(sorted(self.attempts.items())),
            "repaired_edges": [[u, v, round(a, 4)] for u, v, a in self.repaired],
        }


class PlannerService:
    """The Planner on the bus."""

    def __init__(self, bus: object, topics: object, core: PlannerCore, hub: Pos | None,
                 lease_s: float = 60.0, plan_graph: PlanGraph | None = None,
                 ordered: bool = True) -> None:
        self.bus, self.topics, self.core, self.hub = bus, topics, core, hub
        self.ordered = ordered
        """Handle reports and requests in virtual-time order (`_handle_ready`): on for a
        virtual-time backend, so who gets what does not depend on message timing."""
        self.known: dict[str, float] = {}
        """Each agent's clock as last seen (its request, report, or an action's result:
        `ActionResult.clock`, the Judger's clock for it)."""
        self.not_before: dict[str, float] = {}
        """Each agent's latest assignment's `not_before`."""
        self.held: list[tuple[float, str, int, SubtaskReport | WorkRequest]] = []
        """Reports and requests not handled yet: (clock, agent, arrival, message)."""
        self._arrivals = 0
        self.plan_graph = plan_graph
        """Published once, retained, for viewers (with their progress after each change)."""
        self.lease_s = lease_s
        self.last_seen: dict[str, float] = {}
        self.finished = asyncio.Event()
        self.ready = asyncio.Event()
        """Set once subscribed: from then on no request or report is lost."""
        self.seats: dict[str, str] = {}
        """Seat requests answered: nonce -> agent id."""

    async def _publish_assignments(self) -> None:
        assignments = self.core.assign(self.hub)
        # The state goes first: the Judger must know who is no longer idle before any action
        # of a newly assigned agent can reach it.
        await self.bus.publish(self.topics.state, self.core.state())
        now = time.monotonic()
        for a in assignments:
            self.last_seen[a.agent] = now
            self.not_before[a.agent] = a.not_before
            assert a.subtask is not None
            await self.bus.publish(self.topics.assign(a.agent), a)
            await self.bus.publish(self.topics.events, Event(
                sender="planner", text=f"{a.agent} <- {a.subtask.id} (role {a.role})",
                data={"assign": {"agent": a.agent, "subtask": a.subtask.id}}))
        await self._publish_progress()
        if self.core.finished:
            for agent in self.core.agents:
                await self.bus.publish(self.topics.assign(agent),
                                       Assignment(sender="planner", agent=agent, done=True))
            self.finished.set()

    async def _publish_progress(self) -> None:
        if self.plan_graph is not None:
            await self.bus.publish(self.topics.progress, self.core.progress(), retain=True)

    async def serve(self, stop: asyncio.Event) -> None:
        if self.plan_graph is not None:
            await self.bus.publish(self.topics.plan, self.plan_graph, retain=True)
            await self._publish_progress()
        await self.bus.subscribe(self.topics.agent_pattern("request"), WorkRequest)
        await self.bus.subscribe(self.topics.agent_pattern("report"), SubtaskReport)
        await self.bus.subscribe(f"{self.topics.prefix}/judger/result/+", ActionResult)
        await self.bus.subscribe(self.topics.agent_pattern("alive"), Heartbeat)
        await self.bus.subscribe(self.topics.seat_requests, SeatRequest)
        # The Judger's summary comes when it ended the episode itself (a budget stop).
        await self.bus.subscribe(self.topics.summary("judger"), Summary)
        lease_task = asyncio.create_task(self._leases(stop))
        self.ready.set()
        try:
            async for topic, msg in self.bus.messages(stop):
                if isinstance(msg, SeatRequest):
                    await self._seat(msg)
                    continue
                if isinstance(msg, Summary):
                    if msg.role == "judger" and not self.core.finished:
                        log.info("the Judger ended the episode")
                        self.core.finished = True
                        await self.bus.publish(self.topics.state, self.core.state())
                        for agent in self.core.agents:
                            await self.bus.publish(self.topics.assign(agent), Assignment(
                                sender="planner", agent=agent, done=True))
                        self.finished.set()
                    continue
                if isinstance(msg, Heartbeat):
                    if msg.agent in self.last_seen and msg.agent == _topic_agent(topic):
                        self.last_seen[msg.agent] = time.monotonic()
                    continue
                if isinstance(msg, ActionResult):
                    if msg.provisional:
                        continue  # not run (yet): nothing happened in the world
                    self.last_seen[msg.agent] = time.monotonic()
                    if msg.agent in self.core.agents and msg.seq:
                        self.known[msg.agent] = max(self.known.get(msg.agent, 0.0), msg.clock)
                    self.core.fired.update(msg.fired_total)
                    if self.core.action_done(msg) and not self.core.finished:
                        await self._publish_assignments()
                    await self._handle_ready()
                    continue
                if not isinstance(msg, SubtaskReport | WorkRequest):
                    continue
                reason = self.core.screen(msg.agent, _topic_agent(topic))
                if reason is not None:
                    self.core.refuse(msg.agent, reason)
                    continue
                self.last_seen[msg.agent] = time.monotonic()
                self._arrivals += 1
                self.held.append((msg.clock, msg.agent, self._arrivals, msg))
                await self._handle_ready()
        finally:
            lease_task.cancel()

    def _next_event(self) -> SubtaskReport | WorkRequest | None:
        """The held report or request to handle now, if any (`_handle_ready`)."""
        if not self.held:
            return None
        self.held.sort(key=lambda h: h[:3])
        clock, agent, _n, msg = self.held[0]
        if self.ordered and not self.core.finished:
            waiting = {h[1] for h in self.held}
            for other in self.core.agents:
                # At work, or between its report and its request: it will send one.
                if other == agent or other in waiting or other in self.core.gone or \
                        other in self.core.free:
                    continue
                earliest = max(self.known.get(other, 0.0), self.not_before.get(other, 0.0))
                if (earliest, other) < (clock, agent):
                    return None
        self.held.pop(0)
        return msg

    async def _handle_ready(self) -> None:
        """Handle the held reports and requests whose turn it is.

        An agent's report and request carry its clock; one is handled
        once no other agent (at work, or yet to ask for work) could still send one with an
        earlier clock (ties by agent id): its next one comes no earlier than its clock after
        its last action run (the result's `clock`, as the Judger keeps it), nor before its
        subtask may start. So who gets which subtask is
        decided in virtual-time order, whatever order the messages arrive in."""
        while (msg := self._next_event()) is not None:
            self.known[msg.agent] = max(self.known.get(msg.agent, 0.0), msg.clock)
            if isinstance(msg, SubtaskReport):
                if self.core.repair_blocking:
                    await asyncio.to_thread(self.core.report, msg)
                else:
                    self.core.report(msg)
                await self._publish_progress()
            else:
                self.core.request(msg)
            if not self.core.finished:
                await self._publish_assignments()

    async def _seat(self, req: SeatRequest) -> None:
        """Give a worker without an id the first agent id nobody has taken (the same one
        again if it asks again with the same nonce)."""
        agent = self.seats.get(req.nonce)
        if agent is None:
            taken = set(self.seats.values()) | self.core.asked
            agent = next((a for a in self.core.agents if a not in taken), None)
            if agent is not None:
                self.seats[req.nonce] = agent
        log.info("seat %s -> %s", req.nonce, agent)
        await self.bus.publish(self.topics.seat(req.nonce),
                               Seat(sender="planner", nonce=req.nonce, agent=agent))

    async def _leases(self, stop: asyncio.Event) -> None:
        started = time.monotonic()
        while not stop.is_set():
            await asyncio.sleep(min(5.0, self.lease_s / 4))
            now = time.monotonic()
            never = set(self.core.agents) - self.core.asked - self.core.gone
            if never and now - started > self.lease_s:
                # Agents that never came: start without them.
                self.core.gone |= never
                log.warning("%s never asked for work in %.0fs: starting without them",
                            sorted(never), self.lease_s)
                await self._publish_assignments()
                await self._handle_ready()
            for holders in list(self.core.holders.values()):
                for agent in holders:
                    if now - self.last_seen.get(agent, now) > self.lease_s:
                        back = self.core.lose(agent)
                        log.warning("%s silent for %.0fs: took back %s", agent, self.lease_s,
                                    back)
                        await self._publish_assignments()
                        await self._handle_ready()  # nobody waits for it any more
                        break


def _topic_agent(topic: str) -> str | None:
    """The agent id of a ``cc/<episode>/agent/<id>/<leaf>`` topic (None for other topics)."""
    parts = topic.split("/")
    return parts[3] if len(parts) == 5 and parts[2] == "agent" else None
