"""Sign-in and access: where a user comes from (local or the directory), a founder manager's
municipalities, browser sessions, and the access log.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=10), server_default="local", nullable=False))
    op.create_table(
        "user_founders",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("founder_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["founder_id"], ["founders.id"], name=op.f("fk_user_founders_founder_id_founders")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_founders_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "founder_id", name=op.f("pk_user_founders")),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_web_sessions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    op.create_index(op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"])
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.Column("via", sa.String(length=10), nullable=True),
        sa.Column("what", sa.String(length=200), nullable=True),
        sa.Column("details", JSON, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    op.create_index("ix_access_log_actor_at", "access_log", ["actor", "at"])
    op.create_index("ix_access_log_address_at", "access_log", ["address", "at"])


def downgrade() -> None:
    op.drop_index("ix_access_log_address_at", table_name="access_log")
    op.drop_index("ix_access_log_actor_at", table_name="access_log")
    op.drop_table("access_log")
    op.drop_index(op.f("ix_web_sessions_user_id"), table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("user_founders")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("source")
