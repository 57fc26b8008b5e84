"""The user's cache folder and how a cache file is written: atomically, and never an error.

Both caches (public holidays, ``days_off``; the bookings' held load, ``held_cache``) live
there; a cache is only ever a shortcut, so a folder that cannot be written costs a run its
speed, never its answer.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

CACHE_ENV = "FEASIBILITY_CACHE_DIR"


def cache_folder() -> Path | None:
    """The user's cache folder of feasibility: ``$FEASIBILITY_CACHE_DIR``, else the platform's
    (platformdirs; ``~/.cache/feasibility`` on Linux); None when that variable is empty."""
    folder = os.environ.get(CACHE_ENV)
    if folder is None:
        import platformdirs

        folder = platformdirs.user_cache_dir("feasibility", appauthor=False)
    return Path(folder) if folder else None


def replace_quietly(path: Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8) to a cache file atomically (a temporary file
    renamed over it); a folder that cannot be written is no error: a cache is only ever a
    shortcut."""
    temp = path.with_name(f".{path.name}.tmp-{secrets.token_hex(8)}")
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(content.encode() if isinstance(content, str) else content)
        temp.replace(path)
    with contextlib.suppress(OSError):
        temp.unlink(missing_ok=True)
