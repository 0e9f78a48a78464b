"""Engines, migrations and sessions: SQLite (WAL) by default, PostgreSQL for teams."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from storage.evidencestore import EvidenceStore, store_for
from storage.localstore import LocalStore

if TYPE_CHECKING:
    from core.config import Settings

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
#: execution option asking SQLite for BEGIN IMMEDIATE (take the write lock up front)
WRITE_OPTION = "zhenwei_write"
# Arbitrary constant naming the PostgreSQL advisory lock that serialises migrations.
_MIGRATION_LOCK = 0x7A68_656E


def normalise_url(url: str) -> str:
    """Rewrite `postgres://` and `postgresql://` to the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys, a busy timeout and explicit BEGINs."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own implicit transactions are unreliable; we emit BEGIN ourselves.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives a killed process
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the lock at BEGIN: upgrading a read snapshot to a write in WAL mode
        # fails at once with SQLITE_BUSY instead of waiting for the other writer.
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configuration built in code (no alembic.ini)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine_or_url: Engine | str) -> None:
    """Bring the schema to the newest migration; idempotent, safe at every start."""
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    try:
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
            if conn.dialect.name == "postgresql":
                # Two workers starting at once must not both create the tables.
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            command.upgrade(alembic_config(conn), "head")
    finally:
        if isinstance(engine_or_url, str):
            engine.dispose()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


class Database:
    """The database plus the evidence store that lives beside it.

    The store is `store` when given (a bucket), else a directory: `artifacts_dir` or
    `<data_dir>/artifacts`.
    """

    def __init__(
        self,
        url: str,
        data_dir: Path,
        artifacts_dir: Path | None = None,
        audit_key_file: Path | None = None,
        *,
        store: EvidenceStore | None = None,
    ) -> None:
        self.url = normalise_url(url)
        self.data_dir = Path(data_dir)
        #: HMAC key of the review audit chain: kept outside the database on purpose
        self.audit_key_file = Path(audit_key_file or self.data_dir / "audit.key")
        self.engine = make_engine(self.url)
        self._reader = session_factory(self.engine)
        self._writer = session_factory(self.engine.execution_options(**{WRITE_OPTION: True}))
        self.artifacts: EvidenceStore = (
            store if store is not None else LocalStore(artifacts_dir or self.data_dir / "artifacts")
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        db = cls(
            settings.database_url,
            settings.data_dir,
            settings.artifacts_dir,
            settings.audit_key_path,
            store=store_for(settings),
        )
        db.upgrade()
        return db

    def upgrade(self) -> None:
        upgrade(self.engine)

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        factory = self._writer if write else self._reader
        with factory() as session, session.begin():
            # where review events find their HMAC key (storage/reviews.append_event)
            session.info["audit_key_file"] = self.audit_key_file
            yield session

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({make_url(self.url).render_as_string(hide_password=True)!r})"
