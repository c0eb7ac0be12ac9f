from __future__ import annotations

import re

import pytest

from layers.i18n import LANGS, TEXTS, format_number, format_value, normalise_lang, t


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_label_has_every_language(key: str) -> None:
    for lang in LANGS:
        assert TEXTS[key].get(lang, "").strip(), f"{key} has no {lang} text"


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_placeholders_match_across_languages(key: str) -> None:
    fields = {lang: set(re.findall(r"{(\w+)}", TEXTS[key][lang])) for lang in LANGS}
    assert fields["vi"] == fields["en"]


def test_vietnamese_is_the_default_and_unknown_languages_fall_back_to_it() -> None:
    assert t("no_data") == "Không có dữ liệu"
    assert normalise_lang("fr") == "vi" and normalise_lang("en") == "en"
    assert t("table_villages", "en", name="Xã Phước Hưng") == "Villages of Xã Phước Hưng"


def test_numbers_use_each_languages_separators() -> None:
    assert format_number(339565.0, "vi", 0) == "339.565"
    assert format_number(97.53, "vi", 1) == "97,5"
    assert format_number(339565.0, "en", 0) == "339,565"
    assert format_value(105.0, "%", "en") == "105.0 %"
    assert format_value(503.0, "count", "vi") == "503"
    assert format_value(None, "%", "en") == "No data"


def test_the_dropdowns_own_words_follow_the_language() -> None:
    from layers.i18n import dropdown_labels

    assert dropdown_labels("vi")["no_options_found"] == "Không tìm thấy"
    assert dropdown_labels("en")["no_options_found"] == "No options found"
    assert set(dropdown_labels("vi")) == set(dropdown_labels("en"))
