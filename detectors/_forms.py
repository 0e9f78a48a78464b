"""The platform's own query form and result table on a page: which fields a form asks for
(a certificate query, not a sign-in), which result labels a page shows as labels, and which
tables are rosters of many people rather than one holder's record."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from core.profiles import TargetProfile
from detectors._dom import Dom

DEFAULT_FORM_FIELDS = ("证件号码", "姓名", "验证码")
#: how each query-form field shows itself in placeholders, labels and attribute names
FIELD_HINTS: dict[str, tuple[str, ...]] = {
    # first: a type selector lists 身份证 among its options
    "证件类型": ("证件类型", "证件种类", "idcardtype", "zjlx"),
    "证件号码": (
        "证件号码",
        "证件号",
        "身份证",
        "证号",
        "idcard",
        "id_card",
        "idno",
        "sfz",
        "zjhm",
    ),
    "姓名": ("姓名", "realname", "xingming", "xm"),
    "验证码": ("验证码", "captcha", "yzm", "vcode", "checkcode", "verifycode"),
}
#: labels of a certificate result table; 姓名/证件号码 alone are form labels too
DEFAULT_RESULT_FIELDS = (
    "作业类别",
    "操作项目",
    "准操项目",
    "初领日期",
    "有效期开始日期",
    "有效期结束日期",
    "有效期",
    "应复审日期",
    "实际复审日期",
    "签发机关",
    "发证机关",
    "证书编号",
    "资格类型",
    "单位名称",
)
_NOT_RESULT_ONLY = {"姓名", "证件号码", "性别", "身份证号"}
#: the column of a roster that names each person
_NAME_COLUMNS = frozenset({"姓名", "持证人", "持证人姓名", "学员姓名", "考生姓名"})
#: labels every certificate look-up shows (exam authorities, other trades): not this platform's
GENERIC_RESULT_LABELS = frozenset(
    {"证书编号", "有效期", "发证机关", "发证日期", "等级", "单位名称", "资格类型", "证书名称"}
)


def query_fields(dom: Dom, target: TargetProfile) -> dict[str, list[str]]:
    """Query-form fields on THIS page: kind → describing texts (placeholders, labels)."""
    kinds = dict(FIELD_HINTS)
    for extra in target.form_fields:
        kinds.setdefault(extra, (extra,))
    found: dict[str, list[str]] = {}
    for field in dom.fields:
        if field.input_type in ("hidden", "submit", "button", "image", "reset"):
            continue
        low = field.describe.lower()
        for kind, hints in kinds.items():
            if any(h.lower() in low for h in hints):
                found.setdefault(kind, []).append(field.describe[:60])
                break
    return found


@lru_cache(maxsize=64)
def _result_fields(target: TargetProfile) -> tuple[str, ...]:
    fields = tuple(dict.fromkeys(tuple(target.result_fields) + DEFAULT_RESULT_FIELDS))
    return tuple(f for f in fields if f and f not in _NOT_RESULT_ONLY)


@lru_cache(maxsize=64)
def _first_chars(fields: tuple[str, ...]) -> frozenset[str]:
    return frozenset(f[:1] for f in fields)


def _result_label(label: str, fields: tuple[str, ...]) -> str | None:
    """The result field `label` shows: the field itself, followed by a colon or by at most
    two characters (有效期至)."""
    if label[:1] not in _first_chars(fields):
        return None  # most labels of a page (the quick answer)
    for f in fields:
        if label.startswith(f) and (len(label) <= len(f) + 2 or label[len(f)] in "：:"):
            return f
    return None


@dataclass(frozen=True)
class Roster:
    """A table listing several people's certificates (a 公示 of who passed, a school's
    graduates): its header row names the result labels as columns."""

    labels: tuple[str, ...]
    people: int


def rosters(dom: Dom, target: TargetProfile) -> tuple[Roster, ...]:
    """Tables whose header row holds three result labels and a name column, followed by rows
    of at least two different people. A query result shows one holder's record (label beside
    value, perhaps several certificates of that one person); a list of people is published."""
    fields = _result_fields(target)
    found: list[Roster] = []
    for rows in dom.tables:
        for i, row in enumerate(rows):
            labels = [f for f in (_result_label(c.rstrip("：: "), fields) for c in row) if f]
            if len(labels) < 3:
                continue
            names = [j for j, c in enumerate(row) if c.rstrip("：: ") in _NAME_COLUMNS]
            if names:
                people = {r[names[0]] for r in rows[i + 1 :] if len(r) == len(row) and r[names[0]]}
                if len(people) >= 2:
                    found.append(Roster(tuple(dict.fromkeys(labels)), len(people)))
            break  # one header row per table
    return tuple(found)


def result_labels(
    dom: Dom, target: TargetProfile, found: tuple[Roster, ...] | None = None
) -> tuple[str, ...]:
    """Result-table labels shown as labels (short cells) on THIS page, not in prose, and not
    the column headers of a roster of several people (`rosters`, or `found` when the caller
    has them already)."""
    fields = _result_fields(target)
    seen = [f for f in (_result_label(label, fields) for label in dom.labels) if f]
    for roster in rosters(dom, target) if found is None else found:
        for label in roster.labels:
            if label in seen:
                seen.remove(label)  # the header cell, once: the same label elsewhere stays
    return tuple(dict.fromkeys(seen))


def is_login_form(dom: Dom) -> bool:
    """A sign-in form (password field, or account + password wording), not a query form."""
    for field in dom.fields:
        if field.input_type == "password":
            return True
    texts = " ".join(f.describe.lower() for f in dom.fields)
    return "密码" in texts or "password" in texts


def query_semantics(dom: Dom, target: TargetProfile) -> tuple[str, ...]:
    """The platform's query fields on THIS page, when the form means a certificate query:
    an ID/certificate number with the holder's name and/or the document type (a captcha
    alone is any login's). Empty for sign-in forms and anything less."""
    if is_login_form(dom):
        return ()
    fields = query_fields(dom, target)
    if "证件号码" not in fields or not ({"姓名", "证件类型"} & set(fields)):
        return ()
    return tuple(k for k in ("证件类型", "证件号码", "姓名", "验证码") if k in fields)


def is_result_page(labels: tuple[str, ...]) -> bool:
    """Three result labels, two of them the platform's own (not any look-up's)."""
    return len(labels) >= 3 and sum(1 for x in labels if x not in GENERIC_RESULT_LABELS) >= 2
