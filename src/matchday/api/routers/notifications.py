"""A user's notifications: which events of their favourites they are told of, and their browsers' Web Push
subscriptions (the service worker at ``/sw.js`` receives the pushes)."""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Path, Request, Response

from matchday.accounts import notifications
from matchday.accounts.deps import Accounts, CurrentUser
from matchday.api.account_schemas import (
    NotificationSettingsIn,
    NotificationSettingsOut,
    PushPublicKeyOut,
    PushSubscriptionIn,
    PushSubscriptionOut,
)
from matchday.api.schemas import ErrorBody
from matchday.domain.notifications import KINDS
from matchday.errors import BadRequest
from matchday.store.keys import MAX_ID

router = APIRouter(tags=["notifications"])
ERRORS = {401: {"model": ErrorBody}, 403: {"model": ErrorBody}, 404: {"model": ErrorBody}}


def public_key(request: Request) -> str | None:
    """The VAPID public key this server pushes with (None: no push sender, e.g. no key file)."""
    push = getattr(getattr(request.app.state, "publisher", None), "push", None)
    return push.keys.public_key if push is not None else None


def _settings(request: Request, accounts: Accounts, user_id: int) -> NotificationSettingsOut:
    with accounts.engine.connect() as conn:
        kinds = notifications.kinds_for(conn, user_id)
        subscriptions = notifications.list_for(conn, user_id)
    return NotificationSettingsOut(kinds=kinds, available=list(KINDS), push_public_key=public_key(request),
                                   push_subscriptions=[PushSubscriptionOut(**s) for s in subscriptions])


@router.get("/push/public-key", response_model=PushPublicKeyOut)
def push_public_key(request: Request) -> PushPublicKeyOut:
    """The server's VAPID public key, for ``PushManager.subscribe({applicationServerKey})``."""
    return PushPublicKeyOut(public_key=public_key(request))


@router.get("/users/notifications", response_model=NotificationSettingsOut, responses=ERRORS)
def get_notifications(request: Request, auth: CurrentUser, accounts: Accounts) -> NotificationSettingsOut:
    """Which events of favourite teams and leagues (with notifications on) the user is told of, in open pages and
    by Web Push; and the browsers subscribed to Web Push."""
    return _settings(request, accounts, auth.user.id)


@router.put("/users/notifications", response_model=NotificationSettingsOut, responses=ERRORS)
def put_notifications(body: NotificationSettingsIn, request: Request, auth: CurrentUser,
                      accounts: Accounts) -> NotificationSettingsOut:
    with accounts.engine.begin() as conn:
        notifications.set_kinds(conn, auth.user.id, body.kinds)
    return _settings(request, accounts, auth.user.id)


def _decoded_length(text: str) -> int:
    try:
        return len(base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4)))
    except (binascii.Error, ValueError):
        return -1


@router.post("/users/push-subscriptions", response_model=PushSubscriptionOut, status_code=201,
             responses={**ERRORS, 400: {"model": ErrorBody}})
def add_push_subscription(body: PushSubscriptionIn, request: Request, auth: CurrentUser,
                          accounts: Accounts) -> PushSubscriptionOut:
    """Store this browser's push subscription (``PushSubscription.toJSON()``); the same endpoint again updates it.
    400: not an https push endpoint, or keys of the wrong size."""
    development = request.app.state.settings.development
    notifications.check_endpoint(body.endpoint, allow_http=development)
    if _decoded_length(body.keys.p256dh) != 65 or _decoded_length(body.keys.auth) != 16:
        raise BadRequest("keys.p256dh must be a 65-byte P-256 point and keys.auth 16 bytes, base64url")
    with accounts.engine.begin() as conn:
        row = notifications.subscribe(conn, auth.user.id, body.endpoint, body.keys.p256dh, body.keys.auth,
                                      request.headers.get("user-agent"))
    return PushSubscriptionOut(**row)


@router.delete("/users/push-subscriptions/{subscription_id}", status_code=204, responses=ERRORS)
def delete_push_subscription(auth: CurrentUser, accounts: Accounts,
                             subscription_id: int = Path(ge=1, le=MAX_ID)) -> Response:
    with accounts.engine.begin() as conn:
        notifications.remove(conn, auth.user.id, subscription_id)
    return Response(status_code=204)
