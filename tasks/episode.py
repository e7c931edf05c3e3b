"""One episode, end to end (DESIGN "One episode, end to end").

load the TaskSpec -> build the world on the backend -> start the broker (embedded, or an
external URL) -> the Planner prepares (decompose, prior, refinement, lines, scheduler) ->
Judger, Planner and Workers run as separate bus participants -> score and metrics -> one
result dict (the result file).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from agents.brain import DEFAULT_PRIOR_NOISE, make_brain
from agents.broker import EmbeddedBroker, parse_broker_url
from agents.bus import Bus, Topics
from agents.judger import Judger
from agents.llm import unusable_model
from agents.planner_service import PlannerCore, PlannerService
from agents.worker import Worker, heartbeat_for
from env.backend import Backend
from env.goals import ConstructionGoal
from env.rulebook import load_rulebook
from env.scoring import Score
from env.scoring import score as score_world
from planner.configs import exclusive_stations, get_config
from tasks.breakdown import breakdown_metrics, time_breakdown
from tasks.judge_report import judge_metrics
from tasks.metrics import episode_metrics, trace_lower_bound
from tasks.spec import TaskSpec
from tasks.stopping import hold_interrupts, run_stoppable, stop_reason
from tasks.villagerbench import JudgedBackend, make_judge

log = logging.getLogger("causalcraft.episode")


class EpisodeConfig(BaseModel):
    """Everything that defines an episode; stored whole in its result."""

    model_config = ConfigDict(extra="forbid")

    task: str
    source: Path | None = None
    backend: Literal["sim", "minecraft"] = "sim"
    agents: int = Field(3, ge=1, le=8)
    planner: str = "full"
    brain: Literal["offline", "llm", "hybrid"] = "offline"
    decompose: Literal["rules", "llm"] = "rules"
    """Who splits the task: the rules (the default, fair comparisons) or the LLM."""
    llm: dict[str, Any] | None = None
    """LLM settings (`agents.settings.LLMSettings` fields, never the key) for llm/hybrid."""
    prior_noise: float = Field(DEFAULT_PRIOR_NOISE, ge=0.0, le=1.0)
    seed: int = Field(0, ge=0)
    """Seeds the world's random rolls and the planner's; 0 or more (Python's random takes a
    seed of -n as n)."""
    broker: str | None = None
    """mqtt://host:port of an external broker; ``mosquitto`` starts a mosquitto child;
    None starts the embedded one."""
    server: str | None = None
    """host:port of a running Minecraft 1.19.2 server (minecraft backend); None starts the
    embedded one."""
    timeout_s: float = Field(600.0, gt=0)
    """Wall-clock limit of the episode."""
    budget: Literal["villagerbench", "none"] = "villagerbench"
    """`villagerbench`: the episode stops once its action time passes the task's
    max_action_time, as VillagerBench's judges stop it; `none`: it runs to the end."""
    processes: bool = False
    """Run every participant as its own process (`tasks.participants`)."""
    lease_s: float = Field(60.0, gt=0)
    """A worker silent this long loses its subtask to another."""
    brain_latency_s: float = Field(0.0, ge=0)
    """Seconds of sleep added to every brain call (a slow LLM, for measurements)."""
    strict: bool = False
    """A task-file line that cannot be read is an error, instead of skipped with a warning."""

    @field_validator("server")
    @classmethod
    def _server_needs_the_game(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            split_server(value)  # raises naming what is wrong
        if value is not None and info.data.get("backend") != "minecraft":
            raise ValueError("a server is only used with --backend minecraft "
                             "(the simulator runs no game server)")
        return value


def split_server(value: str) -> tuple[str, int]:
    """(host, port) of a game server's address: `HOST:PORT`, `[IPv6]:PORT` or `:PORT`
    (127.0.0.1). Raises ValueError naming what is wrong: no port, a port outside 1-65535.

    >>> split_server("[::1]:25565"), split_server(":1")
    (('::1', 25565), ('127.0.0.1', 1))
    """
    m = re.fullmatch(r"(?:\[([0-9A-Fa-f:.]+)\]|([^:\s\[\]]*)):(\d+)", value)
    if m is None:
        raise ValueError(f"{value!r} is not HOST:PORT (e.g. 127.0.0.1:25565 or [::1]:25565)")
    port = int(m.group(3))
    if not 1 <= port <= 65535:
        raise ValueError(f"port {port} of {value!r} is not a TCP port (1-65535)")
    return m.group(1) or m.group(2) or "127.0.0.1", port


def agent_ids(n: int) -> list[str]:
    return [f"agent{i}" for i in range(1, n + 1)]


def make_backend(cfg: EpisodeConfig, spec: TaskSpec) -> Backend:
    rules = load_rulebook().with_world(spec.world)
    if cfg.backend == "sim":
        from env.sim import SimBackend

        return SimBackend(rules, seed=cfg.seed)
    from env.minecraft.backend import MinecraftBackend
    from env.minecraft.server import ServerProcess

    if cfg.server:
        host, port = split_server(cfg.server)
        return MinecraftBackend(rules, host=host, port=port)
    # The embedded server: started here, stopped with the backend (see run_episode).
    log_dir = Path("runs") / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    server = ServerProcess(port=0, log_path=log_dir / f"server-{uuid.uuid4().hex[:8]}.log")
    server.start()
    try:
        return MinecraftBackend(rules, server=server)
    except BaseException:
        server.stop()
        raise


def prepare_plan(spec: TaskSpec, cfg: EpisodeConfig, backend: Backend,
                 brain: Any) -> tuple[Any, nx.DiGraph, nx.DiGraph, list[list[str]], Any, dict]:
    """Decompose, take the brain's prior, refine it as the planner configuration says, and
    cut the lines. Returns (plan, true graph, refined graph, lines, scheduler, graph record)."""
    from planner.configs import build_planner

    return build_planner(cfg.planner, spec, backend.rules, brain, seed=cfg.seed,
                         agents=cfg.agents, backend=backend, decomposition=cfg.decompose)


def building_site(spec: TaskSpec) -> list[tuple[int, int]]:
    """The (x, z) columns a construction blueprint covers, sorted."""
    if not isinstance(spec.goal, ConstructionGoal):
        return []
    return sorted({(b.pos[0], b.pos[2]) for b in spec.goal.blueprint})


def llm_client(cfg: EpisodeConfig) -> Any:
    """The LLM client of an llm/hybrid episode (None for the offline brain). Raises
    agents.settings.SettingsError on a bad setting."""
    if cfg.brain == "offline":
        return None
    from agents.llm import LLMClient
    from agents.settings import load_settings

    settings = load_settings(**(cfg.llm or {}))
    settings.needs_endpoint()
    return LLMClient(settings)


STABLE_LLM_KEYS = ("mode", "cache")
"""LLM settings that say how this run was made, not what it is: kept out of `config` (they
go in the `run` block), so that a replay's result equals the recorded one."""


def failure_repair(cfg: EpisodeConfig, spec: TaskSpec, backend: Backend, brain: Any,
                   plan: Any) -> Any:
    """For planners with a causal estimator: on a failure, ask it which edges into the failed
    subtask the graph missed (planner.replan). Planners without one only retry."""
    from planner.configs import get_config, make_estimator
    from planner.decompose import task_rules
    from planner.replan import missing_edges

    pc = get_config(cfg.planner)
    if pc.estimator == "none":
        return None
    rules = task_rules(spec, backend.rules)
    estimator = make_estimator(pc, getattr(brain, "ask", None), None, rules,
                               getattr(brain, "judge", None), getattr(brain, "judge_samples", 3),
                               getattr(brain, "judge_batch", 20))
    return lambda graph, failed, done: missing_edges(graph, plan, rules, failed, done,
                                                     estimator, pc.tau)


OnBus = Callable[[str, str, dict[str, Any]], Awaitable[Any]]
"""Called once the broker is up, before any participant speaks: (broker URL, episode id,
what the page shows about the run: task, minecraft host:port or None, and `account`, the
(username, password) a viewer logs in with on a broker with accounts, never shown). A
viewer subscribes there, so it misses nothing. With `local` in the info (the participants
publish in the caller's process) it may instead return a tap (`agents.bus.Bus.taps`) that
the caller adds to every participant's bus client; None otherwise."""


async def _run(cfg: EpisodeConfig, spec: TaskSpec, backend: Backend,
               client: Any = None, on_bus: OnBus | None = None) -> dict[str, Any]:
    from agents.model_threads import DaemonExecutor

    # Blocking calls (model requests) in daemon threads: an interrupted episode never
    # waits on a request in flight.
    executor = DaemonExecutor()
    asyncio.get_running_loop().set_default_executor(executor)
    try:
        result = await _episode(cfg, spec, backend, client, on_bus)
    except BaseException:
        executor.abandon()
        raise
    else:
        if result.get("interrupted") or result.get("timed_out"):
            executor.abandon()  # a model call may still be in flight: not waited for
        return result
    finally:
        # Abort model requests still in flight (a timeout, Ctrl-C) before the loop closes.
        if client is not None:
            client.close()


async def _episode(cfg: EpisodeConfig, spec: TaskSpec, backend: Backend,
                   client: Any, on_bus: OnBus | None = None) -> dict[str, Any]:
    agents = agent_ids(cfg.agents)
    judged = JudgedBackend(backend, make_judge(spec, cfg.agents), cfg.budget == "villagerbench")
    brain = make_brain(cfg.brain, backend.rules, cfg.prior_noise, cfg.seed, client)
    if cfg.brain_latency_s:
        from agents.latency import LatencyBrain

        brain = LatencyBrain(brain, cfg.brain_latency_s)
    t0 = time.perf_counter()
    # In a thread: an LLM brain's planning calls must not hold the event loop.
    plan, true_graph, graph, lines, scheduler, record = await asyncio.to_thread(
        prepare_plan, spec, cfg, backend, brain)
    plan_s = time.perf_counter() - t0
    core = PlannerCore(plan=plan, graph=graph.copy(), lines=lines, scheduler=scheduler,
                       agents=agents, repair=failure_repair(cfg, spec, backend, brain, plan),
                       keep_out=building_site(spec), rounds=get_config(cfg.planner).rounds)
    core.repair_blocking = client is not None
    topics = Topics(f"ep{uuid.uuid4().hex[:10]}")
    stop = asyncio.Event()

    async with contextlib.AsyncExitStack() as stack:
        if cfg.broker == "mosquitto":
            from agents.broker import MosquittoBroker

            url = (await stack.enter_async_context(MosquittoBroker())).url
        elif cfg.broker:
            host, port = parse_broker_url(cfg.broker)[:2]
            url = f"mqtt://{host}:{port}"
        else:
            broker = await stack.enter_async_context(EmbeddedBroker())
            url = broker.url
        buses = {}
        for name in ["judger", "planner", *agents]:
            buses[name] = await stack.enter_async_context(Bus(url, f"{topics.episode}-{name}"))
        # Viewers' messages (plan, progress, score) when someone can watch: with --watch, or
        # on an external broker (`causalcraft watch`); a plain run skips their cost.
        viewers = on_bus is not None or cfg.broker is not None
        server = getattr(backend, "server", None)
        address = f"{server.host}:{server.port}" if server is not None else cfg.server
        if on_bus is not None:
            tap = await on_bus(url, topics.episode, {"task": spec.id, "minecraft": address,
                                                     "local": True})
            if tap is not None:
                for bus in buses.values():
                    bus.taps.append(tap)
        from tasks.watch.feed import make_scorer, plan_graph

        judger = Judger(buses["judger"], topics, judged, agents,  # type: ignore[arg-type]
                        scorer=make_scorer(spec, backend, true_graph, cfg.agents)
                        if viewers else None)
        planner = PlannerService(buses["planner"], topics, core, spec.hub,
                                 ordered=not backend.realtime,
                                 lease_s=max(cfg.lease_s, lease_for(client)), plan_graph=plan_graph(
            spec.id, backend.name, cfg.planner, agents, plan, record,
            address if backend.name == "minecraft" else None) if viewers else None)
        workers = [Worker(a, buses[a], topics, brain, backend.observe(a),
                          heartbeat_s=heartbeat_for(planner.lease_s)) for a in agents]
        # Subscriptions first, so that no early message is lost.
        tasks = [asyncio.create_task(judger.serve(stop)),
                 asyncio.create_task(planner.serve(stop))]
        await asyncio.sleep(0.05)
        tasks += [asyncio.create_task(w.serve(stop)) for w in workers]
        failure: list[str] = []
        watchdog = asyncio.create_task(_watch_health(backend, failure))
        model_failure: list[str] = []
        model_watch = asyncio.create_task(_watch_model(client, model_failure))
        ended = asyncio.create_task(
            _finished_or_over_budget(planner.finished, judged, cfg.timeout_s))
        interrupted = False
        try:
            await asyncio.wait({watchdog, model_watch, ended},
                               return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            # Ctrl-C: stop every participant now and keep what happened (a partial result).
            interrupted = True
            hold_interrupts()
            this = asyncio.current_task()
            if this is not None:
                this.uncancel()
        timed_out = not interrupted and ended.done() and not ended.result()
        for waiter in (watchdog, model_watch, ended):
            waiter.cancel()
        await asyncio.gather(watchdog, model_watch, ended, return_exceptions=True)
        if not model_failure and client is not None and client.unusable:
            model_failure.append(client.unusable)  # found just as the planner gave up
        timed_out = timed_out and not model_failure
        health = getattr(backend, "health", None)
        if not failure and health is not None:
            # The game may have died just before the end (its actions failing fast).
            reason = await asyncio.to_thread(health)
            if reason is not None:
                failure.append(reason)
        if failure:
            log.error("episode %s failed: %s", cfg.task, failure[0])
        elif model_failure:
            log.error("episode %s stopped: %s", cfg.task, model_failure[0])
        elif timed_out:
            log.warning("episode %s hit its %.0f s wall-clock limit", cfg.task, cfg.timeout_s)
        stop.set()
        if interrupted:
            for task in tasks:  # a worker may be waiting on the model: no waiting for it
                task.cancel()
        for name, outcome in zip(["judger", "planner", *agents],
                                 await asyncio.gather(*tasks, return_exceptions=True),
                                 strict=True):
            if isinstance(outcome, Exception):
                log.error("%s stopped on an error: %s", name, outcome,
                          exc_info=(type(outcome), outcome, outcome.__traceback__))
        rejected = sum(len(b.rejected) for b in buses.values())

    trace = judger.core.trace
    if judged.stopped:
        # What VillagerBench never runs: the actions after it ended the episode.
        trace = [t for t in trace if t.start < (judged.judge.over_at or 0.0)]
    t_end = max((t.end for t in trace), default=0.0)
    # A dead game cannot be read: its judge's readings stay as they were.
    villagerbench = judged.judge.block(t_end) if failure else judged.finish(t_end)
    if failure:
        # The world cannot be read any more: the partial result keeps the trace, scores 0.
        result_score = Score(0.0, 0.0, {})
    else:
        result_score = score_world(spec.goal, backend.view(), spec.world.triggers,
                                   set(backend.fired()))
    record = {"nodes": [s.model_dump(mode="json", exclude_defaults=True) for s in plan.subtasks],
              **record}
    result = episode_result(cfg, spec, brain=brain.name, trace=trace, score=result_score.score,
                            completion=result_score.completion, details=result_score.details,
                            true_graph=true_graph, subtasks=core.summary(), record=record,
                            llm_calls=brain.llm_calls, tokens=brain.tokens,
                            timed_out=timed_out, rejected=rejected, plan_s=plan_s,
                            backend=backend.name, villagerbench=villagerbench,
                            budget_stop=judged.stopped,
                            llm=client.stats() if client is not None else None,
                            run={"wall_s": round(time.perf_counter() - t0, 3),
                                 "llm_mode": client.settings.mode if client is not None else None,
                                 "llm_cache": str(client.settings.cache) if client is not None
                                 and client.settings.cache else None,
                                 "llm_cache_hits": client.cache_hits if client is not None
                                 else 0})
    if failure:
        result["failure"] = failure[0]
    elif model_failure:
        result["failure"] = f"the model stopped the episode: {model_failure[0]}"
    elif interrupted:
        result["interrupted"] = True
        result["failure"] = f"{stop_reason()}: the episode was stopped; this result is partial"
    return result


async def _watch_model(client: Any, failure: list[str], every_s: float = 0.2) -> None:
    """Return (with the reason appended to `failure`) once the LLM client found its endpoint
    unusable (`LLMClient.unusable`: every call is refused, or no question was ever answered);
    without a client, never."""
    while client is None or client.unusable is None:
        await asyncio.sleep(every_s if client is not None else 3600.0)
    failure.append(client.unusable)


async def _watch_health(backend: Backend, failure: list[str], every_s: float = 1.0) -> None:
    """Return (with the reason appended to `failure`) once the backend says the game cannot
    go on (`health()`, a real server's); backends without it are never checked."""
    health = getattr(backend, "health", None)
    if health is None:
        await asyncio.Event().wait()
        return
    while True:
        await asyncio.sleep(every_s)
        reason = await asyncio.to_thread(health)
        if reason is not None:
            failure.append(reason)
            return


def episode_result(cfg: EpisodeConfig, spec: TaskSpec, *, brain: str, trace: list[Any],
                   score: float, completion: float, details: dict[str, float],
                   true_graph: nx.DiGraph, subtasks: dict[str, Any], record: dict[str, Any],
                   llm_calls: int, tokens: int, timed_out: bool, rejected: int,
                   plan_s: float, backend: str | None, villagerbench: dict[str, Any],
                   budget_stop: bool, llm: dict[str, Any] | None = None,
                   run: dict[str, Any] | None = None) -> dict[str, Any]:
    """The result dict of an episode from its parts (one process or several). An episode
    whose model answered none of its questions has a `failure` (it measured no model)."""
    lb, critical, work = trace_lower_bound(true_graph, trace, cfg.agents,
                                           exclusive_stations(spec, load_rulebook()))
    metrics = episode_metrics(trace, agent_ids(cfg.agents), spec.budget_s, lb, score,
                              completion, llm_calls, tokens)
    metrics.update({k: round(v, 6) for k, v in details.items()})
    metrics["budget_s"] = villagerbench.get("max_action_time", spec.budget_s)
    metrics["budget_stop"] = budget_stop
    metrics["critical_path_s"] = round(critical, 4)
    metrics.update(judge_metrics(record.get("judge_accuracy")))
    breakdown = time_breakdown(trace, agent_ids(cfg.agents), list(subtasks.get("failed", [])))
    # Planning wall time alone varies between runs of one seed: it stays in the `run` block.
    breakdown.pop("planning_s", None)
    metrics.update(breakdown_metrics(breakdown))
    unusable = unusable_model(llm)
    return {
        **({"failure": unusable} if unusable else {}),
        "task": spec.id,
        "family": spec.family,
        "backend": backend or cfg.backend,
        "agents": cfg.agents,
        "seed": cfg.seed,
        "planner": cfg.planner,
        "brain": brain,
        "prior_noise": cfg.prior_noise,
        "config": stable_config(cfg),
        "decomposition": cfg.decompose,
        "metrics": metrics,
        "villagerbench": villagerbench,
        "timed_out": timed_out,
        "rejected_messages": rejected,
        "subtasks": subtasks,
        "breakdown": breakdown,
        "graph": record,
        "trace": [t.model_dump(mode="json") for t in trace],
        "import_warnings": list(spec.import_warnings),
        **({"llm": llm} if llm is not None else {}),
        "run": {"plan_s": round(plan_s, 4), **(run or {})},
    }


async def _finished_or_over_budget(finished: asyncio.Event, judged: JudgedBackend,
                                   timeout_s: float) -> bool:
    """Wait until the planner is done or the budget stop ended the episode: True; False when
    the wall-clock limit came first."""
    async def over_budget() -> None:
        while not judged.stopped:
            await asyncio.sleep(0.01)

    waits = {asyncio.create_task(finished.wait()), asyncio.create_task(over_budget())}
    done, pending = await asyncio.wait(waits, timeout=timeout_s,
                                       return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return bool(done)


def lease_for(client: Any, base_s: float = 60.0) -> float:
    """How long the Planner waits on a silent worker: longer than one model step can take
    (every re-ask, each with all its retries and backoff, timing out)."""
    if client is None:
        return base_s
    s = client.settings
    tries = s.max_retries + 1
    one = tries * s.timeout_s + s.backoff_s * (2 ** tries)
    return max(base_s, (s.reasks + 1) * one + 10.0)


def stable_config(cfg: EpisodeConfig) -> dict[str, Any]:
    """The config as a result records it: without how the LLM answers were obtained."""
    out = cfg.model_dump(mode="json")
    if out.get("llm"):
        out["llm"] = {k: v for k, v in out["llm"].items() if k not in STABLE_LLM_KEYS}
    return out


def run_episode(cfg: EpisodeConfig | dict[str, Any], on_bus: OnBus | None = None,
                keep_server: Callable[[Any], None] | None = None,
                on_server: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run one episode and return its result (see the module docstring). `on_bus`: see
    `OnBus` (the watch page). `keep_server`: who stops the embedded game server instead
    of the episode (the watch page keeps it, and its 3D view, up while it lingers).
    `on_server`: called with the game server's host:port before the world is built (the
    watch page's 3D view joins then, so the world streams to it during the build); in one
    process only."""
    from tasks.catalog import load_task

    if not isinstance(cfg, EpisodeConfig):
        cfg = EpisodeConfig.model_validate(cfg)
    spec = load_task(cfg.task, cfg.source, agents=cfg.agents, strict=cfg.strict)
    if cfg.agents < spec.min_agents:
        raise ValueError(f"{spec.id} needs at least {spec.min_agents} agents, got {cfg.agents}")
    if cfg.processes:
        from tasks.participants import run_processes

        return run_processes(cfg, on_bus=on_bus, keep_server=keep_server)
    client = llm_client(cfg)
    backend = make_backend(cfg, spec)
    try:
        server = getattr(backend, "server", None)
        if on_server is not None and backend.name == "minecraft":
            on_server(f"{server.host}:{server.port}" if server is not None else str(cfg.server))
        backend.build(spec.world, agent_ids(cfg.agents))
        return run_stoppable(_run(cfg, spec, backend, client, on_bus))
    finally:
        if client is not None:
            client.close()
        backend.close()
        server = getattr(backend, "server", None)
        if server is not None and not cfg.server:
            (keep_server or type(server).stop)(server)
