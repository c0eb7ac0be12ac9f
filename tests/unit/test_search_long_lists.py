"""A long search list (the country's units) is offered as the user types, not all at once."""

from __future__ import annotations

from callbacks.labels import MATCHES, MAX_SEARCH_OPTIONS, shown_entries


def _entry(code: str, name: str, level: str) -> dict[str, str]:
    return {"code": code, "name": name, "level": level, "search": f"{name.lower()} {code}"}


COUNTRY = [_entry("01", "ha noi", "province"), _entry("79", "ho chi minh", "province")] + [
    _entry(f"{n:05d}", f"xa so {n}", "commune") for n in range(3000)
]


def test_a_short_list_is_offered_whole() -> None:
    short = COUNTRY[:MAX_SEARCH_OPTIONS]
    assert shown_entries(short, "zzz") == short


def test_a_long_list_offers_the_upper_units_until_something_is_typed() -> None:
    assert [e["code"] for e in shown_entries(COUNTRY)] == ["01", "79"]
    assert [e["code"] for e in shown_entries(COUNTRY, "h")] == ["01", "79"]


def test_a_long_list_offers_the_matches_of_what_is_typed_accents_ignored() -> None:
    assert [e["code"] for e in shown_entries(COUNTRY, "Hồ Chí")] == ["79"]
    assert [e["code"] for e in shown_entries(COUNTRY, "xa so 2999")] == ["02999"]
    assert len(shown_entries(COUNTRY, "xa so")) == MATCHES
