"""Every action of the Judger's vocabulary runs on both backends: a simulator handler and a
server body (a JS function of env/js/actions.js, or run in Python by the backend)."""

from __future__ import annotations

import json
import subprocess

from env.actions import ACTIONS
from env.minecraft.backend import MinecraftBackend
from env.minecraft.bridge import JS_DIR, node_binary
from env.rulebook import load_rulebook
from env.sim import SimBackend


def _names() -> set[str]:
    return {a.model_fields["name"].default for a in ACTIONS}


def test_every_action_has_a_simulator_handler() -> None:
    sim = SimBackend(load_rulebook())
    assert _names() - set(sim._handlers) == set()
    assert set(sim._handlers) - _names() == set()


def test_every_action_has_a_server_body() -> None:
    module = json.dumps(str(JS_DIR / "actions.js"))
    script = f"console.log(JSON.stringify(Object.keys(require({module}).BODIES)))"
    out = subprocess.run([str(node_binary()), "-e", script], capture_output=True, text=True,
                         timeout=60, check=True)
    bodies = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert bodies & MinecraftBackend.LOCAL_ACTIONS == set()
    assert _names() - bodies - MinecraftBackend.LOCAL_ACTIONS == set()
    assert bodies - _names() == set()
