"""Reading the collector's YAML files safely: size and alias expansion capped, every error as ``file:line``.

A job file is small (the shipped ones are a few KB); a file over ``MAX_BYTES`` is refused before it is read.
YAML aliases let a few lines stand for billions of values (the "billion laughs"): the composed node graph is
measured as it would be expanded, and refused over ``MAX_VALUES``, before anything is constructed from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from matchday.errors import ConfigError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: ~10x faster
MAX_BYTES = 1024 * 1024  # a job file of 1 MiB holds thousands of jobs
MAX_VALUES = 100_000  # scalars, lists and mappings once every alias is expanded


def _expanded_size(root: yaml.Node) -> tuple[int, yaml.Node | None]:
    """How many nodes the document holds with every alias expanded (capped just over ``MAX_VALUES``; a
    recursive alias counts as over), and the first node met twice (where an alias points)."""
    sizes: dict[int, int] = {}
    pending: set[int] = set()
    alias: yaml.Node | None = None
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            parts = [sizes.get(id(c), MAX_VALUES + 1) for c in _children(node)]  # missing: an ancestor (a cycle)
            sizes[id(node)] = min(MAX_VALUES + 1, 1 + sum(parts))
            continue
        if id(node) in sizes or id(node) in pending:
            alias = alias or node
            continue
        pending.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))
    return sizes[id(root)], alias


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """The decoded document and its node graph (for line numbers); ``ConfigError`` naming ``file:line``."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ConfigError(f"{path}: {size} bytes; a job file may hold at most {MAX_BYTES} bytes")
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(f"{path}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {column})") from None
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        total, alias = _expanded_size(node)
        if total > MAX_VALUES:
            where = alias.start_mark.line + 1 if alias is not None else node.start_mark.line + 1
            raise ConfigError(f"{path}:{where}: YAML aliases expand to more than {MAX_VALUES} values; "
                              "write the values out instead")
        return loader.construct_document(node), node
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    finally:
        loader.dispose()
