"""The test data set as a declared dependency: the manifest covers every file, and fetching verifies each one
whether it comes from a mirror or from its origin (a local HTTP server standing in for the origin host)."""

from __future__ import annotations

import gzip
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.testdata import DataSetError, cache_dir, fetch_all, manifest, mirror, unwrap

ORIGIN_HOST = "https://raw.githubusercontent.com"


def test_the_manifest_names_every_file_with_origin_hash_and_licence() -> None:
    entries = manifest()
    assert len({e.file for e in entries}) == len(entries) == 167
    for e in entries:
        assert re.fullmatch(rf"{ORIGIN_HOST}/[\w.-]+/[\w.-]+/[0-9a-f]{{40}}/\S+", e.origin), e.origin
        assert re.fullmatch(r"[0-9a-f]{64}", e.sha256) and re.fullmatch(r"[0-9a-f]{64}", e.origin_sha256)
        assert e.licence and e.bytes > 0 and e.transform in ("none", "gzip", "unwrap", "mirror-only")
    shared = mirror()
    if shared is not None:  # the mirror holds exactly the files the manifest names (and its own READMEs)
        on_disk = {str(p.relative_to(shared)) for p in shared.rglob("*") if p.is_file()
                   and p.name not in ("README.md", "MANIFEST.csv")}
        assert on_disk == {e.file for e in entries}


def test_the_suite_reads_the_verified_cache() -> None:
    assert cache_dir() == DATA != mirror()  # the verified copies, never the mirror itself
    assert (DATA / "football-data-co-uk" / "E0" / "2011-12.csv").is_file()
    assert (DATA / "international_results" / "results.csv.gz").is_file()


def test_unwrap_cuts_the_json_body_out_of_a_module() -> None:
    module = b'import type { T } from "./t";\nexport const mock: T = {\n  "a": {"b": 1}\n};\n'
    assert unwrap(module) == b'{\n  "a": {"b": 1}\n}'


class _Origin(BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        body = self.files.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def origin() -> Iterator[tuple[str, dict[str, bytes]]]:
    files: dict[str, bytes] = {}
    handler = type("Origin", (_Origin,), {"files": files})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", files
    server.shutdown()
    server.server_close()


def _some_entries() -> list:
    wanted = {"football-data-co-uk/E0/2011-12.csv", "international_results/shootouts.csv",
              "engsoccerdata/data-raw/champs.csv.gz", "openfootball-worldcup.json/2022/worldcup.json"}
    return [e for e in manifest() if e.file in wanted]


def test_without_a_mirror_each_file_is_fetched_from_its_origin_and_verified(origin, tmp_path: Path) -> None:
    base, files = origin
    entries = _some_entries()
    assert {e.transform for e in entries} == {"none", "gzip"}
    for e in entries:
        raw = (DATA / e.file).read_bytes()
        files[e.origin.removeprefix(ORIGIN_HOST)] = gzip.decompress(raw) if e.transform == "gzip" else raw
    cache = fetch_all(tmp_path / "cache", None, entries, lambda url: url.replace(ORIGIN_HOST, base))
    for e in entries:
        assert (cache / e.file).read_bytes() == (DATA / e.file).read_bytes() if e.transform == "none" else \
            gzip.decompress((cache / e.file).read_bytes()) == gzip.decompress((DATA / e.file).read_bytes())
    # the origin now serves other bytes: a clear error naming the file, nothing half-written in the cache
    changed = next(e for e in entries if e.transform == "none")
    files[changed.origin.removeprefix(ORIGIN_HOST)] = b"Div,Date\n"
    with pytest.raises(DataSetError, match=re.escape(changed.file) + ".*no longer serves"):
        fetch_all(tmp_path / "fresh", None, [changed], lambda url: url.replace(ORIGIN_HOST, base))
    assert not (tmp_path / "fresh" / changed.file).exists()


def test_a_mirror_file_that_is_not_the_manifests_is_refused(tmp_path: Path) -> None:
    entry = next(e for e in manifest() if e.file == "football-data-co-uk/E0/2011-12.csv")
    copy = tmp_path / "mirror" / entry.file
    copy.parent.mkdir(parents=True)
    shutil.copyfile(DATA / entry.file, copy)
    assert fetch_all(tmp_path / "cache", tmp_path / "mirror", [entry]).joinpath(entry.file).is_file()
    copy.write_bytes(copy.read_bytes().replace(b"Man City", b"Man Utd", 1))
    with pytest.raises(DataSetError, match=f"{re.escape(entry.file)} from the mirror"):
        fetch_all(tmp_path / "other-cache", tmp_path / "mirror", [entry])


def test_a_mirror_only_file_without_a_mirror_says_where_to_point(tmp_path: Path) -> None:
    entry = next(e for e in manifest() if e.transform == "mirror-only")
    with pytest.raises(DataSetError, match="MATCHDAY_TEST_DATA"):
        fetch_all(tmp_path / "cache", None, [entry])
