"""The LLM brain's decomposition call: prompt builder and parser on recorded answers."""

from __future__ import annotations

import json

import pytest
from test_planner_fixtures import HUB, cake_task, planned

from env.rulebook import load_rulebook
from planner.graph import graph_from_prior
from planner.prompts import (
    DecompositionAnswer,
    PromptError,
    decompose_prompt,
    describe_rule,
    extract_json,
    parse_decomposition,
)

GOOD = """Here is the plan:
```json
{"subtasks": [
  {"id": "wheat", "kind": "harvest", "target": "Wheat", "count": 3, "source": "wheat",
   "sites": [[10, -60, 0], "10 -60 1"]},
  {"id": "cake", "kind": "craft", "target": "minecraft:cake", "inputs": {"wheat": 3},
   "station": [2, -60, 2], "keep": true, "rules": ["craft:cake#0"], "seconds": 2}
 ],
 "edges": [{"before": "wheat", "after": "cake", "confidence": 0.9},
           {"before": "cake", "after": "ghost"}]}
```"""


def test_parse_a_recorded_answer_into_a_plan_and_edges() -> None:
    plan, edges = parse_decomposition(GOOD, cake_task(), hub=HUB)
    assert [(s.id, s.kind, s.target, s.count) for s in plan.subtasks] == [
        ("wheat", "harvest", "wheat", 3), ("cake", "craft", "cake", 1)]
    assert plan.subtasks[0].sites == [(10, -60, 0), (10, -60, 1)]
    assert plan.subtasks[1].station == (2, -60, 2) and plan.subtasks[1].keep
    assert (plan.task, plan.hub) == ("cooking/cake_t", HUB)
    assert edges == [("wheat", "cake", 0.9), ("cake", "ghost", 1.0)]
    g, problems = graph_from_prior(plan, edges)
    assert list(g.edges) == [("wheat", "cake")]
    assert problems == ["unknown subtask 'ghost' in edge cake -> ghost: dropped"]


@pytest.mark.parametrize("text, message", [
    ("I cannot help with that.", "the answer holds no JSON object: 'I cannot help with that.'"),
    ('{"subtasks": []}', "decomposition answer: field subtasks: List should have at least 1 "
                         "item after validation, not 0"),
    ('{"subtasks": [{"id": "a", "kind": "bake", "target": "cake"}]}',
     "decomposition answer: field subtasks.0.kind: Input should be 'harvest', 'kill', 'milk', "
     "'craft', 'smelt', 'fetch', 'place', 'trigger' or 'walk'"),
    ('{"subtasks": [{"id": "a", "kind": "craft", "target": "cake", "count": 0}]}',
     "decomposition answer: field subtasks.0.count: Input should be greater than or equal "
     "to 1"),
    ('{"subtasks": [{"id": "a", "kind": "craft", "target": "x"}, '
     '{"id": "a", "kind": "craft", "target": "y"}]}',
     "decomposition answer: subtask id 'a' appears twice"),
    ('{"subtasks": [{"id": "a", "kind": "craft", "target": "x"}], "edges": [{"before": "a"}]}',
     "decomposition answer: field edges.0.after: Field required"),
    ('{"subtasks": [{"kind": "craft", "target": "x"}', "the answer holds no JSON object"),
])
def test_malformed_answers_give_clear_errors(text: str, message: str) -> None:
    with pytest.raises(PromptError) as err:
        parse_decomposition(text, cake_task())
    assert str(err.value).startswith(message)


def test_prompt_names_the_world_and_the_schema() -> None:
    task = cake_task()
    text = decompose_prompt(task, load_rulebook(), hub=HUB)
    lines = text.splitlines()
    assert lines[0] == "Task cooking/cake_t (cooking): make a cake"
    assert lines[1] == "The shared chest (hub) is at [0, -60, 0]."
    assert 'Chest at [6, -60, 0] holds {"egg": 2}' in lines
    assert "Blocks in the world: crafting_table x1, furnace x1, sugar_cane x2, wheat x3" in lines
    assert "Animals: cow x1" in lines
    assert "  craft:cake#0: craft: 1 egg, 3 milk_bucket, 2 sugar, 3 wheat -> cake " \
           "(needs crafting_table)" in lines
    assert "  milk:cow: milk: 1 bucket -> milk_bucket" in lines
    schema = json.loads(lines[-1])
    assert schema == DecompositionAnswer.model_json_schema()
    assert set(schema["properties"]) == {"subtasks", "edges"}


def test_offline_plan_round_trips_through_the_answer_format() -> None:
    plan, _ = planned(cake_task())
    answer = {"subtasks": [s.model_dump(mode="json", exclude={"blocks", "actions"})
                           for s in plan.subtasks], "edges": []}
    again, edges = parse_decomposition(json.dumps(answer), cake_task(), hub=plan.hub)
    assert again == plan and edges == []


def test_extract_json_and_rule_text() -> None:
    assert extract_json('noise {"a": [1, 2]} trailing') == {"a": [1, 2]}
    rules = load_rulebook()
    assert describe_rule(rules.get("craft:bucket#0")) == \
        "craft: 3 iron_ingot -> bucket (needs crafting_table)"
    assert describe_rule(rules.get("milk:cow")) == "milk: 1 bucket -> milk_bucket"
