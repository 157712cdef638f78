"""``bare_app`` served by the uvicorn configuration ``matchday serve`` runs (``http_server.uvicorn_config``:
its protocol classes, keep-alive and limits), so a ratio to it isolates what the app costs from what the server
configuration costs.

    BARE_BODIES=folder python benchmarks/bare_same_server.py PORT
"""

from __future__ import annotations

import sys

import uvicorn
from bare_app import app

from matchday.http_server import uvicorn_config
from matchday.settings import get_settings

if __name__ == "__main__":
    uvicorn.Server(uvicorn_config(app, "127.0.0.1", int(sys.argv[1]), get_settings())).run()
