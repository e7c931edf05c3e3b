"""Statistics on hand-made numbers and on the hand-made sweep in fixtures/sweeps/small."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tasks.stats import (
    compare,
    family_of,
    flatten,
    lb_ratio,
    mean_ci,
    paired_diff,
    ratio,
    ratio_of_means,
    summarize,
    wilcoxon_exact_p,
)

SMALL = Path(__file__).parent / "fixtures" / "sweeps" / "small" / "episodes.jsonl"

# Student's t quantiles t_{0.975, df}, from printed tables.
T975 = {2: 4.302653, 3: 3.182446, 9: 2.262157}


def small_records() -> list[dict]:
    """The fixture's records, the last one of each key kept (as the report reads them)."""
    by_key: dict[str, dict] = {}
    for line in SMALL.read_text().splitlines():
        rec = json.loads(line)
        by_key[rec["key"]] = rec
    return list(by_key.values())


def test_mean_ci_three_values_by_hand() -> None:
    # mean 2, s = 1, se = 1 / sqrt(3), half = 4.302653 / sqrt(3) = 2.484138
    mean, low, high = mean_ci([1.0, 2.0, 3.0])
    assert mean == 2.0
    assert low == pytest.approx(2.0 - T975[2] / math.sqrt(3), abs=1e-6)
    assert high == pytest.approx(4.484138, abs=1e-6)


def test_mean_ci_one_value_and_constant_values_have_zero_width() -> None:
    assert mean_ci([0.7]) == (0.7, 0.7, 0.7)
    assert mean_ci([0.5, 0.5, 0.5]) == (0.5, 0.5, 0.5)


def test_mean_ci_other_level() -> None:
    # 90%: t_{0.95, 3} = 2.353363; values 0, 2, 4, 6: mean 3, s = 2.581989, se = 1.290994
    mean, low, high = mean_ci([0, 2, 4, 6], conf=0.90)
    assert mean == 3.0
    assert (low, high) == pytest.approx(
        (3 - 2.353363 * 1.290994, 3 + 2.353363 * 1.290994), abs=1e-5
    )


@pytest.mark.parametrize(
    ("values", "conf", "message"),
    [([], 0.95, "no values"), ([1.0], 1.0, "conf must be in"), ([float("nan")], 0.95, "NaN")],
)
def test_mean_ci_bad_input(values: list[float], conf: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        mean_ci(values, conf)


def test_paired_t_test_on_students_sleep_data() -> None:
    # Cushny & Peebles' sleep data as in Student (1908) and R's `t.test(extra ~ group,
    # data = sleep, paired = TRUE)`: t = -4.0621, df = 9, p = 0.002833,
    # 95% CI (-2.4598858, -0.7001142), mean difference -1.58.
    drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    d = paired_diff(drug1, drug2)
    assert d.test == "t"
    assert d.n == 10
    assert d.mean == pytest.approx(-1.58, abs=1e-12)
    assert d.ci == pytest.approx((-2.4598858, -0.7001142), abs=1e-7)
    assert d.p == pytest.approx(0.002833, abs=5e-7)


def test_paired_t_test_closed_form_df3() -> None:
    # d = 0.2, 0, 0.2, 0.2: mean 0.15, s = 0.1, t = 3 on 3 df; for 3 df the two-sided
    # p of t = 3 is 1/3 - sqrt(3) / (2 pi) = 0.0576689 (closed form of the t3 CDF).
    d = paired_diff([1.0, 1.0, 0.8, 1.0], [0.8, 1.0, 0.6, 0.8])
    assert d.test == "t"
    assert d.mean == pytest.approx(0.15)
    assert d.p == pytest.approx(1 / 3 - math.sqrt(3) / (2 * math.pi), abs=1e-9)
    assert d.ci == pytest.approx((0.15 - T975[3] * 0.05, 0.15 + T975[3] * 0.05), abs=1e-6)


def test_wilcoxon_exact_by_hand() -> None:
    # All five differences positive: W+ = 15 is 1 of 2^5 sign patterns: p = 2 / 32.
    assert wilcoxon_exact_p([1, 2, 3, 4, 5]) == 0.0625
    # Ranks 1..8, W- = 2 + 7 = 9: 32 of the 256 subsets of 1..8 sum to 9 or less
    # (1, 1, 1, 2, 2, 3, 4, 5, 6, 7 for sums 0..9), so p = 2 * 32 / 256.
    assert wilcoxon_exact_p([1, -2, 3, 4, 5, 6, -7, 8]) == 0.25
    # Zeros dropped; a single nonzero pair cannot be significant.
    assert wilcoxon_exact_p([0.0, 0.3, 0.0]) == 1.0
    assert wilcoxon_exact_p([0.0, 0.0]) == 1.0
    # Three tied differences (mid-rank 2 each), all positive: 1 of 8 patterns each side.
    assert wilcoxon_exact_p([0.1, 0.1, 0.1]) == 0.25


def test_paired_diff_chooses_its_test() -> None:
    same = paired_diff([1.0, 0.5], [1.0, 0.5])
    assert same == (0.0, (0.0, 0.0), 1.0, "none", 2)
    shift = paired_diff([1.0, 0.9, 0.8], [0.9, 0.8, 0.7])
    assert shift.test == "wilcoxon"
    assert shift.p == 0.25
    assert shift.mean == pytest.approx(0.1)
    assert shift.ci == pytest.approx((0.1, 0.1))
    single = paired_diff([1.0], [0.5])
    assert single == (0.5, (0.5, 0.5), 1.0, "wilcoxon", 1)


def test_paired_diff_bad_input() -> None:
    with pytest.raises(ValueError, match="3 values against 2"):
        paired_diff([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="no pairs"):
        paired_diff([], [])


def test_ratio_helpers() -> None:
    assert ratio(3, 4) == 0.75
    assert ratio(3, 0) is None
    assert ratio(None, 4) is None
    assert lb_ratio({"lower_bound_s": 80, "makespan_s": 100}) == 0.8
    assert lb_ratio({"lower_bound_s": 0.0, "makespan_s": 0.0}) is None
    assert lb_ratio({}) is None
    assert ratio_of_means([2.0, 1.5, 1.0, 1.5], [1.0, 1.0, 0.5, 1.5]) == 1.5
    assert ratio_of_means([], [1.0]) is None
    assert family_of("escape/2-1") == "escape"


def test_flatten_record() -> None:
    rec = small_records()[0]
    row = flatten(rec)
    assert {k: row[k] for k in ("key", "task", "family", "planner", "agents", "seed")} == {
        "key": "cooking/cake_0.full.a2.s0",
        "task": "cooking/cake_0",
        "family": "cooking",
        "planner": "full",
        "agents": 2,
        "seed": 0,
    }
    assert row["lb_ratio"] == 0.8
    assert row["completion"] == 1.0


def test_summarize_fixture_by_family_and_planner() -> None:
    rows = summarize(small_records())
    assert [(r["family"], r["planner"], r["n"], r["errors"]) for r in rows] == [
        ("cooking", "full", 4, 0),
        ("cooking", "villager", 4, 0),
        ("escape", "full", 2, 0),
        ("escape", "villager", 1, 1),
    ]
    cook_full = rows[0]
    # completion 1, 1, 0.8, 1: mean 0.95, s = 0.1, half = t_{.975,3} * 0.05
    assert cook_full["completion"] == pytest.approx(0.95)
    assert cook_full["completion_low"] == pytest.approx(0.95 - T975[3] * 0.05, abs=1e-6)
    assert cook_full["completion_high"] == pytest.approx(0.95 + T975[3] * 0.05, abs=1e-6)
    # efficiency 2, 1.5, 1, 1.5: mean 1.5, s = sqrt(0.5 / 3), half = t * s / 2
    half = T975[3] * math.sqrt(0.5 / 3) / 2
    assert (cook_full["efficiency_low"], cook_full["efficiency_high"]) == pytest.approx(
        (1.5 - half, 1.5 + half), abs=1e-6
    )
    # LB ratio 80/100, 90/120, 120/150, 100/100
    assert cook_full["lb_ratio"] == pytest.approx((0.8 + 0.75 + 0.8 + 1.0) / 4)
    assert cook_full["failed_actions"] == 1.0
    assert (cook_full["llm_calls"], cook_full["llm_calls_low"], cook_full["llm_calls_high"]) == (
        0.0,
        0.0,
        0.0,
    )
    cook_vil = rows[1]
    assert cook_vil["tokens"] == 500.0
    assert cook_vil["balance"] == pytest.approx(0.6)
    esc_vil = rows[3]
    assert (esc_vil["completion"], esc_vil["completion_low"], esc_vil["completion_high"]) == (
        0.5,
        0.5,
        0.5,
    )
    esc_full = rows[2]
    # completion 1, 1 (seed 1 errored first, then ran: the last record counts)
    assert esc_full["completion"] == 1.0
    assert esc_full["efficiency"] == pytest.approx(1.1)


def test_summarize_other_grouping_and_empty_metric() -> None:
    rows = summarize(small_records(), by=("planner",))
    assert [(r["planner"], r["n"]) for r in rows] == [("full", 6), ("villager", 5)]
    errored_only = [r for r in small_records() if r["status"] == "error"]
    (row,) = summarize(errored_only, by=("family",))
    assert (row["n"], row["errors"], row["completion"], row["completion_low"]) == (
        0,
        1,
        None,
        None,
    )


def test_compare_fixture_against_full() -> None:
    rows = compare(small_records(), "full", metrics=("completion", "efficiency"))
    got = [(r["family"], r["planner"], r["metric"], r["n"], r["test"]) for r in rows]
    assert got == [
        ("cooking", "villager", "completion", 4, "t"),
        ("cooking", "villager", "efficiency", 4, "t"),
        ("escape", "villager", "completion", 1, "wilcoxon"),
        ("escape", "villager", "efficiency", 1, "wilcoxon"),
    ]
    comp = rows[0]
    # villager - full per pair: -0.2, 0, -0.2, -0.2 -> mean -0.15, t = -3 on 3 df
    assert comp["diff"] == pytest.approx(-0.15)
    assert comp["p"] == pytest.approx(1 / 3 - math.sqrt(3) / (2 * math.pi), abs=1e-9)
    assert (comp["low"], comp["high"]) == pytest.approx(
        (-0.15 - T975[3] * 0.05, -0.15 + T975[3] * 0.05), abs=1e-6
    )
    assert comp["ratio"] == pytest.approx(0.8 / 0.95)
    eff = rows[1]
    # -1, -0.5, -0.5, 0: mean -0.5; villager mean 1.0 against full's 1.5
    assert eff["diff"] == pytest.approx(-0.5)
    assert eff["ratio"] == pytest.approx(1.0 / 1.5)
    esc = rows[2]
    assert (esc["diff"], esc["low"], esc["high"], esc["p"]) == (-0.5, -0.5, -0.5, 1.0)


def test_compare_needs_the_reference() -> None:
    with pytest.raises(ValueError, match="reference planner 'no-ate' has no ok episode"):
        compare(small_records(), "no-ate")
