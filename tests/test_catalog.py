"""The task catalog: ids, loading by id, shell-style selection, source folders, errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from env.goals import ConstructionGoal, EscapeGoal
from tasks.catalog import PACKAGED, TaskError, data_file, glob_tasks, load_task, task_ids


def test_task_ids() -> None:
    ids = task_ids()
    assert len(ids) == 50 + 50 + 16 + 16
    assert ids[:3] == ["cooking/cake_0", "cooking/cake_2", "cooking/cake_4"]
    assert ids[18] == "cooking/rabbit_stew_0"
    assert ids[50:52] == ["construction/task_0", "construction/task_2"]
    assert ids[99] == "construction/task_98"
    pairs = [(r, s) for r in (1, 2, 3, 4) for s in (0, 1, 2, 3)]
    assert ids[100:] == [f"escape/vb-{r}-{s}" for r, s in pairs] + \
        [f"escape/{r}-{s}" for r, s in pairs]


def test_packaged_data_is_the_published_files_unchanged() -> None:
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
               for p in sorted(PACKAGED.glob("*.json"))}
    assert digests == {
        "blueprint_description_all.json":
            "80bc386cc67063f447f656c29d891bcfacf46e67e40e622f25630f0b299d60e7",
        "escape_atom.json": "804ad4a507856f7288063faa191cc0b82dc52052d5085cd48a42804135908e09",
        "farm_blue_print.json":
            "3e3b1d5c5ca3159fe7897e90b920d0c311117c87e399943569ebf2c46d3d84d5",
        "farm_setting.json": "55a282dbe2c0ce38f83908f0ac396cfd773a3c581db526109dac48be93c7b952",
    }


def test_load_task_by_family() -> None:
    assert load_task("cooking/cake_0").goal.target == "cake"  # type: ignore[union-attr]
    goal = load_task("construction/task_0").goal
    assert isinstance(goal, ConstructionGoal) and len(goal.blueprint) == 3
    spec = load_task("escape/2-3", agents=3)
    assert isinstance(spec.goal, EscapeGoal) and len(spec.goal.rooms) == 2
    # any seed loads, beyond the listed ones
    assert load_task("escape/1-17").id == "escape/1-17"


@pytest.mark.parametrize(("task_id", "message"), [
    ("cooking/cake0", "unknown task id 'cooking/cake0'; did you mean 'cooking/cake_0'?"),
    ("construction/tsk_98", "unknown task id 'construction/tsk_98'; did you mean "
                            "'construction/task_98'?"),
    ("baking/cake_0", "unknown task id 'baking/cake_0'; did you mean 'cooking/cake_0'?"),
    ("cooking", "unknown task id 'cooking'"),
    ("escape/9-1", "bad escape id 'escape/9-1': rooms must be 1 to 4, got 9"),
    ("escape/2", "bad escape id 'escape/2': expected escape/<rooms>-<seed>"),
])
def test_bad_ids(task_id: str, message: str) -> None:
    with pytest.raises(TaskError) as err:
        load_task(task_id)
    assert str(err.value) == message or str(err.value).startswith(message)
    assert isinstance(err.value, ValueError)


def test_glob_tasks() -> None:
    assert glob_tasks("cooking/cake_*") == [f"cooking/cake_{i}" for i in range(0, 36, 2)]
    assert glob_tasks(["escape/?-3", "construction/task_9?", "escape/4-3"]) == [
        "escape/1-3", "escape/2-3", "escape/3-3", "escape/4-3", "construction/task_90",
        "construction/task_92", "construction/task_94", "construction/task_96",
        "construction/task_98"]
    assert glob_tasks("escape/3-42") == ["escape/3-42"]
    assert glob_tasks("escape/vb-*-3") == [f"escape/vb-{r}-3" for r in range(1, 5)]
    assert len(glob_tasks("*")) == 132
    with pytest.raises(TaskError, match="no task matches 'cooking/pie_\\*'"):
        glob_tasks("cooking/pie_*")
    with pytest.raises(TaskError, match="did you mean 'construction/task_2'"):
        glob_tasks("construction/task_2x")


def test_source_folder_with_fallback(tmp_path: Path) -> None:
    (tmp_path / "blueprint_description_all.json").write_text(json.dumps({
        "task_1": ["[material:stone facing:A positions:[start:[0 -60 0] end:[1 -60 1]]]"]}))
    assert data_file("blueprint_description_all.json", tmp_path) == \
        tmp_path / "blueprint_description_all.json"
    assert data_file("farm_setting.json", tmp_path) == PACKAGED / "farm_setting.json"
    ids = task_ids(tmp_path)
    assert "construction/task_1" in ids and "construction/task_0" not in ids
    assert "cooking/cake_0" in ids
    goal = load_task("construction/task_1", tmp_path).goal
    assert isinstance(goal, ConstructionGoal)
    assert [b.pos for b in goal.blueprint] == [(0, -60, 0), (0, -60, 1), (1, -60, 0),
                                               (1, -60, 1)]
    assert load_task("cooking/cake_0", tmp_path).id == "cooking/cake_0"


def test_malformed_files_name_file_and_task(tmp_path: Path) -> None:
    (tmp_path / "escape_atom.json").write_text('[{"init": [}]')
    with pytest.raises(TaskError, match=r"escape_atom.json: not valid JSON at line 1 column 12"):
        load_task("escape/1-0", tmp_path)
    bp = tmp_path / "blueprint_description_all.json"
    bp.write_text(json.dumps({"task_7": ["material: stone facing: A position: [0, -60, 0]",
                                         "material: stone facing: A position: [0, -60]"]}))
    with pytest.raises(TaskError) as err:
        load_task("construction/task_7", tmp_path, strict=True)
    assert str(err.value) == (
        f"{bp}, task 'task_7', line 2: position must be [x y z], got [0 -60] in "
        "'material: stone facing: A position: [0, -60]'")
    # without strict the line is skipped, and the spec says so
    assert load_task("construction/task_7", tmp_path).import_warnings == [
        "line 2: skipped: position must be [x y z], got [0 -60] in "
        "'material: stone facing: A position: [0, -60]'"]
    (tmp_path / "farm_setting.json").write_text(json.dumps([{"name": "soup_0"}]))
    with pytest.raises(TaskError, match=r"farm_setting.json, task 'soup_0': missing field "
                                        r"'target'"):
        load_task("cooking/soup_0", tmp_path)


def test_source_must_be_a_folder(tmp_path: Path) -> None:
    not_dir = tmp_path / "file.json"
    not_dir.write_text("{}")
    with pytest.raises(TaskError, match="is not a folder"):
        load_task("cooking/cake_0", not_dir)
