"""Unknown query parameters are refused (422, the one error shape), so junk never reaches the response cache.

Cached answers are keyed by path and query string; accepting ``?junk=1``, ``?junk=2`` ... would store one copy
of the same answer per junk value. The allowed names are the route's declared query parameters (its own and
those of its dependencies, such as paging), read once per route from FastAPI's dependency tree.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError

_allowed_by_route: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def reject_unknown_query(request: Request) -> None:
    if not request.scope.get("query_string"):
        return
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    allowed = _allowed_by_route.get(id(route))
    if allowed is None:
        allowed = _allowed_by_route[id(route)] = frozenset(_query_names(dependant))
    unknown = sorted({name for name in request.query_params if name not in allowed})
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise RequestValidationError([{
            "loc": ("query", name), "msg": f"unknown query parameter; this endpoint takes: {known}",
            "type": "unknown_parameter", "input": request.query_params.get(name)} for name in unknown[:10]])
