"""Refusal codes: one list (env/data/refusals.json) read by Python and JS alike, and no code
that reacts to a refusal by its text."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from env.minecraft.server import node_binary
from env.refusals import Code, Refusal, as_code, refuse, render, templates

ROOT = Path(__file__).resolve().parents[1]


def test_the_enum_is_the_data() -> None:
    assert {c.value for c in Code} == set(templates())


def test_text_fills_every_field() -> None:
    r = refuse(Code.CONTAINER_SHORT, pos=(1, -60, 2), held=0, item="bread", count=1)
    assert isinstance(r, Refusal) and r.code is Code.CONTAINER_SHORT
    assert r.text == "the chest at (1, -60, 2) holds 0 bread, not 1"
    for code, template in templates().items():
        fields = re.findall(r"\{(\w+)\}", template)
        assert "{" not in render(code, {f: "x" for f in fields}), code


def test_codes_from_the_wire() -> None:
    assert as_code("station_busy") is Code.STATION_BUSY
    assert as_code("something else") is Code.ACTION_FAILED
    assert as_code(None) is None


def test_js_renders_the_same_text() -> None:
    params = {"pos": [1, -60, 2], "held": 0, "item": "bread", "count": 1}
    js = ("const r = require('./env/js/refusals.js');"
          "const e = r.refused('container_short', JSON.parse(process.argv[1]));"
          "console.log(JSON.stringify([e.code, e.message, Object.keys(r.TEMPLATES).length]))")
    out = subprocess.run([str(node_binary()), "-e", js, json.dumps(params)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    assert json.loads(out) == ["container_short", render(Code.CONTAINER_SHORT, params),
                               len(templates())]


def test_no_python_code_compares_refusal_texts() -> None:
    """Agents and the planner react to `code`/`params`; `reason` is for people only."""
    pattern = re.compile(r"reason[^\n]*\b(startswith|endswith)\(|\"[^\"]+\" (not )?in [^\n]*reason")
    offenders = [f"{p.relative_to(ROOT)}:{i}" for folder in ("agents", "planner", "env", "tasks")
                 for p in sorted((ROOT / folder).rglob("*.py"))
                 for i, line in enumerate(p.read_text().splitlines(), 1) if pattern.search(line)]
    assert offenders == []
