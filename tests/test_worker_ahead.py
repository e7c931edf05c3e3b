"""A worker thinking ahead: it chooses its next action on a provisional result, and when the
real result differs it drops what it chose on it and replays its brain from the real one."""

from __future__ import annotations

import asyncio
from typing import Any

from agents.bus import Topics
from agents.messages import ActionRequest, ActionResult, Assignment
from agents.worker import Worker
from env.actions import Wait
from env.backend import Observation
from planner.subtask import Subtask

OBS = Observation(agent="a1", pos=(0.5, -60.0, 0.5), inventory={})


class WaitLonger:
    """Waits 1 s, then as long as the first wait's end says; the same calls give the same
    actions."""

    name, llm_calls, tokens, replayable = "wait-longer", 0, 0, True

    def __init__(self) -> None:
        self.started = 0

    def act(self, *_args: Any, **_kwargs: Any) -> Any:
        self.started += 1
        first = yield Wait(seconds=1.0)
        yield Wait(seconds=first.end)
        return True, None


class Wire:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    async def publish(self, _topic: str, msg: Any, retain: bool = False) -> None:
        self.sent.append(msg)

    async def next_action(self) -> ActionRequest:
        while True:
            actions = [m for m in self.sent if isinstance(m, ActionRequest)]
            if actions and actions[-1].seq > getattr(self, "seen", 0):
                self.seen = actions[-1].seq
                return actions[-1]
            await asyncio.sleep(0.01)


def result(seq: int, start: float, end: float, **kw: Any) -> ActionResult:
    return ActionResult(sender="judger", agent="a1", seq=seq, ok=True, start=start, end=end,
                        observation=OBS, action="wait", **kw)


def test_a_provisional_result_that_does_not_hold_is_replayed_from_the_real_one() -> None:
    brain, wire = WaitLonger(), Wire()
    worker = Worker("a1", wire, Topics("w1"), brain, OBS, ahead=8)
    job = Assignment(sender="planner", agent="a1", subtask=Subtask(id="s", kind="craft",
                                                                   target="bread"))

    async def scenario() -> tuple[bool, str | None]:
        stop = asyncio.Event()
        doing = asyncio.create_task(worker._do_ahead(job, stop))  # noqa: SLF001
        one = await wire.next_action()
        assert (one.seq, one.after, one.speculate, one.action["seconds"]) == (1, None, True, 1)
        await worker.inbox.put(result(1, 0.0, 1.0, provisional=True))  # its turn is not yet
        two = await wire.next_action()  # chosen on the provisional end, 1 s
        assert (two.seq, two.after, two.action["seconds"]) == (2, 1, 1.0)
        await worker.inbox.put(result(1, 2.0, 3.0, confirmed=False))  # it ran later after all
        three = await wire.next_action()  # two is dropped; chosen again on the real end
        assert (three.seq, three.after, three.action["seconds"]) == (3, None, 3.0)
        await worker.inbox.put(result(2, 3.0, 4.0))  # the answer to the dropped one: ignored
        await worker.inbox.put(result(3, 3.0, 6.0))
        return await asyncio.wait_for(doing, 10)

    assert asyncio.run(scenario()) == (True, None)
    assert brain.started == 2 and worker.clock == 6.0
    t = worker.timing
    assert (t.provisional, t.confirmed, t.rollbacks, t.discarded) == (1, 0, 1, 1)
