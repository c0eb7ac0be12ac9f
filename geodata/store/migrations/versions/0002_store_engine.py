"""The store as the engine: data version, tree closure, roll-ups, shared web state.

After this revision ``dxmap db upgrade`` builds the roll-ups
(:func:`geodata.rollups.rebuild_all`) in the same transaction.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _has_table(name: str) -> bool:
    return sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    """Add the data version, the tree closure, roll-ups, rate limits, pending uploads, sessions."""
    if not _has_table("replaced_village"):  # stores made before village registers existed
        op.create_table(
            "replaced_village",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("batch_id", sa.Integer(), nullable=False),
            sa.Column("village_code", sa.String(length=16), nullable=False),
            sa.Column("existed", sa.Boolean(), nullable=False),
            sa.Column("name", sa.String(length=200), nullable=True),
            sa.Column("search_key", sa.String(length=400), nullable=True),
            sa.Column("lon", sa.Float(), nullable=True),
            sa.Column("lat", sa.Float(), nullable=True),
            sa.Column("households", sa.Integer(), nullable=True),
            sa.Column("adults", sa.Integer(), nullable=True),
            sa.Column("provenance", sa.String(length=16), nullable=True),
            sa.Column("parents", sa.Text(), nullable=False),
            sa.ForeignKeyConstraint(["batch_id"], ["import_batch.id"]),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_replaced_village_batch_id", "replaced_village", ["batch_id"])
        op.create_index("ix_replaced_village_village_code", "replaced_village", ["village_code"])
    if not _has_table("audit_log"):  # created by the web app of 0.1.0 once it ran
        op.create_table(
            "audit_log",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("at", sa.DateTime(), nullable=False),
            sa.Column("user", sa.String(length=200), nullable=False),
            sa.Column("action", sa.String(length=32), nullable=False),
            sa.Column("batch_id", sa.Integer(), nullable=True),
            sa.Column("detail", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "pending_upload",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("user", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "rate_limit",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "rollup",
        sa.Column("vintage_key", sa.String(length=16), nullable=False),
        sa.Column("indicator_key", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("n_children", sa.Integer(), nullable=False),
        sa.Column("n_with_data", sa.Integer(), nullable=False),
        sa.Column("provenance", sa.String(length=16), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("met", sa.Boolean(), nullable=True),
        sa.Column("comparator", sa.String(length=2), nullable=True),
        sa.Column("target_scope", sa.String(length=16), nullable=True),
        sa.Column("target_scope_vintage", sa.String(length=16), nullable=True),
        sa.Column("published_value", sa.Float(), nullable=True),
        sa.Column("published_source", sa.String(length=64), nullable=True),
        sa.Column("published_note", sa.Text(), nullable=True),
        sa.Column("part_summable", sa.Integer(), nullable=False),
        sa.Column("part_num", sa.Float(), nullable=True),
        sa.Column("part_den", sa.Float(), nullable=True),
        sa.Column("part_prov", sa.Integer(), nullable=False),
        sa.Column("part_pub", sa.Integer(), nullable=False),
        sa.Column("part_sources", sa.Text(), nullable=True),
        sa.Column("part_value_only", sa.Integer(), nullable=False),
        sa.Column("part_vo_value", sa.Float(), nullable=True),
        sa.Column("part_vo_provenance", sa.String(length=16), nullable=True),
        sa.Column("part_vo_source", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("vintage_key", "indicator_key", "period", "code"),
    )
    with op.batch_alter_table("rollup", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rollup_level", ["vintage_key", "indicator_key", "period", "level"], unique=False
        )
        batch_op.create_index("ix_rollup_unit", ["vintage_key", "code", "period"], unique=False)

    op.create_table(
        "rollup_scope",
        sa.Column("indicator_key", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("vintage_key", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("data_level", sa.String(length=16), nullable=True),
        sa.Column("data_vintage", sa.String(length=200), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("indicator_key", "period", "vintage_key", "level"),
    )
    op.create_table(
        "unit_ancestor",
        sa.Column("vintage_key", sa.String(length=16), nullable=False),
        sa.Column("ancestor_code", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("vintage_key", "ancestor_code", "code"),
    )
    if not _has_table("app_user_role"):  # created by the web app of 0.1.0 once it ran
        op.create_table(
            "app_user_role",
            sa.Column("name", sa.String(length=100), nullable=False),
            sa.Column("role", sa.String(length=16), nullable=False),
            sa.ForeignKeyConstraint(
                ["name"],
                ["app_user.name"],
            ),
            sa.PrimaryKeyConstraint("name"),
        )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("village_parent", schema=None) as batch_op:
        batch_op.create_index(
            "ix_village_parent_unit", ["vintage_key", "unit_code", "village_code"], unique=False
        )


def downgrade() -> None:
    """Drop what :func:`upgrade` added (the web tables stay: dxmap 0.1.0 had them too)."""
    with op.batch_alter_table("village_parent", schema=None) as batch_op:
        batch_op.drop_index("ix_village_parent_unit")

    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("session_version")

    op.drop_table("unit_ancestor")
    op.drop_table("rollup_scope")
    with op.batch_alter_table("rollup", schema=None) as batch_op:
        batch_op.drop_index("ix_rollup_unit")
        batch_op.drop_index("ix_rollup_level")

    op.drop_table("rollup")
    op.drop_table("rate_limit")
    op.drop_table("pending_upload")
    op.drop_table("data_version")
