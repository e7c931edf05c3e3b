"""What the page has been sent: an append-only list of updates that every browser reads from
its own position, so a slow or closed browser never holds up whoever pushes updates."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any


class Hub:
    """Updates in order. `push` is cheap and never waits; `follow` yields every update from
    the first, then each new one as it comes (a browser that joins late sees the whole
    episode replayed, then live). Lives on one event loop; `push_threadsafe` from others."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.history: list[str] = []
        self._grown = asyncio.Event()
        self.closed = False

    def push(self, kind: str, payload: dict[str, Any], sent_at: float | None = None) -> None:
        """Add one update: `kind` (plan, progress, score, event, state, end), its payload,
        and when its bus message was sent (unix seconds; default now)."""
        now = time.time()
        record = {"n": len(self.history), "kind": kind, "sent_at": sent_at or now,
                  "received_at": now, "data": payload}
        self.history.append(json.dumps(record, separators=(",", ":")))
        self._grown.set()
        self._grown = asyncio.Event()

    def push_json(self, kind: str, payload: bytes | str, sent_at: float) -> None:
        """Add one update whose payload is JSON text already (a bus message as it was
        published): it is framed as it is, never parsed or serialised again."""
        now = time.time()
        data = payload.decode() if isinstance(payload, bytes) else payload
        self.history.append(f'{{"n":{len(self.history)},"kind":{json.dumps(kind)},'
                            f'"sent_at":{sent_at!r},"received_at":{now!r},"data":{data}}}')
        self._grown.set()
        self._grown = asyncio.Event()

    def push_threadsafe(self, kind: str, payload: dict[str, Any],
                        sent_at: float | None = None) -> None:
        self.loop.call_soon_threadsafe(self.push, kind, payload, sent_at)

    async def follow(self, start: int = 0):  # -> AsyncIterator[str]
        """Every update from index `start`, waiting for new ones."""
        async for batch in self.follow_batches(start):
            for line in batch:
                yield line

    async def follow_batches(self, start: int = 0):  # -> AsyncIterator[list[str]]
        """The same updates, as lists: all those waiting at each wake-up (a burst is
        written to a browser at once, not one message at a time)."""
        i = start
        while True:
            if i < len(self.history):
                batch = self.history[i:]
                i += len(batch)
                yield batch
                continue
            await self._grown.wait()
