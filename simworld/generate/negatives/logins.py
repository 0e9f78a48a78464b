"""Generic login pages with a captcha (issue 8, class 4): VPN, OA, SSO, webmail, exam systems,
university identity services. Products differ by split; one held-out product (an exam
candidate login) asks for an ID-card number and a name, as real exam systems do."""

from __future__ import annotations

from dataclasses import dataclass

from simworld.generate import infra, names, resources, vocab
from simworld.generate.context import Ctx
from simworld.generate.sitekit import PNG, Piece, esc, lazy, make_site, page, route


@dataclass(frozen=True)
class Product:
    key: str
    prefix: str  # host prefix
    title: str  # {org} is filled in
    fields: tuple[tuple[str, str, str], ...]  # (name, label, type)
    tlds: tuple[str, ...]
    style: str


PRODUCTS = {
    "tune": (
        Product(
            "vpn",
            "vpn",
            "{org} SSL VPN 安全接入",
            (("user", "用户名", "text"), ("pass", "密码", "password")),
            ("com", "com.cn"),
            "dark",
        ),
        Product(
            "oa",
            "oa",
            "{org}协同办公平台",
            (("loginid", "账号", "text"), ("userpassword", "密码", "password")),
            ("com", "com.cn", "cn"),
            "light",
        ),
        Product(
            "webmail",
            "mail",
            "{org}企业邮箱",
            (("uid", "邮箱账号", "email"), ("password", "密码", "password")),
            ("com", "cn"),
            "light",
        ),
        Product(
            "exam",
            "exam",
            "{org}在线考试系统",
            (("ticket", "准考证号", "text"), ("pwd", "密码", "password")),
            ("org.cn", "com"),
            "card",
        ),
    ),
    "heldout": (
        Product(
            "sso",
            "sso",
            "{org}统一身份认证平台",
            (("username", "工号/手机号", "text"), ("password", "登录密码", "password")),
            ("cn", "com"),
            "split",
        ),
        Product(
            "ids",
            "ids",
            "{org}统一身份认证",
            (("username", "学号/工号", "text"), ("password", "密码", "password")),
            ("edu.cn",),
            "split",
        ),
        Product(
            "exam-id",
            "ks",
            "{org}考生服务平台",
            (("sfzh", "身份证号", "text"), ("xm", "姓名", "text")),
            ("org.cn", "edu.cn"),
            "card",
        ),
        Product(
            "admin",
            "admin",
            "{org}管理后台",
            (("account", "管理员账号", "text"), ("pwd", "密码", "password")),
            ("com", "net"),
            "dark",
        ),
    ),
}
ORGS = (
    "华信集团",
    "恒通科技",
    "东方建工",
    "瑞达物流",
    "中联设计院",
    "海川医药",
    "金桥实业",
    "理工大学",
    "师范大学",
    "职业技术学院",
    "人才测评中心",
    "建设工程学校",
)


def _login(p: Product, org: str, code: str) -> str:
    title = p.title.format(org=org)
    inputs = "".join(
        f'<div class="item"><label for="{n}">{esc(lab)}</label><input id="{n}" name="{n}" type="{t}"'
        f' placeholder="请输入{esc(lab)}"></div>'
        for n, lab, t in p.fields
    )
    form = (
        f'<form class="login" method="post" action="/login"><h2>{esc(title)}</h2>{inputs}<div class="item">'
        f'<label for="captcha">验证码</label><input id="captcha" name="captcha" placeholder="请输入验证码">'
        f'<img src="/captcha.jpg" alt="验证码" class="cap"></div><button type="submit">登 录</button>'
        f'<p class="links"><a href="/forget">忘记密码？</a></p></form>'
    )
    styles = {
        "dark": "body{background:#1f2d3d;color:#eee}.login{width:360px;margin:120px auto;background:#2b3b4e;padding:30px}",
        "light": "body{background:#f0f2f5}.login{width:380px;margin:100px auto;background:#fff;padding:32px;box-shadow:0 2px 8px #ccc}",
        "card": "body{background:linear-gradient(#3a7bd5,#00d2ff)}.login{width:420px;margin:90px auto;background:#fff;border-radius:10px;padding:36px}",
        "split": "body{margin:0;display:flex}.side{flex:1;background:#0b5cad;color:#fff;padding:80px}.login{width:420px;padding:80px 40px}",
    }
    side = (
        f'<div class="side"><h1>{esc(org)}</h1><p>信息化服务</p></div>'
        if p.style == "split"
        else ""
    )
    foot = f'<p class="copy">© {esc(org)} 信息中心　技术支持：{esc(code)}</p>'
    return page(title, side + form + foot, head=f"<style>{styles[p.style]}</style>\n")


def build(ctx: Ctx, count: int) -> list[Piece]:
    rng = ctx.rng("logins")
    products = PRODUCTS[ctx.split]
    pieces = []
    for i in range(count):
        p = products[i % len(products)]
        org = rng.choice(ORGS)
        base = names.benign_host(ctx, rng, tlds=p.tlds, www=0.0)
        host = f"{p.prefix}.{base}"
        ctx.claim(host, own_domain=False)
        hosting = infra.HOSTINGS[
            "cernet" if base.endswith("edu.cn") else rng.choice(infra.DOMESTIC)
        ]
        ns = hosting.name_servers[0] if hosting.name_servers else (f"dns.{base}",)
        code = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(4))
        routes = (
            route("/", lazy(_login, p, org, vocab.person(rng))),
            route("/login", lazy(_login, p, org, vocab.person(rng))),
            route("/captcha.jpg", lazy(resources.captcha, code, i), ctype=PNG),
        )
        pieces.append(
            Piece(
                make_site(
                    host,
                    label="benign",
                    klass="login-captcha",
                    routes=routes,
                    dns=infra.dns((hosting.ip(rng),), ns),
                    whois=infra.business_whois(ctx, rng, base, org, ns),
                    note=f"{p.key} login page of {org}",
                    variants=(p.key,),
                    template=f"login-{p.key}",
                    schemes=("https",),
                    tls=infra.tls(issuer=rng.choice(infra.BUSINESS_ISSUERS)),
                    ct=infra.ct_logged(ctx.days_ago(rng.randint(5, 80))),
                    discoverable_by=("ct",),
                )
            )
        )
    return pieces
