"""Pages with no content of their own on unrelated names: cloud-provider and control-panel
default pages (some on the gangs' shared blocks) and parking pages of other brands."""

from __future__ import annotations

from collections.abc import Sequence

from simworld.generate import gangs as gangs_mod
from simworld.generate import infra, names, parked
from simworld.generate.context import Ctx
from simworld.generate.gangs import Gang
from simworld.generate.sitekit import Piece, esc, lazy, make_site, page, route

#: written for this project in the manner of each product's placeholder page
DEFAULTS = {
    "tune": (
        (
            "panel",
            "站点创建成功",
            "<h1>恭喜，站点创建成功！</h1><p>这是默认首页，请将网站程序上传到站点根目录后删除本页面。</p>",
        ),
        (
            "webserver",
            "Welcome",
            "<h1>Web 服务器已就绪</h1><p>如果您看到此页面，说明服务器已安装并正常运行，尚未配置站点内容。</p>",
        ),
    ),
    "heldout": (
        (
            "unfiled",
            "网站暂时无法访问",
            "<h2>网站暂时无法访问</h2><p>该网站未根据规定完成备案，或备案信息与实际不符，"
            "暂时无法访问。如您是网站所有者，请登录云服务控制台完成备案。</p>",
        ),
        (
            "windows",
            "IIS Windows Server",
            '<div id="container"><h1>Internet Information Services</h1>'
            "<p>默认网站已启动。</p></div>",
        ),
    ),
}


def _default(title: str, body: str, host: str) -> str:
    return page(title, f'{body}<p class="host">{esc(host)}</p>')


def build(ctx: Ctx, gangs: Sequence[Gang], cloud: int, parking: int) -> list[Piece]:
    rng = ctx.rng("defaults")
    pieces = []
    for i in range(cloud):
        kind, title, body = DEFAULTS[ctx.split][i % 2]
        host = names.benign_host(ctx, rng, tlds=("com", "cn", "net", "top", "xyz"), www=0.3)
        if gangs and i % 3 == 0:  # default pages next door to a gang, on its shared block
            ip, ns = gangs_mod.shared_block_ip(tuple(gangs), rng)
        else:
            hosting = infra.HOSTINGS[rng.choice((*infra.DOMESTIC, "tencent-hk", "ali-hk"))]
            ip, ns = hosting.ip(rng), hosting.name_servers[0]
        reg = host.removeprefix("www.")
        pieces.append(
            Piece(
                make_site(
                    host,
                    label="benign",
                    klass="cloud-default",
                    routes=(route("/", lazy(_default, title, body, host)),),
                    dns=infra.dns((ip,), ns),
                    whois=infra.whois(
                        reg,
                        registrar=rng.choice(sorted(infra.REGISTRARS)),
                        created=ctx.days_ago(rng.randint(10, 900)),
                        years=1,
                        ns=ns,
                        registrant=names.company_label(rng),
                        country="CN",
                        privacy=rng.random() < 0.5,
                        today=ctx.now(),
                    ),
                    note=f"{kind} default page",
                    variants=(kind,),
                    template=f"default-{kind}",
                    discoverable_by=("ct",),
                )
            )
        )
    for i in range(parking):
        host = names.benign_host(ctx, rng, tlds=("com", "net", "cn", "com.cn"), www=0.0)
        kind = ("lander", "for-sale")[i % 2]
        pieces.append(
            Piece(
                parked.lander_site(ctx, rng, host, label="benign", klass="parking-other", kind=kind)
            )
        )
    return pieces
