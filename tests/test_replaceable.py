"""The replaceable blocks (env/data/replaceable.json) as Python and JS read them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from env.minecraft.server import node_binary
from env.replaceable import replaceable, replaceable_blocks
from env.rulebook import load_rulebook

ROOT = Path(__file__).resolve().parents[1]
CASES = [("air", {}), ("water", {}), ("tall_grass", {}), ("seagrass", {}), ("vine", {}),
         ("fire", {}), ("snow", {"layers": 1}), ("snow", {"layers": 2}), ("snow", {}),
         ("torch", {}), ("poppy", {}), ("lever", {}), ("rail", {}), ("redstone_wire", {}),
         ("white_carpet", {}), ("oak_sign", {}), ("stone", {}), ("cobweb", {})]


def test_every_replaceable_name_is_a_block() -> None:
    assert replaceable_blocks() <= set(load_rulebook().blocks)


def test_vanilla_values() -> None:
    # minecraft.wiki/w/Replaceable; SnowLayerBlock.canBeReplaced (one layer only)
    assert [replaceable(n, s) for n, s in CASES] == [
        True, True, True, True, True, True, True, False, True,
        False, False, False, False, False, False, False, False, False]


def test_python_and_js_agree() -> None:
    script = ("const { replaceable } = require('./env/js/replaceable');"
              f"const cases = {json.dumps(CASES)};"
              "console.log(JSON.stringify(cases.map(([n, s]) => replaceable(n, s))))")
    out = subprocess.run([node_binary(), "-e", script], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=30)
    assert json.loads(out.stdout) == [replaceable(n, s) for n, s in CASES]
