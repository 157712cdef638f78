"""The admin credential: ONE dependency, ``require_admin``, guards every /api/v1/admin route.

An admin today is whoever presents an admin API key (``matchday admin create-key``) as ``Authorization: Bearer
<key>`` or ``X-API-Key: <key>``. Without one: 401; with one that is not valid: 401 as well (an unknown key says
nothing about who is asking). Admin users (accounts) are to be accepted here too, in this one function.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.exceptions import HTTPException

from matchday.store import admin_keys


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("x-api-key") or None


def require_admin(request: Request) -> dict[str, Any]:
    """The admin behind the request (``{"kind": "api_key", "id", "name"}``), else 401 in the one error shape."""
    key = _presented_key(request)
    if key is None:
        raise HTTPException(401, "admin credential required: Authorization: Bearer <admin key> or X-API-Key",
                            headers={"WWW-Authenticate": "Bearer"})
    row = admin_keys.verify(request.app.state.engine, key)
    if row is None:
        raise HTTPException(401, "invalid or revoked admin key", headers={"WWW-Authenticate": "Bearer"})
    return {"kind": "api_key", "id": row["id"], "name": row["name"]}


Admin = Annotated[dict[str, Any], Depends(require_admin)]
