"""zhenwei crawler: the Scrapy project, the command line and the review UI."""

from __future__ import annotations

__version__ = "0.1.0"
