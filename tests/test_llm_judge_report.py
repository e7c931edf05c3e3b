"""The judge accuracy table of `causalcraft report`: pooled per model, planner and family."""

from tasks.judge_report import judge_metrics, judge_rows, render_judge_table


def rec(model: str, edges: int, acc: float, fk: int, fp: int, inter: int, iacc: float) -> dict:
    m = judge_metrics({"edges": edges, "edge_accuracy": acc, "edge_false_keeps": fk,
                       "edge_false_prunes": fp, "interventions": inter,
                       "intervention_accuracy": iacc})
    return {"status": "ok", "metrics": m, "config": {"task": "cooking/cake_0",
                                                      "planner": "ate-llm",
                                                      "llm": {"model": model}}}


def test_judge_rows_pool_over_episodes_weighted_by_edges() -> None:
    rows = judge_rows([rec("smol", 4, 0.5, 2, 0, 8, 0.25), rec("smol", 6, 1.0, 0, 0, 2, 1.0),
                       {"status": "ok", "metrics": {"completion": 1.0}, "config": {}}])
    assert rows == [{"model": "smol", "planner": "ate-llm", "family": "cooking",
                     "episodes": 2, "edges": 10, "edge_accuracy": 0.8, "false_keeps": 2,
                     "false_prunes": 0, "interventions": 10, "intervention_accuracy": 0.4}]
    table = render_judge_table(rows)
    assert "| smol | ate-llm | cooking | 2 | 10 | 0.800 | 2 | 0 | 10 | 0.400 |" in table
    assert render_judge_table([]) == ""
