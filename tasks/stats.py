"""Statistics for benchmark sweeps: means with confidence intervals, paired tests, summaries.

Everything here is a pure function over numbers or over the records of `episodes.jsonl`
(see `tasks.bench`). A record is a dict with at least `key`, `status`, `config` (`task`,
`planner`, `agents`, `seed`, ...) and, when `status == "ok"`, `metrics`.

Which test `paired_diff` uses:

- all differences zero: no test, p = 1 (`test == "none"`);
- at least two pairs and differences that vary: Student's paired t-test
  (`scipy.stats.ttest_1samp` on the differences, two-sided), `test == "t"`;
- otherwise (a single pair, or every pair differing by the same nonzero amount, where the
  t statistic is undefined): the exact Wilcoxon signed-rank test, two-sided, zero
  differences dropped, ties given mid-ranks and the null distribution enumerated over those
  mid-ranks, `test == "wilcoxon"`.

The confidence interval of the mean difference is always the t interval of the differences.
Differences are rounded to 12 decimals first, so float noise does not decide which test runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

#: Metrics summarized per group, in table order: (name in a flat row, label).
SUMMARY_METRICS: tuple[tuple[str, str], ...] = (
    ("completion", "completion"),
    ("efficiency", "efficiency"),
    ("efficiency_completed", "efficiency (completed)"),
    ("balance", "balance"),
    ("lb_ratio", "LB ratio"),
    ("failed_actions", "failed actions"),
    ("llm_calls", "LLM calls"),
    ("tokens", "tokens"),
)

#: Metrics compared between planners by default. `efficiency_completed` is defined only for
#: completed episodes, so its pairs are those where both planners completed.
COMPARE_METRICS: tuple[str, ...] = ("completion", "efficiency", "efficiency_completed",
                                    "lb_ratio")

#: VillagerBench's own numbers (a result's `villagerbench` block), per family: (name in a
#: flat row, label). `vb_completed` is 1 when their judge ended the episode as complete.
VB_METRICS: dict[str, tuple[tuple[str, str], ...]] = {
    "cooking": (("vb_score", "score"),),
    "construction": (("vb_block_hit_rate", "block hit rate"),
                     ("vb_view_hit_rate", "view hit rate")),
    "escape": (("vb_complete_score", "complete score"),),
}
VB_COMMON: tuple[tuple[str, str], ...] = (
    ("vb_completed", "completed"),
    ("vb_efficiency", "efficiency"),
    ("vb_efficiency_completed", "efficiency (completed)"),
    ("vb_balance", "balance"),
    ("vb_action_time", "action time s"),
    ("vb_max_action_time", "max action time s"),
)
_VB_FIELDS = {"score": "vb_score", "block_hit_rate": "vb_block_hit_rate",
              "view_hit_rate": "vb_view_hit_rate", "complete_score": "vb_complete_score",
              "efficiency": "vb_efficiency", "balance": "vb_balance",
              "action_time": "vb_action_time", "max_action_time": "vb_max_action_time"}


class PairedDiff(NamedTuple):
    """Mean of a - b over pairs, its confidence interval, the test's p-value and name."""

    mean: float
    ci: tuple[float, float]
    p: float
    test: str
    n: int


def mean_ci(values: Iterable[float], conf: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided confidence interval from Student's t distribution.

    `mean +- t_{(1+conf)/2, n-1} * s / sqrt(n)`, with `s` the sample standard deviation
    (n - 1 in the denominator). One value gives a zero-width interval.

    Example: [1, 2, 3] has mean 2, s / sqrt(3) = 0.57735 and t_{0.975, 2} = 4.30265,
    so `mean_ci([1, 2, 3])` is (2.0, -0.48414, 4.48414) to five places.
    """
    xs = [float(v) for v in values]
    if not xs:
        raise ValueError("mean_ci: no values")
    if not 0.0 < conf < 1.0:
        raise ValueError(f"mean_ci: conf must be in (0, 1), got {conf}")
    if any(math.isnan(v) for v in xs):
        raise ValueError("mean_ci: values contain NaN")
    n = len(xs)
    mean = math.fsum(xs) / n
    if n == 1:
        return (mean, mean, mean)
    var = math.fsum((v - mean) ** 2 for v in xs) / (n - 1)
    from scipy import stats as _st  # here, not at the top: the CLI starts without it

    half = float(_st.t.ppf((1.0 + conf) / 2.0, n - 1)) * math.sqrt(var / n)
    return (mean, mean - half, mean + half)


def wilcoxon_exact_p(diffs: Sequence[float]) -> float:
    """Two-sided exact p-value of the Wilcoxon signed-rank test on paired differences.

    Zero differences are dropped; tied |d| get their mid-rank; the null distribution of
    W+ (sum of the ranks of positive differences) is enumerated exactly over those ranks,
    so ties are handled without a normal approximation. No nonzero difference gives 1.

    >>> wilcoxon_exact_p([1, 2, 3, 4, 5])  # W+ = 15 is the 1 case in 2^5: 2 / 32
    0.0625
    """
    d = [float(x) for x in diffs if float(x) != 0.0]
    if not d:
        return 1.0
    ranks = _midranks([abs(x) for x in d])
    # Mid-ranks are multiples of 1/2: count sums in half-units to stay in integers.
    halves = [round(2 * r) for r in ranks]
    w_obs = sum(h for h, x in zip(halves, d, strict=True) if x > 0)
    counts: dict[int, int] = {0: 1}
    for h in halves:
        nxt = dict(counts)
        for s, c in counts.items():
            nxt[s + h] = nxt.get(s + h, 0) + c
        counts = nxt
    total = 2 ** len(d)
    le = sum(c for s, c in counts.items() if s <= w_obs)
    ge = sum(c for s, c in counts.items() if s >= w_obs)
    return min(1.0, 2.0 * min(le, ge) / total)


def _midranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


def paired_diff(a: Sequence[float], b: Sequence[float], conf: float = 0.95) -> PairedDiff:
    """Mean of a[i] - b[i], its t confidence interval and a two-sided paired test.

    The test is chosen as the module docstring says. `a` and `b` must have the same,
    nonzero length.
    """
    if len(a) != len(b):
        raise ValueError(f"paired_diff: {len(a)} values against {len(b)}; pairs must match")
    if not a:
        raise ValueError("paired_diff: no pairs")
    # Rounded so that float noise (1.0 - 0.9 != 0.9 - 0.8) neither breaks ties nor
    # makes equal differences look different; metrics carry far fewer digits than 12.
    d = [round(float(x) - float(y), 12) for x, y in zip(a, b, strict=True)]
    mean, low, high = mean_ci(d, conf)
    if all(x == 0.0 for x in d):
        return PairedDiff(0.0, (0.0, 0.0), 1.0, "none", len(d))
    if len(d) >= 2 and any(x != d[0] for x in d):
        from scipy import stats as _st

        p = float(_st.ttest_1samp(d, 0.0).pvalue)  # the same test as ttest_rel(a, b)
        return PairedDiff(mean, (low, high), p, "t", len(d))
    return PairedDiff(mean, (low, high), wilcoxon_exact_p(d), "wilcoxon", len(d))


def ratio(num: float | None, den: float | None) -> float | None:
    """num / den, or None when either is missing or den is zero."""
    if num is None or den is None or den == 0:
        return None
    return float(num) / float(den)


def lb_ratio(metrics: Mapping[str, Any]) -> float | None:
    """Lower bound over makespan (1 = the schedule meets the bound); None if undefined."""
    return ratio(metrics.get("lower_bound_s"), metrics.get("makespan_s"))


def ratio_of_means(a: Sequence[float], b: Sequence[float]) -> float | None:
    """mean(a) / mean(b): how many times b's mean a reaches (1.5 = 50% more)."""
    if not a or not b:
        return None
    return ratio(math.fsum(a) / len(a), math.fsum(b) / len(b))


def family_of(task: str) -> str:
    """The family part of a task id: `cooking/cake_0` -> `cooking`."""
    return task.partition("/")[0]


def flatten(record: Mapping[str, Any]) -> dict[str, Any]:
    """One flat row from one `episodes.jsonl` record: identity fields, then metrics.

    Adds `family` (from the task id) and `lb_ratio`. Errored records get no metrics.
    """
    cfg = record.get("config") or {}
    task = str(cfg.get("task", ""))
    row: dict[str, Any] = {
        "key": record.get("key"),
        "status": record.get("status"),
        "task": task,
        "family": family_of(task),
        "planner": cfg.get("planner"),
        "agents": cfg.get("agents"),
        "seed": cfg.get("seed"),
        "backend": cfg.get("backend"),
        "brain": cfg.get("brain"),
        "prior_noise": cfg.get("prior_noise"),
    }
    metrics = record.get("metrics") or {}
    if record.get("status") == "ok":
        row.update(metrics)
        row["lb_ratio"] = lb_ratio(metrics)
        completed = metrics.get("completion") is not None and metrics["completion"] >= 1.0
        row["efficiency_completed"] = metrics.get("efficiency") if completed else None
        vb = record.get("villagerbench") or {}
        for name, flat in _VB_FIELDS.items():
            row[flat] = vb.get(name)
        if vb:
            done = vb.get("end_reason") == "complete task"
            row["vb_completed"] = 1.0 if done else 0.0
            row["vb_efficiency_completed"] = vb.get("efficiency") if done else None
    return row


def _group_key(row: Mapping[str, Any], by: Sequence[str]) -> tuple[Any, ...]:
    return tuple(row.get(k) for k in by)


def _sort_key(key: tuple[Any, ...]) -> tuple[tuple[int, str], ...]:
    # Mixed None / int / str group values sort deterministically.
    return tuple((0, f"{v:012d}") if isinstance(v, int) else (1, str(v)) for v in key)


def summarize(
    records: Iterable[Mapping[str, Any]],
    by: Sequence[str] = ("family", "planner"),
    conf: float = 0.95,
    metrics: Sequence[tuple[str, str]] = SUMMARY_METRICS,
) -> list[dict[str, Any]]:
    """Per group: `n` (ok episodes), `errors`, and for each of `metrics` (default
    `SUMMARY_METRICS`) its mean with `<metric>_low` / `<metric>_high` (the t interval) and
    `<metric>_n` (how many episodes define it); a metric no episode of the group reports is
    None. Groups are sorted by their key values.
    """
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for rec in records:
        row = flatten(rec)
        groups.setdefault(_group_key(row, by), []).append(row)
    out: list[dict[str, Any]] = []
    for key in sorted(groups, key=_sort_key):
        rows = groups[key]
        ok = [r for r in rows if r["status"] == "ok"]
        entry: dict[str, Any] = dict(zip(by, key, strict=True))
        entry["n"] = len(ok)
        entry["errors"] = len(rows) - len(ok)
        for name, _label in metrics:
            vals = [float(r[name]) for r in ok if r.get(name) is not None]
            if vals:
                m, lo, hi = mean_ci(vals, conf)
            else:
                m = lo = hi = None
            entry[name], entry[f"{name}_low"], entry[f"{name}_high"] = m, lo, hi
            entry[f"{name}_n"] = len(vals)
        out.append(entry)
    return out


def compare(
    records: Iterable[Mapping[str, Any]],
    reference_planner: str,
    by: Sequence[str] = ("family",),
    metrics: Sequence[str] = COMPARE_METRICS,
    conf: float = 0.95,
) -> list[dict[str, Any]]:
    """Paired differences of every other planner against `reference_planner`.

    Episodes are paired by (task, agents, prior noise, seed) within each group of `by`; only ok
    episodes that both planners ran, and for which the metric is defined on both sides,
    count. One row per (group, planner, metric): `n` pairs, `diff` (mean of planner -
    reference), `low` / `high`, `p`, `test`, and `ratio` (planner mean / reference mean
    over the same pairs). Planners with no pair in a group are left out of it.
    """
    rows = [flatten(r) for r in records]
    rows = [r for r in rows if r["status"] == "ok"]
    if not any(r["planner"] == reference_planner for r in rows):
        raise ValueError(f"reference planner {reference_planner!r} has no ok episode")
    groups: dict[tuple[Any, ...], dict[str, dict[tuple[Any, ...], dict[str, Any]]]] = {}
    for r in rows:
        by_planner = groups.setdefault(_group_key(r, by), {})
        pair = (r["task"], r["agents"], r.get("prior_noise"), r["seed"])
        by_planner.setdefault(r["planner"], {})[pair] = r
    out: list[dict[str, Any]] = []
    for gkey in sorted(groups, key=_sort_key):
        by_planner = groups[gkey]
        ref = by_planner.get(reference_planner, {})
        for planner in sorted(p for p in by_planner if p != reference_planner):
            mine = by_planner[planner]
            common = sorted(set(mine) & set(ref), key=_sort_key)
            for metric in metrics:
                pairs = [
                    (float(mine[k][metric]), float(ref[k][metric]))
                    for k in common
                    if mine[k].get(metric) is not None and ref[k].get(metric) is not None
                ]
                if not pairs:
                    continue
                a = [x for x, _ in pairs]
                b = [y for _, y in pairs]
                d = paired_diff(a, b, conf)
                entry: dict[str, Any] = dict(zip(by, gkey, strict=True))
                entry.update(
                    planner=planner,
                    reference=reference_planner,
                    metric=metric,
                    n=d.n,
                    diff=d.mean,
                    low=d.ci[0],
                    high=d.ci[1],
                    p=d.p,
                    test=d.test,
                    ratio=ratio_of_means(a, b),
                )
                out.append(entry)
    return out
