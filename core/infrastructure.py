"""Known web infrastructure (infrastructure.toml beside this module): hosts genuine sites
everywhere embed or link to. A page served by one is never a lead, and a file loaded from one
is shared by thousands of genuine sites, so it proves nothing about imitation."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEFAULT_FILE = Path(__file__).with_name("infrastructure.toml")


@dataclass(frozen=True)
class Infrastructure:
    host: str
    category: str
    reason: str  # one Chinese sentence for analysts


@dataclass(frozen=True)
class InfrastructureList:
    #: listed host → (category, reason)
    hosts: dict[str, tuple[str, str]]

    @classmethod
    def load(cls, path: Path = DEFAULT_FILE) -> InfrastructureList:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        hosts: dict[str, tuple[str, str]] = {}
        for category, body in data.get("categories", {}).items():
            reason = str(body.get("reason", "")).strip()
            if not reason:
                raise ValueError(f"{path}: category {category!r} has no reason")
            for host in body.get("hosts", []):
                hosts[str(host).lower().strip(".")] = (category, reason)
        return cls(hosts)

    def known(self, host: str) -> Infrastructure | None:
        """The listed entry matching `host` or one of its parent domains."""
        host = host.lower().rstrip(".")
        labels = host.split(".")
        for i in range(len(labels) - 1):
            hit = self.hosts.get(".".join(labels[i:]))
            if hit:
                return Infrastructure(host, hit[0], hit[1])
        return None


@cache
def default_list() -> InfrastructureList:
    return InfrastructureList.load()


def known_infrastructure(host: str) -> Infrastructure | None:
    return default_list().known(host)
