"""A campaign's graph as an SVG drawn on the server (the UI runs no JavaScript): members as
dots coloured by status, strong links as lines as thick as their weight."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from storage.linking import Link
from storage.records import LeadRecord

WIDTH, HEIGHT, MARGIN = 720, 480, 60
COLOURS = {
    "taken_down": "#888888",
    "dismissed": "#bbbbbb",
    "referred": "#6a1b9a",
    "confirmed": "#c62828",
}


@dataclass(frozen=True)
class Node:
    lead_id: int
    x: float
    y: float
    label: str
    colour: str
    down: bool


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    title: str


def layout(members: Sequence[LeadRecord], links: Sequence[Link]) -> tuple[list[Node], list[Edge]]:
    """Positions from a seeded spring layout, so the same campaign is drawn the same way."""
    graph: nx.Graph[int] = nx.Graph()
    graph.add_nodes_from(m.id for m in members)
    graph.add_edges_from((link.a, link.b) for link in links if link.a in graph and link.b in graph)
    pos = nx.spring_layout(graph, seed=7) if len(graph) > 1 else {m.id: (0.0, 0.0) for m in members}

    def at(lead_id: int) -> tuple[float, float]:
        x, y = pos[lead_id]
        return (
            MARGIN + (float(x) + 1) / 2 * (WIDTH - 2 * MARGIN),
            MARGIN + (float(y) + 1) / 2 * (HEIGHT - 2 * MARGIN),
        )

    nodes = []
    for m in members:
        x, y = at(m.id)
        colour = COLOURS.get(m.status, "#e65100" if m.verdict == "counterfeit" else "#f9a825")
        nodes.append(Node(m.id, x, y, m.host, colour, m.is_down))
    edges = []
    for link in links:
        if link.a not in graph or link.b not in graph:
            continue
        (x1, y1), (x2, y2) = at(link.a), at(link.b)
        title = "；".join(e.reason for e in link.evidence)
        edges.append(Edge(x1, y1, x2, y2, 1 + 4 * link.weight, title))
    return nodes, edges
