"""The admin credential: ONE dependency, ``require_admin``, guards every /api/v1/admin route.

An admin is a signed-in user with the admin role (``matchday users create-admin``: an access token or the web
session) or whoever presents an admin API key (``matchday admin create-key``) as ``Authorization: Bearer <key>``
or ``X-API-Key: <key>``. Without a credential: 401; a user who is not an admin: 403; a key that is not valid: 401
(an unknown key says nothing about who is asking).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.exceptions import HTTPException

from matchday.accounts.deps import authenticate_request
from matchday.errors import MatchdayError
from matchday.store import admin_keys


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("x-api-key") or None


def require_admin(request: Request) -> dict[str, Any]:
    """The admin behind the request (``{"kind": "user" | "api_key", "id", "name"}``), else 401/403 in the one
    error shape."""
    try:
        signed_in = authenticate_request(request)
    except MatchdayError:
        signed_in = None  # not a user's token: perhaps an admin key
    if signed_in is not None:
        if not signed_in.is_admin:
            raise HTTPException(403, "admins only: this account is not an admin")
        return {"kind": "user", "id": signed_in.user.id, "name": signed_in.user.username}
    key = _presented_key(request)
    if key is None:
        raise HTTPException(401, "admin credential required: Authorization: Bearer <admin key> or X-API-Key",
                            headers={"WWW-Authenticate": "Bearer"})
    row = admin_keys.verify(request.app.state.engine, key)
    if row is None:
        raise HTTPException(401, "invalid or revoked admin key", headers={"WWW-Authenticate": "Bearer"})
    return {"kind": "api_key", "id": row["id"], "name": row["name"]}


Admin = Annotated[dict[str, Any], Depends(require_admin)]
