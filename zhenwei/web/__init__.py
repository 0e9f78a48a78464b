"""The analysts' review web UI (Chinese): lead queue, lead detail, audited review actions."""

from __future__ import annotations

from zhenwei.web.app import create_app

__all__ = ["create_app"]
