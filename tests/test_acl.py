"""Who may do what: per-participant accounts on mosquitto, and a worker forging the Judger's
results, the Planner's assignments and another agent's actions and reports gets nowhere."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from agents.brain import make_brain
from agents.broker import MosquittoBroker, mosquitto_acl
from agents.bus import Bus, Topics
from agents.judger import Judger
from agents.messages import (
    ActionRequest,
    ActionResult,
    Assignment,
    PlannerState,
    SubtaskReport,
    WorkRequest,
)
from agents.planner_service import PlannerCore, PlannerService
from env.rulebook import load_rulebook
from env.sim import SimBackend
from planner.configs import build_planner
from tasks.catalog import load_task

TOPICS = Topics("acl1")
PASSWORDS = {"agent1": "pw-a1", "agent2": "pw-a2", "planner": "pw-p", "judger": "pw-j",
             "runner": "pw-r"}


def test_participants_access_rights() -> None:
    access = TOPICS.participants_access({"agent1": "x", "agent2": "y"}, "p", "j", {"runner": "r"})
    assert access.publish_acl() == {
        "agent1": ["cc/acl1/agent/agent1/#"],
        "agent2": ["cc/acl1/agent/agent2/#"],
        "planner": ["cc/acl1/planner/#", "cc/acl1/state", "cc/acl1/events", "cc/acl1/plan",
                    "cc/acl1/progress"],
        "judger": ["cc/acl1/judger/#", "cc/acl1/events", "cc/acl1/score"],
        "runner": [],
    }
    text = mosquitto_acl(access)
    assert "user runner\ntopic read #\n" in text and "topic write" not in text.split(
        "user runner")[1]


async def _forgery(broker: MosquittoBroker) -> dict[str, Any]:
    spec = load_task("cooking/cake_0", agents=2)
    rules = load_rulebook().with_world(spec.world)
    sim = SimBackend(rules, seed=0)
    sim.build(spec.world, ["agent1", "agent2"])
    before = json.dumps(sim.snapshot(), sort_keys=True, default=str)
    brain = make_brain("offline", rules, 0.0, 0)
    plan, _true, graph, lines, scheduler, _rec = build_planner("full", spec, rules, brain)
    core = PlannerCore(plan=plan, graph=graph.copy(), lines=lines, scheduler=scheduler,
                       agents=["agent1", "agent2"])

    def bus(name: str) -> Bus:
        return Bus(broker.url, f"acl1-{name}", username=name, password=PASSWORDS[name])

    stop = asyncio.Event()
    async with bus("judger") as jb, bus("planner") as pb, bus("agent1") as forger, \
            bus("agent2") as victim:
        judger = Judger(jb, TOPICS, sim, ["agent1", "agent2"])
        planner = PlannerService(pb, TOPICS, core, spec.hub)
        tasks = [asyncio.create_task(judger.serve(stop)), asyncio.create_task(planner.serve(stop))]
        await asyncio.gather(judger.ready.wait(), planner.ready.wait())
        await victim.subscribe(TOPICS.assign("agent2"))
        await victim.subscribe(TOPICS.result("agent2"))
        await victim.subscribe(TOPICS.state)
        await forger.subscribe(TOPICS.result("agent1"))
        take = {"name": "take", "pos": [-1, -60, 10], "item": "egg", "count": 1}
        # Topics the ACL forbids a worker: mosquitto acks the publish (MQTT 3.1.1) and drops it.
        await forger.publish(TOPICS.result("agent2"), ActionResult(
            sender="judger", agent="agent2", seq=1, ok=True, start=0, end=1))
        await forger.publish(TOPICS.assign("agent2"), Assignment(
            sender="planner", agent="agent2", subtask=plan.subtasks[0]))
        await forger.publish(TOPICS.state, PlannerState(sender="planner", idle=[], done=True))
        await forger.publish(TOPICS.request("agent2"), WorkRequest(sender="agent2",
                                                                   agent="agent2"))
        # Its own topics, claiming to be agent2: the ACL lets them through, the Judger and the
        # Planner refuse them with a reason.
        await forger.publish(TOPICS.action("agent1"), ActionRequest(
            sender="agent2", agent="agent2", seq=1, action=take))
        await forger.publish(TOPICS.report("agent1"), SubtaskReport(
            sender="agent2", agent="agent2", subtask=plan.subtasks[0].id, ok=True))
        await forger.publish(TOPICS.request("agent1"), WorkRequest(sender="agent2",
                                                                   agent="agent2"))
        forged_seen = await victim.receive_all(quiet=1.0)
        answer = await forger.receive(timeout=5)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    after = json.dumps(sim.snapshot(), sort_keys=True, default=str)
    return {"victim": forged_seen, "answer": answer, "judger": judger, "core": core,
            "same_world": before == after, "log": broker.log_text()}


@pytest.mark.mosquitto
def test_a_worker_cannot_forge_results_assignments_or_other_agents_messages(
        mosquitto_installed: str, run: Any) -> None:
    access = TOPICS.participants_access(
        {"agent1": PASSWORDS["agent1"], "agent2": PASSWORDS["agent2"]}, PASSWORDS["planner"],
        PASSWORDS["judger"], {"runner": PASSWORDS["runner"]})
    with MosquittoBroker(access, verbose=True) as broker:
        out = run(_forgery(broker), timeout=60)
    assert out["victim"] == []                     # no forged result, assignment or state
    assert out["same_world"]                       # nothing in the world moved
    assert out["judger"].core.trace == []          # no action ran
    assert out["judger"].core.refused == [
        ("agent2", 1, "an action for 'agent2' sent on 'agent1''s topic")]
    topic, refusal = out["answer"]                 # the refusal goes back to the forger
    assert topic == TOPICS.result("agent1") and refusal.ok is False
    assert refusal.reason == "an action for 'agent2' sent on 'agent1''s topic"
    core = out["core"]
    assert core.free == {} and set(core.status.values()) == {"open"}
    assert [r for _a, r in core.refused] == [
        "a message for 'agent2' sent on 'agent1''s topic"] * 2
    # mosquitto's own log names each denied publish.
    denied = [line for line in out["log"].splitlines() if "Denied PUBLISH" in line]
    assert len(denied) == 4, out["log"][-2000:]
