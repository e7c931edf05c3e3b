"""The `causalcraft` command line.

    causalcraft run TASK [--source DIR] [--backend sim|minecraft] [--agents N] [--planner NAME]
                         [--brain offline|llm|hybrid] [--decompose rules|llm]
                         [--model M --base-url URL] [--record FILE | --replay FILE]
                         [--llm-budget TOKENS] [--agent-llm-budget TOKENS] [--llm-rate N]
                         [--llm-config FILE.json] [--prior-noise P] [--seed S] [--out FILE.json]
    causalcraft tasks list [--source DIR]
    causalcraft planners
    causalcraft bench ...      (see `causalcraft bench --help`)
    causalcraft report DIR ...
    causalcraft server start|stop|status
    causalcraft agent --role planner|judger|worker --id ID --episode EP --broker URL --task T
    causalcraft watch --broker URL [EPISODE]
    causalcraft replay RESULT.json --watch [--speed X] [--backend sim|minecraft]

Every bad input ends with one line naming the problem and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any, NoReturn

from agents.broker import BrokerError
from agents.bus import BusError
from agents.llm import LLMError
from agents.processes import ProcessError
from env.backend import BackendError
from tasks.stopping import on_sigterm, terminated

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process it terminated
"""Ctrl-C (128 + SIGINT), as shells report it."""


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # "causalcraft: error: run: argument --agents: ...", the program named once
        command = self.prog.partition(" ")[2]
        raise CliError(f"{command}: {message}" if command else message)


FLAGS = {"timeout_s": "--timeout", "lease_s": "--lease", "brain_latency_s": "--brain-latency"}
"""EpisodeConfig fields whose flag is not the field's name with dashes."""


def flag_of(field: str) -> str:
    """The command-line flag that sets EpisodeConfig's `field`.

    >>> flag_of("timeout_s"), flag_of("prior_noise")
    ('--timeout', '--prior-noise')
    """
    return FLAGS.get(field, "--" + field.replace("_", "-"))


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _agents(text: str) -> int:
    """A number of agents: VillagerBench's episodes take 1 to 8 (EpisodeConfig.agents)."""
    value = _positive_int(text)
    if value > 8:
        raise argparse.ArgumentTypeError(f"{text!r} is more than 8 agents")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} must be between 0 and 1")
    return value


def _folder(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not a folder")
    return path


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value >= 0.0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number >= 0")
    return value


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0.0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number of seconds > 0")
    return value


def _add_participant_tuning(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lease", type=_positive_seconds, default=60.0, help="seconds of silence after "
                   "which a worker's subtask goes to another (default 60)")
    p.add_argument("--brain-latency", type=_seconds, default=0.0, help="seconds of sleep "
                   "added to every brain call, as a slow LLM would take (default 0)")


def _watch_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--watch", action="store_true",
                   help="serve a live page of the run on 127.0.0.1 (prints its address)")
    p.add_argument("--watch-port", type=int, default=0,
                   help="port of the page (default: a free one); a taken port only warns")
    p.add_argument("--watch-linger", type=_seconds, default=None, metavar="S",
                   help="keep the page up S seconds after the run (default: until Ctrl-C)")


def _tokens(text: str) -> int:
    return _positive_int(text)


def _per_second(text: str) -> float:
    try:
        value = float(text.removesuffix("/s"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a rate (calls per second)") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be above 0")
    return value


def add_llm_arguments(p: argparse.ArgumentParser) -> None:
    """The LLM flags (`agents.settings.LLMSettings`); the key comes from OPENAI_API_KEY."""
    g = p.add_argument_group("LLM (for --brain llm|hybrid; the key is read from "
                             "OPENAI_API_KEY)")
    g.add_argument("--model", help="model name as the endpoint knows it")
    g.add_argument("--base-url", help="OpenAI-compatible base URL, e.g. "
                   "http://127.0.0.1:8080/v1")
    mode = g.add_mutually_exclusive_group()
    mode.add_argument("--record", type=Path, metavar="FILE",
                      help="record every call in this cache (answers found there are reused)")
    mode.add_argument("--replay", type=Path, metavar="FILE",
                      help="answer only from this cache, offline; a missing request fails")
    g.add_argument("--llm-budget", type=_tokens, metavar="TOKENS",
                   help="tokens the whole episode may spend")
    g.add_argument("--agent-llm-budget", type=_tokens, metavar="TOKENS",
                   help="tokens each participant (worker, planner) may spend")
    g.add_argument("--llm-rate", type=_per_second, metavar="N",
                   help="at most N calls per second")
    g.add_argument("--max-tokens", type=_tokens, help="completion tokens per call")
    g.add_argument("--llm-timeout", type=float, metavar="S", help="seconds per request")
    g.add_argument("--judge-samples", type=_positive_int, metavar="K",
                   help="samples per edge batch of the LLM ATE judge (default 3)")
    g.add_argument("--llm-config", type=Path, metavar="FILE",
                   help="JSON file of LLM settings (flags win over it, it over the "
                        "CAUSALCRAFT_LLM_* environment)")


LLM_FLAGS = ("model", "base_url", "record", "replay", "llm_budget", "agent_llm_budget",
             "llm_rate", "max_tokens", "llm_timeout", "judge_samples", "llm_config")


def llm_settings_of(args: argparse.Namespace) -> dict[str, Any] | None:
    """The LLM settings the flags ask for, checked (None for the offline brain). Raises
    CliError with one line for a bad value."""
    from agents.llm import cache_header
    from agents.settings import SettingsError, load_settings

    if args.brain == "offline":
        given = [f for f in LLM_FLAGS if getattr(args, f, None) is not None]
        if given or args.decompose == "llm":
            what = "--decompose llm" if not given else "--" + given[0].replace("_", "-")
            raise CliError(f"{what} needs --brain llm or --brain hybrid")
        return None
    flags: dict[str, Any] = {"model": args.model, "base_url": args.base_url,
                             "budget_tokens": args.llm_budget,
                             "agent_budget_tokens": args.agent_llm_budget,
                             "rate": args.llm_rate, "max_tokens": args.max_tokens,
                             "timeout_s": args.llm_timeout,
                             "judge_samples": args.judge_samples}
    if args.record is not None:
        if args.record.is_dir():
            raise CliError(f"--record: {args.record} is a folder; give the recording's path")
        if args.record.exists() and args.record.stat().st_size and \
                not cache_header(args.record):
            raise CliError(f"--record: {args.record} exists and is not a recording of LLM "
                           "answers (no causalcraft-llm header line); it is left as it is")
        flags.update(mode="record", cache=args.record)
    elif args.replay is not None:
        if not args.replay.is_file():
            raise CliError(f"--replay: {args.replay} does not exist")
        header = cache_header(args.replay)
        if not header:
            raise CliError(f"--replay: {args.replay} is not a recording of LLM answers "
                           "(no causalcraft-llm header line)")
        flags.update(mode="replay", cache=args.replay)
        for key in ("model", "base_url"):
            if flags[key] is None and header.get(key):
                flags[key] = header[key]
    try:
        settings = load_settings(args.llm_config, **flags)
        settings.needs_endpoint()
    except SettingsError as err:
        raise CliError(str(err)) from None
    return settings.public()


def build_parser() -> Parser:
    from agents.brain import DEFAULT_PRIOR_NOISE

    p = Parser(prog="causalcraft", description="Cooperative Minecraft agents under a causal "
               "planner (VillagerBench tasks).")
    p.add_argument("-v", "--verbose", action="store_true", help="log every action")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)

    run = sub.add_parser("run", help="run one episode")
    run.add_argument("task", help="task id, e.g. cooking/cake_0, construction/task_0, escape/2-0")
    run.add_argument("--source", type=_folder, help="read VillagerBench files from this folder")
    run.add_argument("--backend", choices=["sim", "minecraft"], default="sim")
    run.add_argument("--agents", type=_agents, default=3)
    run.add_argument("--planner", default="full", help="planner configuration (see `planners`)")
    run.add_argument("--brain", choices=["offline", "llm", "hybrid"], default="offline",
                     help="offline (rules, no network), llm (the model plans and acts) or "
                          "hybrid (the model plans, the rules act)")
    run.add_argument("--decompose", choices=["rules", "llm"], default="rules",
                     help="who splits the task into subtasks (default rules)")
    add_llm_arguments(run)
    run.add_argument("--prior-noise", type=_rate, default=DEFAULT_PRIOR_NOISE,
                     help=f"offline brain's prior error rate (default {DEFAULT_PRIOR_NOISE})")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--broker", help="mqtt://host:port of an external broker, or "
                     "'mosquitto' to start one (default: an embedded one)")
    run.add_argument("--server", help="host:port of a running Minecraft 1.19.2 server for "
                     "--backend minecraft (default: start the embedded one)")
    run.add_argument("--out", type=Path, help="write the result JSON here (a new file; "
                     "--force replaces one)")
    run.add_argument("--force", action="store_true",
                     help="let --out replace an existing result file")
    run.add_argument("--timeout", type=_positive_seconds, default=600.0,
                     help="wall-clock limit, seconds")
    run.add_argument("--budget", choices=["villagerbench", "none"], default="villagerbench",
                     help="villagerbench (default): stop once the action time passes the task's "
                          "max_action_time, as VillagerBench does; none: run to the end")
    run.add_argument("--strict", action="store_true",
                     help="a task-file line that cannot be read is an error (default: skipped, "
                          "with a warning kept in the result's import_warnings)")
    run.add_argument("--processes", action="store_true",
                     help="run the Planner, the Judger and each Worker as its own process")
    _add_participant_tuning(run)

    agent = sub.add_parser("agent", help="run one participant of an episode (Planner, Judger "
                           "or a Worker) in this process")
    agent.add_argument("--role", choices=["planner", "judger", "worker"], required=True)
    agent.add_argument("--id", required=True, help="participant id: planner, judger, or the "
                       "worker's agent id (agent1, agent2, ...; 'auto': one the Planner hands "
                       "out, for scaled replicas); also its broker username")
    agent.add_argument("--episode", required=True, help="episode id (topic prefix cc/<id>/), "
                       "the same for every participant of the episode")
    agent.add_argument("--broker", required=True, help="mqtt://host:port; the password is "
                       "read from CAUSALCRAFT_MQTT_PASSWORD")
    agent.add_argument("--task", required=True, help="task id, e.g. cooking/cake_0")
    agent.add_argument("--source", type=_folder, help="read VillagerBench files from this folder")
    agent.add_argument("--backend", choices=["sim", "minecraft"], default="sim")
    agent.add_argument("--agents", type=_agents, default=3)
    agent.add_argument("--planner", default="full")
    agent.add_argument("--brain", choices=["offline", "llm", "hybrid"], default="offline")
    agent.add_argument("--decompose", choices=["rules", "llm"], default="rules")
    add_llm_arguments(agent)
    agent.add_argument("--prior-noise", type=_rate, default=DEFAULT_PRIOR_NOISE)
    agent.add_argument("--seed", type=int, default=0)
    agent.add_argument("--server", help="host:port of the Minecraft server (Judger, "
                       "--backend minecraft)")
    agent.add_argument("--timeout", type=_positive_seconds, default=600.0,
                     help="wall-clock limit, seconds")
    agent.add_argument("--budget", choices=["villagerbench", "none"], default="villagerbench",
                       help="the Judger's budget stop (see `run --budget`)")
    agent.add_argument("--viewers", action="store_true",
                       help="publish what the watch page shows (plan, progress, score)")
    _add_participant_tuning(agent)
    _watch_arguments(run)

    tasks = sub.add_parser("tasks", help="list tasks")
    tsub = tasks.add_subparsers(dest="tasks_command", required=True, parser_class=Parser)
    tlist = tsub.add_parser("list", help="list task ids")
    tlist.add_argument("--source", type=_folder)

    sub.add_parser("planners", help="list planner configurations")

    watch = sub.add_parser("watch", help="follow an episode on a broker: the page, or lines")
    watch.add_argument("--broker", required=True,
                       help="mqtt://host:port of the broker the episodes use (run them with "
                            "the same --broker)")
    watch.add_argument("episode_id", nargs="?", metavar="EPISODE",
                       help="serve the watch page for this episode (its id is printed by "
                            "`run --watch`); without it, print every episode's events")
    watch.add_argument("--watch-port", type=int, default=0,
                       help="port of the page on 127.0.0.1 (default: a free one)")
    watch.add_argument("--episode", default="+", help="print one episode's events only")
    watch.add_argument("--count", type=_positive_int, help="stop after this many events")

    from tasks.bench import add_bench_arguments, add_report_arguments

    add_bench_arguments(sub.add_parser("bench", help="run a benchmark sweep"))
    add_report_arguments(sub.add_parser("report", help="summarize a sweep"))

    replay = sub.add_parser("replay", help="play a result file's trace on the watch page")
    replay.add_argument("result", type=Path, help="a result JSON written by `run --out`")
    replay.add_argument("--speed", type=float, default=1.0,
                        help="times faster than the recorded clock (default 1)")
    replay.add_argument("--backend", choices=["sim", "minecraft"], default="sim",
                        help="re-enact on this backend (minecraft: the embedded server, shown "
                             "in 3D)")
    replay.add_argument("--source", type=_folder, help="read VillagerBench files from this "
                        "folder (as the run did)")
    _watch_arguments(replay)

    server = sub.add_parser("server", help="the embedded Minecraft server")
    server.add_argument("action", choices=["start", "stop", "status", "run"],
                        help="start (in the background), stop, status, or run (in the "
                        "foreground until stopped, as in a container)")
    server.add_argument("--host", default="127.0.0.1",
                        help="address to listen on for `run` (default 127.0.0.1; 0.0.0.0 in a "
                        "container)")
    server.add_argument("--port", type=int, default=25565,
                        help="port to listen on (0: a free one; default 25565, a client's default)")
    server.add_argument("--runs", type=Path, default=Path("runs"),
                        help="folder for the server's record and log (default runs/)")
    # `-v` also after the subcommand (`causalcraft run X -v`); SUPPRESS keeps one given
    # before it
    for parser in [*sub.choices.values(), *tsub.choices.values()]:
        parser.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                            help="log every action")
    return p


def _summary(result: dict[str, Any]) -> str:
    m = result["metrics"]
    lines = [
        f"task        {result['task']}  ({result['backend']}, {result['agents']} agents, "
        f"planner {result['planner']}, brain {result['brain']}, seed {result['seed']})",
        f"completion  {m['completion']:.3f}   score {m['score']:.1f}",
        f"efficiency  {m['efficiency']:.3f}   balance {m['balance']:.3f}",
        f"makespan    {m['makespan_s']:.1f} s   lower bound {m['lower_bound_s']:.1f} s "
        f"(LB/makespan {m['lb_ratio']:.3f})",
        f"actions     {m['actions']}   failed {m['failed_actions']}   "
        f"LLM calls {m['llm_calls']}   tokens {m['tokens']}",
        f"graph       {len(result['graph'].get('nodes', []))} subtasks, "
        f"{len(result['graph'].get('edges', []))} edges",
    ]
    if result.get("failure"):
        lines.append(f"FAILED      {result['failure']}")
    for text in result.get("import_warnings") or []:
        lines.append(f"import      {text}")
    llm = result.get("llm")
    if llm:
        lines.append(f"llm         {llm['model']} at {llm['base_url']} "
                     f"({result.get('run', {}).get('llm_mode')}): {llm['calls']} calls "
                     f"({llm['failed']} failed, {llm['reasks']} re-asks), {llm['tokens']} "
                     f"tokens, {llm['seconds']:.1f} s, median {llm['median_latency_s']:.2f} s")
    acc = result.get("graph", {}).get("judge_accuracy")
    if acc:
        lines.append(f"judge       edges {acc['edges']}: accuracy {acc['edge_accuracy']}, "
                     f"false keeps {acc['edge_false_keeps']}, false prunes "
                     f"{acc['edge_false_prunes']}; interventions {acc['interventions']}: "
                     f"accuracy {acc['intervention_accuracy']}")
    failed = result.get("subtasks", {}).get("failed") or {}
    for sid, why in sorted(failed.items()):
        lines.append(f"unfinished  {sid}: {why or 'never started'}")
    if result.get("breakdown"):
        from tasks.breakdown import render_episode_breakdown

        lines.append("where the time went:")
        lines.append(render_episode_breakdown(result["breakdown"],
                                                (result.get("run") or {}).get("plan_s")))
    return "\n".join(lines)


def cmd_run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from tasks.episode import EpisodeConfig, run_episode

    if args.out is not None and args.out.is_dir():
        raise CliError(f"--out: {args.out} is a folder; give the result file's path")
    if args.out is not None:  # where it goes must hold a file, before the episode is run
        blocked = next((p for p in args.out.parents if p.exists() and not p.is_dir()), None)
        if blocked is not None:
            raise CliError(f"--out: {blocked} is a file, so {args.out} cannot be written")
        existing = next(p for p in args.out.parents if p.exists())
        if not os.access(existing, os.W_OK):
            raise CliError(f"--out: {existing} is not writable, so {args.out} cannot be written")
    if args.out is not None and args.out.exists() and not args.force:
        raise CliError(f"--out: {args.out} already exists; choose another path or "
                       "pass --force to replace it")
    llm = llm_settings_of(args)
    try:
        cfg = EpisodeConfig(task=args.task, source=args.source, backend=args.backend,
                            agents=args.agents, planner=args.planner, brain=args.brain,
                            decompose=args.decompose, llm=llm,
                            prior_noise=args.prior_noise, seed=args.seed, broker=args.broker,
                            server=args.server, budget=args.budget, timeout_s=args.timeout,
                            processes=args.processes, lease_s=args.lease,
                            brain_latency_s=args.brain_latency, strict=args.strict)
    except ValidationError as err:
        first = err.errors()[0]
        why = first["msg"].removeprefix("Value error, ")
        raise CliError(f"{flag_of(str(first['loc'][0]))}: {why}") from None
    try:
        if not args.watch:
            result = run_episode(cfg)
            _print_result(result, args.out)
            return _run_status(result, args.out)
        from tasks.catalog import load_task
        from tasks.watch.session import WatchSession

        # a task that cannot be read fails before the page's address is printed
        load_task(cfg.task, cfg.source, agents=cfg.agents, strict=cfg.strict)
        with WatchSession(args.watch_port, world=cfg.backend == "minecraft") as session:
            result = run_episode(cfg, on_bus=session.on_bus, keep_server=session.keep_server,
                                 on_server=session.start_viewer)
            _print_result(result, args.out)
            session.linger(args.watch_linger)
        return _run_status(result, args.out)
    except KeyboardInterrupt:
        # Before the episode started (planning) there is no result to keep.
        from tasks.stopping import release_interrupts

        release_interrupts()
        kept = f"; the LLM calls made so far are kept in {args.record}" if args.record else ""
        how = ("terminated (SIGTERM)", EXIT_TERMINATED) if terminated() else \
            ("interrupted (Ctrl-C)", EXIT_INTERRUPTED)
        print(f"causalcraft: {how[0]} before the episode started: no result{kept}",
              file=sys.stderr, flush=True)
        return how[1]


def _run_status(result: dict[str, Any], out: Path | None) -> int:
    """0 done, 1 failed, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM): the partial
    result was printed, and kept in `out`. A replay that met requests its recording lacks is
    1, with one line: it ran, but it is not the recorded episode."""
    if result.get("interrupted"):
        where = f" and written to {out}" if out else ""
        how = ("terminated (SIGTERM)", EXIT_TERMINATED) if terminated() else \
            ("interrupted (Ctrl-C)", EXIT_INTERRUPTED)
        print(f"causalcraft: {how[0]}: the partial result is above{where}",
              file=sys.stderr, flush=True)
        return how[1]
    misses = (result.get("llm") or {}).get("replay_misses", 0)
    if misses:
        print(f"causalcraft: error: --replay: {misses} model request(s) not in the recording, "
              "so this run is not the recorded one (see graph.problems and the unfinished "
              "subtasks)", file=sys.stderr, flush=True)
        return 1
    return 1 if result.get("failure") else 0


def _print_result(result: dict[str, Any], out: Path | None) -> None:
    """Print the summary and write the result to `out`; a second Ctrl-C after the one that
    stopped the episode waits until this is done (`tasks.stopping.hold_interrupts`)."""
    from tasks.stopping import release_interrupts

    try:
        print(_summary(result), flush=True)
        if out:
            text = json.dumps(result, indent=1)
            try:
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(text)
            except OSError as err:
                # Nothing recorded is lost: the result goes to a new file that can be written.
                import tempfile

                fd, kept = tempfile.mkstemp(prefix="causalcraft-result-", suffix=".json")
                with os.fdopen(fd, "w") as fh:
                    fh.write(text)
                raise ResultNotWritten(f"could not write the result to {out} "
                                       f"({err.strerror or err}); it is in {kept}") from err
            print(f"result      {out}", flush=True)
    finally:
        release_interrupts()


class ResultNotWritten(OSError):
    """`--out` could not be written; the message says where the result was kept instead."""


def cmd_replay(args: argparse.Namespace) -> int:
    """Play a result file's trace on the page (and on a backend), at `--speed`."""
    from tasks.watch.replay import load_result, replay_on_page
    from tasks.watch.session import WatchSession

    if not args.speed > 0:
        raise CliError(f"--speed: must be positive, got {args.speed}")
    result = load_result(args.result)
    if args.source is None and isinstance(result.get("config"), dict) \
            and result["config"].get("source"):
        args.source = Path(result["config"]["source"])  # the task files the run used
    if not args.watch:
        raise CliError("replay: add --watch (the page is where a replay is shown)")
    with WatchSession(args.watch_port, world=args.backend == "minecraft") as session:
        replay_on_page(result, session, args.backend, args.speed, args.source,
                       linger=args.watch_linger)
    return 0


def cmd_agent(args: argparse.Namespace) -> int:
    """One participant of an episode, until the episode ends (see tasks.participants)."""
    from pydantic import ValidationError

    from tasks.participants import ParticipantConfig, run_participant

    try:
        cfg = ParticipantConfig(role=args.role, id=args.id, episode=args.episode,
                                broker=args.broker, task=args.task, source=args.source,
                                backend=args.backend, agents=args.agents,
                                planner=args.planner, brain=args.brain,
                                decompose=args.decompose, llm=llm_settings_of(args),
                                prior_noise=args.prior_noise, seed=args.seed,
                                server=args.server, budget=args.budget,
                                lease_s=args.lease,
                                brain_latency_s=args.brain_latency, timeout_s=args.timeout,
                                viewers=args.viewers)
    except ValidationError as err:
        first = err.errors()[0]
        why = first["msg"].removeprefix("Value error, ")
        raise CliError(f"{flag_of(str(first['loc'][0]))}: {why}") from None
    return run_participant(cfg)


def cmd_tasks(args: argparse.Namespace) -> int:
    from tasks.catalog import task_ids

    for tid in task_ids(args.source):
        print(tid)
    return 0


def cmd_planners(args: argparse.Namespace) -> int:
    from planner.configs import CONFIGS

    width = max(len(n) for n in CONFIGS)
    for name, cfg in CONFIGS.items():
        print(f"{name:<{width}}  {cfg.description}")
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """Follow the agents live: every action the Judger runs and every assignment, as lines."""
    import asyncio

    from agents.broker import BrokerError, parse_broker_url
    from agents.bus import Bus
    from agents.messages import Event

    try:
        address = parse_broker_url(args.broker)
    except BrokerError as err:
        raise CliError(f"--broker: {err}") from None
    if args.episode_id:
        return _watch_page(args, f"mqtt://{address.host}:{address.port}")

    async def follow() -> None:
        url = f"mqtt://{address.host}:{address.port}"
        async with Bus(url, f"watch-{os.getpid()}", username=address.username,
                       password=address.password or os.environ.get("CAUSALCRAFT_MQTT_PASSWORD")
                       ) as bus:
            await bus.subscribe(f"cc/{args.episode}/events", Event)
            print(f"watching cc/{args.episode}/events on {url}", flush=True)
            seen = 0
            async for topic, msg in bus.messages():
                assert isinstance(msg, Event)
                print(f"{topic.split('/')[1]}  {msg.text}", flush=True)
                seen += 1
                if args.count and seen >= args.count:
                    return

    asyncio.run(follow())
    return 0


def _watch_page(args: argparse.Namespace, url: str) -> int:
    """The page for one episode on an external broker, until Ctrl-C."""
    import asyncio

    from agents.bus import BusError
    from tasks.watch.live import follow_bus
    from tasks.watch.page import PageServer, WatchError

    try:
        page = PageServer(args.watch_port).start()
    except WatchError as err:
        raise CliError(str(err)) from None
    page.info.update(episode=args.episode_id, broker=url)
    page.push("info", dict(page.info))
    try:
        page.run_coroutine(follow_bus(page, url, args.episode_id)).result(timeout=15)
    except (BusError, OSError, TimeoutError) as err:
        page.stop()
        raise CliError(f"--broker: cannot follow {url}: {err}") from None
    print(f"watch page  {page.url}  (episode {args.episode_id} on {url}; Ctrl-C to stop)",
          flush=True)
    try:
        while True:
            asyncio.run(asyncio.sleep(3600))
    except KeyboardInterrupt:
        pass
    finally:
        page.stop()
    return 0


def cmd_server(args: argparse.Namespace) -> int:
    """The embedded server, outliving this command: a Minecraft 1.19.2 client can join it."""
    from env.minecraft.server import (
        ServerError,
        detached_status,
        start_detached,
        stop_detached,
    )

    if args.action == "run":
        return _run_server(args)
    try:
        if args.action == "start":
            status = start_detached(args.runs, port=args.port)
        elif args.action == "stop":
            stopped = stop_detached(args.runs)
            print("server stopped" if stopped else "no server was running")
            return 0
        else:
            status = detached_status(args.runs)
    except ServerError as err:
        raise CliError(f"server {args.action}: {err}") from None
    if not status.running:
        print("no server is running")
        return 0 if args.action == "status" else 1
    print(f"server running: pid {status.pid}, {status.host}:{status.port} "
          f"(Minecraft 1.19.2, offline mode), log {status.log_path}")
    print(f"join it with a Java 1.19.2 client: Multiplayer -> Direct Connection -> "
          f"{status.host}:{status.port}; any name but agent<N> joins as a spectator")
    return 0


def _run_server(args: argparse.Namespace) -> int:
    """The embedded server in the foreground: stopped with it (Ctrl-C, SIGTERM)."""
    from env.minecraft.server import ServerError, ServerProcess

    args.runs.mkdir(parents=True, exist_ok=True)
    server = ServerProcess(port=args.port, host=args.host, log_path=args.runs / "server.log")
    try:
        server.start()
    except ServerError as err:
        raise CliError(f"server run: {err}") from None
    print(f"server running: pid {server.pid}, {server.host}:{server.port} (Minecraft 1.19.2, "
          f"offline mode), log {server.log_path}", flush=True)
    try:
        while server.status().running:
            time.sleep(1.0)
    finally:
        server.stop()
    return 1


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    on_main = threading.current_thread() is threading.main_thread()
    before = signal.signal(signal.SIGTERM, on_sigterm) if on_main else None
    try:
        return _main(argv)
    finally:
        if on_main:
            signal.signal(signal.SIGTERM, before)


def _main(argv: list[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.verbose:
            logging.getLogger("causalcraft").setLevel(logging.INFO)
        handlers = {"run": cmd_run, "tasks": cmd_tasks, "planners": cmd_planners,
                    "server": cmd_server, "watch": cmd_watch, "replay": cmd_replay,
                    "agent": cmd_agent}
        if args.command in ("bench", "report"):
            from tasks import bench

            return int(bench.bench_main(args) if args.command == "bench"
                       else bench.report_main(args))
        return handlers[args.command](args)
    except CliError as err:
        text = str(err).removeprefix("causalcraft: ")
        print(f"causalcraft: error: {text}", file=sys.stderr)
        return EXIT_USAGE
    except ResultNotWritten as err:  # the run happened; its result is kept elsewhere
        print(f"causalcraft: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        if terminated():
            print("causalcraft: terminated", file=sys.stderr)
            return EXIT_TERMINATED
        print("causalcraft: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (ValueError, FileNotFoundError, KeyError, LLMError, BackendError, BrokerError,
            BusError, ProcessError) as err:
        # One line for the user; with -v the traceback too, in case it is a bug of ours.
        logging.getLogger("causalcraft").info("details of the error below", exc_info=True)
        # a KeyError's str() is the repr of its message: take the message itself
        text = str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)
        print(f"causalcraft: error: {text}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
