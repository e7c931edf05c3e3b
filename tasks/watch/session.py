"""One watch page for one run: the page server, its hook into the episode's bus, the 3D
viewer of a Minecraft server, and keeping the page up after the run. Nothing here may stop
or slow the episode: each failure is one warning line and the run goes on without it."""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any

from tasks.watch.live import on_bus_for
from tasks.watch.page import PageServer, WatchError

log = logging.getLogger("causalcraft.watch")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class WatchSession:
    """`with WatchSession(port) as w: run_episode(cfg, on_bus=w.on_bus,
    keep_server=w.keep_server)`; then `w.linger(s)`. `w.page` is None when the page could
    not be served (the reason was printed). The embedded game server handed to
    `keep_server` and the 3D view stay up until the page closes. `world`: the run will
    have a 3D view (a game server), so the page readies its pane from the start."""

    def __init__(self, port: int = 0, viewer: bool = True, world: bool = False) -> None:
        self.page: PageServer | None = None
        self.viewer_process: Any = None
        self.server: Any = None
        self.want_viewer = viewer
        self._early: threading.Thread | None = None
        try:
            self.page = PageServer(port).start()
        except WatchError as err:
            say(f"causalcraft: warning: {err}; the run goes on without the page")
            return
        say(f"watch page  {self.page.url}  (open it in a browser)")
        if world and viewer:
            # A 3D view will come (a game server): the page lays out its pane now, and the
            # viewer serves its page while the world is built (its bot joins the game when
            # there is one), so a browser loads it before the episode's first updates.
            self.page.info["world"] = True
            self.page.push("info", {"world": True})
            self._early = threading.Thread(target=self._serve_viewer, name="watch-viewer",
                                           daemon=True)
            self._early.start()

    def __enter__(self) -> WatchSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def on_bus(self, url: str, episode: str, info: dict[str, Any]) -> Any:
        """`tasks.episode.OnBus`: the page follows the episode (a tap for its bus clients
        when they are in this process, `tasks.watch.live`)."""
        if self.page is None:
            return None
        say(f"episode     {episode} on {url}  (`causalcraft watch --broker URL {episode}` "
            "follows it from elsewhere)")
        minecraft = info.get("minecraft")
        if minecraft:
            say(f"minecraft   {minecraft}  (join with a Java 1.19.2 client: you are a spectator)")
            import asyncio

            await asyncio.to_thread(self.start_viewer, minecraft)
        return await on_bus_for(self.page)(url, episode, info)

    def keep_server(self, server: Any) -> None:
        """Take over stopping the episode's embedded game server (anything with `stop()`):
        with a 3D view it stays up while the page lingers; without one it stops now."""
        if self.viewer_process is None:
            server.stop()
            return
        self.server = server

    def _serve_viewer(self) -> None:
        """Start the viewer before there is a game (from a thread of its own), and show it."""
        from tasks.watch.viewer import ViewerError, ViewerProcess

        try:
            self.viewer_process = ViewerProcess(None, None).start()
        except ViewerError as err:
            say(f"causalcraft: warning: 3D view not available: {err}")
            return
        if self.page is not None:
            self.page.info["viewer"] = self.viewer_process.url
            self.page.push("info", {"viewer": self.viewer_process.url})

    def start_viewer(self, minecraft: str) -> None:
        """The 3D view of the server at host:port, shown in the page: the viewer already
        serving joins that game, or one is started for it."""
        if self.page is None or not self.want_viewer:
            return
        from tasks.watch.viewer import ViewerError, ViewerProcess

        host, _, port = minecraft.rpartition(":")
        early, self._early = self._early, None
        if early is not None:
            early.join()
            if self.viewer_process is None:
                return  # it could not start (said so)
            try:
                self.viewer_process.join(host or "127.0.0.1", int(port))
            except ViewerError as err:
                self.viewer_process = None
                say(f"causalcraft: warning: 3D view not available: {err}")
            return
        if self.viewer_process is not None:
            return
        try:
            self.viewer_process = ViewerProcess(host or "127.0.0.1", int(port)).start()
        except ViewerError as err:
            say(f"causalcraft: warning: 3D view not available: {err}")
            return
        self.page.info["viewer"] = self.viewer_process.url
        self.page.push("info", {"viewer": self.viewer_process.url})

    def linger(self, seconds: float | None) -> None:
        """Keep the page up after the run: `seconds`, or until Ctrl-C when None."""
        if self.page is None or seconds == 0:
            return
        self.page.push("end", {})
        say(f"watch page  {self.page.url}  stays up "
            + ("until Ctrl-C" if seconds is None else f"for {seconds:g} s"))
        try:
            if seconds is None:
                while True:
                    time.sleep(3600)
            time.sleep(seconds)
        except KeyboardInterrupt:
            pass

    def close(self) -> None:
        if self._early is not None:
            self._early.join(timeout=60)  # a viewer still starting is then stopped
            self._early = None
        if self.viewer_process is not None:
            self.viewer_process.stop()
            self.viewer_process = None
        if self.server is not None:
            server, self.server = self.server, None
            server.stop()
        if self.page is not None:
            self.page.stop()
