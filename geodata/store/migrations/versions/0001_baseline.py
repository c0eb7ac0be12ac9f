"""The schema of dxmap 0.1.0, before migrations: the stores ``dxmap db upgrade`` starts from.

A store made by that release has these tables and no ``alembic_version`` table;
:func:`geodata.store.schema.upgrade_store` stamps it with this revision before upgrading it.
This file is frozen: it must keep creating exactly that schema
(``tests/data/schema-0001.json``).

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the schema of dxmap 0.1.0 (the stores made before migrations existed)."""
    op.create_table(
        "app_user",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "area",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("demo", sa.String(length=32), nullable=False),
        sa.Column("crs", sa.String(length=64), nullable=True),
        sa.Column("manifest", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("user", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_inserted", sa.Integer(), nullable=False),
        sa.Column("rows_replaced", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("rolled_back_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "source",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("publisher", sa.String(length=300), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("licence", sa.String(length=300), nullable=False),
        sa.Column("provenance", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "village",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("search_key", sa.String(length=400), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("provenance", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "vintage",
        sa.Column("key", sa.String(length=16), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("levels", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "boundary_layer",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("vintage_key", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("licence", sa.String(length=300), nullable=False),
        sa.Column("attribution", sa.Text(), nullable=False),
        sa.Column("upstream", sa.Text(), nullable=False),
        sa.Column("redistributable", sa.Boolean(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vintage_key"],
            ["vintage.key"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vintage_key", "level", name="uq_layer_vintage_level"),
    )
    op.create_table(
        "crosswalk_link",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("from_vintage", sa.String(length=16), nullable=False),
        sa.Column("from_code", sa.String(length=16), nullable=False),
        sa.Column("to_vintage", sa.String(length=16), nullable=False),
        sa.Column("to_code", sa.String(length=16), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_vintage"],
            ["vintage.key"],
        ),
        sa.ForeignKeyConstraint(
            ["to_vintage"],
            ["vintage.key"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "from_vintage", "from_code", "to_vintage", "to_code", name="uq_crosswalk"
        ),
    )
    op.create_table(
        "indicator",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name_vi", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("pillar", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("definition_vi", sa.Text(), nullable=False),
        sa.Column("definition_en", sa.Text(), nullable=False),
        sa.Column("numerator_vi", sa.Text(), nullable=False),
        sa.Column("numerator_en", sa.Text(), nullable=False),
        sa.Column("denominator_vi", sa.Text(), nullable=False),
        sa.Column("denominator_en", sa.Text(), nullable=False),
        sa.Column("finest_level", sa.String(length=16), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_key"],
            ["source.key"],
        ),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "replaced_observation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("replaced_by_batch", sa.Integer(), nullable=False),
        sa.Column("indicator_key", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("vintage_key", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("provenance", sa.String(length=16), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["replaced_by_batch"],
            ["import_batch.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
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
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("replaced_village", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_replaced_village_batch_id"), ["batch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_replaced_village_village_code"), ["village_code"], unique=False
        )

    op.create_table(
        "village_parent",
        sa.Column("village_code", sa.String(length=16), nullable=False),
        sa.Column("vintage_key", sa.String(length=16), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["village_code"],
            ["village.code"],
        ),
        sa.ForeignKeyConstraint(
            ["vintage_key"],
            ["vintage.key"],
        ),
        sa.PrimaryKeyConstraint("village_code", "vintage_key"),
    )
    op.create_table(
        "observation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("indicator_key", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("vintage_key", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("provenance", sa.String(length=16), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
        ),
        sa.ForeignKeyConstraint(
            ["indicator_key"],
            ["indicator.key"],
        ),
        sa.ForeignKeyConstraint(
            ["source_key"],
            ["source.key"],
        ),
        sa.ForeignKeyConstraint(
            ["vintage_key"],
            ["vintage.key"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("indicator_key", "period", "level", "code", name="uq_observation_key"),
    )
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_observation_lookup", ["indicator_key", "period", "level"], unique=False
        )

    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("indicator_key", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("scope_code", sa.String(length=16), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("comparator", sa.String(length=2), nullable=False),
        sa.Column("is_example", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_key"],
            ["indicator.key"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("indicator_key", "period", "scope_code", name="uq_target_scope"),
    )
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("vintage_key", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=50), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("parent_code", sa.String(length=16), nullable=True),
        sa.Column("search_key", sa.String(length=400), nullable=False),
        sa.Column("geometry", sa.LargeBinary(), nullable=True),
        sa.Column("display_geometry", sa.LargeBinary(), nullable=True),
        sa.Column("min_lon", sa.Float(), nullable=True),
        sa.Column("min_lat", sa.Float(), nullable=True),
        sa.Column("max_lon", sa.Float(), nullable=True),
        sa.Column("max_lat", sa.Float(), nullable=True),
        sa.Column("layer_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["layer_id"],
            ["boundary_layer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["vintage_key"],
            ["vintage.key"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vintage_key", "code", name="uq_unit_vintage_code"),
    )
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.create_index(
            "ix_unit_vintage_level_parent", ["vintage_key", "level", "parent_code"], unique=False
        )


def downgrade() -> None:
    """Drop every table."""
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index("ix_unit_vintage_level_parent")

    op.drop_table("unit")
    op.drop_table("target")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_index("ix_observation_lookup")

    op.drop_table("observation")
    op.drop_table("village_parent")
    with op.batch_alter_table("replaced_village", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replaced_village_village_code"))
        batch_op.drop_index(batch_op.f("ix_replaced_village_batch_id"))

    op.drop_table("replaced_village")
    op.drop_table("replaced_observation")
    op.drop_table("indicator")
    op.drop_table("crosswalk_link")
    op.drop_table("boundary_layer")
    op.drop_table("vintage")
    op.drop_table("village")
    op.drop_table("source")
    op.drop_table("import_batch")
    op.drop_table("area")
    op.drop_table("app_user")
