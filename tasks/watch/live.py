"""Following an episode's bus onto the page: every viewer message (plan, progress, score,
events, state) of one episode is pushed to the page's `Hub` as it arrives: from the broker
(`follow_bus`: participants in other processes, `causalcraft watch --broker`), or, in the
episode's own process, from the publishing bus clients (`tap_for`: no broker round trip,
no parsing or serialising again)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from typing import Any

from agents.bus import Bus, BusError, Envelope
from tasks.watch.page import PageServer

log = logging.getLogger("causalcraft.watch")

LEAVES = ("plan", "progress", "score", "events", "state")
"""The topics under cc/<episode>/ the page shows."""


async def follow_bus(page: PageServer, url: str, episode: str, username: str | None = None,
                     password: str | None = None) -> asyncio.Task[None]:
    """Connect to the broker at `url`, subscribe to the episode's viewer topics, and return
    the task that pushes each message onto the page until the broker goes away. Runs on the
    page's loop (`page.run_coroutine`). Raises BusError if the broker cannot be reached."""
    bus = Bus(url, f"watch-{uuid.uuid4().hex[:8]}", username=username, password=password)
    await bus.__aenter__()
    for leaf in LEAVES:
        await bus.subscribe(f"cc/{episode}/{leaf}")

    async def pump() -> None:
        ending = asyncio.Event()
        try:
            async for _topic, msg in bus.messages(ending):
                payload: dict[str, Any] = msg.model_dump(mode="json",
                                                         exclude={"message_id", "sender"})
                page.hub.push(msg.kind, payload, msg.sent_at)
                if getattr(msg, "done", False) and msg.kind == "state":
                    # The episode is over: take what is still in flight, then leave before
                    # the broker closes.
                    asyncio.get_running_loop().call_later(0.1, ending.set)
        except BusError:
            log.info("watch: the broker went away (the episode ended)")
        finally:
            await bus.__aexit__(None, None, None)

    return asyncio.create_task(pump())


Tap = Callable[[str, Envelope, bytes], None]
"""A `Bus` tap (`agents.bus.Bus.taps`)."""


def tap_for(page: PageServer, episode: str) -> Tap:
    """The bus tap that hands the episode's viewer messages, as published, to the page's
    loop (it returns at once; the page frames the JSON as it is)."""
    wanted = {f"cc/{episode}/{leaf}" for leaf in LEAVES}
    loop, hub = page.loop, page.hub

    def tap(topic: str, message: Envelope, payload: bytes) -> None:
        if topic in wanted and not loop.is_closed():
            loop.call_soon_threadsafe(hub.push_json, message.kind, payload, message.sent_at)

    return tap


def on_bus_for(page: PageServer, timeout: float = 10.0):  # -> tasks.episode.OnBus
    """The episode hook that attaches `page` to the episode's bus (waiting, at most
    `timeout` s, until it is subscribed, so it misses nothing), as the info's `account`
    (username, password) when the broker has accounts. When the info says `local` (the
    participants publish in this process), no subscription: it returns the `Tap` to add to
    their bus clients. A failure is logged and the episode goes on without the page."""

    async def on_bus(url: str, episode: str, info: dict[str, Any]) -> Tap | None:
        shown = {k: v for k, v in info.items() if k not in ("account", "local")}
        username, password = info.get("account") or (None, None)
        page.info.update(shown, episode=episode, broker=url)
        page.push("info", dict(page.info))
        if info.get("local"):
            return tap_for(page, episode)
        future = page.run_coroutine(follow_bus(page, url, episode, username, password))
        try:
            await asyncio.wait_for(asyncio.wrap_future(future), timeout)
        except (TimeoutError, BusError, OSError) as err:
            log.warning("watch page: cannot follow the bus (%s); the episode goes on", err)
        return None

    return on_bus
