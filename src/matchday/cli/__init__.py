"""The ``matchday`` command: a thin face over the pipeline, the services and the queries.

One module per command group; importing them registers their commands on ``app``.
"""

from matchday.cli import (  # noqa: F401 - importing a module registers its commands
    admin,
    assistant,
    backup,
    collector,
    competitions,
    conflicts,
    loading,
    predict,
    quickstart,
    serving,
    status,
    tables,
    teams,
    users,
    workers,
)
from matchday.cli.common import app

__all__ = ["app"]
