"""The review queue at 100,000 leads: an index per filter that follows the best-first order,
and a trigram index for the host search.

`(score, last_seen, id)` serves the unfiltered queue and every keyset page; the same key
behind `status`, behind `verdict` and behind both serves those filters without sorting. They replace
`(score, last_seen)` and `(status)`, which each left a sort or a scan of the whole table.

Host search is a substring search, which no B-tree serves: SQLite gets an FTS5 table with
the trigram tokenizer over `lead.host` (external content, kept by triggers), PostgreSQL a
pg_trgm GIN index. Without the pg_trgm extension (not installed, or no right to create it)
the search still works by scanning, and the upgrade says so.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-09
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)

_SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE lead_host_fts USING fts5("
    "host, content='lead', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER lead_host_fts_insert AFTER INSERT ON lead BEGIN "
    "INSERT INTO lead_host_fts(rowid, host) VALUES (new.id, new.host); END",
    "CREATE TRIGGER lead_host_fts_delete AFTER DELETE ON lead BEGIN "
    "INSERT INTO lead_host_fts(lead_host_fts, rowid, host) VALUES ('delete', old.id, old.host);"
    " END",
    "CREATE TRIGGER lead_host_fts_update AFTER UPDATE OF host ON lead BEGIN "
    "INSERT INTO lead_host_fts(lead_host_fts, rowid, host) VALUES ('delete', old.id, old.host);"
    " INSERT INTO lead_host_fts(rowid, host) VALUES (new.id, new.host); END",
    "INSERT INTO lead_host_fts(lead_host_fts) VALUES ('rebuild')",
)


def _postgres_trigram_index() -> None:
    conn = op.get_bind()
    if not conn.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    ).scalar():
        log.warning("pg_trgm is not installed: the queue's host search will scan the lead table")
        return
    try:
        with conn.begin_nested():
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as exc:
        log.warning("cannot create the pg_trgm extension (%s): host search will scan", exc.orig)
        return
    op.execute("CREATE INDEX ix_lead_host_trgm ON lead USING gin (host gin_trgm_ops)")


def upgrade() -> None:
    op.create_index("ix_lead_rank", "lead", ["score", "last_seen", "id"])
    op.create_index("ix_lead_status_rank", "lead", ["status", "score", "last_seen", "id"])
    op.create_index("ix_lead_verdict_rank", "lead", ["verdict", "score", "last_seen", "id"])
    op.create_index(
        "ix_lead_status_verdict_rank", "lead", ["status", "verdict", "score", "last_seen", "id"]
    )
    op.drop_index("ix_lead_score_last_seen", table_name="lead")
    op.drop_index("ix_lead_status", table_name="lead")
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_SEARCH:
            op.execute(statement)
    else:
        _postgres_trigram_index()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS lead_host_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS lead_host_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_lead_host_trgm")
    op.create_index("ix_lead_status", "lead", ["status"])
    op.create_index("ix_lead_score_last_seen", "lead", ["score", "last_seen"])
    op.drop_index("ix_lead_status_verdict_rank", table_name="lead")
    op.drop_index("ix_lead_verdict_rank", table_name="lead")
    op.drop_index("ix_lead_status_rank", table_name="lead")
    op.drop_index("ix_lead_rank", table_name="lead")
