"""Cooking tasks in kinds the public half of VillagerBench does not show (made up, in
tests/fixtures/villagerbench_variants, written by its make_variants.py): inputs, fuels and
tools chosen against the whole task."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from env.goals import CookingGoal
from env.rulebook import load_rulebook
from planner.decompose import decompose, source_hints
from tasks.catalog import load_task
from tasks.episode import EpisodeConfig, run_episode

VARIANTS = Path(__file__).parent / "fixtures" / "villagerbench_variants"


def _plan(name: str) -> dict[str, tuple[int, dict[str, int], str | None]]:
    spec = load_task(f"cooking/{name}", VARIANTS)
    return {s.id: (s.count, s.inputs, s.tool)
            for s in decompose(spec, load_rulebook()).subtasks}


def _names() -> list[str]:
    return [t["name"] for t in json.loads((VARIANTS / "farm_setting.json").read_text())]


def test_source_hints_read_item_and_place() -> None:
    goal = CookingGoal(target="rabbit_stew", check_points=[], sources={
        "coal": "coal in mine", "bowl": "acacia_log in pasture", "carrot": "carrot in chest"})
    assert source_hints(goal) == {"coal": "mine", "acacia_log": "pasture", "carrot": "chest"}


def test_mined_coal_is_the_fuel_and_the_one_bowl_is_the_stews() -> None:
    # VillagerAgent's option "coal in mine": the hub holds one bowl and no coal; the coal ore
    # of the material factory wants a pickaxe, which is in the factory's own chest.
    assert _plan("made_rabbit_stew_0") == {
        "craft:rabbit_stew": (1, {"baked_potato": 1, "cooked_rabbit": 1, "bowl": 1,
                                  "carrot": 1, "brown_mushroom": 1}, None),
        "smelt:cooked_rabbit": (1, {"rabbit": 1, "coal": 1}, None),
        "smelt:baked_potato": (1, {"potato": 1, "coal": 1}, None),
        "harvest:coal": (2, {}, "iron_pickaxe"),
        "fetch:iron_pickaxe": (1, {}, None),
    }


def test_a_named_fuel_wins_over_fuels_in_the_hub() -> None:
    plan = _plan("made_scarce_fuel_choice")  # the hub also holds a stick and oak planks
    assert plan["smelt:cooked_rabbit"][1] == {"rabbit": 1, "coal": 1}
    assert plan["harvest:coal"] == (2, {}, "iron_pickaxe")


def test_the_hubs_stock_is_used_first_and_the_rest_comes_from_the_next_way() -> None:
    assert _plan("made_scarce_one_coal_and_mine")["harvest:coal"] == (1, {}, "iron_pickaxe")
    assert _plan("made_scarce_wheat_partly_farmed")["harvest:wheat"] == (2, {}, None)
    assert _plan("made_scarce_milk_partly_milked")["milk:milk_bucket"] == (
        2, {"bucket": 2}, None)
    assert "harvest:coal" not in _plan("made_scarce_two_coal")


def test_every_variant_loads_and_decomposes() -> None:
    names = _names()
    assert len(names) == 55
    for name in names:
        assert decompose(load_task(f"cooking/{name}", VARIANTS), load_rulebook()).subtasks


@pytest.mark.parametrize("name", ["made_rabbit_stew_0", "made_rabbit_stew_13",
                                  "made_scarce_one_coal_and_mine",
                                  "made_scarce_milk_partly_milked"])
def test_variant_completes_on_three_agents(name: str) -> None:
    r = run_episode(EpisodeConfig(task=f"cooking/{name}", source=VARIANTS, agents=3,
                                  prior_noise=0.0))
    assert r["metrics"]["completion"] == 1.0
    assert r["metrics"]["score"] >= 100.0
