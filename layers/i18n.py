"""Every label of the page in Vietnamese (default) and English."""

from __future__ import annotations

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

TEXTS: dict[str, dict[str, str]] = {
    "app_title": {"vi": "Bản đồ chuyển đổi số", "en": "Digital transformation map"},
    "app_area": {"vi": "Bà Rịa - Vũng Tàu", "en": "Ba Ria - Vung Tau"},
    "synthetic_badge": {"vi": "Dữ liệu mô phỏng", "en": "Synthetic data"},
    "synthetic_help": {
        "vi": "Số liệu trên màn hình có giá trị mô phỏng (không phải số liệu công bố).",
        "en": "Values on screen include synthetic data (not published figures).",
    },
    "language": {"vi": "Ngôn ngữ", "en": "Language"},
    "search": {"vi": "Tìm đơn vị", "en": "Find a unit"},
    "search_placeholder": {
        "vi": "Tên (không dấu cũng được) hoặc mã",
        "en": "Name (accents optional) or code",
    },
    "search_no_match": {"vi": "Không tìm thấy", "en": "No match"},
    "former_name": {"vi": "tên cũ", "en": "former name"},
    "notice_former_name": {
        "vi": "{former} (tên trước sáp nhập) nay thuộc {name}.",
        "en": "{former} (name before the merger) is now part of {name}.",
    },
    "published_value": {"vi": "Số liệu công bố", "en": "Published figure"},
    "indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "period": {"vi": "Kỳ số liệu", "en": "Period"},
    "vintage": {"vi": "Địa giới hành chính", "en": "Boundaries"},
    "scheme": {"vi": "Cách phân lớp", "en": "Classification"},
    "scheme_quantiles": {"vi": "Phân vị", "en": "Quantiles"},
    "scheme_equal": {"vi": "Khoảng đều", "en": "Equal interval"},
    "scheme_jenks": {"vi": "Jenks (ngắt tự nhiên)", "en": "Fisher-Jenks (natural breaks)"},
    "scheme_target": {"vi": "So với chỉ tiêu", "en": "Against target"},
    "definition": {"vi": "Định nghĩa", "en": "Definition"},
    "numerator": {"vi": "Tử số", "en": "Numerator"},
    "denominator": {"vi": "Mẫu số", "en": "Denominator"},
    "kind_ratio": {"vi": "tỷ lệ", "en": "ratio"},
    "kind_share_of_villages": {"vi": "tỷ lệ thôn, ấp", "en": "share of villages"},
    "kind_count": {"vi": "số đếm", "en": "count"},
    "whole_area": {"vi": "Toàn tỉnh", "en": "Whole area"},
    "no_data": {"vi": "Không có dữ liệu", "en": "No data"},
    "met": {"vi": "Đạt chỉ tiêu", "en": "Target met"},
    "met_short": {"vi": "Đạt", "en": "Met"},
    "not_met": {"vi": "Chưa đạt", "en": "Not met"},
    "count_units": {"vi": "đơn vị", "en": "units"},
    "count_villages": {"vi": "thôn, ấp", "en": "villages"},
    "legend_palette": {
        "vi": "Bảng màu an toàn cho người mù màu",
        "en": "Colour-blind-safe palette",
    },
    "value": {"vi": "Giá trị", "en": "Value"},
    "num_den": {"vi": "Tử số / mẫu số", "en": "Numerator / denominator"},
    "target": {"vi": "Chỉ tiêu", "en": "Target"},
    "target_example": {"vi": "chỉ tiêu mẫu", "en": "example target"},
    "gap": {"vi": "Chênh lệch", "en": "Gap"},
    "provenance": {"vi": "Nguồn gốc", "en": "Provenance"},
    "published": {"vi": "Công bố", "en": "Published"},
    "synthetic": {"vi": "Mô phỏng", "en": "Synthetic"},
    "over_100": {
        "vi": "Trên 100 % (số thuê bao vượt số hộ)",
        "en": "Above 100 % (subscriptions exceed the base)",
    },
    "name": {"vi": "Tên", "en": "Name"},
    "code": {"vi": "Mã", "en": "Code"},
    "table_units": {"vi": "Các đơn vị trên bản đồ", "en": "Units on the map"},
    "table_villages": {"vi": "Thôn, ấp, khu phố của {name}", "en": "Villages of {name}"},
    "leaf_note": {
        "vi": "{name} không có đơn vị cấp dưới; các điểm là thôn, ấp, khu phố.",
        "en": "{name} has no subdivisions; the points are its villages.",
    },
    "notice_no_values": {
        "vi": "Không có số liệu kỳ {period} trên địa giới này. Hãy chọn kỳ hoặc địa giới khác.",
        "en": "No values for {period} on these boundaries. Choose another period or boundaries.",
    },
    "notice_province_only": {
        "vi": "Chỉ tiêu này chỉ có số liệu cấp tỉnh: xem giá trị toàn tỉnh ở khung bên phải.",
        "en": "This indicator only has province-level figures: see the area value on the right.",
    },
    "notice_unit_moved": {
        "vi": "Đơn vị đã chọn không có trong địa giới này; đang hiển thị {name}.",
        "en": "The selected unit does not exist on these boundaries; showing {name}.",
    },
    "click_hint": {
        "vi": "Bấm vào một đơn vị để xem cấp dưới.",
        "en": "Click a unit to see its subdivisions.",
    },
    "level_province": {"vi": "Tỉnh", "en": "Province"},
    "level_district": {"vi": "Huyện, thị xã, thành phố", "en": "Districts"},
    "level_commune": {"vi": "Xã, phường, thị trấn", "en": "Communes"},
    "level_village": {"vi": "Thôn, ấp, khu phố", "en": "Villages"},
    "boundaries_source": {"vi": "Ranh giới", "en": "Boundaries"},
    "licence": {"vi": "giấy phép", "en": "licence"},
}


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """Return the text for ``key`` in ``lang`` (Vietnamese if unknown), formatted with values."""
    entry = TEXTS[key]
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**values) if values else text


def normalise_lang(lang: str | None) -> str:
    """Return ``lang`` if supported, else the default language."""
    return lang if lang in LANGS else DEFAULT_LANG


def format_number(value: float | None, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    """Format a number the way ``lang`` writes it (vi: 1.234,5; en: 1,234.5); "–" for None."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    return text


def format_value(
    value: float | None, unit: str, lang: str = DEFAULT_LANG, decimals: int | None = None
) -> str:
    """Format an indicator value with its unit ("97,5 %" or "503")."""
    if value is None:
        return t("no_data", lang)
    if unit == "%":
        return f"{format_number(value, lang, 1 if decimals is None else decimals)} %"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    return format_number(value, lang, decimals)
