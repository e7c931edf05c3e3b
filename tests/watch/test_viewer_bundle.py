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


def test_the_served_worker_carries_the_game_data_of_its_version_only(meshed):
    # The 1.19.2 server's, the viewer's name for it (1.19), and the tints of 1.16.2 its
    # mesher asks for by name; the rest of the published 63 MB bundle's game data goes.
    assert meshed["trimmed"]["versions"] == ["1.19.2", "1.19", "1.16.2"]
    assert meshed["trimmed"]["bytes"] > 50_000_000
    assert meshed["size"] < 5_000_000


TRIM = """
const { trimData } = require(process.argv[1])
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'))
console.log(JSON.stringify(trimData(input.text, input.versions)))
"""
# A bundle in the published one's shape: data modules 1 to 4 (1's text holds an escaped
# quote), the version map (module 5), and a module that asks for 1.7's data by name (6).
BUNDLE = (
    r"""x={1:e=>{"use strict";e.exports=JSON.parse('[1,"it\'s"]')},"""
    r"""2:e=>{"use strict";e.exports=JSON.parse('[2]')},"""
    r"""3:e=>{"use strict";e.exports=JSON.parse('[3]')},"""
    r"""4:e=>{"use strict";e.exports=JSON.parse('[4]')},"""
    r"""5:(e,t,n)=>{e.exports={pc:{"1.8":{get blocks(){return n(1)},proto:"p"},"""
    r""""1.19.2":{get blocks(){return n(2)},types:"t"},1.7:{get blocks(){return n(3)}}},"""
    r"""bedrock:{}}},6:(e,t,n)=>{n(5)("1.7")}}""")


def test_trim_empties_the_data_modules_only_other_versions_name() -> None:
    """For 1.19.2: module 1 (1.8's only) is emptied; 2 (1.19.2's) and 3 (1.7's, asked for by
    name) stay, and so does 4, which no version names."""
    proc = subprocess.run([str(node_binary()), "-e", TRIM,
                           str(ROOT / "env" / "viewer" / "bundle.js")],
                          input=json.dumps({"text": BUNDLE, "versions": ["1.19.2"]}),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["versions"] == ["1.19.2", "1.7"]
    assert (out["dropped"], out["bytes"]) == (1, len(r"""e.exports=JSON.parse('[1,"it\'s"]')"""))
    assert out["text"] == BUNDLE.replace(r"""e.exports=JSON.parse('[1,"it\'s"]')""",
                                         "e.exports={}")


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
