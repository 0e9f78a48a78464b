"""Visual: screenshot viewport and header band, favicon, and images reused from the genuine
site, compared with every reference capture by perceptual hash.

Reused images (emblem, logo, the genuine front-end bundle) are matched by sha256 and by
pHash, so a re-laid-out copy that keeps the emblem is still caught.
"""

from __future__ import annotations

import hashlib
from typing import Any

from core.imaging import Shot, hex_hash, shot, small_image_phash
from core.infrastructure import known_infrastructure
from core.netpath.domains import registrable_domain
from core.signals import Lookups, Reference, Signal
from core.types import Page
from detectors._dom import host_of
from detectors._identity import host_matches, is_official_host

NAME = "visual"
VERSION = "1.2"  # 1.1: only files distinctive to the platform count as reused; 1.2: sparse screenshots prove nothing

#: pHash/dHash Hamming distances (of 64 bits) that mean "the same picture"
_SAME = 6
_CLOSE = 12
_IMAGE_SAME = 6
#: below this share of ink a screenshot is a few lines on a plain page (genuine platform
#: pages measure 0.17-0.44, registrar landers 0.01-0.03): its likeness proves nothing
MIN_INK = 0.06


def _band(d: tuple[int, int, int]) -> float:
    # pHash reacts to layout shifts, dHash to edges; a copy is close on both, or very close
    # on one and not far on the other. Unrelated pages sit at 25-40 on both.
    phash, dhash, colour = d
    if (phash <= _SAME + 4 and dhash <= 12) or (dhash <= 4 and phash <= 20):
        return 0.85
    if (phash <= _CLOSE + 2 and dhash <= 20) or (dhash <= 8 and phash <= 22):
        return 0.6
    if phash <= 18 and colour <= 3:
        return 0.35
    return 0.0


class VisualDetector:
    name = NAME
    version = VERSION
    description = "用感知哈希比对页面截图、页头区域、网站图标以及复用的官方图片（国徽、标志）与官方页面的相似度。"
    weight = 0.85  # a screenshot or reused emblem of the genuine platform
    triage = False  # needs the browser's screenshot and images

    def detect(self, page: Page, reference: Reference, lookups: Lookups) -> list[Signal]:
        if is_official_host(page.host, reference):
            return []
        found = [self._screenshot(page, reference), self._favicon(page, reference)]
        found += self._reuse(page, reference)
        return [s for s in found if s is not None]

    def _signal(
        self,
        score: float,
        reason: str,
        details: dict[str, Any],
        cats: tuple[str, ...] = ("impersonation",),
    ) -> Signal:
        return Signal(NAME, VERSION, round(min(score, 1.0), 3), reason, details, cats)

    def _screenshot(self, page: Page, reference: Reference) -> Signal | None:
        mine = shot(page.viewport_png, page.screenshot_png)
        if mine.viewport is None:
            if not page.viewport_png and not page.screenshot_png:
                return None  # nothing captured: the fetch error says why
            return self._signal(
                0.0,
                f"页面截图无法用于比对（{_why(mine.error)}），未做视觉相似度判断。",
                {"error": mine.error},
                (),
            )
        best: tuple[float, str, str, tuple[int, int, int]] | None = None
        for cap in reference.captures:
            ref = shot(cap.viewport_png, cap.screenshot_png)
            for part, a, b in (
                ("viewport", mine.viewport, ref.viewport),
                ("band", mine.band, ref.band),
            ):
                if a is None or b is None or a.ink < MIN_INK:
                    continue
                dist = a.distance(b)
                score = _band(dist) * (1.0 if part == "viewport" else 0.7)
                if best is None or score > best[0]:
                    best = (score, part, cap.url, dist)
        if best is None or best[0] <= 0.0:
            return None
        score, part, url, (phash, dhash, colour) = best
        where = "首屏截图" if part == "viewport" else "页头区域（国徽、站名所在位置）"
        generic = _generic_likeness(mine, part, best[0], reference)
        if generic is not None:
            return self._signal(
                0.0,
                f"页面{where}与官方页面{url}有一定相似（pHash差{phash}/64，dHash差{dhash}/64），"
                f"但与其他正规网站{generic}同样相似，属于常见版式，不能说明仿冒。",
                {"part": part, "reference_url": url, "generic_like": generic},
                (),
            )
        return self._signal(
            score,
            f"页面{where}与官方页面{url}的截图高度相似（pHash差{phash}/64，dHash差{dhash}/64），但所在域名{page.host}不是官方域名。",
            {
                "part": part,
                "reference_url": url,
                "phash_distance": phash,
                "dhash_distance": dhash,
                "colour_distance": colour,
            },
        )

    def _favicon(self, page: Page, reference: Reference) -> Signal | None:
        if not page.favicon:
            return None
        mine_sha = hashlib.sha256(page.favicon).hexdigest()
        mine, error = small_image_phash(page.favicon)
        for cap in reference.captures:
            if not cap.favicon:
                continue
            if hashlib.sha256(cap.favicon).hexdigest() == mine_sha:
                return self._signal(
                    0.6,
                    f"网站图标与官方平台图标完全相同（sha256 {mine_sha[:12]}…），但所在域名{page.host}不是官方域名。",
                    {"favicon_sha256": mine_sha, "reference_url": cap.url, "match": "sha256"},
                )
            ref, _ = small_image_phash(cap.favicon)
            if mine is not None and ref is not None and mine - ref <= 4:
                return self._signal(
                    0.5,
                    f"网站图标与官方平台图标视觉上相同（pHash差{mine - ref}/64），但所在域名{page.host}不是官方域名。",
                    {
                        "favicon_sha256": mine_sha,
                        "reference_url": cap.url,
                        "match": "phash",
                        "distance": int(mine - ref),
                    },
                )
        if error:
            return self._signal(
                0.0, f"网站图标无法解码（{_why(error)}），未做图标比对。", {"error": error}, ()
            )
        return None

    def _reuse(self, page: Page, reference: Reference) -> list[Signal]:
        # Distinctive files only: not those genuine sites share (the other targets' pages
        # load them too), not those served by a third party (a badge, analytics, a CDN).
        ref_sha = {
            h.lower() for cap in reference.captures for h in cap.asset_hashes
        } - reference.common_assets
        exact = [
            r
            for r in page.resources
            if r.sha256 and r.sha256.lower() in ref_sha and _own(r.url, page, reference)
        ]
        found: list[Signal] = []
        if exact:
            urls = [r.url for r in exact]
            kinds = sorted({r.resource_type or r.content_type.split(";")[0] or "?" for r in exact})
            found.append(
                self._signal(
                    0.8 if len(exact) >= 2 else 0.7,
                    f"页面加载了{len(exact)}个与官方平台完全相同的文件（{'、'.join(kinds)}，如{urls[0][:80]}），说明复制了官方网站的素材。",
                    {
                        "matched": [{"url": r.url, "sha256": r.sha256} for r in exact[:20]],
                        "match": "sha256",
                    },
                )
            )
        seen_sha = {r.sha256 for r in exact}
        common = [h for h in (hex_hash(p) for p in reference.common_phashes) if h is not None]
        ref_phashes = [
            h
            for cap in reference.captures
            for h in (hex_hash(p) for p in cap.image_phashes)
            if h is not None and all(int(h - c) > _IMAGE_SAME for c in common)
        ]
        close: list[dict[str, Any]] = []
        for image in page.images:
            if image.sha256 in seen_sha or not _own(image.url, page, reference):
                continue
            mine = hex_hash(image.phash) if image.phash else None
            if mine is None:
                continue
            best = min((int(mine - ref) for ref in ref_phashes), default=99)
            if best <= _IMAGE_SAME:
                close.append({"url": image.url, "phash": image.phash, "distance": best})
        if close:
            found.append(
                self._signal(
                    0.7,
                    f"页面中的{len(close)}张图片与官方平台的图片（国徽、标志等）感知哈希相同（如{close[0]['url'][:80]}，差{close[0]['distance']}/64），即使页面重新排版也复用了官方图片。",
                    {"matched": close[:20], "match": "phash"},
                )
            )
        return found


def _generic_likeness(mine: Shot, part: str, score: float, reference: Reference) -> str | None:
    """A genuine site other than the target that the page looks at least as much like."""
    for url, viewport, full in reference.common_screenshots:
        other = shot(viewport, full)
        a, b = (mine.viewport, other.viewport) if part == "viewport" else (mine.band, other.band)
        if a is None or b is None:
            continue
        if _band(a.distance(b)) * (1.0 if part == "viewport" else 0.7) >= score:
            return url
    return None


def _own(url: str, page: Page, reference: Reference) -> bool:
    """Served by the page's own site or hot-linked from the platform: not a third party's."""
    host = host_of(url) if url and not url.startswith("data:") else page.host
    if not host or host == page.host or registrable_domain(host) == registrable_domain(page.host):
        return True
    if known_infrastructure(host) is not None:
        return False
    target = reference.target
    return host_matches(host, target.official_hosts + target.registrable_domains)


def _why(error: str | None) -> str:
    if error in (None, "empty"):
        return "截图为空"
    if error == "blank":
        return "截图为空白"
    return f"图片损坏或过大：{error}"


detector = VisualDetector()
