"""The LLM brain against a local OpenAI-protocol server: explicit done, done checked against
the world, actions re-asked with the validation error, prior re-asks, grounded decomposition,
the ATE judge and its accuracy, the hybrid brain, and a worker that never blocks the loop."""

import asyncio
import json
import time
from pathlib import Path

import networkx as nx
import pytest
from llm_fake_server import FakeOpenAI
from test_planner_fixtures import CAKE_EDGES, cake_task

from agents.brain import make_brain
from agents.llm import LLMClient, LLMError, bounded_strings
from agents.llm_brain import (
    DecomposeAnswer,
    HybridBrain,
    LLMBrain,
    action_schemas,
    ground_decomposition,
    step_schema,
)
from agents.messages import ActionResult, Assignment
from agents.settings import LLMSettings
from agents.worker import Worker
from env.actions import ACTIONS, Put, Take
from env.backend import Observation
from env.rulebook import load_rulebook
from planner.configs import build_planner
from planner.decompose import decompose, task_rules
from planner.subtask import Plan, Subtask

HUB = (0, -60, 0)
PLAN = Plan(task="cooking/x", hub=HUB, subtasks=[
    Subtask(id="milk", kind="milk", target="milk_bucket", count=3),
    Subtask(id="cake", kind="craft", target="cake", keep=True),
])


def llm(url: str, **kw: object) -> LLMBrain:
    return LLMBrain(LLMClient(LLMSettings(base_url=url, model="m", backoff_s=0.01, **kw)))


def result(ok: bool, inv: dict[str, int], reason: str | None = None) -> ActionResult:
    obs = Observation(agent="a1", pos=(0.5, -60.0, 0.5), inventory=inv)
    return ActionResult(sender="judger", agent="a1", seq=1, ok=ok, reason=reason, start=0.0,
                        end=0.5, observation=obs)


def test_the_action_schema_is_generated_from_the_action_models() -> None:
    schemas = action_schemas()
    assert [s["properties"]["name"]["const"] for s in schemas] == \
        [a.model_fields["name"].default for a in ACTIONS]
    take = schemas[[a.__name__ for a in ACTIONS].index("Take")]
    assert take["required"] == ["name", "pos", "item"]
    assert "not_before" not in take["properties"]
    assert step_schema()["anyOf"][0]["properties"]["action"]["anyOf"] == schemas


def test_only_an_explicit_done_ends_a_subtask_and_it_is_checked() -> None:
    fetch = Subtask(id="fetch:egg", kind="fetch", target="egg", count=1, station=(5, -60, 5))
    answers = [
        '{"foo": 1}',                                  # no action, no done: re-asked
        '{"action": null, "done": false}',             # the same
        '{"action": {"name": "take", "pos": [5, -60, 5], "item": "egg"}}',
        '{"done": true, "ok": true}',                  # claimed, but nothing delivered yet
        '{"action": {"name": "teleport", "to": "moon"}}',  # not an action: re-asked
        '{"action": {"name": "put", "pos": "[0, -60, 0]", "item": "Egg", "count": "1"}}',
        '{"done": true, "ok": true, "reason": "delivered"}',
    ]
    with FakeOpenAI(answers) as srv:
        b = llm(srv.url, reasks=2)
        steps = b.act(fetch, 0, [], "a1", Observation(agent="a1", pos=(0.5, -60, 0.5),
                                                      inventory={}), HUB, 1)
        assert next(steps) == Take(pos=(5, -60, 5), item="egg", count=1)
        assert steps.send(result(True, {"egg": 1})) == Put(pos=HUB, item="egg", count=1)
        with pytest.raises(StopIteration) as end:
            steps.send(result(True, {}))
    assert end.value.value == (True, "delivered")
    asked = [r["messages"] for r in srv.requests]
    assert 'neither an action nor "done"' in asked[1][-1]["content"]
    assert "you said done, but it is not: only 0 of 1 egg put into the hub so far" in \
        asked[4][-1]["content"]
    assert "the action is invalid: action.name" not in asked[5][-1]["content"]
    assert asked[5][-1]["content"].startswith("That answer is invalid: the action is invalid")
    assert srv.requests[0]["response_format"]["schema"] == bounded_strings(step_schema())
    assert b.client.stats()["by_agent"]["a1"]["reasks"] == 3


def test_a_model_that_never_acts_fails_the_subtask_with_its_reason() -> None:
    with FakeOpenAI(default='{"foo": 1}') as srv:
        b = llm(srv.url, reasks=1)
        steps = b.act(PLAN.subtasks[1], 0, [], "a1",
                      Observation(agent="a1", pos=(0.5, -60, 0.5), inventory={}), HUB, 1)
        with pytest.raises(StopIteration) as end:
            next(steps)
    ok, reason = end.value.value
    assert not ok and reason.startswith(f"the LLM gave no usable action: {srv.url} (model m): "
                                        "no valid act answer after 1 re-asks")
    assert len(srv.requests) == 2


def test_an_unreachable_model_fails_the_subtask_naming_url_and_model() -> None:
    with FakeOpenAI(default={"status": 404}) as srv:
        b = llm(srv.url)
        steps = b.act(PLAN.subtasks[1], 0, [], "a1",
                      Observation(agent="a1", pos=(0.5, -60, 0.5), inventory={}), HUB, 1)
        with pytest.raises(StopIteration) as end:
            next(steps)
    assert end.value.value == (False, f"the LLM gave no usable action: {srv.url} (model m): "
                                      "HTTP 404: not found (does the base URL end in /v1, and "
                                      "does the server serve this model?)")


def test_prior_is_reasked_then_goes_on_with_what_parsed() -> None:
    bad = '{"edges": [{"before": "milk", "after": "cake"}, {"after": "cake"}]}'
    unknown = '{"edges": [{"before": "milk", "after": "cake"}, {"before": "egg", "after": "cake"}]}'
    with FakeOpenAI([bad, unknown, unknown]) as srv:
        b = llm(srv.url, reasks=2)
        graph = b.prior(PLAN, nx.DiGraph())
    assert sorted(graph.edges) == [("milk", "cake")]
    assert "edges.1.before: Field required" in srv.requests[1]["messages"][-1]["content"]
    assert "unknown subtask ids ['egg']" in srv.requests[2]["messages"][-1]["content"]
    assert b.client.records[0].ok is False
    assert any("went on with the 2 edges that parsed" in p for p in b.problems)


def test_decomposition_is_grounded_on_the_rules() -> None:
    task = cake_task()
    rules = task_rules(task, load_rulebook().with_world(task.world))
    catalog = decompose(task, rules)
    answer = DecomposeAnswer.model_validate({
        "subtasks": [{"kind": "craft", "target": "cake"}, {"kind": "craft", "target": "Sugar"},
                     {"kind": "smelt", "target": "diamond"}],
        "edges": [{"before": "craft:sugar", "after": "craft:cake"},
                  {"before": "smelt:diamond", "after": "craft:cake"}]})
    subs, edges, problems = ground_decomposition(answer, catalog)
    assert [s.id for s in subs] == ["craft:cake", "craft:sugar"]
    assert subs[0] == catalog.by_id()["craft:cake"]
    assert edges == [("craft:sugar", "craft:cake", 1.0)]
    assert problems == ["subtask smelt:diamond: nothing in this world's rules makes diamond "
                        "by smelt",
                        "edge smelt:diamond -> craft:cake: names a subtask that is not "
                        "grounded"]


def judge_answer(body: dict) -> str:
    """The judge's scripted answer: v needs u for every edge asked, and the first rule
    listed matters."""
    prompt = body["messages"][-1]["content"]
    out = []
    for line in prompt.splitlines():
        if ": A = " in line:
            out.append({"id": line.split(":", 1)[0], "needs": 1, "without": {}})
        elif line.strip().startswith("remove ") and out and not out[-1]["without"]:
            out[-1]["without"][line.split()[1].rstrip(":")] = 0
    return json.dumps({"edges": out})


class JudgeServer(FakeOpenAI):
    def respond(self, h, answer, body):  # noqa: ANN001, ANN201
        system = body["messages"][0]["content"]
        if "ATE" in system or "dependency below" in body["messages"][-1]["content"]:
            answer = judge_answer(body)
        elif '"edges"' in body["messages"][-1]["content"]:
            answer = json.dumps({"edges": [{"before": u, "after": v} for u, v in
                                           sorted(CAKE_EDGES)]})
        super().respond(h, answer, body)


def test_ate_llm_judges_with_seeded_samples_and_scores_against_the_oracle() -> None:
    task = cake_task()
    rules = load_rulebook().with_world(task.world)
    with JudgeServer() as srv:
        b = llm(srv.url, judge_samples=2, judge_temperature=0.5, judge_batch=50)
        _, true, graph, _, _, rec = build_planner("ate-llm", task, rules, b)
    judged = [r for r in srv.requests if "dependency below" in r["messages"][-1]["content"]]
    assert [(r["seed"], r["temperature"]) for r in judged] == [(0, 0.5), (1, 0.5)]
    assert rec["llm_judge_calls"] == 2 and len(rec["llm_judge_answers"]) == 2
    acc = rec["judge_accuracy"]
    assert acc["edges"] == len(CAKE_EDGES) and acc["samples"] == 2
    assert acc["edge_false_keeps"] + acc["edge_false_prunes"] + \
        round(acc["edge_accuracy"] * acc["edges"]) == acc["edges"]
    assert acc["interventions"] == len(CAKE_EDGES)
    assert rec["decomposition"] == "rules"


def test_hybrid_plans_with_the_model_and_acts_by_the_rules() -> None:
    with FakeOpenAI() as srv:
        b = make_brain("hybrid", load_rulebook(), 0.3, 0,
                       LLMClient(LLMSettings(base_url=srv.url, model="m")))
        assert isinstance(b, HybridBrain) and not b.blocking
        steps = b.act(Subtask(id="fetch:egg", kind="fetch", target="egg", station=(5, -60, 5)),
                      0, [], "a1", Observation(agent="a1", pos=(0.5, -60, 0.5), inventory={}),
                      HUB, 1)
        assert next(steps).name == "move_to"
    assert srv.requests == []
    with pytest.raises(LLMError, match="--brain llm needs an LLM endpoint"):
        make_brain("llm", load_rulebook(), 0.3, 0)


class _SlowBrain:
    """A brain whose every step blocks its thread for 0.5 s, as a model call does."""

    name = "slow"
    blocking = True
    llm_calls = tokens = 0

    def act(self, *args: object, **kw: object):  # noqa: ANN201
        time.sleep(0.5)
        return (True, None)
        yield  # a generator


class _Bus:
    def __init__(self) -> None:
        self.sent: list[object] = []

    async def publish(self, topic: str, msg: object) -> None:
        self.sent.append(msg)


class _Topics:
    def report(self, a: str) -> str:
        return "r"

    def request(self, a: str) -> str:
        return "q"


def test_workers_waiting_on_a_model_do_not_block_the_loop_or_each_other() -> None:
    async def scenario() -> tuple[float, int]:
        obs = Observation(agent="a", pos=(0.5, -60, 0.5), inventory={})
        workers = [Worker(f"agent{i}", _Bus(), _Topics(), _SlowBrain(), obs) for i in range(3)]
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        tick = asyncio.create_task(ticker())
        stop = asyncio.Event()
        st = Subtask(id="s", kind="walk", target="here")
        t0 = time.perf_counter()
        outs = await asyncio.gather(*[w._do(Assignment(sender="p", agent=w.agent, subtask=st),
                                            stop) for w in workers])
        took = time.perf_counter() - t0
        tick.cancel()
        assert outs == [(True, None)] * 3
        return took, ticks

    took, ticks = asyncio.run(scenario())
    assert took < 1.2  # one after another: 1.5 s
    assert ticks >= 4  # the loop kept running meanwhile


def test_hybrid_goes_on_with_the_rules_prior_when_no_edge_of_the_model_parses() -> None:
    # a model that names no known subtask, every time: nothing of its prior parses, so the
    # hybrid brain plans on the rules' prior at the episode's noise (as the decomposition
    # falls back to the rules' split), and the judge has edges to judge
    garbage = '{"edges": [{"before": ",1,0,", "after": "cake"}]}'
    true_graph = nx.DiGraph([("milk", "cake")])
    with FakeOpenAI([garbage] * 3) as srv:
        brain = HybridBrain(llm(srv.url, reasks=2), load_rulebook(), seed=0, prior_noise=0.0)
        graph = brain.prior(PLAN, true_graph)
    assert sorted(graph.edges) == [("milk", "cake")]
    assert brain.problems[-1] == ("prior: no edge of the model's parsed; went on with the "
                                  "rules' prior at noise 0")
    with FakeOpenAI(['{"edges": [{"before": "milk", "after": "cake"}]}']) as srv:
        brain = HybridBrain(llm(srv.url), load_rulebook(), seed=0, prior_noise=0.0)
        assert sorted(brain.prior(PLAN, nx.DiGraph()).edges) == [("milk", "cake")]
    assert not any("rules' prior" in p for p in brain.problems)


def test_a_decomposition_with_no_usable_answer_records_the_same_live_and_replayed(
        tmp_path: Path) -> None:
    # The first answer parses but grounds nothing (diamond is smelted from nothing here);
    # the re-ask is cut mid-string. No answer is used, so nothing is `not_grounded`: a
    # replay, which sees only the final outcome, writes the same record as the live run.
    task = cake_task()
    catalog = decompose(task, task_rules(task, load_rulebook().with_world(task.world)))
    answers = ['{"subtasks": [{"kind": "smelt", "target": "diamond"}], "edges": []}',
               '{"subtasks": [{"kind": "craft", "target": "ca']
    cache = tmp_path / "c.jsonl"

    def brain(url: str, mode: str) -> LLMBrain:
        return LLMBrain(LLMClient(LLMSettings(base_url=url, model="m", mode=mode, cache=cache,
                                              backoff_s=0.01, reasks=1)))

    with FakeOpenAI(answers) as srv:
        plan, _edges, live = brain(srv.url, "record").decompose(task, catalog)
    _plan, _edges, replayed = brain("http://127.0.0.1:9/v1", "replay").decompose(task, catalog)
    assert live["not_grounded"] == [] and live["fallback"] == "rules"
    assert "no valid decompose answer after 1 re-asks" in live["error"]
    assert replayed == live
    assert [s.id for s in plan.subtasks] == [s.id for s in catalog.subtasks]
