"""Pages for a forgotten password and an unconfirmed address: ask for a reset link, set a new password from the
link, confirm an address from its link (a button, so a mail scanner that opens links uses nothing), and send a
new verification link from the profile. Every form posts with a CSRF token; no inline script."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from matchday.accounts.deps import client_address
from matchday.errors import MatchdayError
from matchday.web.i18n import N_
from matchday.web.pages import templates
from matchday.web.sessions import verify_form, web_user

router = APIRouter(include_in_schema=False)
SENT = N_("If an account has this address, a reset link is on its way. It works once and expires; check the spam "
         "folder too.")


def _render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


@router.get("/forgot-password", response_class=HTMLResponse)
def forgot_page(request: Request) -> HTMLResponse:
    return _render(request, "forgot_password.html")


@router.post("/forgot-password", response_class=HTMLResponse)
async def forgot_submit(request: Request, background: BackgroundTasks) -> HTMLResponse:
    form = await request.form()
    state = request.app.state.accounts
    email = str(form.get("email", ""))[:254]
    try:
        verify_form(request, form)
        mail = state.recovery.request_reset(email, client_address(request), state.base_url(request))
    except MatchdayError as exc:
        return _render(request, "forgot_password.html", status=exc.status_code, error=str(exc), email=email)
    background.add_task(state.recovery.send, mail)  # after the answer: known and unknown addresses look alike
    return _render(request, "forgot_password.html", message=SENT)


@router.get("/reset-password", response_class=HTMLResponse)
def reset_page(request: Request, token: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    return _render(request, "reset_password.html", token=token)


@router.post("/reset-password", response_class=HTMLResponse)
async def reset_submit(request: Request) -> HTMLResponse:
    form = await request.form()
    state = request.app.state.accounts
    token, password = str(form.get("token", ""))[:200], str(form.get("new_password", ""))
    try:
        verify_form(request, form)
        if password != str(form.get("confirm_password", "")):
            return _render(request, "reset_password.html", status=422, token=token,
                           error="the two passwords differ")
        user = state.recovery.reset_password(token, password, client_address(request))
    except MatchdayError as exc:
        return _render(request, "reset_password.html", status=exc.status_code, token=token, error=str(exc))
    return _render(request, "login.html", next="/", username=user.username,
                   message=N_("Your password is changed and every session has ended: sign in with the new one."))


@router.get("/verify-email", response_class=HTMLResponse)
def verify_page(request: Request, token: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    return _render(request, "verify_email.html", token=token)


@router.post("/verify-email", response_class=HTMLResponse)
async def verify_submit(request: Request) -> HTMLResponse:
    form = await request.form()
    state = request.app.state.accounts
    token = str(form.get("token", ""))[:200]
    try:
        verify_form(request, form)
        user = state.recovery.verify_email(token, client_address(request))
    except MatchdayError as exc:
        return _render(request, "verify_email.html", status=exc.status_code, token=token, error=str(exc))
    return _render(request, "verify_email.html", verified=user.email)


@router.post("/profile/verify-email", response_class=HTMLResponse)
async def profile_verify(request: Request, background: BackgroundTasks) -> Response:
    form = await request.form()
    state = request.app.state.accounts
    verify_form(request, form)
    user = web_user(request)
    if user is None:
        return RedirectResponse("/login?next=/profile", status_code=303)
    if not user.email_verified:
        try:
            mail = state.recovery.request_verification(user, state.base_url(request))
        except MatchdayError as exc:
            return RedirectResponse(f"/profile?notice=mail-{exc.status_code}", status_code=303)
        background.add_task(state.recovery.send, mail)
    return RedirectResponse("/profile?notice=verification-sent", status_code=303)
