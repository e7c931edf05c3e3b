"""The bots' chat log (env/js/chatlog.js): what a command's answer is looked for in. It keeps the
last 200 lines; once it was full, an index into the kept lines stopped moving, so every later
`ask` waited out its timeout (a long test module's 200th chat line broke every /fill after it)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from env.minecraft.server import node_binary

ROOT = Path(__file__).resolve().parent.parent


def _run(script: str) -> object:
    out = subprocess.run([node_binary(), "-e", "const { ChatLog } = require('./env/js/chatlog');"
                          + script], cwd=ROOT, capture_output=True, text=True, check=True,
                         timeout=30)
    return json.loads(out.stdout)


def test_lines_since_a_count_are_found_after_the_log_is_full() -> None:
    got = _run("const log = new ChatLog(3);"
               "for (let i = 0; i < 10; i++) log.push('old ' + i);"
               "const mark = log.count; log.push('answer'); log.push('after');"
               "console.log(JSON.stringify([mark, log.count, log.since(mark), log.lines]))")
    assert got == [10, 12, ["answer", "after"], ["old 9", "answer", "after"]]


def test_lines_dropped_before_they_are_read_are_skipped_not_repeated() -> None:
    got = _run("const log = new ChatLog(2);"
               "const mark = log.count; for (let i = 0; i < 5; i++) log.push('l' + i);"
               "console.log(JSON.stringify([log.since(mark), log.since(log.count), log.since(4)]))")
    assert got == [["l3", "l4"], [], ["l4"]]
