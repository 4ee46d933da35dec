"""Content loaded once per process, and the one way to drop it when the content changes.

Rendering a notice used to resolve the catalog and template paths and `stat` the catalog and
template files for every message (about half of dispatch time went to rendering). Templates,
catalogs, language data and Babel locales are now loaded once per (kind, language, channel) and
kept for the life of the process (`content_cache`), until the content changes:

- the content commands (`i18n extract|update|compile`) call `content_changed`, which empties
  these caches in their own process and touches `GENERATION_FILE` in the locales folder;
- every other process (dispatchers, web workers) looks at that file's time at most once every
  `RECHECK_SECONDS`, in `refresh_if_changed`, and empties its caches when it moved;
- pointing `SMSGATEWAY_LOCALES_DIR` or `SMSGATEWAY_MESSAGE_TEMPLATES_DIR` elsewhere empties them
  at the next render, so no folder is ever served from another folder's cache.

A `.po` edited by hand is therefore read at the next `i18n compile`, as docs/translating.md
says to run, not at the next message.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from smsgateway.paths import locales_dir, message_templates_dir

#: Touched by the content commands; its modification time is the content's generation.
GENERATION_FILE = ".content-generation"
RECHECK_SECONDS = 1.0

F = TypeVar("F", bound=Callable[..., Any])

_caches: list[Any] = []
_lock = threading.Lock()
_seen: tuple[Path, Path, float] | None = None
_next_check = 0.0


def content_cache(func: F) -> F:
    """`functools.cache` for a function of the content, emptied with all the others."""
    cached = functools.cache(func)
    _caches.append(cached)
    return cached  # type: ignore[return-value]  # functools.cache keeps the signature


def clear_content_caches() -> None:
    """Drop everything loaded from the content folders in this process."""
    global _seen
    with _lock:
        for cached in _caches:
            cached.cache_clear()
        _seen = None


def generation_path() -> Path:
    """The file whose modification time tells other processes that the content changed."""
    return locales_dir() / GENERATION_FILE


def content_changed() -> None:
    """Say that the content changed: empty this process's caches and tell the others."""
    path = generation_path()
    path.touch()
    clear_content_caches()


def _generation() -> float:
    try:
        return generation_path().stat().st_mtime
    except FileNotFoundError:
        return 0.0


def refresh_if_changed(clock: Callable[[], float] = time.monotonic) -> None:
    """Empty the caches when the content folders moved or the content commands ran elsewhere.

    The folders are compared on every call (two settings); the generation file is looked at
    no more than once every `RECHECK_SECONDS`.
    """
    global _seen, _next_check
    folders = (locales_dir(), message_templates_dir())
    seen = _seen
    if seen is not None and seen[:2] == folders and clock() < _next_check:
        return
    current = (*folders, _generation())
    if seen != current:
        clear_content_caches()
    with _lock:
        _seen = current
        _next_check = clock() + RECHECK_SECONDS
