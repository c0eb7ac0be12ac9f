"""Two imports of the same new keys at the same time: the second waits, then replaces the first.

The first import is held open after writing its rows (real validation and real commit code, its
transaction simply not yet committed); the second runs the whole `dxmap import` in a thread,
and is blocked by the first one (PostgreSQL: on the data version's row, which every writer
bumps first; SQLite: on the write lock). Then the first commits.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.cli import main
from geodata.imports.commit import BUSY_MESSAGE as BUSY
from geodata.imports.commit import CONFLICT_MESSAGE as CONFLICT
from geodata.imports.commit import _commit
from geodata.imports.validate import validate_bytes
from geodata.store.engine import make_engine, session_factory, transaction
from geodata.store.models import ImportBatch, Observation

# A period with no demo data, so every key is new.
DATA = (
    b"code,period,indicator,numerator,denominator\n"
    b"26506-01,2023-H1,fibre_households,10,20\n"
    b"26506-02,2023-H1,fibre_households,11,20\n"
)


def _wait_until_blocked(engine, seconds: float = 20) -> None:  # noqa: ANN001
    """Wait until another session of this database waits for a lock (PostgreSQL)."""
    deadline = time.monotonic() + seconds
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    )
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            if conn.execute(query).scalar_one():
                return
        time.sleep(0.05)
    pytest.fail("the second import never waited for the first one")


def test_concurrent_imports_of_the_same_new_keys(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    engine = make_engine(store_url)
    path = tmp_path / "second.csv"
    path.write_bytes(DATA)
    monkeypatch.setenv("DXMAP_DATABASE_URL", store_url)
    written, release = threading.Event(), threading.Event()
    first: dict[str, int] = {}
    second: dict[str, int] = {}

    def hold_first_open() -> None:
        with transaction(engine) as session:
            result = validate_bytes(session, DATA, "first.csv")
            first["batch"] = _commit(session, result, "ann").batch_id
            written.set()
            release.wait(60)

    def import_second() -> None:  # the whole CLI import: read, validate, commit
        second["status"] = main(["import", str(path), "--user", "bob"])

    try:
        holder = threading.Thread(target=hold_first_open)
        holder.start()
        assert written.wait(30)
        racer = threading.Thread(target=import_second)
        racer.start()
        if engine.dialect.name == "postgresql":
            _wait_until_blocked(engine)
        else:
            time.sleep(1.0)  # the second import waits for SQLite's write lock
        release.set()
        holder.join(60)
        racer.join(60)
        err = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
        with session_factory(engine)() as session:
            batches = session.scalars(select(ImportBatch.id).order_by(ImportBatch.id)).all()
            stored = session.scalar(
                select(func.count()).select_from(Observation).where(Observation.period == "2023-H1")
            )
    finally:
        release.set()
        engine.dispose()

    assert stored == 2
    if store_url.startswith("postgresql"):
        # Writers are serialised from their data-version bump to their commit: the second
        # waited for the first, then found its rows and replaced them (no conflict to report).
        assert second["status"] == 0, err
        assert err == [] and len(batches) == 2 and batches[0] == first["batch"]
        assert CONFLICT not in "\n".join(err)
    else:
        # SQLite serialises writers: the second waited, then replaced the first's rows (or,
        # had it waited too long, said the store was busy).
        assert second["status"] in (0, 2)
        if second["status"] == 0:
            assert err == [] and len(batches) == 2
        else:
            assert err == [
                f"dxmap: error: import rejected, nothing was written: second.csv: {BUSY}"
            ]
