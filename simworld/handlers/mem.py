"""The genuine platform's JSON API (cx.mem.gov.cn `/prod-api/certsearch/...`) over a small
table of fictional holders. Shapes follow FIELD-NOTES.md: `{code: 200, msg, data: [...]}`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import secrets
from dataclasses import asdict, dataclass
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from simworld.world import SimRequest, SimResponse, World

# Fixed on purpose: the captcha answer is derived from the uuid, so the handler keeps no
# state and a test can read the answer with `captcha_answer(uuid)`.
_CAPTCHA_KEY = b"zhenwei-simnet-captcha"
SPECIAL = "1"  # 特种作业操作证
SAFETY = "2"  # 安全生产知识和管理能力考核合格证


@dataclass(frozen=True)
class CertRecord:
    """One certificate as the genuine platform returns it (fictional people)."""

    idcardNum: str  # noqa: N815 - JSON field names of the API
    idcardTypeCode: str  # noqa: N815
    certType: str  # noqa: N815
    name: str
    certNo: str  # noqa: N815
    workCategory: str  # noqa: N815 - 作业类别 (special) / 人员类型 kept in personType
    operItem: str  # noqa: N815
    firstDate: str  # noqa: N815
    validStart: str  # noqa: N815
    validEnd: str  # noqa: N815
    shouldReviewDate: str  # noqa: N815
    actualReviewDate: str  # noqa: N815
    issuingAuthority: str  # noqa: N815
    personType: str = ""  # noqa: N815
    industry: str = ""
    history: bool = False

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["idcardNum"], data["idcardTypeCode"], data["certType"]
        return data


def _special(
    idn: str,
    name: str,
    cat: str,
    item: str,
    first: str,
    start: str,
    end: str,
    should: str,
    actual: str,
    auth: str,
    history: bool = False,
) -> CertRecord:
    return CertRecord(
        idn,
        "01",
        SPECIAL,
        name,
        "T" + idn,
        cat,
        item,
        first,
        start,
        end,
        should,
        actual,
        auth,
        history=history,
    )


def _safety(
    idn: str, name: str, person: str, industry: str, first: str, start: str, end: str, auth: str
) -> CertRecord:
    return CertRecord(
        idn,
        "01",
        SAFETY,
        name,
        f"{idn[:6]}2{first[:4]}{idn[-5:]}",
        "",
        "",
        first,
        start,
        end,
        "",
        "",
        auth,
        personType=person,
        industry=industry,
    )


HOLDERS: tuple[CertRecord, ...] = (
    _special(
        "110101199003071233",
        "王小明",
        "电工作业",
        "低压电工作业",
        "2019-05-20",
        "2025-05-20",
        "2031-05-19",
        "2028-05-19",
        "",
        "北京市应急管理局",
    ),
    _special(
        "110101199003071233",
        "王小明",
        "电工作业",
        "低压电工作业",
        "2019-05-20",
        "2019-05-20",
        "2025-05-19",
        "2022-05-19",
        "2022-04-11",
        "北京市应急管理局",
        history=True,
    ),
    _special(
        "320582198511123014",
        "李建华",
        "焊接与热切割作业",
        "熔化焊接与热切割作业",
        "2021-03-08",
        "2021-03-08",
        "2027-03-07",
        "2024-03-07",
        "2024-02-26",
        "江苏省应急管理厅",
    ),
    _special(
        "330102197806152457",
        "赵卫东",
        "高处作业",
        "高处安装、维护、拆除作业",
        "2023-07-14",
        "2023-07-14",
        "2029-07-13",
        "2026-07-13",
        "2026-06-30",
        "浙江省应急管理厅",
    ),
    _special(
        "440304199210235671",
        "陈思远",
        "制冷与空调作业",
        "制冷与空调设备运行操作作业",
        "2024-11-02",
        "2024-11-02",
        "2030-11-01",
        "2027-11-01",
        "",
        "深圳市应急管理局",
    ),
    _safety(
        "330102197806152457",
        "赵卫东",
        "主要负责人",
        "建筑施工企业",
        "2022-09-16",
        "2025-09-16",
        "2028-09-15",
        "浙江省应急管理厅",
    ),
)


def captcha_answer(uuid: str) -> str:
    """The four digits the captcha image for `uuid` shows."""
    digest = hmac.new(_CAPTCHA_KEY, uuid.encode("ascii", "replace"), hashlib.sha256).hexdigest()
    return "".join(str(int(c, 16) % 10) for c in digest[:4])


def _captcha_png(text: str) -> bytes:
    img = Image.new("RGB", (110, 40), (236, 242, 250))
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=26)
    for i, ch in enumerate(text):
        draw.text((12 + i * 24, 6 + (i % 2) * 3), ch, font=font, fill=(40, 60, 140))
    draw.line([(4, 30), (106, 10)], fill=(150, 170, 200), width=1)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _json(payload: dict[str, Any]) -> SimResponse:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return SimResponse(200, (("Content-Type", "application/json;charset=UTF-8"),), body)


def _param(request: SimRequest, key: str) -> str:
    values = request.query.get(key) or [""]
    return values[0].strip()


def code(request: SimRequest, world: World) -> SimResponse:
    """GET /prod-api/certsearch/code: a fresh captcha image (base64 PNG) and its uuid."""
    uuid = secrets.token_hex(16)
    img = base64.b64encode(_captcha_png(captcha_answer(uuid))).decode("ascii")
    return _json({"msg": "操作成功", "img": img, "code": 200, "captchaEnabled": True, "uuid": uuid})


def lookup(
    idcard_num: str, name: str, type_code: str = "01", cert_type: str = SPECIAL
) -> list[CertRecord]:
    """The holders' records matching a query, current ones first."""
    hits = [
        r
        for r in HOLDERS
        if r.idcardNum == idcard_num.upper()
        and r.name == name
        and r.idcardTypeCode == type_code
        and r.certType == cert_type
    ]
    return sorted(hits, key=lambda r: r.history)


def net_query(request: SimRequest, world: World) -> SimResponse:
    """GET /prod-api/certsearch/certInfo/netQuery?idcardNum&idcardTypeCode&name&code&uuid."""
    uuid, answer = _param(request, "uuid"), _param(request, "code")
    if not uuid or answer != captcha_answer(uuid):
        return _json({"msg": "验证码错误", "code": 500})
    num, name, type_code = (_param(request, k) for k in ("idcardNum", "name", "idcardTypeCode"))
    if not (num and name and type_code):
        return _json({"msg": "请求参数不完整", "code": 500})
    cert_type = _param(request, "certType") or SPECIAL
    records = lookup(num, name, type_code, cert_type)
    return _json({"msg": "查询成功", "code": 200, "data": [r.as_json() for r in records]})
