"""Players see each other whatever the join order; a throwing command kicks nobody."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from env.minecraft.server import ServerProcess

RunBot = Callable[..., dict[str, object]]

pytestmark = [pytest.mark.server, pytest.mark.timeout(60)]


def test_players_see_each_other_and_a_throwing_command_answers_its_caller(
        server: ServerProcess, run_bot: RunBot) -> None:
    result = run_bot("see_each_other.js", server.port, "--throwing-command")
    assert result["seen"] == {
        "alpha": ["bravo", "charlie"],
        "bravo": ["alpha", "charlie"],
        "charlie": ["alpha", "bravo"],
    }
    assert result["reply"] == "Error: deliberate failure"
    assert result["kicked"] == []
    assert server.status().running


def test_a_player_who_rejoins_gets_inventory_and_position_back(server: ServerProcess,
                                                                run_bot: RunBot) -> None:
    result = run_bot("rejoin.js", server.port)
    expected = {"position": [7, -60, 9], "inventory": {"bread": 3, "oak_log": 70}}
    assert result["before"] == expected
    assert result["after"] == expected


def test_a_player_who_drops_off_with_items_in_hand_loses_none(server: ServerProcess,
                                                               run_bot: RunBot) -> None:
    # Vanilla 1.19.2 (AbstractContainerMenu.removed, InventoryMenu.removed via
    # clearContainer): a disconnected player's carried stack and crafting grid drop where it
    # stood; they are not kept with its inventory.
    result = run_bot("drop_carried.js", server.port)
    assert result["carried"] == {"cursor": ["bread", 5]}
    assert result["dropped"] == 3  # item entities: the carried stack, and one per grid slot
    assert result["chestget"] == []
    assert result["after"] == {"bread": 5, "oak_planks": 3}
