"""Texts that exist in bokmål, nynorsk and English, stored as one column per language.

Bokmål is the authoritative language: every text must have it, and a missing nynorsk or
English translation falls back to it.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language

LANGUAGES = ("nb", "nn", "en")
FALLBACK_LANGUAGE = "nb"


def current_language() -> str:
    language = (get_language() or FALLBACK_LANGUAGE).split("-")[0]
    return language if language in LANGUAGES else FALLBACK_LANGUAGE


def device_chose_language(request) -> bool:
    """Whether the visitor chose a language on this device (the language cookie is set)."""
    return settings.LANGUAGE_COOKIE_NAME in request.COOKIES


def activate_respondent_language(request, language: str) -> None:
    """Show a respondent's pages in the language of their response (the invitation's, or
    the one they answered in) on a device that has not chosen one; a choice made on the
    device wins. For every page reached through a respondent's link: the questionnaire,
    the report, its charts and its PDF."""
    if not device_chose_language(request) and language in LANGUAGES:
        translation.activate(language)
        request.LANGUAGE_CODE = language


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


def localized_html(obj, base: str, language: str | None = None) -> str:
    """The text for HTML: escaped, and marked ``lang="nb"`` where it falls back to bokmål,
    so a screen reader reads a missing translation with the right pronunciation.

    Remembered on ``obj`` for as long as its texts stay the same objects: a questionnaire
    kept in memory (``surveys.questionnaire.Questionnaire.of``) is rendered page after page,
    and escaping every option's label again was a tenth of a questionnaire page's time."""
    from django.utils.html import conditional_escape, format_html

    language = language or current_language()
    own = getattr(obj, f"{base}_{language}", "") if language in LANGUAGES else ""
    in_own_language = bool(own) or language == FALLBACK_LANGUAGE
    # The text the result is made from: the fallback is read only when it is needed (it may
    # be a deferred field).
    source = own if in_own_language else getattr(obj, f"{base}_{FALLBACK_LANGUAGE}")
    memo = getattr(obj, "__dict__", None)
    if memo is not None:
        memo = memo.setdefault("_localized_html", {})
        kept = memo.get((base, language))
        if kept is not None and kept[0] == in_own_language and kept[1] is source:
            return kept[2]
    if in_own_language:
        html = conditional_escape(source)
    else:
        html = format_html('<span lang="{}">{}</span>', FALLBACK_LANGUAGE, source) if source else ""
    if memo is not None:
        memo[(base, language)] = (in_own_language, source, html)
    return html
