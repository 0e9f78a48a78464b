"""The one table of Chinese labels (verdicts, categories, statuses, roles, sources) and the review
actions each role may take: the CLI, the review UI, digests and reports all read it."""

from __future__ import annotations

from dataclasses import dataclass

VERDICTS = {"counterfeit": "仿冒", "suspicious": "可疑", "benign": "正常", "official": "官方"}
STATUSES = {
    "new": "新线索",
    "reviewing": "审核中",
    "confirmed": "已确认",
    "referred": "已移交",
    "taken_down": "已下线",
    "dismissed": "已排除",
    "official": "官方",
}
ROLES = {"analyst": "分析员", "supervisor": "主管", "admin": "管理员"}
ROLE_RANK = {"analyst": 1, "supervisor": 2, "admin": 3}
CATEGORIES = {
    "impersonation": "冒充官方",
    "fake-verification": "伪造查询",
    "seller": "售卖假证",
    "parked-lookalike": "停放仿冒域名",
    "forged-marks": "伪造备案标识",
    "hosting-risk": "托管风险",
    "cloaking": "区别对待访客",
    "possibly-compromised": "疑似被入侵",
    "government-host": "其他政府网站",
    "platform-specific": "仿冒平台特有内容",
    "known-infrastructure": "公共基础设施",
    "unrelated-content": "无关的正常网站",
    "watched-name": "观察名单域名",
    "official": "官方",
}
SOURCES = {
    "permutations": "域名变体",
    "ct": "证书透明度",
    "pdns": "被动DNS",
    "search": "搜索引擎",
    "seeds": "线索文件",
    "links": "页面外链",
    "recheck": "复查",
    "feed": "域名订阅",
    "check": "手动检测",
    "cli": "手动检测",
    "qr": "证书二维码",
    "input": "网址列表",
    "tips": "群众举报",
}


def verdict_label(verdict: str | None) -> str:
    """The Chinese word for a verdict; an unknown one is shown as it is."""
    if verdict is None:
        return "错误"
    return VERDICTS.get(verdict, verdict)


def category_label(category: str) -> str:
    return CATEGORIES.get(category, category)


@dataclass(frozen=True)
class Action:
    """One button of the review form: what it records, the status it sets, who may press it."""

    name: str
    label: str
    new_status: str | None
    min_role: str


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("reviewing", "开始审核", "reviewing", "analyst"),
        Action("confirm", "确认仿冒", "confirmed", "analyst"),
        Action("dismiss", "排除", "dismissed", "analyst"),
        Action("note", "仅添加备注", None, "analyst"),
        Action("refer", "移交处置", "referred", "supervisor"),
        Action("taken_down", "标记已下线", "taken_down", "supervisor"),
        Action("official", "标记为官方", "official", "admin"),
    )
}


def may(role: str, action: Action) -> bool:
    """True when `role` ranks at or above the action's minimum role."""
    return ROLE_RANK.get(role, 0) >= ROLE_RANK[action.min_role]


def action_label(name: str) -> str:
    action = ACTIONS.get(name)
    if action is not None:
        return action.label
    return {"status": "更改状态", "label": "标注"}.get(name, name)


ARTIFACTS = {
    "raw_html": "原始 HTML",
    "rendered_html": "渲染后 HTML",
    "whois": "WHOIS 记录",
    "dns": "DNS 记录",
    "tls_certificate": "TLS 证书",
    "favicon": "网站图标",
    "warc": "WARC 存档",
    "screenshot": "网页截图",
    "viewport": "首屏截图",
}


def artifact_label(role: str) -> str:
    if role.startswith("variant:"):
        # variant:<label>:raw_html — the page as another user agent saw it
        _, variant, rest = (role.split(":", 2) + ["", ""])[:3]
        return f"{ARTIFACTS.get(rest, rest)}（{variant} 版本）"
    return ARTIFACTS.get(role, role)


#: analysts' labels of hosts (storage/hostlabels.py) and why they were given
HOST_LABELS = {
    "official": "官方网站",
    "counterfeit": "仿冒网站",
    "seller": "售卖假证",
    "parked": "停放仿冒域名",
    "benign": "非线索",
    "withdrawn": "已撤销标注",
}
#: what the dismiss button asks: why this is not a lead
DISMISS_REASONS = {
    "unrelated": "无关网站",
    "false_positive": "误报（与平台相关但无仿冒）",
    "other": "其他（请在备注中说明）",
}
LABEL_REASONS = {
    **DISMISS_REASONS,
    "official": "管理员确认为官方",
    "confirmed": "分析员确认",
    "reopened": "重新审核",
    "resurfaced": "内容变化，重新出现",
    "imported": "批量导入",
}
LABEL_SCOPES = {"host": "仅此主机", "domain": "整个注册域名"}


def host_label(label: str) -> str:
    return HOST_LABELS.get(label, label)


def label_reason(reason: str) -> str:
    return LABEL_REASONS.get(reason, reason)
