"""Ctrl-C on `causalcraft run --brain llm` while the model hangs: one SIGINT stops the run
within seconds (not after the request's timeout), with one line saying what was kept.

- During planning there is no episode yet: no result; the recording keeps the calls made.
- During the episode: the partial result (trace, score and LLM calls so far) is printed and
  written to --out, marked `interrupted`; exit status 130.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from llm_fake_server import FakeOpenAI

from agents.model_threads import DaemonExecutor

ROOT = Path(__file__).resolve().parent.parent
HANG = {"sleep": 600, "then": "{}"}
PROMPT_EXIT_S = 15.0
"""Far below the request timeout given (120 s): before the fix, the run waited for it."""


def start(url: str, tmp: Path) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "tasks.cli", "run", "cooking/cake_0", "--brain", "llm",
           "--model", "m", "--base-url", url, "--llm-timeout", "120",
           "--record", str(tmp / "calls.jsonl"), "--out", str(tmp / "result.json")]
    # SIGINT as a terminal's Ctrl-C delivers it (a shell may start children ignoring it).
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def interrupt_when(proc: subprocess.Popen[str], srv: FakeOpenAI, requests: int,
                   twice: bool = False) -> tuple[int, float, str, str]:
    """Once the server holds `requests` requests (the last one hanging), one SIGINT (two,
    50 ms apart, with `twice`); the exit status, seconds from the signal to the exit,
    stdout and stderr."""
    deadline = time.monotonic() + 240
    while len(srv.requests) < requests:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never called the model"
        time.sleep(0.1)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    t0 = time.monotonic()
    if twice:
        time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"one Ctrl-C did not stop the run in 60 s: {err[-2000:]}")
    return proc.returncode, time.monotonic() - t0, out, err


def test_ctrl_c_while_planning_stops_at_once_and_keeps_the_recording(tmp_path: Path) -> None:
    with FakeOpenAI(default=HANG) as srv:
        proc = start(srv.url, tmp_path)
        rc, took, out, err = interrupt_when(proc, srv, 1)
    assert rc == 130
    assert took < PROMPT_EXIT_S
    assert err.strip().splitlines()[-1] == (
        "causalcraft: interrupted (Ctrl-C) before the episode started: no result; the LLM "
        f"calls made so far are kept in {tmp_path / 'calls.jsonl'}")
    assert "Traceback" not in err
    assert not (tmp_path / "result.json").exists()
    header = json.loads((tmp_path / "calls.jsonl").read_text().splitlines()[0])
    assert header["cache"] == "causalcraft-llm"


@pytest.mark.parametrize("twice", [False, True])
def test_ctrl_c_during_the_episode_keeps_the_partial_result(tmp_path: Path,
                                                            twice: bool) -> None:
    # The prior answers; the workers' first steps hang. A second Ctrl-C right after the
    # first waits for the partial result (once it is written, it ends the process by SIGINT,
    # which a shell reports as the same 130).
    with FakeOpenAI(answers=['{"edges": []}'], default=HANG) as srv:
        proc = start(srv.url, tmp_path)
        rc, took, out, err = interrupt_when(proc, srv, 2, twice)
    assert rc in ((130, -signal.SIGINT) if twice else (130,))
    assert took < PROMPT_EXIT_S
    assert err.strip().splitlines()[-1] == (
        "causalcraft: interrupted (Ctrl-C): the partial result is above and written to "
        f"{tmp_path / 'result.json'}")
    assert "Traceback" not in err
    result = json.loads((tmp_path / "result.json").read_text())
    assert result["interrupted"] is True
    assert result["failure"].startswith("interrupted (Ctrl-C)")
    assert f"FAILED      {result['failure']}" in out
    assert not result["timed_out"]
    # What was done is kept: the prior's call (recorded too), the trace so far.
    assert result["llm"]["by_purpose"]["prior"] == {**result["llm"]["by_purpose"]["prior"],
                                                    "calls": 1, "failed": 0}
    assert isinstance(result["trace"], list)
    lines = (tmp_path / "calls.jsonl").read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[1])["purpose"] == "prior"


def test_the_episode_executor_waits_for_its_calls_unless_abandoned() -> None:
    finished = DaemonExecutor()
    done = finished.submit(time.sleep, 0.2)
    finished.shutdown(wait=True)
    assert done.done() and done.result() is None
    with pytest.raises(RuntimeError):
        finished.submit(time.sleep, 0)

    hung = DaemonExecutor()
    release = threading.Event()
    call = hung.submit(release.wait, 30)
    hung.abandon()
    t0 = time.monotonic()
    hung.shutdown(wait=True)
    assert time.monotonic() - t0 < 1.0 and not call.done()
    assert all(t.daemon for t in threading.enumerate() if t.name.startswith("blocking-call"))
    release.set()
    assert call.result(timeout=5) is True
