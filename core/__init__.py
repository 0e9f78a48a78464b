"""The bottom layer: page model, settings, target profiles and the network path.

Imports nothing of zhenwei's above it (tests/test_layers.py)."""

from __future__ import annotations

__version__ = "0.1.0"
