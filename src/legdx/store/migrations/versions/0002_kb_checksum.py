"""Every stored assessment keeps the knowledge-base checksum beside its version.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Records stored before this revision did not keep a checksum: they get "" (unknown).
    with op.batch_alter_table("assessments") as batch:
        batch.add_column(sa.Column("kb_checksum", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("kb_checksum")
