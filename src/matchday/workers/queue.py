"""The Celery queue matchday's tasks go to (and the Redis list the queue-depth metric reads)."""

QUEUE = "matchday"
