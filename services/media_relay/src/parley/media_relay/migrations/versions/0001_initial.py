"""Media relay worker: projection of room roles and memberships, and the chassis tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa

from parley.chassis.migrations import create_chassis_tables, drop_chassis_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_chassis_tables()
    op.create_table(
        "space_roles",
        sa.Column("space_id", sa.String(100), primary_key=True),
        sa.Column("roles", sa.Text(), nullable=False),
    )
    op.create_table(
        "members",
        sa.Column("space_id", sa.String(100), primary_key=True),
        sa.Column("user_id", sa.String(100), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("members")
    op.drop_table("space_roles")
    drop_chassis_tables()
