"""A watcher joins the embedded server mid-episode, the way a 1.19.2 client would: it is a
spectator (game mode 3), it sees the agents move and the blocks change, it cannot touch the
world, and its presence changes nothing in the result."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from env.minecraft.server import node_binary
from tasks.episode import EpisodeConfig, run_episode

SPECTATE = Path(__file__).resolve().parent / "js" / "spectate.js"
TASK = "construction/task_0"  # three blocks placed by three agents: moves and block changes


def outcome(result: dict[str, Any]) -> tuple:
    """What the watcher must not change: score, completion, and who did which subtask."""
    m = result["metrics"]
    return (m["score"], m["completion"], result["subtasks"]["done"],
            result["subtasks"]["failed"])


def test_a_watcher_joins_mid_episode_as_a_spectator_and_changes_nothing() -> None:
    cfg = EpisodeConfig(task=TASK, backend="minecraft", agents=3, prior_noise=0.0,
                        timeout_s=240)
    watcher: dict[str, subprocess.Popen[str]] = {}

    async def on_bus(url: str, episode: str, info: dict[str, Any]) -> None:
        port = info["minecraft"].rpartition(":")[2]
        watcher["proc"] = subprocess.Popen([str(node_binary()), str(SPECTATE), port, "watcher1",
                                            "25"], stdout=subprocess.PIPE, text=True)

    watched = run_episode(cfg, on_bus=on_bus)
    out, _ = watcher["proc"].communicate(timeout=120)
    seen = json.loads([x for x in out.splitlines() if x.startswith("{")][-1])
    assert seen["ok"], seen
    assert seen["gameMode"] == "spectator"
    assert len(seen["agentMoves"]) >= 1 and sum(seen["agentMoves"].values()) > 0
    # It joins while the episode runs (a Node start later): it sees the blocks placed after.
    assert seen["blockChanges"] >= 1
    assert seen["untouched"], seen
    assert watched["metrics"]["completion"] == 1.0
    plain = run_episode(cfg)
    assert outcome(watched) == outcome(plain)
