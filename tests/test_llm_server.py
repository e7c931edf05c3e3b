"""End to end against a real model server: llama.cpp's OpenAI-compatible server
(llama-cpp-python) serving SmolLM2-135M-Instruct (`make llm-server` installs both), with
`causalcraft run` on the simulator, recorded, then replayed byte for byte with the server
stopped.

A 135M model plans and acts badly: the point is that every call goes over HTTP, parses or is
re-asked or fails on record, and the episode still ends cleanly (done, or its budget spent).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
GGUF = Path(os.environ.get("CAUSALCRAFT_TEST_GGUF",
                           ROOT / ".cache/models/SmolLM2-135M-Instruct.Q4_1.gguf"))
MODEL = "smollm2-135m"

pytestmark = [
    pytest.mark.llm_server,
    pytest.mark.skipif(not GGUF.is_file(), reason=f"no model at {GGUF} (make llm-server)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_config(port: int) -> dict[str, Any]:
    """llama-cpp-python's server settings (started by `agents.llama_server`, which turns
    llama.cpp's extra buffer types off)."""
    return {"host": "127.0.0.1", "port": port, "models": [{
        "model": str(GGUF), "model_alias": MODEL, "n_threads": 2, "n_threads_batch": 2,
        "n_ctx": 4096, "verbose": False}]}


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server] is not "
                        "installed (make llm-server)")
    tmp = tmp_path_factory.mktemp("llama")
    port = _free_port()
    cfg = tmp / "server.json"
    cfg.write_text(json.dumps(server_config(port)))
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "agents.llama_server", "--config_file",
                             str(cfg)], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    url = f"http://127.0.0.1:{port}/v1"
    info = {"url": url, "proc": proc, "log": tmp / "server.log", "tmp": tmp}
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the llama.cpp server exited: {(tmp / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the llama.cpp server did not come up in 180 s")
            time.sleep(1)
        yield info
    finally:
        stop(proc)
        log.close()


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def causalcraft(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tasks.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=2400,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


# One CPU server answers the agents one request at a time: on a busy machine a request may
# wait minutes (the default 30 s made every call time out under load).
SLOW = ["--llm-timeout", "300"]
RUNS = {
    "cake_llm": ["cooking/cake_0", "--brain", "llm", "--llm-budget", "20000", *SLOW],
    "stew_hybrid": ["cooking/rabbit_stew_0", "--brain", "hybrid", "--decompose", "llm",
                    "--planner", "ate-llm", "--llm-budget", "40000", *SLOW],
}


def stable(path: Path) -> str:
    """The result without its `run` block (how and when this run was made), as written."""
    data = json.loads(path.read_text())
    data.pop("run")
    return json.dumps(data, indent=1)


@pytest.fixture(scope="module")
def recorded(llama_server: dict[str, Any]) -> dict[str, Path]:
    tmp: Path = llama_server["tmp"]
    out: dict[str, Path] = {}
    for name, args in RUNS.items():
        done = causalcraft("run", *args, "--base-url", llama_server["url"], "--model", MODEL,
                           "--record", str(tmp / f"{name}.jsonl"),
                           "--out", str(tmp / f"{name}.json"), "--timeout", "1800")
        assert done.returncode == 0, done.stderr[-3000:]
        out[name] = tmp / f"{name}.json"
    stop(llama_server["proc"])
    return out


@pytest.mark.parametrize("name", sorted(RUNS))
def test_episode_on_the_real_model_ends_cleanly(recorded: dict[str, Path], name: str,
                                                llama_server: dict[str, Any]) -> None:
    result = json.loads(recorded[name].read_text())
    llm = result["llm"]
    assert (llm["model"], llm["base_url"]) == (MODEL, llama_server["url"])
    assert result["run"]["llm_mode"] == "record"
    assert not result["timed_out"]
    assert llm["calls"] > 0 and llm["tokens"] > 0 and llm["seconds"] > 0
    assert result["metrics"]["llm_calls"] == llm["calls"]
    for call in llm["calls_log"]:
        # Every call reached the server; it parsed (maybe after re-asks) or failed on record.
        assert call["requests"] >= 1
        assert call["ok"] or call["error"]
    budget = int(RUNS[name][RUNS[name].index("--llm-budget") + 1])
    spent = llm["tokens"] >= budget
    finished = not result["subtasks"]["failed"]
    assert finished or spent or all(result["subtasks"]["attempts"].values())
    if name == "stew_hybrid":
        graph = result["graph"]
        assert graph["decomposition"] == "llm" and result["decomposition"] == "llm"
        assert "judge_accuracy" in graph
        assert llm["by_purpose"]["decompose"]["calls"] == 1


@pytest.mark.parametrize("name", sorted(RUNS))
def test_replay_reproduces_the_result_with_the_server_stopped(
        recorded: dict[str, Path], llama_server: dict[str, Any], name: str) -> None:
    assert llama_server["proc"].poll() is not None  # stopped
    tmp: Path = llama_server["tmp"]
    again = tmp / f"{name}.replay.json"
    done = causalcraft("run", *RUNS[name], "--replay", str(tmp / f"{name}.jsonl"),
                       "--out", str(again), "--timeout", "1800")
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(again.read_text())["run"]["llm_mode"] == "replay"
    assert stable(again) == stable(recorded[name])
