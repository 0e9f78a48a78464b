"""Domain names: the shapes fakes use (FIELD-NOTES, issue 12) and the names benign sites have.

Every shape exists in both splits; the tokens and TLDs they are built from differ by split, so
a name list fitted to the tuning world does not cover the held-out one.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass

from simworld.generate.context import Ctx

BRAND = ("cx", "mem", "gov")
#: service and pinyin tokens (pinyin words and initials of the platform's names)
TOKENS = {
    "tune": ("tzzy", "zscx", "yjglb", "anquan", "chaxun", "zs", "tezhongzuoye", "cxpt"),
    "heldout": (
        "czz",
        "zhengshu",
        "yjgl",
        "aqsc",
        "caozuozheng",
        "yanzheng",
        "tzczz",
        "anquanshengchan",
    ),
}
CHEAP_TLDS = {
    "tune": ("com", "cn", "top", "cc", "net", "xyz"),
    "heldout": ("com", "vip", "icu", "shop", "com.cn", "net.cn", "site", "cyou"),
}
GOV_TOKENS = {"tune": ("gov", "zw"), "heldout": ("zf", "gov", "zwfw")}
IDN_LABELS = {
    "tune": ("特种作业证查询", "应急管理部证书查询", "操作证查询中心", "特种作业操作证查询"),
    "heldout": ("安全生产证书查询", "应急管理证书查验", "特种作业证书查询网", "操作证官网查询"),
}
IDN_TLDS = {"tune": ("com", "cn"), "heldout": ("xn--fiqs8s", "xn--55qx5d", "xn--io0a7i", "com")}
AGENCY_INITIALS = {"tune": ("yjglb", "yjb", "ajj"), "heldout": ("yjgl", "mem", "ajzj")}


@dataclass(frozen=True)
class Name:
    """A look-alike host and the shape that made it (recorded as a variant tag)."""

    host: str
    shape: str
    #: the registered domain answers every name under it (subdomain tricks)
    wildcard: bool = False


def _tld(rng: random.Random, ctx: Ctx) -> str:
    return rng.choice(CHEAP_TLDS[ctx.split])


def _token(rng: random.Random, ctx: Ctx) -> str:
    return rng.choice(TOKENS[ctx.split])


def _homoglyph(word: str, rng: random.Random) -> str:
    """m → rn (and friends): the confusables that survive in lower-case ASCII."""
    swaps = [("m", "rn"), ("o", "0"), ("l", "1"), ("w", "vv")]
    options = [(a, b) for a, b in swaps if a in word]
    if not options:
        return word + rng.choice("xyz")
    a, b = rng.choice(options)
    i = rng.choice([k for k in range(len(word)) if word.startswith(a, k)])
    return word[:i] + b + word[i + len(a) :]


def hyphenated(rng: random.Random, ctx: Ctx) -> Name:
    parts = list(BRAND) if rng.random() < 0.6 else ["cx", "mem"]
    if rng.random() < 0.4:
        parts.append(_token(rng, ctx))
    cut = sorted(rng.sample(range(1, len(parts)), k=rng.randint(1, len(parts) - 1)))
    label, prev = "", 0
    for c in [*cut, len(parts)]:
        label += ("-" if label else "") + "".join(parts[prev:c])
        prev = c
    return Name(f"{label}.{_tld(rng, ctx)}", "hyphenated")


def homoglyph(rng: random.Random, ctx: Ctx) -> Name:
    mem = _homoglyph("mem", rng)
    sep = rng.choice(["-", "", "."])
    if sep == ".":  # cx.rnem-gov.cn: the look-alike as a subdomain of the registered name
        return Name(f"cx.{mem}-{rng.choice(GOV_TOKENS[ctx.split])}.{_tld(rng, ctx)}", "homoglyph")
    return Name(f"cx{sep}{mem}-{rng.choice(GOV_TOKENS[ctx.split])}.{_tld(rng, ctx)}", "homoglyph")


def gov_token(rng: random.Random, ctx: Ctx) -> Name:
    word = rng.choice(["mem", _token(rng, ctx), "cxmem"])
    gov = rng.choice(GOV_TOKENS[ctx.split])
    label = rng.choice([f"{word}{gov}", f"{word}-{gov}", f"{gov}-{word}"])
    return Name(f"{label}.{_tld(rng, ctx)}", "gov-token")


def pinyin(rng: random.Random, ctx: Ctx) -> Name:
    a, b = rng.sample(TOKENS[ctx.split], 2)
    label = rng.choice([f"{a}-{b}", f"{a}{b}", f"{a}-{b}-{rng.choice(('cx', 'gw', 'net'))}"])
    return Name(f"{label}.{_tld(rng, ctx)}", "pinyin")


def keyword_mem(rng: random.Random, ctx: Ctx) -> Name:
    kw = _token(rng, ctx)
    label = rng.choice([f"{kw}-mem", f"mem-{kw}", f"mem{kw}", f"{kw}mem"])
    return Name(f"{label}.{_tld(rng, ctx)}", "keyword-mem")


def agency_gov_cn(rng: random.Random, ctx: Ctx) -> Name:
    ag = rng.choice(AGENCY_INITIALS[ctx.split])
    tld = rng.choice(["cn", "com.cn", "net.cn"] if not ctx.tune else ["cn", "com.cn"])
    return Name(f"{ag}{rng.choice(('gov', '-gov', 'zw'))}.{tld}", "agency-gov")


def idn(rng: random.Random, ctx: Ctx) -> Name:
    label = rng.choice(IDN_LABELS[ctx.split])
    ace = label.encode("idna").decode("ascii")
    return Name(f"{ace}.{rng.choice(IDN_TLDS[ctx.split])}", "idn")


def random_cheap(rng: random.Random, ctx: Ctx) -> Name:
    n = rng.randint(5, 8)
    label = "".join(rng.choice(string.ascii_lowercase + string.digits * 2) for _ in range(n))
    if label[0].isdigit():
        label = rng.choice(string.ascii_lowercase) + label[1:]
    return Name(f"{label}.{rng.choice(('top', 'xyz', 'icu', 'cyou', 'buzz', 'sbs'))}", "random")


def subdomain_trick(rng: random.Random, ctx: Ctx) -> Name:
    base = random_cheap(rng, ctx).host if rng.random() < 0.6 else pinyin(rng, ctx).host
    return Name(f"cx.mem.gov.cn.{base}", "subdomain-trick", wildcard=True)


def typo(rng: random.Random, ctx: Ctx) -> Name:
    word = rng.choice(["cxmem", "cxmemgov", "memgov"])
    i = rng.randrange(len(word) - 1)
    op = rng.choice(["swap", "double", "drop"])
    if op == "swap":
        word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif op == "double":
        word = word[:i] + word[i] + word[i:]
    else:
        word = word[:i] + word[i + 1 :]
    return Name(f"{word}.{_tld(rng, ctx)}", "typo")


SHAPES: dict[str, Callable[[random.Random, Ctx], Name]] = {
    "hyphenated": hyphenated,
    "homoglyph": homoglyph,
    "gov-token": gov_token,
    "pinyin": pinyin,
    "keyword-mem": keyword_mem,
    "agency-gov": agency_gov_cn,
    "idn": idn,
    "random": random_cheap,
    "subdomain-trick": subdomain_trick,
    "typo": typo,
}
#: Shapes that imitate a target. A random string imitates nothing: a parked page on one is the
#: same lander as any other brand's parking, so it is never a parked *look-alike*.
IMITATING_SHAPES = tuple(sorted(set(SHAPES) - {"random"}))


IDN_SUFFIXES = ("中心", "官网", "网", "服务", "平台", "系统")


def _augment(name: Name, rng: random.Random) -> Name:
    """The same shape made unique the way bulk registrants do: a digit run, a city prefix, or
    (IDN) a word after the label. Small worlds rarely need it; 10,000-site worlds do."""
    labels = name.host.split(".")
    i = (
        4
        if name.shape == "subdomain-trick"
        else (1 if name.shape == "homoglyph" and len(labels) > 3 else 0)
    )
    label = labels[i]
    if label.startswith("xn--"):
        uni = label.encode("ascii").decode("idna")
        label = (
            (uni + rng.choice(IDN_SUFFIXES) + str(rng.randint(1, 99)))
            .encode("idna")
            .decode("ascii")
        )
    elif rng.random() < 0.5:
        label = f"{label}{rng.randint(1, 999)}"
    else:
        label = f"{rng.choice(CITY_INITIALS)}{rng.choice(('', '-'))}{label}"
    labels[i] = label
    return Name(".".join(labels), name.shape, name.wildcard)


def lookalike(ctx: Ctx, rng: random.Random, shape: str | None = None) -> Name:
    """A fresh look-alike name of `shape` (any shape when None), claimed in `ctx`."""
    for attempt in range(400):
        name = SHAPES[shape or rng.choice(sorted(SHAPES))](rng, ctx)
        if attempt >= 20:
            name = _augment(name, rng)
        if ctx.claim(name.host):
            return name
    raise RuntimeError(f"no free {shape} name after 400 tries")


# ---------------------------------------------------------------- benign names

SYLLABLES = (
    "hua",
    "xin",
    "tai",
    "kang",
    "rui",
    "hong",
    "sheng",
    "tong",
    "jia",
    "an",
    "heng",
    "yuan",
    "da",
    "feng",
    "long",
    "cheng",
    "mei",
    "bo",
    "zhi",
    "chuang",
    "lian",
    "ke",
    "tian",
    "yu",
    "jin",
    "hai",
    "shan",
    "ming",
    "xing",
    "guang",
    "run",
    "de",
)
CITY_INITIALS = (
    "hz",
    "sz",
    "gz",
    "nj",
    "wh",
    "cd",
    "xa",
    "cq",
    "tj",
    "sh",
    "bj",
    "nb",
    "jn",
    "qd",
    "sy",
    "zz",
    "cs",
    "km",
    "fz",
    "xm",
    "hf",
    "nc",
    "ty",
    "sjz",
    "lz",
)


def company_label(rng: random.Random) -> str:
    return "".join(rng.sample(SYLLABLES, rng.choice((2, 2, 3))))


def benign_host(
    ctx: Ctx,
    rng: random.Random,
    *,
    words: tuple[str, ...] = (),
    tlds: tuple[str, ...] = ("com", "com.cn", "cn", "net"),
    www: float = 0.7,
) -> str:
    """An ordinary business/org host: pinyin syllables, sometimes a city prefix and `words`."""
    for _ in range(200):
        parts = [company_label(rng)]
        if rng.random() < 0.3:
            parts.insert(0, rng.choice(CITY_INITIALS))
        if words:
            parts.append(rng.choice(words))
        label = rng.choice(("", "-")).join(parts)
        host = f"{label}.{rng.choice(tlds)}"
        if rng.random() < www:
            host = "www." + host
        if ctx.claim(host):
            return host
    raise RuntimeError("no free benign host name")
