"""An executor for calls that may block for long (a model request): one daemon thread per
call, so that nothing waits on a call abandoned by an interrupted episode.

An episode's event loop uses it as its default executor (`asyncio.to_thread` and
`run_in_executor(None, ...)`). asyncio's own default executor is joined when the loop
closes and again when the interpreter exits, so a Ctrl-C during a model request would wait
for the request's timeout (and its retries). This one is joined when the loop closes too
(`shutdown(wait=True)`: no call outlives a finished episode), unless `abandon()` was called
(an interrupted episode): then the loop closes at once and the calls still running end with
the process (daemon threads).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

_names = itertools.count(1)


class DaemonExecutor(ThreadPoolExecutor):
    """Each `submit` runs in a new daemon thread; `shutdown` never waits. (A
    ThreadPoolExecutor by type only, as asyncio's `set_default_executor` asks: none of its
    pool threads is ever started.)"""

    def __init__(self, prefix: str = "blocking-call") -> None:
        super().__init__(max_workers=1, thread_name_prefix=prefix)
        self.prefix = prefix
        self._shut = False
        self._abandoned = False
        self._threads: set[threading.Thread] = set()
        self._guard = threading.Lock()

    def submit(self, fn: Callable[..., T], /, *args: Any,  # type: ignore[override]
               **kwargs: Any) -> Future[T]:
        """Run `fn(*args, **kwargs)` in a daemon thread; its future. Raises RuntimeError
        after `shutdown` (as `concurrent.futures` executors do)."""
        if self._shut:
            raise RuntimeError("cannot schedule new calls after shutdown")
        future: Future[T] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting side
                future.set_exception(exc)
            else:
                future.set_result(result)
            finally:
                with self._guard:
                    self._threads.discard(threading.current_thread())

        thread = threading.Thread(target=run, name=f"{self.prefix}-{next(_names)}",
                                  daemon=True)
        with self._guard:
            self._threads.add(thread)
        thread.start()
        return future

    def abandon(self) -> None:
        """Let `shutdown` return without waiting for the calls still running."""
        self._abandoned = True

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Refuse new calls; with `wait` (and not abandoned), wait for those running."""
        self._shut = True
        if not wait or self._abandoned:
            return
        with self._guard:
            running = list(self._threads)
        for thread in running:
            thread.join()
