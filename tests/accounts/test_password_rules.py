"""NIST SP 800-63B password checks (issue 17, item 12): context words of any length, the site's name, and no
trivially repetitive or sequential password; good passphrases still pass."""

from __future__ import annotations

import pytest

from matchday.accounts.passwords import check_strength
from matchday.errors import InvalidInput


@pytest.mark.parametrize(("password", "username", "email", "rule"), [
    ("lee12345678", "lee", "lee@example.org", "username"),         # a short name is still a context word
    ("xx-Lee-2024-yy", "lee", "l@example.org", "username"),
    ("jon.smithers!42", "js99", "jon.smith@example.org", "email's name"),
    ("Matchday-2026!!", "carol", "carol@example.org", "site's name"),
    ("aaaaaaaaaaaa", "carol", "carol@example.org", "repetitive"),
    ("abababababab", "carol", "carol@example.org", "repetitive"),
    ("abcdabcdabcd", "carol", "carol@example.org", "repetitive"),
    ("1212121233", "carol", "carol@example.org", "repetitive"),
    ("abcdefghijklm", "carol", "carol@example.org", "consecutive"),
    ("zyxwvutsrqp", "carol", "carol@example.org", "consecutive"),
])
def test_weak_passwords_name_their_rule(password: str, username: str, email: str, rule: str) -> None:
    with pytest.raises(InvalidInput, match=rule):
        check_strength(password, username, email)


@pytest.mark.parametrize("password", ["correct horse battery staple", "tangerine-Kettle-47", "w9#Lq2!vZp8r"])
def test_good_passwords_pass(password: str) -> None:
    check_strength(password, "lee", "lee@example.org")
