"""Team-name normalisation: the key under which different spellings of one club meet."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Tokens that carry no identity: legal forms and generic club words.
_NOISE_TOKENS = frozenset({"fc", "afc", "cf", "sc", "ac", "as", "ss", "ssc", "cfc", "club", "the", "fk", "sk"})
_TOKEN_SUBSTITUTES = {"utd": "united", "st": "saint", "&": "and"}
_NON_WORD = re.compile(r"[^a-z0-9&]+")
_DOTTED_ABBREVIATION = re.compile(r"\b(?:[a-z]\.){2,}")  # "f.c." -> "fc"
_SPECIAL_LETTERS = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l", "Ł": "L",
                                  "đ": "d", "Đ": "D", "ı": "i"})


def fold_accents(text: str) -> str:
    if text.isascii():  # nothing to fold (no ASCII character decomposes): most names, at a fraction of the cost
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def normalise_team_name(name: str) -> str:
    """``"Manchester Utd. F.C."`` and ``"manchester united"`` give the same key.

    Accents folded, case folded, punctuation dropped, ``Utd``→``united``, legal forms (FC, AFC, CF ...)
    and bare numbers (``1.``, ``05``) dropped. Name variants beyond that belong in the alias file.
    """
    folded = fold_accents(name).lower().replace("'", "").replace("’", "")
    folded = _DOTTED_ABBREVIATION.sub(lambda m: m.group(0).replace(".", ""), folded).replace(".", " ")
    folded = folded.replace("&", " & ")
    tokens = [_TOKEN_SUBSTITUTES.get(tok, tok) for tok in _NON_WORD.split(folded) if tok]
    kept = [tok for tok in tokens if tok not in _NOISE_TOKENS and not tok.isdigit()]
    return " ".join(kept or tokens)


def same_person(a: str, b: str) -> bool:
    """Whether two normalised player names can be one person: the same surname (last word), and either one is
    the bare surname or their first names start alike ("mbappe" ~ "kylian mbappe" ~ "k mbappe", but
    "jack charlton" ≁ "bobby charlton"). Callers accept a match only when it is the only candidate in the team."""
    first, second = a.split(), b.split()
    if not first or not second or first[-1] != second[-1]:
        return False
    return len(first) == 1 or len(second) == 1 or first[0][0] == second[0][0]
