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
    PlanGraph,
    PlannerState,
    PlanProgress,
    SubtaskReport,
    WorkRequest,
)
from env.world import Pos
from planner.schedule import Scheduler, ScheduleState
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
    repair_blocking: bool = False
    """`repair` may call a model: reports are then handled in a thread."""
    deferred: dict[str, int] = field(default_factory=dict)
    """A failed subtask waits until the world has moved on: it is ready again only once more
    subtasks are done than when it failed (retrying at once would fail the same way)."""

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
    def request(self, req: WorkRequest) -> None:
        self.free[req.agent] = req.clock

    def report(self, rep: SubtaskReport) -> None:
        sid = rep.subtask
        if sid not in self.subtasks or self.status.get(sid) != "running" or \
                rep.agent not in self.holders.get(sid, []):
            log.info("stale report from %s on %s ignored", rep.agent, sid)
            return
        st = self.subtasks[sid]
        self.role_reports.setdefault(sid, {})[rep.agent] = rep.ok
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
        return back

    def assign(self, hub: Pos | None) -> list[Assignment]:
        """Hand ready subtasks to waiting agents (in clock order, ties by id)."""
        out: list[Assignment] = []
        if self.rounds and len(self.free) < len(self.agents):
            return out
        while self.free:
            ready = [s for s in self.ready() if self.subtasks[s].agents <= len(self.free)]
            if not ready:
                break
            agent = min(self.free, key=lambda a: (self.free[a], a))
            sid = self.scheduler.pick(agent, ready, self.sched_state)
            if sid is None or sid not in ready:
                sid = ready[0]
            st = self.subtasks[sid]
            others = sorted((a for a in self.free if a != agent),
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
        if not out and not self.running() and self.free and len(self.free) == len(self.agents):
            self.finished = True
        return out

    def state(self) -> PlannerState:
        self.state_seq += 1
        return PlannerState(sender="planner", idle=sorted(self.free), done=self.finished,
                            seq=self.state_seq)

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
                 lease_s: float = 60.0, plan_graph: PlanGraph | None = None) -> None:
        self.bus, self.topics, self.core, self.hub = bus, topics, core, hub
        self.plan_graph = plan_graph
        """Published once, retained, for viewers (with their progress after each change)."""
        self.lease_s = lease_s
        self.last_seen: dict[str, float] = {}
        self.finished = asyncio.Event()

    async def _publish_assignments(self) -> None:
        assignments = self.core.assign(self.hub)
        # The state goes first: the Judger must know who is no longer idle before any action
        # of a newly assigned agent can reach it.
        await self.bus.publish(self.topics.state, self.core.state())
        now = time.monotonic()
        for a in assignments:
            self.last_seen[a.agent] = now
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
        await self.bus.subscribe(self.topics.agent_pattern("request"))
        await self.bus.subscribe(self.topics.agent_pattern("report"))
        await self.bus.subscribe(f"{self.topics.prefix}/judger/result/+")
        lease_task = asyncio.create_task(self._leases(stop))
        try:
            async for _topic, msg in self.bus.messages(stop):
                if isinstance(msg, ActionResult):
                    self.last_seen[msg.agent] = time.monotonic()
                    self.core.fired.update(msg.fired_total)
                    continue
                if isinstance(msg, SubtaskReport):
                    if self.core.repair_blocking:
                        await asyncio.to_thread(self.core.report, msg)
                    else:
                        self.core.report(msg)
                    await self._publish_progress()
                elif isinstance(msg, WorkRequest):
                    self.core.request(msg)
                else:
                    continue
                if not self.core.finished:
                    await self._publish_assignments()
        finally:
            lease_task.cancel()

    async def _leases(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.sleep(min(5.0, self.lease_s / 4))
            now = time.monotonic()
            for holders in list(self.core.holders.values()):
                for agent in holders:
                    if now - self.last_seen.get(agent, now) > self.lease_s:
                        back = self.core.take_back(agent)
                        log.warning("%s silent for %.0fs: took back %s", agent, self.lease_s,
                                    back)
                        await self._publish_assignments()
                        break
