"""Decoding and perceptual hashing of screenshots, favicons and page images, bounded.

Shared by the fetcher (hashes of the images a page loaded), reference capture and the visual
detector, so it lives in core. Undecodable input is returned as a reason, never raised: a
broken screenshot is a fact about the capture, not a crash of the detector.
"""

from __future__ import annotations

import hashlib
import io
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import imagehash
from PIL import Image, ImageStat

#: larger images are refused (decompression bombs; a full page can be 100k px tall)
MAX_PIXELS = 40_000_000
#: when only a full-page screenshot exists, its top is cropped to this aspect (1280x800)
VIEWPORT_ASPECT = 0.625
#: the header band: the top part of the viewport where emblem and site name sit
BAND_FRACTION = 0.18
#: below this pixel standard deviation an image is blank and its hashes mean nothing
MIN_STDDEV = 4.0
#: pixels further than this from the background grey count as ink (text, pictures, colour)
_INK_LEVELS = 24


@dataclass(frozen=True)
class Hashes:
    phash: imagehash.ImageHash
    dhash: imagehash.ImageHash
    colour: imagehash.ImageHash
    #: share of the image that is not background: a few lines of text on white (a parking
    #: lander, an index page) hash close to any other sparse page and identify nothing
    ink: float = 1.0

    def distance(self, other: Hashes) -> tuple[int, int, int]:
        return (
            int(self.phash - other.phash),
            int(self.dhash - other.dhash),
            int(self.colour - other.colour),
        )


@dataclass(frozen=True)
class Shot:
    """Hashes of one screenshot's viewport and header band, or why there are none."""

    viewport: Hashes | None
    band: Hashes | None
    error: str | None


def decode(data: bytes) -> tuple[Image.Image | None, str | None]:
    """Open and fully load an image; (None, reason) when that is impossible."""
    if not data:
        return None, "empty"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            width, height = img.size
            if width * height > MAX_PIXELS:
                return None, f"too large ({width}x{height})"
            img.load()
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        return None, f"undecodable: {type(exc).__name__}: {exc}"[:200]
    if img.width < 8 or img.height < 8:
        return None, f"too small ({img.width}x{img.height})"
    return img.convert("RGB"), None


def _blank(img: Image.Image) -> bool:
    stat = ImageStat.Stat(img.convert("L"))
    return float(stat.stddev[0]) < MIN_STDDEV


def hashes(img: Image.Image) -> Hashes:
    return Hashes(
        imagehash.phash(img), imagehash.dhash(img), imagehash.colorhash(img, binbits=3), ink(img)
    )


def ink(img: Image.Image) -> float:
    """Share of a 64x40 greyscale thumbnail differing from its median (background) grey."""
    grey = img.convert("L").resize((64, 40))
    hist = grey.histogram()
    total = sum(hist)
    seen, background = 0, 0
    for level, count in enumerate(hist):
        seen += count
        if seen * 2 >= total:
            background = level
            break
    near = sum(hist[max(0, background - _INK_LEVELS) : background + _INK_LEVELS + 1])
    return round(1.0 - near / total, 4)


T = TypeVar("T")


class _DigestCache(Generic[T]):
    """An LRU of results keyed by a digest of their byte arguments. Keyed by the bytes
    themselves (functools.lru_cache), the cache kept its last screenshots alive, megabytes
    each; a page is hashed once per target, so a few entries beyond the references do."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[bytes, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, compute: Callable[..., T], *blobs: bytes) -> T:
        h = hashlib.blake2b(digest_size=16)
        for blob in blobs:
            h.update(len(blob).to_bytes(8, "big"))
            h.update(blob)
        key = h.digest()
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = compute(*blobs)
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value


_shots: _DigestCache[Shot] = _DigestCache(64)
_small: _DigestCache[tuple[imagehash.ImageHash | None, str | None]] = _DigestCache(256)


def shot(viewport_png: bytes, full_png: bytes) -> Shot:
    """Hash a page's viewport (or the top of its full-page screenshot) and header band."""
    return _shots.get(_shot, viewport_png, full_png)


def _shot(viewport_png: bytes, full_png: bytes) -> Shot:
    img, error = decode(viewport_png) if viewport_png else (None, "empty")
    if img is None and full_png:
        full, full_error = decode(full_png)
        if full is not None:
            height = min(full.height, max(8, int(full.width * VIEWPORT_ASPECT)))
            img = full.crop((0, 0, full.width, height))
        else:
            error = full_error
    if img is None:
        return Shot(None, None, error)
    if _blank(img):
        return Shot(None, None, "blank")
    band_img = img.crop((0, 0, img.width, max(8, int(img.height * BAND_FRACTION))))
    band = None if _blank(band_img) else hashes(band_img)
    return Shot(hashes(img), band, None)


def small_image_phash(data: bytes) -> tuple[imagehash.ImageHash | None, str | None]:
    """pHash of a favicon or logo; (None, reason) when it cannot be decoded or is blank."""
    return _small.get(_small_image_phash, data)


def _small_image_phash(data: bytes) -> tuple[imagehash.ImageHash | None, str | None]:
    img, error = decode(data)
    if img is None:
        return None, error
    if _blank(img):
        return None, "blank"
    return imagehash.phash(img), None


def hex_hash(value: str) -> imagehash.ImageHash | None:
    """A stored hex pHash; None for malformed or information-free (solid colour) hashes."""
    try:
        parsed = imagehash.hex_to_hash(value.strip().lower())
    except (ValueError, TypeError):
        return None
    bits = int(parsed.hash.sum())
    if bits <= 1 or bits >= parsed.hash.size - 1:
        return None
    return parsed


def image_phash(data: bytes) -> str:
    """Hex pHash of an image's bytes ("" when undecodable or blank): for the fetcher filling
    Page.images and for reference capture filling ReferenceCapture.image_phashes."""
    value, _ = small_image_phash(data)
    return str(value) if value is not None else ""
