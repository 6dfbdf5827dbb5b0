"""The result of each ``fleet verify`` (and of the admin page's "verify now"): when, devices checked, the first
broken event or none. The administration pages show the latest.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verify_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("checked", sa.Integer(), nullable=False),
        sa.Column("broken_serial", sa.String(length=100), nullable=True),
        sa.Column("broken_event_id", sa.Integer(), nullable=True),
        sa.Column("broken_seq", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verify_runs")),
    )


def downgrade() -> None:
    op.drop_table("verify_runs")
