"""Where an episode's time goes: a per-agent breakdown of the makespan, from the trace.

Every agent's timeline runs from 0 to the makespan (the end of the last action of any
agent); each second of it falls in exactly one category, so an agent's categories sum to
the makespan:

- `work`: actions that did something (take, put, craft, smelt, dig, place, kill, milk,
  activate, step_on, ...) in an attempt that counted;
- `walk`: `move_to` actions that succeeded, in an attempt that counted;
- `wait_predecessor`: idle time before the agent's first action of a subtask attempt (no
  ready work was left for it, or its subtask waited for a predecessor's output);
- `wait_station`: waiting inside an attempt: `wait` and `rendezvous` actions (a partner, a
  block someone stands on, a busy furnace) and gaps between two actions of one attempt (on
  a real server these gaps also hold the bus's and the bridge's latency);
- `refused`: actions the Judger refused or the game failed, and every action of an attempt
  that did not count (an earlier attempt of a subtask that was retried, or the last attempt
  of a subtask that failed for good): work a better schedule would not have done;
- `idle`: after the agent's last action, until the episode ended (nothing left for it).

`planning_s` (wall-clock seconds the Planner spent before the first assignment:
decomposition, prior, refinement) is reported beside the breakdown, not inside it: in the
simulator it takes no virtual time.

    >>> from agents.messages import TraceEntry as T
    >>> trace = [T(agent="a", name="take", args={}, start=0, end=1, ok=True, subtask="s"),
    ...          T(agent="a", name="move_to", args={}, start=1, end=3, ok=True, subtask="s"),
    ...          T(agent="b", name="craft", args={}, start=3, end=4, ok=True, subtask="t")]
    >>> b = time_breakdown(trace, ["a", "b"])
    >>> a, b_ = b["agents"]["a"], b["agents"]["b"]
    >>> a["walk_s"], b_["wait_predecessor_s"], a["idle_s"]
    (2.0, 3.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from agents.messages import TraceEntry

#: The categories, in display order: (key in a breakdown, label).
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("work_s", "work"),
    ("walk_s", "walking"),
    ("wait_predecessor_s", "waiting for a predecessor"),
    ("wait_station_s", "waiting for a station or partner"),
    ("refused_s", "refused or redone"),
    ("idle_s", "idle at the end"),
)
#: Column heads of the per-episode text table, in CATEGORIES order.
SHORT_LABELS = ("work", "walking", "wait pred.", "wait station", "refused", "idle at end")
WALK_ACTIONS = frozenset({"move_to"})
WAIT_ACTIONS = frozenset({"wait", "rendezvous"})
#: Prefix of the metrics keys that carry the breakdown's totals (`time_work_s`, ...).
METRIC_PREFIX = "time_"


def _entry(t: TraceEntry | Mapping[str, Any]) -> TraceEntry:
    return t if isinstance(t, TraceEntry) else TraceEntry.model_validate(t)


def counted_attempts(trace: Sequence[TraceEntry],
                     failed: Iterable[str] = ()) -> dict[str, int]:
    """Per subtask, the attempt whose work counts: its last one, unless the subtask is in
    `failed` (then none counts: it is left out)."""
    last: dict[str, int] = {}
    for t in trace:
        if t.subtask is not None:
            last[t.subtask] = max(last.get(t.subtask, 0), t.attempt)
    for sid in failed:
        last.pop(sid, None)
    return last


def time_breakdown(trace: Iterable[TraceEntry | Mapping[str, Any]], agents: Sequence[str],
                   failed: Iterable[str] = (), planning_s: float = 0.0) -> dict[str, Any]:
    """The breakdown of one episode (module docstring).

    In: the Judger's trace (entries or their JSON dicts), the agent ids, the subtasks that
    failed for good, and the planning wall time. Out: `{"makespan_s", "planning_s",
    "agents": {agent: {category: seconds}}, "total": {category: seconds summed over agents}}`,
    seconds rounded to 4 decimals. Actions without a subtask count as work or walking.
    """
    entries = sorted((_entry(t) for t in trace), key=lambda t: (t.agent, t.start, t.end))
    makespan = max((t.end for t in entries), default=0.0)
    counted = counted_attempts(entries, failed)
    keys = [k for k, _ in CATEGORIES]
    per: dict[str, dict[str, float]] = {a: dict.fromkeys(keys, 0.0) for a in agents}
    clock: dict[str, float] = dict.fromkeys(agents, 0.0)
    seen: set[tuple[str, str | None, int]] = set()
    for t in entries:
        cats = per.setdefault(t.agent, dict.fromkeys(keys, 0.0))
        before = clock.get(t.agent, 0.0)
        gap = max(0.0, t.start - before)
        attempt = (t.agent, t.subtask, t.attempt)
        if gap:
            first = attempt not in seen or t.subtask is None
            cats["wait_predecessor_s" if first else "wait_station_s"] += gap
        seen.add(attempt)
        span = max(0.0, t.end - max(t.start, before))
        wasted = t.subtask is not None and counted.get(t.subtask) != t.attempt
        if not t.ok or wasted:
            cats["refused_s"] += span
        elif t.name in WAIT_ACTIONS:
            cats["wait_station_s"] += span
        elif t.name in WALK_ACTIONS:
            cats["walk_s"] += span
        else:
            cats["work_s"] += span
        clock[t.agent] = max(before, t.end)
    for agent, cats in per.items():
        cats["idle_s"] += max(0.0, makespan - clock.get(agent, 0.0))
    total = {k: round(sum(c[k] for c in per.values()), 4) for k, _ in CATEGORIES}
    return {
        "makespan_s": round(makespan, 4),
        "planning_s": round(planning_s, 4),
        "agents": {a: {k: round(v, 4) for k, v in c.items()} for a, c in sorted(per.items())},
        "total": total,
    }


def breakdown_metrics(breakdown: Mapping[str, Any]) -> dict[str, float]:
    """The breakdown's totals as flat metrics (`time_work_s`, ...): the agent-seconds of
    each category summed over agents, for the sweep's records. (Planning wall time is the
    metrics' `plan_s`; it alone varies between runs of one seed.)"""
    return {f"{METRIC_PREFIX}{k}": float(v) for k, v in breakdown["total"].items()}


def summarize_breakdowns(records: Iterable[Mapping[str, Any]],
                         by: Sequence[str] = ("family", "planner")) -> list[dict[str, Any]]:
    """Per group of sweep records (ok ones with breakdown metrics): `n`, the mean makespan,
    and for each category its mean agent-seconds and its share of all agent-seconds
    (`<key>` and `<key>_share`), plus the mean planning seconds. Groups sorted by key."""
    from tasks.stats import flatten

    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for rec in records:
        row = flatten(rec)
        if row["status"] != "ok" or f"{METRIC_PREFIX}work_s" not in row:
            continue
        groups.setdefault(tuple(row.get(k) for k in by), []).append(row)
    out: list[dict[str, Any]] = []
    for key in sorted(groups, key=lambda k: tuple(str(v) for v in k)):
        rows = groups[key]
        n = len(rows)
        entry: dict[str, Any] = dict(zip(by, key, strict=True))
        entry["n"] = n
        entry["makespan_s"] = sum(float(r.get("makespan_s", 0.0)) for r in rows) / n
        sums = {k: sum(float(r.get(f"{METRIC_PREFIX}{k}", 0.0)) for r in rows)
                for k, _ in CATEGORIES}
        all_s = sum(sums.values())
        for k, _ in CATEGORIES:
            entry[k] = sums[k] / n
            entry[f"{k}_share"] = sums[k] / all_s if all_s > 0 else 0.0
        entry["planning_s"] = sum(float(r.get("plan_s") or 0.0) for r in rows) / n
        out.append(entry)
    return out


def render_breakdown_markdown(rows: Sequence[Mapping[str, Any]]) -> str:
    """A markdown table of `summarize_breakdowns` rows: per group the mean makespan, then
    each category as mean agent-seconds and its share (%) of all agent-seconds."""
    if not rows:
        return ""
    keys = [k for k in rows[0] if k not in ("n", "makespan_s", "planning_s")
            and not k.endswith("_share") and k not in dict(CATEGORIES)]
    header = [*keys, "n", "makespan s", *(label for _, label in CATEGORIES), "planning s"]
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(["---"] * len(keys) + ["---:"] * (len(header) - len(keys))) + "|"]
    for r in rows:
        cells = [str(r[k]) for k in keys] + [str(r["n"]), f"{r['makespan_s']:.1f}"]
        cells += [f"{r[k]:.1f} ({100 * r[f'{k}_share']:.0f}%)" for k, _ in CATEGORIES]
        cells.append(f"{r['planning_s']:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render_episode_breakdown(breakdown: Mapping[str, Any],
                             planning_s: float | None = None) -> str:
    """A plain-text table of one episode's breakdown: one row per agent and the total.
    `planning_s`: the planning wall time to show (default: the breakdown's own, if any; a
    result file keeps it in its `run` block, since it alone varies between runs)."""
    if planning_s is None:
        planning_s = breakdown.get("planning_s")
    width = max(len(a) for a in [*breakdown["agents"], "total"])
    head = f"{'':{width}}  " + "  ".join(f"{lab:>12}" for lab in SHORT_LABELS)
    rows = [head]
    for name, cats in [*breakdown["agents"].items(), ("total", breakdown["total"])]:
        rows.append(f"{name:{width}}  " + "  ".join(f"{cats[k]:12.1f}" for k, _ in CATEGORIES))
    planning = f"; planning {planning_s:.2f} s wall time" if planning_s is not None else ""
    rows.append(f"(seconds; each agent's row sums to the makespan "
                f"{breakdown['makespan_s']:.1f} s{planning})")
    return "\n".join(rows)
