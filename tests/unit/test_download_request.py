"""The UI download asks the one export implementation for exactly what the map draws."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from callbacks.downloads import control_options, download, export_request
from callbacks.map_view import map_frame
from geodata.areas.manifest import load_area
from geodata.view import Choices, View, ViewError

BOX = [[10.4, 107.0], [10.6, 107.2]]
CON_DAO_BOX = [[8.6, 106.5], [8.8, 106.7]]


def _unit(code: str, level: str, parent: str | None, children: list[str], box=BOX) -> dict:
    return {
        "code": code,
        "name": f"Unit {code}",
        "type": level,
        "level": level,
        "parent_code": parent,
        "bounds": box,
        "children": children,
    }


# A small copy of the real tree: 2020 has districts (Long Điền 752 with communes, Côn Đảo 755
# without); 2025-07 has no district level (communes straight under the province, Côn Đảo a leaf).
TREES = {
    "2020": {
        "77": _unit("77", "province", None, ["747", "750", "752", "755"]),
        "747": _unit("747", "district", "77", ["26560"]),
        "750": _unit("750", "district", "77", ["26600"]),
        "752": _unit("752", "district", "77", ["26677", "26680"]),
        "755": _unit("755", "district", "77", [], CON_DAO_BOX),
        "26560": _unit("26560", "commune", "747", []),
        "26600": _unit("26600", "commune", "750", []),
        "26677": _unit("26677", "commune", "752", []),
        "26680": _unit("26680", "commune", "752", []),
    },
    "2025-07": {
        "77": _unit("77", "province", None, ["26506", "26662", "26732"]),
        "26506": _unit("26506", "commune", "77", []),
        "26662": _unit("26662", "commune", "77", []),
        "26732": _unit("26732", "commune", "77", [], CON_DAO_BOX),
    },
}


CHOICES = Choices(
    indicators=("fibre_households", "community_tech_teams"),
    vintages=tuple(load_area("brvt").vintages),
    unit_level=lambda vintage, code: TREES[vintage].get(code, {}).get("level"),
)


class FakeService:
    """The unit tree of ``map_frame``, the view's choices and a recording export."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.calls: list[dict[str, Any]] = []

    def units_index(self, vintage: str) -> dict[str, dict[str, Any]]:
        return TREES[vintage]

    def unit(self, vintage: str, code: str | None) -> dict[str, Any] | None:
        return TREES[vintage].get(code) if code else None

    def root(self, vintage: str) -> dict[str, Any] | None:
        return TREES[vintage]["77"]

    def child_level(self, vintage: str, code: str) -> str | None:
        unit = TREES[vintage][code]
        return TREES[vintage][unit["children"][0]]["level"] if unit["children"] else None

    def lineage(self, vintage: str, code: str | None) -> list[dict[str, Any]]:
        chain = []
        while code:
            chain.append(TREES[vintage][code])
            code = TREES[vintage][code]["parent_code"]
        return chain[::-1]

    def view_choices(self) -> Choices:
        return CHOICES

    def export(self, view: View, *, fmt: str, crs: str | None = None) -> bytes:
        self.calls.append({"view": view, "fmt": fmt, "crs": crs})
        if self.error is not None:
            raise self.error
        return b"code,name\r\n"


def _state(**overrides: Any) -> dict[str, Any]:
    state = {
        "indicator": "fibre_households",
        "period": "2024",
        "vintage": "2020",
        "unit": None,
        "scheme": "quantiles",
        "lang": "vi",
    }
    return {**state, **overrides}


def _request(state: dict[str, Any], **choices: Any) -> dict[str, Any]:
    return export_request(state, map_frame(state, FakeService()), CHOICES, **choices)


def _where(request: dict[str, Any]) -> tuple[str | None, str | None]:
    return request["view"].level, request["view"].parent


def test_the_province_view_exports_its_districts() -> None:
    request = _request(_state(), fmt="csv")
    assert request == {
        "view": View(
            level="district",
            vintage="2020",
            period="2024",
            indicator="fibre_households",
            all_indicators=False,
            parent="77",
            below_target=False,
        ),
        "fmt": "csv",
        "crs": None,
    }


def test_a_selected_district_exports_the_communes_under_it() -> None:
    assert _where(_request(_state(unit="752"))) == ("commune", "752")


def test_a_selected_commune_exports_its_villages() -> None:
    assert _where(_request(_state(unit="26677"))) == ("village", "26677")


def test_the_2025_07_area_exports_its_communes_straight_under_the_province() -> None:
    assert _where(_request(_state(vintage="2025-07"))) == ("commune", "77")


@pytest.mark.parametrize(("vintage", "code"), [("2020", "755"), ("2025-07", "26732")])
def test_con_dao_a_leaf_exports_its_villages(vintage: str, code: str) -> None:
    assert _where(_request(_state(vintage=vintage, unit=code))) == ("village", code)


def test_selecting_the_root_is_the_whole_area() -> None:
    assert _where(_request(_state(unit="77"))) == ("district", "77")


def test_all_indicators_and_below_target_follow_the_choices() -> None:
    view = _request(_state(period="2023"), scope="all", below_target=True)["view"]
    assert view.indicator is None and view.all_indicators is True
    assert view.below_target is True and view.period == "2023"


def test_the_coordinate_system_applies_to_geopackage_only() -> None:
    assert _request(_state(), fmt="gpkg", crs="vn2000-tm3-10745")["crs"] == "vn2000-tm3-10745"
    assert _request(_state(), fmt="gpkg")["crs"] == "wgs84"
    assert _request(_state(), fmt="geojson", crs="vn2000-tm3-10745")["crs"] is None


def test_a_view_that_draws_nothing_is_an_export_error() -> None:
    with pytest.raises(ViewError):
        export_request(_state(), {"level": None, "parent": None, "leaf": None}, CHOICES)


def test_a_forged_view_state_is_refused_naming_the_parameter() -> None:
    with pytest.raises(ViewError) as caught:
        _request(_state(indicator="no_such_indicator"))
    assert caught.value.parameter == "indicator"


def test_download_sends_the_export_under_a_name_that_says_what_is_inside() -> None:
    service = FakeService()
    choices = {"fmt": "csv", "scope": "indicator", "below": ["below"], "crs": "vn2000-tm3-10745"}
    data, message = download(_state(unit="752"), choices, service)
    assert service.calls == [_request(_state(unit="752"), fmt="csv", below_target=True)]
    assert data["filename"] == "dxmap_fibre_households_commune_in-752_2024_v2020_below-target.csv"
    assert base64.b64decode(data["content"]) == b"code,name\r\n"
    assert data["type"].startswith("text/csv")
    assert data["filename"] in message.children


def test_an_export_error_becomes_a_visible_message_not_a_crash() -> None:
    service = FakeService(ViewError("period", "no values for 2025-H1 on vintage 2020"))
    data, message = download(_state(lang="en"), {"fmt": "xlsx"}, service)
    assert data is None
    assert message.role == "alert"
    assert "period" in message.children and "2025-H1" in message.children


def test_an_unexpected_failure_is_also_a_message() -> None:
    data, message = download(_state(), {"fmt": "csv"}, FakeService(RuntimeError("boom")))
    assert data is None and message.role == "alert" and "boom" not in message.children


def test_the_control_follows_the_language_and_shows_the_crs_for_geopackage_only() -> None:
    scope, below, crs, hidden = control_options("en", "csv")
    assert [o["label"] for o in scope] == ["This indicator", "All indicators"]
    assert below[0]["label"] == "Only units below target"
    assert [o["value"] for o in crs] == ["wgs84", "vn2000-tm3-10745"]
    assert hidden is True
    assert control_options("vi", "gpkg")[3] is False
    assert control_options("vi", "gpkg")[0][1]["label"] == "Tất cả chỉ tiêu"
