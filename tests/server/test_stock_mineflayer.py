"""Stock mineflayer, unchanged, against the embedded server: what lies on the tasks' path
behaves as on a vanilla 1.19.2 server (the bots are tests/server/js/stock_*.js)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from env.minecraft.server import ServerProcess

RunBot = Callable[..., dict[str, object]]

pytestmark = [pytest.mark.server, pytest.mark.timeout(60)]


def test_a_chest_lid_opens_and_closes_for_every_player_near(server: ServerProcess,
                                                             run_bot: RunBot) -> None:
    # Vanilla's ChestBlockEntity: block action 1 with the number of players looking in.
    result = run_bot("stock_chest.js", server.port)
    assert result["lids"] == {"bot": [1, 0], "watcher": [1, 0]}
    assert result["held"] == [["bone", 1]]
    assert result["after"] == {"bone": 2}


def test_a_dead_player_respawns_with_full_health_at_the_spawn(server: ServerProcess,
                                                              run_bot: RunBot) -> None:
    result = run_bot("stock_respawn.js", server.port)
    assert result["events"] == ["death", "respawn", "spawn"]
    assert (result["health"], result["food"], result["alive"]) == (20, 20, True)
    assert result["inventory"] == {}  # keepInventory is off: the bread dropped where it died
    assert result["spawn"][1] == -60  # on the superflat ground


def test_eating_and_drinking_complete(server: ServerProcess, run_bot: RunBot) -> None:
    result = run_bot("stock_eat.js", server.port)
    assert result["start"] == {"food": 20, "saturation": 5}  # vanilla's FoodData
    # A golden apple (nutrition 4, saturation modifier 1.2) is edible when full:
    # saturation = min(20, 5 + 4 x 1.2 x 2) = 14.6 (minecraft.wiki/w/Golden_Apple).
    assert result["apple"] == {"food": 20, "saturation": 14.6}
    assert 1500 <= result["eatMs"] <= 2500  # 32 ticks
    assert result["fullRefused"] == "Food is full"  # mineflayer's own check, as on vanilla
    assert result["after"] == {"bread": 1, "bucket": 1, "golden_apple": 1}


def test_digging_takes_the_break_time_and_drops_are_picked_up(server: ServerProcess,
                                                              run_bot: RunBot) -> None:
    result = run_bot("stock_dig.js", server.port)
    # Break times (minecraft.wiki/w/Breaking): dirt by hand 0.75 s, stone with a wooden
    # pickaxe 1.15 s.
    times = result["times"]
    assert 700 <= times["dirt"] <= 1300 and 1100 <= times["stone"] <= 1700
    assert result["after"] == {"cobblestone": 1, "dirt": 1, "wooden_pickaxe": 1}
