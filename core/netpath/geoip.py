"""IP → (country, network owner) from geoip2fast's offline database shipped in its wheel.

The wheel carries `geoip2fast-asn-ipv6.dat.gz` (country + ASN name, IPv4 and IPv6), so no
download ever happens. The ASN *name* is given (e.g. "GOOGLE"), not the AS number: the
database does not carry numbers.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import geoip2fast

logger = logging.getLogger(__name__)

DATA_FILE = Path(geoip2fast.__file__).parent / "geoip2fast-asn-ipv6.dat.gz"
_lock = threading.Lock()
_db: Any = None


def _database() -> Any:
    global _db
    with _lock:  # geoip2fast keeps its tables in module globals: load once, from one thread
        if _db is None:
            if not DATA_FILE.is_file():
                raise FileNotFoundError(f"geoip2fast data file missing: {DATA_FILE}")
            _db = geoip2fast.GeoIP2Fast(geoip2fast_data_file=str(DATA_FILE))
            logger.debug("loaded %s", DATA_FILE)
        return _db


@lru_cache(maxsize=65536)
def ip_info(ip: str) -> tuple[str | None, str | None]:
    """(ISO 3166 country code, network owner name) for `ip`; (None, None) for private,
    reserved or invalid addresses and networks the database does not know."""
    result = _database().lookup(ip.strip().strip("[]"))
    if getattr(result, "is_private", False):
        return None, None
    code = str(getattr(result, "country_code", "") or "")
    asn = str(getattr(result, "asn_name", "") or "").strip()
    country = code.upper() if len(code) == 2 and code.isalpha() else None
    return country, asn or None
