"""Replay a recorded action trace on a backend, and compare what two worlds ended up as.

The parity check between backends: the same actions, in the trace's order, must leave the
same inventories, chest contents, blocks and score on the simulator and on a real server.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from env.actions import parse_action
from env.backend import Backend
from env.goals import Goal
from env.scoring import score
from env.world import Pos, Trigger

SKIPPED = frozenset({"rendezvous"})  # a meeting point, not a change to the world


def replay(trace: Sequence[dict[str, Any]], backend: Backend) -> list[tuple[str, bool, str | None]]:
    """Run every successful action of `trace` (result-file entries) on `backend`, in order.
    Returns (action name, ok, reason) per action run."""
    done: list[tuple[str, bool, str | None]] = []
    for entry in trace:
        if not entry["ok"] or entry["name"] in SKIPPED:
            continue
        args = dict(entry["args"])
        if entry["name"] == "move_to" and entry.get("at") is not None:
            # Walk to where the agent really ended up, so that both worlds see it there.
            args = {"pos": [math.floor(v) for v in entry["at"]], "within": 0.0}
        action = parse_action({"name": entry["name"], **args})
        refusal = action.check(backend.view(), entry["agent"], backend.rules)
        if refusal is not None:
            done.append((entry["name"], False, refusal.text))
            continue
        # At its recorded start: a furnace busy with an earlier job, a fire still burning,
        # a plate still pressed are the same as in the recorded run.
        outcome = backend.execute(entry["agent"], action, float(entry.get("start", 0.0)))
        done.append((entry["name"], outcome.ok, outcome.reason))
    return done


def touched(trace: Iterable[dict[str, Any]]) -> tuple[list[Pos], list[Pos]]:
    """(block positions placed, dug or used; chest positions) that a trace acted on."""
    blocks: set[Pos] = set()
    chests: set[Pos] = set()
    for e in trace:
        pos = e["args"].get("pos")
        if e["name"] in ("place", "dig", "activate", "step_on") and pos is not None:
            blocks.add(tuple(pos))  # type: ignore[arg-type]
        if e["name"] in ("take", "put") and pos is not None:
            chests.add(tuple(pos))  # type: ignore[arg-type]
    return sorted(blocks), sorted(chests)


def world_state(backend: Backend, agents: Sequence[str], blocks: Sequence[Pos],
                chests: Sequence[Pos], goal: Goal, triggers: list[Trigger]) -> dict[str, Any]:
    """What the parity check compares: inventories, chest contents, block names, score."""
    view = backend.view()
    return {
        "inventories": {a: {k: v for k, v in sorted(view.inventory(a).items()) if v}
                        for a in agents},
        "chests": {",".join(map(str, p)): {k: v for k, v in sorted(
            (view.container(p) or {}).items()) if v} for p in chests},
        "blocks": {",".join(map(str, p)): view.block(p).name for p in blocks},
        "score": round(score(goal, view, triggers, set(backend.fired())).score, 6),
    }
