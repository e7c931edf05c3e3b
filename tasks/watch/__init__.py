"""Watching an episode: one local page fed by push from the bus (server-sent events).

`feed` turns an episode's plan and world into the messages viewers read; `hub` keeps what was
sent and fans it out to browsers; `page` is the HTTP server (the page, its vendored scripts,
the event stream); `viewer` runs prismarine-viewer's 3D view of a Minecraft server;
`replay` plays a result file's trace onto the page.
"""
