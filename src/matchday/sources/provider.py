"""What an API provider package offers the collector (DESIGN.md §10): endpoint descriptions and pure parsers.

A provider package (``sources/<provider>/``) knows nothing of HTTP clients, quotas or the database. It says what
can be requested (``Endpoint``), how a response body becomes canonical records (``parse``), how the provider
signals an error inside a 200 answer (``check_body``), and what its rate-limit headers say (``quota_headers``).
``fetch/`` sends the requests and archives the bodies; ``ingest/`` runs jobs and stores what ``parse`` returns.
The types live in ``domain.interfaces`` (so ``fetch`` needs nothing of ``sources``); plugins import them here.
"""

from matchday.domain.interfaces import Endpoint, Provider, ProviderInfo, QuotaReading

__all__ = ["Endpoint", "Provider", "ProviderInfo", "QuotaReading"]
