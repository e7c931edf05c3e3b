"""The Judger, the Planner and the workers keep one virtual clock per agent on the simulator,
whose Judger leaves the server's round trip (pause_s) between an agent's actions: each
reads an agent's clock from its last result (`ActionResult.clock`), so neither waits for a
time the other will not reach (a stall: the Planner holding a report for an agent whose next
action the Judger holds for that report's agent)."""

from __future__ import annotations

import asyncio
from typing import Any

import networkx as nx
import pytest
from test_planner_order import deliver

from agents.bus import Topics
from agents.judger import JudgerCore
from agents.messages import ActionRequest, ActionResult, Assignment, SubtaskReport, WorkRequest
from agents.planner_service import PlannerCore, PlannerService
from agents.worker import Worker
from env.actions import Wait
from env.backend import Observation
from env.durations import DURATIONS
from env.rulebook import load_rulebook
from env.sim import SimBackend
from env.world import STAND_Y, WorldSetup
from planner.schedule import PriorOrderScheduler
from planner.subtask import Plan, Subtask

PAUSE = DURATIONS["pause_s"]
WORLD = WorldSetup(spawn=[(0, STAND_Y, 0), (2, STAND_Y, 0)])
SCRIPT = {"u": [2.0], "v": [1.0], "w": [], "x": [1.0]}
"""Each subtask's waits, in seconds; w needs no action (its work is already done)."""


class Wire:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    async def publish(self, _topic: str, msg: Any, retain: bool = False) -> None:
        self.sent.append(msg)


class Episode:
    """A Judger on the simulator and the Planner on a wire, with the workers' rules played
    by hand (agents/worker.py `_work_on` and `_do`): an agent's clock is its last result's
    `clock`; a subtask with no action ends when it may start (its `not_before`)."""

    def __init__(self, pause_s: float) -> None:
        sim = SimBackend(load_rulebook())
        sim.pause_s = pause_s
        sim.build(WORLD, ["a1", "a2"])
        self.judger = JudgerCore(sim, ["a1", "a2"])
        g = nx.DiGraph([("u", "w"), ("u", "x")])
        g.add_node("v")
        subs = [Subtask(id=n, kind="craft", target=n) for n in ("u", "v", "w", "x")]
        core = PlannerCore(plan=Plan(task="t", hub=None, subtasks=subs), graph=g,
                           lines=[["u", "v", "w", "x"]], scheduler=PriorOrderScheduler(g),
                           agents=["a1", "a2"])
        self.wire = Wire()
        self.planner = PlannerService(self.wire, Topics("o1"), core, None)
        self.clock = {"a1": 0.0, "a2": 0.0}
        self.todo: dict[str, tuple[Assignment, list[float]]] = {}
        self.seq = {"a1": 0, "a2": 0}
        self.seen = 0

    async def tell_planner(self, msg: Any) -> None:
        """What PlannerService.serve does with one message."""
        await deliver(self.planner, msg)
        for m in self.wire.sent[self.seen:]:
            if m.kind == "state":
                self.judger.planner_state(m)
            elif isinstance(m, Assignment) and m.subtask is not None:
                self.todo[m.agent] = (m, list(SCRIPT[m.subtask.id]))
        self.seen = len(self.wire.sent)

    async def next_move(self, agent: str) -> None:
        """The worker's next action of its subtask, or its report and request."""
        job, waits = self.todo[agent]
        if waits:
            self.seq[agent] += 1
            action: dict[str, Any] = {"name": "wait", "seconds": waits.pop(0)}
            if len(waits) == len(SCRIPT[job.subtask.id]) - 1 and job.not_before:
                action["not_before"] = job.not_before
            self.judger.submit(ActionRequest(sender=agent, agent=agent, seq=self.seq[agent],
                                             action=action))
            return
        del self.todo[agent]
        if not SCRIPT[job.subtask.id]:
            self.clock[agent] = max(self.clock[agent], job.not_before)
        at = self.clock[agent]
        await self.tell_planner(SubtaskReport(sender=agent, agent=agent,
                                              subtask=job.subtask.id, ok=True, clock=at))
        await self.tell_planner(WorkRequest(sender=agent, agent=agent, clock=at))

    async def run(self) -> list[tuple[str, str, float]]:
        """Until the plan is done or nothing can move; the actions run (agent, subtask
        of the wait, start)."""
        ran: list[tuple[str, str, float]] = []
        for a in ("a1", "a2"):
            await self.tell_planner(WorkRequest(sender=a, agent=a, clock=0.0))
        while not self.planner.core.finished:
            starting = [a for a in sorted(self.todo) if a not in self.judger.pending]
            for agent in starting:
                await self.next_move(agent)
            results = self.judger.step()
            if not starting and not results:
                break  # a stall: nobody sends, the Judger runs nothing
            for r in results:
                ran.append((r.agent, self.todo[r.agent][0].subtask.id, round(r.start, 3)))
                self.clock[r.agent] = r.clock
                await self.tell_planner(r)
        return ran


@pytest.mark.parametrize("pause_s", [0.0, PAUSE])
def test_an_agent_with_nothing_to_do_stalls_neither_the_judger_nor_the_planner(
        pause_s: float) -> None:
    # a1 ends u at 2 s (+ the pause); a2, free since v, gets w (after u: nothing to do, it
    # reports when it may start) and a1 gets x. The Planner holds a2's report until a1 could
    # no longer report before it; the Judger runs a1's action on x only once a2 could no
    # longer act before it: both must read a1's and a2's clocks alike.
    ep = Episode(pause_s)
    ran = asyncio.run(ep.run())
    p = pause_s
    assert ep.planner.core.finished
    assert ran == [("a1", "u", 0.0), ("a2", "v", 0.0), ("a1", "x", round(2.0 + p, 3))]
    assert sorted(s for s, st in ep.planner.core.status.items() if st == "done") == \
        ["u", "v", "w", "x"]


def test_a_worker_takes_its_clock_from_the_result_not_the_actions_end() -> None:
    obs = Observation(agent="a1", pos=(0.5, -60.0, 0.5), inventory={})

    class OneWait:
        name, llm_calls, tokens = "one-wait", 0, 0

        def act(self, *_args: Any, **_kwargs: Any) -> Any:
            yield Wait(seconds=1.0)
            return True, None

    wire = Wire()
    worker = Worker("a1", wire, Topics("w1"), OneWait(), obs)
    job = Assignment(sender="planner", agent="a1", subtask=Subtask(id="s", kind="craft",
                                                                   target="bread"))

    async def scenario() -> tuple[bool, str | None]:
        doing = asyncio.create_task(worker._do(job, asyncio.Event()))  # noqa: SLF001
        while not any(isinstance(m, ActionRequest) for m in wire.sent):
            await asyncio.sleep(0.01)
        await worker.inbox.put(ActionResult(sender="judger", agent="a1", seq=1, ok=True,
                                            start=0.0, end=1.0, ready_at=1.0 + PAUSE,
                                            observation=obs, action="wait"))
        return await asyncio.wait_for(doing, 10)

    assert asyncio.run(scenario()) == (True, None)
    assert worker.clock == 1.0 + PAUSE
