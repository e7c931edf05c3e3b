"""The Planner on the bus hands out work in virtual-time order: a report and request from an
agent that is ahead wait until no agent at work could still send one with an earlier clock,
so who gets which subtask does not depend on which message arrives first."""

from __future__ import annotations

import asyncio
from typing import Any

import networkx as nx

from agents.bus import Topics
from agents.messages import ActionResult, Assignment, SubtaskReport, WorkRequest
from agents.planner_service import PlannerCore, PlannerService
from planner.schedule import PriorOrderScheduler
from planner.subtask import Plan, Subtask


class Wire:
    """A bus that keeps what is published and hands over messages one by one."""

    def __init__(self) -> None:
        self.sent: list[Any] = []

    async def publish(self, _topic: str, msg: Any, retain: bool = False) -> None:
        self.sent.append(msg)


def service(nodes: list[str]) -> tuple[PlannerService, Wire]:
    g = nx.DiGraph()
    g.add_nodes_from(nodes)
    subs = [Subtask(id=n, kind="craft", target=n) for n in nodes]
    core = PlannerCore(plan=Plan(task="t", hub=None, subtasks=subs), graph=g,
                       lines=[[n] for n in nodes], scheduler=PriorOrderScheduler(g),
                       agents=["a1", "a2"])
    wire = Wire()
    return PlannerService(wire, Topics("o1"), core, None), wire


async def deliver(s: PlannerService, msg: Any) -> None:
    """What `serve` does with one message (screened, held, handled in its turn)."""
    if isinstance(msg, ActionResult):
        s.known[msg.agent] = max(s.known.get(msg.agent, 0.0), msg.clock)
    else:
        s._arrivals += 1  # noqa: SLF001
        s.held.append((msg.clock, msg.agent, s._arrivals, msg))  # noqa: SLF001
    await s._handle_ready()  # noqa: SLF001


def given(wire: Wire) -> list[tuple[str, str]]:
    return [(m.agent, m.subtask.id) for m in wire.sent
            if isinstance(m, Assignment) and m.subtask is not None]


def run_in(order: str) -> list[tuple[str, str]]:
    """a1 and a2 start u and v; a1 ends at 5 s, a2 at 8 s; w and x are left. The two
    reports and requests reach the Planner in `order`."""
    s, wire = service(["u", "v", "w", "x"])

    async def scenario() -> None:
        for a in ("a1", "a2"):
            await deliver(s, WorkRequest(sender=a, agent=a, clock=0.0))
        assert given(wire) == [("a1", "u"), ("a2", "v")]
        ends = {"a1": (5.0, "u"), "a2": (8.0, "v")}
        for a in order.split(","):
            clock, sid = ends[a]
            await deliver(s, SubtaskReport(sender=a, agent=a, subtask=sid, ok=True,
                                           clock=clock))
            await deliver(s, WorkRequest(sender=a, agent=a, clock=clock))
        # a1, at work on w from 5 s, could still end before 8 s, until its first action's
        # result says it runs past 8 s: then a2 picks.
        await deliver(s, ActionResult(sender="judger", agent="a1", seq=3, ok=True,
                                      start=5.0, end=9.0))

    asyncio.run(scenario())
    return given(wire)


def test_who_gets_what_does_not_depend_on_which_message_comes_first() -> None:
    in_order = run_in("a1,a2")
    assert in_order == [("a1", "u"), ("a2", "v"), ("a1", "w"), ("a2", "x")]
    assert run_in("a2,a1") == in_order  # a2's came first, but a1 ended earlier: a1 picks first


def test_an_agent_ahead_waits_only_for_agents_that_could_come_before_it() -> None:
    s, wire = service(["u", "v", "w"])

    async def scenario() -> None:
        for a in ("a1", "a2"):
            await deliver(s, WorkRequest(sender=a, agent=a, clock=0.0))
        await deliver(s, SubtaskReport(sender="a2", agent="a2", subtask="v", ok=True,
                                       clock=8.0))
        await deliver(s, WorkRequest(sender="a2", agent="a2", clock=8.0))
        assert given(wire) == [("a1", "u"), ("a2", "v")]  # a1 (at 0) could end before 8
        await deliver(s, ActionResult(sender="judger", agent="a1", seq=1, ok=True,
                                      start=0.0, end=9.0))
        assert given(wire)[-1] == ("a2", "w")  # a1 is past 8 now: a2's turn

    asyncio.run(scenario())
