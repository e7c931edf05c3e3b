"""A brain that takes its time: wraps any brain and sleeps a fixed number of seconds in every
call (the prior, and each action step), the way a remote LLM would. Used to measure what
running participants as processes buys (`causalcraft run --brain-latency 1 --processes`).

The sleep is a real, blocking `time.sleep`, as a synchronous LLM client's call would be.
"""

from __future__ import annotations

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

    def _wait(self) -> None:
        self.calls += 1
        if self.seconds:
            time.sleep(self.seconds)

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
        self._wait()
        try:
            action = next(steps)
            while True:
                result = yield action
                self._wait()
                action = steps.send(result)
        except StopIteration as end:
            return end.value

    def __getattr__(self, attr: str) -> Any:
        # Anything else (an LLM brain's `ask`) is the inner brain's.
        return getattr(self.inner, attr)
