"""A brain that takes its time: wraps any brain and sleeps a fixed number of seconds in every
call (the prior, and each action step), the way a remote LLM would. Used to measure what
running participants as processes buys (`causalcraft run --brain-latency 1 --processes`).

The sleep is a real, blocking `time.sleep`, as a synchronous LLM client's call would be.
A call made before with the same inputs (a worker replaying its subtask after a provisional
result did not hold, see `agents.worker`) is answered without the sleep, as the LLM brain's
record/replay cache answers a request it has seen.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Generator
from typing import Any

import networkx as nx

from agents.brain import Brain


class LatencyBrain:
    """`inner` with `seconds` of sleep added to every call; answers are `inner`'s, unchanged.

    >>> class Echo:
    ...     name, llm_calls, tokens = "echo", 0, 0
    ...     def prior(self, plan, true_graph): return true_graph
    >>> b = LatencyBrain(Echo(), 0.0)
    >>> b.name, b.calls
    ('echo', 0)
    """

    def __init__(self, inner: Brain, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"brain latency must be >= 0 seconds, got {seconds}")
        self.inner = inner
        self.seconds = seconds
        self.calls = 0
        """Calls that took their time."""
        self.replayed = 0
        """Calls answered at once: made before with the same inputs."""
        self._seen: set[str] = set()

    def _wait(self, key: str | None = None) -> None:
        if key is not None and key in self._seen:
            self.replayed += 1
            return
        if key is not None:
            self._seen.add(key)
        self.calls += 1
        if self.seconds:
            time.sleep(self.seconds)

    @property
    def replayable(self) -> bool:
        """The same calls give the same actions (the inner brain's; see `OfflineBrain`)."""
        return bool(getattr(self.inner, "replayable", False))

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def llm_calls(self) -> int:
        return self.inner.llm_calls

    @property
    def tokens(self) -> int:
        return self.inner.tokens

    def prior(self, plan: Any, true_graph: nx.DiGraph) -> nx.DiGraph:
        self._wait()
        return self.inner.prior(plan, true_graph)

    def act(self, *args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        steps = self.inner.act(*args, **kwargs)
        key = _digest("act", [_plain(a) for a in args],
                      {k: _plain(v) for k, v in sorted(kwargs.items())})
        self._wait(key)
        try:
            action = next(steps)
            while True:
                result = yield action
                key = _digest(key, _plain(result))
                self._wait(key)
                action = steps.send(result)
        except StopIteration as end:
            return end.value

    def __getattr__(self, attr: str) -> Any:
        # Anything else (an LLM brain's `ask`) is the inner brain's.
        return getattr(self.inner, attr)


_ENVELOPE = {"message_id", "sent_at", "provisional", "confirmed"}


def _plain(value: Any) -> Any:
    """`value` as JSON-able data (models without their message envelope)."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude=_ENVELOPE & set(type(value).model_fields))
    if isinstance(value, frozenset | set):
        return sorted(map(repr, value))
    return value


def _digest(*parts: Any) -> str:
    """A key for the inputs of one call (the previous call's key, then what is new)."""
    text = json.dumps(parts, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()
