"""How a run stops on a signal: SIGTERM goes the way of Ctrl-C (`on_sigterm`); the first one
cancels the episode (`run_stoppable`), which ends with its partial result, and any later one,
however soon, waits until that result is written (`hold_interrupts` ... `release_interrupts`),
so no recorded action is lost to it.

One module for the state (which signal came), so that the command line run as
``python -m tasks.cli`` (the module ``__main__``) and the episode code read the same one.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

_SIGTERM_SEEN: list[bool] = []


def on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM (a `kill`, a supervisor, `--processes` stopping a participant) goes the way of
    Ctrl-C: to whatever handles SIGINT now (inside an episode, asyncio's, which cancels the
    episode so that it ends with its partial result written; elsewhere a KeyboardInterrupt),
    so exit hooks run and the Node bridge and servers this process started go with it."""
    _SIGTERM_SEEN.append(True)
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)  # type: ignore[arg-type]
        return
    raise KeyboardInterrupt


def terminated() -> bool:
    """Whether this process was asked to stop by SIGTERM (not Ctrl-C)."""
    return bool(_SIGTERM_SEEN)


def stop_reason() -> str:
    """How this process was asked to stop: "terminated (SIGTERM)" or "interrupted (Ctrl-C)"."""
    return "terminated (SIGTERM)" if terminated() else "interrupted (Ctrl-C)"


def _say(line: str) -> None:
    # os.write, not print: a handler may run while the main thread is printing to stderr
    # (a buffered stream refuses a reentrant write)
    os.write(2, (line + "\n").encode())


def _while_stopping(signum: int, frame: object) -> None:
    _say("causalcraft: already stopping; the partial result is being written")


def run_stoppable(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)`, where the first Ctrl-C (or SIGTERM, see `on_sigterm`) says so on
    stderr ("causalcraft: interrupted (Ctrl-C): stopping ...") and cancels `main`, and from that
    moment every later one only says the result is being written, until `release_interrupts`.
    `main` ends with its partial result by catching the CancelledError (and `uncancel`-ing its
    task); if it lets it through, this raises KeyboardInterrupt (there is no result), as
    `asyncio.run` does. asyncio's own handler turns a second Ctrl-C that comes before `main`
    has seen the first into a KeyboardInterrupt that loses the result; this one never does.
    Off the main thread, plain `asyncio.run`."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return asyncio.run(main)  # (Ctrl-C is someone else's: a sweep's worker ignores it)
    stopped: list[bool] = []

    def first(signum: int, frame: object) -> None:
        if stopped:  # (only if `main` put this handler back itself)
            _while_stopping(signum, frame)
            return
        stopped.append(True)
        signal.signal(signal.SIGINT, _while_stopping)
        _say(f"causalcraft: {stop_reason()}: stopping; every participant ends its part and "
             "the partial result follows")
        loop.call_soon_threadsafe(task.cancel)

    async def guarded() -> T:
        nonlocal loop, task
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()  # type: ignore[assignment]
        signal.signal(signal.SIGINT, first)
        return await main

    loop: asyncio.AbstractEventLoop
    task: asyncio.Task[Any]
    try:
        return asyncio.run(guarded())
    except asyncio.CancelledError:
        if stopped:
            raise KeyboardInterrupt from None
        raise
    finally:
        if signal.getsignal(signal.SIGINT) is first:
            signal.signal(signal.SIGINT, signal.default_int_handler)


def hold_interrupts() -> None:
    """Once a Ctrl-C (or SIGTERM) stops an episode, a second one waits until the partial
    result is written (it says so); the caller ends with `release_interrupts`. Off the main
    thread, nothing changes."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _while_stopping)


def release_interrupts() -> None:
    """Ctrl-C interrupts again (after `hold_interrupts`)."""
    if threading.current_thread() is threading.main_thread() and \
            signal.getsignal(signal.SIGINT) is _while_stopping:
        signal.signal(signal.SIGINT, signal.default_int_handler)
