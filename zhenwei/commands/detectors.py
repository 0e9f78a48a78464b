"""`zhenwei detectors`: list every discovered detector, its version, weight and stage."""

from __future__ import annotations

import json

import click


@click.command("detectors")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines instead of a table.")
def command(as_json: bool) -> None:
    """List every detector, its version, weight, whether triage runs it, and what it looks for."""
    from detectors.registry import detector_modules

    rows = [
        {
            "name": m.detector.name,
            "version": m.detector.version,
            "weight": m.detector.weight,
            "triage": m.detector.triage,
            "module": m.__name__,
            "description": m.detector.description,
        }
        for m in detector_modules()
    ]
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("名称", "版本", "权重", "初筛", "模块", "说明")
    for row in rows:
        table.add_row(
            row["name"],
            row["version"],
            f"{row['weight']:.2f}",
            "是" if row["triage"] else "否",
            row["module"],
            row["description"],
        )
    Console().print(table)
