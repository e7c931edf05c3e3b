"""Bad input, fuzzed: 10,000 random and malformed bus messages and actions (wrong types,
unknown kinds, huge counts, negative positions, duplicate ids, stale sequence numbers, other
agents' topics) fed to the Judger and the Planner through the same path as the bus's.

Checked for every example: nothing raises; a payload that does not parse is rejected with a
reason naming the field; an action refused (before or after it is run) has a reason and left
the world exactly as it was; the Planner's state stays consistent with its graph.
"""

from __future__ import annotations

import json
import logging
import random
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.brain import make_brain
from agents.bus import Bus, Topics
from agents.judger import JudgerCore, _topic_agent
from agents.messages import ActionRequest, SubtaskReport, WorkRequest
from agents.planner_service import PlannerCore
from env.rulebook import load_rulebook
from env.sim import SimBackend
from planner.configs import build_planner
from tasks.catalog import load_task

EXAMPLES = 10_000
TOPICS = Topics("fz")
AGENTS = ["agent1", "agent2"]
SPEC = load_task("cooking/rabbit_stew_10", agents=2)
RULES = load_rulebook().with_world(SPEC.world)
ACTION_NAMES = ["move_to", "take", "put", "craft", "smelt", "dig", "place", "kill", "milk",
                "activate", "step_on", "wait", "rendezvous"]
ITEMS = ["wheat", "bowl", "rabbit", "carrot", "baked_potato", "oak_planks", "cooked_rabbit",
         "rabbit_stew", "coal", "", "minecraft:stone", "no_such_item"]
SUBTASKS = [s.id for s in build_planner("full", SPEC, RULES, make_brain(
    "offline", RULES, 0.0, 0))[0].subtasks]

# Drawing deep dictionaries with hypothesis costs ~20 ms an example; each example here draws
# one seed and builds its message with `random`, so 10,000 examples run in CI in seconds
# (a failure prints the seed, and the message is rebuilt from it).
INTS = [-2**63, -2**31, -100, -1, 0, 1, 2, 3, 5, 10, 64, 1000, 2**31, 2**63]
JUNK: list[Any] = [None, True, "", "x", "12", 1.5, float("nan"), [], [1, 2], {"a": 1}]
FRESH, NEXT = "$fresh", "$next"
"""Placeholders filled when sent: a new message id; the agent's next sequence number."""


def pick(r: random.Random, *choices: Any) -> Any:
    return r.choice(choices)


def position(r: random.Random) -> Any:
    roll = r.random()
    if roll < 0.7:  # near the kitchen, on the ground
        return [r.randint(-3, 3), r.choice([-61, -60, -59]), r.randint(-3, 12)]
    if roll < 0.85:  # far, negative, huge
        return [r.choice(INTS) for _ in range(3)]
    return r.choice(JUNK)


PLAUSIBLE: dict[str, tuple[str, ...]] = {
    "move_to": ("pos",), "wait": ("seconds",), "take": ("pos", "item", "count"),
    "put": ("pos", "item", "count"), "craft": ("item",), "dig": ("pos",),
    "place": ("item", "pos"), "kill": ("entity",), "milk": ("entity",), "activate": ("pos",),
    "smelt": ("furnace", "item", "count")}


def action(r: random.Random) -> dict[str, Any]:
    """Half the time an action with its required fields (values still random), else any
    dictionary with a name and some fields."""
    if r.random() < 0.5:
        name = r.choice(sorted(PLAUSIBLE))
        out = {"name": name}
        for key in PLAUSIBLE[name]:
            out[key] = {"pos": [r.randint(-3, 3), -60, r.randint(-3, 12)],
                        "furnace": [r.randint(-3, 3), -60, r.randint(-3, 12)],
                        "item": r.choice(ITEMS[:8]), "count": r.randint(1, 3),
                        "seconds": r.choice([0, 1, 2.5]),
                        "entity": r.choice(["rabbit", "cow"])}[key]
        return out
    out: dict[str, Any] = {"name": r.choice(ACTION_NAMES) if r.random() < 0.9
                           else r.choice(JUNK)}
    fields: dict[str, Any] = {
        "pos": lambda: position(r), "table": lambda: position(r),
        "furnace": lambda: position(r),
        "item": lambda: r.choice(ITEMS) if r.random() < 0.85 else r.choice(JUNK),
        "count": lambda: r.randint(1, 4) if r.random() < 0.7 else r.choice(INTS + JUNK),
        "times": lambda: r.choice(INTS), "entity": lambda: pick(r, "rabbit", "cow", "ghost", 3),
        "seconds": lambda: pick(r, 0, 1, 2.5, -1, 1e9, "x"),
        "within": lambda: pick(r, 0, 1.0, 2.5, -5, 100), "tag": lambda: pick(r, "t", ""),
        "agents": lambda: pick(r, [], ["agent1"], AGENTS, ["ghost"]),
        "bogus": lambda: r.choice(JUNK)}
    for key in r.sample(sorted(fields), r.randint(0, 4)):
        out[key] = fields[key]()
    if out["name"] in ("move_to", "take", "put", "dig", "activate", "step_on") and \
            "pos" not in out and r.random() < 0.8:
        out["pos"] = position(r)
    return out


def message(r: random.Random) -> tuple[str, dict[str, Any] | bytes]:
    """(topic leaf, payload): a message, mostly on the leaf it belongs on; or raw bytes."""
    roll = r.random()
    if roll < 0.08:
        return r.choice(["action", "request", "report"]), r.choice(
            [b"", b"{", b"[]", b"null", b'{"kind": 3}', b'"action"', r.randbytes(12)])
    head: dict[str, Any] = {"message_id": FRESH if r.random() < 0.9 else
                            pick(r, "dup-1", "dup-2"), "sender": "agent1"}
    agent = pick(r, *AGENTS, *AGENTS, *AGENTS, "ghost", "", "agent 1")
    if roll < 0.65:
        leaf, body = "action", {
            "kind": "action" if r.random() < 0.9 else pick(r, "report", "nope"),
            "agent": agent, "action": action(r),
            "seq": NEXT if r.random() < 0.75 else pick(r, -1, 0, 1, 2, *INTS, *JUNK)}
        if r.random() < 0.5:
            body["subtask"] = r.choice(SUBTASKS)
    elif roll < 0.8:
        leaf, body = "request", {"kind": "request", "agent": agent,
                                 "clock": pick(r, 0.0, 1.5, 30.0, 0.0, -1.0, 1e300, "x", None)}
    else:
        leaf, body = "report", {"kind": pick(r, *["report"] * 5, "request"), "agent": agent,
                                "subtask": pick(r, *SUBTASKS, "nope", ""),
                                "ok": pick(r, True, True, False, "yes", None),
                                "clock": pick(r, 0.0, 3.0, 99.0, -2.0, "x")}
    out = {**head, **body}
    if r.random() < 0.1:  # a broken envelope
        key = r.choice(["message_id", "sender", "sent_at", "extra", "kind"])
        out[key] = r.choice(JUNK)
    return leaf, out


class Fixture:
    """One Judger and one Planner for the whole run: state carries over between examples,
    so sequences (duplicates, stale numbers, a subtask held then reported) are exercised."""

    def __init__(self) -> None:
        self.sim = SimBackend(RULES, seed=0)
        self.sim.build(SPEC.world, AGENTS)
        self.judger = JudgerCore(self.sim, list(AGENTS))
        brain = make_brain("offline", RULES, 0.3, 0)
        plan, _t, graph, lines, scheduler, _r = build_planner("full", SPEC, RULES, brain)
        self.planner = PlannerCore(plan=plan, graph=graph.copy(), lines=lines,
                                   scheduler=scheduler, agents=list(AGENTS))
        self.bus = Bus("mqtt://127.0.0.1:1", "fuzz")
        # What the Judger and the Planner subscribe to, without a broker (accept is pure).
        self.bus._subscriptions = [  # noqa: SLF001
            (TOPICS.agent_pattern("action"), ActionRequest),
            (TOPICS.agent_pattern("request"), WorkRequest),
            (TOPICS.agent_pattern("report"), SubtaskReport)]
        self.sent = 0
        self.counts = {"rejected": 0, "duplicate": 0, "screened": 0, "refused": 0, "ran": 0,
                       "planner": 0}

    def encode(self, value: dict[str, Any] | bytes) -> bytes:
        """Bytes as they are; a message with its placeholders filled, as JSON."""
        if isinstance(value, bytes):
            return value
        value = dict(value)
        if value.get("message_id") == FRESH:
            self.sent += 1
            value["message_id"] = f"m{self.sent}"
        if value.get("seq") == NEXT:
            value["seq"] = self.judger.last_seq.get(str(value.get("agent")), 0) + 1
        return json.dumps(value, default=str).encode()

    def world(self) -> tuple[Any, ...]:
        """Everything the simulator holds, as comparable data (cheaper than `snapshot`)."""
        s = self.sim.state
        return (tuple((p, b.name, tuple(sorted(b.state.items()))) for p, b in s.blocks.items()),
                tuple((p, tuple(sorted(c.items.items()))) for p, c in s.containers.items()),
                tuple(sorted((k, tuple(sorted(v.items()))) for k, v in s.inventories.items())),
                tuple(sorted(s.positions.items())),
                tuple(sorted((i, e.type, tuple(e.pos)) for i, e in s.entities_by_id.items())),
                tuple(sorted(s.fired)), repr(s.powered))

    def feed(self, topic: str, raw: bytes) -> None:
        rejected = len(self.bus.rejected)
        msg = self.bus.accept(topic, raw)
        if msg is None:
            if len(self.bus.rejected) > rejected:
                assert self.bus.rejected[-1].reason  # a reason naming what is wrong
                self.counts["rejected"] += 1
            else:
                self.counts["duplicate"] += 1
            return
        if isinstance(msg, ActionRequest):
            self.judge(msg, _topic_agent(topic))
        else:
            self.plan(msg, _topic_agent(topic))

    def judge(self, req: ActionRequest, sender: str | None) -> None:
        before = self.world()
        reason = self.judger.screen(req, sender)
        if reason is not None:
            result = self.judger.refuse(req, reason)
            assert not result.ok and result.reason
            assert self.world() == before
            self.counts["screened"] += 1
            return
        trace = len(self.judger.trace)
        self.judger.submit(req)
        result = self.judger.run(self.judger.pending[req.agent])
        assert req.agent not in self.judger.pending
        assert len(self.judger.trace) == trace + 1
        if not result.ok:
            assert result.reason, "a refusal without a reason"
            assert self.world() == before, f"refused {req.action} changed the world"
            self.counts["refused"] += 1
        else:
            self.counts["ran"] += 1

    def plan(self, msg: WorkRequest | SubtaskReport, sender: str | None) -> None:
        core = self.planner
        refused = len(core.refused)
        reason = core.screen(msg.agent, sender)
        if reason is not None:
            core.refuse(msg.agent, reason)
        elif isinstance(msg, WorkRequest):
            core.request(msg)
        else:
            core.report(msg)
        if not core.finished:
            core.assign(None)
        for agent_, why in core.refused[refused:]:
            assert why, f"a refusal of {agent_!r} without a reason"
        self.counts["planner"] += 1
        check_planner(core)


def check_planner(core: PlannerCore) -> None:
    """The Planner's bookkeeping agrees with itself and with its graph."""
    assert set(core.status.values()) <= {"open", "running", "done", "failed"}
    running = {s for s, v in core.status.items() if v == "running"}
    assert set(core.holders) == running
    held = [a for sid, holders in core.holders.items() for a in holders
            if a not in core.role_reports.get(sid, {})]  # a reported role is let go
    assert len(held) == len(set(held)), "an agent holds two subtasks"
    assert set(held) <= set(core.agents) and set(core.free) <= set(core.agents)
    assert not set(held) & set(core.free), "an agent both works and waits"
    assert nx.is_directed_acyclic_graph(core.graph)
    for sid, state in core.status.items():
        if state in ("running", "done"):
            assert all(core.status[p] == "done" for p in core.graph.predecessors(sid)), \
                f"{sid} {state} before its predecessors were done"


FIXTURE = Fixture()


@pytest.fixture(autouse=True)
def quiet_logs() -> Any:
    """Ten thousand refusals are logged at WARNING: keep them out of the way (and fast)."""
    names = ["agents.bus", "causalcraft"]
    levels = {n: logging.getLogger(n).level for n in names}
    for n in names:
        logging.getLogger(n).setLevel(logging.ERROR)
    yield
    for n, level in levels.items():
        logging.getLogger(n).setLevel(level)


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1))
def test_fuzzed_messages_never_crash_and_refusals_change_nothing(seed: int) -> None:
    r = random.Random(seed)
    leaf, value = message(r)
    claimed = value.get("agent") if isinstance(value, dict) else None
    # The topic's agent: mostly the one the message names, else forged.
    on = claimed if isinstance(claimed, str) and claimed in AGENTS and r.random() < 0.85 \
        else r.choice([*AGENTS, "ghost"])
    FIXTURE.feed(f"{TOPICS.prefix}/agent/{on}/{leaf}", FIXTURE.encode(value))


def test_the_fuzz_reached_every_outcome() -> None:
    """Run after the fuzz (same module, in order): each kind of outcome was exercised."""
    counts = FIXTURE.counts
    print(f"\nfuzz outcomes: {counts}")
    if sum(counts.values()) >= EXAMPLES:
        assert all(counts[k] > 0 for k in counts), counts
