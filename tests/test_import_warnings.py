"""A task-file line that cannot be read: skipped with a warning kept in the result, or, with
--strict, one clear error line naming the task and the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tasks.cli import main

VARIANTS = Path(__file__).parent / "fixtures" / "villagerbench_variants"
WARNING = ("line 2: skipped: position must be [x y z], got [-9 -60] in "
           "'material: stone facing: A position: [-9, -60]'")


def test_run_keeps_the_warning_in_the_result(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.json"
    assert main(["run", "construction/made_with_bad_line", "--source", str(VARIANTS),
                 "--prior-noise", "0", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["import_warnings"] == [WARNING]
    assert result["metrics"]["completion"] == 1.0
    assert f"import      {WARNING}" in capsys.readouterr().out


def test_strict_run_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "construction/made_with_bad_line", "--source", str(VARIANTS),
                 "--strict"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert err.startswith("causalcraft: error: ")
    assert err.endswith("task 'made_with_bad_line', line 2: position must be [x y z], got "
                        "[-9 -60] in 'material: stone facing: A position: [-9, -60]'")


def test_strict_bench_fails_the_episode(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    assert main(["bench", "--tasks", "construction/made_with_bad_line", "--source",
                 str(VARIANTS), "--seeds", "1", "--strict", "--out", str(out)]) == 1
    record = json.loads((out / "episodes.jsonl").read_text().splitlines()[0])
    assert record["config"]["strict"] is True
    assert "line 2: position must be [x y z]" in record["error"]


def _atom(init: list[dict], effects: list[dict]) -> dict:
    return {"init": [{"name": "stone_pressure_plate", "position": [0, 0, 0]}, *init],
            "condition": [{"name": "stone_pressure_plate", "position": [0, 0, 0],
                           "powered": True}],
            "effect": [{"name": "air", "position": [0, 0, 4]}, *effects]}


def test_an_escape_block_with_a_state_its_block_lacks_is_left_out_as_the_game_does() -> None:
    # VillagerAgent sets blocks up with `/setblock x y z name[k=v,...]`; the game refuses the
    # whole command for a property the block does not have (minecraft-data: a redstone torch
    # has only `lit`, redstone wire has no `powered`), so the block is not there.
    from tasks.importers.common import TaskError
    from tasks.importers.escape import import_escape

    atom = _atom([{"name": "redstone_torch", "position": [1, 1, 2], "facing": "east"},
                  {"name": "lever", "position": [2, 0, 1], "face": "floor"}],
                 [{"name": "redstone_wire", "position": [0, 0, 3], "powered": True}])
    spec = import_escape("1-0", [atom], 2, file="atoms.json")
    assert spec.import_warnings == [
        "atoms.json, atom 0, init[1]: redstone_torch has no 'facing' state, so the game "
        "refuses its /setblock; left out",
        "atoms.json, atom 0, effect[1]: redstone_wire has no 'powered' state, so the game "
        "refuses its /setblock; left out"]
    names = {b.name for b in spec.world.blocks}
    assert "redstone_torch" not in names and "lever" in names
    assert [e.block for t in spec.world.triggers for e in t.effects] == ["air"]
    with pytest.raises(TaskError, match=r"^atoms.json, atom 0, init\[1\]: redstone_torch has "
                                        r"no 'facing' state, so the game refuses its /setblock$"):
        import_escape("1-0", [atom], 2, file="atoms.json", strict=True)


def test_an_escape_block_with_a_value_its_block_does_not_allow_is_left_out_as_the_game_does(
        ) -> None:
    # `/setblock ... chest[facing=up]` is refused whole ("Block minecraft:chest does not
    # accept 'up' for facing property"; ChestBlock.FACING is horizontal: minecraft.wiki/w/
    # Chest#Block_states); a barrel may face up. The chest, and what it would hold, is not
    # there: on neither backend.
    from tasks.importers.common import TaskError
    from tasks.importers.escape import import_escape

    atom = _atom([{"name": "chest", "position": [1, 0, 2], "facing": "up"},
                  {"name": "barrel", "position": [2, 0, 2], "facing": "up"}], [])
    spec = import_escape("1-0", [atom], 2, file="atoms.json")
    assert spec.import_warnings == [
        "atoms.json, atom 0, init[1]: chest's facing cannot be 'up' (east, north, south, "
        "west), so the game refuses its /setblock; left out"]
    assert [(c.kind, c.facing) for c in spec.world.containers] == [("barrel", "up")]
    with pytest.raises(TaskError, match=r"chest's facing cannot be 'up'"):
        import_escape("1-0", [atom], 2, file="atoms.json", strict=True)


def test_a_world_with_a_state_the_game_refuses_is_refused_by_both_backends_in_one_line(
        ) -> None:
    # (the server's build refuses by the same check before any command: tests/differential/
    # test_vanilla_cases.py builds one of these worlds on the embedded server)
    from env.rulebook import load_rulebook, world_problem
    from env.sim import SimBackend
    from env.world import BlockSpec, ContainerSpec, WorldSetup

    rules = load_rulebook()
    for world, line in [
            (WorldSetup(containers=[ContainerSpec(pos=(1, -60, 2), facing="up")]),
             "chest's facing cannot be 'up' (east, north, south, west) at (1, -60, 2)"),
            (WorldSetup(blocks=[BlockSpec(name="oak_door", pos=(0, -60, 0),
                                          state={"hinge": "middle"})]),
             "oak_door's hinge cannot be 'middle' (left, right) at (0, -60, 0)"),
            (WorldSetup(blocks=[BlockSpec(name="stone", pos=(0, -60, 0),
                                          state={"lit": True})]),
             "stone has no 'lit' state at (0, -60, 0)")]:
        assert world_problem(world, rules) == line
        with pytest.raises(ValueError) as err:
            SimBackend(rules).build(world, ["ann"])
        assert str(err.value).endswith(line), str(err.value)
