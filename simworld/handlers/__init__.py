"""Dynamic pages of the simulated world: `handler = "module:function"` in a site.toml names
`simworld.handlers.<module>.<function>(request, world) -> SimResponse`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from simworld.world import SimRequest, SimResponse, World

Handler = Callable[["SimRequest", "World"], "SimResponse"]


class HandlerNotFound(LookupError):
    """A site.toml names a handler that does not exist."""


def resolve(name: str) -> Handler:
    """`"ctlog:query"` -> simworld.handlers.ctlog.query."""
    module_name, _, func_name = name.partition(":")
    if not module_name or not func_name or "." in module_name:
        raise HandlerNotFound(f"bad handler name {name!r}: expected 'module:function'")
    try:
        module = importlib.import_module(f"{__name__}.{module_name}")
    except ModuleNotFoundError as exc:
        raise HandlerNotFound(f"handler module {module_name!r} not found: {exc}") from exc
    func = getattr(module, func_name, None)
    if not callable(func):
        raise HandlerNotFound(f"handler {name!r}: no function {func_name!r}")
    return cast(Handler, func)
