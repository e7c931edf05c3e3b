"""Shared pytest fixtures. Add new fixtures below, one small section per part."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest

from agents.broker import MOSQUITTO_MISSING, AccessControl, EmbeddedBroker, MosquittoBroker

T = TypeVar("T")


@pytest.fixture
def run() -> Callable[..., Any]:
    """Run a coroutine to completion in a fresh event loop, failing after `timeout` seconds."""

    def _run(coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run(asyncio.wait_for(coro, timeout))

    return _run


# --- message bus: brokers ---------------------------------------------------------------------

Broker = EmbeddedBroker | MosquittoBroker


@pytest.fixture
def mosquitto_installed() -> str:
    """Path of the mosquitto binary; skips with the install command only if it is missing."""
    path = shutil.which("mosquitto")
    if path is None:
        pytest.skip(MOSQUITTO_MISSING)
    return path


@pytest.fixture(params=["amqtt", pytest.param("mosquitto", marks=pytest.mark.mosquitto)])
def make_broker(request: pytest.FixtureRequest) -> Callable[..., Broker]:
    """A factory of unstarted brokers of each kind: ``async with make_broker(access) as b``.

    Parametrized over the in-process amqtt broker and a mosquitto child process; the mosquitto
    case is skipped (with the install command) only if the binary is missing.
    """
    if request.param == "mosquitto":
        request.getfixturevalue("mosquitto_installed")

    def _make(access: AccessControl | None = None) -> Broker:
        if request.param == "amqtt":
            return EmbeddedBroker(access)
        return MosquittoBroker(access)

    return _make
