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
}


def lang_of(value: str | None) -> str:
    """Return ``value`` if it is a supported language, else Vietnamese."""
    return value if value in LANGS else "vi"


def tr(key: str, lang: str | None = "vi", **values: object) -> str:
    """Return the text ``key`` in ``lang`` (Vietnamese when unknown), formatted with ``values``."""
    entry = TEXTS[key]
    return entry[lang_of(lang)].format(**values) if values else entry[lang_of(lang)]
