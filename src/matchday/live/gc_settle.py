"""After start-up, the process's long-lived objects leave the garbage collector's sight (``gc.freeze``).

A server process holds hundreds of thousands of objects from start-up (modules, routes, the schema, pools)
that live as long as it does. Every full collection walked all of them again, pausing every WebSocket client of
the process while it did; frozen, they are never scanned again. Objects made afterwards (connections,
messages) are collected as usual. Once per process: the first application start is the server's start-up (a
process that starts many applications, like the test suite, freezes only what the first one found).
"""

from __future__ import annotations

import gc

_settled = False


def settle_after_start() -> None:
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()
    gc.freeze()
