"""IP → (country, network owner) from geoip2fast's offline database shipped in its wheel.

The wheel carries `geoip2fast-asn-ipv6.dat.gz` (country + ASN name, IPv4 and IPv6), so no
download ever happens. The ASN *name* is given (e.g. "GOOGLE"), not the AS number: the
database does not carry numbers.

geoip2fast itself unpickles the tables into Python lists: 107 MiB resident in every process
that looks up one address, on top of Chromium during a crawl (issue 9, finding 8). The same
tables are flattened once, in a child process, into arrays under the user's cache directory
and memory-mapped: a lookup is a binary search that touches a few pages. Without a writable
cache the arrays are built in memory (about 30 MiB).

    python -m core.netpath.geoip DIR    # build the arrays into DIR (what the child runs)
"""

from __future__ import annotations

import bisect
import gzip
import ipaddress
import json
import logging
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import geoip2fast
import numpy as np

logger = logging.getLogger(__name__)

DATA_FILE = Path(geoip2fast.__file__).parent / "geoip2fast-asn-ipv6.dat.gz"
#: geoip2fast's integers: an IPv4 address is at most this; IPv6 ones are their 128-bit value
MAX_IPV4 = 2**32
#: the first country indexes are geoip2fast's private and reserved networks
PRIVATE_COUNTRY_INDEXES = 16
FORMAT = 1
_BUILD_SECONDS = 120

_lock = threading.Lock()
_tables: _Tables | None = None


class _Keys:
    """The sorted first addresses, as Python ints, for `bisect` (128-bit: two uint64 halves)."""

    def __init__(self, hi: Any, lo: Any) -> None:
        self.hi, self.lo = hi, lo

    def __len__(self) -> int:
        return len(self.hi)

    def __getitem__(self, i: int) -> int:
        return (int(self.hi[i]) << 64) | int(self.lo[i])


@dataclass(frozen=True)
class _Ranges:
    """Networks sorted by first address: prefix length and an index into a names list."""

    keys: _Keys
    netlen: Any
    ids: Any

    def find(self, ip: int) -> int | None:
        i = bisect.bisect_right(self.keys, ip) - 1
        if i < 0:
            return None
        bits = 32 if ip <= MAX_IPV4 else 128
        if ip >= self.keys[i] + 2 ** (bits - int(self.netlen[i])):
            return None
        return int(self.ids[i])


@dataclass(frozen=True)
class _Tables:
    countries: _Ranges
    asns: _Ranges
    country_names: tuple[str, ...]
    asn_blob: Any
    asn_offsets: Any

    def asn_name(self, i: int) -> str:
        start, end = int(self.asn_offsets[i]), int(self.asn_offsets[i + 1])
        return bytes(self.asn_blob[start:end]).decode("utf-8", "replace")


def _flat(chunks: list[list[int]], dtype: str) -> Any:
    return np.fromiter((x for chunk in chunks for x in chunk), dtype=dtype)


def _halves(chunks: list[list[int]]) -> tuple[Any, Any]:
    firsts = [x for chunk in chunks for x in chunk]
    hi = np.fromiter((x >> 64 for x in firsts), dtype="<u8", count=len(firsts))
    lo = np.fromiter((x & (2**64 - 1) for x in firsts), dtype="<u8", count=len(firsts))
    return hi, lo


def _arrays() -> dict[str, Any]:
    """geoip2fast's tables, flattened (its pickle holds sorted chunks of sorted lists)."""
    with gzip.open(DATA_FILE, "rb") as f:
        _version, info, _total, database = pickle.load(f)  # noqa: S301 - the wheel's own file
    if not (info.get("country") and info.get("asn")) or info.get("city"):
        raise ValueError(f"{DATA_FILE.name}: not a country + ASN database")
    (
        _,
        _,
        country_names,
        asn_names,
        firsts,
        asn_firsts,
        country_ids,
        asn_ids,
        netlen,
        asn_netlen,
    ) = database
    c_hi, c_lo = _halves(firsts)
    a_hi, a_lo = _halves(asn_firsts)
    encoded = [str(n).encode("utf-8") for n in asn_names]
    offsets = np.zeros(len(encoded) + 1, dtype="<u4")
    offsets[1:] = np.cumsum([len(b) for b in encoded])
    return {
        "c_hi": c_hi,
        "c_lo": c_lo,
        "c_len": _flat(netlen, "u1"),
        "c_id": _flat(country_ids, "<u2"),
        "a_hi": a_hi,
        "a_lo": a_lo,
        "a_len": _flat(asn_netlen, "u1"),
        "a_id": _flat(asn_ids, "<u4"),
        "asn_blob": np.frombuffer(b"".join(encoded), dtype="u1"),
        "asn_offsets": offsets,
        "countries": [str(n) for n in country_names],
    }


def build(dest: Path) -> None:
    """Write the flattened tables into `dest` (a new directory, made atomically)."""
    arrays = _arrays()
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".geoip-", dir=dest.parent))
    try:
        for name, value in arrays.items():
            if name == "countries":
                (work / "countries.json").write_text(json.dumps(value), encoding="utf-8")
            else:
                np.save(work / f"{name}.npy", value)
        os.replace(work, dest)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
        if not (dest / "countries.json").is_file():  # another process may have won the race
            raise


def _tables_of(arrays: dict[str, Any]) -> _Tables:
    return _Tables(
        countries=_Ranges(_Keys(arrays["c_hi"], arrays["c_lo"]), arrays["c_len"], arrays["c_id"]),
        asns=_Ranges(_Keys(arrays["a_hi"], arrays["a_lo"]), arrays["a_len"], arrays["a_id"]),
        country_names=tuple(arrays["countries"]),
        asn_blob=arrays["asn_blob"],
        asn_offsets=arrays["asn_offsets"],
    )


def _mapped(directory: Path) -> _Tables:
    names = json.loads((directory / "countries.json").read_text(encoding="utf-8"))
    arrays: dict[str, Any] = {"countries": names}
    for path in directory.glob("*.npy"):
        arrays[path.stem] = np.load(path, mmap_mode="r")
    return _tables_of(arrays)


def cache_dir() -> Path:
    """Where the arrays of this database file live (one directory per file version)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    stat = DATA_FILE.stat()
    return base / "zhenwei" / f"geoip-v{FORMAT}-{stat.st_size}-{int(stat.st_mtime)}"


def _load() -> _Tables:
    if not DATA_FILE.is_file():
        raise FileNotFoundError(f"geoip2fast data file missing: {DATA_FILE}")
    directory = cache_dir()
    if not (directory / "countries.json").is_file():
        # a child process, so the unpickled lists never inflate this one
        try:
            subprocess.run(
                [sys.executable, "-m", "core.netpath.geoip", str(directory)],
                check=True,
                capture_output=True,
                timeout=_BUILD_SECONDS,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            logger.warning("geoip arrays not cached (%s); building them in memory", exc)
            return _tables_of(_arrays())
    return _mapped(directory)


def _database() -> _Tables:
    global _tables
    with _lock:
        if _tables is None:
            _tables = _load()
        return _tables


@lru_cache(maxsize=65536)
def ip_info(ip: str) -> tuple[str | None, str | None]:
    """(ISO 3166 country code, network owner name) for `ip`; (None, None) for private,
    reserved or invalid addresses and networks the database does not know."""
    try:
        address = int(ipaddress.ip_address(ip.strip().strip("[]")))
    except ValueError:
        return None, None
    tables = _database()
    country_index = tables.countries.find(address)
    if country_index is None or country_index < PRIVATE_COUNTRY_INDEXES:
        return None, None
    code = tables.country_names[country_index].split(":", 1)[0]
    country = code.upper() if len(code) == 2 and code.isalpha() else None
    asn_index = tables.asns.find(address)
    asn = tables.asn_name(asn_index).strip() if asn_index is not None else ""
    return country, asn or None


if __name__ == "__main__":
    build(Path(sys.argv[1]))
