"""`causalcraft bench` with an LLM brain: the brain flags go through the same settings model
as `run`, every row's config and the sweep's config.json record them (never the key), and
each episode of the sweep calls the model (a local OpenAI-protocol server here)."""

import json
from pathlib import Path

import pytest
from llm_fake_server import FakeOpenAI

from tasks.cli import main

SECRET = "sk-bench-secret-1234"


def test_a_hybrid_sweep_calls_the_model_in_every_row(tmp_path: Path, monkeypatch,
                                                     capsys) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    out = tmp_path / "sweep"
    with FakeOpenAI(default='{"edges": []}') as srv:
        rc = main(["bench", "--tasks", "cooking/cake_0", "--seeds", "2", "--brain", "hybrid",
                   "--model", "m", "--base-url", srv.url, "--llm-budget", "5000",
                   "--record", str(tmp_path / "calls.jsonl"), "--out", str(out)])
        sent = len(srv.requests)
        auth = {v for h in srv.headers for k, v in h.items() if k.lower() == "authorization"}
    assert rc == 0, capsys.readouterr().err
    assert auth == {f"Bearer {SECRET}"}
    rows = [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]
    assert [r["key"] for r in rows] == ["cooking/cake_0.full.a3.s0", "cooking/cake_0.full.a3.s1"]
    requests = 0
    for row in rows:
        assert row["status"] == "ok"
        assert row["config"]["brain"] == "hybrid"
        assert row["config"]["llm"]["model"] == "m"
        assert row["config"]["llm"]["base_url"] == srv.url
        assert row["config"]["llm"]["budget_tokens"] == 5000
        assert row["metrics"]["llm_calls"] > 0
        result = json.loads((out / row["trace"]).read_text())
        assert result["llm"]["calls"] == row["metrics"]["llm_calls"]
        assert result["run"]["llm_mode"] == "record"
        requests += result["llm"]["requests"]
    # Every request reached the server, or was answered from the recording (a repeated
    # question of the second seed).
    assert requests >= sent > 0
    sweep = json.loads((out / "config.json").read_text())["sweep"]
    assert sweep["brain"] == "hybrid" and sweep["decompose"] == "rules"
    assert {k: sweep["llm"][k] for k in ("model", "base_url", "mode")} == {
        "model": "m", "base_url": srv.url, "mode": "record"}
    for path in [out / "episodes.jsonl", out / "config.json", tmp_path / "calls.jsonl",
                 *(out / "traces").iterdir()]:
        assert SECRET not in path.read_text(), path


@pytest.mark.parametrize("args, line", [
    (["--model", "m"], "causalcraft bench: error: --model needs --brain llm or --brain hybrid"),
    (["--decompose", "llm"], "causalcraft bench: error: --decompose llm needs --brain llm or "
                             "--brain hybrid"),
    (["--brain", "llm"], "causalcraft bench: error: the LLM brain needs --base-url (an "
                         "OpenAI-compatible URL ending in /v1) and --model; or use --brain "
                         "offline"),
    (["--brain", "hybrid", "--decompose", "model"],
     "causalcraft bench: error: --decompose: 'model' is not one of rules, llm"),
    (["--brain", "llm", "--model", "m", "--base-url", "localhost:1/v1"],
     "causalcraft bench: error: LLM setting base_url: 'localhost:1/v1' is not an http(s) URL"),
])
def test_bad_brain_flags_of_a_sweep_fail_with_one_line(args: list[str], line: str,
                                                       tmp_path: Path, capsys,
                                                       monkeypatch) -> None:
    monkeypatch.delenv("CAUSALCRAFT_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("CAUSALCRAFT_LLM_MODEL", raising=False)
    assert main(["bench", "--tasks", "cooking/cake_0", "--seeds", "1", *args,
                 "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.strip() == line
    assert not (tmp_path / "o").exists()
