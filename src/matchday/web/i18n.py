"""The pages' languages: gettext catalogs (Babel), the locale of a request, and locale-aware formatting.

A request's locale: the signed-in user's stored ``language``, else the ``lang`` cookie the language picker sets,
else the browser's Accept-Language, else English (``choose_locale``). The catalogs are the ``.po`` files under
``web/locale``; they are compiled in memory when this module is first imported (no ``.mo`` file to build or to
go stale). Templates translate with ``{{ _("…") }}``/``{% trans %}`` and format with the ``date``, ``number``,
``decimal`` and ``percent`` filters; strings the pages' scripts show come from ``js_messages``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"
SUPPORTED: tuple[str, ...] = ("en", "de")
NAMES = {"en": "English", "de": "Deutsch"}  # each language in itself, as the picker shows it
COOKIE = "lang"
_current: ContextVar[str] = ContextVar("matchday_locale", default=DEFAULT)
_TAG = re.compile(r"^[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$")


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark for extraction, translate later"
    return message


def supported(tag: str | None) -> str | None:
    """The supported locale a language tag names (``de-AT`` → ``de``), or None."""
    if not tag or not _TAG.match(tag.strip()):
        return None
    primary = re.split(r"[-_]", tag.strip().lower())[0]
    return primary if primary in SUPPORTED else None


def parse_accept_language(header: str | None) -> list[str]:
    """The tags of an Accept-Language header, most wanted first (``q=0`` dropped; bad parts ignored)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "")[:1000].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = -1.0
        if tag and quality > 0:
            ranked.append((-quality, index, tag.strip()))
    return [tag for _q, _i, tag in sorted(ranked)]


def choose_locale(user_language: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The signed-in user's language, else the picker's cookie, else the browser's first supported, else English."""
    for tag in (user_language, cookie):
        if chosen := supported(tag):
            return chosen
    for tag in parse_accept_language(accept_language):
        if tag == "*":
            break
        if chosen := supported(tag):
            return chosen
    return DEFAULT


def compile_catalog(po_path: Path) -> Translations:
    """A ``.po`` file compiled to gettext's binary form in memory (fuzzy entries are left out, as ``msgfmt`` does)."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=po_path.parent.parent.name, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@cache
def translations(locale: str) -> NullTranslations:
    """The catalog of a supported locale (English is the source language: no catalog)."""
    if locale == DEFAULT:
        return NullTranslations()
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale not in SUPPORTED or not po_path.is_file():
        raise LookupError(f"no catalog for locale {locale!r} at {po_path}")
    return compile_catalog(po_path)


def current() -> str:
    """The locale of the page being rendered."""
    return _current.get()


def activate(locale: str) -> None:
    """Make ``locale`` the one the templates' translations and filters use while this request renders."""
    _current.set(locale if locale in SUPPORTED else DEFAULT)


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(current()).npgettext(context, singular, plural, n)


def format_date(value: date | datetime | str | None, format: str = "medium") -> str:  # noqa: A002 - Babel's name
    """A date in the page's locale (``full``: "Montag, 7. Dezember 2026"); text that is not a date as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return dates.format_date(value, format=format, locale=current())


def format_datetime(value: datetime | None, format: str = "medium") -> str:  # noqa: A002
    """A UTC date and time (naive = UTC) in the page's locale, to the minute, with the zone named."""
    if value is None:
        return ""
    day = dates.format_date(value, format=format, locale=current())
    return f"{day}, {dates.format_time(value, format='short', tzinfo=dates.UTC, locale=current())} UTC"


def format_time(value: datetime | None, format: str = "short") -> str:  # noqa: A002
    return "" if value is None else dates.format_time(value, format=format, tzinfo=dates.UTC, locale=current())


def format_number(value: float | None) -> str:
    """A whole number with the locale's grouping (12,345 / 12.345)."""
    return "" if value is None else numbers.format_decimal(value, format="#,##0", locale=current())


def format_decimal(value: float | None, digits: int = 2) -> str:
    """A number with exactly ``digits`` decimals in the locale's notation (1.25 / 1,25)."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return numbers.format_decimal(value, format=pattern, locale=current())


def format_percent(value: float | None, digits: int = 0) -> str:
    """A share (0.45) as a percentage in the locale's notation (45% / 45 %)."""
    if value is None:
        return ""
    pattern = Locale.parse(current()).percent_formats[None].pattern  # "#,##0%", "#,##0\u00a0%"
    if digits:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
    return numbers.format_percent(value, format=pattern, locale=current())


def language_names() -> list[tuple[str, str]]:
    return [(code, NAMES[code]) for code in SUPPORTED]


# what the pages' scripts show: translated when the page renders, handed over as JSON (see base.html)
JS_MESSAGES: tuple[str, ...] = (
    N_("HT"), N_("FT"), N_("Goal"), N_("Card"), N_("failed"), N_("★ Favorite"), N_("☆ Add to favorites"),
    N_("locked"), N_("locked: kicked off"), N_("locked: no prediction"), N_("Save"), N_("saved"), N_("pts"),
    N_("home goals"), N_("away goals"), N_("No matches in this round."), N_("outdata"), N_("syncing"),
    N_("up-to-date"),
    N_("Notifications are on in this browser, also when no matchday page is open."),
    N_("Notifications are on while a matchday page is open (this browser offers no Web Push)."),
    N_("Notifications are on while a matchday page is open; Web Push failed here:"),
    N_("This browser blocks notifications from this site."), N_("Notifications were not allowed."),
)


# a match's status, and a prediction league's scores status, as the pages name them
STATUS_NAMES = {"scheduled": N_("scheduled"), "live": N_("live"), "halftime": N_("half time"),
                "finished": N_("finished"), "postponed": N_("postponed"), "suspended": N_("suspended"),
                "cancelled": N_("cancelled"), "abandoned": N_("abandoned"), "awarded": N_("awarded"),
                "outdata": N_("outdata"), "syncing": N_("syncing"), "up-to-date": N_("up-to-date"),
                "curtailed": N_("curtailed"), "void": N_("void")}
# what separated two teams level on points (the league table's tie-break marks)
TIEBREAK_NAMES = {"goal_difference": N_("goal difference"), "goals_for": N_("goals scored"),
                  "goal_average": N_("goal average"), "fewer_goals_against": N_("fewer goals conceded"),
                  "wins": N_("wins"), "away_goals_for": N_("away goals"), "head_to_head": N_("head to head"),
                  "head_to_head_points": N_("head-to-head points"),
                  "head_to_head_goal_difference": N_("head-to-head goal difference"),
                  "head_to_head_goals_for": N_("head-to-head goals"),
                  "head_to_head_away_goals": N_("head-to-head away goals"),
                  "halved_points_remainder": N_("the rounding of halved points"),
                  "points_per_game": N_("points per game")}


def status_name(status: str | None) -> str:
    """A status in the page's language (an unknown one as it is)."""
    return gettext(STATUS_NAMES[status]) if status in STATUS_NAMES else (status or "")


def tiebreak_name(key: str | None) -> str:
    """A tie-breaker in the page's language (an unknown one with its underscores as spaces)."""
    return gettext(TIEBREAK_NAMES[key]) if key in TIEBREAK_NAMES else (key or "").replace("_", " ")


def js_messages() -> dict[str, str]:
    """The scripts' strings in the page's language, keyed by their English text."""
    return {message: gettext(message) for message in JS_MESSAGES}


FILTERS: dict[str, Callable[..., str]] = {"date": format_date, "datetime": format_datetime, "time": format_time,
                                          "number": format_number, "decimal": format_decimal,
                                          "percent": format_percent}


def install(env: Any, locale_of: Callable[[Any], str]) -> Callable[[Any], dict[str, Any]]:
    """Give a Jinja environment gettext (newstyle), the formatting filters and the per-request locale.

    ``locale_of(request)`` picks the request's locale; the returned context processor (for
    ``Jinja2Templates.context_processors``) activates it just before a template renders, in the same thread, so
    macros imported without context translate as well.
    """
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks: whitespace collapsed, as babel.cfg extracts
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext)
    env.filters.update(FILTERS)
    env.globals.update(js_messages=js_messages, language_names=language_names, status_name=status_name,
                       tiebreak_name=tiebreak_name)

    def processor(request: Any) -> dict[str, Any]:
        locale = getattr(request.state, "locale", None) or locale_of(request)
        request.state.locale = locale
        activate(locale)
        return {"locale": locale}

    return processor


def all_catalogs() -> Iterable[tuple[str, Path]]:
    """Each shipped translation catalog: (locale, .po path)."""
    for locale in SUPPORTED:
        if locale != DEFAULT:
            yield locale, LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
