"""The `zhenwei` console command: a thin click group over zhenwei/commands/*.

Each module in zhenwei/commands defines one click command (or group) named `command`;
modules are imported only when their command runs, so `zhenwei --help` stays fast.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys

import click

from core import __version__
from zhenwei import commands, stackdump


def _command_modules() -> list[str]:
    return sorted(
        m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")
    )


class LazyGroup(click.Group):
    """Imports zhenwei/commands/<name>.py only when `zhenwei <name>` runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [m.replace("_", "-") for m in _command_modules()]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = cmd_name.replace("-", "_")
        if module_name not in _command_modules():
            return None
        module = importlib.import_module(f"zhenwei.commands.{module_name}")
        cmd = getattr(module, "command", None)
        return cmd if isinstance(cmd, click.Command) else None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zhenwei")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-v info, -vv debug).")
def main(verbose: int) -> None:
    """真伪 zhenwei: find counterfeit Chinese government query sites."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    # Scrapy resets the root logger when a crawl starts; pin its own loggers to -v instead.
    for name in ("scrapy", "scrapy_playwright", "twisted", "playwright", "asyncio"):
        logging.getLogger(name).setLevel(level)
    stackdump.install()


if __name__ == "__main__":  # pragma: no cover
    main()
