"""Crafting, furnace and chest plugins driven by real mineflayer bots (stock bot.craft,
bot.openFurnace, bot.openContainer), with exact inventories on both sides."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from env.minecraft.server import ServerProcess, node_binary

RunBot = Callable[..., dict[str, object]]

pytestmark = [pytest.mark.server, pytest.mark.timeout(60)]


def test_craft_planks_and_table_in_the_2x2_grid(server: ServerProcess, run_bot: RunBot) -> None:
    result = run_bot("craft_planks.js", server.port)
    assert result["afterPlanks"] == {"oak_log": 1, "oak_planks": 4}
    assert result["afterTable"] == {"crafting_table": 1, "oak_log": 1}
    assert result["server"] == {"crafting_table": 1, "oak_log": 1}


def test_craft_bread_at_a_table(server: ServerProcess, run_bot: RunBot) -> None:
    result = run_bot("craft_bread.js", server.port)
    assert result["needsTable"] is True
    assert result["client"] == {"bread": 2, "wheat": 1}
    assert result["server"] == {"bread": 2, "wheat": 1}


def test_cook_beef_in_a_furnace_with_coal(server: ServerProcess, run_bot: RunBot) -> None:
    result = run_bot("furnace_cook.js", server.port)
    assert result["totalFuelTicks"] == 1600  # coal smelts 8 items of 200 ticks
    assert result["totalProgressTicks"] == 200
    assert result["litWhileCooking"] is True
    # 200 ticks pin the rate; in wall time a furnace is never faster than 200 ticks at 20 a
    # second, and may be slower on a loaded machine (the server's ticks lag, as vanilla's do)
    assert 0 < result["progressAfterOneSecond"] < 1
    assert result["cookSeconds"] >= 9.5
    assert result["slotsWhenDone"] == [None, None, "cooked_beef:1"]
    assert result["inventory"] == {"cooked_beef": 1}


def test_furnace_burns_vanilla_fuels_and_keeps_its_fire(server: ServerProcess,
                                                       run_bot: RunBot) -> None:
    """Fuel ticks from AbstractFurnaceBlockEntity.getFuel() (minecraft.wiki/w/Smelting#Fuel):
    a wooden pickaxe burns 200 ticks (one item), coal 1600; stripped logs and wood smelt to
    charcoal (#logs_that_burn); a lit furnace smelts on without new fuel."""
    result = run_bot("furnace_fuels.js", server.port, "-12")
    assert result["afterPickaxe"] == [None, None, "charcoal:1"]
    assert result["afterCoal"] == [None, None, "cooked_beef:1"]
    assert 1300 <= result["burnLeftAfterCoal"] <= 1401  # 1600 lit, 199 more ticks to cook
    assert result["afterLitOnly"] == [None, None, "cooked_beef:2"]


def test_a_lit_furnace_opened_by_stock_mineflayer_shows_its_fire(server: ServerProcess,
                                                                run_bot: RunBot) -> None:
    """Vanilla's AbstractContainerMenu sends all of a window's data slots as it opens, then each
    on change; mineflayer's openFurnace listens only once the window is open, so the server
    sends them all once more on the next tick. A coal burns 1600 ticks
    (AbstractFurnaceBlockEntity.getFuel()); a cold furnace shows 0 of 0."""
    result = run_bot("furnace_lit_open.js", server.port)
    lit, cold = result["lit"], result["cold"]  # lit: the second opening of the lit furnace
    assert result["first"]["totalFuel"] == 1600
    assert lit["totalFuel"] == 1600
    assert lit["totalProgress"] == 200
    assert lit["firstFour"] == [0, 1, 2, 3]
    assert lit["totalFuelSent"][:2] == [1600, 1600]
    # the fire mineflayer works out matches the server's, within the ticks a look takes
    seen_ticks = round(lit["fuelSeconds"] * 20)
    assert 0 < lit["serverBurn"] <= seen_ticks <= 1600
    assert seen_ticks - lit["serverBurn"] < 60
    assert cold["totalFuel"] == 0
    assert cold["fuelSeconds"] == 0
    assert cold["serverBurn"] == 0


def test_chest_shared_by_two_bots(server: ServerProcess, run_bot: RunBot) -> None:
    result = run_bot("chest_share.js", server.port)
    assert result["takerSawBeforeTaking"] == {"bread": 5, "coal": 20}
    assert result["keeperSawAfterTaking"] == {"coal": 12}
    assert result["chestget"] == [{"slot": 0, "name": "coal", "count": 12}]
    assert result["keeper"] == {}
    assert result["taker"] == {"bread": 5, "coal": 8}


def test_recipe_matcher_shapes_mirrors_and_shapeless(js_dir: Path) -> None:
    grids = {
        "planks_any_cell": {"width": 2, "cells": [None, None, None, "oak_log"]},
        "table_2x2": {"width": 2, "cells": ["oak_planks"] * 4},
        "bread_bottom_row": {"width": 3, "cells": [None] * 6 + ["wheat"] * 3},
        "bread_two_rows": {"width": 3,
                           "cells": ["wheat"] * 2 + [None] * 4 + ["wheat"] + [None] * 2},
        "bowl": {"width": 3, "cells": ["oak_planks", None, "oak_planks", None, "oak_planks", None,
                                       None, None, None]},
        "bowl_upside_down": {"width": 3, "cells": [None, "oak_planks", None, "oak_planks", None,
                                                   "oak_planks", None, None, None]},
        "axe": {"width": 3, "cells": ["cobblestone", "cobblestone", None,
                                      "cobblestone", "stick", None, None, "stick", None]},
        "axe_mirrored": {"width": 3, "cells": [None, "cobblestone", "cobblestone",
                                               None, "stick", "cobblestone", None, "stick", None]},
        "pie_shapeless": {"width": 3, "cells": ["egg", None, None, None, "sugar", None,
                                                None, None, "pumpkin"]},
        "pie_missing_egg": {"width": 3, "cells": [None, None, None, None, "sugar", None,
                                                  None, None, "pumpkin"]},
        "empty": {"width": 2, "cells": [None] * 4},
        # Vanilla recipes take item tags (#planks, #logs, #stone_crafting_materials): any mix.
        "table_mixed_planks": {"width": 2, "cells": ["oak_planks", "spruce_planks"] * 2},
        "sticks_mixed": {"width": 2, "cells": ["birch_planks", None, "mangrove_planks", None]},
        "bowl_mixed": {"width": 3, "cells": ["oak_planks", None, "crimson_planks", None,
                                             "spruce_planks", None, None, None, None]},
        "chest_mixed": {"width": 3, "cells": ["oak_planks", "spruce_planks", "birch_planks",
                                              "jungle_planks", None, "acacia_planks",
                                              "dark_oak_planks", "warped_planks",
                                              "mangrove_planks"]},
        "pickaxe_mixed": {"width": 3, "cells": ["oak_planks", "spruce_planks", "oak_planks",
                                                None, "stick", None, None, "stick", None]},
        "planks_from_stripped_wood": {"width": 2, "cells": ["stripped_oak_wood", None, None,
                                                            None]},
        "furnace_mixed_stone": {"width": 3, "cells": ["cobblestone", "blackstone",
                                                      "cobbled_deepslate", "cobblestone", None,
                                                      "cobblestone", "cobblestone",
                                                      "cobblestone", "cobblestone"]},
        "stew_red_mushroom": {"width": 3, "cells": ["baked_potato", "cooked_rabbit", "bowl",
                                                    "carrot", "red_mushroom", None, None, None,
                                                    None]},
        "table_planks_and_log": {"width": 2, "cells": ["oak_planks"] * 3 + ["oak_log"]},
    }
    out = subprocess.run([str(node_binary()), str(js_dir / "recipes_check.js"), json.dumps(grids)],
                         capture_output=True, text=True, timeout=30, check=True).stdout
    assert json.loads(out) == {
        "planks_any_cell": "oak_planks:4",
        "table_2x2": "crafting_table:1",
        "bread_bottom_row": "bread:1",
        "bread_two_rows": None,
        "bowl": "bowl:4",
        "bowl_upside_down": None,
        "axe": "stone_axe:1",
        "axe_mirrored": "stone_axe:1",
        "pie_shapeless": "pumpkin_pie:1",
        "pie_missing_egg": None,
        "empty": None,
        "table_mixed_planks": "crafting_table:1",
        "sticks_mixed": "stick:4",
        "bowl_mixed": "bowl:4",
        "chest_mixed": "chest:1",
        "pickaxe_mixed": "wooden_pickaxe:1",
        "planks_from_stripped_wood": "oak_planks:4",
        "furnace_mixed_stone": "furnace:1",
        "stew_red_mushroom": "rabbit_stew:1",
        "table_planks_and_log": None,
    }


def test_mixed_planks_craft_a_table(server: ServerProcess, run_bot: RunBot) -> None:
    """Vanilla 1.19.2's crafting_table recipe takes #minecraft:planks (the game's recipe JSON;
    minecraft.wiki/w/Crafting_Table): 2 oak + 2 spruce planks make one."""
    result = run_bot("craft_mixed_planks.js", server.port)
    assert result["resultShown"] == "crafting_table:1"
    assert result["inventory"] == {"crafting_table": 1}
    assert result["grid"] == [None] * 5


def test_craft_cake_leaves_the_buckets(server: ServerProcess, run_bot: RunBot) -> None:
    result = run_bot("craft_cake.js", server.port)
    assert result["client"] == {"bucket": 3, "cake": 1}
    assert result["server"] == {"bucket": 3, "cake": 1}


def test_shift_click_on_the_result_crafts_all_it_can(server: ServerProcess,
                                                      run_bot: RunBot) -> None:
    result = run_bot("shift_craft.js", server.port)
    assert result["resultShown"] == "oak_planks:4"
    assert result["inventory"] == {"oak_planks": 12}
    assert result["grid"] == [None, None, None, None, None]
    assert result["cursor"] is None


def test_furnace_refuses_a_non_fuel_in_the_fuel_slot(server: ServerProcess,
                                                     run_bot: RunBot) -> None:
    result = run_bot("furnace_reject.js", server.port)
    assert result["fuelAfterRefusal"] is None
    assert result["cursorAfterRefusal"] == "beef:2"
    assert result["inputAfter"] == "beef:2"
    assert result["inventory"] == {"beef": 2}


def test_items_thrown_from_the_inventory_are_picked_up_whole(server: ServerProcess,
                                                             run_bot: RunBot) -> None:
    result = run_bot("toss_give.js", server.port)
    assert result["giverClient"] == {}
    assert result["giver"] == {}
    assert result["receiver"] == {"bread": 5}


def test_a_double_chest_is_one_54_slot_window_from_either_half(server: ServerProcess,
                                                              run_bot: RunBot) -> None:
    # Vanilla 1.19.2: ChestBlock's CompoundContainer (the right half first, getBlockType FIRST)
    # in ChestMenu.sixRows, titled container.chestDouble "Large Chest"; stock mineflayer
    # reads it as a generic_9x6 window of 54 container slots, the player's 36 after.
    result = run_bot("large_chest.js", server.port)
    for half in ("left", "right"):
        assert result["shapes"][half] == {"type": "minecraft:generic_9x6",
                                          "title": '{"text":"Large Chest"}', "slots": 90,
                                          "inventoryStart": 54}
        assert result["before"][half] == [[0, "bread", 5], [27, "coal", 3]]
    assert result["seenByRight"] == {"apple": 2, "bread": 5, "coal": 3}
    # the other half replaced: the window closes; the left half alone is a 27-slot chest
    assert result["leftClosed"] is True
    assert result["single"] == {"type": "minecraft:generic_9x3", "title": '{"text":"Chest"}',
                                "slots": 63, "inventoryStart": 27, "items": [[0, "coal", 3]]}
