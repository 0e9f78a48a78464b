"""`zhenwei verify FILE.zip [--public-key PEM] [--require-signature]`: recompute every hash,
check the zip's structure and the audit verdict, and the signature (§7)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from core.config import ConfigError, Settings


def trusted_fingerprints(entries: tuple[str, ...]) -> frozenset[str]:
    """ZHENWEI_TRUSTED_KEYS entries: 64-hex key fingerprints or Ed25519 public-key PEM files."""
    from zhenwei.evidence.verify import key_fingerprint, load_public_key

    out = set()
    for entry in entries:
        if len(entry) == 64 and all(c in "0123456789abcdefABCDEF" for c in entry):
            out.add(entry.lower())
            continue
        try:
            out.add(key_fingerprint(load_public_key(Path(entry).read_bytes())))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"ZHENWEI_TRUSTED_KEYS: {entry}: {exc}") from None
    return frozenset(out)


@click.command("verify")
@click.argument("package", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The unit's Ed25519 public key (PEM); the package must then carry a valid signature.",
)
@click.option(
    "--require-signature",
    is_flag=True,
    help="Fail unless signed by --public-key or a key in ZHENWEI_TRUSTED_KEYS.",
)
def command(package: Path, public_key: Path | None, require_signature: bool) -> None:
    """Check an evidence package; exit 1 and list each problem on any change."""
    from zhenwei.evidence.verify import verify_package

    try:
        trusted = trusted_fingerprints(Settings.from_env().trusted_keys)
    except ConfigError as exc:
        click.echo(f"zhenwei verify: configuration error: {exc}", err=True)
        sys.exit(2)
    result = verify_package(
        package,
        public_key.read_bytes() if public_key else None,
        trusted_fingerprints=trusted,
    )
    if not result.ok:
        click.echo(f"校验失败 {package}：{len(result.problems)} 个问题", err=True)
        for problem in result.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)
    click.echo(f"内容校验通过：{result.files} 个文件")
    if result.trusted:
        click.echo(f"签名有效，签名密钥受信任（指纹 {result.key_fingerprint}）")
        return
    if result.signed:
        click.echo(
            f"作者身份未验证：包内签名与包内公钥相符（指纹 {result.key_fingerprint}），"
            "但该公钥未经 --public-key 或 ZHENWEI_TRUSTED_KEYS 确认，任何人都能重新签名"
        )
    else:
        click.echo("作者身份未验证：证据包未签名")
    if require_signature:
        click.echo("zhenwei verify: --require-signature: no signature by a trusted key", err=True)
        sys.exit(1)
