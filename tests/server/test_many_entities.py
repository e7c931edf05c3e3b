"""The embedded server holds more entities than flying-squid's default cap of 200, as vanilla
has none: a long run leaves animals and items behind, and a player's login past the cap used
to bring the whole server down ("Too many mobs !"). Its own server (the module's fixture), so
the crowd slows no other test."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from env.minecraft.server import ServerProcess

pytestmark = [pytest.mark.server, pytest.mark.timeout(120)]


def test_a_player_joins_and_a_mob_is_summoned_past_200_entities(
        server: ServerProcess, run_bot: Callable[..., dict[str, object]]) -> None:
    result = run_bot("many_entities.js", server.port, "230")
    assert (result["summoned"], result["joined"], result["more"]) == (230, True,
                                                                      "Summoned new Cow")
    assert server.status().running
