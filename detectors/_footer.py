"""Footer marks of Chinese sites: 政府网站标识码, CONAC badge, ICP filing, 公网安备.

Parsed from a page's text and links (or from a reference capture's text alone), with
validity of each number's format, so content can tell missing, malformed, forged
(government marks on a non-government host) and copied marks apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from detectors._dom import Dom, host_of

#: province abbreviations, with the alternates ICP filings use (蜀 黔 滇 陇 秦)
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼蜀黔滇陇秦"
_SITE_CODE = re.compile(r"标识码\s*[：:]?\s*([A-Za-z]{0,3}\d{1,14}[A-Za-z0-9]*)")
_SITE_CODE_OK = re.compile(r"\d{10}|bm\d{8}", re.I)
_ICP = re.compile(
    r"([\u4e00-\u9fa5])?\s*ICP\s*([备证])\s*[：:]?\s*(\d*)\s*号(?:\s*-\s*(\d+))?", re.I
)
_PSB = re.compile(r"([\u4e00-\u9fa5])?\s*公网安备\s*[：:]?\s*(\d*)\s*号?")
_CONAC_HOSTS = ("bszs.conac.cn", "dcs.conac.cn", "www.conac.cn", "conac.cn")
_ICP_HOSTS = ("beian.miit.gov.cn", "www.beian.miit.gov.cn", "www.miitbeian.gov.cn")
_PSB_HOSTS = ("beian.mps.gov.cn", "www.beian.gov.cn", "beian.gov.cn")


@dataclass(frozen=True)
class Marks:
    site_codes: tuple[str, ...] = ()
    bad_site_codes: tuple[str, ...] = ()
    conac: tuple[str, ...] = ()  # badge URLs or alt texts
    icp: tuple[str, ...] = ()  # normalised, e.g. 京ICP备05010518号-1
    bad_icp: tuple[str, ...] = ()
    icp_linked: bool = False
    psb: tuple[str, ...] = ()  # 14 digits
    bad_psb: tuple[str, ...] = ()
    psb_linked: bool = False

    @property
    def government(self) -> bool:
        """Marks only government sites may show."""
        return bool(self.site_codes or self.bad_site_codes or self.conac)

    def numbers(self) -> set[str]:
        """Identifying numbers: the same ones on another host means they were copied."""
        icp_base = {re.sub(r"-\d+$", "", i) for i in self.icp}
        return {c.lower() for c in self.site_codes} | icp_base | set(self.psb)

    def as_details(self) -> dict[str, object]:
        return {
            "site_codes": list(self.site_codes),
            "bad_site_codes": list(self.bad_site_codes),
            "conac": list(self.conac),
            "icp": list(self.icp),
            "bad_icp": list(self.bad_icp),
            "icp_linked": self.icp_linked,
            "psb": list(self.psb),
            "bad_psb": list(self.bad_psb),
            "psb_linked": self.psb_linked,
        }


def text_marks(text: str, extra_site_codes: tuple[str, ...] = ()) -> Marks:
    """Marks readable from text alone (reference captures keep only visible text)."""
    good: list[str] = []
    bad: list[str] = []
    for code in [m.group(1) for m in _SITE_CODE.finditer(text)] + list(extra_site_codes):
        (good if _SITE_CODE_OK.fullmatch(code) else bad).append(code)
    icp: list[str] = []
    bad_icp: list[str] = []
    for m in _ICP.finditer(text):
        prov, kind, digits, suffix = m.group(1) or "", m.group(2), m.group(3), m.group(4)
        norm = f"{prov}ICP{kind}{digits}号" + (f"-{suffix}" if suffix else "")
        if prov and prov in _PROVINCES and 5 <= len(digits) <= 10:
            icp.append(norm)
        else:
            bad_icp.append(m.group(0).strip())
    psb: list[str] = []
    bad_psb: list[str] = []
    for m in _PSB.finditer(text):
        prov, digits = m.group(1) or "", m.group(2)
        if prov in _PROVINCES and prov and len(digits) == 14:
            psb.append(digits)
        else:
            bad_psb.append(m.group(0).strip())
    return Marks(
        site_codes=tuple(dict.fromkeys(good)),
        bad_site_codes=tuple(dict.fromkeys(bad)),
        icp=tuple(dict.fromkeys(icp)),
        bad_icp=tuple(dict.fromkeys(bad_icp)),
        psb=tuple(dict.fromkeys(psb)),
        bad_psb=tuple(dict.fromkeys(bad_psb)),
    )


#: the last page read: every target's content check asks for the same page's marks in turn
_last_marks: tuple[Dom, Marks] | None = None


def page_marks(dom: Dom) -> Marks:
    """Marks of a parsed page: text, links, the 找错 widget and the CONAC badge."""
    global _last_marks
    if _last_marks is None or _last_marks[0] is not dom:
        _last_marks = (dom, _page_marks(dom))
    return _last_marks[1]


def _page_marks(dom: Dom) -> Marks:
    sitecodes = tuple(v for k, v in dom.script_attrs if k == "sitecode")
    base = text_marks(dom.text, sitecodes)
    conac = [link.href for link in dom.links if link.host in _CONAC_HOSTS]
    conac += [u for u in dom.script_srcs if host_of(u) in _CONAC_HOSTS]
    conac += [a for a in dom.image_alts if "党政机关" in a or "事业单位" in a]
    link_hosts = {link.host for link in dom.links}
    return Marks(
        site_codes=base.site_codes,
        bad_site_codes=base.bad_site_codes,
        conac=tuple(dict.fromkeys(conac))[:5],
        icp=base.icp,
        bad_icp=base.bad_icp,
        icp_linked=bool(link_hosts & set(_ICP_HOSTS)),
        psb=base.psb,
        bad_psb=base.bad_psb,
        psb_linked=bool(link_hosts & set(_PSB_HOSTS)),
    )


@lru_cache(maxsize=256)
def numbers_in(text: str) -> frozenset[str]:
    """The identifying numbers of a reference capture's text (read once per capture, not once
    per page scored against it)."""
    return frozenset(text_marks(text).numbers())
