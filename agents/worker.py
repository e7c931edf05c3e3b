"""A Worker: asks the Planner for work, turns its subtask into actions with its brain, sends
each action to the Judger, and reports the subtask done or failed."""

from __future__ import annotations

import asyncio
import logging

from agents.brain import Brain
from agents.messages import ActionRequest, ActionResult, Assignment, SubtaskReport, WorkRequest
from env.backend import Observation

log = logging.getLogger("causalcraft.worker")

MAX_ACTIONS_PER_SUBTASK = 400


class Worker:
    def __init__(self, agent: str, bus: object, topics: object, brain: Brain,
                 first: Observation) -> None:
        self.agent, self.bus, self.topics, self.brain = agent, bus, topics, brain
        self.obs = first
        self.clock = 0.0
        self.seq = 0
        self.inbox: asyncio.Queue[Assignment | ActionResult] = asyncio.Queue()

    async def serve(self, stop: asyncio.Event) -> None:
        await self.bus.subscribe(self.topics.assign(self.agent))
        await self.bus.subscribe(self.topics.result(self.agent))
        # The reader runs until the episode stops (cancelling it mid-read would leave the bus
        # iterator's pending read to fail unobserved at disconnect).
        await asyncio.gather(self._work(stop), self._read(stop))

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
            ok, reason = await self._do(msg, stop)
            if stop.is_set():
                return
            await self.bus.publish(self.topics.report(self.agent), SubtaskReport(
                sender=self.agent, agent=self.agent, subtask=msg.subtask.id, ok=ok,
                reason=reason, clock=self.clock))
            await self.bus.publish(self.topics.request(self.agent),
                                   WorkRequest(sender=self.agent, agent=self.agent,
                                               clock=self.clock, pos=self.obs.pos))

    async def _do(self, a: Assignment, stop: asyncio.Event) -> tuple[bool, str | None]:
        assert a.subtask is not None
        steps = self.brain.act(a.subtask, a.role, a.partners, self.agent, self.obs, a.hub,
                               attempt=a.attempt, keep_out=frozenset(a.keep_out))
        not_before = a.not_before
        try:
            action = next(steps)
            for _ in range(MAX_ACTIONS_PER_SUBTASK):
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
                if result.observation is not None:
                    self.obs = result.observation
                action = steps.send(result)
            return False, f"more than {MAX_ACTIONS_PER_SUBTASK} actions"
        except StopIteration as end:
            ok, reason = end.value
            return ok, reason

    async def _result(self, seq: int, stop: asyncio.Event) -> ActionResult | None:
        while True:
            msg = await self._next(ActionResult, stop)
            if msg is None:
                return None
            assert isinstance(msg, ActionResult)
            if msg.seq == seq:
                return msg
