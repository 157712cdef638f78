"""How many recorded provider answers load: the shared samples (``shared/data/api-samples``) and the answers
found in public repositories (``tests/regressions/<name>/``, each with a ``SOURCE.md`` naming its provider).

Each file goes through its provider's source plugin (``plan`` then ``parse``, no database), as ``matchday load``
does. An answer loads when it parses without an error; an error answer (``api-football/errors/``) counts as
handled when it is refused with the provider's message. Run it on two checkouts to compare:

    PYTHONPATH=src python benchmarks/answers_load.py [--json]
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from matchday.sources.base import get_source

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "data" / "api-samples"
PROVIDERS = ("api-football", "espn", "football-data-org", "sofascore", "understat")
SUFFIXES = (".json", ".html", ".txt")


def corpus() -> list[tuple[str, Path, str]]:
    """(provider, file, origin) for every recorded answer."""
    items = []
    for provider in PROVIDERS:
        for path in sorted((SAMPLES / provider).rglob("*")):
            if path.is_file() and path.suffix in (".json", ".html"):
                items.append((provider, path, "samples"))
    for folder in sorted((REPO / "tests" / "regressions").iterdir()):
        note = folder / "SOURCE.md"
        if not note.exists():
            continue
        provider = next(line.split(":", 1)[1].strip() for line in note.read_text().splitlines()
                        if line.lower().startswith("provider:"))
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name != "SOURCE.md" and path.suffix in SUFFIXES + (".yml", ""):
                items.append((provider, path, "found"))
        items.extend((provider, path, "found") for path in renamed_copies(note))
    return items


def renamed_copies(note: Path) -> list[Path]:
    """Shared samples a SOURCE.md lists as ``renamed: <shared path> -> <name>``, copied under that name."""
    pairs = [line.split(":", 1)[1].split("->") for line in note.read_text().splitlines()
             if line.startswith("renamed:")]
    if not pairs:
        return []
    folder = Path(tempfile.mkdtemp(prefix="answers-"))
    copies = []
    for original, name in pairs:
        target = folder / name.strip()
        shutil.copyfile(SAMPLES.parent / original.strip(), target)
        copies.append(target)
    return copies


def load(provider: str, path: Path) -> tuple[bool, int, str]:
    """(loaded, rows quarantined, error) of one answer."""
    source = get_source(provider)
    expect_error = "errors" in path.parts
    try:
        quarantined = 0
        for unit in source.plan([path], {}):
            parsed = source.parse(unit, {role: Path(p).read_bytes() for role, p in unit.files.items()})
            quarantined += len(parsed.problems)
    except Exception as exc:  # noqa: BLE001 - any failure is a file that does not load
        message = f"{exc.__class__.__name__}: {exc}"
        return expect_error and bool(str(exc).strip()), 0, message
    return not expect_error, quarantined, "" if not expect_error else "an error answer loaded as data"


def main() -> None:
    rows = []
    for provider, path, origin in corpus():
        ok, quarantined, error = load(provider, path)
        shown = str(path.relative_to(REPO.parent)) if path.is_relative_to(REPO.parent) else f"(renamed) {path.name}"
        rows.append({"provider": provider, "file": shown, "origin": origin,
                     "loads": ok, "quarantined": quarantined, "error": error[:300]})
    if "--json" in sys.argv:
        print(json.dumps(rows, indent=1))
        return
    for r in rows:
        mark = "ok  " if r["loads"] else "FAIL"
        extra = f" ({r['quarantined']} quarantined)" if r["quarantined"] else ""
        print(f"{mark} {r['origin']:7} {r['file']}{extra}" + (f"\n       {r['error']}" if r["error"] else ""))
    for origin in ("samples", "found"):
        part = [r for r in rows if r["origin"] == origin]
        print(f"{origin}: {sum(r['loads'] for r in part)} of {len(part)} load")
    print(f"all: {sum(r['loads'] for r in rows)} of {len(rows)} load")


if __name__ == "__main__":
    main()
