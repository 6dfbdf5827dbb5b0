"""Deliveries and their manifests; devices remember the delivery that brought them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("summary", JSON, nullable=True),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"], name=op.f("fk_deliveries_contract_id_contracts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
    )
    op.create_table(
        "delivery_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=40), nullable=False),
        sa.Column("manufacturer", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("macs", JSON, nullable=False),
        sa.Column("po_line", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["deliveries.id"],
                                name=op.f("fk_delivery_items_delivery_id_deliveries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_items")),
        sa.UniqueConstraint("serial", name=op.f("uq_delivery_items_serial")),
    )
    op.create_index(op.f("ix_delivery_items_delivery_id"), "delivery_items", ["delivery_id"])
    fk = "fk_devices_delivery_id_deliveries"
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("devices", sa.Column("delivery_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f(fk), "devices", "deliveries", ["delivery_id"], ["id"])
    else:  # a plain ADD COLUMN with its constraint: no table copy (events reference devices)
        op.execute(f"ALTER TABLE devices ADD COLUMN delivery_id INTEGER CONSTRAINT {fk} REFERENCES deliveries (id)")
    op.create_index(op.f("ix_devices_delivery_id"), "devices", ["delivery_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_devices_delivery_id"), table_name="devices")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("fk_devices_delivery_id_deliveries"), "devices", type_="foreignkey")
    op.drop_column("devices", "delivery_id")
    op.drop_index(op.f("ix_delivery_items_delivery_id"), table_name="delivery_items")
    op.drop_table("delivery_items")
    op.drop_table("deliveries")
