"""HTTP: one shared client, retries with backoff, raw responses kept on disk."""
