"""The school desk and the guardians: schools' address and phone (the finder page), founders'
registration number and address (printed on agreements), who signed an agreement when it was not the
guardian on record (and in what relationship), how the signature was made (drawn or typed), reminders
sent to guardians, and the finders' "I found it" reports of lost and stolen laptops.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("schools") as t:
        t.add_column(sa.Column("address", sa.String(length=300), nullable=True))
        t.add_column(sa.Column("phone", sa.String(length=40), nullable=True))
    with op.batch_alter_table("founders") as t:
        t.add_column(sa.Column("registration_number", sa.String(length=20), nullable=True))
        t.add_column(sa.Column("address", sa.String(length=300), nullable=True))
    with op.batch_alter_table("agreements") as t:
        t.add_column(sa.Column("signer_is_guardian", sa.Boolean(), nullable=True))
        t.add_column(sa.Column("signer_relationship", sa.String(length=100), nullable=True))
        t.add_column(sa.Column("signature_kind", sa.String(length=10), nullable=True))
        t.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
        t.add_column(sa.Column("reminders", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "found_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(length=1000), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_found_reports_device_id_devices")),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name=op.f("fk_found_reports_school_id_schools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_found_reports")),
    )
    op.create_index(op.f("ix_found_reports_device_id"), "found_reports", ["device_id"])
    op.create_index(op.f("ix_found_reports_school_id"), "found_reports", ["school_id"])
    op.create_index("ix_found_reports_address_created_at", "found_reports", ["address", "created_at"])


def downgrade() -> None:
    # Columns dropped in place (SQLite 3.35+): copying agreements or schools would trip the foreign keys
    # of the rows that point at them.
    op.drop_table("found_reports")
    with op.batch_alter_table("agreements", recreate="never") as t:
        for column in ("reminders", "reminded_at", "signature_kind", "signer_relationship", "signer_is_guardian"):
            t.drop_column(column)
    with op.batch_alter_table("founders", recreate="never") as t:
        t.drop_column("address")
        t.drop_column("registration_number")
    with op.batch_alter_table("schools", recreate="never") as t:
        t.drop_column("phone")
        t.drop_column("address")
