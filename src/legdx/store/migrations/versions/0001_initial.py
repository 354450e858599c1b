"""Initial schema: assessments, api_keys, condition_docs.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSONDoc = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kb_version", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("triage_level", sa.String(16), nullable=False),
        sa.Column("top_condition", sa.String(64)),
        sa.Column("case", JSONDoc, nullable=False),
        sa.Column("result", JSONDoc, nullable=False),
    )
    op.create_index("ix_assessments_created_at", "assessments", ["created_at"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "condition_docs",
        sa.Column("condition_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("lay_name", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("kb_version", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("condition_docs")
    op.drop_table("api_keys")
    op.drop_index("ix_assessments_created_at", table_name="assessments")
    op.drop_table("assessments")
