"""Live: the broker (memory | Redis pub/sub), the WebSocket hub, the /ws endpoint and the live scheduler."""
