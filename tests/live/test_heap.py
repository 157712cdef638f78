"""The serving process's collector management (live.heap) and what it relies on: a WebSocket connection that
closes leaves no reference cycle behind, so the objects frozen while it was open die by reference counting."""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Iterator

import pytest
import uvloop
from starlette.websockets import WebSocket
from websockets.sync.client import connect

from matchday.http_server import BoundedWebSocketProtocol
from matchday.live import heap
from matchday.live.heap import MIDDLE_EVERY, HeapSteward
from matchday.live.hub import Client
from tests.live.threaded_server import threaded_server


@pytest.fixture
def steward() -> Iterator[HeapSteward]:
    """A steward managing the test process's collector, released afterwards (nothing frozen, thresholds back)."""
    threshold = gc.get_threshold()
    managed = HeapSteward(lambda: 0)
    managed.manage()
    yield managed
    managed.release()
    assert gc.get_threshold() == threshold and gc.get_freeze_count() == 0


def test_what_a_full_collection_keeps_is_frozen_out_of_the_next(steward: HeapSteward) -> None:
    # full passes come often, each over what settled since; middle passes too, so each full one is smaller
    assert gc.get_threshold()[1:] == (MIDDLE_EVERY, steward.full_every)
    kept = [[n] for n in range(20_000)]  # lists: always tracked (a dict of atoms is not)
    before = gc.get_freeze_count()
    gc.collect()
    assert gc.get_freeze_count() - before >= len(kept)
    assert len(gc.get_objects(generation=2)) < 1_000  # the next full pass walks next to nothing


def test_the_frozen_set_is_walked_again_only_when_clients_are_few(steward: HeapSteward) -> None:
    clients = [10_000]
    steward.clients, steward.rescan_s = (lambda: clients[0]), 0
    steward._frozen_at_rescan = 1
    assert not steward.look()  # 10,000 clients held: walking them all would pause every one of them
    clients[0] = 500
    assert steward.look()  # a tenth of the peak: the walk is short
    assert not steward.look()  # the frozen set has not grown since


def test_start_is_a_no_op_outside_a_serving_process() -> None:
    async def run() -> None:
        managed = HeapSteward(lambda: 0)
        managed.start()
        assert managed._task is None
        await managed.stop()

    assert not heap.enabled()
    threshold, callbacks = gc.get_threshold(), list(gc.callbacks)
    asyncio.run(run())
    assert gc.get_threshold() == threshold and gc.callbacks == callbacks and gc.get_freeze_count() == 0


@pytest.fixture
def uvloop_server(tmp_path) -> Iterator[tuple[int, object]]:  # noqa: ANN001
    """``matchday serve``'s uvicorn on uvloop (the loop a serving process runs), in a thread."""
    with threaded_server(tmp_path / "store.db", uvloop.new_event_loop()) as running:
        yield running.port, running.app


def test_a_closed_connection_leaves_no_reference_cycle(uvloop_server: tuple[int, object]) -> None:
    port, app = uvloop_server
    hub = app.state.hub
    gc.collect()
    for _ in range(20):  # subscribe, get the snapshot, leave (the usual life of a client)
        with connect(f"ws://127.0.0.1:{port}/ws") as ws:
            ws.send(json.dumps({"action": "subscribe", "channels": ["live:all"]}))
            assert json.loads(ws.recv(timeout=10))["type"] == "subscribed"
            assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
    deadline = time.monotonic() + 10
    while hub.clients and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not hub.clients
    time.sleep(0.2)  # the connection's last callbacks
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, Client | WebSocket | BoundedWebSocketProtocol | BaseException)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []
