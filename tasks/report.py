"""Reports of a benchmark sweep: a table per family and planner, paired differences
against a reference planner, and a figure.

`render_*` are pure functions of the summaries from `tasks.stats`; `report` reads a sweep
folder (see `tasks.bench`), prints, and writes the plot.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from tasks.bench import CONFIG, EPISODES, latest_by_key, read_records
from tasks.judge_report import judge_rows, render_judge_table
from tasks.stats import (
    COMPARE_METRICS,
    SUMMARY_METRICS,
    VB_COMMON,
    VB_METRICS,
    compare,
    summarize,
)

FORMATS = ("md", "csv", "json")
PLOT_SUFFIXES = (".png", ".svg", ".pdf")
DEFAULT_REFERENCE = "full"

#: Decimals shown per metric in the markdown table.
_DECIMALS = {
    "completion": 3,
    "efficiency": 3,
    "efficiency_completed": 3,
    "balance": 3,
    "vb_score": 1,
    "vb_action_time": 1,
    "vb_max_action_time": 1,
    "lb_ratio": 3,
    "failed_actions": 2,
    "llm_calls": 2,
    "tokens": 0,
}
_LABELS = dict(SUMMARY_METRICS)
#: The range each metric's true mean lies in; the figure clips error bars to it (a t
#: interval of a bounded metric can reach past its bounds).
METRIC_RANGES: dict[str, tuple[float, float | None]] = {
    "completion": (0.0, 1.0),
    "balance": (0.0, 1.0),
    "lb_ratio": (0.0, None),  # <= 1 by definition, but shown as measured
    "efficiency": (0.0, None),
    "efficiency_completed": (0.0, None),
    "failed_actions": (0.0, None),
    "llm_calls": (0.0, None),
    "tokens": (0.0, None),
}
#: Metrics drawn in the figure, one row of panels each.
PLOT_METRICS: tuple[str, ...] = ("completion", "efficiency", "lb_ratio")


class ReportError(Exception):
    """A report that cannot be made; the message is one line for the user."""


def load_records(directory: Path | str) -> tuple[list[dict[str, Any]], int]:
    """The last record of each key in a sweep folder, and how many lines were unreadable."""
    folder = Path(directory)
    if not folder.is_dir():
        raise ReportError(f"DIR: {folder} is not a folder")
    path = folder / EPISODES
    if not path.exists():
        raise ReportError(f"DIR: {folder} holds no {EPISODES}")
    records, corrupt = read_records(path)
    if not records:
        raise ReportError(f"DIR: {path} holds no episode")
    return list(latest_by_key(records).values()), len(corrupt)


def planner_order(directory: Path | str, planners: Sequence[str]) -> dict[str, int]:
    """Rank of each planner in tables and plots: the sweep's `--planners` order (from its
    config.json) when known, then the others by name."""
    listed: list[str] = []
    try:
        meta = json.loads((Path(directory) / CONFIG).read_text(encoding="utf-8"))
        listed = [str(p) for p in meta.get("sweep", {}).get("planners", [])]
    except (OSError, ValueError, AttributeError):
        pass
    names = [p for p in listed if p in planners] + sorted(p for p in planners if p not in listed)
    return {p: i for i, p in enumerate(names)}


def _cell(row: Mapping[str, Any], name: str) -> str:
    mean = row.get(name)
    if mean is None:
        return "-"
    k = _DECIMALS.get(name, 3)
    half = (row[f"{name}_high"] - row[f"{name}_low"]) / 2.0
    return f"{mean:.{k}f} ± {half:.{k}f}"


def _p(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _md_table(header: Sequence[str], align: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def render_markdown(
    summary: Sequence[Mapping[str, Any]],
    comparison: Sequence[Mapping[str, Any]],
    reference: str | None,
    title: str,
) -> str:
    """The report as markdown: a title line, the summary table, the paired differences."""
    header = ["family", "planner", "n", "errors", *(label for _, label in SUMMARY_METRICS)]
    align = ["l", "l", "r", "r", *("r" for _ in SUMMARY_METRICS)]
    body = [
        [str(r["family"]), str(r["planner"]), str(r["n"]), str(r["errors"]),
         *(_cell(r, name) for name, _ in SUMMARY_METRICS)]
        for r in summary
    ]
    parts = [
        title,
        "",
        "Means ± half-width of the 95% confidence interval (Student's t); "
        "LB ratio = lower bound / makespan.",
        "",
        _md_table(header, align, body),
        "",
    ]
    if reference is None:
        parts.append(f"No paired differences: no planner named {DEFAULT_REFERENCE!r}; "
                     "choose one with --reference.")
    elif not comparison:
        parts.append(f"No paired differences: no episode pairs with {reference!r}.")
    else:
        parts += [
            f"Paired differences against {reference} (same task, agents and seed; "
            f"planner - {reference}; ratio = planner mean / {reference} mean):",
            "",
            _md_table(
                ["family", "planner", "metric", "pairs", "difference", "95% CI", "p", "test",
                 "ratio"],
                ["l", "l", "l", "r", "r", "r", "r", "l", "r"],
                [
                    [str(c["family"]), str(c["planner"]), _LABELS.get(c["metric"], c["metric"]),
                     str(c["n"]), f"{c['diff']:+.3f}", f"[{c['low']:+.3f}, {c['high']:+.3f}]",
                     _p(c["p"]), c["test"],
                     "-" if c["ratio"] is None else f"{c['ratio']:.2f}x"]
                    for c in comparison
                ],
            ),
        ]
    return "\n".join(parts) + "\n"


def _csv(rows: Sequence[Mapping[str, Any]]) -> str:
    if not rows:
        return ""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def render_csv(summary: Sequence[Mapping[str, Any]],
               comparison: Sequence[Mapping[str, Any]]) -> str:
    """Two CSV blocks, each with its header: the summary, a blank line, the comparison."""
    text = _csv(summary)
    if comparison:
        text += "\n" + _csv(comparison)
    return text


NOISE_METRICS: tuple[tuple[str, str], ...] = (
    ("completion", "completion"), ("efficiency", "efficiency"),
    ("efficiency_completed", "efficiency (completed)"),
    ("vb_efficiency", "VillagerBench efficiency"))


def noise_values(records: Sequence[Mapping[str, Any]]) -> list[float]:
    """The distinct prior-noise values of the ok episodes, sorted."""
    return sorted({float(n) for r in records if r.get("status") == "ok"
                   for n in [(r.get("config") or {}).get("prior_noise")] if n is not None})


def villagerbench_tables(records: Sequence[Mapping[str, Any]],
                         order: Mapping[str, int]) -> str:
    """One markdown table per family in VillagerBench's own numbers (the results'
    `villagerbench` blocks): the family's score, the share of episodes their judge ended as
    complete, efficiency over all and over completed episodes, balance and action time."""
    parts = ["VillagerBench's own metrics (what its judges would write; efficiency over "
             "completed episodes counts only those their judge ended as complete):", ""]
    for family, own in VB_METRICS.items():
        mine = [r for r in records if str((r.get("config") or {}).get("task", "")
                                          ).startswith(family + "/")]
        if not mine:
            continue
        metrics = (*own, *VB_COMMON)
        summary = sorted(summarize(mine, metrics=metrics),
                         key=lambda r: order.get(str(r["planner"]), 0))
        header = ["family", "planner", "n", *(label for _, label in metrics)]
        rows = [[family, str(r["planner"]), str(r["n"]),
                 *(_cell(r, name) + (f" (n={r[name + '_n']})"
                                     if name == "vb_efficiency_completed" and r.get(name)
                                     is not None else "") for name, _ in metrics)]
                for r in summary]
        parts += [_md_table(header, ["l", "l", "r", *("r" for _ in metrics)], rows), ""]
    return "\n".join(parts)


def noise_table(records: Sequence[Mapping[str, Any]], order: Mapping[str, int]) -> str:
    """Means per family, planner and prior noise (a sweep with `--prior-noise`)."""
    summary = sorted(summarize(records, by=("family", "planner", "prior_noise"),
                               metrics=NOISE_METRICS),
                     key=lambda r: (str(r["family"]), order.get(str(r["planner"]), 0),
                                    float(r["prior_noise"] or 0.0)))
    header = ["family", "planner", "prior noise", "n", *(label for _, label in NOISE_METRICS)]
    rows = [[str(r["family"]), str(r["planner"]), f"{float(r['prior_noise'] or 0):g}",
             str(r["n"]), *(_cell(r, name) for name, _ in NOISE_METRICS)] for r in summary]
    return "By prior noise:\n\n" + _md_table(
        header, ["l", "l", "r", "r", *("r" for _ in NOISE_METRICS)], rows) + "\n"


def plot_noise(records: Sequence[Mapping[str, Any]], path: Path | str,
               metrics: Sequence[str] = ("completion", "efficiency")) -> None:
    """Completion and efficiency against the prior noise, one line per planner with 95% CI
    bands: one column of panels per family, one row per metric."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    summary = summarize(records, by=("family", "planner", "prior_noise"),
                        metrics=NOISE_METRICS)
    summary = [r for r in summary if r["prior_noise"] is not None]
    families = sorted({str(r["family"]) for r in summary})
    planners = list(dict.fromkeys(str(r["planner"]) for r in summary))
    fig = Figure(figsize=(max(4.0, 3.4 * len(families)), 2.6 * len(metrics) + 0.6),
                 layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(metrics), max(1, len(families)), squeeze=False)
    for col, family in enumerate(families):
        for row_i, metric in enumerate(metrics):
            ax = axes[row_i][col]
            for i, planner in enumerate(planners):
                pts = sorted((float(r["prior_noise"]), r[metric], r[f"{metric}_low"],
                              r[f"{metric}_high"]) for r in summary
                             if r["family"] == family and r["planner"] == planner
                             and r.get(metric) is not None)
                if not pts:
                    continue
                xs = [p[0] for p in pts]
                floor, ceil = METRIC_RANGES.get(metric, (None, None))
                lows = [max(floor, p[2]) if floor is not None else p[2] for p in pts]
                highs = [min(ceil, p[3]) if ceil is not None else p[3] for p in pts]
                ax.plot(xs, [p[1] for p in pts], marker="o", color=f"C{i % 10}",
                        label=planner)
                ax.fill_between(xs, lows, highs, color=f"C{i % 10}", alpha=0.15)
            ax.grid(alpha=0.3)
            if row_i == len(metrics) - 1:
                ax.set_xlabel("prior noise")
            if row_i == 0:
                ax.set_title(family)
            if col == 0:
                ax.set_ylabel(_LABELS.get(metric, metric))
    if planners:
        axes[0][0].legend(fontsize=7)
    fig.suptitle("How each planner degrades as the prior gets worse (95% CI)")
    fig.savefig(str(path), dpi=120)


def noise_plot_path(plot: Path | str) -> Path:
    """`runs/b/plot.png` -> `runs/b/plot-noise.png`."""
    p = Path(plot)
    return p.with_name(f"{p.stem}-noise{p.suffix}")


def plot_summary(summary: Sequence[Mapping[str, Any]], path: Path | str,
                 metrics: Sequence[str] = PLOT_METRICS) -> None:
    """Bars of each metric's mean per planner with 95% CI error bars: one column of panels
    per family, one row per metric. Written with the Agg canvas (no display needed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    families = sorted({str(r["family"]) for r in summary})
    planners = list(dict.fromkeys(str(r["planner"]) for r in summary))
    colors = {p: f"C{i % 10}" for i, p in enumerate(planners)}
    fig = Figure(figsize=(max(4.0, 3.2 * len(families)), 2.6 * len(metrics) + 0.6),
                 layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(metrics), len(families), squeeze=False)
    for col, family in enumerate(families):
        rows = {str(r["planner"]): r for r in summary if str(r["family"]) == family}
        for row_i, metric in enumerate(metrics):
            ax = axes[row_i][col]
            names = [p for p in planners if p in rows and rows[p].get(metric) is not None]
            means = [rows[p][metric] for p in names]
            floor, ceil = METRIC_RANGES.get(metric, (None, None))
            lows = [rows[p][f"{metric}_low"] for p in names]
            highs = [rows[p][f"{metric}_high"] for p in names]
            if floor is not None:
                lows = [max(floor, v) for v in lows]
            if ceil is not None:
                highs = [min(ceil, v) for v in highs]
            err = [[max(0.0, m - lo) for m, lo in zip(means, lows, strict=True)],
                   [max(0.0, hi - m) for m, hi in zip(means, highs, strict=True)]]
            ax.bar(range(len(names)), means, yerr=err, capsize=4,
                          color=[colors[p] for p in names], edgecolor="black", linewidth=0.5)
            # Values at the foot of each bar, clear of the error bars.
            for x, m in enumerate(means):
                ax.text(x, 0.03, f"{m:.2f}", transform=ax.get_xaxis_transform(),
                        ha="center", va="bottom", fontsize=7, color="white")
            # Slanted, so that long planner names do not run into each other.
            ax.set_xticks(range(len(names)), [f"{p} (n={rows[p]['n']})" for p in names],
                          fontsize=8, rotation=35, ha="right", rotation_mode="anchor")
            ax.grid(axis="y", alpha=0.3)
            ax.set_axisbelow(True)
            if ceil is not None:
                ax.set_ylim(floor or 0.0, ceil * 1.08)
            elif floor is not None:
                ax.set_ylim(bottom=floor)
            if row_i == 0:
                ax.set_title(family)
            if col == 0:
                ax.set_ylabel(_LABELS.get(metric, metric))
    fig.suptitle("Mean per planner and family, with 95% confidence intervals")
    fig.savefig(str(path), dpi=120)


def report(
    directory: Path | str,
    fmt: str = "md",
    plot: Path | str | None = None,
    reference: str | None = None,
    out: TextIO | None = None,
    scaling_plot: Path | str | None = None,
) -> str:
    """Read a sweep folder, write its report to `out` (stdout by default) in `fmt`, and
    the figure to `plot` if given; returns the text written.

    `reference` defaults to `full` when that planner ran; otherwise no paired differences.
    """
    if fmt not in FORMATS:
        raise ReportError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    if plot is not None and Path(plot).suffix.lower() not in PLOT_SUFFIXES:
        raise ReportError(f"--plot: {plot} must end in {', '.join(PLOT_SUFFIXES)}")
    records, corrupt = load_records(directory)
    planners = sorted({str((r.get("config") or {}).get("planner")) for r in records
                       if r.get("status") == "ok"})
    if reference is not None and reference not in planners:
        raise ReportError(f"--reference: {reference!r} has no ok episode; planners: "
                          f"{', '.join(planners) or 'none'}")
    ref = reference if reference is not None else (
        DEFAULT_REFERENCE if DEFAULT_REFERENCE in planners else None)
    order = planner_order(directory, planners)
    summary = sorted(summarize(records),
                     key=lambda r: (str(r["family"]), order.get(str(r["planner"]), 0)))
    comparison = compare(records, ref, metrics=COMPARE_METRICS) if ref else []
    comparison.sort(key=lambda r: (str(r["family"]), order.get(str(r["planner"]), 0)))
    ok = sum(1 for r in records if r.get("status") == "ok")
    if corrupt:
        print(f"report: {corrupt} unreadable line(s) in {EPISODES} skipped", file=sys.stderr)
    if fmt == "md":
        errors = len(records) - ok
        title = (f"## {Path(directory).name}: {len(records)} episodes, {ok} ok, "
                 f"{errors} {'error' if errors == 1 else 'errors'}")
        text = render_markdown(summary, comparison, ref, title)
        if any(r.get("villagerbench") for r in records):
            text += "\n" + villagerbench_tables(records, order)
        if len(noise_values(records)) > 1:
            text += "\n" + noise_table(records, order)
        text += render_judge_table(judge_rows(records))
        text += _extra_markdown(records, ref, order)
    elif fmt == "csv":
        text = render_csv(summary, comparison)
    else:
        text = json.dumps({"episodes": len(records), "ok": ok, "errors": len(records) - ok,
                           "reference": ref, "summary": summary, "compare": comparison,
                           "judge": judge_rows(records)},
                          indent=2) + "\n"
    if plot is not None:
        try:
            plot_summary(summary, plot)
            if len(noise_values(records)) > 1:
                plot_noise(records, noise_plot_path(plot))
        except OSError as exc:
            raise ReportError(f"--plot: cannot write {plot}: {exc.strerror or exc}") from None
    if scaling_plot is not None:
        _plot_scaling(records, scaling_plot)
    (out or sys.stdout).write(text)
    return text


def _extra_markdown(records: Sequence[Mapping[str, Any]], ref: str | None,
                    order: Mapping[str, int]) -> str:
    """For sweeps whose results carry a time breakdown: where the time goes
    (tasks.breakdown) and makespan paired against `ref`; for a sweep over several agent
    counts, how makespan scales (tasks.scaling)."""
    from tasks.breakdown import render_breakdown_markdown, summarize_breakdowns
    from tasks.scaling import agent_counts, render_scaling_markdown, scaling

    parts: list[str] = []
    by = ("family", "planner", "agents") if len(agent_counts(records)) > 1 else \
        ("family", "planner")
    rows = sorted(summarize_breakdowns(records, by=by),
                  key=lambda r: (str(r["family"]), order.get(str(r["planner"]), 0),
                                 int(r.get("agents") or 0)))
    if rows:
        parts += ["", "Where the time goes: agent-seconds per category, mean per episode "
                  "(share of all agent-seconds); each agent's time sums to the makespan:",
                  "", render_breakdown_markdown(rows).rstrip("\n")]
        pairs = compare(records, ref, metrics=("makespan_s",)) if ref else []
        pairs.sort(key=lambda r: (str(r["family"]), order.get(str(r["planner"]), 0)))
        if pairs:
            parts += ["", f"Makespan paired against {ref} (same task, agents and seed; "
                      f"ratio = planner mean / {ref} mean, below 1 is shorter):", "",
                      _md_table(["family", "planner", "pairs", "difference s", "95% CI", "p",
                                 "test", "ratio"], ["l", "l", "r", "r", "r", "r", "l", "r"],
                                [[str(c["family"]), str(c["planner"]), str(c["n"]),
                                  f"{c['diff']:+.2f}", f"[{c['low']:+.2f}, {c['high']:+.2f}]",
                                  _p(c["p"]), c["test"],
                                  "-" if c["ratio"] is None else f"{c['ratio']:.3f}"]
                                 for c in pairs])]
    if len(agent_counts(records)) > 1:
        parts += ["", "Scaling: speedup = makespan with 1 agent / makespan with N (same task "
                  "and seed), ideal = N:", "", render_scaling_markdown(scaling(records))
                  .rstrip("\n")]
    return "\n".join(parts) + ("\n" if parts else "")


def _plot_scaling(records: Sequence[Mapping[str, Any]], path: Path | str) -> None:
    from tasks.scaling import agent_counts, plot_scaling, scaling

    if Path(path).suffix.lower() not in PLOT_SUFFIXES:
        raise ReportError(f"--scaling-plot: {path} must end in {', '.join(PLOT_SUFFIXES)}")
    if len(agent_counts(records)) < 2:
        raise ReportError("--scaling-plot: the sweep ran one agent count; run bench with "
                          "--agents 1,2,4,8")
    try:
        plot_scaling(scaling(records), path)
    except OSError as exc:
        raise ReportError(f"--scaling-plot: cannot write {path}: {exc.strerror or exc}") from None


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of `causalcraft report`; values are checked by `report_main`."""
    parser.add_argument("dir", metavar="DIR", help="a sweep folder written by bench")
    parser.add_argument("--format", metavar="md|csv|json", default="md",
                        help="table format (default: md)")
    parser.add_argument("--plot", metavar="FILE.png", default=None,
                        help="write the figure to FILE (.png, .svg or .pdf); a sweep over "
                             "--prior-noise also gets FILE-noise.png (completion and "
                             "efficiency against the prior noise, per planner)")
    parser.add_argument("--reference", metavar="NAME", default=None,
                        help=f"planner the others are compared with (default: "
                             f"{DEFAULT_REFERENCE} when present)")
    parser.add_argument("--scaling-plot", metavar="FILE.png", default=None,
                        help="write makespan and speedup against agent count (a sweep with "
                             "--agents 1,2,4,8) to FILE")


def report_main(args: argparse.Namespace) -> int:
    """`causalcraft report`: 0 on success, 2 with one line naming the problem."""
    try:
        report(args.dir, fmt=args.format, plot=args.plot, reference=args.reference,
               scaling_plot=getattr(args, "scaling_plot", None))
    except ReportError as exc:
        print(f"causalcraft report: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"causalcraft report: error: DIR: {exc}", file=sys.stderr)
        return 2
    if args.plot is not None:
        print(f"plot written to {args.plot}", file=sys.stderr)
    return 0
