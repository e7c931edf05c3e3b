"""The sweep report on the hand-made sweep in fixtures/sweeps/small: exact text."""

from __future__ import annotations

import argparse
import io
import json
import shutil
import struct
from pathlib import Path

import pytest

from tasks.report import add_report_arguments, report, report_main

SMALL = Path(__file__).parent / "fixtures" / "sweeps" / "small"
KILLED = Path(__file__).parent / "fixtures" / "sweeps" / "killed"

# Cells checked by hand: cooking/full completion 1, 1, 0.8, 1 -> 0.95 ± 3.182446 * 0.05;
# efficiency 2, 1.5, 1, 1.5 -> 1.5 ± 3.182446 * sqrt(0.5 / 3) / 2 = 0.650; villager - full
# completion per pair -0.2, 0, -0.2, -0.2 -> t = -3 on 3 df, p = 1/3 - sqrt(3) / (2 pi).
# The escape villager seed 1 episode errored; escape full seed 1 errored, then ran (the
# last line of a key counts). Efficiency over completed episodes: cooking/full completed
# three (2, 1.5, 1.5) -> 1.667 ± 4.302653 * sqrt(1/12 / 3) = 0.717; villager completed one
# (cake_0 s1, 1.0); the one pair where both completed (cake_0 s1) differs by 1.0 - 1.5.
# The expected text is in the fixture folder's report.md.
EXPECTED_MD = (SMALL / "report.md").read_text(encoding="utf-8")


def run(**kwargs: object) -> str:
    buf = io.StringIO()
    text = report(SMALL, out=buf, **kwargs)  # type: ignore[arg-type]
    assert buf.getvalue() == text
    return text


def test_markdown_report_exact() -> None:
    assert run() == EXPECTED_MD


def test_markdown_against_another_reference() -> None:
    text = run(reference="villager")
    assert "Paired differences against villager" in text
    assert "| cooking | full | completion | 4 | +0.150 | [-0.009, +0.309] | 0.058 | t | 1.19x |" \
        in text


def test_markdown_without_the_default_reference(tmp_path: Path) -> None:
    lines = (SMALL / "episodes.jsonl").read_text().splitlines()
    kept = [s for s in lines if '"planner": "villager"' in s]
    (tmp_path / "episodes.jsonl").write_text("\n".join(kept) + "\n")
    text = report(tmp_path, out=io.StringIO())
    assert text.endswith(
        "\nNo paired differences: no planner named 'full'; choose one with --reference.\n"
    )


def test_tables_follow_the_sweeps_planner_order(tmp_path: Path) -> None:
    shutil.copy(SMALL / "episodes.jsonl", tmp_path / "episodes.jsonl")
    (tmp_path / "config.json").write_text(json.dumps({"sweep": {"planners": ["villager",
                                                                            "full"]}}))
    rows = [line.split(" | ")[:2] for line in report(tmp_path, out=io.StringIO()).splitlines()
            if line.startswith(("| cooking", "| escape"))][:4]
    assert rows == [["| cooking", "villager"], ["| cooking", "full"], ["| escape", "villager"],
                    ["| escape", "full"]]


def test_csv_report() -> None:
    blocks = run(fmt="csv").split("\n\n")
    summary, comparison = (b.splitlines() for b in blocks)
    assert summary[0].split(",")[:7] == [
        "family", "planner", "n", "errors", "completion", "completion_low", "completion_high",
    ]
    assert summary[1].startswith("cooking,full,4,0,0.95,0.79087768")
    assert len(summary) == 5
    assert comparison[0] == "family,planner,reference,metric,n,diff,low,high,p,test,ratio"
    assert comparison[5] == "escape,villager,full,completion,1,-0.5,-0.5,-0.5,1.0,wilcoxon,0.5"


def test_json_report() -> None:
    data = json.loads(run(fmt="json"))
    assert (data["episodes"], data["ok"], data["errors"], data["reference"]) == (12, 11, 1,
                                                                               "full")
    assert [(r["family"], r["planner"], r["n"]) for r in data["summary"]] == [
        ("cooking", "full", 4), ("cooking", "villager", 4), ("escape", "full", 2),
        ("escape", "villager", 1),
    ]
    assert data["compare"][0]["p"] == pytest.approx(0.0576688856, abs=1e-9)


def test_plot_is_written(tmp_path: Path) -> None:
    png = tmp_path / "bench.png"
    run(plot=png)
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    # 2 families x 3 metrics: (3.2 * 2) x (2.6 * 3 + 0.6) inches at 120 dpi.
    assert struct.unpack(">II", head[16:24]) == (768, 1008)


def test_a_cut_last_line_is_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(KILLED / "episodes.jsonl", tmp_path / "episodes.jsonl")
    text = report(tmp_path, out=io.StringIO())
    assert text.startswith(f"## {tmp_path.name}: 3 episodes, 3 ok, 0 errors\n")
    assert capsys.readouterr().err == "report: 1 unreadable line(s) in episodes.jsonl skipped\n"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="causalcraft report")
    add_report_arguments(parser)
    return parser.parse_args(argv)


def test_report_main_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert report_main(parse([str(SMALL)])) == 0
    assert capsys.readouterr().out == EXPECTED_MD


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "xlsx"], "--format: 'xlsx' is not one of md, csv, json"),
        (["--plot", "out.jpg"], "--plot: out.jpg must end in .png, .svg, .pdf"),
        (["--reference", "no-ate"], "--reference: 'no-ate' has no ok episode; planners: "
                                    "full, villager"),
        (["--plot", "/nonexistent/dir/x.png"],
         "--plot: cannot write /nonexistent/dir/x.png: No such file or directory"),
    ],
)
def test_bad_report_flags(argv: list[str], message: str,
                          capsys: pytest.CaptureFixture[str]) -> None:
    assert report_main(parse([str(SMALL), *argv])) == 2
    assert capsys.readouterr().err == f"causalcraft report: error: {message}\n"


def test_bad_report_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert report_main(parse([str(tmp_path / "none")])) == 2
    assert capsys.readouterr().err == (
        f"causalcraft report: error: DIR: {tmp_path / 'none'} is not a folder\n")
    assert report_main(parse([str(tmp_path)])) == 2
    assert capsys.readouterr().err == f"causalcraft report: error: DIR: {tmp_path} holds no " \
                                      "episodes.jsonl\n"
    (tmp_path / "episodes.jsonl").write_text("")
    assert report_main(parse([str(tmp_path)])) == 2
    assert capsys.readouterr().err == (
        f"causalcraft report: error: DIR: {tmp_path / 'episodes.jsonl'} holds no episode\n"
    )


def test_prior_noise_sweep_gets_a_table_and_a_figure(tmp_path: Path) -> None:
    # the small sweep's episodes, seed 0 at prior noise 0 and seed 1 at 0.5
    lines = []
    for line in (SMALL / "episodes.jsonl").read_text().splitlines():
        rec = json.loads(line)
        rec["config"]["prior_noise"] = 0.0 if rec["config"]["seed"] == 0 else 0.5
        lines.append(json.dumps(rec))
    (tmp_path / "episodes.jsonl").write_text("\n".join(lines) + "\n")
    plot = tmp_path / "plot.png"
    text = report(tmp_path, out=io.StringIO(), plot=plot)
    assert "By prior noise:" in text
    # cooking/full at noise 0: cake_0 s0 and cake_1 s0, completion 1 and 0.8
    assert "| cooking | full | 0 | 2 | 0.900 ± 1.271 |" in text
    assert plot.exists() and (tmp_path / "plot-noise.png").exists()
