"""Draw the simulated world's images (our own drawings, never copies) into the sites' files/.

Run from the repository root: `.venv/bin/python scripts/make_world_images.py`.
Kit A/B counterfeits receive the *same bytes* as the genuine replica (image-reuse detection
must be able to match them); kit C gets a re-drawn emblem. Needs fonts-noto-cjk.
"""

from __future__ import annotations

import base64
import io
import json
import math
import random
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "simworld" / "world" / "sites"
SHARED = ROOT / "simworld" / "world" / "shared"
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")

RED = (200, 16, 30)
GOLD = (255, 214, 0)

# Which images each site serves (file name -> path under files/).
GENUINE_SET = ["emblem.png", "logo.png", "conac.png", "gongan.png", "favicon.ico"]
KIT_A = [
    "cx-mem-gov.cn",
    "cxmemgov.com",
    "cx.mem.gov.cn.zscx.top",
    "memgov-cx.xyz",
    "cx.rnem-gov.cn",
    "cxmem-gov.com",
    "cx.zscx-mem.top",
]
KIT_B = [
    "tzzycx.com",
    "aqsc-chaxun.cn",
    "yjglb-zscx.net",
    "xn--extu8ac1n3qneijnryf7h.com",
    "mem-zscx.com",
]
KIT_C = ["anquan-zscx.com", "tzzy-cx.net"]
KIT_R = ["zs-cx.top", "tzzy-zscx.cc"]
GOV = ["www.mem.gov.cn", "yjt.zj.gov.cn", "yjglt.gd.gov.cn", "yjglt.sc.gov.cn"]
SELLERS = [
    "tezhongzuoye-banzheng.com",
    "dianhangong-zheng.cn",
    "hangongzheng-kuaiban.com",
    "anquanyuan-zhengshu.top",
    "gaokongzheng-ban.xyz",
]
TRAINING = ["www.zhongan-peixun.com", "www.hz-anquanpeixun.com", "www.jsaqpx.com.cn"]

# Fake QR targets printed on the sellers' sample cards (result-only counterfeits).
QR_ZS_CX = "https://zs-cx.top/cert/verify?no=T370102199508182048"
QR_TZZY = "http://tzzy-zscx.cc/m/q?c=T420106198802143395"


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def star(
    draw: ImageDraw.ImageDraw,
    cx: float,
    cy: float,
    r: float,
    rot: float,
    fill: tuple[int, int, int],
) -> None:
    pts = []
    for i in range(10):
        rr = r if i % 2 == 0 else r * 0.4
        a = rot + i * math.pi / 5 - math.pi / 2
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    draw.polygon(pts, fill=fill)


def emblem(size: int = 96, variant: str = "a") -> bytes:
    """A stylised emblem: red disc, gold ring, one big and four small stars (not the real one)."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    disc = RED if variant == "a" else (214, 40, 24)
    ring = GOLD if variant == "a" else (240, 190, 40)
    d.ellipse((2, 2, size - 3, size - 3), fill=ring)
    d.ellipse((7, 7, size - 8, size - 8), fill=disc)
    c = size / 2
    star(d, c - size * 0.12, c - size * 0.08, size * 0.16, 0.0, ring)
    offsets = [(0.16, -0.24), (0.24, -0.12), (0.24, 0.04), (0.16, 0.16)]
    if variant != "a":  # kit C: re-drawn, stars placed a little differently
        offsets = [(0.14, -0.22), (0.22, -0.1), (0.22, 0.06), (0.14, 0.18)]
    for dx, dy in offsets:
        star(d, c + size * dx, c + size * dy, size * 0.055, 0.3, ring)
    d.rectangle((c - size * 0.25, c + size * 0.26, c + size * 0.25, c + size * 0.31), fill=ring)
    return png(img)


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def logo() -> bytes:
    img = Image.new("RGBA", (640, 72), (0, 0, 0, 0))
    em = Image.open(io.BytesIO(emblem(64))).convert("RGBA")
    img.alpha_composite(em, (4, 4))
    d = ImageDraw.Draw(img)
    d.text((80, 4), "应急管理部", font=font(22), fill=(255, 255, 255))
    d.text(
        (80, 36),
        "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台",
        font=font(16),
        fill=(255, 255, 255),
    )
    return png(img)


def conac() -> bytes:
    img = Image.new("RGB", (110, 56), (255, 255, 255))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((1, 1, 108, 54), radius=6, outline=RED, width=2, fill=(255, 255, 255))
    d.ellipse((8, 12, 38, 42), fill=RED)
    star(d, 23, 27, 10, 0, GOLD)
    d.text((44, 8), "党政机关", font=font(14), fill=RED)
    d.text((44, 30), "网站标识", font=font(12), fill=(90, 90, 90))
    return png(img)


def gongan() -> bytes:
    img = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.polygon([(10, 1), (18, 4), (17, 12), (10, 19), (3, 12), (2, 4)], fill=(20, 70, 160))
    star(d, 10, 9, 5, 0, GOLD)
    return png(img)


def favicon() -> bytes:
    img = Image.open(io.BytesIO(emblem(64))).convert("RGBA")
    buf = io.BytesIO()
    img.save(buf, format="ICO", sizes=[(32, 32)])
    return buf.getvalue()


def captcha(text: str, seed: int) -> bytes:
    rnd = random.Random(seed)
    img = Image.new("RGB", (110, 38), (236, 242, 250))
    d = ImageDraw.Draw(img)
    for _ in range(6):
        d.line(
            [(rnd.randint(0, 110), rnd.randint(0, 38)) for _ in range(2)],
            fill=(150, 170, 200),
            width=1,
        )
    for i, ch in enumerate(text):
        d.text((10 + i * 24, 4 + rnd.randint(-3, 3)), ch, font=font(24), fill=(40, 60, 140))
    return png(img)


def qr(url: str) -> bytes:
    q = qrcode.QRCode(border=2, box_size=6)
    q.add_data(url)
    q.make(fit=True)
    img = q.make_image(fill_color="black", back_color="white").get_image()
    return png(img.convert("RGB"))


def sample_card(name: str, cert_no: str, url: str) -> bytes:
    """The blue card a seller shows off; its QR points to a result-only counterfeit."""
    img = Image.new("RGB", (520, 330), (33, 92, 170))
    d = ImageDraw.Draw(img)
    d.rectangle((10, 10, 509, 319), outline=(220, 230, 245), width=2)
    em = Image.open(io.BytesIO(emblem(56))).convert("RGBA")
    img.paste(em, (24, 22), em)
    d.text((92, 26), "中华人民共和国", font=font(18), fill=(255, 255, 255))
    d.text((92, 50), "特种作业操作证", font=font(26), fill=(255, 255, 255))
    rows = [
        ("姓名", name),
        ("证号", cert_no),
        ("作业类别", "电工作业"),
        ("操作项目", "低压电工作业"),
        ("有效期", "2026-09-01至2032-08-31"),
    ]
    for i, (k, v) in enumerate(rows):
        d.text((30, 110 + i * 32), f"{k}：{v}", font=font(16), fill=(255, 255, 255))
    code = Image.open(io.BytesIO(qr(url))).convert("RGB").resize((130, 130))
    img.paste(code, (360, 110))
    d.text((372, 248), "扫码查验真伪", font=font(14), fill=(255, 255, 255))
    d.text((300, 290), "中华人民共和国应急管理部监制", font=font(13), fill=(220, 230, 245))
    return png(img)


def screenshot_mock() -> bytes:
    """A training school's drawn illustration of the official form (not a real screenshot)."""
    img = Image.new("RGB", (640, 360), (244, 247, 252))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, 640, 56), fill=(22, 93, 180))
    d.text((20, 14), "cx.mem.gov.cn  特种作业操作证查询", font=font(20), fill=(255, 255, 255))
    labels = ["请选择证件类型", "请输入证件号码", "请输入姓名", "请输入验证码"]
    for i, lab in enumerate(labels):
        y = 84 + i * 56
        d.rounded_rectangle(
            (120, y, 520, y + 38), radius=4, outline=(200, 205, 215), fill=(255, 255, 255)
        )
        d.text((132, y + 8), lab, font=font(16), fill=(160, 165, 175))
    d.rounded_rectangle((260, 310, 380, 346), radius=4, fill=(64, 158, 255))
    d.text((300, 316), "查询", font=font(18), fill=(255, 255, 255))
    d.text((540, 330), "示意图", font=font(14), fill=(180, 60, 60))
    return png(img)


def write(host: str, rel: str, data: bytes) -> None:
    path = SITES / host / "files" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def main() -> None:
    genuine = {
        "emblem.png": emblem(96, "a"),
        "logo.png": logo(),
        "conac.png": conac(),
        "gongan.png": gongan(),
        "favicon.ico": favicon(),
    }
    redrawn = emblem(96, "c")
    kit_captcha = captcha("7358", 7358)

    def put_genuine(host: str, names: list[str]) -> None:
        for name in names:
            rel = name if name == "favicon.ico" else f"img/{name}"
            write(host, rel, genuine[name])

    put_genuine("cx.mem.gov.cn", GENUINE_SET)
    for host in GOV:
        put_genuine(host, ["emblem.png", "conac.png", "gongan.png"])
    for host in KIT_A:
        put_genuine(host, GENUINE_SET)
        write(host, "img/captcha.png", kit_captcha)
        # The clone's fake captcha endpoint answers with the same picture every time.
        body = {
            "msg": "操作成功",
            "img": base64.b64encode(kit_captcha).decode(),
            "code": 200,
            "captchaEnabled": True,
            "uuid": "8f14e45fceea167a5a36dedd4bea2543",
        }
        write(host, "api/code.json", json.dumps(body, ensure_ascii=False).encode())
    for host in KIT_B:
        put_genuine(host, ["emblem.png", "conac.png", "favicon.ico"])
        write(host, "img/captcha.png", captcha("4K9P", 49))
    for host in KIT_C:
        write(host, "images/guohui.png", redrawn)
        write(host, "images/yzm.png", captcha("2615", 2615))
    for host in KIT_R:
        put_genuine(host, ["emblem.png", "gongan.png"])
    card_a = sample_card("孙立强", "T370102199508182048", QR_ZS_CX)
    card_b = sample_card("刘振华", "T420106198802143395", QR_TZZY)
    for i, host in enumerate(SELLERS):
        write(host, "img/yangben.png", card_a if i % 2 == 0 else card_b)
        write(host, "img/wx-qr.png", qr(f"https://u.wechat.com/fake-contact-{i}"))
    mock = screenshot_mock()
    for host in TRAINING:
        write(host, "img/cx-shiyi.png", mock)
    # Shared QR images for tests of `zhenwei check --qr`.
    SHARED.mkdir(parents=True, exist_ok=True)
    (SHARED / "qr-zs-cx.png").write_bytes(qr(QR_ZS_CX))
    (SHARED / "qr-tzzy-zscx.png").write_bytes(qr(QR_TZZY))
    (SHARED / "qr-genuine.png").write_bytes(qr("http://cx.mem.gov.cn/special?index=0"))
    (SHARED / "card-zs-cx.png").write_bytes(card_a)


if __name__ == "__main__":
    main()
