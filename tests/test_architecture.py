"""House rules that code review would otherwise have to catch: import directions and ids."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "layers", "geodata", "callbacks")
FORBIDDEN = {
    "geodata": {"app", "layers", "callbacks", "dash", "dash_leaflet", "dash_extensions", "flask"},
    "layers": {"app", "callbacks", "geodata", "sqlalchemy"},
    "callbacks": {"app"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_packages_only_import_in_the_allowed_direction(package: str) -> None:
    offences = [
        f"{path.relative_to(REPO)} imports {name}"
        for path in sorted((REPO / package).rglob("*.py"))
        for name in sorted(_imports(path) & FORBIDDEN[package])
    ]
    assert not offences, "\n".join(offences)


#: The edges between geodata's sub-packages that the design has (ARCHITECTURE.md); any other
#: import between them is a defect. ``geodata/bootstrap.py`` (``dxmap init``) composes them all.
GEODATA_EDGES = {
    "store": set(),
    "areas": {"store"},
    "boundaries": {"areas", "store"},
    "catalogue": {"areas", "store"},
    "imports": {"areas", "catalogue", "rollups", "store", "values"},
    "demo": {"areas", "catalogue", "store", "values"},
    "values": {"areas", "catalogue", "store"},
    "rollups": {"areas", "catalogue", "store", "values"},
    "analysis": {"areas", "catalogue", "rollups", "store", "values"},
    "view": {"areas", "store"},
    "exports": {"analysis", "areas", "catalogue", "rollups", "store", "values", "view"},
    "service": {"analysis", "areas", "catalogue", "exports", "rollups", "store", "values", "view"},
}


def _geodata_edges(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        modules = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        for module in modules:
            parts = module.split(".")
            if parts[0] == "geodata" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_geodata_is_made_of_the_designed_sub_packages() -> None:
    root = REPO / "geodata"
    loose = sorted(
        p.name for p in root.glob("*.py") if p.name not in {"__init__.py", "bootstrap.py"}
    )
    assert not loose, f"modules outside a sub-package: {loose}"
    packages = {p.name for p in root.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(GEODATA_EDGES)


@pytest.mark.parametrize("package", sorted(GEODATA_EDGES))
def test_geodata_sub_packages_only_import_along_designed_edges(package: str) -> None:
    offences = [
        f"{path.relative_to(REPO)} imports geodata.{name}"
        for path in sorted((REPO / "geodata" / package).rglob("*.py"))
        for name in sorted(_geodata_edges(path) - GEODATA_EDGES[package] - {package})
    ]
    assert not offences, "\n".join(offences)


def test_the_edge_checker_sees_a_forbidden_edge(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from geodata.service import MapService\nimport geodata.store.models\n")
    assert _geodata_edges(bad) - GEODATA_EDGES["areas"] == {"service"}


def test_every_sub_package_names_its_public_api() -> None:
    for package in GEODATA_EDGES:
        init = (REPO / "geodata" / package / "__init__.py").read_text(encoding="utf-8")
        assert "__all__" in init, package


def test_the_walk_sees_every_package() -> None:
    for package in PACKAGES:
        assert list((REPO / package).rglob("*.py")), package


def test_the_checker_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import dash_leaflet as dl\nfrom app.settings import Settings\n")
    assert _imports(bad) & FORBIDDEN["geodata"] == {"dash_leaflet", "app"}


def test_only_the_wsgi_module_builds_an_app_at_import() -> None:
    offenders = []
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            if path.name == "wsgi.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:  # module level only
                for call in ast.walk(node):
                    if (
                        not isinstance(node, (ast.FunctionDef, ast.ClassDef))
                        and isinstance(call, ast.Call)
                        and getattr(call.func, "attr", getattr(call.func, "id", ""))
                        in {"create_app", "create_engine", "make_engine", "Dash"}
                    ):
                        offenders.append(str(path.relative_to(REPO)))
    assert not offenders


def _layout_ids(node: object, found: set[str], types: set[str]) -> None:
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and "id" in props:
            ident = props["id"]
            if isinstance(ident, dict):
                types.add(ident.get("type", ""))
            else:
                found.add(ident)
        for value in node.values():
            _layout_ids(value, found, types)
    elif isinstance(node, list):
        for value in node:
            _layout_ids(value, found, types)


def test_every_callback_id_exists_in_the_layout(sqlite_store_url: str) -> None:
    import json

    from dash._utils import to_json

    from app.factory import create_app
    from app.settings import Settings
    from layers import ids

    app = create_app(Settings(database_url=sqlite_store_url))
    assert app.config.suppress_callback_exceptions is False
    layout = json.loads(to_json(app.layout() if callable(app.layout) else app.layout))
    found: set[str] = set()
    types: set[str] = set()
    _layout_ids(layout, found, types)
    # Crumbs and the table's unit buttons are drawn by the view callback; every other pattern id
    # is in the page.
    types.update((ids.CRUMB, ids.PICK))
    missing = []
    for callback in app.callback_map.values():
        deps = [dep["id"] for dep in (*callback["inputs"], *callback["state"])]
        outputs = callback["output"]  # one Output, or a list of them
        outputs = outputs if isinstance(outputs, list) else [outputs]
        deps += [output.component_id_str() for output in outputs]
        assert deps  # a callback with no outputs (dxmap.applyMap) still has its input
        for ident in deps:
            if ident.startswith("{"):
                kind = json.loads(ident)["type"]
                if kind not in types:
                    missing.append(ident)
            elif ident not in found:
                missing.append(ident)
    assert not missing, missing
    declared = {v for k, v in vars(ids).items() if k.isupper() and isinstance(v, str)}
    assert found <= declared, found - declared
