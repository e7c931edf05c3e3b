"""Playing a result file's trace on the watch page, at a chosen speed, re-enacted on a
backend (the simulator, or the embedded server so that the 3D view shows it).

The page gets the same updates as from a live episode: the plan (from the result's `graph`),
each action as the Judger recorded it (refusals with their reasons), the Planner's progress
as the trace shows it (`TraceProgress`: an attempt at a subtask holds it from its first
action to its last, a retry takes over, the last attempt's last action makes it done), and
the score of the re-enacted world after each action.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from agents.messages import TraceEntry
from planner.schedule import ScheduleState
from planner.subtask import Plan, Subtask
from tasks.replay import replay as replay_entries
from tasks.watch.feed import make_scorer, plan_graph
from tasks.watch.session import WatchSession

NEEDED = ("task", "agents", "trace", "graph", "config", "subtasks")


def load_result(path: Path) -> dict[str, Any]:
    """A result file written by `run --out`. Raises ValueError naming what is wrong."""
    try:
        result = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such result file") from None
    except IsADirectoryError:
        raise ValueError(f"{path}: is a folder; give a result file written by `run --out`") \
            from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: not a result file (not JSON: {err})") from None
    if not isinstance(result, dict):
        raise ValueError(f"{path}: not a result file (not a JSON object)")
    missing = [k for k in NEEDED if k not in result]
    if missing:
        raise ValueError(f"{path}: not a result file (missing {', '.join(missing)})")
    shapes = {"trace": list, "subtasks": dict, "graph": dict}
    wrong = [k for k, kind in shapes.items() if k in result and not isinstance(result[k], kind)]
    if wrong:
        raise ValueError(f"{path}: not a result file ({wrong[0]!r} is not a JSON "
                         f"{'list' if shapes[wrong[0]] is list else 'object'})")
    bad = next((i for i, t in enumerate(result.get("trace", []))
                if not isinstance(t, dict) or not all(
                    isinstance(t.get(k), int | float) for k in ("start", "end"))), None)
    if bad is not None:
        raise ValueError(f"{path}: not a result file (trace entry {bad} has no numeric "
                         "start and end)")
    from pydantic import ValidationError

    from env.actions import parse_action

    for i, entry in enumerate(result["trace"]):
        try:
            TraceEntry.model_validate(entry)
            parse_action({"name": entry.get("name"), **dict(entry.get("args") or {})})
        except (ValidationError, ValueError, TypeError) as err:
            first = err.errors()[0] if isinstance(err, ValidationError) else None
            what = (f"{'.'.join(str(x) for x in first['loc'])}: {first['msg']}" if first
                    else str(err).splitlines()[0])
            raise ValueError(f"{path}: not a result file (trace entry {i}: {what})") from None
    return result


def progress_states(plan: Plan, edges: list[tuple[str, str]], done: set[str],
                    working: dict[str, list[str]], failed: set[str]) -> dict[str, str]:
    """Each subtask's state for the page: done, failed, working (someone acts on it), ready
    (every predecessor done) or waiting.

    >>> p = Plan(task="t", hub=None, subtasks=[Subtask(id="a", kind="walk", target="x"),
    ...     Subtask(id="b", kind="walk", target="y")])
    >>> progress_states(p, [("a", "b")], set(), {}, set())
    {'a': 'ready', 'b': 'waiting'}
    """
    preds: dict[str, list[str]] = {}
    for u, v in edges:
        preds.setdefault(v, []).append(u)
    out = {}
    for s in plan.subtasks:
        if s.id in done:
            out[s.id] = "done"
        elif s.id in working:
            out[s.id] = "working"
        elif s.id in failed:
            out[s.id] = "failed"
        else:
            ready = all(p in done for p in preds.get(s.id, []))
            out[s.id] = "ready" if ready else "waiting"
    return out


class TraceProgress:
    """The Planner's progress as a recorded trace shows it, action by action (`step`).

    An attempt holds its subtask from its first action to its last. A later attempt of the
    same subtask (it was retried) takes over, and the earlier one's agents let go; a late
    action of an earlier attempt holds nothing. Between attempts the subtask is open again
    (ready or waiting). It is done when the last action of its last attempt ends, if the run
    finished it (`done_at_end`). Subtasks not in `plan_ids` (a pre-positioning `stage:`
    errand) hold nothing. `sched` (busy rates) is told each claim, release and completion.

    >>> from planner.schedule import ScheduleState
    >>> t = [{"agent": "a1", "subtask": "s", "attempt": 1},
    ...      {"agent": "a2", "subtask": "s", "attempt": 2},
    ...      {"agent": "a2", "subtask": "s", "attempt": 2}]
    >>> p = TraceProgress({"s"}, t, {"s"}, ScheduleState.start([["s"]], ["a1", "a2"]))
    >>> p.step(0, t[0]); (p.working, p.done)
    ({}, set())
    >>> p.step(1, t[1]); (p.working, p.done)
    ({'s': ['a2']}, set())
    >>> p.step(2, t[2]); (p.working, p.done)
    ({}, {'s'})
    """

    def __init__(self, plan_ids: set[str], trace: list[dict[str, Any]], done_at_end: set[str],
                 sched: ScheduleState) -> None:
        self.plan_ids, self.done_at_end, self.sched = plan_ids, done_at_end, sched
        self.final: dict[str, int] = {}
        self.last_of: dict[tuple[str, int], int] = {}
        for i, t in enumerate(trace):
            sid, attempt = t.get("subtask"), int(t.get("attempt") or 0)
            if sid in plan_ids:
                self.final[sid] = max(self.final.get(sid, attempt), attempt)
                self.last_of[(sid, attempt)] = i
        self.current: dict[str, int] = {}
        self.working: dict[str, list[str]] = {}
        self.done: set[str] = set()

    def _let_go(self, sid: str) -> None:
        for agent in self.working.pop(sid, []):
            self.sched.release(agent)

    def step(self, i: int, entry: dict[str, Any]) -> None:
        """Take trace entry `i` (in the order the trace was given)."""
        sid, attempt = entry.get("subtask"), int(entry.get("attempt") or 0)
        if sid not in self.plan_ids or attempt < self.current.get(sid, attempt):
            return
        if attempt != self.current.get(sid):
            self._let_go(sid)
            self.current[sid] = attempt
        holders = self.working.setdefault(sid, [])
        if entry["agent"] not in holders:
            holders.append(entry["agent"])
            self.sched.claim(entry["agent"], sid)
        if self.last_of[(sid, attempt)] == i:
            self._let_go(sid)
            if attempt == self.final[sid] and sid in self.done_at_end:
                self.done.add(sid)
                self.sched.mark_done(sid)


def replay_on_page(result: dict[str, Any], session: WatchSession, backend_name: str,
                   speed: float, source: Path | None = None,
                   linger: float | None = 0) -> str:
    """Re-enact `result`'s trace on `backend_name`, pushing every update to the session's
    page, `speed` times faster than recorded; then keep the page (and the server, so the 3D
    view stays) up for `linger` s (None: until Ctrl-C). Returns a one-line summary."""
    from tasks.catalog import load_task
    from tasks.episode import EpisodeConfig, agent_ids, make_backend

    cfg = EpisodeConfig.model_validate({**result["config"], "backend": backend_name,
                                        "source": source, "server": None})
    spec = load_task(cfg.task, cfg.source, agents=cfg.agents)
    agents = agent_ids(cfg.agents)
    backend = make_backend(cfg, spec)
    try:
        backend.build(spec.world, agents)
        summary = _play(result, spec, backend, agents, session, speed)
        print(summary, flush=True)
        session.linger(linger)
        return summary
    finally:
        backend.close()
        server = getattr(backend, "server", None)
        if server is not None:
            server.stop()


def _play(result: dict[str, Any], spec: Any, backend: Any, agents: list[str],
          session: WatchSession, speed: float) -> str:
    import networkx as nx

    graph = result["graph"]
    plan = Plan(task=spec.id, hub=spec.hub,
                subtasks=[Subtask.model_validate(n) for n in graph.get("nodes", [])])
    server = getattr(backend, "server", None)
    address = f"{server.host}:{server.port}" if server is not None else None
    if address:
        session.start_viewer(address)
    page = session.page
    if page is not None:
        page.info.update(task=spec.id, speed=speed, minecraft=address, replay=True)
        page.push("info", dict(page.info))
        page.push("plan", plan_graph(spec.id, backend.name, result.get("planner", "?"), agents,
                                     plan, graph, address).model_dump(mode="json"))
    true_graph = nx.DiGraph([tuple(e) for e in graph.get("true_edges", [])])
    scorer = make_scorer(spec, backend, true_graph, len(agents))
    repaired = [tuple(e) for e in result["subtasks"].get("repaired_edges", [])]
    edges = [tuple(e) for e in graph.get("edges", [])] + [(u, v) for u, v, _ in repaired]
    lines = [list(x) for x in graph.get("lines", [])]
    sched = ScheduleState.start(lines, agents)
    final_done = set(result["subtasks"].get("done", []))
    final_failed = set(result["subtasks"].get("failed", {}))
    trace = sorted(result["trace"], key=lambda t: (t["end"], t["start"], t["agent"]))
    progress = TraceProgress({s.id for s in plan.subtasks}, trace, final_done, sched)
    done, working = progress.done, progress.working
    so_far: list[TraceEntry] = []
    start = time.monotonic()
    for i, entry in enumerate(trace):
        delay = start + entry["end"] / speed - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        replay_entries([entry], backend)
        so_far.append(TraceEntry.model_validate(entry))
        progress.step(i, entry)
        if page is None:
            continue
        page.push("event", {"text": "", "data": {"action": entry}})
        page.push("score", scorer(so_far).model_dump(mode="json"))
        page.push("progress", {
            "status": progress_states(plan, edges, done, working, set()),
            "holders": working, "busy": [round(sched.busy(k), 4) for k in range(len(lines))],
            "repaired": [list(r) for r in repaired], "finished": False})
    final = scorer(so_far)
    if page is not None:
        page.push("progress", {
            "status": progress_states(plan, edges, done, {}, final_failed - done),
            "holders": {}, "busy": [round(sched.busy(k), 4) for k in range(len(lines))],
            "repaired": [list(r) for r in repaired], "finished": True})
        page.push("state", {"idle": agents, "done": True})
    recorded = result.get("metrics", {}).get("score")
    return (f"replayed    {len(trace)} actions of {spec.id} on {backend.name}: score "
            f"{final.score:.1f} (recorded {recorded})")
