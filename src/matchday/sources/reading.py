"""Reading input files with bounds: regular files only, read in chunks, decompressed size capped.

A path may name anything: a FIFO (opening it would wait for a writer forever), ``/dev/zero`` (endless), a
gzip bomb (1 GB of newlines in 1 MB). Each is refused with a message saying what it is, before or while it is
read, never after it has filled the memory.
"""

from __future__ import annotations

import os
import stat
import zlib
from pathlib import Path

from matchday.errors import UnreadableFile

CHUNK = 1 << 20


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def read_bounded(path: Path, max_bytes: int) -> bytes:
    """The file's bytes (gunzipped for ``.gz``); UnreadableFile if it is not a regular file or holds more
    than ``max_bytes`` once decompressed (setting ``MATCHDAY_MAX_INPUT_BYTES``)."""
    location = str(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; regular files ignore the flag
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UnreadableFile(location, "no such file") from None
    except OSError as exc:
        raise UnreadableFile(location, f"cannot open: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableFile(location, f"{_kind(mode)}, not a regular file: refused")
        try:
            if path.name.endswith(".gz"):
                return _gunzip(handle, location, max_bytes)
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise UnreadableFile(location, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise UnreadableFile(location, _too_big(max_bytes))
    return data


def _too_big(max_bytes: int) -> str:
    return (f"larger than {max_bytes:,} bytes (MATCHDAY_MAX_INPUT_BYTES); refused. Raise the setting if this file "
            "is genuine")


def _gunzip(handle, location: str, max_bytes: int) -> bytes:  # noqa: ANN001 - a binary file
    """Stream-decompress (members concatenated, as gzip does), stopping as soon as the output passes the cap."""
    parts: list[bytes] = []
    size = 0
    inflater = zlib.decompressobj(wbits=31)
    in_member = False  # inside a gzip member whose end has not been seen
    while chunk := handle.read(CHUNK):
        while chunk:
            in_member = True
            try:
                out = inflater.decompress(chunk, max_bytes + 1 - size)
            except zlib.error as exc:
                raise UnreadableFile(location, f"not a valid gzip file: {exc}") from None
            size += len(out)
            if size > max_bytes:
                raise UnreadableFile(location, f"decompressed, {_too_big(max_bytes)}")
            parts.append(out)
            if inflater.eof:
                in_member = False
                chunk = inflater.unused_data.lstrip(b"\x00")  # the next member, if any (NUL padding ignored)
                inflater = zlib.decompressobj(wbits=31)
            else:
                chunk = inflater.unconsumed_tail
    if in_member:
        raise UnreadableFile(location, "truncated gzip file (it ends in the middle of the data)")
    if not parts:
        raise UnreadableFile(location, "empty file, not gzip")
    return b"".join(parts)
