"""The 3D view's mesher, as the page runs it (prismarine-viewer's browser worker bundle with
env/viewer/bundle.js's patches), on one column of the flat 1.19.2 world: its ground, below
y = 0, is meshed; the published bundle leaves it out (the sky-only view this fixes)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from env.minecraft.server import node_binary

ROOT = Path(__file__).resolve().parents[2]
MESH = Path(__file__).resolve().parent / "js" / "mesh.js"

# The world's floor and height: minecraft-data 1.19.2, dimension_type overworld
# (min_y -64, height 384): 24 sections of 16, from y -64 to 319.
SECTIONS = [f"0,{y},0" for y in range(-64, 320, 16)]


@pytest.fixture(scope="module")
def meshed() -> dict:
    if not (ROOT / "env" / "node_modules" / "prismarine-viewer").is_dir():
        pytest.fail("prismarine-viewer is not installed: run make setup (the test command "
                    "installs it)")
    proc = subprocess.run([str(node_binary()), str(MESH), "--original-too"],
                          capture_output=True, text=True, timeout=300)
    lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
    assert lines, proc.stderr
    out: dict = json.loads(lines[-1])
    assert "error" not in out, out["error"]
    return out


def test_every_patch_applies_to_the_pinned_bundle(meshed):
    assert meshed["missing"] == []


def test_patched_mesher_draws_the_ground_below_zero(meshed):
    got = meshed["patched"]
    assert got["unmeshed"] == []
    assert sorted(got["meshed"], key=SECTIONS.index) == SECTIONS
    # Section y -64..-49 holds bedrock, dirt, dirt, grass (16 x 16 each). Only the grass's
    # top faces show: inside faces are culled by their cube neighbours, the bedrock's bottom
    # by the world's floor, and the column's sides face columns not loaded. 256 faces of
    # 4 vertices.
    assert got["meshed"]["0,-64,0"] == 256 * 4
    assert all(v == 0 for k, v in got["meshed"].items() if k != "0,-64,0")


def test_published_mesher_leaves_out_every_section_below_zero(meshed):
    got = meshed["original"]
    assert sorted(got["unmeshed"]) == sorted(f"0,{y},0" for y in range(-64, 0, 16))
    assert all(v == 0 for v in got["meshed"].values())
