"""``matchday serve``'s uvicorn (the bounded protocols, the real app) on a store of its own, in a thread of the test
process, so a test can reach into the app and the server while clients talk to it over real sockets."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from matchday.http_server import BoundedWebSocketProtocol, uvicorn_config
from matchday.ingest.seed import seed_reference_data
from matchday.server import create_server
from matchday.settings import Settings
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from tests.ports import free_port


@dataclass
class Running:
    server: uvicorn.Server
    loop: asyncio.AbstractEventLoop
    port: int
    app: Any

    def call(self, function, *args) -> None:  # noqa: ANN001 - run in the server's loop
        self.loop.call_soon_threadsafe(function, *args)

    def ws_connections(self) -> int:
        return sum(isinstance(c, BoundedWebSocketProtocol) for c in list(self.server.server_state.connections))


@contextmanager
def threaded_server(store: Path, loop: asyncio.AbstractEventLoop, **settings: Any) -> Iterator[Running]:
    """The server on a new store at ``store``, run by ``loop`` (asyncio's or uvloop's) until the block ends."""
    engine = make_engine(f"sqlite:///{store}")
    upgrade(engine)
    seed_reference_data(engine)
    config = Settings(database_url=str(engine.url), **settings)
    app = create_server(config, engine)
    port = free_port()
    server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", port, config, log_config=None))
    thread = threading.Thread(target=loop.run_until_complete, args=(server.serve(),), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    try:
        yield Running(server, loop, port, app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        loop.close()
        engine.dispose()
