"""The scaled-out deployment's background processes: Celery workers and beat (DESIGN.md §1)."""
