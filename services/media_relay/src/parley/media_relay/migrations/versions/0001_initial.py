"""Media relay worker: projection of room roles and memberships, and the chassis tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "projection_positions",
        sa.Column("projection", sa.String(100), primary_key=True),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("projection", sa.String(100), nullable=False),
        sa.Column("stream_seq", sa.BigInteger(), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column(
            "failed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index("ix_dead_letters_projection", "dead_letters", ["projection"])
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
    op.drop_index("ix_dead_letters_projection", table_name="dead_letters")
    op.drop_table("dead_letters")
    op.drop_table("projection_positions")
