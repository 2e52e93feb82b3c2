"""Finding the files to ingest under the paths a user gives: what is a file, what is not, and gzip.

A path that is a FIFO, a device or a socket is never read (reading a FIFO would wait forever);
it is refused with what it is. Which regular files a reader takes is the reader's own rule
(``Reader.units``); gzip is recognised by the name (any case) or by the content.
"""

from __future__ import annotations

import gzip
import stat
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

from loanwatch.ingest.errors import IngestError

GZIP_MAGIC = b"\x1f\x8b"


def special(path: Path) -> str | None:
    """What a path is when it is neither a folder nor a regular file (nothing is read from it)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_a_file(path: Path, what: str) -> IngestError:
    return IngestError(path, f"{what}, not a file: nothing read")


def find(
    paths: Iterable[Path], kind_of: Callable[[Path], str | None], not_mine: str, refused: list[IngestError]
) -> list[tuple[Path, str]]:
    """(path, kind) of every file under the given paths that ``kind_of`` names, in path order.

    A special path (given, or under a folder with a name ``kind_of`` takes) goes to ``refused``
    with what it is; a regular file given by name that ``kind_of`` does not take goes there
    with ``not_mine``.
    """
    found: list[tuple[Path, str]] = []
    for root in paths:
        candidates = sorted(root.rglob("*")) if root.is_dir() else [root]
        for p in candidates:
            if (what := special(p)) is not None:
                if p == root or kind_of(p) is not None:
                    refused.append(not_a_file(p, what))
                continue
            if p.is_file() and (kind := kind_of(p)) is not None:
                found.append((p, kind))
            elif p == root and p.is_file():
                refused.append(IngestError(p, not_mine))
    return found


def decompress(path: Path, raw: bytes) -> bytes:
    """The file's bytes: gunzipped when named .gz (any case) or when its content is gzip."""
    if not path.name.lower().endswith(".gz") and not raw.startswith(GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise IngestError(path, f"truncated or corrupt gzip file ({exc})") from None
