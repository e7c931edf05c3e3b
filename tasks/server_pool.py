"""A pool of embedded game servers for a `--backend minecraft` sweep (`bench --servers K`).

`server_pool(k)` starts K embedded servers (`env.minecraft.server.ServerProcess`, each on a
free port, each with its own log under `runs/logs/`), and yields a `PooledRunner`: a
picklable episode runner. The sweep runs K worker processes (`jobs = K`); the first episode a
worker runs takes one server from a shared queue, and the worker keeps that server for all
its episodes (`server: host:port` in each episode's config): a backend keeps what it knows of
a server's world (its bots, what it built) per process, so a server is never handed from one
process to another. So each server holds one episode at a time; every episode has its own
topic prefix on the bus, as always. The servers stop when the
`with` block ends, whatever happens inside it.

The server address is added to the config an episode runs with, not to the sweep record's
config: which server ran an episode does not change what the episode is, so `--resume`
may continue a sweep on another pool.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

Runner = Callable[[dict[str, Any]], dict[str, Any]]


#: The server this process took from the pool ("host:port"), kept for its life.
_OWNED: dict[int, str] = {}
#: How long a worker waits for a free server before giving up, seconds.
TAKE_TIMEOUT_S = 900.0


class PooledRunner:
    """Runs an episode on this process's server, taken from `servers` (a queue of
    "host:port") on the first call and kept (module docstring)."""

    def __init__(self, servers: Any, runner: Runner | None = None) -> None:
        self.servers = servers
        self.runner = runner

    def __call__(self, config: dict[str, Any]) -> dict[str, Any]:
        import queue

        from tasks.bench import run_episode_dict

        # One pool per sweep, one sweep per process: the runner arrives unpickled anew with
        # each episode, so what the process took is kept at module level.
        if "server" not in _OWNED:
            try:
                _OWNED["server"] = self.servers.get(timeout=TAKE_TIMEOUT_S)
            except queue.Empty:
                raise RuntimeError(f"no free server in the pool after {TAKE_TIMEOUT_S:.0f} s "
                                   "(a worker holding one died?)") from None
        return (self.runner or run_episode_dict)({**config, "server": _OWNED["server"]})


@contextlib.contextmanager
def server_pool(k: int, log_dir: Path | str = Path("runs") / "logs",
                runner: Runner | None = None) -> Iterator[PooledRunner]:
    """Start `k` embedded servers; yield the runner that shares them out (module docstring).
    Raises ValueError for k < 1, and `env.minecraft.server.ServerError` (one line) when a
    server does not start; the servers already started are stopped."""
    if k < 1:
        raise ValueError(f"--servers must be at least 1, got {k}")
    from env.minecraft.server import ServerProcess

    logs = Path(log_dir)
    logs.mkdir(parents=True, exist_ok=True)
    servers: list[ServerProcess] = []
    manager = multiprocessing.get_context("spawn").Manager()
    try:
        queue = manager.Queue()
        for _ in range(k):
            server = ServerProcess(port=0, log_path=logs / f"server-{uuid.uuid4().hex[:8]}.log")
            servers.append(server)
            server.start()
            queue.put(f"{server.host}:{server.port}")
        yield PooledRunner(queue, runner)
    finally:
        for server in servers:
            with contextlib.suppress(Exception):
                server.stop()
        manager.shutdown()
