"""`zhenwei verify FILE.zip [--public-key PEM]`: recompute every hash and the signature (§7)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("verify")
@click.argument("package", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The unit's Ed25519 public key (PEM); the package must then carry a valid signature.",
)
def command(package: Path, public_key: Path | None) -> None:
    """Check an evidence package; exit 1 and list each problem on any change."""
    from zhenwei.evidence.verify import verify_package

    result = verify_package(package, public_key.read_bytes() if public_key else None)
    if not result.ok:
        click.echo(f"校验失败 {package}：{len(result.problems)} 个问题", err=True)
        for problem in result.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)
    click.echo(f"校验通过：{result.files} 个文件")
    if result.signed:
        origin = "指定公钥" if public_key else "包内公钥（仅证明完整性，不证明来源）"
        click.echo(f"签名有效（{origin}，指纹 {result.key_fingerprint}）")
    else:
        click.echo("未签名")
