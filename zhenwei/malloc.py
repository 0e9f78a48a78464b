"""glibc's allocator, told to keep few arenas: called once at start, before any thread.

glibc gives each thread that allocates its own arena (up to 8 per core) and keeps what was freed
in each. A crawl's threads (WHOIS, TLS and DNS lookups, capture writes, the egress proxy) then
hold memory that no longer holds anything. `MALLOC_ARENA_MAX` in the environment wins: this
only sets the limit when nobody chose one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os

logger = logging.getLogger(__name__)

#: mallopt's parameter number for the arena limit (malloc.h: M_ARENA_MAX)
M_ARENA_MAX = -8
ARENAS = 2


def limit_arenas(arenas: int = ARENAS) -> bool:
    """True when the limit was set (glibc only; elsewhere, or when chosen already, False)."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to tune
        return False
    ok = bool(mallopt(M_ARENA_MAX, arenas))
    if not ok:
        logger.debug("mallopt(M_ARENA_MAX, %d) refused", arenas)
    return ok
