"""Live: the broker (memory | Redis pub/sub), the WebSocket hub, the /ws endpoint and the channel snapshots.
It imports nothing of ingest: what to publish comes from the change stream (``ingest.publish``)."""
