"""How a run stops on a signal: SIGTERM goes the way of Ctrl-C (`on_sigterm`), and once one
has stopped an episode, a second waits until the partial result is written
(`hold_interrupts` ... `release_interrupts`), so no recorded action is lost to it.

One module for the state (which signal came), so that the command line run as
``python -m tasks.cli`` (the module ``__main__``) and the episode code read the same one.
"""

from __future__ import annotations

import signal
import sys
import threading

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


def _while_stopping(signum: int, frame: object) -> None:
    print("causalcraft: already stopping; the partial result is being written",
          file=sys.stderr, flush=True)


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
