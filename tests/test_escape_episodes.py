"""Whole escape episodes on the simulator: the offline brain, no prior noise."""

from __future__ import annotations

import pytest

from tasks.episode import run_episode


def _run(task: str, agents: int) -> dict:
    return run_episode({"task": task, "agents": agents, "prior_noise": 0, "planner": "full"})


@pytest.mark.parametrize("agents", [2, 3, 4])
def test_atom_8_plate_ledge_button_and_lever(agents: int) -> None:
    result = _run("escape/1-3", agents)
    assert result["metrics"]["completion"] == 1.0  # every trigger fired, come_in too
    assert result["subtasks"]["failed"] == {}
    assert sorted(result["subtasks"]["done"]) == ["trigger:room0:activate",
                                                  "trigger:room0:final"]
    # one player steps on the plate, is lifted to the ledge and presses the button from there
    done = [(a["agent"], a["name"], tuple(a["args"]["pos"])) for a in result["trace"]
            if a["ok"] and a["subtask"] == "trigger:room0:activate"]
    assert [(n, p) for _, n, p in done] == [("step_on", (0, -60, -4)),
                                            ("activate", (0, -56, -1))]
    assert done[0][0] == done[1][0]
