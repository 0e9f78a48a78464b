"""Visual detector: screenshots, header band, favicon and reused images by perceptual hash."""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "pages"))
import pagekit as kit  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from core.imaging import image_phash  # noqa: E402
from core.signals import Reference, ReferenceCapture  # noqa: E402
from core.types import ImageAsset, Resource  # noqa: E402
from detectors.visual import detector  # noqa: E402

W, H = 1280, 800


def emblem(size: int = 96) -> Image.Image:
    """A stand-in for the national emblem: red disc, gold ring and star."""
    img = Image.new("RGB", (size, size), "white")
    d = ImageDraw.Draw(img)
    d.ellipse((2, 2, size - 2, size - 2), fill=(200, 16, 30), outline=(230, 180, 40), width=6)
    c = size / 2
    star = [
        (c, 14),
        (c + 10, c - 6),
        (size - 14, c - 4),
        (c + 14, c + 10),
        (c + 20, size - 14),
        (c, c + 18),
        (c - 20, size - 14),
        (c - 14, c + 10),
        (14, c - 4),
        (c - 10, c - 6),
    ]
    d.polygon(star, fill=(240, 200, 60))
    d.rectangle((c - 18, size - 30, c + 18, size - 20), fill=(240, 200, 60))
    return img


def genuine(shift: int = 0, title_len: int = 760) -> Image.Image:
    img = Image.new("RGB", (W, H), (244, 246, 250))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, W, 110), fill=(18, 78, 160))
    img.paste(emblem(), (40, 7))
    d.rectangle((160, 40, 160 + title_len, 70), fill=(255, 255, 255))
    d.rectangle((340 + shift, 180, 940 + shift, 640), fill="white", outline=(220, 223, 230))
    for i in range(4):
        y = 240 + i * 80
        d.rectangle((400 + shift, y, 880 + shift, y + 40), outline=(190, 195, 205), width=2)
    d.rectangle((400 + shift, 570, 880 + shift, 610), fill=(64, 158, 255))
    d.rectangle((0, 730, W, H), fill=(40, 44, 52))
    return img


def relayout() -> Image.Image:
    img = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, 260, H), fill=(30, 120, 60))
    for i in range(6):
        d.rectangle((300, 60 + i * 110, 1220, 140 + i * 110), fill=(235, 240, 235))
    img.paste(emblem(64), (1180, 10))
    return img


def school() -> Image.Image:
    img = Image.new("RGB", (W, H), (255, 250, 240))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, W, 60), fill=(230, 120, 20))
    for i in range(3):
        for j in range(4):
            d.rectangle(
                (60 + j * 300, 120 + i * 200, 320 + j * 300, 290 + i * 200),
                fill=(120 + 30 * j, 80, 60 + 40 * i),
            )
    return img


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


EMBLEM = png(emblem())
FAVICON = png(emblem(32))
REF = Reference(
    target=kit.MEM,
    captures=(
        ReferenceCapture(
            url="http://cx.mem.gov.cn/special?index=0",
            captured_at=kit.FETCHED,
            title=kit.MEM.name,
            visible_text="",
            viewport_png=png(genuine()),
            favicon=FAVICON,
            asset_hashes=(hashlib.sha256(b"app.3f2a.js genuine bundle").hexdigest(),),
            image_phashes=(image_phash(EMBLEM),),
        ),
    ),
)


def run(url: str = "http://cx-mem-gov.cn/", **kw):
    return detector.detect(kit.page(url, "<html><body>x</body></html>", **kw), REF, kit.NO_LOOKUPS)


def by_part(signals, part):
    return [s for s in signals if s.details.get("part") == part]


def test_metadata():
    assert detector.name == "visual" and detector.version
    assert any("\u4e00" <= ch <= "\u9fff" for ch in detector.description)


def test_clone_screenshot_matches_reference():
    signals = run(viewport_png=png(genuine(shift=6, title_len=740)))
    shot = by_part(signals, "viewport")
    assert shot and shot[0].score >= 0.8 and "impersonation" in shot[0].categories
    assert shot[0].details["phash_distance"] <= 10
    assert "cx-mem-gov.cn" in shot[0].reason and "pHash" in shot[0].reason


def test_full_page_screenshot_only_is_cropped_to_viewport():
    tall = Image.new("RGB", (W, 3000), "white")
    tall.paste(genuine(), (0, 0))
    signals = run(screenshot_png=png(tall))
    assert by_part(signals, "viewport") and by_part(signals, "viewport")[0].score >= 0.8


def test_unrelated_images_are_not_reuse():
    photo = school().crop((0, 0, 400, 300))
    asset = ImageAsset(
        url="http://px.example.com/a.png", sha256="ab" * 32, phash=image_phash(png(photo))
    )
    assert run("http://px.example.com/", images=(asset,)) == []


def test_unrelated_page_has_no_screenshot_signal():
    assert by_part(run(viewport_png=png(school())), "viewport") == []
    assert all(s.score < 0.3 for s in run(viewport_png=png(school())))


def test_relayout_reusing_emblem_is_caught_by_image_phash():
    # the emblem re-encoded at another size: different bytes, same picture
    small = emblem().resize((72, 72))
    asset = ImageAsset(
        url="http://cxmem.top/img/gh.png",
        sha256=hashlib.sha256(png(small)).hexdigest(),
        phash=image_phash(png(small)),
    )
    signals = run("http://cxmem.top/", viewport_png=png(relayout()), images=(asset,))
    assert by_part(signals, "viewport") == []
    reuse = [s for s in signals if s.details.get("match") == "phash"]
    assert reuse and reuse[0].score >= 0.7 and "gh.png" in reuse[0].reason


def test_exact_asset_reuse_by_sha256():
    res = Resource(
        url="http://cxmem.top/js/app.3f2a.js",
        status=200,
        content_type="application/javascript",
        size=20,
        sha256=hashlib.sha256(b"app.3f2a.js genuine bundle").hexdigest(),
        resource_type="script",
    )
    signals = run("http://cxmem.top/", resources=(res,))
    reuse = [s for s in signals if s.details.get("match") == "sha256"]
    assert reuse and reuse[0].score >= 0.7 and "app.3f2a.js" in reuse[0].reason


def test_same_favicon():
    signals = run(favicon=FAVICON)
    fav = [s for s in signals if "favicon_sha256" in s.details]
    assert fav and fav[0].score >= 0.5


def test_corrupt_png_is_no_signal_with_reason():
    bad = kit.png("corrupt.png")
    signals = run(viewport_png=bad, screenshot_png=bad, favicon=b"\x00\x01garbage")
    assert signals and all(s.score == 0.0 for s in signals)
    assert any(
        "截图无法用于比对" in s.reason and "undecodable" in s.details["error"] for s in signals
    )
    assert any("图标无法解码" in s.reason for s in signals)


def test_blank_and_empty_screenshots():
    blank = run(viewport_png=png(Image.new("RGB", (W, H), "white")))
    assert len(blank) == 1 and blank[0].score == 0.0 and "空白" in blank[0].reason
    assert run() == []  # nothing captured at all


def test_official_host_gets_nothing():
    assert run("http://cx.mem.gov.cn/", viewport_png=png(genuine()), favicon=FAVICON) == []


def test_bad_hash_strings_are_ignored():
    asset = ImageAsset(url="http://x.example.com/a.png", sha256="0" * 64, phash="not-hex")
    blank = ImageAsset(url="http://x.example.com/b.png", sha256="1" * 64, phash="0000000000000000")
    assert run("http://x.example.com/", images=(asset, blank)) == []


def test_real_chromium_screenshots_of_fixture_pages():
    """Viewports rendered by Chromium (1280x800) from the HTML fixtures beside this test."""
    real = Reference(
        target=kit.MEM,
        captures=(
            ReferenceCapture(
                url="http://cx.mem.gov.cn/special?index=0",
                captured_at=kit.FETCHED,
                title=kit.MEM.name,
                visible_text="",
                viewport_png=kit.png("genuine_special.viewport.png"),
            ),
        ),
    )

    def shot_score(name):
        page = kit.page("http://lookalike.example.com/", "", viewport_png=kit.png(name))
        return max((s.score for s in detector.detect(page, real, kit.NO_LOOKUPS)), default=0.0)

    assert shot_score("clone_special.viewport.png") >= 0.8
    for other in ("school.viewport.png", "seller.viewport.png", "fake_result.viewport.png"):
        assert shot_score(other) < 0.4, other


def _res(url: str, content: bytes) -> Resource:
    return Resource(
        url=url,
        status=200,
        content_type="image/png",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        resource_type="image",
    )


def test_files_from_third_parties_or_common_to_genuine_sites_are_not_reuse():
    """Issue 8: a file counts only when distinctive to the platform."""
    badge = b"conac red badge"
    police = b"gongan beian icon"
    bundle = b"app.3f2a.js genuine bundle"
    ref = Reference(
        target=kit.MEM,
        captures=(
            ReferenceCapture(
                url="http://cx.mem.gov.cn/",
                captured_at=kit.FETCHED,
                title=kit.MEM.name,
                visible_text="",
                asset_hashes=tuple(hashlib.sha256(b).hexdigest() for b in (badge, police, bundle)),
            ),
        ),
        # the 公安 icon is on another protected target's genuine pages too
        common_assets=frozenset({hashlib.sha256(police).hexdigest()}),
    )

    def reuse(*resources: Resource) -> list:
        page = kit.page(
            "http://shop.example.com/", "<html><body>x</body></html>", resources=resources
        )
        return [
            s
            for s in detector.detect(page, ref, kit.NO_LOOKUPS)
            if s.details.get("match") == "sha256"
        ]

    assert reuse(_res("https://dcs.conac.cn/image/red.png", badge)) == []  # known infrastructure
    assert reuse(_res("https://static.other-cdn.example.net/red.png", badge)) == []  # third party
    assert reuse(_res("http://shop.example.com/images/ga.png", police)) == []  # common
    # the platform's own bundle copied onto the site, or hot-linked from the platform, counts
    assert reuse(_res("http://static.shop.example.com/js/app.js", bundle))
    assert reuse(_res("http://cx.mem.gov.cn/js/app.js", bundle))


def test_a_likeness_shared_with_other_genuine_sites_is_not_imitation():
    """A generic layout (as close to another genuine site as to the target) proves nothing;
    a true clone stays far closer to the target than to the background."""
    import dataclasses

    other = png(genuine(shift=4, title_len=700))  # another agency's page in the same template
    ref = dataclasses.replace(REF, common_screenshots=(("http://other.gov.cn/", other, b""),))
    page = kit.page("http://shop.example.com/", "<html><body>x</body></html>", viewport_png=other)
    shots = by_part(detector.detect(page, ref, kit.NO_LOOKUPS), "viewport")
    assert shots and shots[0].score == 0 and "http://other.gov.cn/" in shots[0].reason
    school_bg = dataclasses.replace(
        REF, common_screenshots=(("http://x.gov.cn/", png(school()), b""),)
    )
    clone = kit.page("http://cx-mem-gov.cn/", "<html></html>", viewport_png=png(genuine(shift=6)))
    assert by_part(detector.detect(clone, school_bg, kit.NO_LOOKUPS), "viewport")[0].score >= 0.8


def _sparse(lines: int, offset: int = 0) -> Image.Image:
    """A registrar lander: a few short lines of dark text on a white page."""
    img = Image.new("RGB", (W, 800), "white")
    draw = ImageDraw.Draw(img)
    for i in range(lines):
        draw.rectangle((80 + offset, 80 + 40 * i, 380 + offset + 20 * i, 92 + 40 * i), fill="#333")
    return img


def test_a_sparse_screenshot_is_no_visual_evidence() -> None:
    # Two mostly-empty pages hash close to each other whatever they say; only a page with
    # content of its own (banner, emblem, form) can look like the platform.
    from core.imaging import shot as hash_shot

    sparse = png(_sparse(4, offset=4))
    assert hash_shot(sparse, b"").viewport.ink < 0.06 <= hash_shot(png(genuine()), b"").viewport.ink
    from dataclasses import replace

    empty_ref = replace(
        REF.captures[0], url="http://cx.mem.gov.cn/empty", viewport_png=png(_sparse(4))
    )
    ref = replace(REF, captures=(empty_ref,))
    page = kit.page("http://parked-other.net/", "<html><body>x</body></html>", viewport_png=sparse)
    assert by_part(detector.detect(page, ref, kit.NO_LOOKUPS), "viewport") == []


def test_hash_caches_do_not_keep_screenshots_alive():
    """A nightly crawl kept its last 64 screenshots (megabytes each) alive in a cache keyed by
    their bytes; the caches are keyed by a digest now, and still answer from the cache."""
    from core import imaging

    data = png(genuine(shift=3))
    before = sys.getrefcount(data)
    first = imaging.shot(data, b"")
    assert sys.getrefcount(data) == before
    calls = []
    real = imaging._shot
    imaging._shot = lambda *a: calls.append(a) or real(*a)  # type: ignore[assignment]
    try:
        assert imaging.shot(bytes(data), b"") == first  # equal bytes, another object: a hit
    finally:
        imaging._shot = real
    assert calls == []
    icon = png(emblem(32))
    before = sys.getrefcount(icon)
    imaging.small_image_phash(icon)
    assert sys.getrefcount(icon) == before
