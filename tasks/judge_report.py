"""The LLM judge's accuracy against the rule oracle, over a sweep: one table row per
(model, planner, family), so users can compare models as ATE judges on identical graphs.

Episodes judged by an LLM carry, in their `metrics`, the judge's agreement with the rule
oracle (`planner.refine.judge_accuracy`): `judge_edges`, `judge_edge_accuracy`,
`judge_false_keeps`, `judge_false_prunes`, `judge_interventions`,
`judge_intervention_accuracy`. Accuracies are pooled over episodes (weighted by edges or
interventions judged).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

JUDGE_KEYS = ("judge_edges", "judge_edge_accuracy", "judge_false_keeps", "judge_false_prunes",
              "judge_interventions", "judge_intervention_accuracy")


def judge_metrics(accuracy: Mapping[str, Any] | None) -> dict[str, float | int]:
    """The metrics block entries for one episode's `graph.judge_accuracy` ({} if none)."""
    if not accuracy:
        return {}
    return {"judge_edges": accuracy["edges"],
            "judge_edge_accuracy": accuracy["edge_accuracy"],
            "judge_false_keeps": accuracy["edge_false_keeps"],
            "judge_false_prunes": accuracy["edge_false_prunes"],
            "judge_interventions": accuracy["interventions"],
            "judge_intervention_accuracy": accuracy["intervention_accuracy"]}


def judge_rows(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Pooled judge accuracy per (model, planner, family) over ok records."""
    groups: dict[tuple[str, str, str], dict[str, float]] = {}
    for r in records:
        m = r.get("metrics") or {}
        if r.get("status", "ok") != "ok" or not m.get("judge_edges"):
            continue
        cfg = r.get("config") or {}
        model = str((cfg.get("llm") or {}).get("model") or cfg.get("brain") or "?")
        task = str(cfg.get("task", "?"))
        key = (model, str(cfg.get("planner", "?")), task.split("/")[0])
        g = groups.setdefault(key, {"episodes": 0, "edges": 0, "agree": 0.0, "fk": 0, "fp": 0,
                                    "inter": 0, "iagree": 0.0})
        g["episodes"] += 1
        g["edges"] += m["judge_edges"]
        g["agree"] += (m.get("judge_edge_accuracy") or 0.0) * m["judge_edges"]
        g["fk"] += m.get("judge_false_keeps", 0)
        g["fp"] += m.get("judge_false_prunes", 0)
        n = m.get("judge_interventions") or 0
        g["inter"] += n
        g["iagree"] += (m.get("judge_intervention_accuracy") or 0.0) * n
    rows = []
    for (model, planner, family), g in sorted(groups.items()):
        rows.append({"model": model, "planner": planner, "family": family,
                     "episodes": int(g["episodes"]), "edges": int(g["edges"]),
                     "edge_accuracy": round(g["agree"] / g["edges"], 4),
                     "false_keeps": int(g["fk"]), "false_prunes": int(g["fp"]),
                     "interventions": int(g["inter"]),
                     "intervention_accuracy": round(g["iagree"] / g["inter"], 4)
                     if g["inter"] else None})
    return rows


def render_judge_table(rows: list[dict[str, Any]]) -> str:
    """A markdown table of `judge_rows` ("" when no episode had an LLM judge)."""
    if not rows:
        return ""
    head = ("| model | planner | family | episodes | edges | edge accuracy | false keeps | "
            "false prunes | interventions | intervention accuracy |")
    out = ["", "### LLM judge against the rule oracle", "", head,
           "|" + "---|" * 3 + "---:|" * 7]
    for r in rows:
        ia = "-" if r["intervention_accuracy"] is None else f"{r['intervention_accuracy']:.3f}"
        out.append(f"| {r['model']} | {r['planner']} | {r['family']} | {r['episodes']} | "
                   f"{r['edges']} | {r['edge_accuracy']:.3f} | {r['false_keeps']} | "
                   f"{r['false_prunes']} | {r['interventions']} | {ia} |")
    return "\n".join(out) + "\n"
