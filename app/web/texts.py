"""Texts of the server-rendered pages (sign-in, import, outage) in Vietnamese and English."""

from __future__ import annotations

LANGS = ("vi", "en")

TEXTS: dict[str, dict[str, str]] = {
    "outage": {
        "vi": "Không kết nối được cơ sở dữ liệu. Bản đồ sẽ tự tải lại khi kết nối được khôi phục.",
        "en": "The database cannot be reached. The map reloads by itself once it is back.",
    },
    "sign_in": {"vi": "Đăng nhập", "en": "Sign in"},
    "sign_out": {"vi": "Đăng xuất", "en": "Sign out"},
    "user_name": {"vi": "Tên đăng nhập", "en": "User name"},
    "password": {"vi": "Mật khẩu", "en": "Password"},
    "bad_login": {
        "vi": "Sai tên đăng nhập hoặc mật khẩu.",
        "en": "Wrong user name or password.",
    },
    "too_many": {
        "vi": "Quá nhiều lần thử. Vui lòng thử lại sau ít phút.",
        "en": "Too many attempts. Please try again in a few minutes.",
    },
    "signed_in_as": {"vi": "Đang đăng nhập: {name}", "en": "Signed in as {name}"},
    "signed_out": {"vi": "Bạn đã đăng xuất.", "en": "You are signed out."},
    "sign_out_confirm": {
        "vi": "Đăng xuất khỏi dxmap?",
        "en": "Sign out of dxmap?",
    },
    "back_to_map": {"vi": "Về bản đồ", "en": "Back to the map"},
    "forbidden": {
        "vi": "Chỉ biên tập viên mới được làm việc này.",
        "en": "Only editors may do this.",
    },
    "csrf_failed": {
        "vi": "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang.",
        "en": "The session expired or the form is not valid. Reload the page.",
    },
    "other_lang": {"vi": "English", "en": "Tiếng Việt"},
    "import_title": {"vi": "Nhập số liệu", "en": "Import data"},
    "template": {"vi": "Tải mẫu nhập liệu", "en": "Download a template"},
    "vintage": {"vi": "Địa giới", "en": "Boundaries"},
    "level": {"vi": "Cấp", "en": "Level"},
    "format": {"vi": "Định dạng", "en": "Format"},
    "indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "period": {"vi": "Kỳ số liệu", "en": "Period"},
    "download": {"vi": "Tải về", "en": "Download"},
    "upload": {"vi": "Tải tệp số liệu lên", "en": "Upload a values file"},
    "kind": {"vi": "Loại tệp", "en": "File kind"},
    "kind_values": {"vi": "Số liệu chỉ tiêu", "en": "Indicator values"},
    "kind_villages": {"vi": "Danh sách thôn, ấp", "en": "Village register"},
    "villages_unavailable": {
        "vi": "Nhập danh sách thôn, ấp chưa có trên trang này (dùng lệnh dxmap villages import).",
        "en": "Village registers cannot be imported here yet (use dxmap villages import).",
    },
    "preview": {"vi": "Kiểm tra trước", "en": "Preview"},
    "problems": {
        "vi": "{count} lỗi, chưa ghi gì vào cơ sở dữ liệu:",
        "en": "{count} problems; nothing was written:",
    },
    "row": {"vi": "Dòng", "en": "Row"},
    "column": {"vi": "Cột", "en": "Column"},
    "message": {"vi": "Lỗi", "en": "Problem"},
    "ready": {
        "vi": "Tệp {name} hợp lệ: {rows} dòng. Bấm Ghi để nhập.",
        "en": "{name} is valid: {rows} rows. Press Commit to import it.",
    },
    "commit": {"vi": "Ghi", "en": "Commit"},
    "committed": {
        "vi": "Đã nhập lô {batch}: {inserted} dòng mới, {replaced} dòng thay thế.",
        "en": "Batch {batch} imported: {inserted} new rows, {replaced} replaced.",
    },
    "nothing_changed": {
        "vi": "Không có gì thay đổi: tệp này đã được nhập (lô {batch}).",
        "en": "Nothing changed: this file was already imported (batch {batch}).",
    },
    "no_file": {"vi": "Chưa chọn tệp.", "en": "No file chosen."},
    "expired": {
        "vi": "Bản xem trước đã hết hạn; hãy tải tệp lên lại.",
        "en": "The preview has expired; upload the file again.",
    },
    "history": {"vi": "Lịch sử nhập", "en": "Import history"},
    "batch": {"vi": "Lô", "en": "Batch"},
    "file": {"vi": "Tệp", "en": "File"},
    "hash": {"vi": "Mã băm", "en": "Hash"},
    "editor": {"vi": "Người nhập", "en": "Editor"},
    "time": {"vi": "Thời gian (UTC)", "en": "Time (UTC)"},
    "counts": {"vi": "Dòng (mới/thay)", "en": "Rows (new/replaced)"},
    "outcome": {"vi": "Kết quả", "en": "Outcome"},
    "outcome_committed": {"vi": "đã nhập", "en": "committed"},
    "outcome_rolled_back": {"vi": "đã hoàn tác", "en": "rolled back"},
    "rollback": {"vi": "Hoàn tác", "en": "Roll back"},
    "rolled_back": {
        "vi": "Đã hoàn tác lô {batch}: xoá {removed} dòng, khôi phục {restored} dòng.",
        "en": "Batch {batch} rolled back: {removed} rows removed, {restored} restored.",
    },
    "audit": {"vi": "Nhật ký thay đổi", "en": "Audit log"},
    "action": {"vi": "Việc", "en": "Action"},
    "detail": {"vi": "Chi tiết", "en": "Detail"},
    "bad_choice": {"vi": "Lựa chọn không hợp lệ: {name}.", "en": "Not a valid choice: {name}."},
}


def lang_of(value: str | None) -> str:
    """Return ``value`` if it is a supported language, else Vietnamese."""
    return value if value in LANGS else "vi"


def tr(key: str, lang: str | None = "vi", **values: object) -> str:
    """Return the text ``key`` in ``lang`` (Vietnamese when unknown), formatted with ``values``."""
    entry = TEXTS[key]
    return entry[lang_of(lang)].format(**values) if values else entry[lang_of(lang)]
