"""The watch page's HTTP server: the page, its scripts (vendored through npm, so it works
offline), and `/events`, a server-sent-event stream of the `Hub`'s updates.

It runs on its own thread and event loop, so that nothing a browser does (a slow one, a
closed one, none at all) reaches the episode's loop. Binds 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

from tasks.watch.hub import Hub

log = logging.getLogger("causalcraft.watch")

STATIC = Path(__file__).parent / "static"
NODE_MODULES = Path(__file__).resolve().parents[2] / "env" / "node_modules"
VENDORED = {
    "/vendor/cytoscape.min.js": NODE_MODULES / "cytoscape" / "dist" / "cytoscape.min.js",
}
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".json": "application/json"}


class WatchError(RuntimeError):
    """The page could not be served (port taken, bad port); the episode goes on without it."""


class PageServer:
    """Serves the page on 127.0.0.1:`port` (0: a free one) from a thread of its own.

    `info` is sent to the page at /info (task, viewer URL, server address...). Use:
    `s = PageServer(0).start(); s.hub_push(...); s.url; s.stop()`.
    """

    def __init__(self, port: int = 0, host: str = "127.0.0.1") -> None:
        if not 0 <= port <= 65535:
            raise WatchError(f"--watch-port must be between 0 and 65535, got {port}")
        self.host, self.port = host, port
        self.info: dict[str, Any] = {}
        self.loop = asyncio.new_event_loop()
        self.hub = Hub(self.loop)
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def start(self) -> PageServer:
        """Bind (raises WatchError if the port is taken) and serve from a daemon thread."""
        try:
            self._server = self.loop.run_until_complete(
                asyncio.start_server(self._handle, self.host, self.port))
        except OSError as err:
            self.loop.close()
            raise WatchError(f"cannot serve the watch page on {self.host}:{self.port}: "
                             f"{err.strerror or err}") from None
        self.port = self._server.sockets[0].getsockname()[1]
        self._thread = threading.Thread(target=self.loop.run_forever, name="watch-page",
                                        daemon=True)
        self._thread.start()
        return self

    def run_coroutine(self, coro: Any) -> Any:
        """Run `coro` on the page's loop (e.g. a bus subscription); returns its future."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def push(self, kind: str, payload: dict[str, Any], sent_at: float | None = None) -> None:
        """Add an update from any thread; returns at once."""
        self.hub.push_threadsafe(kind, payload, sent_at)

    def stop(self) -> None:
        if self._thread is None:
            return

        async def close() -> None:
            assert self._server is not None
            self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(close(), self.loop).result(timeout=5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        self._thread = None

    # -- HTTP -----------------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
            method, target = head.split(b" ", 2)[:2]
            path = target.decode("latin-1").split("?", 1)[0]
            if method not in (b"GET", b"HEAD"):
                await self._send(writer, 405, b"only GET\n", "text/plain")
            elif path == "/events":
                await self._events(writer)
            elif path == "/info":
                await self._send(writer, 200, json.dumps(self.info).encode(), TYPES[".json"])
            else:
                await self._file(writer, path)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError,
                ConnectionError, ValueError):
            pass  # a browser that went away or sent nonsense: nothing to do
        except asyncio.CancelledError:
            pass  # the page is closing
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _send(self, writer: asyncio.StreamWriter, status: int, body: bytes,
                    ctype: str) -> None:
        reason = {200: "OK", 404: "Not Found", 405: "Method Not Allowed"}.get(status, "")
        writer.write(f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\n"
                     f"Content-Length: {len(body)}\r\nCache-Control: no-cache\r\n"
                     f"Connection: close\r\n\r\n".encode() + body)
        await writer.drain()

    async def _file(self, writer: asyncio.StreamWriter, path: str) -> None:
        if path == "/":
            path = "/index.html"
        file = VENDORED.get(path)
        if file is None:
            name = path.lstrip("/")
            file = STATIC / name if name and "/" not in name and ".." not in name else None
        if file is None or not file.is_file():
            await self._send(writer, 404, b"not found\n", "text/plain")
            return
        await self._send(writer, 200, file.read_bytes(),
                         TYPES.get(file.suffix, "application/octet-stream"))

    async def _events(self, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                     b"Cache-Control: no-cache\r\nConnection: keep-alive\r\n\r\n")
        # The page tells catch-up (history) from live updates by this count.
        writer.write(f"event: hello\ndata: {len(self.hub.history)}\n\n".encode())
        await writer.drain()
        async for batch in self.hub.follow_batches():
            # Each update's event id is when it was written (unix seconds), so the page can
            # tell the time spent here from the time on the way to it.
            stamp = f"id: {time.time()!r}\ndata: ".encode()
            writer.write(b"".join(stamp + line.encode() + b"\n\n" for line in batch))
            # A browser that stops reading is dropped after 10 s; it reconnects by itself.
            await asyncio.wait_for(writer.drain(), timeout=10)
