"""Pupils, eligibility groups (seeded), loans with one active loan per device and per pupil,
agreements and their templates, and the documents store.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
ACTIVE = sa.text("status = 'active'")

# The usual social-support categories of Latvian municipalities, and "other" with a written reason.
GROUPS = [
    ("low_income", "Trūcīga ģimene", "Low-income family (trūcīga)", False),
    ("limited_means", "Maznodrošināta ģimene", "Family of limited means (maznodrošināta)", False),
    ("large_family", "Daudzbērnu ģimene", "Large family", False),
    ("disability", "Bērns ar invaliditāti", "Child with a disability", False),
    ("out_of_family_care", "Bērns ārpusģimenes aprūpē (audžuģimene, aizbildnība)",
     "Child in out-of-family care (foster family, guardianship)", False),
    ("special_needs", "Speciālās izglītības vajadzības", "Special educational needs", False),
    ("refugee", "Bēgļa vai alternatīvais statuss, Ukrainas civiliedzīvotājs",
     "Refugee or alternative status, civilian of Ukraine", False),
    ("other", "Cits (ar pamatojumu)", "Other (with the reason)", True),
]


def upgrade() -> None:
    groups = op.create_table(
        "eligibility_groups",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_lv", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("needs_basis", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_eligibility_groups")),
    )
    op.bulk_insert(groups, [{"code": c, "name_lv": lv, "name_en": en, "needs_basis": b} for c, lv, en, b in GROUPS])
    op.create_table(
        "pupils",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("register_id", sa.String(length=40), nullable=False),
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("grade", sa.String(length=10), nullable=False),
        sa.Column("guardian_name", sa.String(length=200), nullable=False),
        sa.Column("guardian_email", sa.String(length=200), nullable=True),
        sa.Column("guardian_phone", sa.String(length=40), nullable=True),
        sa.Column("eligibility", sa.String(length=40), nullable=True),
        sa.Column("eligibility_basis", sa.String(length=500), nullable=True),
        sa.Column("eligibility_valid_until", sa.Date(), nullable=True),
        sa.Column("personal_code", sa.String(length=12), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["eligibility"], ["eligibility_groups.code"],
                                name=op.f("fk_pupils_eligibility_eligibility_groups")),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name=op.f("fk_pupils_school_id_schools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pupils")),
        sa.UniqueConstraint("school_id", "register_id", name=op.f("uq_pupils_school_id")),
    )
    op.create_index(op.f("ix_pupils_school_id"), "pupils", ["school_id"])
    op.create_index(op.f("ix_pupils_grade"), "pupils", ["grade"])
    op.create_table(
        "documents",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_documents")),
    )
    op.create_table(
        "loans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("accessories", JSON, nullable=False),
        sa.Column("condition", sa.String(length=200), nullable=False),
        sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handed_over_by", sa.String(length=100), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=100), nullable=True),
        sa.Column("return_condition", sa.String(length=20), nullable=True),
        sa.Column("accessories_returned", JSON, nullable=True),
        sa.Column("accessories_missing", JSON, nullable=True),
        sa.Column("notes", sa.String(length=1000), nullable=True),
        sa.Column("return_act_sha256", sa.String(length=64), nullable=True),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_loans_device_id_devices")),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupils.id"], name=op.f("fk_loans_pupil_id_pupils")),
        sa.ForeignKeyConstraint(["replaced_by_id"], ["loans.id"], name=op.f("fk_loans_replaced_by_id_loans")),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name=op.f("fk_loans_school_id_schools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loans")),
    )
    op.create_index(op.f("ix_loans_device_id"), "loans", ["device_id"])
    op.create_index(op.f("ix_loans_pupil_id"), "loans", ["pupil_id"])
    op.create_index(op.f("ix_loans_school_id"), "loans", ["school_id"])
    op.create_index("uq_loans_active_device", "loans", ["device_id"], unique=True,
                    sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    op.create_index("uq_loans_active_pupil", "loans", ["pupil_id"], unique=True,
                    sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("template_version", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("original_sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_sha256", sa.String(length=64), nullable=True),
        sa.Column("scan_sha256", sa.String(length=64), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=True),
        sa.Column("signer_name", sa.String(length=200), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("snapshot", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.id"], name=op.f("fk_agreements_loan_id_loans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
        sa.UniqueConstraint("loan_id", name=op.f("uq_agreements_loan_id")),
        sa.UniqueConstraint("number", name=op.f("uq_agreements_number")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_agreements_token_hash")),
    )
    op.create_table(
        "agreement_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("founder_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("body", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["founder_id"], ["founders.id"],
                                name=op.f("fk_agreement_templates_founder_id_founders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_templates")),
        sa.UniqueConstraint("founder_id", "language", "version", name=op.f("uq_agreement_templates_founder_id")),
    )
    op.create_index(op.f("ix_agreement_templates_founder_id"), "agreement_templates", ["founder_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_agreement_templates_founder_id"), table_name="agreement_templates")
    op.drop_table("agreement_templates")
    op.drop_table("agreements")
    for name in ("uq_loans_active_pupil", "uq_loans_active_device"):
        op.drop_index(name, table_name="loans")
    for column in ("school_id", "pupil_id", "device_id"):
        op.drop_index(op.f(f"ix_loans_{column}"), table_name="loans")
    op.drop_table("loans")
    op.drop_table("documents")
    op.drop_index(op.f("ix_pupils_grade"), table_name="pupils")
    op.drop_index(op.f("ix_pupils_school_id"), table_name="pupils")
    op.drop_table("pupils")
    op.drop_table("eligibility_groups")
