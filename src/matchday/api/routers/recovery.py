"""Password reset and email verification by emailed single-use links (``accounts.recovery``)."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request, Response

from matchday.accounts.deps import Accounts, CurrentUser, client_address
from matchday.api.account_schemas import AcceptedOut, ResetIn, ResetRequestIn, VerifyIn
from matchday.api.schemas import ErrorBody
from matchday.errors import Conflict

router = APIRouter(tags=["accounts"])
RESET_SENT = ("if an account has this address, a reset link is on its way; it works once and expires; check the "
              "spam folder too")


@router.post("/auth/password-reset/request", response_model=AcceptedOut, status_code=202,
             responses={429: {"model": ErrorBody}, 503: {"model": ErrorBody}})
def request_password_reset(body: ResetRequestIn, request: Request, background: BackgroundTasks,
                           accounts: Accounts) -> AcceptedOut:
    """Email a password-reset link to the account with this address. The same answer whether or not an account
    has it (the email goes out after the answer); 429 past MATCHDAY_PASSWORD_RESET_RATE_LIMIT per client
    address or per email; 503 when the server has no SMTP server configured."""
    mail = accounts.recovery.request_reset(body.email, client_address(request), accounts.base_url(request))
    background.add_task(accounts.recovery.send, mail)
    return AcceptedOut(detail=RESET_SENT)


@router.post("/auth/password-reset", status_code=204,
             responses={400: {"model": ErrorBody}, 429: {"model": ErrorBody}})
def reset_password(body: ResetIn, request: Request, accounts: Accounts) -> Response:
    """Set a new password with the emailed link's token. The token works once and expires; every session of the
    account ends (sign in again). 400: unknown, used or expired token; 422: a weak password (the token stays
    usable)."""
    accounts.recovery.reset_password(body.token, body.new_password, client_address(request))
    return Response(status_code=204)


@router.post("/auth/verify-email/request", response_model=AcceptedOut, status_code=202,
             responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody}, 409: {"model": ErrorBody},
                        503: {"model": ErrorBody}})
def request_verification(request: Request, auth: CurrentUser, background: BackgroundTasks,
                         accounts: Accounts) -> AcceptedOut:
    """Email a verification link to the signed-in account's address (409 when it is verified already)."""
    if auth.user.email_verified:
        raise Conflict("this address is verified already")
    mail = accounts.recovery.request_verification(auth.user, accounts.base_url(request))
    background.add_task(accounts.recovery.send, mail)
    return AcceptedOut(detail=f"a verification link is on its way to {auth.user.email}")


@router.post("/auth/verify-email", status_code=204, responses={400: {"model": ErrorBody}, 429: {"model": ErrorBody}})
def verify_email(body: VerifyIn, request: Request, accounts: Accounts) -> Response:
    """Confirm an address with the emailed link's token (works once, until it expires). 400: unknown, used or
    expired token."""
    accounts.recovery.verify_email(body.token, client_address(request))
    return Response(status_code=204)
