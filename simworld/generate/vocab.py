"""Vocabularies: places, people, certificates, and the wording of each split.

Split-specific pools (`SELLER_WORDS`, `CERT_NAMES`, …) are disjoint where it matters, so rules
that key on the tuning split's exact words meet other words in the held-out split. Short public
facts only (place names, certificate and operation names, the platform's field labels).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from simworld.generate.context import Ctx


@dataclass(frozen=True)
class Province:
    name: str  # 浙江省
    short: str  # 浙 (ICP / 公安 prefixes)
    pinyin: str  # zj (gov.cn subdomain)
    code: str  # first two digits of region codes
    cities: tuple[str, ...]


PROVINCES = (
    Province("北京市", "京", "beijing", "11", ("北京",)),
    Province("天津市", "津", "tj", "12", ("天津",)),
    Province("河北省", "冀", "hebei", "13", ("石家庄", "唐山", "保定", "邯郸")),
    Province("山西省", "晋", "shanxi", "14", ("太原", "大同", "长治")),
    Province("辽宁省", "辽", "ln", "21", ("沈阳", "大连", "鞍山")),
    Province("江苏省", "苏", "js", "32", ("南京", "苏州", "无锡", "南通", "常州")),
    Province("浙江省", "浙", "zj", "33", ("杭州", "宁波", "温州", "嘉兴", "绍兴")),
    Province("安徽省", "皖", "ah", "34", ("合肥", "芜湖", "蚌埠")),
    Province("福建省", "闽", "fujian", "35", ("福州", "厦门", "泉州")),
    Province("江西省", "赣", "jiangxi", "36", ("南昌", "赣州", "九江")),
    Province("山东省", "鲁", "shandong", "37", ("济南", "青岛", "烟台", "潍坊")),
    Province("河南省", "豫", "henan", "41", ("郑州", "洛阳", "新乡")),
    Province("湖北省", "鄂", "hubei", "42", ("武汉", "宜昌", "襄阳")),
    Province("湖南省", "湘", "hunan", "43", ("长沙", "株洲", "岳阳")),
    Province("广东省", "粤", "gd", "44", ("广州", "深圳", "佛山", "东莞")),
    Province("四川省", "蜀", "sc", "51", ("成都", "绵阳", "宜宾")),
    Province("陕西省", "陕", "shaanxi", "61", ("西安", "宝鸡", "咸阳")),
    Province("云南省", "滇", "yn", "53", ("昆明", "曲靖", "大理")),
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "建国",
    "志强",
    "海燕",
    "晓东",
    "国庆",
    "玉兰",
    "文博",
    "子豪",
    "雨涵",
    "振华",
)

#: (作业类别, 操作项目) of special-operation certificates
OPERATIONS = (
    ("电工作业", "低压电工作业"),
    ("电工作业", "高压电工作业"),
    ("电工作业", "电力电缆作业"),
    ("焊接与热切割作业", "熔化焊接与热切割作业"),
    ("焊接与热切割作业", "压力焊作业"),
    ("高处作业", "登高架设作业"),
    ("高处作业", "高处安装、维护、拆除作业"),
    ("制冷与空调作业", "制冷与空调设备运行操作作业"),
    ("制冷与空调作业", "制冷与空调设备安装修理作业"),
    ("危险化学品安全作业", "化工自动化控制仪表作业"),
    ("煤矿安全作业", "煤矿井下电气作业"),
)

#: how people call the certificates in ads, posts and questions
CERT_NAMES = {
    "tune": ("电工证", "焊工证", "高处作业证", "特种作业操作证", "低压电工证", "制冷证"),
    "heldout": ("高压电工证", "登高证", "安全员证", "电焊证", "操作证", "特种作业证", "危化品证"),
}
#: sellers' vocabulary (FIELD-NOTES); each split gets its own half
SELLER_WORDS = {
    "tune": ("免考", "速成", "包过", "加急", "官网可查", "一站式服务", "快速下证"),
    "heldout": (
        "保过",
        "全国联网可查",
        "不用到场",
        "不过退费",
        "终身可查验真假",
        "代办",
        "快速拿证",
    ),
}
SELLER_PITCH = {
    "tune": (
        "无需本人到场，资料齐全即可办理",
        "正规渠道，信息可在国家平台查询",
        "三天出证，顺丰包邮",
        "先查后付款，假一赔十",
        "专业团队十余年经验",
    ),
    "heldout": (
        "在家就能拿证，全程线上办理",
        "证书信息上网，扫码即可验证",
        "当天录入系统，次日可查",
        "不过全额退款，签订正规合同",
        "老客户介绍再优惠",
    ),
}
TRAINING_WORDS = {
    "tune": ("培训", "报名", "考试", "复审", "取证"),
    "heldout": ("招生", "开班", "实操", "理论", "换证"),
}
REGION_WORDS = ("全国", "本地", "同城", "附近")


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def idcard(rng: random.Random, province: Province | None = None, born: int | None = None) -> str:
    """A well-formed (checksummed) resident ID number of a fictional person."""
    p = province or rng.choice(PROVINCES)
    year = born or rng.randint(1965, 2002)
    body = (
        f"{p.code}{rng.randint(1, 9):02d}{rng.randint(1, 30):02d}{year}"
        f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    )
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(a) * b for a, b in zip(body, weights, strict=True)) % 11]


def masked(idn: str) -> str:
    return idn[:6] + "********" + idn[-4:]


def phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}"


def qq(rng: random.Random) -> str:
    return str(rng.randint(10**8, 4 * 10**9))


def wechat_id(rng: random.Random) -> str:
    stem = rng.choice(("zs", "bz", "kz", "zj", "ks", "px", "aq", "dg"))
    return f"{stem}{rng.choice(('_', '', '-'))}{rng.randint(100, 99999)}{rng.choice(('', 'a', 'v', 'x'))}"


def icp(rng: random.Random, province: Province, year: int | None = None) -> str:
    y = year or rng.randint(2008, 2024)
    return f"{province.short}ICP备{y}{rng.randint(1000, 99999):05d}号" + (
        f"-{rng.randint(1, 5)}" if rng.random() < 0.6 else ""
    )


def gongan(rng: random.Random, province: Province) -> str:
    return f"{province.code}{rng.randint(10**11, 10**12 - 1)}"


def site_code(rng: random.Random, province: Province | None) -> str:
    """政府网站标识码: 10 digits for local sites, `bm` + 8 digits for central departments."""
    if province is None:
        return f"bm{rng.randint(10**7, 10**8 - 1)}"
    return f"{province.code}{rng.randint(10**7, 10**8 - 1)}"


def conac_id(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789ABCDEF") for _ in range(32))


def words(ctx: Ctx, pool: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    return pool[ctx.split]
