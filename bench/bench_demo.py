"""Time the synthetic demo for the whole country (not a test): ``python bench/bench_demo.py``.

Stores the 34 provinces and 3,321 communes of ``vn/`` (2025-07) in a fresh SQLite file (or the
PostgreSQL database given with ``--database-url``), loads the catalogue, then times
``load_demo`` with ``demo = "synthetic"`` and reports villages, observations and seconds.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyogrio
import shapely
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.settings import Settings
from geodata.catalogue.indicators import load_catalogue
from geodata.demo import load_demo
from geodata.store.engine import create_schema, make_engine
from geodata.store.models import Observation, Unit, Village, Vintage


@dataclass(frozen=True)
class BenchVintage:
    key: str = "2025-07"
    valid_from: date = date(2025, 7, 1)
    valid_to: date | None = None
    levels: tuple[str, ...] = ("country", "province", "commune")


@dataclass(frozen=True)
class BenchArea:
    key: str = "vn"
    demo: str = "synthetic"
    demo_options: dict[str, Any] = field(default_factory=dict)
    vintages: tuple[BenchVintage, ...] = (BenchVintage(),)


def _rows(frame, level: str, parent: str | None) -> list[dict]:
    geoms = frame.geometry.to_numpy()
    shown = shapely.simplify(geoms, 0.0005, preserve_topology=True)
    return [
        {
            "vintage_key": "2025-07",
            "code": r.code,
            "name": r.name,
            "type": r.type or "",
            "level": level,
            "parent_code": parent if parent is not None else r.parent_code,
            "search_key": str(r.name).lower(),
            "geometry": shapely.to_wkb(g),
            "display_geometry": shapely.to_wkb(s),
        }
        for r, g, s in zip(frame.itertuples(), geoms, shown, strict=True)
    ]


def store_vn(database_url: str, geodata_dir: Path) -> Any:
    """Create a store holding the vn units of 2025-07 and the catalogue."""
    engine = make_engine(database_url)
    create_schema(engine)
    provinces = pyogrio.read_dataframe(geodata_dir / "vn" / "vn_provinces_2025-07_sapnhap.geojson")
    communes = pyogrio.read_dataframe(geodata_dir / "vn" / "vn_communes_2025-07_sapnhap.geojson")
    with Session(engine) as session, session.begin():
        load_catalogue(session)
        v = BenchVintage()
        session.add(
            Vintage(
                key=v.key,
                name_vi=v.key,
                name_en=v.key,
                valid_from=v.valid_from,
                valid_to=None,
                levels=",".join(v.levels),
            )
        )
        session.flush()
        root = {"vintage_key": v.key, "code": "VN", "name": "Việt Nam", "type": "Quốc gia"}
        root |= {"level": "country", "parent_code": None, "search_key": "viet nam"}
        session.execute(insert(Unit), [root])
        session.execute(insert(Unit), _rows(provinces, "province", "VN"))
        session.execute(insert(Unit), _rows(communes, "commune", None))
    return engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    args = parser.parse_args()
    geodata_dir = Settings().geodata_dir
    if geodata_dir is None:
        raise SystemExit("boundary files not found (set DXMAP_GEODATA_DIR)")
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'vn.sqlite'}"
        started = time.perf_counter()
        engine = store_vn(url, Path(geodata_dir))
        stored = time.perf_counter()
        print(f"store vn units: {stored - started:.1f} s")
        with Session(engine) as session, session.begin():
            message = load_demo(session, BenchArea())
        done = time.perf_counter()
        with Session(engine) as session:
            villages = session.scalar(select(func.count()).select_from(Village))
            observations = session.scalar(select(func.count()).select_from(Observation))
        print(message)
        print(f"synthetic demo: {villages} villages, {observations} observations")
        print(f"synthetic demo for vn: {done - stored:.1f} s")
        engine.dispose()


if __name__ == "__main__":
    main()
