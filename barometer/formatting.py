"""Numbers as the reader's language writes them: decimal comma and "88 %" in Norwegian,
"88%" in English."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import get_language

NBSP = "\u00a0"


def _percent_sign() -> str:
    return "%" if (get_language() or "nb").startswith("en") else f"{NBSP}%"


def format_number(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return ""
    return formats.number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)


def format_share(value: float | None, decimals: int = 0) -> str:
    """A share between 0 and 1 as a percentage."""
    if value is None:
        return ""
    return format_number(value * 100, decimals) + _percent_sign()


def format_interval(low: float | None, high: float | None, *, as_share: bool = True, decimals: int = 0) -> str:
    if low is None or high is None:
        return ""
    if as_share:
        return f"{format_number(low * 100, decimals)}–{format_number(high * 100, decimals)}{_percent_sign()}"
    return f"{format_number(low, decimals)}–{format_number(high, decimals)}"
