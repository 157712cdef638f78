"""The real football data the tests and benchmarks read, as a declared dependency.

``tests/testdata.csv`` names every file: where it comes from (a URL pinned to a commit), the SHA-256 of what that
URL serves and of the file as the tests read it, how one becomes the other (``gzip``: stored compressed;
``unwrap``: the JSON body cut out of a JS/TS module), and its licence. :func:`data_root` fetches every file into a
cache with pooch and verifies it; a local copy of the data set (``MATCHDAY_TEST_DATA``, else ``../shared/data``
beside the checkout) is used as a mirror, so a machine that has one never goes to the network.

    python -m tests.testdata          # fetch and verify everything now; prints where it is and how much
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MANIFEST = Path(__file__).with_name("testdata.csv")
REPO = Path(__file__).resolve().parent.parent
ORIGINALS = ".originals"


class DataSetError(RuntimeError):
    """A data file that cannot be had, or whose bytes are not the ones the manifest names."""


@dataclass(frozen=True, slots=True)
class DataFile:
    file: str  # the path the tests read, under the data root
    origin: str
    origin_sha256: str
    transform: str  # none | gzip | unwrap | mirror-only
    sha256: str  # of the bytes the tests read (for gzip: of the uncompressed bytes)
    bytes: int
    licence: str
    note: str

    @property
    def fetched_name(self) -> str:
        """The name pooch keeps and verifies: for a gzip file, its uncompressed original, set apart (a test that
        globs ``*.csv*`` must find each file once)."""
        return f"{ORIGINALS}/{self.file.removesuffix('.gz')}" if self.transform == "gzip" else self.file


def manifest() -> list[DataFile]:
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        return [DataFile(**{**row, "bytes": int(row["bytes"])}) for row in csv.DictReader(handle)]


def mirror() -> Path | None:
    """The local copy of the data set, if there is one: MATCHDAY_TEST_DATA, else ../shared/data."""
    configured = os.environ.get("MATCHDAY_TEST_DATA")
    if configured:
        path = Path(configured).expanduser()
        if not path.is_dir():
            raise DataSetError(f"MATCHDAY_TEST_DATA={configured} is not a folder")
        return path
    beside = REPO.parent / "shared" / "data"
    return beside if beside.is_dir() else None


def cache_dir() -> Path:
    """Where the verified files are kept: MATCHDAY_TEST_DATA_CACHE, else the user's cache folder."""
    import pooch

    configured = os.environ.get("MATCHDAY_TEST_DATA_CACHE")
    return Path(configured).expanduser() if configured else Path(pooch.os_cache("matchday-test-data"))


def unwrap(text: bytes) -> bytes:
    """The JSON body of a JS/TS module (``export const data: T = {...};``): from the first ``{`` after the first
    ``=`` to the last ``}``."""
    start = text.index(b"{", text.index(b"="))
    return text[start:text.rindex(b"}") + 1]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Downloader:
    """pooch's downloader for one file: from the mirror when it has the file, else from the origin (whose own
    hash is checked before the file is transformed; pooch then checks the result)."""

    def __init__(self, entry: DataFile, mirror_root: Path | None, origin: str) -> None:
        self.entry, self.mirror_root, self.origin = entry, mirror_root, origin

    def __call__(self, url: str, output_file: str, pooch_instance: object, check_only: bool = False) -> bool | None:
        entry, output = self.entry, Path(output_file)
        local = self.mirror_root / entry.file if self.mirror_root else None
        if local is not None and local.is_file():
            if check_only:
                return True
            if entry.transform == "gzip":
                with gzip.open(local, "rb") as source, output.open("wb") as target:
                    shutil.copyfileobj(source, target)
            else:
                shutil.copyfile(local, output)
            return None
        if entry.transform == "mirror-only":
            raise DataSetError(f"{entry.file}: {entry.note}; point MATCHDAY_TEST_DATA at a copy of the data set")
        import pooch

        with tempfile.TemporaryDirectory() as folder:
            raw = Path(folder) / "origin"
            pooch.HTTPDownloader(timeout=60)(self.origin, str(raw), pooch_instance)
            if _sha256(raw) != entry.origin_sha256:
                raise DataSetError(f"{entry.file}: {self.origin} no longer serves the bytes the manifest names "
                                    f"(sha256 {entry.origin_sha256})")
            data = raw.read_bytes()
        output.write_bytes(unwrap(data) if entry.transform == "unwrap" else data)
        return None


def _compress(path: str, action: str, _pooch: object) -> str:
    """A gzip file as the data set stores it, made from its verified original (once, or after an update)."""
    original = Path(path)
    cache = Path(path[:path.index(f"/{ORIGINALS}/")])
    target = cache / f"{original.relative_to(cache / ORIGINALS)}.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    if action != "fetch" or not target.exists() or target.stat().st_mtime < original.stat().st_mtime:
        partial = target.with_name(f"{target.name}.{os.getpid()}.part")  # sessions may share the cache
        with original.open("rb") as source, gzip.open(partial, "wb") as sink:
            shutil.copyfileobj(source, sink)
        partial.replace(target)
    return str(target)


def fetch_all(cache: Path, mirror_root: Path | None, entries: list[DataFile] | None = None,
              origin_of=lambda url: url) -> Path:  # noqa: ANN001
    """Every file of the manifest (or of ``entries``) in ``cache``, verified; returns ``cache``. ``origin_of``
    maps an origin URL to the one asked (a test serves the origins from a local server)."""
    import pooch

    entries = manifest() if entries is None else entries
    store = pooch.create(path=cache, base_url="", registry={e.fetched_name: f"sha256:{e.sha256}" for e in entries},
                         urls={e.fetched_name: origin_of(e.origin) for e in entries}, retry_if_failed=2)
    for entry in entries:
        try:
            store.fetch(entry.fetched_name, downloader=_Downloader(entry, mirror_root, origin_of(entry.origin)),
                        processor=_compress if entry.transform == "gzip" else None)
        except ValueError as exc:  # pooch's hash mismatch
            source = f"the mirror {mirror_root}" if mirror_root and (mirror_root / entry.file).is_file() \
                else entry.origin
            raise DataSetError(f"{entry.file} from {source} is not the file the manifest names: {exc}") from None
        except OSError as exc:
            raise DataSetError(f"{entry.file}: cannot fetch {entry.origin}: {exc}") from None
    return cache


@cache
def data_root() -> Path:
    """The folder the tests read the data set from (fetched and verified on first use in a session)."""
    import logging

    import pooch

    pooch.get_logger().setLevel(logging.WARNING)  # one line per file copied is noise in a test run
    return fetch_all(cache_dir(), mirror())


if __name__ == "__main__":
    entries = manifest()
    root = data_root()
    size = sum(e.bytes for e in entries)
    print(f"{len(entries)} files, {size / 1e6:.1f} MB, verified in {root}", file=sys.stdout)
