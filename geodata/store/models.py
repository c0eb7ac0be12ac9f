"""SQLAlchemy 2 models of the dxmap store.

Geometry is stored portably as WKB (``LargeBinary``) so SQLite needs no spatial extension.
Codes are strings (province 2 digits, district 3, commune 5; village codes are dxmap's own).
A unit is identified by ``(vintage_key, code)``: the same GSO code can name different areas in
different vintages (a ward's code may be kept by the larger ward it merged into).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

LEVELS = ("country", "province", "district", "commune", "village")
PROVENANCES = ("published", "synthetic")
KINDS = ("ratio", "share_of_villages", "count")
COMPARATORS = (">=", ">", "<=", "<")
#: The fields of an observation (and of a replaced one kept for rollback) besides ids and batch.
OBSERVATION_FIELDS = (
    "indicator_key",
    "period",
    "vintage_key",
    "level",
    "code",
    "numerator",
    "denominator",
    "value",
    "provenance",
    "source_key",
    "note",
)


class Base(DeclarativeBase):
    """Declarative base of every dxmap table."""


class AreaRecord(Base):
    """The area the store serves (one row, written by ``dxmap init`` from the area manifest)."""

    __tablename__ = "area"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    demo: Mapped[str] = mapped_column(String(32), default="none")
    crs: Mapped[str | None] = mapped_column(String(64), nullable=True)
    manifest: Mapped[str] = mapped_column(Text, default="")


class Vintage(Base):
    """A boundary vintage: the administrative structure in force over a date range."""

    __tablename__ = "vintage"

    key: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    levels: Mapped[str] = mapped_column(String(100))  # comma list, e.g. "province,commune"
    note: Mapped[str] = mapped_column(Text, default="")


class Layer(Base):
    """A loaded boundary file (one vintage and level), with its licence and attribution."""

    __tablename__ = "boundary_layer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    vintage_key: Mapped[str] = mapped_column(ForeignKey("vintage.key"))
    level: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(300))
    file_sha256: Mapped[str] = mapped_column(String(64))
    licence: Mapped[str] = mapped_column(String(300))
    attribution: Mapped[str] = mapped_column(Text)
    upstream: Mapped[str] = mapped_column(Text, default="")
    redistributable: Mapped[bool] = mapped_column(Boolean, default=True)
    loaded_at: Mapped[datetime] = mapped_column(DateTime)
    report: Mapped[str] = mapped_column(Text, default="")  # JSON list of load-check findings

    __table_args__ = (UniqueConstraint("vintage_key", "level", name="uq_layer_vintage_level"),)


class Unit(Base):
    """An administrative unit (province, district or commune) of one vintage."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    vintage_key: Mapped[str] = mapped_column(ForeignKey("vintage.key"))
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(50))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    search_key: Mapped[str] = mapped_column(String(400))  # accent-free, lower case, đ → d
    geometry: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # WKB, EPSG:4326
    display_geometry: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # simplified
    min_lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    min_lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    layer_id: Mapped[int | None] = mapped_column(ForeignKey("boundary_layer.id"), nullable=True)

    __table_args__ = (
        UniqueConstraint("vintage_key", "code", name="uq_unit_vintage_code"),
        Index("ix_unit_vintage_level_parent", "vintage_key", "level", "parent_code"),
    )


class Village(Base):
    """A village (thôn, ấp, khu phố): a point, the atomic unit of several indicators."""

    __tablename__ = "village"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(400))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    households: Mapped[int] = mapped_column(Integer)
    adults: Mapped[int] = mapped_column(Integer)
    provenance: Mapped[str] = mapped_column(String(16), default="synthetic")


class VillageParent(Base):
    """The unit a village lies in, per vintage (a commune, or a leaf district)."""

    __tablename__ = "village_parent"

    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"), primary_key=True)
    vintage_key: Mapped[str] = mapped_column(ForeignKey("vintage.key"), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(16))

    # A unit's villages are an indexed read (the gap register of a commune, the roll-ups).
    __table_args__ = (Index("ix_village_parent_unit", "vintage_key", "unit_code", "village_code"),)


class Source(Base):
    """Where values come from (an article, a report, dxmap's demo generator)."""

    __tablename__ = "source"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(Text, default="")
    published_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    licence: Mapped[str] = mapped_column(String(300), default="")
    provenance: Mapped[str] = mapped_column(String(16))  # published | synthetic


class Indicator(Base):
    """A catalogue entry (loaded from ``geodata/data/indicators.csv``; extendable)."""

    __tablename__ = "indicator"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_vi: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    pillar: Mapped[str] = mapped_column(String(64))  # chinh_quyen_so | kinh_te_so | xa_hoi_so
    unit: Mapped[str] = mapped_column(String(16))  # "%" or "count"
    kind: Mapped[str] = mapped_column(String(32))  # ratio | share_of_villages | count
    direction: Mapped[str] = mapped_column(String(16), default="higher")  # higher | lower
    definition_vi: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")
    numerator_vi: Mapped[str] = mapped_column(Text, default="")
    numerator_en: Mapped[str] = mapped_column(Text, default="")
    denominator_vi: Mapped[str] = mapped_column(Text, default="")
    denominator_en: Mapped[str] = mapped_column(Text, default="")
    finest_level: Mapped[str] = mapped_column(String(16))
    source_key: Mapped[str | None] = mapped_column(ForeignKey("source.key"), nullable=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Target(Base):
    """A threshold for an indicator, period and scope (a unit code; '*' means every unit)."""

    __tablename__ = "target"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    indicator_key: Mapped[str] = mapped_column(ForeignKey("indicator.key"))
    period: Mapped[str] = mapped_column(String(16))
    scope_code: Mapped[str] = mapped_column(String(16), default="*")
    threshold: Mapped[float] = mapped_column(Float)
    comparator: Mapped[str] = mapped_column(String(2), default=">=")
    is_example: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("indicator_key", "period", "scope_code", name="uq_target_scope"),
    )


class ImportBatch(Base):
    """One committed import (file hash, user, time, row counts, outcome)."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64))
    user: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_inserted: Mapped[int] = mapped_column(Integer, default=0)
    rows_replaced: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(32), default="committed")  # | rolled_back
    rolled_back_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class Observation(Base):
    """A value of an indicator for one unit or village and one period.

    ``level`` is ``village`` for a village row (``code`` is the village code) or the unit's level.
    ``vintage_key`` is the vintage the code belongs to (the one in force at the period's end).
    A ratio or share stores numerator and denominator; ``value`` is the percentage (ratio) or the
    count (count kind), or a published figure where no numerator/denominator is known.
    """

    __tablename__ = "observation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    indicator_key: Mapped[str] = mapped_column(ForeignKey("indicator.key"))
    period: Mapped[str] = mapped_column(String(16))
    vintage_key: Mapped[str] = mapped_column(ForeignKey("vintage.key"))
    level: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(16))
    numerator: Mapped[float | None] = mapped_column(Float, nullable=True)
    denominator: Mapped[float | None] = mapped_column(Float, nullable=True)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    provenance: Mapped[str] = mapped_column(String(16))
    source_key: Mapped[str | None] = mapped_column(ForeignKey("source.key"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), nullable=True)

    __table_args__ = (
        UniqueConstraint("indicator_key", "period", "level", "code", name="uq_observation_key"),
        Index("ix_observation_lookup", "indicator_key", "period", "level"),
    )


class ReplacedObservation(Base):
    """An observation an import replaced, kept so that the import can be rolled back."""

    __tablename__ = "replaced_observation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    replaced_by_batch: Mapped[int] = mapped_column(ForeignKey("import_batch.id"))
    indicator_key: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16))
    vintage_key: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(16))
    numerator: Mapped[float | None] = mapped_column(Float, nullable=True)
    denominator: Mapped[float | None] = mapped_column(Float, nullable=True)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    provenance: Mapped[str] = mapped_column(String(16))
    source_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class CrosswalkLink(Base):
    """A unit of one vintage that became (part of) a unit of another vintage.

    ``weight`` is the share of the source unit's numerators and denominators carried to the
    target (1.0 for the merges of 2025; a split would carry fractions).
    """

    __tablename__ = "crosswalk_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    from_vintage: Mapped[str] = mapped_column(ForeignKey("vintage.key"))
    from_code: Mapped[str] = mapped_column(String(16))
    to_vintage: Mapped[str] = mapped_column(ForeignKey("vintage.key"))
    to_code: Mapped[str] = mapped_column(String(16))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("from_vintage", "from_code", "to_vintage", "to_code", name="uq_crosswalk"),
    )


class User(Base):
    """A signed-in editor (import, rollback, edit)."""

    __tablename__ = "app_user"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Bumped by a sign-out or a new password: every session cookie of an older one is refused,
    # on every process and server (a cookie saved before sign-out no longer signs anyone in).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class UserRole(Base):
    """The role of a user; a user without a row is an editor (as ``dxmap user add`` says)."""

    __tablename__ = "app_user_role"

    name: Mapped[str] = mapped_column(ForeignKey("app_user.name"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), default="editor")


class AuditEntry(Base):
    """Who did what, when: sign-in, import preview, commit, rollback (one row per action)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    user: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    batch_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")


class ReplacedVillage(Base):
    """A village as it was before a village-register import touched it (for rollback).

    One row per village a register batch wrote: ``existed`` is False for a village the batch
    added (rolled back: deleted), True for one it updated (rolled back: the fields and
    ``parents``, a JSON object vintage → unit code, are put back).
    """

    __tablename__ = "replaced_village"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    village_code: Mapped[str] = mapped_column(String(16), index=True)
    existed: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    search_key: Mapped[str | None] = mapped_column(String(400), nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    households: Mapped[int | None] = mapped_column(Integer, nullable=True)
    adults: Mapped[int | None] = mapped_column(Integer, nullable=True)
    provenance: Mapped[str | None] = mapped_column(String(16), nullable=True)
    parents: Mapped[str] = mapped_column(Text, default="{}")


class DataVersion(Base):
    """The store's data version: one row, bumped in the transaction of every write.

    Requests read it once and key every cache by it; nothing counts rows to know it.
    """

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    version: Mapped[int] = mapped_column(Integer, default=1)
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(200), default="")


class UnitAncestor(Base):
    """A unit and every unit above it in its vintage (the tree's closure, for indexed reads)."""

    __tablename__ = "unit_ancestor"

    vintage_key: Mapped[str] = mapped_column(String(16), primary_key=True)
    ancestor_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    depth: Mapped[int] = mapped_column(Integer)  # 1: the parent, 2: the grandparent, …


class RollupScope(Base):
    """What the roll-ups of one indicator, period, vintage and level were computed from.

    ``data_level`` is the finest level that holds values (``None``: no value at all);
    ``error`` says why this level cannot show the period (a backward crosswalk), else ``None``.
    """

    __tablename__ = "rollup_scope"

    indicator_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    vintage_key: Mapped[str] = mapped_column(String(16), primary_key=True)
    level: Mapped[str] = mapped_column(String(16), primary_key=True)
    data_level: Mapped[str | None] = mapped_column(String(16), nullable=True)
    data_vintage: Mapped[str | None] = mapped_column(String(200), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class Rollup(Base):
    """One unit's value of one indicator and period on one vintage, kept in the store.

    The ``part_*`` columns are the sums it was made of (summable rows, their published share,
    value-only rows), so that a parent is rolled up from its children's rows without reading
    the villages again; the other columns are what every reader shows.
    """

    __tablename__ = "rollup"

    vintage_key: Mapped[str] = mapped_column(String(16), primary_key=True)
    indicator_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    numerator: Mapped[float | None] = mapped_column(Float, nullable=True)
    denominator: Mapped[float | None] = mapped_column(Float, nullable=True)
    n_children: Mapped[int] = mapped_column(Integer, default=0)
    n_with_data: Mapped[int] = mapped_column(Integer, default=0)
    provenance: Mapped[str | None] = mapped_column(String(16), nullable=True)
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    target: Mapped[float | None] = mapped_column(Float, nullable=True)
    met: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    comparator: Mapped[str | None] = mapped_column(String(2), nullable=True)
    target_scope: Mapped[str | None] = mapped_column(String(16), nullable=True)
    target_scope_vintage: Mapped[str | None] = mapped_column(String(16), nullable=True)
    published_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    published_source: Mapped[str | None] = mapped_column(String(64), nullable=True)
    published_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    part_summable: Mapped[int] = mapped_column(Integer, default=0)
    part_num: Mapped[float | None] = mapped_column(Float, nullable=True)
    part_den: Mapped[float | None] = mapped_column(Float, nullable=True)
    part_prov: Mapped[int] = mapped_column(Integer, default=0)
    part_pub: Mapped[int] = mapped_column(Integer, default=0)
    part_sources: Mapped[str | None] = mapped_column(Text, nullable=True)
    part_value_only: Mapped[int] = mapped_column(Integer, default=0)
    part_vo_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    part_vo_provenance: Mapped[str | None] = mapped_column(String(16), nullable=True)
    part_vo_source: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (
        Index("ix_rollup_level", "vintage_key", "indicator_key", "period", "level"),
        Index("ix_rollup_unit", "vintage_key", "code", "period"),
    )


class RateLimit(Base):
    """A rate-limit counter (Flask-Limiter's fixed window), kept in the store.

    Every process and server of one store counts in the same rows, so N workers on M machines
    allow what one allows (``app/web/rate_limit.py``).
    """

    __tablename__ = "rate_limit"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[float] = mapped_column(Float)  # seconds since the epoch


class PendingUpload(Base):
    """An upload previewed on the import page and waiting for its commit (or its expiry).

    Kept in the store, not in a server's folder, so that the commit may reach another process
    or server than the preview did.
    """

    __tablename__ = "pending_upload"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(16))  # values | villages
    user: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)
