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
