"""Participants as processes: `causalcraft agent --role planner|judger|worker` runs one of
them, and `run_processes` (``causalcraft run --processes``) starts every participant of an
episode as its own process and collects the result.

Each participant connects to the broker on its own, with a persistent session (QoS 1 messages
wait for it across a lost connection or a broker restart) and reconnects for up to
`reconnect_s`. It prints `agents.processes.ready_line` once subscribed. The owner starts them
all at once: a worker asks the Judger what it sees and the Planner for work again (the same
message, so never twice) until each answers, so nothing is lost to a service still starting
or planning. Workers think ahead on provisional results (`agents.worker`). At the end each sends a
`Summary` (its part of the result) on its summary topic; the runner assembles the result from
them, the same dict `tasks.episode.run_episode` returns in one process.

- Judger: owns the world (builds it on the backend, runs every action, scores the end).
- Planner: plans (decompose, prior, refinement, lines), hands out work, takes back the work
  of a worker whose heartbeat stops for `lease_s`.
- Worker: asks the Judger what it sees, then works until the Planner says the episode is over.

Broker credentials: the username is the participant's id (``planner``, ``judger``, the agent
id), the password comes from the environment only (`PASSWORD_ENV`). The runner makes a
random password per participant for the broker it starts, and hands it over in that variable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field

from agents.broker import AccessControl, EmbeddedBroker, MosquittoBroker, parse_broker_url
from agents.bus import Bus, Topics, check_id
from agents.judger import Judger
from agents.messages import Summary, TraceEntry
from agents.planner_service import PlannerCore, PlannerService
from agents.processes import ProcessOwner, ready_line
from agents.worker import AHEAD, Worker, heartbeat_for

log = logging.getLogger("causalcraft.participants")

PASSWORD_ENV = "CAUSALCRAFT_MQTT_PASSWORD"
"""The environment variable a participant reads its broker password from."""
RECONNECT_S = 120.0
"""How long a participant tries to reach a lost broker again before it gives up."""
INTERRUPT_GRACE_S = 20.0
"""After a Ctrl-C or SIGTERM, how long the runner waits for the participants' summaries
(each ends its part and sends what it has) before it writes the partial result."""
Role = Literal["planner", "judger", "worker"]


class ParticipantConfig(BaseModel):
    """What `causalcraft agent` needs: the role and id, the broker, and the episode's
    definition (the same fields as `EpisodeConfig`, so every participant plans, scores and
    acts on the same task)."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    id: str
    episode: str
    broker: str
    task: str
    source: Path | None = None
    backend: Literal["sim", "minecraft"] = "sim"
    agents: int = Field(3, ge=1, le=8)
    planner: str = "full"
    brain: Literal["offline", "llm", "hybrid"] = "offline"
    decompose: Literal["rules", "llm"] = "rules"
    llm: dict[str, Any] | None = None
    """LLM settings (`agents.settings.LLMSettings` fields, never the key: each participant
    reads OPENAI_API_KEY from its environment). Each participant that calls the model has
    its own client, so `budget_tokens` and `rate` hold per participant process."""
    prior_noise: float = Field(0.3, ge=0.0, le=1.0)
    seed: int = 0
    server: str | None = Field(None, pattern=r"^[^:\s]*:\d{1,5}$")
    budget: Literal["villagerbench", "none"] = "villagerbench"
    lease_s: float = Field(60.0, gt=0)
    brain_latency_s: float = Field(0.0, ge=0)
    timeout_s: float = Field(600.0, gt=0)
    viewers: bool = False
    """Publish what the watch page shows: the Planner its plan and progress, the Judger
    the score after each action (`tasks.watch.feed`)."""

    def episode_config(self) -> Any:
        from tasks.episode import EpisodeConfig

        return EpisodeConfig(task=self.task, source=self.source, backend=self.backend,
                             agents=self.agents, planner=self.planner, brain=self.brain,
                             decompose=self.decompose, llm=self.llm,
                             prior_noise=self.prior_noise, seed=self.seed, server=self.server,
                             budget=self.budget, timeout_s=self.timeout_s, lease_s=self.lease_s,
                             brain_latency_s=self.brain_latency_s)


def _bus(cfg: ParticipantConfig, name: str) -> Bus:
    address = parse_broker_url(cfg.broker)
    return Bus(f"mqtt://{address.host}:{address.port}", f"{cfg.episode}-{name}",
               username=address.username or name,
               password=os.environ.get(PASSWORD_ENV) or address.password,
               persistent=True, reconnect_s=RECONNECT_S)


def _announce(role: str, name: str) -> None:
    print(ready_line(role, name), flush=True)


def _counts(bus: Bus) -> dict[str, int]:
    return {"rejected": len(bus.rejected), "duplicates": bus.duplicates,
            "reconnects": bus.reconnects}


def _brain(cfg: ParticipantConfig, rules: Any) -> tuple[Any, Any]:
    """The participant's brain and its LLM client (None for the offline brain)."""
    from agents.brain import make_brain
    from tasks.episode import llm_client

    client = llm_client(cfg.episode_config())
    brain = make_brain(cfg.brain, rules, cfg.prior_noise, cfg.seed, client)
    if cfg.brain_latency_s:
        from agents.latency import LatencyBrain

        brain = LatencyBrain(brain, cfg.brain_latency_s)
    return brain, client


@contextlib.contextmanager
def _until_interrupted() -> Iterator[asyncio.Event]:
    """An event SIGINT or SIGTERM sets (the runner passes its Ctrl-C or SIGTERM on to every
    participant): the participant then ends its part at once and still sends its summary,
    so that the runner writes the partial result. Off the main thread, never set."""
    loop = asyncio.get_running_loop()
    event = asyncio.Event()
    installed: list[int] = []
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, event.set)
            installed.append(sig)
    try:
        yield event
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


async def _first(*events: asyncio.Event, timeout_s: float) -> None:
    """Wait until one of `events` is set, or `timeout_s` passed."""
    waits = {asyncio.create_task(e.wait()) for e in events}
    _done, pending = await asyncio.wait(waits, timeout=timeout_s,
                                        return_when=asyncio.FIRST_COMPLETED)
    for waiter in pending:
        waiter.cancel()


def _llm_data(client: Any) -> dict[str, Any]:
    """A summary's LLM part: the client's `llm` block and cache hits ({} without one)."""
    if client is None:
        return {}
    client.close()
    return {"llm": client.stats(), "llm_cache_hits": client.cache_hits}


async def run_judger(cfg: ParticipantConfig) -> dict[str, Any]:
    """Build the world, judge every action until the Planner says the end, score it."""
    from env.scoring import score as score_world
    from tasks.catalog import load_task
    from tasks.episode import agent_ids, make_backend
    from tasks.villagerbench import JudgedBackend, make_judge

    ecfg = cfg.episode_config()
    spec = load_task(ecfg.task, ecfg.source, agents=ecfg.agents)
    agents = agent_ids(ecfg.agents)
    backend = make_backend(ecfg, spec)
    try:
        backend.build(spec.world, agents)
        judged = JudgedBackend(backend, make_judge(spec, ecfg.agents),
                               ecfg.budget == "villagerbench")
        topics = Topics(cfg.episode)
        stop = asyncio.Event()
        async with _bus(cfg, cfg.id) as bus:
            judger = Judger(bus, topics, judged, agents,  # type: ignore[arg-type]
                            scorer=_viewer_scorer(spec, backend, ecfg.agents)
                            if cfg.viewers else None)
            serving = asyncio.create_task(judger.serve(stop))
            await judger.ready.wait()
            _announce("judger", cfg.id)

            async def over_budget() -> None:
                while not judged.stopped:
                    await asyncio.sleep(0.05)

            budget_stop = asyncio.Event()
            watcher = asyncio.create_task(over_budget())
            watcher.add_done_callback(lambda _t: budget_stop.set())
            with _until_interrupted() as interrupted:
                await _first(judger.done, budget_stop, interrupted, timeout_s=cfg.timeout_s)
            watcher.cancel()
            stop.set()
            await asyncio.gather(serving, return_exceptions=True)
            trace = judger.core.trace
            if judged.stopped:
                # What VillagerBench never runs: the actions after it ended the episode.
                trace = [t for t in trace if t.start < (judged.judge.over_at or 0.0)]
            villagerbench = judged.finish(max((t.end for t in trace), default=0.0))
            result = score_world(spec.goal, backend.view(), spec.world.triggers,
                                 set(backend.fired()))
            data = {"trace": [t.model_dump(mode="json") for t in trace],
                    "score": result.score, "completion": result.completion,
                    "details": result.details, "fired": sorted(backend.fired()),
                    "backend": backend.name, "refused": len(judger.core.refused),
                    "villagerbench": villagerbench, "budget_stop": judged.stopped,
                    "finished": judger.done.is_set() or judged.stopped,
                    "interrupted": interrupted.is_set(),
                    "held_s": {a: round(v, 3) for a, v in judger.core.held_s.items()},
                    "dropped": judger.core.dropped, **_counts(bus)}
            await bus.publish(topics.summary("judger"),
                              Summary(sender=cfg.id, role="judger", agent=cfg.id, data=data))
            return data
    finally:
        backend.close()


async def run_planner(cfg: ParticipantConfig) -> dict[str, Any]:
    """Plan, hand out the work until it is done (or failed for good), send the summary."""
    from env.rulebook import load_rulebook
    from planner.configs import build_planner, get_config
    from tasks.catalog import load_task
    from tasks.episode import agent_ids, building_site, failure_repair, lease_for
    from tasks.watch.feed import plan_graph

    ecfg = cfg.episode_config()
    spec = load_task(ecfg.task, ecfg.source, agents=ecfg.agents)
    rules = load_rulebook().with_world(spec.world)
    brain, client = _brain(cfg, rules)
    t0 = time.perf_counter()
    plan, true_graph, graph, lines, scheduler, record = build_planner(
        ecfg.planner, spec, rules, brain, seed=ecfg.seed, agents=ecfg.agents,
        decomposition=ecfg.decompose)
    plan_s = time.perf_counter() - t0
    core = PlannerCore(plan=plan, graph=graph.copy(), lines=lines, scheduler=scheduler,
                       agents=agent_ids(ecfg.agents),
                       repair=failure_repair(ecfg, spec, _RulesOnly(rules), brain, plan),
                       keep_out=building_site(spec), rounds=get_config(ecfg.planner).rounds)
    core.repair_blocking = client is not None
    topics = Topics(cfg.episode)
    stop = asyncio.Event()
    async with _bus(cfg, cfg.id) as bus:
        service = PlannerService(bus, topics, core, spec.hub,
                                 lease_s=max(cfg.lease_s, lease_for(client, cfg.lease_s)),
                                 ordered=ecfg.backend != "minecraft",
                                 plan_graph=plan_graph(
                                     spec.id, ecfg.backend, ecfg.planner, agent_ids(ecfg.agents),
                                     plan, record, ecfg.server) if cfg.viewers else None)
        serving = asyncio.create_task(service.serve(stop))
        await service.ready.wait()
        _announce("planner", cfg.id)
        with _until_interrupted() as interrupted:
            await _first(service.finished, interrupted, timeout_s=cfg.timeout_s)
        stop.set()
        await asyncio.gather(serving, return_exceptions=True)
        record = {"nodes": [s.model_dump(mode="json", exclude_defaults=True)
                            for s in plan.subtasks], **record}
        data = {"subtasks": core.summary(), "graph": record, "plan_s": round(plan_s, 4),
                "true_edges": sorted(map(list, true_graph.edges)),
                "brain": brain.name, "llm_calls": brain.llm_calls, "tokens": brain.tokens,
                "finished": service.finished.is_set(), "refused": len(core.refused),
                "interrupted": interrupted.is_set(),
                "gone": sorted(core.gone), **_counts(bus), **_llm_data(client)}
        await bus.publish(topics.summary("planner"),
                          Summary(sender=cfg.id, role="planner", agent=cfg.id, data=data))
        return data


def _viewer_scorer(spec: Any, backend: Any, agents: int) -> Any:
    """The Judger's score for viewers. The lower bound is taken over the rules'
    dependency graph of the task (the Judger plans nothing; with the rules' decomposition
    it is the Planner's true graph, with an LLM's the subtasks it shares with the rules')."""
    from planner.decompose import decompose, task_rules
    from planner.graph import rule_graph
    from tasks.watch.feed import make_scorer

    rules = task_rules(spec, backend.rules)
    return make_scorer(spec, backend, rule_graph(decompose(spec, rules), rules), agents)


class _RulesOnly:
    """What `failure_repair` reads of a backend: its rules (the Planner owns no world)."""

    def __init__(self, rules: Any) -> None:
        self.rules = rules


async def take_seat(cfg: ParticipantConfig, wait_s: float = 300.0) -> str:
    """``--id auto``: ask the Planner for a free agent id (as broker user ``worker``, which
    may publish only seat requests), asking again every 2 s until it answers."""
    from agents.messages import Seat, SeatRequest

    nonce = uuid.uuid4().hex[:12]
    topics = Topics(cfg.episode)
    address = parse_broker_url(cfg.broker)
    async with Bus(f"mqtt://{address.host}:{address.port}", f"{cfg.episode}-seat-{nonce}",
                   username=address.username or "worker",
                   password=os.environ.get(PASSWORD_ENV) or address.password,
                   reconnect_s=RECONNECT_S) as bus:
        await bus.subscribe(topics.seat(nonce), Seat)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            await bus.publish(topics.seat_request(nonce), SeatRequest(sender="worker",
                                                                      nonce=nonce))
            try:
                _topic, seat = await bus.receive(timeout=2.0)
            except TimeoutError:
                continue
            assert isinstance(seat, Seat)
            if seat.agent is None:
                raise ValueError(f"episode {cfg.episode}: every one of its {cfg.agents} "
                                 "agents is taken (scale the workers to --agents)")
            return seat.agent
    raise ValueError(f"episode {cfg.episode}: no Planner answered a seat request in "
                     f"{wait_s:.0f} s")


async def run_worker(cfg: ParticipantConfig) -> dict[str, Any]:
    """Work as agent `cfg.id` (``auto``: one the Planner hands out) until the Planner says
    the episode is over."""
    from env.rulebook import load_rulebook
    from tasks.catalog import load_task
    from tasks.episode import agent_ids

    if cfg.id == "auto":
        cfg = cfg.model_copy(update={"id": await take_seat(cfg)})
        log.warning("seated as %s", cfg.id)
    ecfg = cfg.episode_config()
    if cfg.id not in agent_ids(ecfg.agents):
        raise ValueError(f"--id {cfg.id!r}: a worker of a {ecfg.agents}-agent episode is one "
                         f"of {', '.join(agent_ids(ecfg.agents))}")
    spec = load_task(ecfg.task, ecfg.source, agents=ecfg.agents)
    brain, client = _brain(cfg, load_rulebook().with_world(spec.world))
    topics = Topics(cfg.episode)
    stop = asyncio.Event()
    async with _bus(cfg, cfg.id) as bus:
        # a beat well inside the Planner's lease: a worker waiting its turn is not taken
        # for gone
        worker = Worker(cfg.id, bus, topics, brain, None, ahead=AHEAD,
                        heartbeat_s=heartbeat_for(cfg.lease_s))
        serving = asyncio.create_task(worker.serve(stop))
        await worker.ready.wait()
        _announce("worker", cfg.id)
        with _until_interrupted() as interrupted:
            await _first(worker.finished, interrupted, timeout_s=cfg.timeout_s)
        stop.set()
        if interrupted.is_set():
            serving.cancel()  # its brain may be waiting on a model: no waiting for it
        await asyncio.gather(serving, return_exceptions=True)
        data = {"llm_calls": brain.llm_calls, "tokens": brain.tokens,
                "brain_calls": getattr(brain, "calls", None), "actions_sent": worker.seq,
                "timing": worker.timing.as_dict(), **_counts(bus), **_llm_data(client)}
        await bus.publish(topics.summary("worker", cfg.id),
                          Summary(sender=cfg.id, role="worker", agent=cfg.id, data=data))
        return data


def run_participant(cfg: ParticipantConfig) -> int:
    """`causalcraft agent`: run one participant to its end; 0 if its part finished."""
    check_id(cfg.id, "--id")
    check_id(cfg.episode, "--episode")
    runner = {"judger": run_judger, "planner": run_planner, "worker": run_worker}[cfg.role]
    data = asyncio.run(runner(cfg))
    return 0 if data.get("finished", True) else 1


# -- the runner: every participant as its own process ------------------------------------------


def participant_argv(role: Role, name: str, episode: str, broker: str, ecfg: Any,
                     python: str = sys.executable, llm_config: Path | None = None,
                     viewers: bool = False, verbose: bool = False) -> list[str]:
    """The command line of one participant of episode `ecfg` (an `EpisodeConfig`).
    `llm_config`: the JSON file of the episode's LLM settings (`--llm-config`; no key: the
    participant reads OPENAI_API_KEY from the environment it inherits). `viewers`:
    publish what the watch page shows (`--viewers`). `verbose`: its log says what it does
    (`-v`: the Judger logs every action), as the runner's own does.

    >>> from tasks.episode import EpisodeConfig
    >>> participant_argv("worker", "agent1", "e1", "mqtt://127.0.0.1:1883",
    ...                  EpisodeConfig(task="cooking/cake_0"), python="py")[:9]
    ['py', '-m', 'tasks.cli', 'agent', '--role', 'worker', '--id', 'agent1', '--episode']
    """
    argv = [python, "-m", "tasks.cli", "agent", "--role", role, "--id", name,
            "--episode", episode, "--broker", broker, "--task", ecfg.task,
            "--backend", ecfg.backend, "--agents", str(ecfg.agents), "--planner", ecfg.planner,
            "--brain", ecfg.brain, "--prior-noise", str(ecfg.prior_noise),
            "--seed", str(ecfg.seed), "--budget", ecfg.budget, "--lease", str(ecfg.lease_s),
            "--brain-latency", str(ecfg.brain_latency_s), "--timeout", str(ecfg.timeout_s)]
    if ecfg.source is not None:
        argv += ["--source", str(ecfg.source)]
    if ecfg.server:
        argv += ["--server", ecfg.server]
    if ecfg.decompose != "rules":
        argv += ["--decompose", ecfg.decompose]
    if llm_config is not None:
        argv += ["--llm-config", str(llm_config)]
    if viewers:
        argv.append("--viewers")
    if verbose:
        argv.append("-v")
    return argv


class EpisodeProcesses:
    """The participants of one episode as child processes, and their broker accounts.

    `run` is `run_processes`; fault tests build one of these themselves to reach `owner`
    (kill a worker) and `broker` (restart it) while the episode runs in another thread.
    """

    def __init__(self, ecfg: Any, *, log_dir: Path | None = None,
                 broker: EmbeddedBroker | MosquittoBroker | None = None,
                 on_bus: Any = None, keep_server: Callable[[Any], None] | None = None
                 ) -> None:
        from tasks.episode import agent_ids

        self.ecfg = ecfg
        self.episode = f"ep{uuid.uuid4().hex[:10]}"
        self.topics = Topics(self.episode)
        self.agents = agent_ids(ecfg.agents)
        self.passwords = {name: secrets.token_urlsafe(16)
                          for name in ["planner", "judger", "runner", "watch", *self.agents]}
        self.access: AccessControl = self.topics.participants_access(
            {a: self.passwords[a] for a in self.agents}, self.passwords["planner"],
            self.passwords["judger"],
            {"runner": self.passwords["runner"], "watch": self.passwords["watch"]})
        self.on_bus = on_bus
        """`tasks.episode.OnBus`: called once the broker (and the embedded game server) is
        up, before any participant starts; its info carries the page's broker account."""
        self.keep_server = keep_server
        """Who stops the embedded game server instead of this run (the watch page keeps
        it up while it lingers); None: stopped with the participants."""
        self.viewers = on_bus is not None or ecfg.broker is not None
        """Participants publish plan, progress and score: with a page, or on a broker
        someone else can watch (as in one process)."""
        self.broker = broker
        self.owner = ProcessOwner(log_dir or Path("runs") / "logs" / self.episode)
        self.started = threading.Event()
        """Set once every participant is ready."""
        self.url: str | None = None
        """The broker's mqtt://host:port, once known."""
        self.server: Any = None

    def make_broker(self) -> EmbeddedBroker | MosquittoBroker | None:
        """The broker this run starts: the embedded one unless `--broker` names one
        (``mosquitto`` starts a mosquitto child with persistence; a URL is used as is)."""
        if self.broker is not None:
            return self.broker
        if self.ecfg.broker is None:
            return EmbeddedBroker(self.access)
        if self.ecfg.broker == "mosquitto":
            return MosquittoBroker(self.access, persistence=True)
        return None

    def _start_server(self) -> None:
        """The embedded game server of a Minecraft run without `--server`."""
        if self.ecfg.backend == "minecraft" and not self.ecfg.server and self.server is None:
            from env.minecraft.server import ServerProcess

            self.server = ServerProcess(port=0, log_path=self.owner.log_dir / "server.log")
            self.server.start()

    def _start_children(self, url: str, own_accounts: bool) -> None:
        self._start_server()
        ecfg = self.ecfg
        if self.server is not None:
            ecfg = ecfg.model_copy(update={"server": f"{self.server.host}:{self.server.port}"})
        llm_config = None
        if ecfg.llm is not None:
            import json

            llm_config = self.owner.log_dir / "llm.json"
            llm_config.parent.mkdir(parents=True, exist_ok=True)
            llm_config.write_text(json.dumps(ecfg.llm, indent=1))
        # All at once: a worker asks the Judger what it sees, and the Planner for work, again
        # every 2 s until each answers, so nothing it sends before they are up is lost.
        everyone: list[tuple[Role, str]] = [("judger", "judger"), ("planner", "planner"),
                                            *[("worker", a) for a in self.agents]]
        verbose = logging.getLogger("causalcraft").isEnabledFor(logging.INFO)
        for role, name in everyone:
            env = {PASSWORD_ENV: self.passwords[name]} if own_accounts else {}
            self.owner.start(name, participant_argv(role, name, self.episode, url, ecfg,
                                                    llm_config=llm_config,
                                                    viewers=self.viewers, verbose=verbose),
                             env=env)
        for role, name in everyone:
            self.owner.await_ready(self.owner.children[name], ready_line(role, name),
                                   timeout_s=300.0)
        self.started.set()

    async def run(self) -> dict[str, Any]:
        async with contextlib.AsyncExitStack() as stack:
            broker = self.make_broker()
            own_accounts = broker is not None
            if broker is not None:
                if self.broker is None:
                    await stack.enter_async_context(broker)
                url = broker.url
            else:
                address = parse_broker_url(self.ecfg.broker)
                url = f"mqtt://{address.host}:{address.port}"
            self.url = url
            password = self.passwords["runner"] if own_accounts else os.environ.get(PASSWORD_ENV)
            bus = await stack.enter_async_context(Bus(
                url, f"{self.episode}-runner", username="runner" if own_accounts else None,
                password=password, persistent=True, reconnect_s=RECONNECT_S))
            await bus.subscribe(self.topics.summary("planner"), Summary)
            await bus.subscribe(self.topics.summary("judger"), Summary)
            await bus.subscribe(self.topics.agent_pattern("summary"), Summary)
            stack.callback(self._stop)
            t0 = time.perf_counter()
            if self.on_bus is not None:
                await asyncio.to_thread(self._start_server)
                server = (f"{self.server.host}:{self.server.port}" if self.server is not None
                          else self.ecfg.server if self.ecfg.backend == "minecraft" else None)
                await self.on_bus(url, self.episode, {
                    "task": self.ecfg.task, "minecraft": server,
                    "account": ("watch", self.passwords["watch"]) if own_accounts else None})
            await asyncio.to_thread(self._start_children, url, own_accounts)
            t1 = time.perf_counter()
            got: dict[str, dict[str, Any]] = {}
            interrupted = False
            try:
                summaries = await self._collect(bus, got)
            except asyncio.CancelledError:
                # Ctrl-C or SIGTERM mid-episode: every participant ends its part and sends
                # its summary; the partial result is made of what came in time.
                this = asyncio.current_task()
                if this is not None:
                    this.uncancel()
                interrupted = True
                from tasks.stopping import hold_interrupts

                hold_interrupts()
                self.owner.signal_all(signal.SIGINT)
                summaries = await self._collect(bus, got, limit_s=INTERRUPT_GRACE_S)
            t2 = time.perf_counter()
        result = assemble(self.ecfg, summaries, self.agents)
        if interrupted:
            result["interrupted"] = True
            result["timed_out"] = False
            from tasks.stopping import stop_reason

            result["failure"] = (f"{stop_reason()}: the episode was stopped; this result is "
                                 "partial" + (f" ({result['failure']})"
                                              if result.get("failure") else ""))
        elif result["timed_out"]:
            log.warning("episode %s hit its %.0f s wall-clock limit", self.ecfg.task,
                        self.ecfg.timeout_s)
        result["processes"]["startup_s"] = round(t1 - t0, 3)
        result["processes"]["ready_s"] = {
            c.name: round(c.ready_at - c.started_at, 3) for c in self.owner.children.values()
            if c.ready_at is not None}
        result["processes"]["episode_s"] = round(t2 - t1, 3)
        return result

    def _stop(self) -> None:
        self.owner.stop_all()
        if self.server is not None:
            (self.keep_server or type(self.server).stop)(self.server)

    async def _collect(self, bus: Bus, got: dict[str, dict[str, Any]],
                       limit_s: float | None = None) -> dict[str, dict[str, Any]]:
        """The summaries, into `got` (name -> data) as they come: the Judger's and the
        Planner's (waited for up to the episode's limit, or `limit_s`, or until one of them
        exits), then the workers' still alive (a few seconds)."""
        deadline = time.monotonic() + (self.ecfg.timeout_s + 30.0 if limit_s is None
                                       else limit_s)
        workers_deadline: float | None = None
        while time.monotonic() < (workers_deadline or deadline):
            try:
                _topic, msg = await bus.receive(timeout=0.5)
            except TimeoutError:
                if not {"judger", "planner"} <= set(got) and any(
                        not self.owner.children[n].running() for n in ("judger", "planner")
                        if n not in got):
                    break  # a service died without its summary: the episode is over
                if workers_deadline is None and {"judger", "planner"} <= set(got):
                    workers_deadline = time.monotonic() + 5.0
                continue
            assert isinstance(msg, Summary)
            got[msg.agent if msg.role == "worker" else msg.role] = msg.data
            if len(got) == 2 + len(self.agents):
                break
        return got


def assemble(ecfg: Any, summaries: dict[str, dict[str, Any]], agents: list[str]) -> dict[str, Any]:
    """The episode's result from the participants' summaries (see `tasks.episode`)."""
    from tasks.catalog import load_task
    from tasks.episode import episode_result

    spec = load_task(ecfg.task, ecfg.source, agents=ecfg.agents)
    judger = summaries.get("judger")
    planner = summaries.get("planner")
    missing = [n for n in ("judger", "planner") if n not in summaries]
    trace = [TraceEntry.model_validate(t) for t in (judger or {}).get("trace", [])]
    nodes = [n["id"] for n in (planner or {}).get("graph", {}).get("nodes", [])]
    true_graph: nx.DiGraph = nx.DiGraph()
    true_graph.add_nodes_from(nodes)
    true_graph.add_edges_from(tuple(e) for e in (planner or {}).get("true_edges", []))
    workers = [summaries[a] for a in agents if a in summaries]
    llm_calls = (planner or {}).get("llm_calls", 0) + sum(w["llm_calls"] for w in workers)
    tokens = (planner or {}).get("tokens", 0) + sum(w["tokens"] for w in workers)
    parts = [s for s in summaries.values()]
    llm = None
    if ecfg.llm is not None:
        from agents.llm import stats_of

        # The planner's calls, then each worker's, in agent order.
        calls = [c for p in [planner, *workers] for c in ((p or {}).get("llm") or {})
                 .get("calls_log", [])]
        llm = stats_of(calls, ecfg.llm.get("model", ""), ecfg.llm.get("base_url", ""))
    result = episode_result(
        ecfg, spec, brain=(planner or {}).get("brain", ecfg.brain), trace=trace,
        score=(judger or {}).get("score", 0.0), completion=(judger or {}).get("completion", 0.0),
        details=(judger or {}).get("details", {}), true_graph=true_graph,
        subtasks=(planner or {}).get("subtasks", {}), record=(planner or {}).get("graph", {}),
        llm_calls=llm_calls, tokens=tokens,
        # The Judger knows whether the episode ran to its end (or to a budget stop); the
        # Planner counts an episode the Judger stopped at its wall-clock limit as finished.
        timed_out=not ((judger or {}).get("finished", False) if judger is not None
                       else (planner or {}).get("finished", False)),
        rejected=sum(p.get("rejected", 0) for p in parts),
        plan_s=(planner or {}).get("plan_s", 0.0), backend=(judger or {}).get("backend"),
        villagerbench=(judger or {}).get("villagerbench", {}),
        budget_stop=bool((judger or {}).get("budget_stop", False)), llm=llm,
        run={"llm_mode": ecfg.llm.get("mode"), "llm_cache": ecfg.llm.get("cache"),
             "llm_cache_hits": sum(p.get("llm_cache_hits", 0) for p in parts)}
        if ecfg.llm is not None else None)
    result["processes"] = {
        "participants": sorted(summaries),
        "missing": missing + [a for a in agents if a not in summaries],
        "duplicates_dropped": sum(p.get("duplicates", 0) for p in parts),
        "reconnects": sum(p.get("reconnects", 0) for p in parts),
        "refused": (judger or {}).get("refused", 0) + (planner or {}).get("refused", 0),
        "gone": (planner or {}).get("gone", []),
        "actions_sent": sum(w.get("actions_sent", 0) for w in workers),
        "actions_dropped": (judger or {}).get("dropped", 0),
        "timing": {a: {**summaries[a].get("timing", {}),
                       "held_s": (judger or {}).get("held_s", {}).get(a, 0.0)}
                   for a in agents if a in summaries},
    }
    if missing:
        result["failure"] = f"no summary from {', '.join(missing)} (the process ended early)"
    return result


def run_processes(ecfg: Any, on_start: Callable[[EpisodeProcesses], None] | None = None,
                  on_bus: Any = None, keep_server: Callable[[Any], None] | None = None
                  ) -> dict[str, Any]:
    """Run episode `ecfg` (an `EpisodeConfig`) with every participant in its own process;
    the result has the same keys as `run_episode`'s, plus ``processes`` (who took part,
    duplicates dropped, reconnects, refusals). `on_bus`, `keep_server`: the watch page's
    hooks (`EpisodeProcesses`)."""
    episode = EpisodeProcesses(ecfg, on_bus=on_bus, keep_server=keep_server)
    if on_start is not None:
        on_start(episode)
    from tasks.stopping import run_stoppable

    return run_stoppable(episode.run())
