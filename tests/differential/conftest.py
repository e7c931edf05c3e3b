"""Fixtures of the differential test: one embedded server for the module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from env.minecraft.server import EVERY_BOT_PLAYS, ServerProcess
from env.rulebook import Rulebook, load_rulebook


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    log = tmp_path_factory.mktemp("server") / "server.log"
    with ServerProcess(log_path=log, extra_env=EVERY_BOT_PLAYS) as proc:
        yield proc


@pytest.fixture(scope="module")
def rules() -> Rulebook:
    return load_rulebook()
