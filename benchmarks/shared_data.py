"""The data set the benchmarks read: the tests' declared data (tests/testdata.csv), fetched and verified into a
cache, from the local mirror (MATCHDAY_TEST_DATA or ../shared/data) when there is one."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def data_root() -> Path:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.testdata import data_root as root

    return root()
