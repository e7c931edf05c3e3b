"""A Worker: asks the Planner for work, turns its subtask into actions with its brain, sends
each action to the Judger, and reports the subtask done or failed.

A brain whose steps call a model (`brain.blocking`) is stepped in a thread, so that the
event loop (the bus, the other participants, keep-alives, Ctrl-C) never waits on a model:
three agents waiting on a model take about as long as one.

Thinking ahead (`ahead` > 0, for a brain whose same calls give the same actions,
`brain.replayable`): the worker asks the Judger for a provisional result of each action that
must wait for its turn, and chooses its next actions on it meanwhile (up to `ahead` actions
not run yet). If the real result differs, the Judger drops what was chosen on it, and the
worker replays its brain from the subtask's start with the real results (a replayable brain
answers the calls it has seen at once) and goes on from there. What runs is what a worker
that waited would run; only the waiting overlaps the thinking. Its report waits until every
action has run."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

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


def heartbeat_for(lease_s: float) -> float:
    """Seconds between a worker's heartbeats for a Planner that takes a worker silent for
    `lease_s` seconds for gone: three beats per lease, at most every 5 s.

    >>> heartbeat_for(60.0), heartbeat_for(4.0)
    (5.0, 1.333)
    """
    return round(min(5.0, lease_s / 3), 3)


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
AHEAD = 32
"""How many actions not run yet a worker thinking ahead may have chosen (`Worker.ahead`)."""
FIRST_REQUEST_EVERY_S = 2.0
"""A worker's first work request is sent again (same message id) until the Planner answers:
the Planner may still be planning, not yet subscribed, when the worker starts."""


@dataclass
class _Sent:
    """An action sent and not run yet (thinking ahead)."""

    seq: int
    action: dict[str, Any]
    provisional: ActionResult | None = None
    fed: bool = False
    """Its provisional result went to the brain."""


@dataclass
class Timing:
    """Where a worker's wall time went (seconds): its brain's steps, waiting for a result
    with nothing to think about, waiting for work; and how thinking ahead fared."""

    think_s: float = 0.0
    wait_result_s: float = 0.0
    wait_work_s: float = 0.0
    provisional: int = 0
    confirmed: int = 0
    rollbacks: int = 0
    discarded: int = 0
    max_ahead: int = 0
    extra: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, float]:
        return {"think_s": round(self.think_s, 3), "wait_result_s": round(self.wait_result_s, 3),
                "wait_work_s": round(self.wait_work_s, 3), "provisional": self.provisional,
                "confirmed": self.confirmed, "rollbacks": self.rollbacks,
                "discarded": self.discarded, "max_ahead": self.max_ahead}


class Worker:
    """`first` is what the agent sees at the start; None (a worker started on its own) asks
    the Judger. Every `heartbeat_s` seconds it tells the Planner it is alive, so its lease
    runs out only if it stops (a killed process, a hung machine)."""

    def __init__(self, agent: str, bus: object, topics: object, brain: Brain,
                 first: Observation | None, heartbeat_s: float = 5.0, ahead: int = 0) -> None:
        self.agent, self.bus, self.topics, self.brain = agent, bus, topics, brain
        self.obs = first
        self.clock = 0.0
        self.seq = 0
        self.last_code: Code | None = None  # of the last refused action of the subtask
        self.heartbeat_s = heartbeat_s
        self.ahead = ahead if getattr(brain, "replayable", False) else 0
        """Think ahead on provisional results, at most this many actions (0: never)."""
        self.timing = Timing()
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
        """A Heartbeat every `heartbeat_s` s (`heartbeat_for` the Planner's lease)."""
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
                self.clock = first.clock
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
            try:
                done, _ = await asyncio.wait({getter, stopper},
                                             return_when=asyncio.FIRST_COMPLETED)
            finally:
                # Also when this wait is cancelled (a timeout): a get left running would take
                # the next message for nobody.
                stopper.cancel()
                if not getter.done():
                    getter.cancel()
            if getter not in done:
                return None
            msg = getter.result()
            if isinstance(msg, kind):
                return msg
        return None

    async def _first_request(self, stop: asyncio.Event) -> None:
        first = WorkRequest(sender=self.agent, agent=self.agent, clock=self.clock,
                            pos=self.obs.pos)
        while not stop.is_set():
            await self.bus.publish(self.topics.request(self.agent), first)
            await asyncio.sleep(FIRST_REQUEST_EVERY_S)

    async def _work(self, stop: asyncio.Event) -> None:
        asking = asyncio.create_task(self._first_request(stop))
        try:
            await self._work_on(stop, asking)
        finally:
            asking.cancel()
            await asyncio.gather(asking, return_exceptions=True)

    async def _work_on(self, stop: asyncio.Event, asking: asyncio.Task[None]) -> None:
        while not stop.is_set():
            asked = time.monotonic()
            msg = await self._next(Assignment, stop)
            self.timing.wait_work_s += time.monotonic() - asked
            asking.cancel()
            if msg is None:
                return
            assert isinstance(msg, Assignment)
            if msg.done:
                return
            if msg.wait or msg.subtask is None:
                continue
            self.last_code = None
            before = self.seq
            ok, reason = await (self._do_ahead(msg, stop) if self.ahead else
                                self._do(msg, stop))
            if stop.is_set():
                return
            if self.seq == before:
                # Nothing to do: it ends when it may start (the Planner counts on that).
                self.clock = max(self.clock, msg.not_before)
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
            t0 = time.monotonic()
            try:
                if blocking:
                    return await asyncio.to_thread(_step, steps, result)
                return _step(steps, result)
            finally:
                self.timing.think_s += time.monotonic() - t0

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
            sent_at = time.monotonic()
            result = await self._result(self.seq, stop)
            self.timing.wait_result_s += time.monotonic() - sent_at
            if result is None:
                return False, "stopped"
            self.clock = result.clock
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
            if msg.seq == seq and not msg.provisional:
                return msg

    # -- thinking ahead -------------------------------------------------------------------
    async def _think(self, steps: Generator[Action, ActionResult, tuple[bool, str | None]],
                     result: ActionResult | None) -> Action | _End:
        t0 = time.monotonic()
        try:
            return await asyncio.to_thread(_step, steps, result)
        finally:
            self.timing.think_s += time.monotonic() - t0

    async def _replay(self, steps: Generator[Action, ActionResult, tuple[bool, str | None]],
                      ran: list[tuple[dict[str, Any], ActionResult]]) -> Action | _End:
        """Step a new generator of the subtask through the actions that ran and their real
        results; what it chooses next. A brain that chooses otherwise than before on the
        same results ends the subtask as failed."""
        out = await self._think(steps, None)
        for i, (action, result) in enumerate(ran):
            if isinstance(out, _End) or out.model_dump(mode="json") != action:
                return _End((False, f"the brain chose otherwise on replaying step {i + 1}"))
            out = await self._think(steps, result)
        return out

    async def _do_ahead(self, a: Assignment, stop: asyncio.Event) -> tuple[bool, str | None]:
        """`_do`, thinking ahead on provisional results (module docstring)."""
        assert a.subtask is not None
        args = (a.subtask, a.role, a.partners, self.agent, self.obs, a.hub)
        kwargs = {"attempt": a.attempt, "keep_out": frozenset(a.keep_out)}
        steps = self.brain.act(*args, **kwargs)
        ran: list[tuple[dict[str, Any], ActionResult]] = []
        sent: list[_Sent] = []
        not_before = a.not_before
        thinking: asyncio.Task[Action | _End] | None = asyncio.create_task(
            self._think(steps, None))
        getter: asyncio.Task[Assignment | ActionResult] | None = None
        stopping = asyncio.create_task(stop.wait())
        end: tuple[bool, str | None] | None = None
        chosen = 0
        idle_since: float | None = None
        try:
            while True:
                if end is not None and not sent:
                    return end
                last = sent[-1] if sent else None
                if thinking is None and end is None and last is not None and \
                        last.provisional is not None and not last.fed and len(sent) < self.ahead:
                    last.fed = True
                    thinking = asyncio.create_task(self._think(steps, last.provisional))
                if thinking is None and idle_since is None:
                    idle_since = time.monotonic()
                elif thinking is not None and idle_since is not None:
                    self.timing.wait_result_s += time.monotonic() - idle_since
                    idle_since = None
                if getter is None:
                    # Straight from the inbox (a cancelled get loses nothing).
                    getter = asyncio.create_task(self.inbox.get())
                waits: set[asyncio.Task[Any]] = {getter, stopping} | (
                    {thinking} if thinking else set())
                done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                if stopping in done:
                    return False, "stopped"
                if thinking is not None and thinking in done:
                    out, thinking = thinking.result(), None
                    if isinstance(out, _End):
                        end = out.value
                        continue
                    chosen += 1
                    if chosen > MAX_ACTIONS_PER_SUBTASK:
                        end = (False, f"more than {MAX_ACTIONS_PER_SUBTASK} actions")
                        continue
                    if stop.is_set():
                        return False, "stopped"
                    self.seq += 1
                    plain = out.model_dump(mode="json")
                    payload = dict(plain)
                    if not_before:
                        payload["not_before"] = not_before
                        not_before = 0.0
                    await self.bus.publish(self.topics.action(self.agent), ActionRequest(
                        sender=self.agent, agent=self.agent, seq=self.seq,
                        subtask=a.subtask.id, attempt=a.attempt, action=payload,
                        speculate=True, after=last.seq if last is not None else None))
                    sent.append(_Sent(self.seq, plain))
                    self.timing.max_ahead = max(self.timing.max_ahead, len(sent))
                if getter not in done:
                    continue
                msg, getter = getter.result(), None
                if not isinstance(msg, ActionResult):
                    continue  # an assignment now is the Planner's mistake: as in `_next`
                entry = next((x for x in sent if x.seq == msg.seq), None)
                if entry is None:
                    continue  # the answer to a dropped action, or a copy
                if msg.provisional:
                    if entry is sent[-1] and entry.provisional is None:
                        entry.provisional = msg
                        self.timing.provisional += 1
                    continue
                if entry is not sent[0]:
                    log.warning("%s: result of action %s before that of %s ignored",
                                self.agent, msg.seq, sent[0].seq)
                    continue
                sent.pop(0)
                ran.append((entry.action, msg))
                self.clock = msg.clock
                self.last_code = None if msg.ok else msg.code
                if msg.observation is not None:
                    self.obs = msg.observation
                if not entry.fed:
                    # Nothing was chosen on it yet: the brain goes on from the real result.
                    thinking = asyncio.create_task(self._think(steps, msg))
                    continue
                if msg.confirmed:
                    self.timing.confirmed += 1
                    continue
                # Chosen on a result that did not hold: drop what followed, replay.
                self.timing.rollbacks += 1
                self.timing.discarded += len(sent)
                sent.clear()
                end = None
                chosen = len(ran)
                if thinking is not None:
                    await asyncio.gather(thinking, return_exceptions=True)
                    thinking = None
                steps = self.brain.act(*args, **kwargs)
                thinking = asyncio.create_task(self._replay(steps, ran))
        finally:
            for task in (getter, thinking, stopping):
                if task is not None:
                    task.cancel()
