"""A Worker: asks the Planner for work, turns its subtask into actions with its brain, sends
each action to the Judger, and reports the subtask done or failed.

A brain whose steps call a model (`brain.blocking`) is stepped in a thread, so that the
event loop (the bus, the other participants, keep-alives, Ctrl-C) never waits on a model:
three agents waiting on a model take about as long as one."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Generator
from dataclasses import dataclass

from agents.brain import Brain
from agents.messages import (
    ActionRequest,
    ActionResult,
    Assignment,
    Heartbeat,
    ObserveRequest,
    SubtaskReport,
    WorkRequest,
)
from env.actions import Action
from env.backend import Observation
from env.refusals import Code

log = logging.getLogger("causalcraft.worker")


@dataclass
class _End:
    value: tuple[bool, str | None]


def _step(steps: Generator[Action, ActionResult, tuple[bool, str | None]],
          result: ActionResult | None) -> Action | _End:
    """One step of a brain's generator; its end as `_End` (a StopIteration cannot cross a
    thread's future)."""
    try:
        return next(steps) if result is None else steps.send(result)
    except StopIteration as end:
        return _End(end.value)

MAX_ACTIONS_PER_SUBTASK = 400


class Worker:
    """`first` is what the agent sees at the start; None (a worker started on its own) asks
    the Judger. Every `heartbeat_s` seconds it tells the Planner it is alive, so its lease
    runs out only if it stops (a killed process, a hung machine)."""

    def __init__(self, agent: str, bus: object, topics: object, brain: Brain,
                 first: Observation | None, heartbeat_s: float = 5.0) -> None:
        self.agent, self.bus, self.topics, self.brain = agent, bus, topics, brain
        self.obs = first
        self.clock = 0.0
        self.seq = 0
        self.last_code: Code | None = None  # of the last refused action of the subtask
        self.heartbeat_s = heartbeat_s
        self.inbox: asyncio.Queue[Assignment | ActionResult] = asyncio.Queue()
        self.finished = asyncio.Event()
        """Set when the Planner has said the episode is over (or the worker stopped)."""
        self.ready = asyncio.Event()
        """Set once subscribed: from then on no assignment or result is lost."""

    async def serve(self, stop: asyncio.Event) -> None:
        await self.bus.subscribe(self.topics.assign(self.agent))
        await self.bus.subscribe(self.topics.result(self.agent))
        self.ready.set()
        # The reader runs until the episode stops (cancelling it mid-read would leave the bus
        # iterator's pending read to fail unobserved at disconnect).
        beat = asyncio.create_task(self._beat(stop))
        try:
            await asyncio.gather(self._work_then_finish(stop), self._read(stop))
        finally:
            beat.cancel()
            await asyncio.gather(beat, return_exceptions=True)

    async def _beat(self, stop: asyncio.Event) -> None:
        while not stop.is_set() and not self.finished.is_set():
            await self.bus.publish(self.topics.alive(self.agent),
                                   Heartbeat(sender=self.agent, agent=self.agent))
            await asyncio.sleep(self.heartbeat_s)

    async def _work_then_finish(self, stop: asyncio.Event) -> None:
        try:
            while self.obs is None and not stop.is_set():
                # Asked again every 2 s: the Judger may still be building the world.
                await self.bus.publish(self.topics.observe(self.agent),
                                       ObserveRequest(sender=self.agent, agent=self.agent))
                try:
                    first = await asyncio.wait_for(self._result(0, stop), timeout=2.0)
                except TimeoutError:
                    continue
                if first is None or first.observation is None:
                    return
                self.obs = first.observation
                self.clock = first.end
            await self._work(stop)
        finally:
            self.finished.set()

    async def _read(self, stop: asyncio.Event) -> None:
        async for _topic, msg in self.bus.messages(stop):
            if isinstance(msg, Assignment | ActionResult) and msg.agent == self.agent:
                await self.inbox.put(msg)

    async def _next(self, kind: type, stop: asyncio.Event) -> Assignment | ActionResult | None:
        while not stop.is_set():
            getter = asyncio.create_task(self.inbox.get())
            stopper = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if getter not in done:
                getter.cancel()
                return None
            msg = getter.result()
            if isinstance(msg, kind):
                return msg
        return None

    async def _work(self, stop: asyncio.Event) -> None:
        await self.bus.publish(self.topics.request(self.agent),
                               WorkRequest(sender=self.agent, agent=self.agent, clock=self.clock,
                                           pos=self.obs.pos))
        while not stop.is_set():
            msg = await self._next(Assignment, stop)
            if msg is None:
                return
            assert isinstance(msg, Assignment)
            if msg.done:
                return
            if msg.wait or msg.subtask is None:
                continue
            self.last_code = None
            ok, reason = await self._do(msg, stop)
            if stop.is_set():
                return
            await self.bus.publish(self.topics.report(self.agent), SubtaskReport(
                sender=self.agent, agent=self.agent, subtask=msg.subtask.id, ok=ok,
                reason=reason, code=None if ok else self.last_code, clock=self.clock))
            await self.bus.publish(self.topics.request(self.agent),
                                   WorkRequest(sender=self.agent, agent=self.agent,
                                               clock=self.clock, pos=self.obs.pos))

    async def _do(self, a: Assignment, stop: asyncio.Event) -> tuple[bool, str | None]:
        assert a.subtask is not None
        steps = self.brain.act(a.subtask, a.role, a.partners, self.agent, self.obs, a.hub,
                               attempt=a.attempt, keep_out=frozenset(a.keep_out))
        not_before = a.not_before
        blocking = bool(getattr(self.brain, "blocking", False))

        async def step(result: ActionResult | None) -> Action | _End:
            if blocking:
                return await asyncio.to_thread(_step, steps, result)
            return _step(steps, result)

        action = await step(None)
        for _ in range(MAX_ACTIONS_PER_SUBTASK):
            if isinstance(action, _End):
                return action.value
            if stop.is_set():
                return False, "stopped"
            self.seq += 1
            payload = action.model_dump(mode="json")
            if not_before:
                payload["not_before"] = not_before
                not_before = 0.0
            await self.bus.publish(self.topics.action(self.agent), ActionRequest(
                sender=self.agent, agent=self.agent, seq=self.seq, subtask=a.subtask.id,
                attempt=a.attempt, action=payload))
            result = await self._result(self.seq, stop)
            if result is None:
                return False, "stopped"
            self.clock = result.end
            self.last_code = None if result.ok else result.code
            if result.observation is not None:
                self.obs = result.observation
            action = await step(result)
        if isinstance(action, _End):
            return action.value
        return False, f"more than {MAX_ACTIONS_PER_SUBTASK} actions"

    async def _result(self, seq: int, stop: asyncio.Event) -> ActionResult | None:
        while True:
            msg = await self._next(ActionResult, stop)
            if msg is None:
                return None
            assert isinstance(msg, ActionResult)
            if msg.seq == seq:
                return msg
