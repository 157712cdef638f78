"""matchday: a self-hosted football data platform."""

__version__ = "0.1.0"
