"""Decode the QR codes on a photo of a certificate (zxing-cpp).

Photos from the field are skewed, blurred and small, so when the image as given yields
nothing we retry on a few cheap variants (grayscale + autocontrast, upscaled, sharpened,
rotated) before giving up.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import zxingcpp
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

#: refuse decompression bombs: a certificate photo is a few megapixels at most
MAX_PIXELS = 60_000_000
MAX_BYTES = 40 * 1024 * 1024
_QR_FORMATS: Any = (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.MicroQRCode)


class QrError(ValueError):
    """The file is not an image we can read."""


def _open(source: str | Path | bytes) -> Image.Image:
    if isinstance(source, bytes):
        data, name = source, "<bytes>"
    else:
        path = Path(source)
        name = str(path)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise QrError(f"{name}: file larger than {MAX_BYTES} bytes")
            data = path.read_bytes()
        except OSError as exc:
            raise QrError(f"{name}: cannot read file ({exc.strerror or exc})") from exc
    if not data:
        raise QrError(f"{name}: empty file")
    try:
        img: Image.Image = Image.open(io.BytesIO(data))
        if img.width * img.height > MAX_PIXELS:
            raise QrError(f"{name}: image too large ({img.width}x{img.height})")
        img.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise QrError(f"{name}: not a readable image ({exc})") from exc
    img = ImageOps.exif_transpose(img) or img
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    return img


def _variants(img: Image.Image) -> Iterator[tuple[str, Image.Image]]:
    yield "original", img
    gray = ImageOps.autocontrast(img.convert("L"))
    yield "gray", gray
    small = min(gray.size)
    if small < 1600:
        factor = 2 if small >= 400 else 3
        up = gray.resize((gray.width * factor, gray.height * factor), Image.Resampling.LANCZOS)
        yield f"upscaled x{factor}", up
    else:
        up = gray
    sharp = up.filter(ImageFilter.UnsharpMask(radius=3, percent=200, threshold=2))
    yield "sharpened", sharp
    # Binarised copy helps strongly blurred photos where the local binarizer smears modules.
    yield "threshold", sharp.point(lambda v: 255 if v > 128 else 0)
    for angle in (15, -15, 30, -30, 45):
        yield f"rotated {angle}", sharp.rotate(angle, expand=True, fillcolor=255)


def _read(img: Image.Image) -> list[str]:
    texts: list[str] = []
    for binarizer in (zxingcpp.Binarizer.LocalAverage, zxingcpp.Binarizer.GlobalHistogram):
        found = zxingcpp.read_barcodes(
            img,
            formats=_QR_FORMATS,
            binarizer=binarizer,
        )
        texts.extend(b.text for b in found if b.text)
        if texts:
            break
    return texts


def decode_qr(source: str | Path | bytes) -> list[str]:
    """The texts of every QR code in the image, in reading order, without duplicates.

    Returns an empty list when the image holds no readable QR code; raises `QrError` when
    the file is not an image at all.
    """
    img = _open(source)
    for label, variant in _variants(img):
        texts = _read(variant)
        if texts:
            log.debug("QR decoded from %s variant", label)
            return list(dict.fromkeys(texts))
    return []


def decode_qr_once(source: str | Path | bytes) -> list[str]:
    """Like `decode_qr` on the image as given only (no retries): cheap enough for every
    screenshot of a crawl, where a QR code is sharp when there is one."""
    return list(dict.fromkeys(_read(_open(source))))
