"""Media relay worker: no copy of room's memberships (room says who joined, ADR 18).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("members")


def downgrade() -> None:
    op.create_table(
        "members",
        sa.Column("space_id", sa.String(100), primary_key=True),
        sa.Column("user_id", sa.String(100), primary_key=True),
    )
