"""`causalcraft run` with an LLM brain: flags checked at start in one line; an episode recorded
against a local OpenAI-protocol server replays to the same result with the server gone."""

import json
from pathlib import Path

import pytest
from llm_fake_server import FakeOpenAI

from tasks.cli import main


@pytest.mark.parametrize("args, line", [
    (["--model", "m"], "causalcraft: error: --model needs --brain llm or --brain hybrid"),
    (["--decompose", "llm"], "causalcraft: error: --decompose llm needs --brain llm or "
                             "--brain hybrid"),
    (["--brain", "llm"], "causalcraft: error: the LLM brain needs --base-url (an "
                         "OpenAI-compatible URL ending in /v1) and --model; or use --brain "
                         "offline"),
    (["--brain", "llm", "--base-url", "localhost:1/v1", "--model", "m"],
     "causalcraft: error: LLM setting base_url: 'localhost:1/v1' is not an http(s) URL"),
    (["--brain", "llm", "--replay", "/nonexistent.jsonl"],
     "causalcraft: error: --replay: /nonexistent.jsonl does not exist"),
    (["--brain", "llm", "--llm-budget", "0"],
     "causalcraft: error: run: argument --llm-budget: '0' must be at least 1"),
])
def test_bad_llm_flags_fail_with_one_line(args: list[str], line: str, capsys,
                                          monkeypatch) -> None:
    monkeypatch.delenv("CAUSALCRAFT_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("CAUSALCRAFT_LLM_MODEL", raising=False)
    assert main(["run", "cooking/cake_0", *args]) == 2
    assert capsys.readouterr().err.strip() == line


@pytest.mark.parametrize("content", ["not json at all\n", '{"a": 1}\n', ""])
def test_a_replay_file_that_is_no_recording_fails_with_one_line(content: str, tmp_path: Path,
                                                                 capsys) -> None:
    fake = tmp_path / "garbage.jsonl"
    fake.write_text(content)
    assert main(["run", "cooking/cake_0", "--brain", "llm", "--base-url",
                 "http://127.0.0.1:9/v1", "--model", "m", "--replay", str(fake)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"causalcraft: error: --replay: {fake} is not a recording of LLM answers "
        "(no causalcraft-llm header line)")


def test_out_naming_a_folder_fails_before_the_episode(tmp_path: Path, capsys) -> None:
    assert main(["run", "cooking/cake_0", "--out", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == (f"causalcraft: error: --out: {tmp_path} is a folder; give "
                                    "the result file's path")
    assert "makespan" not in captured.out  # no episode ran


def stable(path: Path) -> str:
    data = json.loads(path.read_text())
    data.pop("run")
    return json.dumps(data, indent=1)


def test_hybrid_episode_records_then_replays_offline(tmp_path: Path, capsys) -> None:
    """A model whose answers are mostly useless (an empty prior is its only valid one): the
    episode still ends cleanly, every call is on record, and the replay (no server) gives
    the same result."""
    args = ["run", "cooking/rabbit_stew_0", "--brain", "hybrid", "--decompose", "llm",
            "--planner", "ate-llm", "--model", "m", "--timeout", "120"]
    with FakeOpenAI(default='{"edges": []}') as srv:
        rc = main([*args, "--base-url", srv.url, "--record", str(tmp_path / "c.jsonl"),
                   "--out", str(tmp_path / "a.json")])
        sent = len(srv.requests)
    assert rc == 0
    first = json.loads((tmp_path / "a.json").read_text())
    assert first["llm"]["requests"] == sent
    assert first["llm"]["by_purpose"]["prior"]["failed"] == 0
    assert first["llm"]["by_purpose"]["decompose"]["failed"] == 1
    assert first["graph"]["fallback"] == "rules"
    assert first["run"]["llm_mode"] == "record"
    assert main([*args, "--replay", str(tmp_path / "c.jsonl"),
                 "--out", str(tmp_path / "b.json")]) == 0
    assert stable(tmp_path / "b.json") == stable(tmp_path / "a.json")
    out = capsys.readouterr().out
    assert f"llm         m at {srv.url} (replay): {first['llm']['calls']} calls" in out


@pytest.mark.parametrize("status, why", [
    (401, "HTTP 401: the key was refused (check OPENAI_API_KEY)"),
    (404, "HTTP 404: not found (does the base URL end in /v1, and does the server serve this "
          "model?)")])
def test_a_refusing_endpoint_stops_the_run_with_one_line(status: int, why: str,
                                                         capsys) -> None:
    with FakeOpenAI(default={"status": status}) as srv:
        rc = main(["run", "cooking/cake_0", "--brain", "llm", "--base-url", srv.url,
                   "--model", "m"])
    assert rc == 2
    err = capsys.readouterr().err
    assert err == f"causalcraft: error: {srv.url} (model m): {why}\n"


def test_a_replay_missing_a_request_fails_loudly(tmp_path: Path, capsys) -> None:
    # recorded on cake_0, replayed on rabbit_stew_0: its prior request is not on record
    with FakeOpenAI(default='{"edges": []}') as srv:
        assert main(["run", "cooking/cake_0", "--brain", "hybrid", "--model", "m",
                     "--base-url", srv.url, "--record", str(tmp_path / "c.jsonl")]) == 0
    capsys.readouterr()
    rc = main(["run", "cooking/rabbit_stew_0", "--brain", "hybrid", "--model", "m",
               "--replay", str(tmp_path / "c.jsonl"), "--out", str(tmp_path / "r.json")])
    assert rc == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "causalcraft: error: --replay: 1 model request(s) not in the recording, so this run "
        "is not the recorded one (see graph.problems and the unfinished subtasks)")
    assert json.loads((tmp_path / "r.json").read_text())["llm"]["replay_misses"] == 1


def test_no_server_at_the_url_stops_the_run_with_one_line(capsys) -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    rc = main(["run", "cooking/cake_0", "--brain", "hybrid", "--model", "m", "--base-url", url,
               "--llm-timeout", "2"])
    assert rc == 2
    err = capsys.readouterr().err
    assert err.startswith(f"causalcraft: error: {url} (model m): cannot connect (")
    assert err.endswith("(after 3 tries)\n") and len(err.splitlines()) == 1


def test_record_never_overwrites_what_is_not_a_recording(tmp_path: Path, capsys) -> None:
    kept = tmp_path / "result.json"
    kept.write_text('{"task": "cooking/cake_0"}\n')
    base = ["run", "cooking/cake_0", "--brain", "llm", "--base-url", "http://127.0.0.1:9/v1",
            "--model", "m"]
    assert main([*base, "--record", str(kept)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"causalcraft: error: --record: {kept} exists and is not a recording of LLM answers "
        "(no causalcraft-llm header line); it is left as it is")
    assert kept.read_text() == '{"task": "cooking/cake_0"}\n'
    assert main([*base, "--record", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"causalcraft: error: --record: {tmp_path} is a folder; give the recording's path")


@pytest.mark.parametrize("answer, why", [
    ("I think you should craft a cake.", "no valid act answer after 2 re-asks: not JSON"),
    ({"sleep": 30.0, "then": '{"edges": []}'}, "no answer within 0.3 s (after 3 tries)"),
])
def test_a_model_with_no_usable_answer_stops_the_episode(answer: object, why: str,
                                                         tmp_path: Path, capsys) -> None:
    # Prose, or no answer at all, to every question: once its first questions failed the
    # episode stops (exit 1, the result says why), instead of failing subtask after subtask.
    out = tmp_path / "r.json"
    with FakeOpenAI(default=answer) as srv:
        rc = main(["run", "cooking/cake_0", "--brain", "llm", "--base-url", srv.url,
                   "--model", "m", "--llm-timeout", "0.3", "--out", str(out)])
        asked = len(srv.requests)
    assert rc == 1
    result = json.loads(out.read_text())
    assert result["failure"].startswith(f"the model stopped the episode: {srv.url} (model m): "
                                        "no usable answer to the first ")
    assert why in result["failure"]
    assert result["llm"]["failed"] == result["llm"]["calls"] >= 3
    assert result["metrics"]["completion"] == 0.0 and not result["timed_out"]
    # the prior, then one act question per agent: no worker asks again once it is unusable
    assert asked <= (1 + 3) * 3
    assert f"FAILED      the model stopped the episode: {srv.url}" in capsys.readouterr().out
