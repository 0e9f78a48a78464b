"""`zhenwei demo`: the whole nightly job on the bundled simulated internet.

Starts the simulated internet (proxy, DNS, WHOIS, crt.sh, search engines) on loopback, points
every zhenwei component at it through the ordinary environment variables, captures the
references, runs the nightly crawl and prints the lead queue. Nothing leaves the machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import click


def _run(args: list[str], env: dict[str, str]) -> int:
    click.echo(click.style(f"$ zhenwei {' '.join(args)}", fg="cyan"), err=True)
    exe = Path(sys.executable).with_name("zhenwei")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "zhenwei.cli"]
    return subprocess.run([*cmd, *args], env=env, check=False).returncode


@click.command("demo")
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=Path("var/demo"),
    show_default=True,
    help="Where the demo database and evidence go.",
)
@click.option(
    "--fresh/--keep",
    default=True,
    show_default=True,
    help="Start from an empty database (default) or keep the previous demo's.",
)
@click.option(
    "--serve", is_flag=True, help="Keep the simulated internet up afterwards (Ctrl-C stops)."
)
def command(data_dir: Path, fresh: bool, serve: bool) -> None:
    """Run the nightly crawl on the simulated internet and print the lead queue."""
    from simworld import SimulatedInternet

    data_dir = data_dir.resolve()
    if fresh and data_dir.exists():
        import shutil

        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with SimulatedInternet(workdir=data_dir / "simnet") as net:
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env.update(net.env)
        env["ZHENWEI_DATA_DIR"] = str(data_dir)
        # The one opt-in of the egress policy: the simulated internet's own loopback address.
        env["ZHENWEI_ALLOW_NETWORKS"] = f"{net.dns_address[0]}/32"
        env.pop("ZHENWEI_DATABASE_URL", None)
        labels = net.world.labels()
        click.echo(
            f"模拟互联网已启动：{len(labels)} 个站点，代理 {net.proxy_url}，"
            f"DNS {net.dns_address[0]}:{net.dns_address[1]}，WHOIS {net.whois_address[0]}:{net.whois_address[1]}",
            err=True,
        )
        steps = [
            ["reference", "update"],
            # The simulated DNS server answers on loopback: a faster rate than the polite
            # default, and the best 25,000 look-alikes per target (all of the world's).
            [
                "crawl",
                "--dns-rate",
                "2000",
                "--lookalike-limit",
                "25000",
                "--option",
                "ct.delay=0.1",
                "--option",
                "search.delay=0.1",
            ],
            ["leads", "--limit", "40"],
        ]
        for step in steps:
            rc = _run(step, env)
            if rc not in (0,):
                raise click.ClickException(f"`zhenwei {' '.join(step)}` exited {rc}")
        click.echo(
            f"演示完成，用时 {time.monotonic() - started:.0f} 秒；数据在 {data_dir}。"
            f" 查看线索详情：ZHENWEI_DATA_DIR={data_dir} .venv/bin/zhenwei leads --json",
            err=True,
        )
        if serve:
            click.echo("模拟互联网保持运行；按 Ctrl-C 结束。环境变量：", err=True)
            for k, v in net.env.items():
                click.echo(f"export {k}={v}")
            click.echo(f"export ZHENWEI_ALLOW_NETWORKS={env['ZHENWEI_ALLOW_NETWORKS']}")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
