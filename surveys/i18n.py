"""Texts that exist in bokmål, nynorsk and English, stored as one column per language.

Bokmål is the authoritative language: every text must have it, and a missing nynorsk or
English translation falls back to it.
"""

from django.utils.translation import get_language

LANGUAGES = ("nb", "nn", "en")
FALLBACK_LANGUAGE = "nb"


def current_language() -> str:
    language = (get_language() or FALLBACK_LANGUAGE).split("-")[0]
    return language if language in LANGUAGES else FALLBACK_LANGUAGE


def text_field_names(base: str) -> list[str]:
    return [f"{base}_{language}" for language in LANGUAGES]


def localized(obj, base: str, language: str | None = None) -> str:
    """The text ``base`` of ``obj`` in ``language`` (default: the active one), else bokmål."""
    language = language or current_language()
    if language not in LANGUAGES:
        language = FALLBACK_LANGUAGE
    return getattr(obj, f"{base}_{language}", "") or getattr(obj, f"{base}_{FALLBACK_LANGUAGE}")


def translated(base: str) -> property:
    """A read-only attribute giving the text ``base`` in the active language."""
    return property(lambda self: localized(self, base), doc=f"{base} in the active language")
