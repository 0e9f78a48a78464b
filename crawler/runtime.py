"""Hands live objects (analyzer, repository) to Scrapy components.

Scrapy deep-copies its settings, so objects holding engines or modules cannot live there;
the settings carry a key and the component looks the object up here, once, in from_crawler.
"""

from __future__ import annotations

import itertools
from typing import Any

_objects: dict[str, Any] = {}
_counter = itertools.count(1)


def register(obj: Any) -> str:
    """Keep `obj` for this process and return the key to put in the Scrapy settings."""
    key = f"zhenwei-runtime-{next(_counter)}"
    _objects[key] = obj
    return key


def resolve(value: Any) -> Any:
    """The object behind a key from `register`; any other value is returned as it is."""
    if isinstance(value, str) and value in _objects:
        return _objects[value]
    return value
