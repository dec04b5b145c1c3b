from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language, get_language_bidi


def site(request: HttpRequest) -> dict[str, Any]:
    """The language menu and text direction every page needs."""
    current = get_language() or settings.LANGUAGE_CODE
    names = {
        "en": "English",
        "fr": "Français",
        "es": "Español",
        "ar": "العربية",
        "ru": "Русский",
        "zh": "中文",
    }
    return {
        "gcmhub_languages": [
            {"code": code, "name": names.get(code, code), "current": code == current}
            for code, _ in settings.LANGUAGES
        ],
        "text_direction": "rtl" if get_language_bidi() else "ltr",
    }
