"""Typed failures on captures: `failure_kind` beside the `error` sentence, and `problems`
(steps that failed on a page that did load, such as its screenshot).

Captures stored before this revision keep a NULL kind: their `error` text cannot say whether
the site was down, so readers treat them as failed fetches, as before.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not batch mode: SQLite (3.35+) adds and drops these columns in place,
# whereas a batch copy would drop `capture` and, with foreign keys on, cascade to `signal`.


def upgrade() -> None:
    op.add_column("capture", sa.Column("failure_kind", sa.String(length=20), nullable=True))
    op.add_column("capture", sa.Column("problems", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    op.drop_column("capture", "problems")
    op.drop_column("capture", "failure_kind")
