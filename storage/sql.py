"""Plumbing every aggregate store shares: UTC times, INSERT … ON CONFLICT, the retried write
transaction, and the one mapping of ORM rows to frozen records."""

from __future__ import annotations

import dataclasses
import logging
import typing
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from storage.models import Base

if TYPE_CHECKING:
    from storage.db import Database

log = logging.getLogger(__name__)

# PostgreSQL deadlock / serialization failure: the transaction is safe to run again.
_RETRY_SQLSTATES = {"40P01", "40001"}
_ATTEMPTS = 4

T = TypeVar("T")
R = TypeVar("R")
M = TypeVar("M", bound=Base)


class NotFoundError(LookupError):
    """No row with that id."""


def now() -> datetime:
    return datetime.now(UTC)


def utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: pass UTC-aware times")
    return value.astimezone(UTC)


def insert(s: Session, model: type[Base]) -> Any:
    """INSERT … ON CONFLICT for the dialect of the session."""
    if s.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def write(db: Database, fn: Callable[[Session], T]) -> T:
    """Run `fn` in one write transaction, again after a PostgreSQL deadlock."""
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            with db.session(write=True) as session:
                return fn(session)
        except OperationalError as exc:
            state = getattr(exc.orig, "sqlstate", None)
            if state not in _RETRY_SQLSTATES or attempt == _ATTEMPTS:
                raise
            log.info("transaction conflict (%s), retrying (attempt %d)", state, attempt)
    raise AssertionError("unreachable")


def locked(s: Session, model: type[M], key: Any) -> M:
    """The row by primary key, locked FOR UPDATE (PostgreSQL) until the transaction ends."""
    row = s.get(model, key, with_for_update=True)
    if row is None:
        raise NotFoundError(f"no {model.__tablename__} {key}")
    return row


class Store:
    """Base of the aggregate stores: each reads and writes through one `Database`."""

    def __init__(self, db: Database) -> None:
        self.db = db


#: per record class: (field, conversion, required) of each field, from its annotations
_CONVERTERS: dict[type[Any], tuple[tuple[str, Callable[[Any], Any] | None, bool], ...]] = {}


def _converters(cls: type[Any]) -> tuple[tuple[str, Callable[[Any], Any] | None, bool], ...]:
    found = _CONVERTERS.get(cls)
    if found is not None:
        return found
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        origin = typing.get_origin(hints[f.name]) or hints[f.name]
        # JSON columns come back as lists and dicts: records hold tuples or their own copies.
        convert = {tuple: tuple, list: list, dict: dict}.get(origin)
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        out.append((f.name, convert, required))
    _CONVERTERS[cls] = found = tuple(out)
    return found


def to_record(cls: type[R], row: object, **given: Any) -> R:
    """A frozen record built from an ORM row by field name; `given` values win over the row.

    A record field the row lacks keeps its default, and fails loudly when it has none.
    """
    values: dict[str, Any] = {}
    for name, convert, required in _converters(cls):
        if name in given:
            value = given[name]
        elif hasattr(row, name):
            value = getattr(row, name)
        elif required:
            raise AttributeError(f"{type(row).__name__} has no {name!r} for {cls!r}")
        else:
            continue
        values[name] = convert(value) if convert is not None and value is not None else value
    return cls(**values)
