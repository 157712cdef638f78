"""Pages for people with an account: register, sign in/out, profile, prediction leagues (list, create, join by
code or link, a round's prediction form, the live leaderboard). Forms post with a CSRF token; the pages' own
fetches use the session cookie with the X-CSRF-Token header, through the same API as every client."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import available_timezones

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from matchday.accounts import notifications, sessions, users
from matchday.accounts.deps import client_address, current_user
from matchday.accounts.login import log_in
from matchday.domain.notifications import KINDS
from matchday.domain.prediction_scoring import PRESETS
from matchday.errors import InvalidInput, MatchdayError, NotFound
from matchday.pools import football, leagues, season_chart
from matchday.services.calendars import user_token
from matchday.store import team_queries
from matchday.store.keys import as_internal_id
from matchday.web import i18n, prediction_charts
from matchday.web.i18n import N_
from matchday.web.pages import templates
from matchday.web.sessions import csrf_token, sign_in, sign_out, use_locale, verify_form, web_user, ws_token

router = APIRouter(include_in_schema=False)
templates.env.globals.update(web_user=web_user, csrf_token=csrf_token)
TIMEZONES = sorted(available_timezones())
SERVICE_WORKER = Path(__file__).parent / "static" / "sw.js"


def _render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


def _login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)


@router.get("/register", response_class=HTMLResponse)
def register_page(request: Request) -> HTMLResponse:
    return _render(request, "register.html")


@router.post("/register", response_class=HTMLResponse)
async def register_submit(request: Request, background: BackgroundTasks) -> Response:
    form = await request.form()
    state = request.app.state.accounts
    email, username, password = (str(form.get(k, "")) for k in ("email", "username", "password"))
    try:
        verify_form(request, form)
        state.limiter.hit("register", f"ip:{client_address(request)}", f"account:{email.strip().lower()}",
                          f"account:{username.strip().lower()}")
        with state.engine.begin() as conn:
            user = users.register(conn, email, username, password)
            if str(form.get("timezone", "UTC")) in users.time_zones():  # the browser's, as a start
                user = users.update_profile(conn, user.id, {"timezone": str(form["timezone"])})
            pair = sessions.open_session(conn, state.lifetimes, user, request.headers.get("user-agent"),
                                         client_address(request))
    except MatchdayError as exc:
        return _render(request, "register.html", status=exc.status_code, error=str(exc), email=email,
                       username=username)
    if state.recovery.mailer.configured:  # the confirmation link, sent after the answer
        background.add_task(state.recovery.send, state.recovery.request_verification(user, state.base_url(request)))
    response = RedirectResponse("/prediction-leagues", status_code=303)
    sign_in(response, state, user.id, pair.session_id)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: Annotated[str | None, Query(max_length=300)] = None) -> HTMLResponse:
    return _render(request, "login.html", next=_safe_next(next))


@router.post("/login", response_class=HTMLResponse)
async def login_submit(request: Request) -> Response:
    form = await request.form()
    state = request.app.state.accounts
    login, password, target = str(form.get("username", "")), str(form.get("password", "")), str(form.get("next", "/"))
    try:
        verify_form(request, form)
        user, pair = log_in(state.engine, state.limiter, state.lifetimes, login, password, client_address(request),
                            request.headers.get("user-agent"))
    except MatchdayError as exc:
        return _render(request, "login.html", status=exc.status_code, error=str(exc), username=login,
                       next=_safe_next(target))
    response = RedirectResponse(_safe_next(target), status_code=303)
    sign_in(response, state, user.id, pair.session_id)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    state = request.app.state.accounts
    verify_form(request, form)
    try:
        auth = current_user(request)
        with state.engine.begin() as conn:
            sessions.revoke(conn, auth.session_id, "signed out")
    except MatchdayError:
        pass  # already signed out: clear the cookie all the same
    response = RedirectResponse("/", status_code=303)
    sign_out(response, state)
    return response


NOTICES = {"verification-sent": N_("A confirmation link is on its way to your address."),
           "mail-503": N_("This server sends no email (no SMTP server configured); ask its administrator."),
           "mail-429": N_("Too many requests; try again later.")}


KIND_LABELS = {"kickoff": N_("Kick-off"), "goal": N_("Goals"), "red_card": N_("Red cards"),
               "final_score": N_("Final score")}


def _profile(request: Request, user: users.User, status: int = 200, **context: Any) -> HTMLResponse:
    state = request.app.state.accounts
    with state.engine.connect() as conn:
        my_kinds = notifications.kinds_for(conn, user.id)
    return _render(request, "profile.html", status=status, me=user, timezones=TIMEZONES,
                   calendar_token=user_token(state.settings.secret_key, user.id), my_kinds=my_kinds,
                   notification_kinds=[(k, KIND_LABELS[k]) for k in KINDS], **context)


@router.get("/profile", response_class=HTMLResponse)
def profile_page(request: Request, notice: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    user = web_user(request)
    if user is None:
        return _login_redirect(request)
    return _profile(request, user, message=NOTICES.get(notice or ""))


@router.post("/profile/notifications", response_class=HTMLResponse)
async def profile_notifications(request: Request) -> Response:
    """The profile page's notification form: the kinds of event checked (none checked: none)."""
    form = await request.form()
    verify_form(request, form)
    user = web_user(request)
    if user is None:
        return _login_redirect(request)
    try:
        with request.app.state.accounts.engine.begin() as conn:
            notifications.set_kinds(conn, user.id, [str(k) for k in form.getlist("kinds")][:10])
    except MatchdayError as exc:
        return _profile(request, user, status=exc.status_code, error=str(exc))
    return _profile(request, user, notify_message=N_("Notifications saved."))


@router.post("/profile", response_class=HTMLResponse)
async def profile_submit(request: Request) -> Response:
    form = await request.form()
    state = request.app.state.accounts
    verify_form(request, form)  # first: a cookie session's POST is signed in only with the form's token
    user = web_user(request)
    if user is None:
        return _login_redirect(request)
    try:
        auth = current_user(request)
        with state.engine.begin() as conn:
            if form.get("new_password"):
                users.change_password(conn, user.id, str(form.get("current_password", "")),
                                      str(form["new_password"]))
                sessions.revoke_others(conn, user.id, auth.session_id, "password changed")
                message = N_("Password changed; your other sessions have ended.")
            else:
                changes = {"full_name": str(form.get("full_name", "")) or None,
                           "timezone": str(form.get("timezone", "UTC")), "language": str(form.get("language", "en")),
                           "reminders_enabled": form.get("reminders_enabled") == "on"}
                user = users.update_profile(conn, user.id, changes)
                message = N_("Profile saved.")
            # the answer already speaks the language just chosen
            request.state.locale = i18n.choose_locale(user.language, request.cookies.get(i18n.COOKIE),
                                                      request.headers.get("accept-language"))
    except MatchdayError as exc:
        return _profile(request, user, status=exc.status_code, error=str(exc))
    return _profile(request, user, message=message)


@router.get("/sw.js")
def service_worker() -> FileResponse:
    """The service worker, from the site's root so its scope is every page (Web Push when no page is open)."""
    return FileResponse(SERVICE_WORKER, media_type="text/javascript",
                        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"})


@router.post("/language")
async def language_submit(request: Request) -> Response:
    """The language picker: remembered in a cookie, and for a signed-in user in the profile as well."""
    form = await request.form()
    state = request.app.state.accounts
    verify_form(request, form)
    chosen = i18n.supported(str(form.get("lang", "")))
    if chosen is None:
        raise InvalidInput(f"unsupported language {str(form.get('lang', ''))[:20]!r}; choose one of "
                         f"{', '.join(i18n.SUPPORTED)}")
    user = web_user(request)
    if user is not None and user.language != chosen:
        with state.engine.begin() as conn:
            users.update_profile(conn, user.id, {"language": chosen})
    response = RedirectResponse(_safe_next(str(form.get("next", "/"))), status_code=303)
    response.set_cookie(i18n.COOKIE, chosen, max_age=365 * 86400, path="/", httponly=True, samesite="lax",
                        secure=not state.settings.development)
    return response


@router.get("/account/ws-token")
def account_ws_token(request: Request) -> JSONResponse:
    """A fresh short-lived access token for this page session's WebSocket (private channels)."""
    auth = current_user(request)
    return JSONResponse({"token": ws_token(request.app.state.accounts, auth.user.id, auth.session_id),
                         "user_id": auth.user.id}, headers={"Cache-Control": "no-store"})


@router.get("/prediction-leagues", response_class=HTMLResponse)
def prediction_leagues_page(request: Request) -> Response:
    user = web_user(request)
    if user is None:
        return _login_redirect(request)
    state = request.app.state.accounts
    with state.engine.connect() as conn:
        mine = leagues.list_for(conn, user)
    with request.app.state.read_engine.connect() as fconn:
        competitions, _ = team_queries.list_leagues(fconn, None, "league", None, 500, 0)
        names = {c["id"]: c["name"] for c in competitions}
    options = [c for c in competitions if c["matches"] and c["latest_season"]]
    return _render(request, "prediction_leagues.html", mine=mine, names=names, competitions=options,
                   presets=[*PRESETS, "custom"])


@router.get("/prediction-leagues/join/{code}", response_class=HTMLResponse)
def join_link(request: Request, code: str) -> Response:
    """An invite link: signed in, it asks to confirm; signed out, it leads through sign-in back here."""
    if web_user(request) is None:
        return _login_redirect(request)
    return _render(request, "join.html", code=code[:16])


@router.get("/prediction-leagues/{league_id}", response_class=HTMLResponse)
def prediction_league_page(request: Request, league_id: str,
                           round: Annotated[int | None, Query(ge=0, le=1000)] = None) -> Response:
    user = web_user(request)
    if user is None:
        return _login_redirect(request)
    state = request.app.state.accounts
    key = as_internal_id(league_id)  # the one bounded id: 2**63 is a 404 page, not an overflow
    if key is None or key < 1:
        raise NotFound(f"no prediction league {league_id[:40]!r}")
    try:
        with state.engine.connect() as conn:
            acc = leagues.access(conn, key, user)
            acc.require_member()
    except MatchdayError as exc:
        raise NotFound(str(exc)) from None
    with request.app.state.read_engine.connect() as fconn:
        comp = football.competition(fconn, str(acc.league["competition_id"]))
        season = football.season_matches(fconn, comp.id, acc.league["season"])
    with state.engine.connect() as conn:
        mine = season_chart.member_season(conn, league_id, acc.rules, user.id)
    rounds = sorted({r["info"].round_number for r in season})
    upcoming = [r["info"].round_number for r in season if r["info"].status in ("scheduled", "live", "halftime")]
    chosen = round if round is not None else (upcoming[0] if upcoming else (rounds[-1] if rounds else 0))
    base = str(request.base_url).rstrip("/")
    use_locale(request)  # the season chart's labels
    return _render(request, "prediction_league.html", league=acc.league, comp=comp, rounds=rounds, round=chosen,
                   is_owner=acc.is_owner, season_svg=prediction_charts.season_chart(mine["rounds"]),
                   my_season=mine, invite_link=f"{base}/prediction-leagues/join/{acc.league['invite_code']}")
