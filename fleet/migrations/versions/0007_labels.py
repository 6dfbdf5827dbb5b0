"""Labels: printer calibration profiles, pre-printed label batches and their tags.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "printers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("stock", sa.String(length=40), nullable=True),
        sa.Column("offset_x", sa.Float(), nullable=False),
        sa.Column("offset_y", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name=op.f("fk_printers_school_id_schools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_printers")),
        sa.UniqueConstraint("name", name=op.f("uq_printers_name")),
    )
    op.create_index(op.f("ix_printers_school_id"), "printers", ["school_id"])
    op.create_table(
        "label_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("stock", sa.String(length=40), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_batches")),
    )
    op.create_table(
        "preprinted_tags",
        sa.Column("tag", sa.String(length=20), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("bound_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["label_batches.id"],
                                name=op.f("fk_preprinted_tags_batch_id_label_batches")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_preprinted_tags_device_id_devices")),
        sa.PrimaryKeyConstraint("tag", name=op.f("pk_preprinted_tags")),
        sa.UniqueConstraint("device_id", name=op.f("uq_preprinted_tags_device_id")),
    )
    op.create_index(op.f("ix_preprinted_tags_batch_id"), "preprinted_tags", ["batch_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_preprinted_tags_batch_id"), table_name="preprinted_tags")
    op.drop_table("preprinted_tags")
    op.drop_table("label_batches")
    op.drop_index(op.f("ix_printers_school_id"), table_name="printers")
    op.drop_table("printers")
