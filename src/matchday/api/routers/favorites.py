"""A user's favorite teams and leagues."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request, Response

from matchday.accounts import favorites
from matchday.accounts.deps import Accounts, CurrentUser
from matchday.api.account_schemas import FavoriteIn, FavoriteOut, FavoritePatch, FavoritesOut
from matchday.api.schemas import ErrorBody
from matchday.store.keys import MAX_ID

router = APIRouter(tags=["favorites"])
ERRORS = {401: {"model": ErrorBody}, 403: {"model": ErrorBody}, 404: {"model": ErrorBody}}
FavoriteId = Path(ge=1, le=MAX_ID)


def _changed(request: Request, user_id: int) -> None:
    live = getattr(request.app.state, "private_channels", None)
    if live is not None:
        live.favorites_changed(user_id)


@router.get("/users/favorites", response_model=FavoritesOut, responses=ERRORS)
def list_favorites(auth: CurrentUser, accounts: Accounts) -> FavoritesOut:
    with accounts.engine.connect() as conn:
        return FavoritesOut(**favorites.list_for(conn, auth.user.id))


@router.post("/users/favorites", response_model=FavoriteOut, status_code=201,
             responses={**ERRORS, 400: {"model": ErrorBody}})
def add_favorite(body: FavoriteIn, request: Request, auth: CurrentUser, accounts: Accounts) -> FavoriteOut:
    """Follow a team or a league. 400: a bad type or already a favorite; 404: no such team or league."""
    with request.app.state.read_engine.connect() as football, accounts.engine.begin() as conn:
        favorite = favorites.add(conn, football, auth.user.id, body.entity_type, body.entity_id,
                                 body.notification_enabled)
    _changed(request, auth.user.id)
    return FavoriteOut(**favorite)


@router.patch("/users/favorites/{favorite_id}", response_model=FavoriteOut, responses=ERRORS)
def patch_favorite(body: FavoritePatch, request: Request, auth: CurrentUser, accounts: Accounts,
                   favorite_id: int = FavoriteId) -> FavoriteOut:
    """Turn notifications for a favorite on or off."""
    with accounts.engine.begin() as conn:
        favorite = favorites.set_notifications(conn, auth.user.id, favorite_id, body.notification_enabled)
    _changed(request, auth.user.id)
    return FavoriteOut(**favorite)


@router.delete("/users/favorites/{favorite_id}", status_code=204, responses=ERRORS)
def delete_favorite(request: Request, auth: CurrentUser, accounts: Accounts,
                    favorite_id: int = FavoriteId) -> Response:
    with accounts.engine.begin() as conn:
        favorites.remove(conn, auth.user.id, favorite_id)
    _changed(request, auth.user.id)
    return Response(status_code=204)
