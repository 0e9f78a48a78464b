"""Campaigns from link evidence (first/last seen, member and online counts), the pivot index
of capture features, and tips with what checking them found.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (see 0002): a batch copy of `campaign` would null every lead's link.
    op.add_column("campaign", sa.Column("first_seen", sa.DateTime(timezone=True), nullable=True))
    op.add_column("campaign", sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "campaign", sa.Column("members", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column("campaign", sa.Column("online", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "capture_feature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["capture_id"], ["capture.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("capture_id", "kind", "value", name="uq_capture_feature"),
    )
    op.create_index(
        op.f("ix_capture_feature_capture_id"), "capture_feature", ["capture_id"], unique=False
    )
    op.create_index(
        op.f("ix_capture_feature_lead_id"), "capture_feature", ["lead_id"], unique=False
    )
    op.create_index("ix_capture_feature_value", "capture_feature", ["value"], unique=False)
    op.create_table(
        "tip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=50), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("origin", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "reference", name="uq_tip_reference"),
    )
    op.create_table(
        "tip_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("verdict", sa.String(length=20), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["tip_id"], ["tip.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tip_id", "url", name="uq_tip_check_url"),
    )
    op.create_index(op.f("ix_tip_check_lead_id"), "tip_check", ["lead_id"], unique=False)
    op.create_index(op.f("ix_tip_check_tip_id"), "tip_check", ["tip_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_tip_check_tip_id"), table_name="tip_check")
    op.drop_index(op.f("ix_tip_check_lead_id"), table_name="tip_check")
    op.drop_table("tip_check")
    op.drop_table("tip")
    op.drop_index("ix_capture_feature_value", table_name="capture_feature")
    op.drop_index(op.f("ix_capture_feature_lead_id"), table_name="capture_feature")
    op.drop_index(op.f("ix_capture_feature_capture_id"), table_name="capture_feature")
    op.drop_table("capture_feature")
    op.drop_column("campaign", "online")
    op.drop_column("campaign", "members")
    op.drop_column("campaign", "last_seen")
    op.drop_column("campaign", "first_seen")
