"""Every label of the page in Vietnamese (default) and English."""

from __future__ import annotations

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

TEXTS: dict[str, dict[str, str]] = {
    "app_title": {"vi": "Bản đồ chuyển đổi số", "en": "Digital transformation map"},
    "synthetic_badge": {"vi": "Dữ liệu mô phỏng", "en": "Synthetic data"},
    "synthetic_help": {
        "vi": "Số liệu trên màn hình có giá trị mô phỏng (không phải số liệu công bố).",
        "en": "Values on screen include synthetic data (not published figures).",
    },
    "language": {"vi": "Ngôn ngữ", "en": "Language"},
    "api_link": {"vi": "API dữ liệu", "en": "Data API"},
    "import_link": {"vi": "Nhập số liệu", "en": "Import data"},
    "import_link_title": {
        "vi": "Cán bộ dữ liệu: đăng nhập để nhập số liệu, xem lịch sử và hoàn tác",
        "en": "Data officers: sign in to import values, see the history and roll back",
    },
    "copy_link": {"vi": "Chép liên kết", "en": "Copy link"},
    "copy_link_short": {"vi": "Liên kết", "en": "Link"},
    "link_copied": {"vi": "Đã chép liên kết", "en": "Link copied"},
    "link_copy_by_hand": {
        "vi": "Chép liên kết này (Ctrl+C)",
        "en": "Copy this link (Ctrl+C)",
    },
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
    "count_units_one": {"vi": "đơn vị", "en": "unit"},
    "count_villages_one": {"vi": "thôn, ấp", "en": "village"},
    "legend_palette": {
        "vi": "Bảng màu an toàn cho người mù màu",
        "en": "Colour-blind-safe palette",
    },
    "value": {"vi": "Giá trị", "en": "Value"},
    "num_den": {"vi": "Tử số / mẫu số", "en": "Numerator / denominator"},
    "target": {"vi": "Mục tiêu", "en": "Target"},
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
    # Analysis tabs
    "tabs_label": {"vi": "Phân tích", "en": "Analysis"},
    "tab_detail": {"vi": "Chi tiết", "en": "Detail"},
    "tab_compare": {"vi": "So sánh", "en": "Compare"},
    "tab_gaps": {"vi": "Thiếu hụt", "en": "Gaps"},
    "tab_trends": {"vi": "Xu hướng", "en": "Trends"},
    "tab_table": {"vi": "Bảng", "en": "Table"},
    "skip_to_table": {
        "vi": "Bỏ qua bản đồ: xem dạng bảng",
        "en": "Skip the map: view as a table",
    },
    "loading": {"vi": "Đang tải…", "en": "Loading…"},
    # Scorecard
    "scorecard_title": {
        "vi": "Chỉ tiêu đạt · {name} · {period}",
        "en": "Targets met · {name} · {period}",
    },
    "scorecard_pillar_help": {
        "vi": "{met} đạt, {not_met} chưa đạt, {no_data} chưa có số liệu, "
        "{no_target} không có mục tiêu",
        "en": "{met} met, {not_met} not met, {no_data} without data, {no_target} without a target",
    },
    "scorecard_own": {
        "vi": "dxmap đếm từ số liệu trên bản đồ",
        "en": "Counted by dxmap from the data on the map",
    },
    "scorecard_published": {"vi": "Số công bố chính thức", "en": "Officially published"},
    "scorecard_published_note": {
        "vi": "Số công bố được tính trên danh mục chỉ tiêu đầy đủ của tỉnh; dxmap chỉ đếm các "
        "chỉ tiêu có trong danh mục của mình và có mục tiêu, nên hai số có thể khác nhau.",
        "en": "The published counts are against the authority's full list of targets; dxmap "
        "counts only the indicators in its catalogue that have a target, so the two can differ.",
    },
    "scorecard_caption": {
        "vi": "Từng chỉ tiêu so với mục tiêu",
        "en": "Each indicator against its target",
    },
    "scorecard_note": {
        "vi": "Số đạt / số chỉ tiêu có mục tiêu; chỉ tiêu chưa có số liệu không tính là đạt.",
        "en": "Met / indicators with a target; a target without data does not count as met.",
    },
    "examples_note": {
        "vi": "Các mục tiêu là ví dụ, không phải chỉ tiêu chính thức.",
        "en": "The targets are examples, not official thresholds.",
    },
    "status": {"vi": "Tình trạng", "en": "Status"},
    "status_met": {"vi": "Đạt", "en": "Met"},
    "status_not_met": {"vi": "Chưa đạt", "en": "Not met"},
    "status_no_target": {"vi": "Không có mục tiêu", "en": "No target"},
    "status_no_data": {"vi": "Không có dữ liệu", "en": "No data"},
    "status_not_applicable": {
        "vi": "Không đo ở cấp này",
        "en": "Not measured at this level",
    },
    "target_specific": {"vi": "riêng", "en": "local"},
    "target_specific_help": {
        "vi": "Mục tiêu riêng cho đơn vị {scope}",
        "en": "Threshold set for unit {scope}",
    },
    "compare_add": {"vi": "+ Thêm vào so sánh", "en": "+ Add to comparison"},
    "compare_remove": {"vi": "✓ Đang so sánh · bỏ ra", "en": "✓ In comparison · remove"},
    # Compare
    "compare_pick": {"vi": "Đơn vị so sánh", "en": "Units to compare"},
    "compare_placeholder": {
        "vi": "Chọn hai đơn vị cùng cấp trở lên",
        "en": "Pick two or more units of one level",
    },
    "compare_help": {
        "vi": "Chọn trong danh sách, dùng nút “Thêm vào so sánh” ở tab Chi tiết, "
        "hoặc bấm vào một thanh của biểu đồ xếp hạng.",
        "en": "Pick from the list, use “Add to comparison” on the Detail tab, "
        "or click a bar of the ranking.",
    },
    "compare_empty": {
        "vi": "Chưa chọn đơn vị nào để so sánh.",
        "en": "No units picked yet.",
    },
    "compare_one": {
        "vi": "Chọn thêm ít nhất một đơn vị cùng cấp.",
        "en": "Pick at least one more unit of the same level.",
    },
    "compare_caption": {
        "vi": "So sánh {n} đơn vị · {period}",
        "en": "{n} units compared · {period}",
    },
    "ranking_title": {
        "vi": "Xếp hạng · {indicator} · {period}",
        "en": "Ranking · {indicator} · {period}",
    },
    "ranking_help": {
        "vi": "Đơn vị đang so sánh tô màu đậm; vạch cam là mục tiêu. Bấm vào thanh để thêm/bỏ.",
        "en": "Compared units are dark; orange ticks are targets. Click a bar to add or remove it.",
    },
    "ranking_ties": {
        "vi": "{n} đơn vị có giá trị bằng nhau: cùng hạng (1., 1., 3.).",
        "en": "{n} units share their value with another: they share the rank (1., 1., 3.).",
    },
    "ranking_all_tied": {
        "vi": "Cả {n} đơn vị cùng đạt {value}: cùng hạng 1.",
        "en": "All {n} units have {value}: all rank 1.",
    },
    "ranking_empty": {"vi": "Không có số liệu để xếp hạng.", "en": "No values to rank."},
    "rank": {"vi": "Hạng", "en": "Rank"},
    # Gap register
    "gap_title": {
        "vi": "Chưa đạt mục tiêu · {indicator} · {period}",
        "en": "Below target · {indicator} · {period}",
    },
    "gap_level": {"vi": "Cấp", "en": "Level"},
    "gap_summary": {
        "vi": "{count} {noun} chưa đạt mục tiêu{scope} · còn thiếu {total} ({unit})",
        "en": "{count} {noun} below target{scope} · {total} missing ({unit})",
    },
    "gap_none": {
        "vi": "Không có {noun} nào chưa đạt mục tiêu{scope}.",
        "en": "No {noun} below target{scope}.",
    },
    "gap_scope": {"vi": " trong {name}", "en": " in {name}"},
    "gap_no_values": {
        "vi": "Không lập được danh sách cho kỳ và địa giới này.",
        "en": "No list can be made for this period on these boundaries.",
    },
    "goal": {"vi": "Mục tiêu", "en": "Target"},
    "gap_not_measured": {
        "vi": "Chỉ tiêu này không đo ở cấp {level}.",
        "en": "This indicator is not measured at {level} level.",
    },
    "gap_parent": {"vi": "Thuộc", "en": "In"},
    "gap_shortfall": {"vi": "Còn thiếu", "en": "Missing"},
    "gap_hint": {
        "vi": "Bấm vào một dòng để xem trên bản đồ; bấm tiêu đề cột để sắp xếp, lọc.",
        "en": "Click a row to see it on the map; use the column headers to sort and filter.",
    },
    "gap_download": {"vi": "Tải danh sách", "en": "Download the list"},
    "unit_level_country": {"vi": "Quốc gia", "en": "Country"},
    "unit_level_province": {"vi": "Tỉnh", "en": "Province"},
    "unit_level_district": {"vi": "Huyện", "en": "District"},
    "unit_level_commune": {"vi": "Xã", "en": "Commune"},
    "unit_level_village": {"vi": "Thôn, ấp", "en": "Village"},
    # Trends
    "trend_title": {"vi": "Xu hướng · {name}", "en": "Trends · {name}"},
    "trend_mark": {"vi": "Địa giới mới", "en": "New boundaries"},
    "trend_note": {
        "vi": "Vạch tím: từ kỳ {period}, số liệu theo “{vintage}”, được tính lại "
        "cho {name} từ {how} (cộng tử số và mẫu số, không lấy trung bình).",
        "en": "Purple line: from {period}, the data follow “{vintage}” and were "
        "re-aggregated for {name} from {how} (numerators and denominators summed, never averaged).",
    },
    "trend_how_villages": {"vi": "các thôn, ấp", "en": "its villages"},
    "trend_how_crosswalk": {"vi": "bảng chuyển đổi địa giới", "en": "the boundary crosswalk"},
    "trend_how_successor": {
        "vi": "giá trị của đơn vị kế thừa {name}",
        "en": "the value of its successor {name}",
    },
    "trend_reaggregated": {
        "vi": "Tính lại theo địa giới đang xem",
        "en": "Re-aggregated onto these boundaries",
    },
    "trend_table": {"vi": "Xem số liệu dạng bảng", "en": "Show the numbers as a table"},
    "trend_empty": {
        "vi": "Không có số liệu theo thời gian cho đơn vị này.",
        "en": "No values over time for this unit.",
    },
    # Table view
    "table_class": {"vi": "Lớp màu", "en": "Map class"},
    "table_help": {
        "vi": "Cùng số liệu và cùng lớp màu như bản đồ.",
        "en": "The same values and classes as the map.",
    },
    "level_country": {"vi": "Cả nước", "en": "Country"},
    "level_province": {"vi": "Tỉnh", "en": "Province"},
    "level_district": {"vi": "Huyện, thị xã, thành phố", "en": "Districts"},
    "level_commune": {"vi": "Xã, phường, thị trấn", "en": "Communes"},
    "level_village": {"vi": "Thôn, ấp, khu phố", "en": "Villages"},
    "boundaries_source": {"vi": "Ranh giới", "en": "Boundaries"},
    "licence": {"vi": "giấy phép", "en": "licence"},
    "not_redistributable": {"vi": "không được phân phối lại", "en": "not for redistribution"},
    # Print brief and PNG of the map
    "print_brief": {"vi": "In báo cáo", "en": "Print brief"},
    "print_brief_help": {
        "vi": "In một trang tóm tắt: bản đồ, chỉ tiêu đạt, danh sách thiếu hụt, xu hướng",
        "en": "Print a brief: map, scorecard, gap list, trend",
    },
    "png_download": {"vi": "Tải ảnh PNG", "en": "PNG"},
    "png_help": {
        "vi": "Tải bản đồ thành ảnh PNG (tiêu đề, chú giải, ngày, nguồn)",
        "en": "Download the map as a PNG (title, legend, date, sources)",
    },
    "legend_toggle": {"vi": "Chú giải", "en": "Legend"},
    "inset_toggle": {"vi": "Đảo", "en": "Islands"},
    "brief_empty": {
        "vi": "Bấm “In báo cáo” để tạo bản in.",
        "en": "Press “Print brief” to make the printout.",
    },
    "brief_date": {"vi": "Lập {date}", "en": "Made on {date}"},
    "brief_map": {"vi": "Bản đồ", "en": "Map"},
    "brief_value": {"vi": "Giá trị", "en": "Value"},
    "brief_scorecard": {"vi": "Chỉ tiêu đạt", "en": "Scorecard"},
    "brief_gaps": {"vi": "Chưa đạt mục tiêu", "en": "Below target"},
    "brief_trend": {"vi": "Xu hướng", "en": "Trend"},
    "brief_sources": {"vi": "Nguồn", "en": "Sources"},
    "brief_no_gaps": {"vi": "Không có đơn vị nào chưa đạt.", "en": "Nothing below target."},
    "brief_more_gaps": {
        "vi": "… và {n} dòng nữa (xem tab Thiếu hụt hoặc tải danh sách).",
        "en": "… and {n} more rows (see the Gaps tab or download the list).",
    },
    "brief_synthetic": {
        "vi": "Lưu ý: bản in có số liệu mô phỏng (không phải số liệu công bố); chỉ dùng để "
        "minh hoạ.",
        "en": "Note: this brief includes synthetic data (not published figures); for "
        "illustration only.",
    },
    "brief_values_source": {"vi": "Số liệu", "en": "Values"},
    "download": {"vi": "Tải xuống", "en": "Download"},
    "download_format": {"vi": "Định dạng", "en": "Format"},
    "download_scope": {"vi": "Chỉ tiêu", "en": "Indicators"},
    "download_scope_indicator": {"vi": "Chỉ tiêu đang xem", "en": "This indicator"},
    "download_scope_all": {"vi": "Tất cả chỉ tiêu", "en": "All indicators"},
    "download_below": {
        "vi": "Chỉ các đơn vị chưa đạt chỉ tiêu",
        "en": "Only units below target",
    },
    "download_crs": {"vi": "Hệ tọa độ (GeoPackage)", "en": "Coordinate system (GeoPackage)"},
    "download_crs_wgs84": {"vi": "WGS 84 (kinh độ, vĩ độ)", "en": "WGS 84 (longitude, latitude)"},
    "download_crs_vn2000": {
        "vi": "VN-2000 / TM-3 kinh tuyến trục 107°45′",
        "en": "VN-2000 / TM-3 central meridian 107°45′",
    },
    "download_button": {"vi": "Tải tệp", "en": "Download file"},
    "download_hint": {
        "vi": "Tệp chứa đúng những gì bản đồ đang hiển thị.",
        "en": "The file holds exactly what the map shows.",
    },
    "download_ready": {"vi": "Đã tạo {name}", "en": "Created {name}"},
    "download_failed": {
        "vi": "Không tạo được tệp ({parameter}): {message}",
        "en": "Could not create the file ({parameter}): {message}",
    },
    "download_error": {
        "vi": "Không tạo được tệp do lỗi máy chủ; vui lòng thử lại.",
        "en": "The file could not be created (server error); please try again.",
    },
    # helper mapux: village card, covered / not covered, gap villages, keyboard, period slider
    "covered": {"vi": "Được phủ sóng", "en": "Covered"},
    "not_covered": {"vi": "Chưa phủ sóng", "en": "Not covered"},
    "village_card": {"vi": "Thông tin thôn, ấp", "en": "Village card"},
    "village_in": {"vi": "Thuộc", "en": "In"},
    "village_households": {"vi": "Số hộ gia đình", "en": "Households"},
    "village_adults": {"vi": "Số người trưởng thành", "en": "Adults"},
    "village_register": {"vi": "Sổ thôn, ấp", "en": "Village register"},
    "village_indicators": {"vi": "Chỉ tiêu theo thôn, ấp", "en": "Village indicators"},
    "village_source": {"vi": "Nguồn", "en": "Source"},
    "village_close": {"vi": "Đóng thông tin thôn, ấp", "en": "Close the village card"},
    "village_none": {
        "vi": "Chưa có chỉ tiêu nào đo theo thôn, ấp.",
        "en": "No indicator is measured per village.",
    },
    "gap_group_by": {"vi": "Nhóm theo", "en": "Group by"},
    "gap_group_none": {"vi": "Không nhóm", "en": "No grouping"},
    "gap_group_district": {"vi": "Huyện", "en": "District"},
    "gap_group_commune": {"vi": "Xã", "en": "Commune"},
    "gap_layer_legend": {
        "vi": "Thôn, ấp chưa đạt mục tiêu (màu đậm: thiếu nhiều hơn)",
        "en": "Villages below target (darker: larger shortfall)",
    },
    "period_play": {"vi": "Phát các kỳ", "en": "Play the periods"},
    "period_pause": {"vi": "Dừng", "en": "Pause"},
    "period_slider": {"vi": "Kỳ số liệu", "en": "Period"},
    "legend_fixed": {
        "vi": "Khoảng phân lớp giữ nguyên qua các kỳ",
        "en": "Classes held fixed across periods",
    },
    "notice_compare_moved": {
        "vi": "Đã chuyển danh sách so sánh sang ranh giới mới: {kept}",
        "en": "The comparison was carried to the new boundaries: {kept}",
    },
    "whole_area_any": {"vi": "Toàn khu vực", "en": "Whole area"},
    "notice_compare_dropped": {
        "vi": "Bỏ khỏi so sánh (không có đơn vị tương ứng): {dropped}",
        "en": "Dropped from the comparison (no matching unit): {dropped}",
    },
}


# The dropdown's own words (dcc.Dropdown ``labels``); English is Dash's default.
DROPDOWN_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "select_all": "Chọn tất cả",
        "deselect_all": "Bỏ chọn tất cả",
        "selected_count": "đã chọn {num_selected}",
        "search": "Tìm",
        "clear_search": "Xoá tìm kiếm",
        "clear_selection": "Bỏ chọn",
        "no_options_found": "Không tìm thấy",
    },
    "en": {
        "select_all": "Select all",
        "deselect_all": "Deselect all",
        "selected_count": "{num_selected} selected",
        "search": "Search",
        "clear_search": "Clear search",
        "clear_selection": "Clear selection",
        "no_options_found": "No options found",
    },
}

# The data grid's own words (filter menus, empty overlay); English is AG Grid's default.
GRID_TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "noRowsToShow": "Không có dòng nào",
        "loadingOoo": "Đang tải…",
        "filterOoo": "Lọc…",
        "contains": "Chứa",
        "notContains": "Không chứa",
        "equals": "Bằng",
        "notEqual": "Khác",
        "startsWith": "Bắt đầu bằng",
        "endsWith": "Kết thúc bằng",
        "blank": "Trống",
        "notBlank": "Không trống",
        "lessThan": "Nhỏ hơn",
        "greaterThan": "Lớn hơn",
        "lessThanOrEqual": "Nhỏ hơn hoặc bằng",
        "greaterThanOrEqual": "Lớn hơn hoặc bằng",
        "inRange": "Trong khoảng",
        "inRangeStart": "Từ",
        "inRangeEnd": "Đến",
        "andCondition": "VÀ",
        "orCondition": "HOẶC",
        "applyFilter": "Áp dụng",
        "resetFilter": "Đặt lại",
        "clearFilter": "Xoá lọc",
        "cancelFilter": "Huỷ",
        "sortAscending": "Sắp xếp tăng dần",
        "sortDescending": "Sắp xếp giảm dần",
        "ariaFilterInput": "Ô nhập lọc",
        "ariaSearch": "Tìm",
    },
    "en": {"loadingOoo": "Loading…"},
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


def plotly_separators(lang: str) -> str:
    """Return Plotly's ``separators`` (decimal mark, then thousands) for ``lang``."""
    return ",." if normalise_lang(lang) == "vi" else ".,"


def noun_for(count: float | None, noun_key: str, lang: str = DEFAULT_LANG) -> str:
    """Return the noun of ``noun_key`` that agrees with ``count`` ("village" for 1)."""
    key = f"{noun_key}_one" if count == 1 and f"{noun_key}_one" in TEXTS else noun_key
    return t(key, lang)


def counted(count: float | None, noun: str, lang: str = DEFAULT_LANG) -> str:
    """Return "1 village" / "3 villages" from a plural noun already in ``lang``."""
    if count == 1:
        for key, entry in TEXTS.items():
            if entry.get(lang) == noun and f"{key}_one" in TEXTS:
                noun = t(f"{key}_one", lang)
                break
    return f"{format_number(count, lang, 0)} {noun}"


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


def dropdown_labels(lang: str) -> dict[str, str]:
    """Return the dropdown's own words (search box, "no options", …) in ``lang``."""
    return DROPDOWN_LABELS.get(normalise_lang(lang), DROPDOWN_LABELS["en"])
