"""End to end: an episode with --watch and a replay, each opened in headless Chromium until
the plan shows a done node and the score has moved; a screenshot of each is saved."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.watch.conftest import browse, free_port, screens

TASK = "cooking/cake_20"  # 5 subtasks, a pruned edge, a score that rises in steps


def page_url(text: str) -> str:
    match = re.search(r"watch page\s+(http://127\.0\.0\.1:\d+/)", text)
    assert match, text
    return match.group(1)


def test_run_with_watch_shows_plan_and_score_in_chromium(chromium, command, tmp_path: Path):
    port = free_port()
    out = tmp_path / "r.json"
    run = command("run", TASK, "--agents", "3", "--watch", "--watch-port", str(port),
                  "--watch-linger", "120", "--out", str(out))
    url = page_url(run.wait_for("watch page"))
    assert url == f"http://127.0.0.1:{port}/"
    shot = screens(tmp_path) / "watch-run.png"
    seen = browse(url, shot, "--until-finished")
    assert seen["doneNodes"] == 5
    assert len(set(seen["scores"])) > 1
    run.wait_for("stays up")
    assert seen["scores"][-1] == json.loads(out.read_text())["metrics"]["score"]
    assert shot.stat().st_size > 10_000
    assert "episode     ep" in run.text()


def test_replay_with_watch_plays_the_trace_in_chromium(chromium, command, tmp_path: Path):
    from tasks.episode import run_episode

    result = run_episode({"task": TASK, "agents": 3})
    path = tmp_path / "r.json"
    path.write_text(json.dumps(result))
    rep = command("replay", str(path), "--watch", "--speed", "4", "--watch-linger", "120")
    url = page_url(rep.wait_for("watch page"))
    seen = browse(url, screens(tmp_path) / "watch-replay.png", "--until-finished")
    assert seen["doneNodes"] == 5
    assert seen["scores"][-1] == result["metrics"]["score"]
    assert len(set(seen["scores"])) > 1
    summary = rep.wait_for("replayed")
    assert f"score {result['metrics']['score']:.1f} (recorded {result['metrics']['score']})" \
        in summary
