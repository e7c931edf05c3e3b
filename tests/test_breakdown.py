"""The time breakdown (tasks.breakdown): known traces, exact seconds per category."""

from __future__ import annotations

import pytest

from agents.messages import TraceEntry
from tasks.breakdown import (
    CATEGORIES,
    breakdown_metrics,
    render_breakdown_markdown,
    render_episode_breakdown,
    summarize_breakdowns,
    time_breakdown,
)


def T(agent: str, name: str, start: float, end: float, subtask: str | None = "s",
      attempt: int = 1, ok: bool = True) -> TraceEntry:
    return TraceEntry(agent=agent, name=name, args={}, start=start, end=end, ok=ok,
                      subtask=subtask, attempt=attempt)


TRACE = [
    # a: takes (work), walks, waits 1 s inside its attempt (a busy station), smelts, walks
    T("a", "take", 0, 1), T("a", "move_to", 1, 3), T("a", "smelt", 4, 14),
    T("a", "move_to", 14, 15),
    # b: idle until 2 (no ready work), a first attempt that fails (refused action, then the
    # whole attempt counts as redone), then a second attempt that counts; a wait action
    T("b", "take", 2, 3, subtask="t", attempt=1), T("b", "craft", 3, 3, subtask="t", attempt=1,
                                                   ok=False),
    T("b", "take", 5, 6, subtask="t", attempt=2), T("b", "wait", 6, 8, subtask="t", attempt=2),
    T("b", "craft", 8, 9, subtask="t", attempt=2),
]


def test_breakdown_by_hand() -> None:
    b = time_breakdown(TRACE, ["a", "b", "c"], planning_s=0.25)
    assert b["makespan_s"] == 15.0
    assert b["planning_s"] == 0.25
    assert b["agents"]["a"] == {"work_s": 11.0, "walk_s": 3.0, "wait_predecessor_s": 0.0,
                                "wait_station_s": 1.0, "refused_s": 0.0, "idle_s": 0.0}
    # b: 2 s before its first attempt, 1 s of the failed attempt (redone), 2 s before the
    # second attempt, 2 s of waiting, 2 s of work, 6 s idle at the end.
    assert b["agents"]["b"] == {"work_s": 2.0, "walk_s": 0.0, "wait_predecessor_s": 4.0,
                                "wait_station_s": 2.0, "refused_s": 1.0, "idle_s": 6.0}
    assert b["agents"]["c"]["idle_s"] == 15.0
    for cats in b["agents"].values():
        assert sum(cats.values()) == pytest.approx(15.0)
    assert b["total"]["work_s"] == 13.0
    assert b["total"]["idle_s"] == 21.0


def test_a_subtask_that_failed_for_good_counts_as_refused() -> None:
    b = time_breakdown([T("a", "take", 0, 1), T("a", "place", 1, 2)], ["a"], failed=["s"])
    assert b["agents"]["a"]["refused_s"] == 2.0
    assert b["agents"]["a"]["work_s"] == 0.0


def test_json_entries_and_empty_trace() -> None:
    b = time_breakdown([T("a", "take", 0, 1).model_dump(mode="json")], ["a"])
    assert b["agents"]["a"]["work_s"] == 1.0
    empty = time_breakdown([], ["a"])
    assert empty["makespan_s"] == 0.0 and empty["total"]["idle_s"] == 0.0


def test_metrics_summary_and_tables() -> None:
    b = time_breakdown(TRACE, ["a", "b"], planning_s=0.5)
    m = breakdown_metrics(b)
    assert m["time_work_s"] == 13.0
    assert set(m) == {f"time_{k}" for k, _ in CATEGORIES}
    rec = {"key": "cooking/x.full.a2.s0", "status": "ok",
           "config": {"task": "cooking/x", "planner": "full", "agents": 2, "seed": 0},
           "metrics": {"makespan_s": 15.0, "plan_s": 0.5, **m}}
    rows = summarize_breakdowns([rec, {**rec, "key": "k2"}, {**rec, "status": "error"}])
    assert len(rows) == 1 and rows[0]["n"] == 2
    assert rows[0]["work_s"] == 13.0
    assert rows[0]["work_s_share"] == pytest.approx(13.0 / 30.0)
    assert rows[0]["planning_s"] == 0.5
    table = render_breakdown_markdown(rows)
    assert table.splitlines()[0].startswith("| family | planner | n | makespan s | work |")
    assert "13.0 (43%)" in table
    text = render_episode_breakdown(b)
    assert text.splitlines()[1].split()[:2] == ["a", "11.0"]
