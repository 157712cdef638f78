"""The ``matchday`` command: a thin face over the pipeline, the services and the queries.

One module per command group; importing them registers their commands on ``app``.
"""

from matchday.cli import (
    backup,  # noqa: F401 - importing a module registers its commands
    conflicts,  # noqa: F401
    loading,  # noqa: F401
    quickstart,  # noqa: F401
    serving,  # noqa: F401
    status,  # noqa: F401
    tables,  # noqa: F401
    teams,  # noqa: F401
)
from matchday.cli.common import app

__all__ = ["app"]
