"""Source precedence shipped as data (``data/source_precedence.json``): whom to trust when sources disagree."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from matchday.domain.merge import Precedence


@lru_cache
def source_precedence() -> Precedence:
    text = resources.files("matchday.data").joinpath("source_precedence.json").read_text("utf-8")
    return Precedence.from_data(json.loads(text))
