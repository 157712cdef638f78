"""The pages' languages without a browser: which locale a request gets, the catalogs complete and compiled, the
locale-aware formatting, and the pages rendered in German by the user's setting, the cookie and Accept-Language."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from matchday.web import i18n
from tests.conftest import REPO

PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


@pytest.mark.parametrize(("user", "cookie", "header", "expected"), [
    (None, None, None, "en"),
    (None, None, "", "en"),
    (None, None, "de-DE,de;q=0.9,en;q=0.8", "de"),
    (None, None, "fr-FR,fr;q=0.9,de;q=0.5", "de"),  # the first supported one, not the first one
    (None, None, "en;q=0.4,de-AT;q=0.8", "de"),  # by quality, not by order
    (None, None, "de;q=0,en", "en"),  # q=0: "not German"
    (None, None, "fr, *", "en"),
    (None, None, "en-GB,en;q=0.9", "en"),
    (None, None, "de;q=abc, en", "en"),  # a broken quality drops that language
    (None, "de", "en-US", "de"),  # the picker's cookie beats the browser
    (None, "xx", "de", "de"),  # an unsupported cookie is ignored
    (None, "<script>", None, "en"),
    ("de", "en", "en", "de"),  # the signed-in user's language beats everything
    ("en", "de", "de", "en"),
    ("fr", "de", "en", "de"),  # a stored language with no catalog falls through to the next choice
    ("de-CH", None, None, "de"),
])
def test_choose_locale(user: str | None, cookie: str | None, header: str | None, expected: str) -> None:
    assert i18n.choose_locale(user, cookie, header) == expected


def test_parse_accept_language_orders_by_quality_then_position() -> None:
    assert i18n.parse_accept_language("fr;q=0.5, de, en;q=0.5 , it;q=0") == ["de", "fr", "en"]
    assert i18n.parse_accept_language(None) == []
    assert i18n.parse_accept_language("x" * 5000) == ["x" * 1000]  # a bounded header, no error


def _extracted() -> dict[tuple[str | None, str], tuple[str, ...]]:
    """Every translatable string of the pages, as `pybabel extract -F babel.cfg` finds it."""
    with (REPO / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    found: dict[tuple[str | None, str], tuple[str, ...]] = {}
    for _file, _line, message, _comments, context in extract_from_dir(
            str(REPO), method_map, options_map):  # Babel's default keywords: _, gettext, ngettext, pgettext, N_ …
        ids = message if isinstance(message, tuple) else (message,)
        found[(context, ids[0])] = tuple(m for m in ids if m)
    return found


def test_every_page_string_has_a_german_translation() -> None:
    """Fails when a template (or a marked Python string) has a string the German catalog lacks or leaves fuzzy."""
    extracted = _extracted()
    assert len(extracted) > 250 and (None, "Live now") in extracted and ("table heading: points", "Pts") in extracted
    for locale, path in i18n.all_catalogs():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        problems = []
        for (context, msgid), ids in extracted.items():
            entry = catalog.get(msgid, context=context)
            strings = entry.string if entry is not None and isinstance(entry.string, tuple) else (
                (entry.string,) if entry is not None else ())
            if entry is None or entry.fuzzy or not all(strings):
                problems.append(f"untranslated: {context or ''}|{msgid!r}")
                continue
            wanted = {p for m in ids for p in PLACEHOLDER.findall(m)} - {"%(num)s"}
            for text in strings:
                if set(PLACEHOLDER.findall(text)) - {"%(num)s"} != wanted:
                    problems.append(f"placeholders differ: {msgid!r} -> {text!r}")
        assert not problems, f"{path}: {len(problems)} problems (README: Translations)\n" + "\n".join(problems)


def test_catalogs_compile_and_translate() -> None:
    """The shipped .po files compile (in memory, at import) and the result translates, plurals included."""
    german = i18n.translations("de")
    assert german.gettext("Live now") == "Jetzt live"
    assert german.pgettext("table heading: points", "Pts") == "Pkt."
    assert german.ngettext("%(count)s match", "%(count)s matches", 1) == "%(count)s Spiel"
    assert german.ngettext("%(count)s match", "%(count)s matches", 5) == "%(count)s Spiele"
    assert i18n.translations("en").gettext("Live now") == "Live now"
    with pytest.raises(LookupError):
        i18n.translations("xx")


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", ("Monday, December 7, 2026", "Dec 7, 2026", "12,345", "1.25", "47%", "5.1%")),
    ("de", ("Montag, 7. Dezember 2026", "07.12.2026", "12.345", "1,25", "47\u00a0%", "5,1\u00a0%")),
])
def test_formatting_follows_the_locale(locale: str, expected: tuple[str, ...]) -> None:
    i18n.activate(locale)
    try:
        assert (i18n.format_date(date(2026, 12, 7), "full"), i18n.format_date("2026-12-07"),
                i18n.format_number(12345), i18n.format_decimal(1.254), i18n.format_percent(0.473),
                i18n.format_percent(0.0512, 1)) == expected
        assert i18n.format_date("not a date") == "not a date" and i18n.format_number(None) == ""
        assert i18n.format_time(datetime(2026, 12, 7, 19, 30)) == ("7:30\u202fPM" if locale == "en" else "19:30")
    finally:
        i18n.activate("en")


def test_scripts_messages_are_translated() -> None:
    i18n.activate("de")
    try:
        messages = i18n.js_messages()
    finally:
        i18n.activate("en")
    assert messages["HT"] == "HZ" and messages["locked: kicked off"] == "gesperrt: angepfiffen"
    assert set(messages) == set(i18n.JS_MESSAGES)


def test_no_translatable_literal_hides_in_an_f_string() -> None:
    """Babel's extractor does not look inside f-strings: a literal marked there would never reach the catalog."""
    marked = re.compile(r"""\bf(['"]).*\b(?:gettext|ngettext|pgettext|N_|_)\(\s*['"]""")
    hidden = [f"{path.name}:{number}" for path in (REPO / "src/matchday/web").rglob("*.py")
              for number, line in enumerate(path.read_text().splitlines(), 1) if marked.search(line)]
    assert not hidden, hidden
