"""The 3D view's process before there is a game: it serves the viewer's page at once (so a
browser loads it while the world is built), and a game server that is not there is one
clear error, with the process gone."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from tasks.watch.viewer import ViewerError, ViewerProcess


def test_a_viewer_serves_its_page_before_it_joins_a_game() -> None:
    viewer = ViewerProcess(None, None).start()
    try:
        page = urllib.request.urlopen(viewer.url, timeout=10).read().decode()
        assert "index.js" in page
        code = urllib.request.urlopen(viewer.url + "index.js", timeout=30).read().decode()
        assert "globalThis.ccFrame" in code  # the patched bundle (env/viewer/bundle.js)
        with socket.socket() as s:  # a port with no game server behind it
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with pytest.raises(ViewerError, match=rf"viewer did not join 127.0.0.1:{port}"):
            viewer.join("127.0.0.1", port)
        assert viewer.proc is None  # stopped
    finally:
        viewer.stop()
