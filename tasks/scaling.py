"""How makespan scales with the number of agents (`bench --agents 1,2,4,8`).

speedup(N) = makespan with 1 agent / makespan with N agents, per (task, planner, seed) pair
that ran with both, then averaged over the pairs of a family; the ideal is N. `scaling`
summarizes a sweep's records per (family, planner, agents); `render_scaling_markdown` and
`plot_scaling` show them (makespan and speedup against agent count, one column per family,
with the ideal line).

    >>> recs = [{"key": f"k{n}", "status": "ok", "metrics": {"makespan_s": 12.0 / n ** 0.5},
    ...          "config": {"task": "cooking/a", "planner": "p", "agents": n, "seed": 0}}
    ...         for n in (1, 4)]
    >>> [(r["agents"], round(r["speedup"], 2)) for r in scaling(recs)]
    [(1, 1.0), (4, 2.0)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from tasks.stats import flatten, mean_ci


def agent_counts(records: Iterable[Mapping[str, Any]]) -> list[int]:
    """The agent counts of the ok records, sorted."""
    return sorted({int(r["agents"]) for r in map(flatten, records)
                   if r["status"] == "ok" and r.get("agents") is not None})


def scaling(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per (family, planner, agents): `n` episodes, mean makespan with its 95% interval
    (`makespan_s`, `_low`, `_high`), mean completion, and the mean speedup over the
    (task, seed) pairs that also ran with 1 agent (`speedup`, `_low`, `_high`, `pairs`;
    None without such pairs). Sorted by family, planner, agents."""
    rows = [r for r in map(flatten, records)
            if r["status"] == "ok" and r.get("makespan_s") is not None]
    base = {(r["family"], r["planner"], r["task"], r["seed"]): float(r["makespan_s"])
            for r in rows if r["agents"] == 1}
    groups: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((str(r["family"]), str(r["planner"]), int(r["agents"])), []).append(r)
    out: list[dict[str, Any]] = []
    for (family, planner, agents), group in sorted(groups.items()):
        m, lo, hi = mean_ci([float(r["makespan_s"]) for r in group])
        speed = [base[(family, planner, r["task"], r["seed"])] / float(r["makespan_s"])
                 for r in group if (family, planner, r["task"], r["seed"]) in base
                 and float(r["makespan_s"]) > 0]
        s, s_lo, s_hi = mean_ci(speed) if speed else (None, None, None)
        out.append({
            "family": family, "planner": planner, "agents": agents, "n": len(group),
            "makespan_s": m, "makespan_s_low": lo, "makespan_s_high": hi,
            "completion": sum(float(r.get("completion") or 0.0) for r in group) / len(group),
            "speedup": s, "speedup_low": s_lo, "speedup_high": s_hi, "pairs": len(speed),
        })
    return out


def render_scaling_markdown(rows: Sequence[Mapping[str, Any]]) -> str:
    """A markdown table of `scaling` rows (ideal speedup = agents)."""
    lines = ["| family | planner | agents | n | makespan s | speedup (ideal = agents) "
             "| completion |", "|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        half = (r["makespan_s_high"] - r["makespan_s_low"]) / 2.0
        speed = "-" if r["speedup"] is None else (
            f"{r['speedup']:.2f} ± {(r['speedup_high'] - r['speedup_low']) / 2.0:.2f}")
        lines.append(f"| {r['family']} | {r['planner']} | {r['agents']} | {r['n']} | "
                     f"{r['makespan_s']:.1f} ± {half:.1f} | {speed} | {r['completion']:.3f} |")
    return "\n".join(lines) + "\n"


def plot_scaling(rows: Sequence[Mapping[str, Any]], path: Path | str) -> None:
    """Makespan (top row) and speedup (bottom row, with the ideal line speedup = N) against
    agent count, one column per family, one line per planner with 95% CI bars. Written with
    the Agg canvas (no display needed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    families = sorted({str(r["family"]) for r in rows})
    planners = list(dict.fromkeys(str(r["planner"]) for r in rows))
    fig = Figure(figsize=(max(4.0, 3.6 * len(families)), 6.4), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, max(1, len(families)), squeeze=False)
    for col, family in enumerate(families):
        top, bottom = axes[0][col], axes[1][col]
        counts: set[int] = set()
        for i, planner in enumerate(planners):
            mine = [r for r in rows if r["family"] == family and r["planner"] == planner]
            if not mine:
                continue
            xs = [int(r["agents"]) for r in mine]
            counts.update(xs)
            ms = [float(r["makespan_s"]) for r in mine]
            top.errorbar(xs, ms, yerr=[[m - float(r["makespan_s_low"]) for m, r in
                                        zip(ms, mine, strict=True)],
                                       [float(r["makespan_s_high"]) - m for m, r in
                                        zip(ms, mine, strict=True)]],
                         marker="o", capsize=3, color=f"C{i % 10}", label=planner)
            sp = [r for r in mine if r["speedup"] is not None]
            if sp:
                bottom.errorbar([int(r["agents"]) for r in sp], [float(r["speedup"]) for r in sp],
                                yerr=[[float(r["speedup"]) - float(r["speedup_low"]) for r in sp],
                                      [float(r["speedup_high"]) - float(r["speedup"])
                                       for r in sp]],
                                marker="o", capsize=3, color=f"C{i % 10}", label=planner)
        ideal = sorted(counts)
        bottom.plot(ideal, ideal, linestyle="--", color="gray", label="ideal (N)")
        for ax in (top, bottom):
            ax.set_xscale("log", base=2)
            ax.set_xticks(ideal, [str(n) for n in ideal])
            ax.grid(alpha=0.3)
            ax.set_xlabel("agents")
        top.set_title(family)
        top.set_ylim(bottom=0)
        bottom.set_ylim(bottom=0)
        if col == 0:
            top.set_ylabel("makespan (s)")
            bottom.set_ylabel("speedup = makespan(1) / makespan(N)")
            bottom.legend(fontsize=7)
    fig.suptitle("Makespan and speedup against agent count (means, 95% CI)")
    fig.savefig(str(path), dpi=120)
