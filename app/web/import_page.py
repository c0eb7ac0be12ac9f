"""The editor's import page: template, preview, commit, history with rollback, audit log.

Server-rendered Flask pages (``/import``), editors only, every POST CSRF-checked. The work is
done by ``geodata.imports`` (``validate_bytes``, ``import_bytes``, ``rollback_batch``): the
preview lists every problem with its row and column and writes nothing; the commit validates
again inside its one transaction. A file whose content was already committed (same SHA-256, in a
batch not rolled back) is reported as "nothing changed" and makes no batch.

Between preview and commit the upload waits in ``<instance>/uploads/<sha256>`` (at most
``MAX_PENDING`` files, the oldest dropped first); the session holds only its hash and name.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.web.auth import editor_required, page_lang
from app.web.models import AuditEntry
from app.web.texts import tr
from geodata.areas.vintages import stored_vintages
from geodata.exports.cells import neutralise_cell
from geodata.imports import (
    ImportRejected,
    RollbackRefused,
    import_bytes,
    rollback_batch,
    validate_bytes,
)
from geodata.imports.read import COLUMNS, read_table
from geodata.imports.rollback import list_batches
from geodata.service.listing import unit_records
from geodata.store.models import ImportBatch, Indicator

log = logging.getLogger(__name__)
LEVELS = ("country", "province", "district", "commune", "village")
TEMPLATE_COLUMNS = ("code", "name", *COLUMNS[1:])  # ``name`` is for reading only
REFERENCE_COLUMNS = ("name",)
MAX_PENDING = 20
HISTORY_ROWS = 200


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def audit(engine: Engine, action: str, batch_id: int | None = None, detail: str = "") -> None:
    """Record who did what (the signed-in user)."""
    with Session(engine) as db, db.begin():
        db.add(
            AuditEntry(
                at=_now(),
                user=current_user.name,
                action=action,
                batch_id=batch_id,
                detail=detail[:2000],
            )
        )


def without_reference_columns(data: bytes, file_name: str) -> tuple[bytes, str]:
    """Drop the template's ``name`` column, so a filled-in template imports as it is.

    The file is read by the importer's own reader (with its limits); a file without a
    reference column is returned unchanged. A file that had one becomes CSV (same rows, same
    column names), named ``<stem>.csv``.
    """
    table, problems = read_table(data, file_name)
    if problems or not table:
        return data, file_name
    header = [str(c or "").strip().lower() for c in table[0]]
    drop = {i for i, label in enumerate(header) if label in REFERENCE_COLUMNS}
    if not drop:
        return data, file_name
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in table:
        writer.writerow(["" if c is None else c for i, c in enumerate(row) if i not in drop])
    return out.getvalue().encode("utf-8"), f"{Path(file_name).stem}.csv"


def committed_batch(engine: Engine, sha256: str) -> int | None:
    """Return the committed (not rolled back) batch that imported exactly these bytes."""
    with Session(engine) as db:
        return db.scalar(
            select(ImportBatch.id).where(
                ImportBatch.file_sha256 == sha256, ImportBatch.rolled_back_at.is_(None)
            )
        )


def template_rows(engine: Engine, vintage: str, level: str, indicator: str, period: str):
    """Yield the template's rows: one per unit of the level, codes and names filled in."""
    with Session(engine) as db:
        units = unit_records(db, vintage, level)
    for unit in units:
        yield [unit["code"], neutralise_cell(unit["name"]), period, indicator, "", "", "", "", ""]


def importers(kind: str) -> tuple[Any, Any] | None:
    """Return ``(validate_bytes, import_bytes)`` for a file kind, or ``None`` if not available.

    ``values`` is ``geodata.imports``'s own pair. ``villages`` (village registers) is taken from
    ``geodata.imports.validate_villages_bytes`` / ``import_villages_bytes`` when that module
    provides them (same signatures and results as the values pair); until then the page says to
    use ``dxmap villages import``.
    """
    from geodata import imports

    if kind == "values":
        return validate_bytes, import_bytes
    if kind == "villages":
        pair = (
            getattr(imports, "validate_villages_bytes", None),
            getattr(imports, "import_villages_bytes", None),
        )
        return pair if all(pair) else None
    return None


class Pending:
    """Uploads waiting between preview and commit, in ``<instance>/uploads``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, data: bytes) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        sha = hashlib.sha256(data).hexdigest()
        (self.folder / sha).write_bytes(data)
        old = sorted(self.folder.iterdir(), key=lambda p: p.stat().st_mtime)[:-MAX_PENDING]
        for path in old:
            path.unlink(missing_ok=True)
        return sha

    def get(self, sha: str) -> bytes | None:
        if len(sha) != 64 or not all(c in "0123456789abcdef" for c in sha):
            return None
        path = self.folder / sha
        return path.read_bytes() if path.is_file() else None

    def drop(self, sha: str) -> None:
        if self.get(sha) is not None:
            (self.folder / sha).unlink(missing_ok=True)


def install_import_page(server: Flask, engine: Engine, instance_dir: Path, max_bytes: int) -> None:
    """Add ``/import`` (page, template, preview, commit, rollback) for editors."""
    bp = Blueprint("dxmap_import", __name__, url_prefix="/import", template_folder="templates")
    pending = Pending(Path(instance_dir) / "uploads")

    def indicators() -> list[str]:
        with Session(engine) as db:
            return list(db.scalars(select(Indicator.key).order_by(Indicator.key)))

    def vintage_keys() -> list[str]:
        with Session(engine) as db:
            return [spec.key for spec in stored_vintages(db)]

    def page(preview: dict[str, Any] | None = None, status: int = 200) -> tuple[str, int]:
        with Session(engine) as db:
            batches = list_batches(db, limit=HISTORY_ROWS)
            entries = list(
                db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(HISTORY_ROWS))
            )
            html = render_template(
                "import.html",
                lang=page_lang(),
                tr=tr,
                batches=batches,
                entries=entries,
                preview=preview,
                vintages=vintage_keys(),
                levels=LEVELS,
                indicators=indicators(),
            )
        return html, status

    @bp.get("/")
    @editor_required
    def index() -> Any:
        return page()

    @bp.get("/template")
    @editor_required
    def template() -> Response:
        lang = page_lang()
        vintage = request.args.get("vintage", "")
        level = request.args.get("level", "")
        fmt = request.args.get("format", "csv")
        indicator = request.args.get("indicator", "")
        period = request.args.get("period", "").strip()
        for name, value, allowed in (
            ("vintage", vintage, vintage_keys()),
            ("level", level, LEVELS),
            ("format", fmt, ("csv", "xlsx")),
            ("indicator", indicator, ["", *indicators()]),
        ):
            if value not in allowed:
                abort(400, description=tr("bad_choice", lang, name=name))
        if len(period) > 16 or not all(c.isascii() and (c.isalnum() or c == "-") for c in period):
            abort(400, description=tr("bad_choice", lang, name="period"))
        rows = list(template_rows(engine, vintage, level, indicator, period))
        stem = f"dxmap-template-{vintage}-{level}"
        if fmt == "csv":
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(TEMPLATE_COLUMNS)
            writer.writerows(rows)
            body, mimetype = ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv"
        else:
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet("values")
            sheet.append(list(TEMPLATE_COLUMNS))
            for row in rows:
                sheet.append(row)
            buffer = io.BytesIO()
            book.save(buffer)
            body = buffer.getvalue()
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = Response(body, mimetype=mimetype)
        response.headers["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
        return response

    @bp.post("/preview")
    @editor_required
    def preview() -> Any:
        lang = page_lang()
        upload = request.files.get("file")
        kind = request.form.get("kind", "values")
        pair = importers(kind)
        if pair is None:
            flash(tr("villages_unavailable", lang))
            return redirect(url_for(".index", lang=lang))
        validate = pair[0]
        if upload is None or not upload.filename:
            flash(tr("no_file", lang))
            return redirect(url_for(".index", lang=lang))
        raw_name = Path(upload.filename).name[:200]
        data, name = without_reference_columns(upload.read(max_bytes + 1), raw_name)
        sha = hashlib.sha256(data).hexdigest()
        earlier = committed_batch(engine, sha)
        if earlier is not None:
            flash(tr("nothing_changed", lang, batch=earlier))
            return redirect(url_for(".index", lang=lang))
        with Session(engine) as db:
            result = validate(db, data, name, max_bytes=max_bytes)
        audit(engine, "preview", detail=f"{name} sha256={sha[:12]} problems={len(result.problems)}")
        info: dict[str, Any] = {
            "name": name,
            "rows": result.rows_total,
            "problems": result.problems,
            "warnings": result.warnings,
        }
        if result.ok:
            info["sha"] = pending.put(data)
            session["dxmap_pending"] = {"sha": info["sha"], "name": name, "kind": kind}
        return page(info, 200 if result.ok else 422)

    @bp.post("/commit")
    @editor_required
    def commit() -> Any:
        lang = page_lang()
        wanted = session.get("dxmap_pending") or {}
        sha = request.form.get("sha", "")
        data = pending.get(sha) if wanted.get("sha") == sha else None
        pair = importers(wanted.get("kind", "values"))
        if data is None or pair is None:
            flash(tr("expired", lang))
            return redirect(url_for(".index", lang=lang))
        earlier = committed_batch(engine, sha)
        if earlier is not None:
            flash(tr("nothing_changed", lang, batch=earlier))
            return redirect(url_for(".index", lang=lang))
        try:
            outcome = pair[1](engine, data, wanted["name"], current_user.name, max_bytes=max_bytes)
        except ImportRejected as rejected:  # the store changed since the preview
            return page({"name": wanted["name"], "rows": 0, "problems": rejected.problems}, 422)
        pending.drop(sha)
        session.pop("dxmap_pending", None)
        audit(
            engine,
            "commit",
            outcome.batch_id,
            f"{outcome.file_name}: {outcome.rows_inserted} new, {outcome.rows_replaced} replaced",
        )
        flash(
            tr(
                "committed",
                lang,
                batch=outcome.batch_id,
                inserted=outcome.rows_inserted,
                replaced=outcome.rows_replaced,
            )
        )
        return redirect(url_for(".index", lang=lang))

    @bp.post("/rollback/<int(max=2147483647):batch_id>")
    @editor_required
    def rollback(batch_id: int) -> Any:
        lang = page_lang()
        try:
            outcome = rollback_batch(engine, batch_id, current_user.name)
        except RollbackRefused as refused:
            flash(str(refused))
            return redirect(url_for(".index", lang=lang))
        audit(
            engine,
            "rollback",
            batch_id,
            f"{outcome.rows_removed} removed, {outcome.rows_restored} restored",
        )
        flash(
            tr(
                "rolled_back",
                lang,
                batch=batch_id,
                removed=outcome.rows_removed,
                restored=outcome.rows_restored,
            )
        )
        return redirect(url_for(".index", lang=lang))

    server.register_blueprint(bp)
