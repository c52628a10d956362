"""Caches of values that repeat across speeches: a figure's literal, a character's folded
form, a sentence's POS tags.

They are filled throughout a build, so their entries end up spread over all of CPython's
1 MiB small-object arenas, and an arena holding one live entry cannot go back to the
system: at 10,000 speeches they kept 750 MB that the speeches had freed. :func:`clear` empties
them once the speeches are done (the build calls it before it loads the pages' store).
"""
from __future__ import annotations

from functools import lru_cache

_CACHES: list = []


def speech_cache(maxsize: int):
    """``functools.lru_cache(maxsize)``, registered to be emptied by :func:`clear`."""
    def decorate(function):
        cached = lru_cache(maxsize=maxsize)(function)
        _CACHES.append(cached)
        return cached
    return decorate


def clear() -> None:
    for cached in _CACHES:
        cached.cache_clear()
