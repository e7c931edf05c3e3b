"""A smoker and a blast furnace driven by stock mineflayer (bot.openFurnace takes both
windows), on the embedded server's furnace plugin. Vanilla 1.19.2: the smoking and blasting
recipes cook in 100 ticks (the game's recipe JSON cookingtime), a coal burns 1600 // 2 = 800
ticks there (SmokerBlockEntity/BlastFurnaceBlockEntity.getBurnDuration), and a station whose
input has no recipe of its type does not light (AbstractFurnaceBlockEntity.serverTick:
canBurn is false, so no fuel is taken); minecraft.wiki/w/Smoker, /w/Blast_Furnace."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from env.minecraft.server import ServerProcess

RunBot = Callable[..., dict[str, object]]

pytestmark = [pytest.mark.server, pytest.mark.timeout(90)]


def test_a_smoker_and_a_blast_furnace_cook_in_100_ticks_on_800_ticks_of_coal(
        server: ServerProcess, run_bot: RunBot) -> None:
    result = run_bot("smoker_blast_cook.js", server.port)
    smoked, blasted = result["smoked"], result["blasted"]
    assert isinstance(smoked, dict) and isinstance(blasted, dict)
    assert smoked["type"] == "minecraft:smoker" and blasted["type"] == "minecraft:blast_furnace"
    for seen, out in ((smoked, "cooked_beef:1"), (blasted, "iron_ingot:1")):
        assert (seen["totalFuelTicks"], seen["totalProgressTicks"]) == (800, 100)
        # 100 ticks pin the rate; in wall time never faster than 100 ticks at 20 a second
        # (slower on a loaded machine, as the server's ticks lag)
        assert seen["cookSeconds"] >= 4.5
        assert seen["slotsWhenDone"] == [None, None, out]
    # beef in a blast furnace: not lit, the coal not taken, no progress
    assert result["beefInBlast"] == {"slots": ["beef:1", "coal:1", None], "lit": False,
                                     "progress": 0}
    assert result["inventory"] == {"cooked_beef": 1, "beef": 1, "coal": 1, "iron_ingot": 1}
